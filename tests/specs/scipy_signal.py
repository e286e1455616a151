"""Rule specs: scipy.signal (and the helpers of its rules). Empty without scipy.

Collected by tests/rule_specs.py. Shapes cover 1-d and 2-d inputs, the first operand larger
and smaller than the second (mode "valid" swaps them then), every mode and method.
"""

from __future__ import annotations

from . import RuleSpec

try:
    import scipy.signal
except ImportError:  # scipy is optional: no specs, and no scipy rules registered
    SPECS: list[RuleSpec] = []
else:
    import srcad.rules.scipy  # noqa: F401 - registers the rules these specs check
    from srcad.helpers import scipy_signal as sg

    PAIRS = [((7,), (3,)), ((3,), (7,)), ((4, 5), (2, 3)), ((2, 3), (4, 5))]
    MODES = [{"mode": m} for m in ("full", "same", "valid")]
    METHODS = [
        {"mode": m, "method": k} for m in ("full", "same", "valid") for k in ("direct", "fft")
    ]
    COMPLEX = "prim(a0 + a1 * np.array(1j), a2 * np.array(1j) - a3, mode='{mode}')"

    SPECS = [
        RuleSpec(scipy.signal.convolve, PAIRS, kwargs=MODES),
        RuleSpec(scipy.signal.convolve, PAIRS[1:3], kwargs=METHODS),
        RuleSpec(scipy.signal.convolve, [((6,), (6,))], kwargs=MODES),
        RuleSpec(scipy.signal.convolve, [((3, 1), (1, 4))], kwargs=MODES[:2]),
        RuleSpec(scipy.signal.correlate, PAIRS, kwargs=MODES),
        RuleSpec(scipy.signal.correlate, PAIRS[1:3], kwargs=METHODS),
        RuleSpec(scipy.signal.correlate, [((6,), (6,))], kwargs=MODES),
        RuleSpec(scipy.signal.fftconvolve, PAIRS, kwargs=MODES),
        # convolution along some axes, broadcasting along the others
        RuleSpec(
            scipy.signal.fftconvolve,
            [((3, 8), (1, 4)), ((1, 4), (3, 8)), ((3, 8), (3, 4))],
            kwargs=[{"mode": m, "axes": -1} for m in ("full", "same", "valid")]
            + [{"mode": "same", "axes": [1]}],
        ),
        RuleSpec(
            scipy.signal.fftconvolve,
            [((5, 2, 3), (3, 2, 1))],
            kwargs=[{"mode": m, "axes": 0} for m in ("full", "same", "valid")],
        ),
        # helpers
        RuleSpec(sg.center, [((5, 6),)], call="prim(a0, (3, 2), (-2, -1))"),
        RuleSpec(sg.center, [((4, 6),)], call="prim(a0, (3,), (-1,))"),
        RuleSpec(sg.center_t, [((3, 2),)], call="prim(a0, (5, 6), (-2, -1))"),
        RuleSpec(sg.center_t, [((4, 3),)], call="prim(a0, (6,), (-1,))"),
        RuleSpec(sg.lead, [((3,),), ((2, 3),)], call="prim(a0, 1)"),
    ]
    for _prim in (scipy.signal.convolve, scipy.signal.correlate):
        for _mode in ("full", "same", "valid"):
            SPECS.append(
                RuleSpec(
                    _prim,
                    [((5,), (5,), (3,), (3,)), ((2, 3), (2, 3), (4, 4), (4, 4))],
                    call=COMPLEX.format(mode=_mode),
                )
            )
