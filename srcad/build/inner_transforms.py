"""srcad.jvp and srcad.vjp called inside differentiated code, dispatched at run time.

`srcad.build.dispatch` asks this module for the forwarding function of a call whose target
is one of srcad's own transforms that compute values (marked ``__srcad_transform__`` by
`srcad.api`): the function to differentiate and the structure of the primals are only known
when the code runs. The forwarder is written with what srcad reads statically:

    def call_jvp(fn, primals, tangents):     # srcad.jvp(f, (x,), (v,))
        x, = primals
        dx, = tangents
        return jvp_f(x, (dx,))               # f's generated jvp: differentiated again

    def call_vjp(fn, x):                     # srcad.vjp(f, x)
        return fn(x), pullback_of(vjp, fn, (x,))

The pullback a `vjp` inside differentiated code returns is a record of what it was made
from (`Pullback`, like a closure, `srcad.runtime.closure`): its value output is
differentiated as ``fn(x)``, and a call of it where its result needs a derivative as the
gradient of <fn(x), cotangent> (`pullback_at`), through fn, x and the cotangent.
"""

from __future__ import annotations

import inspect
import keyword
import sys
import types

import numpy as np

from .. import emit, runtime
from ..errors import UnsupportedOperationError
from ..rules.registry import returns
from ..rules.template import d, jvp_rule, lookup, vjp_rule
from .modes import Mode, Spec


class Pullback:
    """The pullback a `vjp` inside differentiated code returns: ``vjp(fn, *primals)[1]``,
    made when it is first called. It is a record of the function and primals it holds
    (`srcad.runtime.captured`): a call where its result needs a derivative runs
    ``grad(<fn(primals), cotangent>)`` with respect to the primals (`pullback_at`), which is
    differentiated through fn, the primals and the cotangent."""

    __slots__ = ("vjp", "captured", "made")

    def __init__(self, vjp, captured: tuple):
        self.vjp, self.captured, self.made = vjp, captured, None

    def __call__(self, cotangent):
        if self.made is None:
            self.made = self.vjp(*self.captured)[1]
        return self.made(cotangent)

    def __srcad_record__(self):
        fn, primals = self.captured[0], self.captured[1:]
        if not _holds_nothing(fn):
            return self, ()  # refused by the dispatch site where it needs a derivative
        return pullback_at(self.vjp, fn, len(primals)), primals


def pullback_of(vjp, fn, primals):
    """The pullback of `fn` at `primals` (a tuple)."""
    return Pullback(vjp, (fn, *primals))


# the pullback's derivative is the tuple of the primals' derivatives: a function fn that
# could carry one too (a closure, a partial) is refused where the pullback needs it
@vjp_rule(pullback_of, linear=("primals",))
def _(ans, vjp, fn, primals):
    d[primals] = d[ans]


@jvp_rule(pullback_of, linear=("primals",))
def _(ans, vjp, fn, primals):
    d[ans] = d[primals]


def _holds_nothing(fn) -> bool:
    """A function whose calls depend only on their arguments: generated code, a numpy
    function with rules, a plain function without closure cells, a function srcad lifted
    (its captured values are parameters)."""
    if getattr(fn, "__srcad_generated__", False) or hasattr(fn, "__srcad_origin__"):
        return True
    if isinstance(fn, types.FunctionType):
        return not fn.__closure__
    owner = getattr(fn, "__self__", None)
    return (owner is None or isinstance(owner, types.ModuleType)) and lookup(fn) is not None


returns("unknown", pullback_of)
_PULLBACKS: dict = {}


def pullback_at(vjp, fn, count: int) -> types.FunctionType:
    """``def pullback_at(p0, p1, cotangent)``: the vjp of `fn` at (p0, p1) applied to the
    cotangent, as srcad.grad of the inner product <fn(p0, p1), cotangent> with respect to
    the primals (one real array output), which srcad differentiates again."""
    key = (vjp, fn, count)
    if key not in _PULLBACKS:
        if len(_PULLBACKS) > 256:
            _PULLBACKS.clear()
        names = [f"p{i}" for i in range(count)]
        joined = ", ".join(names)
        argnums = "(" + "".join(f"{i}, " for i in range(count)) + ")"
        source = (
            f"def pullback_at({joined}, cotangent):\n"
            f"    return grad(inner_at, argnums={argnums})({joined}, cotangent)\n"
        )
        inner = (
            f"def inner_at({joined}, cotangent):\n"
            f"    return np.sum(rt.real_output(fn({joined})) * cotangent)\n"
        )
        api = sys.modules[vjp.__module__]  # srcad.api, which imports this module
        globals_ = {"__builtins__": __builtins__, "np": np, "rt": runtime, "grad": api.grad}
        globals_["fn"] = fn
        globals_["inner_at"] = emit.compile_function(
            inner, "inner_at", globals_, {}, {}, label="pullback inner product"
        ).function
        _PULLBACKS[key] = emit.compile_function(
            source, "pullback_at", globals_, {}, {}, label="pullback"
        ).function
    return _PULLBACKS[key]


def transform_of(target) -> str | None:
    """ "jvp" or "vjp" for srcad's transforms that compute values, else None."""
    return getattr(target, "__srcad_transform__", None)


def forwarder(target, args: tuple, kwargs: dict, generate, kind) -> types.FunctionType:
    """The forwarding function of ``target(*args, **kwargs)`` for srcad.jvp or srcad.vjp."""
    which = transform_of(target)
    if kwargs or not args:
        raise UnsupportedOperationError(
            f"srcad differentiates srcad.{which}(f, ...) inside differentiated code only "
            "with its arguments given positionally (no has_aux=, loss_scale=)",
            hint=f"call srcad.{which} with the function and its primals only",
        )
    fn = args[0]
    if which == "vjp":
        return _vjp_forwarder(target, fn, len(args) - 1)
    return _jvp_forwarder(fn, args, generate, kind)


def _names(fn, count: int, taken: set) -> list[str]:
    try:
        params = [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    names = params[:count]
    ok = all(n.isidentifier() and not keyword.iskeyword(n) for n in names)
    if len(names) == count and ok and not (set(names) & taken) and len(set(names)) == count:
        return names
    return [f"p{i}" for i in range(count)]


def _vjp_forwarder(target, fn, count: int) -> types.FunctionType:
    names = _names(fn, count, {"fn", "vjp", "pullback_of"})
    joined = ", ".join(names)
    source = (
        f"def call_vjp(fn, {joined}):\n    return fn({joined}), pullback_of(vjp, fn, ({joined},))\n"
    )
    globals_ = {"__builtins__": __builtins__, "vjp": target, "pullback_of": pullback_of}
    return emit.compile_function(
        source, "call_vjp", globals_, {}, {}, label="dispatch vjp"
    ).function


def _jvp_forwarder(fn, args: tuple, generate, kind) -> types.FunctionType:
    if len(args) != 3 or not all(isinstance(a, (tuple, list)) for a in args[1:]):
        raise UnsupportedOperationError(
            "srcad.jvp(f, primals, tangents) inside differentiated code takes two tuples",
            hint="srcad.jvp(f, (x,), (v,))",
        )
    primals, tangents = args[1], args[2]
    count = len(primals)
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        signature = None
    params = [
        p
        for p in (signature.parameters.values() if signature is not None else ())
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    names = _names(fn, count, {"fn", "primals", "tangents", "jvp_main"})
    wrt = tuple(p.name for p in params[:count]) or tuple(names)
    values = []
    for k, p in zip(wrt, primals):
        described = kind(p)
        values.append((k, described))
    spec = Spec(
        Mode.JVP,
        wrt,
        kinds=tuple((k, d[0]) for k, d in values if d[0] is not None),
        ndims=tuple((k, *d[1:]) for k, d in values if len(d) > 1),
    )
    main = generate(fn, spec).functions["main"]
    globals_ = {"__builtins__": __builtins__, "jvp_main": main}
    rest = []
    for i, p in enumerate(params[count:]):
        if p.default is p.empty:
            raise UnsupportedOperationError(
                f"srcad.jvp inside differentiated code: no primal for the parameter "
                f"{p.name!r}, which has no default",
                hint="give one primal per parameter",
            )
        globals_[f"default{i}"] = p.default
        rest.append(f"default{i}")
    tangent_names = [f"d{n}" for n in names]
    unpack = "".join(f"{n}, " for n in names)
    dunpack = "".join(f"{n}, " for n in tangent_names)
    call_args = ", ".join([*names, *rest, "(" + "".join(f"{t}, " for t in tangent_names) + ")"])
    source = (
        "def call_jvp(fn, primals, tangents):\n"
        f"    {unpack} = primals\n"
        f"    {dunpack} = tangents\n"
        f"    return jvp_main({call_args})\n"
    )
    if len(tangents) != count:
        raise UnsupportedOperationError(
            f"srcad.jvp: {count} primals but {len(tangents)} tangents",
            hint="give one tangent per primal",
        )
    return emit.compile_function(
        source, "call_jvp", globals_, {}, {}, label="dispatch jvp"
    ).function
