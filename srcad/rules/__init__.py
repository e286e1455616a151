"""Derivative rule tables. Importing this package registers every rule.

Extend them with `vjp_rule` / `jvp_rule` (templates, see `srcad.rules.template`) and
`nondiff`; `srcad.custom_vjp` / `srcad.custom_jvp` cover user functions.
"""

from . import (  # noqa: F401 - imported for their registrations
    effects_numpy,
    effects_python,
    nondiff,
    numpy_counts,
    numpy_elementwise,
    numpy_fft,
    numpy_linalg,
    numpy_products,
    numpy_random,
    numpy_reductions,
    numpy_shape,
    runtime_rules,
)
from .template import all_rules, d, jvp_rule, lookup, nb, static, vjp_rule
from .template import nondiff as declare_nondiff

__all__ = ["vjp_rule", "jvp_rule", "declare_nondiff", "lookup", "all_rules", "d", "nb", "static"]
