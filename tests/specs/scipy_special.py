"""Rule specs: scipy.special (srcad.rules.scipy.special); empty when scipy is not installed.

Calls scale the test domains (real, positive, unit, nonzero) into the ranges where scipy
switches algorithms: small and large arguments, both tails, negative arguments of the
gamma family. Parameters the rules refuse (Bessel orders, a and b of betainc...) are
constants in the calls.
"""

from __future__ import annotations

import importlib.util

from . import RuleSpec

SPECS: list[RuleSpec] = []

if importlib.util.find_spec("scipy") is not None:
    import scipy.special as sc

    import srcad.rules.scipy  # noqa: F401 - registers the rules

    UNARY = [((),), ((2, 3),)]
    VEC = [((3,),)]
    BINARY = [((2, 3), (3,)), ((), (2, 3))]

    def _unary(fn, domain="real", *calls, shapes=UNARY, **options):
        specs = [RuleSpec(fn, shapes, domain=domain, **options)]
        specs += [RuleSpec(fn, VEC, domain=domain, call=c, **options) for c in calls]
        return specs

    SPECS = [
        # ------------------------------------------------------------ gamma and beta
        *_unary(sc.gammaln, "positive", "prim(a0 * 0.01)", "prim(a0 * 100.0)"),
        RuleSpec(sc.gammaln, VEC, domain="positive", call="prim(a0 * 0.4 - 2.9)"),
        *_unary(sc.gamma, "positive", "prim(a0 * 0.4 - 2.9)", "prim(a0 * 5.0 + 5.0)"),
        RuleSpec(sc.gamma, VEC, domain="positive", call="prim(a0 * 0.01)", rtol=1e-4),
        *_unary(sc.digamma, "positive", "prim(a0 * 0.05)", "prim(a0 * 1000.0)"),
        RuleSpec(sc.digamma, VEC, domain="positive", call="prim(a0 * 0.4 - 2.9)"),
        RuleSpec(sc.polygamma, UNARY, domain="positive", call="prim(1, a0)"),
        RuleSpec(sc.polygamma, VEC, domain="positive", call="prim(0, a0 * 20.0)"),
        RuleSpec(sc.polygamma, VEC, domain="positive", call="prim(2, a0 + 0.5)"),
        RuleSpec(sc.multigammaln, UNARY, domain="positive", call="prim(a0 + 1.5, 3)"),
        RuleSpec(sc.multigammaln, VEC, domain="positive", call="prim(a0 * 30.0, 1)"),
        RuleSpec(sc.beta, BINARY, domain="positive"),
        RuleSpec(sc.beta, [((3,), (3,))], domain="positive", call="prim(a0 * 20.0, a1 * 0.1)"),
        RuleSpec(sc.betaln, BINARY, domain="positive"),
        RuleSpec(sc.betaln, [((3,), (3,))], domain="positive", call="prim(a0 * 200.0, a1 * 50)"),
        RuleSpec(sc.betainc, UNARY, domain="positive", call="prim(2.5, 1.5, a0 * 0.45)"),
        RuleSpec(sc.betainc, VEC, domain="positive", call="prim(0.5, 0.7, a0 * 0.45)"),
        RuleSpec(
            sc.betainc,
            VEC,
            domain="positive",
            call="prim((60.0, 5.0, 1.0), 40.0, a0 * 0.2 + 0.4)",
        ),
        RuleSpec(sc.gammainc, UNARY, domain="positive", call="prim(2.5, a0)"),
        RuleSpec(sc.gammainc, VEC, domain="positive", call="prim(0.3, a0 * 0.1)"),
        RuleSpec(sc.gammainc, VEC, domain="positive", call="prim(80.0, a0 * 40.0 + 20.0)"),
        RuleSpec(sc.gammaincc, UNARY, domain="positive", call="prim(2.5, a0)"),
        RuleSpec(sc.gammaincc, VEC, domain="positive", call="prim(0.3, a0 * 10.0)"),
        RuleSpec(sc.gammaincc, VEC, domain="positive", call="prim(80.0, a0 * 40.0 + 20.0)"),
        RuleSpec(sc.zeta, UNARY, domain="positive", call="prim(3.0, a0)"),
        RuleSpec(sc.zeta, VEC, domain="positive", call="prim((2.0, 4.5, 7.0), a0 * 5.0)"),
        # ------------------------------------------------------------ error functions
        *_unary(sc.erf, "real", "prim(a0 * 4.0)"),
        *_unary(sc.erfc, "real", "prim(a0 * 4.0)", "prim(a0 * 5.0 + 5.0)"),
        *_unary(sc.erfcx, "real", "prim(a0 * 20.0)", "prim(-a0 * 3.0)"),
        RuleSpec(sc.erfcx, VEC, domain="positive", call="prim(a0 * 1000.0)"),
        *_unary(sc.erfinv, "unit", "prim(a0 * 0.05 + 0.94)"),
        RuleSpec(sc.erfcinv, UNARY, domain="unit", call="prim(a0 + 1.0)"),
        RuleSpec(sc.erfcinv, VEC, domain="positive", call="prim(np.exp(-20.0 * a0))"),
        *_unary(sc.ndtr, "real", "prim(a0 * 10.0)"),
        RuleSpec(sc.ndtri, UNARY, domain="unit", call="prim(0.5 + 0.5 * a0)"),
        RuleSpec(sc.ndtri, VEC, domain="positive", call="prim(np.exp(-30.0 * a0))"),
        RuleSpec(sc.ndtri, VEC, domain="positive", call="prim(1.0 - np.exp(-10.0 * a0))"),
        *_unary(sc.log_ndtr, "real", "prim(a0 * 10.0)", "prim(a0 + 10.0)"),
        RuleSpec(sc.log_ndtr, VEC, domain="positive", call="prim(-20.0 * a0 - 10.0)"),
        # ------------------------------------------------------------ logistic
        *_unary(sc.expit, "real", "prim(a0 * 40.0)"),
        RuleSpec(sc.logit, UNARY, domain="unit", call="prim(0.5 + 0.5 * a0)"),
        RuleSpec(sc.logit, VEC, domain="positive", call="prim(np.exp(-10.0 * a0))"),
        *_unary(sc.log_expit, "real", "prim(a0 * 40.0)"),
        # ------------------------------------------------------------ scipy's exp and log
        *_unary(sc.expm1, "real", "prim(a0 * 1e-6)"),
        *_unary(sc.log1p, "positive", "prim(a0 * 1e-6)", "prim(a0 - 0.95)"),
        *_unary(sc.cbrt, "nonzero"),
        # ------------------------------------------------------------ x log y, entropies
        RuleSpec(sc.xlogy, BINARY, domain="positive"),
        RuleSpec(
            sc.xlogy, [((3,), (3,))], domain="positive", call="prim(a0 * np.array([0.0, 1, 2]), a1)"
        ),
        RuleSpec(sc.xlog1py, BINARY, domain="positive"),
        RuleSpec(sc.xlog1py, [((3,), (3,))], domain="positive", call="prim(a0, a1 * 1e-6)"),
        *_unary(sc.entr, "positive", "prim(a0 * 1e-3)"),
        RuleSpec(sc.rel_entr, BINARY, domain="positive"),
        RuleSpec(sc.kl_div, BINARY, domain="positive"),
        RuleSpec(sc.huber, BINARY, domain="positive", call="prim(a0, 3.0 * np.sin(7.0 * a1))"),
        RuleSpec(sc.pseudo_huber, BINARY, domain="positive", call="prim(a0, 3.0 * np.sin(7 * a1))"),
        RuleSpec(sc.pseudo_huber, [((3,), (3,))], domain="positive", call="prim(a0, a1 * 100.0)"),
        # ------------------------------------------------------------ Bessel functions
        *_unary(sc.i0, "real", "prim(a0 * 30.0)"),
        *_unary(sc.i0e, "nonzero", "prim(a0 * 100.0)"),
        *_unary(sc.i1, "real", "prim(a0 * 30.0)"),
        *_unary(sc.i1e, "nonzero", "prim(a0 * 100.0)"),
        *_unary(sc.j0, "real", "prim(a0 * 30.0)"),
        *_unary(sc.j1, "real", "prim(a0 * 30.0)"),
        *_unary(sc.y0, "positive", "prim(a0 * 0.01)", "prim(a0 * 30.0)"),
        *_unary(sc.y1, "positive", "prim(a0 * 0.3)", "prim(a0 * 30.0)"),
        RuleSpec(sc.iv, UNARY, domain="positive", call="prim(1.5, a0)"),
        RuleSpec(sc.iv, VEC, domain="nonzero", call="prim((0.0, 2.0, 3.0), 5.0 * a0)"),
        RuleSpec(sc.iv, VEC, domain="positive", call="prim(0.7, a0 * 40.0)"),
        RuleSpec(sc.ive, UNARY, domain="positive", call="prim(1.5, a0)"),
        RuleSpec(sc.ive, VEC, domain="nonzero", call="prim((0.0, 2.0, 3.0), 5.0 * a0)"),
        RuleSpec(sc.ive, VEC, domain="positive", call="prim(0.7, a0 * 400.0)"),
        RuleSpec(sc.kv, UNARY, domain="positive", call="prim(1.5, a0)"),
        RuleSpec(sc.kv, VEC, domain="positive", call="prim((0.0, 0.4, 3.0), a0 * 10)"),
        RuleSpec(sc.jv, UNARY, domain="positive", call="prim(1.5, a0)"),
        RuleSpec(sc.jv, VEC, domain="real", call="prim((0.0, 1.0, 4.0), 20.0 * a0)"),
        RuleSpec(sc.yv, UNARY, domain="positive", call="prim(1.5, a0)"),
        RuleSpec(sc.yv, VEC, domain="positive", call="prim((0.0, 0.4, 3.0), a0 * 20)"),
        # ------------------------------------------------------------ reductions
        RuleSpec(
            sc.logsumexp,
            [((2, 3),)],
            kwargs=[{}, {"axis": 0}, {"axis": 1, "keepdims": True}, {"axis": (0, 1)}],
        ),
        RuleSpec(sc.logsumexp, VEC, call="prim(a0 * 1000.0)"),
        RuleSpec(sc.logsumexp, [((2, 3), (3,))], domain="positive", call="prim(a0, 1, a1)"),
        RuleSpec(
            sc.logsumexp,
            [((2, 3), (2, 1))],
            domain="positive",
            call="prim(a0, axis=0, b=a1, keepdims=True)",
        ),
        RuleSpec(
            sc.logsumexp,
            [((2, 3), (3,))],
            domain="positive",
            call="prim(a0, axis=1, b=a1 * np.array([1.0, -0.2, 0.5]), return_sign=True)[0]",
        ),
        RuleSpec(
            sc.logsumexp,
            [((3,), (3,))],
            domain="positive",
            call="prim(a0, b=-a1, return_sign=True)[0]",
        ),
        RuleSpec(sc.softmax, [((2, 3),)], kwargs=[{}, {"axis": 0}, {"axis": -1}]),
        RuleSpec(sc.softmax, VEC, call="prim(a0 * 100.0)"),
        RuleSpec(sc.log_softmax, [((2, 3),)], kwargs=[{}, {"axis": 0}, {"axis": -1}]),
        RuleSpec(sc.log_softmax, VEC, call="prim(a0 * 100.0)"),
    ]
