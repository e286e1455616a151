"""The public transforms: grad, value_and_grad, vjp, jvp, the Jacobian family, source.

Every transform returns a callable that generates its derivative code on first use (so a
decorated function may call helpers defined later in its module), checks its arguments the
way JAX does, and can itself be transformed again: `srcad.grad(srcad.grad(f))`.
"""

from __future__ import annotations

import inspect
import numbers
import types
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeAlias, overload

import numpy as np

from . import build, runtime
from .boundary import cut_srcad_frames, public
from .build import Mode
from .dtypes import result_type
from .errors import (
    ArgnumsError,
    InputTypeError,
    Location,
    NonScalarOutputError,
    ShapeMismatchError,
    SrcadError,
    UnsupportedOperationError,
    UnsupportedSyntaxError,
)
from .parse import _plain_function, def_location, require_source
from .tracebacks import annotate
from .wrappers import transformable

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

#: A function srcad can transform: a Python function or lambda, a transformed function, or
#: a numpy, math or operator function, functools.partial or bound method srcad wraps.
Function: TypeAlias = Callable[..., Any]
#: Which positional arguments to differentiate: one index, or a tuple (or list) of them.
Argnums: TypeAlias = "int | Sequence[int]"


def _kind(value: object) -> str | None:
    if isinstance(value, (np.ndarray, numbers.Number, np.generic)):
        return "array"
    if type(value) is list:
        return "list"
    if type(value) is tuple:
        return "tuple"
    if type(value) is dict:
        return "dict"
    return None


def _signature(args: Sequence[Any]) -> tuple[Any, ...]:
    """A cheap key for what generated code depends on: each argument's rank, or its kind."""
    out: list[Any] = []
    for a in args:
        t = type(a)
        if t is np.ndarray:
            out.append(a.ndim if a.dtype.kind != "c" else (a.ndim, "c"))
        elif t is float or t is int:
            out.append(0)
        elif t is list or t is tuple or t is dict:
            out.append(t.__name__)
        elif isinstance(a, (np.generic, numbers.Number)):
            # numpy's stubs leave numbers.Number out of what iscomplexobj takes
            out.append((0, "c") if np.iscomplexobj(a) else 0)  # type: ignore[arg-type]
        else:
            out.append(None)
    return tuple(out)


def _describe_args(
    params: Sequence[str], args: Sequence[Any]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """What generated code is specialized on: each argument's kind, and arrays' ranks (with
    "complex" for complex ones, so that real code can use real-only shortcuts)."""
    kinds: list[tuple[Any, ...]] = []
    ndims: list[tuple[Any, ...]] = []
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


def _positional_params(fn: Any) -> list[str]:
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


def _user_function(fn: Any) -> Any:
    """The user's function behind a chain of transforms (grad(grad(f)) -> f): errors about
    the function as a whole point at its def."""
    while isinstance(fn, Transformed):
        fn = fn._fn
    return fn


def _fn_name(fn: Any) -> str:
    return str(getattr(fn, "__name__", None) or type(fn).__name__)


def _argnums_hint(fn: Any, params: list[str] | None = None) -> str:
    """What argnums may be, spelled with the function's own parameters."""
    params = _positional_params(fn) if params is None else params
    name = _fn_name(_user_function(fn))
    if not params:
        return f"{name} has no positional parameters; srcad differentiates those only"
    example = "0" if len(params) == 1 else f"0 or {tuple(range(min(len(params), 2)))}"
    return (
        f"argnums are positions of positional parameters of {name}({', '.join(params)}): {example}"
    )


def _argnums(fn: Any, argnums: Any, transform: str) -> tuple[tuple[int, ...], bool]:
    as_tuple = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if as_tuple else (argnums,)
    if not nums:
        raise ArgnumsError(
            f"{transform}: argnums is empty; give at least one argument index",
            hint=_argnums_hint(fn),
        )
    for n in nums:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise ArgnumsError(
                f"{transform}: argnums must be an int or a tuple of ints, got {n!r}",
                hint=_argnums_hint(fn),
            )
    if len(set(nums)) != len(nums):
        raise ArgnumsError(
            f"{transform}: argnums {nums} repeats an argument",
            hint=_argnums_hint(fn) + "; list each argument once",
        )
    return tuple(int(n) for n in nums), as_tuple


def _has_varargs(fn: Any) -> bool:
    fn = _user_function(fn)
    return isinstance(fn, types.FunctionType) and bool(fn.__code__.co_flags & inspect.CO_VARARGS)


def _wrt_names(
    fn: Any, nums: Sequence[int], transform: str, params: list[str] | None = None
) -> tuple[str, ...]:
    params = _positional_params(fn) if params is None else params

    names = []
    for n in nums:
        index = n + len(params) if n < 0 else n
        if not 0 <= index < len(params):
            user = _user_function(fn)
            if _has_varargs(fn) and index >= len(params):
                # The arguments gathered by *args have no name srcad could differentiate.
                raise UnsupportedSyntaxError(
                    f"{transform}: argnums {n} falls on the *args of {_fn_name(user)}; srcad "
                    "does not differentiate arguments collected by *args",
                    def_location(user),
                    hint="give the function named parameters (def f(x, y) instead of "
                    "def f(*args)), or pass the values as one tuple argument",
                )
            raise ArgnumsError(
                f"{transform}: argnums {n} is out of range for {_fn_name(user)}"
                f", which has {len(params)} positional parameter(s) ({', '.join(params)})",
                def_location(user),
                hint=_argnums_hint(fn, params) + " (negative numbers count from the end)",
            )
        names.append(params[index])
    return tuple(names)


def _check_positional_only(fn: Any, transform: str) -> None:
    """The Jacobian drivers call the function with positional arguments only: refuse other
    parameters here, where the user's def can be named."""
    user = _user_function(fn)
    if not isinstance(user, types.FunctionType):
        return
    call = _fn_name(user) if _fn_name(user).isidentifier() else "f"
    for p in inspect.signature(user).parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise UnsupportedOperationError(
                f"{transform} needs a function with positional parameters only; "
                f"{_fn_name(user)} has {p.kind.description} parameter {p.name!r}",
                def_location(user),
                hint=f"wrap it: srcad.{transform}(lambda x: {call}(x, "
                f"{p.name}=value)) with the value fixed",
            )


def _require_function(fn: Any, transform: str) -> Any:
    """A transform's first argument must be a function (a common slip: grad(f(x))); what
    srcad reads of it: the function, or a wrapper srcad writes (see srcad.wrappers)."""
    if not callable(fn):
        raise SrcadError(
            f"{transform} expects a function, got {type(fn).__name__}",
            hint=f"pass the function itself: {_USAGE.get(transform, f'srcad.{transform}(f)(x)')}"
            f", not the value f(x)",
        )
    fn = transformable(fn)
    # A builtin or other object without source, or a function whose source is gone (python
    # -c, a script on stdin): say so now, where the transform is written, not at its call.
    require_source(_plain_function(fn))
    return fn


# How each transform is called, for hints about calling it wrong.
_USAGE = {
    "vjp": "out, vjp_fn = srcad.vjp(f, x)",
    "jvp": "srcad.jvp(f, (x,), (dx,))",
    "linearize": "out, f_jvp = srcad.linearize(f, x)",
}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def check_differentiable(value: Any, where: str) -> None:
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
        kind = type(value).__name__
        what = "None" if value is None else f"{_article(kind)} {kind}"
        raise InputTypeError(
            f"{where} is {what}; srcad differentiates with respect to "
            "floats, complex numbers, numpy arrays and tuples, lists and dicts of them",
            hint=f"pass a float or a float array (np.asarray(..., dtype=float)) for {where}, "
            "or keep non-numeric values out of the differentiated arguments (argnums) and "
            "their containers",
        )
    if not np.issubdtype(dtype, np.inexact):
        raise InputTypeError(
            f"{where} has dtype {dtype}; srcad differentiates only with respect to float or "
            "complex inputs",
            hint=f"pass a float array, e.g. x.astype(float), or leave {where} out of argnums",
        )


def _as_structure(g: Any, like: Any) -> Any:
    """A gradient `g` of `like` laid out as `like`: an array for a list becomes a list."""
    if isinstance(like, (list, tuple)) and isinstance(g, (np.ndarray, list, tuple)):
        if len(g) == len(like):
            return runtime._rebuild(like, iter(runtime._select(g, like)))
    return g


class Transformed:
    """A derivative function, as the transforms return it: generated on its first call,
    printable, transformable again.

    Calling it with a kind of arguments it has not seen (an array of another rank, a list
    where there was an array) generates code for them; later calls of that kind reuse it.
    ``source`` is the code of the last call's kind; in a notebook it displays that code,
    highlighted. Errors are those of the transform that made it (see `grad`).

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(x ** 2)
        >>> df = srcad.grad(f)
        >>> df(np.array([1.0, 2.0]))
        array([2., 4.])
        >>> print(df.source.splitlines()[0])
        def grad_f(x):
    """

    def __init__(
        self, fn: Function, mode: str, argnums: Argnums = 0, has_aux: bool = False, label: str = ""
    ) -> None:
        fn = _require_function(fn, label or mode)
        self._fn = fn
        self._mode = Mode(mode)
        self._nums, self._tuple_out = _argnums(fn, argnums, label or mode)
        self._has_aux = has_aux
        self._label = label or self._mode.value
        self._wrt: tuple[str, ...] | None = None
        self._params: list[str] = []
        self._generated: dict[tuple[Any, ...], build.Generated] = {}
        self._by_signature: dict[tuple[Any, ...], Any] = {}  # cheap call-time key -> Generated
        self._keys: dict[Any, Any] = {}  # cheap call-time key -> the full key it stands for
        self._last_signature: tuple[Any, ...] | None = None
        self._last: tuple[Any, ...] | None = None
        name = getattr(fn, "__name__", "f")
        self.__name__ = f"{self._label}_{name}"
        self.__qualname__ = self.__name__
        self.__doc__ = f"The {self._label} of {name}, generated by srcad."

    # -- generation --------------------------------------------------------------------
    def _spec(self, key: tuple[Any, ...]) -> build.Spec:
        kinds, ndims = key
        return build.Spec(
            self._mode, self._prepare(), self._tuple_out, self._has_aux, kinds=kinds, ndims=ndims
        )

    def _get(self, key: tuple[Any, ...]) -> build.Generated:
        generated = self._generated.get(key)
        if generated is None or not generated.is_fresh():
            generated = build.generate(self._fn, self._spec(key))
            self._generated[key] = generated
        self._last = key
        return generated

    def _prepare(self) -> tuple[str, ...]:
        """The names of the differentiated parameters (checked on first use)."""
        if self._wrt is None:
            if self._mode.driver:
                _check_positional_only(self._fn, self._label)
            self._params = _positional_params(self._fn)
            self._wrt = _wrt_names(self._fn, self._nums, self._label, self._params)
        return self._wrt

    def _default(self) -> build.Generated:
        """The code for the last call's kind of arguments (generic arrays before any call)."""
        wrt = self._prepare()
        key = self._keys.get(self._last_signature, self._last)
        if key is None:
            key = (tuple((p, "array") for p in wrt), ())
        return self._get(key)

    # -- calling -------------------------------------------------------------------------
    def _generate_for(self, signature: tuple[Any, ...], args: tuple[Any, ...]) -> Any:
        """First call with this kind of arguments: check them, then generate the code."""
        for n, name in zip(self._nums, self._prepare()):
            if n >= len(args) or -n > len(args):
                user = _user_function(self._fn)
                raise ArgnumsError(
                    f"{self._label}: argnums {n} refers to argument {name!r} of "
                    f"{_fn_name(user)}({', '.join(self._params)}), but only {len(args)} "
                    "positional argument(s) were passed",
                    def_location(user),
                    hint=f"pass {name} positionally (a differentiated argument must be "
                    "passed, even if it has a default), or choose argnums among the "
                    "arguments you pass",
                )
            check_differentiable(args[n], f"argument {name!r}")
        key = _describe_args(self._params, args)
        generated = self._get(key)
        main = generated.functions["main"]
        if self._mode.gradient and any(isinstance(args[n], (list, tuple)) for n in self._nums):
            main = self._laid_out_as_arguments(main)
        hot = (generated, main)
        self._by_signature[signature] = hot
        self._keys[signature] = key
        return hot

    def _laid_out_as_arguments(self, main: Function) -> Function:
        """`main`, whose gradients of list and tuple arguments come back as lists and tuples
        (a numpy function given a list sends back an array)."""
        nums, tuple_out, has_aux = self._nums, self._tuple_out, self._has_aux
        value_too = self._mode is Mode.VALUE_AND_GRAD

        def laid_out(*args: Any, **kwargs: Any) -> Any:
            out = main(*args, **kwargs)
            grads = out[1] if value_too else (out[0] if has_aux else out)
            if tuple_out:
                grads = tuple(_as_structure(g, args[n]) for g, n in zip(grads, nums))
            else:
                grads = _as_structure(grads, args[nums[0]])
            if value_too:
                return (out[0], grads)
            return (grads, out[1]) if has_aux else grads

        return laid_out

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        signature = _signature(args)
        hot = self._by_signature.get(signature)
        if hot is None or not hot[0].is_fresh():
            try:
                hot = self._generate_for(signature, args)
            except SrcadError as exc:
                raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)
        for n in self._nums:
            value = args[n]
            t = type(value)
            if not (t is float or (t is np.ndarray and value.dtype.kind in "fc")):
                try:
                    check_differentiable(
                        value, f"argument {self._prepare()[self._nums.index(n)]!r}"
                    )
                except SrcadError as exc:
                    raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)
        self._last_signature = signature
        try:
            return hot[1](*args, **kwargs)
        except NonScalarOutputError as exc:
            if exc.location is None and _raised_by(exc, hot[1], depth=1):
                raise _output_error(exc, self._fn, self._label) from None
            inner = self._fn
            if exc.location is None and isinstance(inner, Transformed):
                # A transform of grad (hessian is jacfwd of grad): the check failed in the
                # generated code of that grad, whose function is the one to point at.
                if inner._mode.gradient:
                    label = f"{self._label} of {inner._label}"
                    raise _output_error(exc, inner._fn, label) from None
            annotate(exc)
            raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)
        except SrcadError as exc:
            raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)
        except (TypeError, ValueError) as exc:
            if self._has_aux and _raised_by(exc, hot[1], depth=0) and "unpack" in str(exc):
                raise _aux_error(self._fn, self._label, exc) from None
            annotate(exc)
            raise
        except Exception as exc:
            annotate(exc)
            raise

    # -- inspection ----------------------------------------------------------------------
    @property
    def source(self) -> str:
        """The generated Python source, for the last call's kind of arguments (generic code,
        for arguments of any rank, before the first call)."""
        return "\n".join(self._default().sources.values())

    @property
    def __wrapped__(self) -> Any:
        return self._default().functions["main"]

    def __srcad_function__(self) -> Any:
        return self._default().functions["main"]

    def __srcad_specialize__(self, kinds: tuple[Any, ...], ndims: tuple[Any, ...]) -> Any:
        """The generated code for arguments of these kinds (a transform of this one is)."""
        self._prepare()
        return self._get((kinds, ndims)).functions["main"]

    def __repr__(self) -> str:
        return f"<srcad {self._label} of {getattr(self._fn, '__qualname__', self._fn)}>"

    def _repr_html_(self) -> str:
        from .display import html

        return html(self.source)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        return self if obj is None else types.MethodType(self, obj)


@overload
def grad(
    fn: None = None, argnums: Argnums = 0, has_aux: bool = False
) -> Callable[[Function], Transformed]: ...
@overload
def grad(fn: Function, argnums: Argnums = 0, has_aux: bool = False) -> Transformed: ...
@public
def grad(
    fn: Function | None = None, argnums: Argnums = 0, has_aux: bool = False
) -> Transformed | Callable[[Function], Transformed]:
    """The gradient of a real scalar function, as a generated Python function.

    Usable as a decorator, with or without arguments (``@srcad.grad``,
    ``@srcad.grad(argnums=1)``), and on a transformed function (``grad(grad(f))``).

    Args:
        fn: a Python function of numpy arrays and floats that returns a real scalar
            (or ``(scalar, aux)`` with ``has_aux=True``). Without it, ``grad`` returns a
            decorator.
        argnums: which positional argument(s) to differentiate; an int gives one gradient,
            a tuple gives a tuple of gradients.
        has_aux: ``fn`` returns ``(value, aux)``; the result is then ``(gradient, aux)``.

    Returns:
        A `Transformed` function with ``fn``'s signature returning the gradient(s), shaped
        like the argument(s) (pytrees come back with the arguments' structure).
        ``srcad.source(...)`` shows its code.

    Raises:
        SourceUnavailableError: ``fn`` has no Python source srcad can read (a C function
            without a rule, a function typed into a REPL or passed to ``python -c``).
        ArgnumsError: ``argnums`` is empty, repeats an argument or is out of range, or
            (when called) names an argument that was not passed.
        UnsupportedSyntaxError: (on the first call) ``fn`` uses a construct srcad does not
            differentiate; the message gives the file, line and column.
        MissingRuleError: (on the first call) ``fn`` calls a function without a derivative
            rule or Python source.
        InputTypeError: (when called) a differentiated argument is an integer or not
            numeric.
        NonScalarOutputError: (when called) ``fn`` returned something other than a real
            scalar.
        SrcadError: ``fn`` is not callable. Every error above is a `SrcadError`.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(np.tanh(x) ** 2)
        >>> g = srcad.grad(f)
        >>> g(np.array([0.5, -1.0])).round(4)
        array([ 0.7269, -0.6397])
    """
    if fn is None:
        return lambda f: grad(f, argnums=argnums, has_aux=has_aux)
    return Transformed(fn, "grad", argnums, has_aux, "grad")


@overload
def value_and_grad(
    fn: None = None, argnums: Argnums = 0, has_aux: bool = False
) -> Callable[[Function], Transformed]: ...
@overload
def value_and_grad(fn: Function, argnums: Argnums = 0, has_aux: bool = False) -> Transformed: ...
@public
def value_and_grad(
    fn: Function | None = None, argnums: Argnums = 0, has_aux: bool = False
) -> Transformed | Callable[[Function], Transformed]:
    """Like `grad`, but the function returns ``(value, gradient)``: one call computes both.

    Args:
        fn: a Python function returning a real scalar (``(scalar, aux)`` with
            ``has_aux=True``); without it, a decorator.
        argnums: which positional argument(s) to differentiate, as for `grad`.
        has_aux: ``fn`` returns ``(value, aux)``; the result is then
            ``((value, aux), gradient)``.

    Returns:
        A `Transformed` function returning ``(value, gradient)``.

    Raises:
        SrcadError: the errors of `grad`, at the same moments.

    Example:
        >>> import numpy as np, srcad
        >>> value, g = srcad.value_and_grad(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        >>> float(value), g
        (9.0, array([ 3., 12.]))
    """
    if fn is None:
        return lambda f: value_and_grad(f, argnums=argnums, has_aux=has_aux)
    return Transformed(fn, "value_and_grad", argnums, has_aux, "value_and_grad")


def _raised_by(exc: BaseException, function: Any, depth: int) -> bool:
    """Whether `exc` was raised `depth` calls below `function`'s own frame (0: by a statement
    of `function` itself, 1: by a function it called directly), not deeper in a callee."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code)
        tb = tb.tb_next
    code = getattr(function, "__code__", None)
    return len(frames) > depth and frames[-1 - depth] is code


def _returns(fn: Any) -> tuple[Any, list[Any]]:
    """The user's function's parsed def and its own return statements (None if unreadable)."""
    from .parse import _own_nodes, parse_function

    try:
        parsed = parse_function(fn)
    except SrcadError:
        return None, []
    returns = [n for n in _own_nodes(parsed.node) if type(n).__name__ == "Return"]
    return parsed, returns


def _return_location(fn: Any) -> tuple[Location | None, list[Any]]:
    """Where the returned value comes from: the return statement when there is one, else
    the def line."""
    from .fence import location

    user = _user_function(fn)
    if not isinstance(user, types.FunctionType) or getattr(user, "__srcad_generated__", False):
        return None, []
    parsed, returns = _returns(user)
    if parsed is None:
        return def_location(user), []
    valued = [r for r in returns if r.value is not None]
    node = valued[0] if len(valued) == 1 and len(returns) == 1 else parsed.node
    return location(node, parsed.filename, parsed.name), valued


def _output_error(exc: NonScalarOutputError, fn: Any, label: str) -> NonScalarOutputError:
    """scalar_seed's error, said for this transform and pointed at f's return statement."""
    where, valued = _return_location(fn)
    name = _fn_name(_user_function(fn))
    returned = getattr(exc, "returned", None)
    if returned is None:
        return exc
    if returned == "None" and not valued:
        returned = "None (it has no return statement with a value)"
    message = f"{label} needs {name} to return a real scalar, but it returned {returned}"
    if returned.startswith("None"):
        hint = f"return the value to differentiate: end {name} with `return <scalar>`"
    elif returned.startswith("a complex"):
        hint = (
            "differentiate a real quantity, e.g. np.real(...) or np.abs(...) ** 2 of it, or "
            "use srcad.vjp with a complex cotangent"
        )
    else:
        hint = (
            "for a non-scalar output use srcad.jacrev / srcad.jacobian, or srcad.vjp with a "
            "cotangent; or reduce the output to a scalar, e.g. with np.sum"
        )
        if returned.startswith(("a tuple", "a list")):
            hint += (
                "; to return extra values alongside it, return (value, aux) and pass has_aux=True"
            )
    return NonScalarOutputError(message, where, hint)


def _aux_error(fn: Any, label: str, exc: Exception) -> SrcadError:
    where, _ = _return_location(fn)
    name = _fn_name(_user_function(fn))
    return SrcadError(
        f"{label} with has_aux=True needs {name} to return a pair (value, aux), but what it "
        f"returned does not unpack into two ({exc})",
        where,
        hint=f"return value, aux from {name}, or drop has_aux=True",
    )


def _describe_value(v: Any) -> str:
    """A value's structure, for messages about tangents and cotangents."""
    if v is None:
        return "None"
    if isinstance(v, (list, tuple)):
        return f"{_article(type(v).__name__)} {type(v).__name__} of {len(v)}"
    if isinstance(v, dict):
        return f"a dict with keys {sorted(v, key=repr)}"
    if isinstance(v, (np.ndarray, np.generic)):
        return f"an array of shape {np.shape(v)} ({v.dtype})"
    if isinstance(v, numbers.Number):
        return f"{_article(type(v).__name__)} {type(v).__name__}"
    return f"{_article(type(v).__name__)} {type(v).__name__}"


_COTANGENT_HINT = (
    "a cotangent has the structure, shape and dtype of f's output, e.g. np.ones_like(out) "
    "for out, vjp_fn = srcad.vjp(f, x)"
)
_TANGENT_HINT = (
    "give each primal a tangent of the same structure, shape and dtype, e.g. "
    "srcad.jvp(f, (x,), (np.ones_like(x),))"
)


def _mismatch(
    what: str, value: Any, ref: str, primal: Any, hint: str, why: str = ""
) -> ShapeMismatchError:
    return ShapeMismatchError(
        f"{what} is {_describe_value(value)}, but {ref} is {_describe_value(primal)}"
        + (f"; {why}" if why else ""),
        hint=hint,
    )


def _check_like(value: Any, primal: Any, what: str, ref: str, hint: str) -> None:
    """Refuse a tangent or cotangent whose structure or shape differs from its primal's."""
    if isinstance(primal, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(primal):
            raise _mismatch(what, value, ref, primal, hint, "they must have the same structure")
        for i, (v, p) in enumerate(zip(value, primal)):
            _check_like(v, p, f"{what}[{i}]", f"{ref}[{i}]", hint)
        return
    if isinstance(primal, dict):
        if not isinstance(value, dict) or set(value) != set(primal):
            raise _mismatch(what, value, ref, primal, hint, "they must have the same keys")
        for k in primal:
            _check_like(value[k], primal[k], f"{what}[{k!r}]", f"{ref}[{k!r}]", hint)
        return
    if isinstance(value, (list, tuple, dict)):
        raise _mismatch(what, value, ref, primal, hint, "they must have the same structure")
    if not _numeric(value):
        raise _mismatch(what, value, ref, primal, hint)
    if np.shape(value) != np.shape(primal):
        raise _mismatch(what, value, ref, primal, hint, "their shapes must be equal")


def _numeric(value: Any) -> bool:
    return isinstance(value, (np.ndarray, np.generic, numbers.Number))


def check_cotangent(cotangent: Any, out: Any, what: str = "cotangent") -> None:
    """Refuse a cotangent whose structure, shape or kind differs from the output's."""
    if type(cotangent) is np.ndarray and type(out) is np.ndarray:
        if cotangent.shape == out.shape and (cotangent.dtype.kind != "c" or out.dtype.kind == "c"):
            return  # the common case, kept cheap
    _check_like(cotangent, out, f"the {what}", "f's output", _COTANGENT_HINT)
    _check_real(cotangent, out, f"the {what}", "f's output", _COTANGENT_HINT)


def _check_real(value: Any, primal: Any, what: str, ref: str, hint: str) -> None:
    """A complex tangent or cotangent for a real value would make real results complex."""
    if isinstance(primal, (list, tuple)):
        for i, (v, p) in enumerate(zip(value, primal)):
            _check_real(v, p, f"{what}[{i}]", f"{ref}[{i}]", hint)
        return
    if isinstance(primal, dict):
        for k in primal:
            _check_real(value[k], primal[k], f"{what}[{k!r}]", f"{ref}[{k!r}]", hint)
        return
    if np.iscomplexobj(value) and not np.iscomplexobj(primal):
        if np.issubdtype(result_type(primal), np.inexact):
            raise ShapeMismatchError(
                f"{what} is complex ({result_type(value)}), but {ref} is real "
                f"({result_type(primal)})",
                hint=f"pass a real one (np.real of it), or make the value complex; {hint}",
            )


@overload
def vjp(
    fn: Function, *primals: Any, has_aux: Literal[False] = False
) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]: ...
@overload
def vjp(
    fn: Function, *primals: Any, has_aux: Literal[True]
) -> tuple[Any, Callable[[Any], tuple[Any, ...]], Any]: ...
@public
def vjp(fn: Function, *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """Evaluate ``fn(*primals)`` and return ``(out, vjp_fn)`` (plus ``aux`` with has_aux).

    ``vjp_fn(cotangent)`` returns a tuple with one cotangent per primal: the
    vector-Jacobian product, computed by generated reverse-mode code. It may be called
    many times; ``vjp_fn.source`` is its code.

    Args:
        fn: the function to differentiate.
        primals: the arguments to evaluate it at, each differentiated (floats, float or
            complex arrays, and tuples, lists and dicts of them).
        has_aux: ``fn`` returns ``(out, aux)``; ``aux`` is returned third, not
            differentiated.

    Returns:
        ``(out, vjp_fn)``, or ``(out, vjp_fn, aux)`` with ``has_aux=True``.

    Raises:
        SourceUnavailableError: ``fn`` has no Python source srcad can read.
        InputTypeError: a primal is an integer or not numeric.
        ArgnumsError: more primals than ``fn`` has positional parameters.
        ShapeMismatchError: (from ``vjp_fn``) the cotangent's structure, shape or dtype
            differs from ``out``'s.
        SrcadError: as `grad`, when ``fn``'s code cannot be differentiated.

    Example:
        >>> import numpy as np, srcad
        >>> out, pullback = srcad.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), 3.0)
        >>> pullback(np.array([1.0, 1.0]))
        (array([3., 3.]), np.float64(3.0))
    """
    fn = _require_function(fn, "vjp")
    params = _positional_params(fn)
    _check_primal_count(fn, params, primals, "vjp")
    for name, value in zip(params, primals):
        check_differentiable(value, f"argument {name!r}")
    wrt = tuple(params[: len(primals)])
    kinds, ndims = _describe_args(params, primals)
    spec = build.Spec(Mode.VJP, wrt, has_aux=has_aux, kinds=kinds, ndims=ndims)
    generated = build.generate(fn, spec)
    forward = generated.functions["fwd"]
    try:
        result = forward(*primals)
    except (TypeError, ValueError) as exc:
        if has_aux and _raised_by(exc, forward, depth=0) and "unpack" in str(exc):
            raise _aux_error(fn, "vjp", exc) from None
        raise
    if has_aux:
        out, aux, residuals = result
    else:
        out, residuals = result
    backward = generated.functions["bwd"]

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        check_cotangent(cotangent, out)
        grads: tuple[Any, ...] = backward(fresh_tapes(residuals), cotangent)
        if any(isinstance(p, (list, tuple)) for p in primals):
            grads = tuple(_as_structure(g, p) for g, p in zip(grads, primals))
        return grads

    vjp_fn.source = generated.sources["bwd"]  # type: ignore[attr-defined]
    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


def _fill_defaults(fn: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    inner = getattr(fn, "__srcad_function__", None)
    target = inner() if inner is not None else fn
    sig = inspect.signature(target)
    params = [
        p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    extra = []
    for p in params[len(args) :]:
        if p.default is p.empty:
            user = _user_function(fn)
            raise ArgnumsError(
                f"jvp: {_fn_name(user)} needs the argument "
                f"{p.name!r}; pass a primal for every parameter without a "
                "default",
                def_location(user),
                hint="give one primal and one tangent per parameter: "
                "srcad.jvp(f, (x, y), (dx, dy))",
            )
        extra.append(p.default)
    # The generated jvp takes keyword-only parameters positionally, after the others (they
    # are never differentiated: their values are the defaults).
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY:
            if p.default is p.empty:
                user = _user_function(fn)
                raise UnsupportedOperationError(
                    f"jvp: {_fn_name(user)} has the keyword-only parameter {p.name!r} "
                    "without a default, which jvp cannot pass",
                    def_location(user),
                    hint=f"fix it: srcad.jvp(lambda x: {_fn_name(user)}(x, {p.name}=value), "
                    "(x,), (dx,))",
                )
            extra.append(p.default)
    return tuple(args) + tuple(extra)


def check_tangent(tangent: Any, primal: Any, where: str) -> None:
    """Tangents match their primals in structure, shape and dtype (as in JAX)."""
    _check_like(tangent, primal, f"jvp: the tangent of {where}", where, _TANGENT_HINT)
    _check_tangent_dtypes(tangent, primal, where)


def _check_tangent_dtypes(tangent: Any, primal: Any, where: str) -> None:
    if isinstance(primal, (list, tuple)):
        for i, (t, p) in enumerate(zip(tangent, primal)):
            _check_tangent_dtypes(t, p, f"{where}[{i}]")
        return
    if isinstance(primal, dict):
        for k in primal:
            _check_tangent_dtypes(tangent[k], primal[k], f"{where}[{k!r}]")
        return
    pd, td = result_type(primal), result_type(tangent)
    what = f"jvp: the tangent of {where}"
    if np.issubdtype(pd, np.floating) and np.issubdtype(td, np.complexfloating):
        raise ShapeMismatchError(
            f"{what} is complex ({td}), but {where} is real ({pd})",
            hint=f"pass a real tangent (np.real of it), or a complex primal; {_TANGENT_HINT}",
        )
    if np.issubdtype(pd, np.inexact) and not np.issubdtype(td, np.inexact):
        # As in JAX: an integer tangent for a float primal is a slip (np.arange, np.ones
        # with dtype=int), and it would make the tangent output's dtype depend on it.
        raise ShapeMismatchError(
            f"{what} has dtype {td}, but {where} is {pd}; a tangent must be a float like "
            "its primal",
            hint=f"convert it, e.g. t.astype(np.{pd.name}); {_TANGENT_HINT}",
        )
    if isinstance(primal, (np.ndarray, np.generic)) and isinstance(
        tangent, (np.ndarray, np.generic)
    ):
        if pd != td:
            raise ShapeMismatchError(
                f"{what} has dtype {td}, but {where} has dtype {pd}; they must match",
                hint=f"convert it, e.g. t.astype(np.{pd.name}); {_TANGENT_HINT}",
            )


def _check_primal_count(fn: Any, params: list[str], primals: Sequence[Any], transform: str) -> None:
    if len(primals) > len(params):
        user = _user_function(fn)
        if _has_varargs(fn):
            raise UnsupportedSyntaxError(
                f"{transform}: {_fn_name(user)} collects arguments with *args; srcad does "
                "not differentiate those",
                def_location(user),
                hint="give the function named parameters (def f(x, y) instead of "
                "def f(*args)), or pass the values as one tuple argument",
            )
        raise ArgnumsError(
            f"{transform}: {_fn_name(user)}({', '.join(params)}) takes {len(params)} "
            f"positional argument(s), {len(primals)} primals were given",
            def_location(user),
            hint=f"give one primal per positional parameter of {_fn_name(user)}",
        )


@public
def jvp(fn: Function, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """Evaluate ``fn(*primals)`` and its directional derivative along ``tangents``.

    Computed in one pass by generated forward-mode code (a tangent travels beside every
    value).

    Args:
        fn: the function to differentiate.
        primals: a tuple with the arguments to evaluate ``fn`` at (parameters left out
            take their defaults).
        tangents: a tuple with one tangent per primal, of the same structure, shape and
            dtype.

    Returns:
        ``(out, tangent_out)``: ``fn(*primals)`` and the Jacobian of ``fn`` applied to
        ``tangents``, shaped like ``out``.

    Raises:
        ShapeMismatchError: ``primals`` or ``tangents`` is not a tuple, their lengths
            differ, or a tangent does not match its primal.
        InputTypeError: a primal is an integer or not numeric.
        ArgnumsError: more primals than ``fn`` has positional parameters, or one missing.
        SrcadError: as `grad`, when ``fn``'s code cannot be differentiated.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jvp(lambda x: np.sin(x) * x, (np.array([0.0, 1.0]),),
        ...           (np.array([1.0, 1.0]),))[1].round(6)
        array([0.      , 1.381773])
    """
    fn = _require_function(fn, "jvp")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        bad = "primals" if not isinstance(primals, (tuple, list)) else "tangents"
        value = primals if bad == "primals" else tangents
        raise ShapeMismatchError(
            f"jvp: primals and tangents must be tuples (one entry per argument); the "
            f"{bad} are {_describe_value(value)}",
            hint="wrap them, even for one argument: srcad.jvp(f, (x,), (dx,))",
        )
    if len(primals) != len(tangents):
        raise ShapeMismatchError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per "
            "primal",
            hint="srcad.jvp(f, (x, y), (dx, dy)): the two tuples have one entry per argument",
        )
    params = _positional_params(fn)
    _check_primal_count(fn, params, primals, "jvp")
    for name, p, t in zip(params, primals, tangents):
        check_differentiable(p, f"argument {name!r}")
        check_tangent(t, p, f"argument {name!r}")
    wrt = tuple(params[: len(primals)])
    kinds, ndims = _describe_args(params, primals)
    generated = build.generate(fn, build.Spec(Mode.JVP, wrt, kinds=kinds, ndims=ndims))
    args = _fill_defaults(fn, tuple(primals))
    result: tuple[Any, Any] = generated.functions["main"](*args, tuple(tangents))
    return result


@overload
def jacfwd(fn: None = None, argnums: Argnums = 0) -> Callable[[Function], Transformed]: ...
@overload
def jacfwd(fn: Function, argnums: Argnums = 0) -> Transformed: ...
@public
def jacfwd(
    fn: Function | None = None, argnums: Argnums = 0
) -> Transformed | Callable[[Function], Transformed]:
    """The Jacobian by forward mode: one vectorized jvp over a basis of input directions.

    The generated code runs once with a batch of tangents, never in a Python loop over basis
    vectors. It costs about as much as ``n`` jvps for an input of size ``n``: prefer it when
    the input is smaller than the output.

    Args:
        fn: the function, of arrays and floats, returning an array, a float or a pytree
            of them; without it, a decorator.
        argnums: which positional argument(s) to differentiate.

    Returns:
        A `Transformed` function returning the Jacobian, of shape
        ``out.shape + in.shape`` (a tuple of those for tuple argnums). As in JAX, an output
        that is a tuple, list or dict gives a Jacobian of that structure, one
        ``out_leaf.shape + in.shape`` entry per leaf, and an argument that is one gives, at
        each output leaf, that argument's structure with ``out_leaf.shape + in_leaf.shape``
        entries.

    Raises:
        UnsupportedOperationError: ``fn`` has keyword-only or ``*args`` parameters (wrap
            it in a lambda with positional parameters).
        SrcadError: the errors of `grad`, at the same moments.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
        array([[2., 0.],
               [0., 4.]])
    """
    if fn is None:
        return lambda f: jacfwd(f, argnums=argnums)
    return Transformed(fn, "jacfwd", argnums, False, "jacfwd")


@overload
def jacrev(fn: None = None, argnums: Argnums = 0) -> Callable[[Function], Transformed]: ...
@overload
def jacrev(fn: Function, argnums: Argnums = 0) -> Transformed: ...
@public
def jacrev(
    fn: Function | None = None, argnums: Argnums = 0
) -> Transformed | Callable[[Function], Transformed]:
    """The Jacobian by reverse mode: one vectorized vjp over a basis of output directions.

    It costs about as much as ``m`` vjps for an output of size ``m``: prefer it when the
    output is smaller than the input.

    Args:
        fn: the function; without it, a decorator.
        argnums: which positional argument(s) to differentiate.

    Returns:
        A `Transformed` function returning the Jacobian, laid out as `jacfwd`'s (pytree
        outputs and arguments included).

    Raises:
        UnsupportedOperationError: ``fn`` has keyword-only or ``*args`` parameters (wrap
            it in a lambda with positional parameters).
        SrcadError: the errors of `grad`, at the same moments.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jacrev(lambda x: np.sin(x) * 2.0)(np.array([0.0, np.pi]))
        array([[ 2.,  0.],
               [ 0., -2.]])
    """
    if fn is None:
        return lambda f: jacrev(f, argnums=argnums)
    return Transformed(fn, "jacrev", argnums, False, "jacrev")


def _shapes(value: Any) -> Any:
    """The structure and shapes of an argument (a pytree's leaves may differ in shape)."""
    t = type(value)
    if t is list or t is tuple:
        return (t.__name__, tuple(_shapes(v) for v in value))
    if t is dict:
        return ("dict", tuple((k, _shapes(v)) for k, v in value.items()))
    return np.shape(value)


class _Jacobian(Transformed):
    """Picks forward mode when the input is smaller than the output, reverse otherwise."""

    def __init__(self, fn: Function, argnums: Argnums, mode: str | None) -> None:
        super().__init__(fn, "jacrev", argnums, False, "jacobian")
        self._choice = mode
        self._modes: dict[tuple[Any, ...], Transformed] = {}
        self._fwd = Transformed(fn, "jacfwd", argnums, False, "jacfwd")
        self._rev = Transformed(fn, "jacrev", argnums, False, "jacrev")

    def _pick(self, args: tuple[Any, ...]) -> Transformed:
        if self._choice in ("fwd", "forward"):
            return self._fwd
        if self._choice in ("rev", "reverse"):
            return self._rev
        key = tuple(_shapes(a) for a in args)
        choice = self._modes.get(key)
        if choice is None:
            if any(not -len(args) <= n < len(args) for n in self._nums):
                return self._rev  # whose checks say which argument is missing
            for n, name in zip(self._nums, self._prepare()):
                check_differentiable(args[n], f"argument {name!r}")
            out = self._fn(*args)
            in_size = sum(runtime.tree_size(args[n]) for n in self._nums)
            choice = self._fwd if in_size < runtime.tree_size(out) else self._rev
            self._modes[key] = choice
        return choice

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            choice = self._pick(args)
        except SrcadError as exc:
            raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)
        return choice(*args, **kwargs)


@overload
def jacobian(
    fn: None = None, argnums: Argnums = 0, mode: str | None = None
) -> Callable[[Function], Transformed]: ...
@overload
def jacobian(fn: Function, argnums: Argnums = 0, mode: str | None = None) -> Transformed: ...
@public
def jacobian(
    fn: Function | None = None, argnums: Argnums = 0, mode: str | None = None
) -> Transformed | Callable[[Function], Transformed]:
    """The Jacobian, by forward mode if the input is smaller than the output, else reverse.

    The choice is made on the first call for each combination of argument shapes (it
    evaluates ``fn`` once to learn the output's size).

    Args:
        fn: the function; without it, a decorator.
        argnums: which positional argument(s) to differentiate.
        mode: ``"fwd"`` or ``"rev"`` forces one mode (as `jacfwd` or `jacrev`); ``None``
            picks by the sizes.

    Returns:
        A `Transformed` function returning the Jacobian, laid out as `jacfwd`'s.

    Raises:
        SrcadError: ``mode`` is not one of ``None``, ``"fwd"``, ``"rev"``; and the errors
            of `jacfwd` and `jacrev`.

    Example:
        >>> import numpy as np, srcad
        >>> J = srcad.jacobian(lambda x: np.outer(x, x).ravel())(np.array([1.0, 2.0]))
        >>> J.shape
        (4, 2)
    """
    if mode not in (None, "fwd", "rev", "forward", "reverse"):
        raise SrcadError(
            f"jacobian: mode must be 'fwd' or 'rev', got {mode!r}",
            hint="leave mode=None to pick by the shapes, or force mode='fwd' (as jacfwd) or "
            "mode='rev' (as jacrev)",
        )
    if fn is None:
        return lambda f: jacobian(f, argnums=argnums, mode=mode)
    return _Jacobian(fn, argnums, mode)


@overload
def hessian(fn: None = None, argnums: Argnums = 0) -> Callable[[Function], Transformed]: ...
@overload
def hessian(fn: Function, argnums: Argnums = 0) -> Transformed: ...
@public
def hessian(
    fn: Function | None = None, argnums: Argnums = 0
) -> Transformed | Callable[[Function], Transformed]:
    """The Hessian of a scalar function: forward mode over reverse mode, ``jacfwd(grad(f))``.

    Args:
        fn: a function returning a real scalar; without it, a decorator.
        argnums: which positional argument(s) to differentiate. For an argument that is a
            tuple, list or dict (or for tuple argnums) the result is nested as JAX nests
            it: ``hessian(f)((a, b))`` is ``((H_aa, H_ab), (H_ba, H_bb))``.

    Returns:
        A `Transformed` function returning the Hessian, of shape ``x.shape + x.shape``.

    Raises:
        NonScalarOutputError: (when called) ``fn`` does not return a real scalar.
        SrcadError: the errors of `grad` and `jacfwd`.

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


@public
def linearize(fn: Function, *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """``fn(*primals)`` and a function computing jvps of ``fn`` at ``primals``.

    Args:
        fn: the function to differentiate.
        primals: the point to linearize at, one value per positional argument.

    Returns:
        ``(out, f_jvp)``, where ``f_jvp(*tangents)`` is the directional derivative of
        ``fn`` at ``primals`` along ``tangents`` (one tangent per primal).

    Raises:
        SourceUnavailableError: ``fn`` has no Python source srcad can read.
        SrcadError: (from ``f_jvp``) the errors of `jvp`.

    Example:
        >>> import numpy as np, srcad
        >>> out, f_jvp = srcad.linearize(np.sin, 0.0)
        >>> float(f_jvp(2.0))
        2.0
    """
    fn = _require_function(fn, "linearize")
    out = fn(*primals)

    def f_jvp(*tangents: Any) -> Any:
        return jvp(fn, primals, tangents)[1]

    return out, f_jvp


def _wrt_spec(fn: Any, args: Sequence[Any], wrt: Sequence[int], mode: Mode) -> build.Spec:
    params = _positional_params(fn)
    kinds, ndims = _describe_args(params, args)
    names = _wrt_names(fn, wrt, "check_grads", params)  # a clear error for *args
    return build.Spec(mode, names, kinds=kinds, ndims=ndims)


def jvp_wrt(fn: Any, args: Sequence[Any], wrt: Sequence[int], tangents: Sequence[Any]) -> Any:
    """jvp with respect to the arguments at positions `wrt` only (the others are fixed)."""
    generated = build.generate(fn, _wrt_spec(fn, args, wrt, Mode.JVP))
    return generated.functions["main"](*_fill_defaults(fn, tuple(args)), tuple(tangents))


def vjp_wrt(fn: Any, args: Sequence[Any], wrt: Sequence[int]) -> tuple[Any, Callable[[Any], Any]]:
    """vjp with respect to the arguments at positions `wrt` only: ``(out, pullback)``."""
    generated = build.generate(fn, _wrt_spec(fn, args, wrt, Mode.VJP))
    out, residuals = generated.functions["fwd"](*args)
    backward = generated.functions["bwd"]

    def pullback(cotangent: Any) -> Any:
        check_cotangent(cotangent, out)
        grads = backward(fresh_tapes(residuals), cotangent)
        if any(isinstance(args[i], (list, tuple)) for i in wrt):
            grads = tuple(_as_structure(g, args[i]) for g, i in zip(grads, wrt))
        return grads

    return out, pullback


def _unwrapped(fn: Any) -> Any:
    target = getattr(fn, "__srcad_function__", None)
    return target() if target is not None else fn


def composed_vjp(fn: Any, cotangent: Any, wrt: Sequence[int] | None = None) -> Any:
    """A transformable function x -> vjp(fn, x)[1](cotangent), as generated source."""
    from . import drivers

    params = _positional_params(fn)
    wrt = list(range(len(params))) if wrt is None else list(wrt)
    spec = build.Spec(Mode.VJP, tuple(params[i] for i in wrt))
    generated = build.generate(fn, spec)
    target = _unwrapped(fn)
    function, _ = drivers.pullback(
        target,
        generated.functions["fwd"],
        generated.functions["bwd"],
        cotangent,
        getattr(target, "__name__", "f"),
    )
    return function


def composed_jvp(fn: Any, tangents: Sequence[Any], wrt: Sequence[int] | None = None) -> Any:
    """A transformable function x -> jvp(fn, x, tangents)[1], as generated source."""
    from . import drivers

    params = _positional_params(fn)
    wrt = list(range(len(tangents))) if wrt is None else list(wrt)
    generated = build.generate(fn, build.Spec(Mode.JVP, tuple(params[i] for i in wrt)))
    target = _unwrapped(fn)
    function, _ = drivers.pushforward(
        target, generated.functions["main"], tangents, getattr(target, "__name__", "f")
    )
    return function


def fresh_tapes(residuals: tuple[Any, ...]) -> tuple[Any, ...]:
    """Copies of the containers among `residuals`: a backward sweep pops its tapes, and a vjp
    function may be called more than once (see `runtime.fresh_residuals`; a backward sweep
    that puts array items back starts from its own copy of the arrays)."""
    return runtime.fresh_residuals(residuals, arrays=False)


@public
def source(fn: Any) -> str:
    """The generated source of a transformed function (``grad(f)``, ``jacfwd(f)``...).

    It is the code for the kinds and ranks of arguments of the last call (generic code,
    for arrays of any rank, before the first call). ``fn.source`` is the same text.

    Args:
        fn: a function returned by a srcad transform, or the ``vjp_fn`` of `vjp`.

    Returns:
        The Python source, one or more ``def`` statements.

    Raises:
        SrcadError: ``fn`` was not made by a srcad transform.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(x * x)
        >>> print(srcad.source(srcad.grad(f)).splitlines()[0])
        def grad_f(x):
    """
    text = getattr(fn, "source", None)
    if isinstance(text, str):
        return text
    raise SrcadError(
        f"source() expects a function made by a srcad transform, got {fn!r}",
        hint="transform it first: srcad.source(srcad.grad(f)); srcad.show(f) prints the "
        "derivative code of a plain function",
    )
