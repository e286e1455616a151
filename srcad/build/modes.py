"""What a generated function computes (`Mode`), and what it is generated for (`Spec`).

Each mode declares, in one place, the functions it generates (its roles) and the optimizer
passes its code goes through, in order, the way pythran's pass manager declares them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable

from ..optimize import algebra, buffers, cse, dce, inline, shape_saves, tangent_scales
from ..optimize.propagate import propagate


class Mode(enum.Enum):
    GRAD = "grad"  # the gradient of a real scalar output
    VALUE_AND_GRAD = "value_and_grad"  # the output and its gradient
    VJP = "vjp"  # a forward function returning residuals, a backward one taking them
    JVP = "jvp"  # the output and its tangent
    JACFWD = "jacfwd"  # a driver running the batched JVP once
    JACREV = "jacrev"  # a driver running the batched VJP once
    VMAP = "vmap"  # the function for a batch of examples (srcad.batching)
    TRACE = "trace"  # VJP's two functions, the backward one recording its adjoints

    @property
    def roles(self) -> tuple[str, ...]:
        """The functions generated for this mode ("main", or "fwd" and "bwd")."""
        return ("fwd", "bwd") if self in (Mode.VJP, Mode.TRACE) else ("main",)

    @property
    def driver(self) -> bool:
        """Whether the mode is a driver around another mode's code (the Jacobians)."""
        return self in (Mode.JACFWD, Mode.JACREV)

    @property
    def gradient(self) -> bool:
        return self in (Mode.GRAD, Mode.VALUE_AND_GRAD)

    @property
    def passes(self) -> tuple[Callable, ...]:
        return PASSES[self]


@dataclasses.dataclass(frozen=True)
class Spec:
    """What to generate: the mode, the differentiated parameters and the call's kinds."""

    mode: Mode
    wrt: tuple  # parameter names differentiated
    tuple_out: bool = False  # grad returns a tuple of gradients (argnums was a tuple)
    has_aux: bool = False
    batch: int = 0  # leading direction axes of tangents and cotangents (Jacobians: 1)
    kinds: tuple = ()  # (param name, kind) pairs known from the arguments
    ndims: tuple = ()  # (param name, number of dimensions) for array arguments
    records: tuple = ()  # (param name, pytree.Layout): how p.w reads a pytree argument
    # holomorphic=True (Jacobians of complex functions, as JAX's): the public transform it
    # was given to, "jacfwd", "jacrev", "grad" or "value_and_grad" (the last two are
    # Jacobians of a complex scalar)
    holomorphic: str = ""
    # vmap: (param, batchedness) for the parameters that carry the batch axis
    # (srcad.batching.analysis); ("", True) asks for a result batched on every leaf
    batched: tuple = ()
    # a callee with *args or **kwargs, generated for one call's (count of extra positional
    # arguments, keyword names): one plain parameter each (srcad.normalize.variadic)
    variadic: tuple = ()
    # parameters whose objects the caller hands over (a fresh array it never reads again):
    # the generated code copies them first and may then change them in place
    # (srcad.analyze.owned)
    owned: tuple = ()
    stages: bool = False  # keep every stage's text for srcad.show (costs a copy of each)
    # JVP: return None in place of the output, so that code computing only the output is
    # dead (srcad.hvp: the gradient's own last product is not computed)
    tangent_only: bool = False

    def __post_init__(self):
        if not isinstance(self.mode, Mode):
            object.__setattr__(self, "mode", Mode(self.mode))


@dataclasses.dataclass(frozen=True)
class PassContext:
    """What the optimizer passes need to know about the code they rewrite."""

    pure: Callable  # expression -> whether evaluating it has no effect (dce)
    elementwise: Callable = lambda func: False  # callee -> one-argument elementwise function
    scalars: dict = dataclasses.field(default_factory=dict)  # adjoints known to be scalars
    shapes: dict = dataclasses.field(default_factory=dict)  # primal name -> shape class
    keep: frozenset = frozenset()  # names forward substitution leaves (the user's, adjoints)
    resolve: Callable = lambda func: None  # callee expression -> the object it names
    batch: int = 0  # leading direction axes of the tangents (Spec.batch)
    tangents: frozenset = frozenset()  # forward mode: the names of tangents


def propagate_copies(body: list, context: PassContext) -> list:
    """srcad.optimize.propagate: copy propagation."""
    return propagate(body)


def simplify_algebra(body: list, context: PassContext) -> list:
    """srcad.optimize.algebra: algebraic clean-ups."""
    return algebra.simplify(
        body, context.elementwise, context.scalars, context.shapes, context.resolve
    )


def merge_common_subexpressions(body: list, context: PassContext) -> list:
    """srcad.optimize.cse: common subexpression elimination."""
    return cse.eliminate(body, context.pure, context.resolve)


def eliminate_dead_code(body: list, context: PassContext) -> list:
    """srcad.optimize.dce: dead-code elimination."""
    return dce.eliminate(body, set(), context.pure)


def substitute_temporaries(body: list, context: PassContext) -> list:
    """srcad.optimize.inline: forward substitution of temporaries."""
    return inline.substitute(body, context.keep, context.pure)


def reuse_buffers(body: list, context: PassContext) -> list:
    """srcad.optimize.buffers: elementwise results written into owned arrays that die."""
    return buffers.reuse(body, context.shapes, context.resolve)


def keep_only_shapes(body: list, context: PassContext) -> list:
    """srcad.optimize.shape_saves: a tape read only for its shapes keeps the shapes."""
    return shape_saves.keep_shapes(body, context.resolve)


def scale_tangents_once(body: list, context: PassContext) -> list:
    """srcad.optimize.tangent_scales: a chain of scalings of a tangent with direction axes
    applied once, its coefficients combined at the primal's size."""
    if not context.batch:
        return body
    return tangent_scales.fold(body, context.tangents, context.pure)


PASSES: dict[Mode, tuple[Callable, ...]] = {
    # Algebra leaves copies (`bt = t4` where a seed of 1.0 was a factor): propagated again.
    # Substitution runs after dead-code elimination: it counts the reads that it left.
    # Buffer reuse runs last: it writes in place into arrays whose every read it has seen.
    Mode.GRAD: (
        propagate_copies,
        simplify_algebra,
        propagate_copies,
        eliminate_dead_code,
        substitute_temporaries,
        keep_only_shapes,
        reuse_buffers,
    ),
    Mode.VALUE_AND_GRAD: (
        propagate_copies,
        simplify_algebra,
        propagate_copies,
        eliminate_dead_code,
        substitute_temporaries,
        keep_only_shapes,
        reuse_buffers,
    ),
    # A vjp's residuals are read by name across two functions: no algebraic rewrites.
    Mode.VJP: (propagate_copies, eliminate_dead_code),
    # Forward mode over reverse-mode code computes slopes the gradient computes again.
    # With direction axes (jacfwd, hessian), elementwise scalings are combined first.
    Mode.JVP: (
        propagate_copies,
        merge_common_subexpressions,
        propagate_copies,
        scale_tangents_once,
        propagate_copies,
        eliminate_dead_code,
    ),
    # VJP's passes; srcad.build.trace then instruments the optimized backward function.
    Mode.TRACE: (propagate_copies, eliminate_dead_code),
    Mode.JACFWD: (),
    Mode.JACREV: (),
    Mode.VMAP: (),
}


def optimize(body: list, mode: Mode, context: PassContext) -> list:
    """Run `mode`'s passes over `body`, in order."""
    for run in mode.passes:
        body = run(body, context)
    return body
