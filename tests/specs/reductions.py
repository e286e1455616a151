"""Rule specs: reductions (sum, mean, prod, max, var, cumsum, norm...).

Collected by tests/rule_specs.py.

Zeros and ties are points where a spec's random arguments never land, so some calls make
them: `_holes(shape, mask)` is the first argument's own value at the test's base point
(`tests/test_rules.py` draws it from ``default_rng(0)``) where `mask` is 1, so that
``a0 - _holes(...)`` is exactly zero there while its derivative stays that of `a0`. Ties
come from copies of one argument (``a0 * np.ones((2, 1))``), which finite differences move
together. NaNs are put in by adding an array of zeros and NaNs.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401
from srcad.rules.template import optional

from . import BINARY, UNARY, RuleSpec, numpy_at_least  # noqa: F401


def _holes(shape, mask) -> str:
    """Source for the first argument's base value (real domain) where `mask` is 1, else 0."""
    return f"(np.random.default_rng(0).standard_normal({shape!r}) * np.array({mask!r}))"


_NAN_23 = "np.array([[0.0, np.nan, 0.0], [0.0, 0.0, 0.0]])"
_NAN_34 = "np.array([[0.0, np.nan, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [np.nan, 0.0, 0.0, np.nan]])"
# Row 0 of a (3, 4) array has no zero, row 1 one zero, row 2 two zeros.
_ZEROS_34 = [[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 1.0]]
_ZEROS_34_DEEP = [[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 1.0]]
_MASK_3 = "np.array([True, False, True])"
# numpy >= 2.0; np.trapz (numpy < 2.4) has rules only where np.trapezoid exists, see the rules.
_TRAPEZOID = optional(np, "trapezoid")
_TRAPZ = optional(np, "trapz", needs=("trapezoid",))
_CUMULATIVE_SUM = optional(np, "cumulative_sum")  # numpy >= 2.1
_CORRECTION = "correction" if numpy_at_least("2.0.0") else "ddof"  # its new name, numpy >= 2.0

SPECS: list[RuleSpec] = [
    # ------------------------------------------------------------------ sum, mean
    RuleSpec(
        np.sum,
        [((2, 3),), ((4,),)],
        kwargs=[{}, {"axis": 0}, {"axis": -1}, {"axis": 0, "keepdims": True}],
    ),
    RuleSpec(np.sum, [((2, 3),)], call=f"np.sum(a0, axis=1, where={_MASK_3})"),
    RuleSpec(np.sum, [((2, 3),)], call="np.sum(a0, axis=(0, 1), initial=1.5, keepdims=True)"),
    RuleSpec(np.sum, [((2, 3), (2, 3))], call="np.sum(a0 + 1j * a1, axis=0)"),
    RuleSpec(
        np.mean,
        [((2, 3),)],
        kwargs=[{}, {"axis": 1}, {"axis": (0, 1)}, {"axis": 0, "keepdims": True}],
    ),
    RuleSpec(np.mean, [((2, 3),)], call=f"np.mean(a0, axis=1, where={_MASK_3})"),
    RuleSpec(np.mean, [((2, 3),)], call=f"np.mean(a0, where={_MASK_3}, keepdims=True)"),
    RuleSpec(np.nansum, [((2, 3),)], kwargs=[{}, {"axis": 0}]),
    RuleSpec(np.nansum, [((2, 3),)], call=f"np.nansum(a0 + {_NAN_23}, axis=1)"),
    RuleSpec(np.nanmean, [((2, 3),)], kwargs=[{"axis": 1, "keepdims": True}]),
    RuleSpec(np.nanmean, [((2, 3),)], call=f"np.nanmean(a0 + {_NAN_23}, 0)"),
    # ---------------------------------------------------------------------- products
    RuleSpec(
        np.prod,
        [((2, 3),), ((4,),)],
        kwargs=[{}, {"axis": 0}, {"axis": -1, "keepdims": True}],
    ),
    RuleSpec(np.prod, [((3, 4),)], call=f"np.prod(a0 - {_holes((3, 4), _ZEROS_34)}, axis=1)"),
    RuleSpec(np.prod, [((3, 4),)], call=f"np.prod(a0 - {_holes((3, 4), _ZEROS_34_DEEP)}, axis=0)"),
    RuleSpec(np.prod, [((2, 3),)], call=f"np.prod(a0 - {_holes((2, 3), [[0, 1, 0], [0, 0, 0]])})"),
    RuleSpec(np.prod, [((2, 3),)], call=f"np.prod(a0, axis=1, where={_MASK_3})"),
    RuleSpec(np.prod, [((2, 3), (2, 3))], call="np.prod(a0 + 1j * a1, axis=1)"),
    RuleSpec(np.nanprod, [((2, 3),)], call=f"np.nanprod(a0 + {_NAN_23}, 1)"),
    RuleSpec(
        rt.prod_others,
        [((3, 4),)],
        call=f"rt.prod_others(a0 - {_holes((3, 4), _ZEROS_34)}, 1)",
        order=1,  # prod's third derivative is not exact at zeros (its second is)
    ),
    RuleSpec(rt.prod_others, [((3, 4),)], call="rt.prod_others(a0, None)"),
    # ---------------------------------------------------------------------- extremes
    RuleSpec(
        np.max,
        [((2, 3),), ((4,),)],
        domain="away_from_ties",
        kwargs=[{}, {"axis": 0}, {"axis": -1, "keepdims": True}],
    ),
    RuleSpec(np.max, [((3, 4),)], call="np.max(a0 * np.ones((2, 1, 1)), axis=(0, 2))"),
    RuleSpec(
        np.max,
        [((2, 3),)],
        domain="away_from_ties",
        call=f"np.max(a0, axis=1, where={_MASK_3}, initial=-10.0)",
    ),
    RuleSpec(np.max, [((2, 3),)], domain="away_from_ties", call="np.max(a0, initial=0.5)"),
    RuleSpec(np.min, [((2, 3),)], domain="away_from_ties", kwargs=[{}, {"axis": 1}]),
    RuleSpec(np.min, [((3,),)], call="np.min(a0 * np.ones((2, 1)), axis=0)"),
    RuleSpec(np.amax, [((2, 3),)], domain="away_from_ties", kwargs=[{"axis": 0}]),
    RuleSpec(np.amin, [((2, 3),)], domain="away_from_ties", kwargs=[{"axis": 0}]),
    RuleSpec(
        np.nanmax,
        [((2, 3),)],
        domain="away_from_ties",
        call=f"np.nanmax(a0 + {_NAN_23}, axis=0)",
    ),
    RuleSpec(
        np.nanmin,
        [((2, 3),)],
        domain="away_from_ties",
        call=f"np.nanmin(a0 + {_NAN_23})",
    ),
    RuleSpec(np.ptp, [((2, 3),)], domain="away_from_ties", kwargs=[{}, {"axis": 1}]),
    RuleSpec(np.ptp, [((3,),)], call="np.ptp(a0 * np.ones((2, 1)), axis=0, keepdims=True)"),
    # ----------------------------------------------------------------------- spreads
    RuleSpec(
        np.var,
        [((2, 3),), ((5,),)],
        kwargs=[{}, {"axis": 0}, {"axis": -1, "ddof": 1, "keepdims": True}],
    ),
    RuleSpec(np.var, [((2, 3),)], call=f"np.var(a0, axis=1, where={_MASK_3})"),
    RuleSpec(np.var, [((2, 3), (2, 3))], call=f"np.var(a0 + 1j * a1, axis=1, {_CORRECTION}=1)"),
    RuleSpec(
        np.std,
        [((2, 3),)],
        kwargs=[{}, {"axis": 1}, {"axis": 0, "ddof": 1, "keepdims": True}],
    ),
    RuleSpec(np.std, [((2, 4), (2, 4))], call="np.std(a0 - 2j * a1, axis=1)"),
    RuleSpec(np.std, [((2, 3),)], call=f"np.std(a0, axis=1, where={_MASK_3}, ddof=1)"),
    RuleSpec(np.nanvar, [((2, 3),)], call=f"np.nanvar(a0 + {_NAN_23}, 1)"),
    RuleSpec(np.nanvar, [((3, 4),)], call=f"np.nanvar(a0 + {_NAN_34}, ddof=1)"),
    RuleSpec(np.nanstd, [((3, 4),)], call=f"np.nanstd(a0 + {_NAN_34}, 0)"),
    RuleSpec(np.nanstd, [((2, 3),)], kwargs=[{"axis": 1, "keepdims": True}]),
    # -------------------------------------------------------------- cumulative sums
    RuleSpec(np.cumsum, [((2, 3),), ((4,),)], kwargs=[{}, {"axis": 0}, {"axis": -1}]),
    RuleSpec(np.cumsum, [((2, 3), (2, 3))], call="np.cumsum(a0 + 1j * a1, axis=1)"),
    RuleSpec(np.nancumsum, [((2, 3),)], kwargs=[{"axis": 1}]),
    RuleSpec(_CUMULATIVE_SUM, [((4,),)], kwargs=[{}, {"include_initial": True}]),
    RuleSpec(_CUMULATIVE_SUM, [((2, 3),)], kwargs=[{"axis": 0, "include_initial": True}]),
    RuleSpec(np.nancumsum, [((2, 3),)], call=f"np.nancumsum(a0 + {_NAN_23})"),
    RuleSpec(np.cumprod, [((2, 3),), ((4,),)], kwargs=[{}, {"axis": 0}, {"axis": -1}]),
    RuleSpec(np.cumprod, [((3, 4),)], call=f"np.cumprod(a0 - {_holes((3, 4), _ZEROS_34)}, axis=1)"),
    RuleSpec(
        np.cumprod,
        [((3, 4),)],
        call=f"np.cumprod(a0 - {_holes((3, 4), _ZEROS_34_DEEP)}, axis=0)",
    ),
    RuleSpec(
        np.cumprod, [((2, 3),)], call=f"np.cumprod(a0 - {_holes((2, 3), [[0, 1, 0], [0, 0, 1]])})"
    ),
    RuleSpec(np.cumprod, [((2, 3), (2, 3))], call="np.cumprod(a0 + 1j * a1, axis=1)"),
    RuleSpec(np.nancumprod, [((2, 3),)], call=f"np.nancumprod(a0 + {_NAN_23}, 1)"),
    RuleSpec(np.nancumprod, [((2, 3),)], call=f"np.nancumprod(a0 + {_NAN_23})"),
    # ----------------------------------------------------------------- differences
    RuleSpec(
        np.diff,
        [((5,),), ((3, 4),)],
        kwargs=[{}, {"n": 2}, {"axis": 0}, {"n": 0}],
    ),
    RuleSpec(np.diff, [((3, 4),)], call="np.diff(a0, axis=0, prepend=1.5, append=np.ones((1, 4)))"),
    RuleSpec(np.diff, [((3, 4), (2, 4), ())], call="np.diff(a0, 2, axis=0, prepend=a1, append=a2)"),
    RuleSpec(np.diff, [((4,), ())], call="np.diff(a0, append=a1)"),
    RuleSpec(np.ediff1d, [((2, 3),), ((4,),)]),
    RuleSpec(np.ediff1d, [((2, 3), (2,), ())], call="np.ediff1d(a0, to_end=a1, to_begin=a2)"),
    RuleSpec(np.ediff1d, [((4,),)], call="np.ediff1d(a0, to_begin=[0.5, 1.0])"),
    RuleSpec(np.trace, [((3, 3),), ((2, 3),)], kwargs=[{}, {"offset": 1}, {"offset": -1}]),
    RuleSpec(np.trace, [((2, 3, 4),)], call="np.trace(a0, 1, 2, 0)"),
    RuleSpec(np.trace, [((2, 3, 3),)], call="np.trace(a0, axis1=-2, axis2=-1)"),
    # --------------------------------------------------------------------- averages
    RuleSpec(np.average, [((2, 3),)], kwargs=[{}, {"axis": 1}, {"axis": 0, "keepdims": True}]),
    RuleSpec(
        np.average,
        [((2, 3), (2, 3))],
        domain="positive",
        call="np.average(a0, weights=a1)",
    ),
    RuleSpec(
        np.average,
        [((2, 3), (3,))],
        domain="positive",
        call="np.average(a0, 1, a1, keepdims=True)",
    ),
    *(  # weights along several axes: numpy >= 2.0
        [
            RuleSpec(
                np.average,
                [((2, 3, 4), (4, 2))],
                domain="positive",
                call="np.average(a0, axis=(2, 0), weights=a1)",
            )
        ]
        if numpy_at_least("2.0.0")
        else []
    ),
    # ------------------------------------------------------------ medians, quantiles
    RuleSpec(
        np.median,
        [((3, 4),), ((5,),)],
        domain="away_from_ties",
        kwargs=[{}, {"axis": 0}, {"axis": -1, "keepdims": True}],
    ),
    RuleSpec(
        np.nanmedian,
        [((3, 4),)],
        domain="away_from_ties",
        call=f"np.nanmedian(a0 + {_NAN_34}, axis=1)",
    ),
    RuleSpec(
        np.quantile,
        [((3, 4),)],
        domain="away_from_ties",
        call="np.quantile(a0, 0.3, axis=1)",
    ),
    RuleSpec(
        np.quantile,
        [((3, 4),)],
        domain="away_from_ties",
        call="np.quantile(a0, [0.25, 0.9], axis=0, keepdims=True)",
    ),
    RuleSpec(
        np.quantile,
        [((2, 5),)],
        domain="away_from_ties",
        call="np.quantile(a0, np.array([[0.1], [0.6]]), method='midpoint')",
    ),
    RuleSpec(
        np.quantile,
        [((3, 4),)],
        domain="away_from_ties",
        call="np.quantile(a0, [0.05, 0.7], axis=1, method='hazen')",
    ),
    RuleSpec(
        np.percentile,
        [((3, 4),)],
        domain="away_from_ties",
        call="np.percentile(a0, [30.0, 75.0], axis=(0, 1), method='nearest')",
    ),
    RuleSpec(
        np.nanquantile,
        [((3, 4),)],
        domain="away_from_ties",
        call=f"np.nanquantile(a0 + {_NAN_34}, [0.2, 0.5], axis=1)",
    ),
    RuleSpec(
        np.nanpercentile,
        [((3, 4),)],
        domain="away_from_ties",
        call=f"np.nanpercentile(a0 + {_NAN_34}, 40, method='lower')",
    ),
    # ------------------------------------------------------------------- trapezoid
    RuleSpec(_TRAPEZOID, [((5,),), ((3, 4),)], kwargs=[{}, {"dx": 0.5}, {"axis": 0}]),
    RuleSpec(_TRAPEZOID, [((5,), (5,))], call="np.trapezoid(a0, a1)"),
    RuleSpec(_TRAPEZOID, [((3, 4), (3,))], call="np.trapezoid(a0, a1, axis=0)"),
    RuleSpec(_TRAPEZOID, [((3, 4), (3, 4))], call="np.trapezoid(a0, x=a1)"),
    RuleSpec(_TRAPZ, [((3, 4), (4,))], call="np.trapz(a0, a1)"),
    # ----------------------------------------------------------------------- norms
    RuleSpec(np.linalg.norm, [((3,),), ((2, 3),)], domain="nonzero"),
    RuleSpec(
        np.linalg.norm,
        [((2, 3),)],
        domain="nonzero",
        kwargs=[{"ord": 3, "axis": 0, "keepdims": True}, {"ord": 0.5, "axis": -1}],
    ),
    RuleSpec(
        np.linalg.norm,
        [((4,),)],
        domain="away_from_ties",
        kwargs=[{"ord": 1}, {"ord": 0}, {"ord": -3}],
    ),
    RuleSpec(np.linalg.norm, [((4,),)], domain="away_from_ties", call="np.linalg.norm(a0, np.inf)"),
    RuleSpec(
        np.linalg.norm,
        [((3, 4),)],
        domain="away_from_ties",
        kwargs=[{"ord": "nuc"}, {"ord": 2}, {"ord": -1}],
    ),
    RuleSpec(
        np.linalg.norm,
        [((3, 4),)],
        domain="away_from_ties",
        call="np.linalg.norm(a0, np.inf, keepdims=True)",
    ),
    RuleSpec(
        np.linalg.norm,
        [((2, 3, 4),)],
        domain="away_from_ties",
        call="np.linalg.norm(a0, -np.inf, axis=(2, 1))",
    ),
    RuleSpec(
        np.linalg.norm,
        [((2, 3, 4),)],
        domain="away_from_ties",
        call="np.linalg.norm(a0, -2, (0, 2))",
    ),
    RuleSpec(np.linalg.norm, [((3,), (3,))], call="np.linalg.norm(a0 + 1j * a1)"),
    RuleSpec(np.linalg.norm, [((3,), (3,))], call="np.linalg.norm(a0 - 1j * a1, 3)"),
    RuleSpec(np.linalg.norm, [((2, 3), (2, 3))], call="np.linalg.norm(a0 + 1j * a1, 'nuc')"),
    RuleSpec(np.linalg.norm, [((2, 3), (2, 3))], call="np.linalg.norm(a0 + 1j * a1, 1)"),
    # ----------------------------------------------------------------- covariances
    RuleSpec(np.cov, [((3, 5),), ((5,),)], kwargs=[{}, {"bias": True}, {"ddof": 2}]),
    RuleSpec(np.cov, [((5, 2),)], kwargs=[{"rowvar": False}]),
    RuleSpec(np.cov, [((4,), (4,))], call="np.cov(a0, a1)"),
    RuleSpec(np.cov, [((2, 4), (4,))], call="np.cov(a0, a1, ddof=0)"),
    RuleSpec(np.cov, [((4, 2), (4, 1))], call="np.cov(a0, a1, rowvar=False)"),
    RuleSpec(
        np.cov,
        [((2, 4),)],
        call="np.cov(a0, fweights=np.array([1, 2, 1, 3]), aweights=np.array([0.5, 1.0, 2.0, 1.0]))",
    ),
    RuleSpec(np.cov, [((2, 4), (2, 4))], call="np.cov(a0 + 1j * a1)"),
    RuleSpec(np.corrcoef, [((3, 5),), ((4,),)]),
    RuleSpec(np.corrcoef, [((5, 2),)], call="np.corrcoef(a0, rowvar=False)"),
    RuleSpec(np.corrcoef, [((4,), (4,))], call="np.corrcoef(a0, a1)"),
    RuleSpec(np.corrcoef, [((2, 4), (2, 4))], call="np.corrcoef(a0 + 1j * a1)"),
    # ------------------------------------------------------------------- helpers
    RuleSpec(rt.keepdims_like, [((2,), (2, 3))], call="rt.keepdims_like(a0, a1, 1)"),
    RuleSpec(rt.keepdims_like, [((4, 3), (2, 3))], call="rt.keepdims_like(a0, a1, 0)"),
    RuleSpec(rt.reverse_cumsum, [((2, 3),)], call="rt.reverse_cumsum(a0, 0)"),
    RuleSpec(rt.diff_transpose, [((2, 3),)], call="rt.diff_transpose(a0, 2, 1)"),
    RuleSpec(rt.pad_axis, [((2, 3),)], call="rt.pad_axis(a0, 1, 2, 0)"),
    RuleSpec(rt.slice_axis, [((4, 3),)], call="rt.slice_axis(a0, 1, -1, 0)"),
    RuleSpec(rt.trace_vjp, [((2,), (2, 3, 4))], call="rt.trace_vjp(a0, a1, 1, 1, 2)"),
    RuleSpec(rt.conj_if_complex, [((3,), (3,))], call="rt.conj_if_complex(a0 + 1j * a1)"),
    RuleSpec(rt.real_if_complex, [((3,), (3,))], call="rt.real_if_complex(a0 + 1j * a1)"),
    RuleSpec(
        rt.trapezoid_spacing, [((4,), (3, 4, 2))], call="rt.trapezoid_spacing(a0, a1, 1.0, 1)"
    ),
    RuleSpec(
        rt.trapezoid_spacing_vjp,
        [((3, 1), (4,), (4, 3))],
        call="rt.trapezoid_spacing_vjp(a0, a1, a2, 0)",
    ),
    RuleSpec(rt.weights_along, [((4, 2), (2, 3, 4))], call="rt.weights_along(a0, a1, (2, 0))"),
    RuleSpec(rt.cov_variables, [((5, 2),)], call="rt.cov_variables(a0, a0, False)"),
    RuleSpec(
        rt.cov_variables_vjp, [((2, 5),)], call="rt.cov_variables_vjp(a0, np.ones((5, 2)), False)"
    ),
    RuleSpec(rt.cov_variables_vjp, [((1, 5),)], call="rt.cov_variables_vjp(a0, np.ones(5))"),
    RuleSpec(
        rt.weights_along_vjp,
        [((2, 1, 4), (4, 2), (2, 3, 4))],
        call="rt.weights_along_vjp(a0, a1, a2, (2, 0))",
    ),
]
