"""Rule specs: numpy.fft and its helpers.

Collected by tests/rule_specs.py. Complex inputs are built in the call (a0 + 1j * a1);
the complex-to-real transforms (irfft, hfft...) are checked on complex spectra and on real
ones.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401

from . import BINARY, UNARY, RuleSpec  # noqa: F401

_NORMS = [{}, {"norm": "ortho"}, {"norm": "forward"}]


def _complex(fn, shape, **kwargs):
    """`fn` on a complex input built from two real arguments."""
    kw = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return RuleSpec(fn, [(shape, shape)], call=f"np.fft.{fn.__name__}(a0 + 1j * a1{kw})")


SPECS: list[RuleSpec] = []
# 1-D: odd and even lengths (axis -1 has 5 points, axis 0 two), every norm, n= padding and
# truncation, a positive axis (which direction axes must not shift)
for _fn in (np.fft.fft, np.fft.ifft, np.fft.rfft, np.fft.ihfft, np.fft.irfft, np.fft.hfft):
    SPECS.append(
        RuleSpec(
            _fn,
            [((2, 5),)],
            kwargs=[
                {},
                {"norm": "ortho"},
                {"axis": 0, "norm": "forward"},
                {"n": 6},
                {"n": 3, "axis": 0},
            ],
        )
    )
for _fn in (np.fft.fft, np.fft.ifft, np.fft.irfft, np.fft.hfft):
    SPECS += [_complex(_fn, (2, 4)), _complex(_fn, (3, 4), n=5, axis=0, norm="ortho")]
# n-D: all axes, some axes (in any order), s= padding and truncation
for _fn in (np.fft.fftn, np.fft.ifftn, np.fft.rfftn, np.fft.irfftn):
    SPECS += [
        RuleSpec(_fn, [((3, 4),)], kwargs=[{}, {"norm": "ortho"}]),
        RuleSpec(
            _fn,
            [((3, 4, 2),)],
            kwargs=[
                {"axes": (0, 2), "norm": "forward"},
                {"s": (4, 3), "axes": (0, 1)},
                {"s": (2, 5), "axes": (2, 0)},
            ],
        ),
    ]
for _fn in (np.fft.fft2, np.fft.ifft2, np.fft.rfft2, np.fft.irfft2):
    SPECS.append(
        RuleSpec(
            _fn,
            [((2, 3, 4),)],
            kwargs=[{}, {"norm": "ortho"}, {"s": (4, 3)}, {"s": (2, 5), "axes": (2, 0)}],
        )
    )
for _fn in (np.fft.fftn, np.fft.ifftn, np.fft.irfftn, np.fft.fft2, np.fft.irfft2):
    SPECS.append(_complex(_fn, (2, 3, 4), axes=(0, 2), norm="forward"))
for _fn in (np.fft.fftshift, np.fft.ifftshift):
    SPECS.append(RuleSpec(_fn, [((5,),), ((3, 4),)], kwargs=[{}, {"axes": 0}]))
SPECS += [
    _complex(np.fft.fftshift, (3, 4)),
    # helpers that generated code calls
    RuleSpec(rt.fft_resize, [((3, 4),)], call="rt.fft_resize(a0, (2, 6), (-2, -1))"),
    RuleSpec(rt.fft_resize, [((3, 4),), ((2, 3, 4),)], call="rt.fft_resize(a0, (5,), (-2,))"),
]
