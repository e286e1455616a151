"""Rule specs: scipy.integrate.odeint and solve_ivp, to first order. Empty without scipy.

The right-hand side is np.multiply (y' = t y, or t * y with tfirst): a function srcad can
differentiate that the spec's call can name. The solves are tight (1e-12), so that
finite differences of them are accurate; parameters passed through args= are checked in
tests/test_scipy_integrate.py.
"""

from __future__ import annotations

from . import RuleSpec

try:
    import scipy.integrate
except ImportError:  # scipy is optional: no specs, and no scipy rules registered
    SPECS: list[RuleSpec] = []
else:
    import srcad.rules.scipy  # noqa: F401 - registers the rules these specs check

    TIGHT = "rtol=1e-12, atol=1e-12"
    ODE = dict(order=1, rtol=1e-4, atol=1e-6, domain="positive")
    SPECS = [
        # the time points (their first one is the initial time) and the initial state
        RuleSpec(
            scipy.integrate.odeint,
            [((2,), (4,))],
            call=f"prim(np.multiply, a0, np.cumsum(a1) - 1.0, {TIGHT})",
            **ODE,
        ),
        RuleSpec(
            scipy.integrate.odeint,
            [((3,), ())],
            call=f"prim(np.multiply, a0, np.linspace(0.0, 1.0, 5) * a1, tfirst=True, {TIGHT})",
            **ODE,
        ),
    ]
    for method in ("RK45", "DOP853", "LSODA"):
        SPECS += [
            # t_eval (not starting at t_span[0]) and y0
            RuleSpec(
                scipy.integrate.solve_ivp,
                [((2,), (3,))],
                call=f"prim(np.multiply, (0.0, 2.0), a0, method={method!r}, "
                f"t_eval=0.3 * np.cumsum(a1), {TIGHT}).y",
                **ODE,
            ),
            # no t_eval: the last state, in t_span (both ends) and y0
            RuleSpec(
                scipy.integrate.solve_ivp,
                [((2,), ())],
                call=f"prim(np.multiply, (0.2 * a1, 1.0 + a1), a0, method={method!r}, "
                f"{TIGHT}).y[:, -1]",
                **ODE,
            ),
        ]
