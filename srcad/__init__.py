"""srcad: automatic differentiation of numpy code by source transformation.

`srcad.grad(f)` reads f's source and writes a new Python function that computes the
derivative with plain numpy calls; `srcad.source(...)` prints it.
"""

from . import (
    rules,  # noqa: F401 - registers the derivative rules
    tree_util,  # noqa: F401 - srcad.tree_util, JAX's pytree utilities
)
from .api import (
    grad,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    linearize,
    source,
    value_and_grad,
    vjp,
)
from .check import check_grads
from .composed import elementwise_grad, hvp
from .custom import checkpoint, checkpointed, custom_jvp, custom_vjp, stop_gradient
from .errors import (
    ArgnumsError,
    ComplexDerivativeError,
    InputTypeError,
    MissingRuleError,
    NameResolutionError,
    NonScalarOutputError,
    RuleDefinitionError,
    ShapeMismatchError,
    SourceUnavailableError,
    SrcadError,
    UnsupportedOperationError,
    UnsupportedSyntaxError,
)
from .export import export
from .jit import jit
from .rules.template import jvp_rule, vjp_rule
from .scaling import LossScale
from .show import show
from .traced import trace_grad
from .vmap import vmap

__version__ = "0.1.0"

__all__ = [
    "grad",
    "value_and_grad",
    "vjp",
    "jvp",
    "jacfwd",
    "jacrev",
    "jacobian",
    "hessian",
    "hvp",
    "vmap",
    "elementwise_grad",
    "linearize",
    "source",
    "show",
    "export",
    "trace_grad",
    "LossScale",
    "custom_vjp",
    "custom_jvp",
    "stop_gradient",
    "checkpoint",
    "checkpointed",
    "check_grads",
    "jit",
    "vjp_rule",
    "jvp_rule",
    "SrcadError",
    "SourceUnavailableError",
    "UnsupportedSyntaxError",
    "MissingRuleError",
    "RuleDefinitionError",
    "NameResolutionError",
    "NonScalarOutputError",
    "InputTypeError",
    "ArgnumsError",
    "ComplexDerivativeError",
    "ShapeMismatchError",
    "UnsupportedOperationError",
]
