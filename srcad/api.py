"""The public transforms: grad, value_and_grad, vjp, jvp, the Jacobian family, source.

Every transform returns a callable that generates its derivative code on first use (so a
decorated function may call helpers defined later in its module), checks its arguments the
way JAX does, and can itself be transformed again: `srcad.grad(srcad.grad(f))`.
"""

from __future__ import annotations

import inspect
import numbers
import types

import numpy as np

from . import pipeline
from .errors import ArgnumsError, InputTypeError, ShapeMismatchError, SrcadError
from .parse import _plain_function
from .tracebacks import annotate

__all__ = [
    "grad",
    "value_and_grad",
    "vjp",
    "jvp",
    "jacfwd",
    "jacrev",
    "jacobian",
    "hessian",
    "linearize",
    "source",
    "Transformed",
]


def _kind(value) -> str | None:
    if isinstance(value, (np.ndarray, numbers.Number, np.generic)):
        return "array"
    if type(value) is list:
        return "list"
    if type(value) is tuple:
        return "tuple"
    if type(value) is dict:
        return "dict"
    return None


def _signature(args) -> tuple:
    """A cheap key for what generated code depends on: each argument's rank, or its kind."""
    out = []
    for a in args:
        t = type(a)
        if t is np.ndarray:
            out.append(a.ndim if a.dtype.kind != "c" else (a.ndim, "c"))
        elif t is float or t is int:
            out.append(0)
        elif t is list or t is tuple or t is dict:
            out.append(t.__name__)
        elif isinstance(a, (np.generic, numbers.Number)):
            out.append((0, "c") if np.iscomplexobj(a) else 0)
        else:
            out.append(None)
    return tuple(out)


def _describe_args(params, args) -> tuple[tuple, tuple]:
    """What generated code is specialized on: each argument's kind, and arrays' ranks (with
    "complex" for complex ones, so that real code can use real-only shortcuts)."""
    kinds, ndims = [], []
    for p, a in zip(params, args):
        t = type(a)
        if t is np.ndarray:
            kinds.append((p, "array"))
            ndims.append((p, a.ndim) if a.dtype.kind != "c" else (p, a.ndim, "complex"))
        elif t is float or t is int or t is complex or isinstance(a, (np.generic, numbers.Number)):
            kinds.append((p, "array"))
            ndims.append((p, 0) if not np.iscomplexobj(a) else (p, 0, "complex"))
        elif t is list or t is tuple or t is dict:
            kinds.append((p, t.__name__))
    return tuple(kinds), tuple(ndims)


def _positional_params(fn) -> list[str]:
    inner = getattr(fn, "__srcad_function__", None)
    target = inner() if inner is not None else fn
    if type(target) is types.FunctionType and not hasattr(target, "__wrapped__"):
        # Read off the code object: inspect.signature costs more than a cached lookup may.
        code = target.__code__
        return list(code.co_varnames[: code.co_argcount])
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _argnums(fn, argnums, transform: str) -> tuple[tuple[int, ...], bool]:
    as_tuple = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if as_tuple else (argnums,)
    if not nums:
        raise ArgnumsError(f"{transform}: argnums is empty; give at least one argument index")
    for n in nums:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise ArgnumsError(f"{transform}: argnums must be an int or a tuple of ints, got {n!r}")
    if len(set(nums)) != len(nums):
        raise ArgnumsError(f"{transform}: argnums {nums} repeats an argument")
    return tuple(int(n) for n in nums), as_tuple


def _wrt_names(fn, nums, transform, params=None) -> tuple[str, ...]:
    params = _positional_params(fn) if params is None else params

    names = []
    for n in nums:
        index = n + len(params) if n < 0 else n
        if not 0 <= index < len(params):
            raise ArgnumsError(
                f"{transform}: argnums {n} is out of range for {getattr(fn, '__name__', fn)}"
                f", which has {len(params)} positional parameter(s) ({', '.join(params)})",
                hint="argnums counts the function's positional parameters from 0",
            )
        names.append(params[index])
    return tuple(names)


def check_differentiable(value, where: str) -> None:
    """Refuse integer, boolean and non-numeric inputs to differentiation."""
    t = type(value)
    if t is float or t is complex or (t is np.ndarray and value.dtype.kind in "fc"):
        return  # the common cases, kept cheap
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_differentiable(v, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            check_differentiable(v, f"{where}[{k!r}]")
        return
    dtype = None
    if isinstance(value, (np.ndarray, np.generic)):
        dtype = value.dtype
    elif isinstance(value, (bool, np.bool_)):
        dtype = np.dtype(bool)
    elif isinstance(value, numbers.Integral):
        dtype = np.dtype(int)
    elif isinstance(value, numbers.Number):
        return
    else:
        raise InputTypeError(
            f"{where} is a {type(value).__name__}; srcad differentiates with respect to "
            "floats, complex numbers, numpy arrays and tuples, lists and dicts of them"
        )
    if not np.issubdtype(dtype, np.inexact):
        raise InputTypeError(
            f"{where} has dtype {dtype}; srcad differentiates only with respect to float or "
            "complex inputs",
            hint=f"pass a float array, e.g. x.astype(float), or leave {where} out of argnums",
        )


class Transformed:
    """A derivative function: generated on first call, printable, transformable again."""

    def __init__(self, fn, mode: str, argnums=0, has_aux: bool = False, label: str = ""):
        if not callable(fn):
            raise SrcadError(f"{label or mode} expects a function, got {type(fn).__name__}")
        _plain_function(fn)  # a builtin or other object without source: say so now
        self._fn = fn
        self._mode = mode
        self._nums, self._tuple_out = _argnums(fn, argnums, label or mode)
        self._has_aux = has_aux
        self._label = label or mode
        self._wrt = None
        self._generated = {}
        self._by_signature = {}  # cheap call-time key -> Generated
        self._keys = {}  # cheap call-time key -> the full key it stands for
        self._last_signature = None
        self._last = None
        name = getattr(fn, "__name__", "f")
        self.__name__ = f"{self._label}_{name}"
        self.__qualname__ = self.__name__
        self.__doc__ = f"The {self._label} of {name}, generated by srcad."

    # -- generation --------------------------------------------------------------------
    def _spec(self, key: tuple) -> pipeline.Spec:
        kinds, ndims = key
        return pipeline.Spec(
            self._mode, self._wrt, self._tuple_out, self._has_aux, kinds=kinds, ndims=ndims
        )

    def _get(self, key: tuple) -> pipeline.Generated:
        generated = self._generated.get(key)
        if generated is None or not generated.is_fresh():
            generated = pipeline.generate(self._fn, self._spec(key))
            self._generated[key] = generated
        self._last = key
        return generated

    def _prepare(self) -> None:
        if self._wrt is None:
            self._params = _positional_params(self._fn)
            self._wrt = _wrt_names(self._fn, self._nums, self._label, self._params)

    def _default(self) -> pipeline.Generated:
        """The code for the last call's kind of arguments (generic arrays before any call)."""
        self._prepare()
        key = self._keys.get(self._last_signature, self._last)
        if key is None:
            key = (tuple((p, "array") for p in self._wrt), ())
        return self._get(key)

    # -- calling -------------------------------------------------------------------------
    def _generate_for(self, signature: tuple, args: tuple):
        """First call with this kind of arguments: check them, then generate the code."""
        if self._wrt is None:
            self._prepare()
        for n, name in zip(self._nums, self._wrt):
            if n >= len(args) or -n > len(args):
                raise ArgnumsError(
                    f"{self._label}: argnums {n} refers to argument {name!r}, "
                    f"but only {len(args)} positional argument(s) were passed"
                )
            check_differentiable(args[n], f"argument {name!r}")
        key = _describe_args(self._params, args)
        generated = self._get(key)
        hot = (generated, generated.functions["main"])
        self._by_signature[signature] = hot
        self._keys[signature] = key
        return hot

    def __call__(self, *args, **kwargs):
        signature = _signature(args)
        hot = self._by_signature.get(signature)
        if hot is None or not hot[0].is_fresh():
            hot = self._generate_for(signature, args)
        for n in self._nums:
            value = args[n]
            t = type(value)
            if not (t is float or (t is np.ndarray and value.dtype.kind in "fc")):
                check_differentiable(value, f"argument {self._wrt[self._nums.index(n)]!r}")
        self._last_signature = signature
        try:
            return hot[1](*args, **kwargs)
        except Exception as exc:
            annotate(exc)
            raise

    # -- inspection ----------------------------------------------------------------------
    @property
    def source(self) -> str:
        """The generated Python source."""
        return "\n".join(self._default().sources.values())

    @property
    def __wrapped__(self):
        return self._default().functions["main"]

    def __srcad_function__(self):
        return self._default().functions["main"]

    def __repr__(self) -> str:
        return f"<srcad {self._label} of {getattr(self._fn, '__qualname__', self._fn)}>"

    def _repr_html_(self) -> str:
        from .display import html

        return html(self.source)

    def __get__(self, obj, objtype=None):
        return self if obj is None else types.MethodType(self, obj)


def grad(fn=None, argnums=0, has_aux: bool = False):
    """The gradient of a real scalar function, as a generated Python function.

    Args:
        fn: a Python function of numpy arrays and floats that returns a real scalar
            (or ``(scalar, aux)`` with ``has_aux=True``).
        argnums: which positional argument(s) to differentiate; an int gives one gradient,
            a tuple gives a tuple of gradients.
        has_aux: ``fn`` returns ``(value, aux)``; the result is then ``(gradient, aux)``.

    Returns:
        A function with ``fn``'s signature returning the gradient(s), shaped like the
        argument(s). ``srcad.source(...)`` shows its code.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(np.tanh(x) ** 2)
        >>> g = srcad.grad(f)
        >>> np.round(g(np.array([0.5, -1.0])), 6)
        array([ 0.726862, -0.834011])
    """
    if fn is None:
        return lambda f: grad(f, argnums=argnums, has_aux=has_aux)
    return Transformed(fn, "grad", argnums, has_aux, "grad")


def value_and_grad(fn=None, argnums=0, has_aux: bool = False):
    """Like `grad`, but the function returns ``(value, gradient)``.

    Example:
        >>> import numpy as np, srcad
        >>> value, g = srcad.value_and_grad(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        >>> float(value), g
        (9.0, array([ 3., 12.]))
    """
    if fn is None:
        return lambda f: value_and_grad(f, argnums=argnums, has_aux=has_aux)
    return Transformed(fn, "value_and_grad", argnums, has_aux, "value_and_grad")


def _tree_shape(value):
    if isinstance(value, (list, tuple)):
        return type(value).__name__, tuple(_tree_shape(v) for v in value)
    if isinstance(value, dict):
        return "dict", tuple((k, _tree_shape(v)) for k, v in value.items())
    return np.shape(value)


def check_cotangent(cotangent, out, what: str = "cotangent") -> None:
    """Refuse a cotangent (or tangent) whose structure or shape differs from its primal's."""
    if isinstance(out, (list, tuple)):
        if not isinstance(cotangent, (list, tuple)) or len(cotangent) != len(out):
            raise ShapeMismatchError(
                f"the {what} must match the output's structure: the output is a "
                f"{type(out).__name__} of {len(out)}, the {what} is "
                f"{type(cotangent).__name__}"
                + (f" of {len(cotangent)}" if isinstance(cotangent, (list, tuple)) else "")
            )
        for c, o in zip(cotangent, out):
            check_cotangent(c, o, what)
        return
    if isinstance(out, dict):
        if not isinstance(cotangent, dict) or set(cotangent) != set(out):
            raise ShapeMismatchError(
                f"the {what} must be a dict with the output's keys {sorted(out)}"
            )
        for k in out:
            check_cotangent(cotangent[k], out[k], what)
        return
    if np.shape(cotangent) != np.shape(out):
        raise ShapeMismatchError(
            f"{what} shape {np.shape(cotangent)} does not match the output shape {np.shape(out)}"
        )


def vjp(fn, *primals, has_aux: bool = False):
    """Evaluate ``fn(*primals)`` and return ``(out, vjp_fn)`` (plus ``aux`` with has_aux).

    ``vjp_fn(cotangent)`` returns a tuple with one cotangent per primal: the
    vector-Jacobian product, computed by generated reverse-mode code.

    Example:
        >>> import numpy as np, srcad
        >>> out, pullback = srcad.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), 3.0)
        >>> pullback(np.array([1.0, 1.0]))
        (array([3., 3.]), np.float64(3.0))
    """
    params = _positional_params(fn)
    if len(primals) > len(params):
        raise ArgnumsError(
            f"vjp: {getattr(fn, '__name__', fn)} takes {len(params)} "
            f"positional argument(s), {len(primals)} primals were given"
        )
    for name, value in zip(params, primals):
        check_differentiable(value, f"argument {name!r}")
    wrt = tuple(params[: len(primals)])
    kinds, ndims = _describe_args(params, primals)
    spec = pipeline.Spec("vjp", wrt, has_aux=has_aux, kinds=kinds, ndims=ndims)
    generated = pipeline.generate(fn, spec)
    result = generated.functions["fwd"](*primals)
    if has_aux:
        out, aux, residuals = result
    else:
        out, residuals = result
    backward = generated.functions["bwd"]

    def vjp_fn(cotangent):
        check_cotangent(cotangent, out)
        return backward(fresh_tapes(residuals), cotangent)

    vjp_fn.source = generated.sources["bwd"]
    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


def _fill_defaults(fn, args: tuple) -> tuple:
    inner = getattr(fn, "__srcad_function__", None)
    target = inner() if inner is not None else fn
    sig = inspect.signature(target)
    params = [
        p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    extra = []
    for p in params[len(args) :]:
        if p.default is p.empty:
            raise ArgnumsError(
                f"jvp: {getattr(fn, '__name__', fn)} needs the argument "
                f"{p.name!r}; pass a primal for every parameter without a "
                "default"
            )
        extra.append(p.default)
    return tuple(args) + tuple(extra)


def check_tangent(tangent, primal, where: str) -> None:
    """Tangents match their primals in structure, shape and dtype (as in JAX)."""
    if isinstance(primal, (list, tuple, dict)):
        check_cotangent(tangent, primal, f"tangent for {where}")
        items = primal.items() if isinstance(primal, dict) else enumerate(primal)
        for k, v in items:
            check_tangent(tangent[k], v, f"{where}[{k!r}]")
        return
    if np.shape(tangent) != np.shape(primal):
        raise ShapeMismatchError(
            f"jvp: primal {where} has shape {np.shape(primal)} and tangent shape "
            f"{np.shape(tangent)}; they must be equal"
        )
    pd, td = np.result_type(primal), np.result_type(tangent)
    if np.issubdtype(pd, np.floating) and np.issubdtype(td, np.complexfloating):
        raise ShapeMismatchError(
            f"jvp: primal {where} is real ({pd}) but its tangent is complex ({td})"
        )
    if isinstance(primal, (np.ndarray, np.generic)) and isinstance(
        tangent, (np.ndarray, np.generic)
    ):
        if pd != td and np.issubdtype(td, np.inexact):
            raise ShapeMismatchError(
                f"jvp: primal {where} has dtype {pd} and tangent dtype {td}; they must match"
            )


def jvp(fn, primals, tangents):
    """Evaluate ``fn(*primals)`` and its directional derivative along ``tangents``.

    Returns ``(out, tangent_out)``, computed in one pass by generated forward-mode code.
    ``tangents`` has one tangent per primal, of the same structure, shape and dtype.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jvp(lambda x: np.sin(x) * x, (np.array([0.0, 1.0]),),
        ...           (np.array([1.0, 1.0]),))[1].round(6)
        array([0.      , 1.381773])
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise ShapeMismatchError(
            "jvp: primals and tangents must be tuples (one entry per argument)"
        )
    if len(primals) != len(tangents):
        raise ShapeMismatchError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per primal"
        )
    params = _positional_params(fn)
    if len(primals) > len(params):
        raise ArgnumsError(
            f"jvp: {getattr(fn, '__name__', fn)} takes {len(params)} "
            f"positional argument(s), {len(primals)} primals were given"
        )
    for name, p, t in zip(params, primals, tangents):
        check_differentiable(p, f"argument {name!r}")
        check_tangent(t, p, repr(name))
    wrt = tuple(params[: len(primals)])
    kinds, ndims = _describe_args(params, primals)
    generated = pipeline.generate(fn, pipeline.Spec("jvp", wrt, kinds=kinds, ndims=ndims))
    args = _fill_defaults(fn, tuple(primals))
    return generated.functions["main"](*args, tuple(tangents))


def jacfwd(fn=None, argnums=0):
    """The Jacobian by forward mode: one vectorized jvp over a basis of input directions.

    The result has shape ``out.shape + in.shape`` (a tuple of those for tuple argnums). The
    generated code runs once with a batch of tangents, never in a Python loop over basis
    vectors.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
        array([[2., 0.],
               [0., 4.]])
    """
    if fn is None:
        return lambda f: jacfwd(f, argnums=argnums)
    return Transformed(fn, "jacfwd", argnums, False, "jacfwd")


def jacrev(fn=None, argnums=0):
    """The Jacobian by reverse mode: one vectorized vjp over a basis of output directions.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jacrev(lambda x: np.sin(x) * 2.0)(np.array([0.0, np.pi]))
        array([[ 2.,  0.],
               [ 0., -2.]])
    """
    if fn is None:
        return lambda f: jacrev(f, argnums=argnums)
    return Transformed(fn, "jacrev", argnums, False, "jacrev")


class _Jacobian(Transformed):
    """Picks forward mode when the input is smaller than the output, reverse otherwise."""

    def __init__(self, fn, argnums, mode):
        super().__init__(fn, "jacrev", argnums, False, "jacobian")
        self._choice = mode
        self._modes = {}
        self._fwd = Transformed(fn, "jacfwd", argnums, False, "jacfwd")
        self._rev = Transformed(fn, "jacrev", argnums, False, "jacrev")

    def _pick(self, args):
        if self._choice in ("fwd", "forward"):
            return self._fwd
        if self._choice in ("rev", "reverse"):
            return self._rev
        key = tuple(np.shape(a) for a in args)
        choice = self._modes.get(key)
        if choice is None:
            out = self._fn(*args)
            in_size = sum(int(np.size(args[n])) for n in self._nums)
            choice = self._fwd if in_size < int(np.size(out)) else self._rev
            self._modes[key] = choice
        return choice

    def __call__(self, *args, **kwargs):
        return self._pick(args)(*args, **kwargs)


def jacobian(fn=None, argnums=0, mode: str | None = None):
    """The Jacobian, by forward mode if the input is smaller than the output, else reverse.

    ``mode="fwd"`` or ``mode="rev"`` forces one. The choice is made on the first call for each
    combination of argument shapes (it evaluates ``fn`` once to learn the output's size).
    """
    if mode not in (None, "fwd", "rev", "forward", "reverse"):
        raise SrcadError(f"jacobian: mode must be 'fwd' or 'rev', got {mode!r}")
    if fn is None:
        return lambda f: jacobian(f, argnums=argnums, mode=mode)
    return _Jacobian(fn, argnums, mode)


def hessian(fn=None, argnums=0):
    """The Hessian of a scalar function: forward mode over reverse mode, ``jacfwd(jacrev(f))``.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    if fn is None:
        return lambda f: hessian(f, argnums=argnums)
    if isinstance(argnums, int):
        # The reverse sweep of a scalar function needs one cotangent, not a batch of them.
        return jacfwd(grad(fn, argnums=argnums), argnums=argnums)
    return jacfwd(jacrev(fn, argnums=argnums), argnums=argnums)


def linearize(fn, *primals):
    """``(out, f_jvp)`` where ``f_jvp(*tangents)`` is the jvp of ``fn`` at ``primals``."""
    out = fn(*primals)

    def f_jvp(*tangents):
        return jvp(fn, primals, tangents)[1]

    return out, f_jvp


def _wrt_spec(fn, args, wrt, mode: str) -> pipeline.Spec:
    params = _positional_params(fn)
    kinds, ndims = _describe_args(params, args)
    return pipeline.Spec(mode, tuple(params[i] for i in wrt), kinds=kinds, ndims=ndims)


def jvp_wrt(fn, args, wrt, tangents):
    """jvp with respect to the arguments at positions `wrt` only (the others are fixed)."""
    generated = pipeline.generate(fn, _wrt_spec(fn, args, wrt, "jvp"))
    return generated.functions["main"](*_fill_defaults(fn, tuple(args)), tuple(tangents))


def vjp_wrt(fn, args, wrt):
    """vjp with respect to the arguments at positions `wrt` only: ``(out, pullback)``."""
    generated = pipeline.generate(fn, _wrt_spec(fn, args, wrt, "vjp"))
    out, residuals = generated.functions["fwd"](*args)
    backward = generated.functions["bwd"]

    def pullback(cotangent):
        check_cotangent(cotangent, out)
        return backward(fresh_tapes(residuals), cotangent)

    return out, pullback


def _unwrapped(fn):
    target = getattr(fn, "__srcad_function__", None)
    return target() if target is not None else fn


def composed_vjp(fn, cotangent, wrt=None):
    """A transformable function x -> vjp(fn, x)[1](cotangent), as generated source."""
    from . import drivers

    params = _positional_params(fn)
    wrt = list(range(len(params))) if wrt is None else list(wrt)
    spec = pipeline.Spec("vjp", tuple(params[i] for i in wrt))
    generated = pipeline.generate(fn, spec)
    target = _unwrapped(fn)
    function, _ = drivers.pullback(
        target,
        generated.functions["fwd"],
        generated.functions["bwd"],
        cotangent,
        getattr(target, "__name__", "f"),
    )
    return function


def composed_jvp(fn, tangents, wrt=None):
    """A transformable function x -> jvp(fn, x, tangents)[1], as generated source."""
    from . import drivers

    params = _positional_params(fn)
    wrt = list(range(len(tangents))) if wrt is None else list(wrt)
    generated = pipeline.generate(fn, pipeline.Spec("jvp", tuple(params[i] for i in wrt)))
    target = _unwrapped(fn)
    function, _ = drivers.pushforward(
        target, generated.functions["main"], tangents, getattr(target, "__name__", "f")
    )
    return function


def fresh_tapes(residuals: tuple) -> tuple:
    """Copies of the containers among `residuals`: a backward sweep pops its tapes, the lists
    saved on them and the tapes inside a callee's residuals, and a vjp function may be called
    more than once. Arrays are shared (the backward sweep never writes into a residual array).
    A container reachable twice is copied once: the sweep relies on that sharing (it pops a
    list through one path and reads its length through another)."""
    memo: dict[int, object] = {}
    return tuple(_fresh_containers(r, memo) for r in residuals)


def _fresh_containers(value, memo: dict):
    kind = type(value)
    if kind is not list and kind is not tuple and kind is not dict:
        return value
    copied = memo.get(id(value))
    if copied is not None:
        return copied
    if kind is list:
        copied = memo[id(value)] = []  # registered first: a list may contain itself
        copied.extend(_fresh_containers(v, memo) for v in value)
    elif kind is tuple:
        copied = memo[id(value)] = tuple(_fresh_containers(v, memo) for v in value)
    else:
        copied = memo[id(value)] = {}
        copied.update((k, _fresh_containers(v, memo)) for k, v in value.items())
    return copied


def source(fn) -> str:
    """The generated source of a transformed function (``grad(f)``, ``jvp``...)."""
    text = getattr(fn, "source", None)
    if isinstance(text, str):
        return text
    raise SrcadError(f"source() expects a function made by a srcad transform, got {fn!r}")
