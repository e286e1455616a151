"""What the public transforms check and learn about the arguments they are given.

A transform finds the differentiated parameters from ``argnums`` (`_argnums`,
`_wrt_names`), checks that each differentiated argument is a float, a complex number, an
array of them or a pytree of those (`check_differentiable`), and describes the arguments of a
call for the code generated for them: each argument's kind and rank (`_describe_args`, like
JAX specializing on shapes). `vjp` and `jvp` check the cotangents and tangents they are given
against the primal outputs and inputs, naming both shapes when they differ.
"""

from __future__ import annotations

import inspect
import numbers
import types
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np

from . import argtrees, pytree
from .analyze.resolve import forwarded_to, user_object
from .arrays import is_foreign
from .dtypes import result_type
from .errors import (
    ArgnumsError,
    InputTypeError,
    Location,
    ShapeMismatchError,
    SrcadError,
    UnsupportedOperationError,
)
from .helpers.jacobians import _rebuild, _select
from .ir.resolution import EXTRA_ARGUMENTS, KnownValue
from .normalize.variadic import variadic_parameters
from .parse import _plain_function, def_location, require_source
from .wrappers import transformable

Function: TypeAlias = Callable[..., Any]
# An int or a sequence of ints (a string annotation, for Python 3.10's typing).
Argnums: TypeAlias = "int | Sequence[int]"


def _kind(value: object) -> str | None:
    if isinstance(value, (np.ndarray, numbers.Number, np.generic)) or is_foreign(value):
        return "array"
    if type(value) is list:
        return "list"
    if type(value) is tuple:
        return "tuple"
    if type(value) is dict:
        return "dict"
    return None


FLOAT64 = np.dtype(np.float64)  # the native float64 dtype: `is` tests it at call time


def _signature(args: Sequence[Any]) -> tuple[Any, ...]:
    """A cheap key for what generated code depends on: each argument's rank, or its kind.
    An int >= 1 is the rank of a float array (a float64 numpy array, or a foreign float
    array), which needs no further check to be differentiated."""
    out: list[Any] = []
    for a in args:
        t = type(a)
        if t is np.ndarray:
            # float64 arrays by their rank; others with their dtype (complex code differs,
            # float32 gradients are cast back to float32). The identity test is the cheap
            # path; a float64 dtype that is another object (byte-swapped) is keyed by char.
            dtype = a.dtype
            out.append(a.ndim if dtype is FLOAT64 or dtype.char == "d" else (a.ndim, dtype.char))
        elif t is float or t is int:
            out.append(0)
        elif t is list or t is tuple or t is dict:
            out.append(t.__name__ if argtrees.simple(a) else argtrees.signature_of(a))
        elif isinstance(a, (np.generic, numbers.Number)):
            # numpy's stubs leave numbers.Number out of what iscomplexobj takes
            char = getattr(getattr(a, "dtype", None), "char", "d")
            out.append((0, "c") if np.iscomplexobj(a) else (0 if char == "d" else (0, char)))  # type: ignore[arg-type]
        elif is_foreign(a):
            # A Dask or CuPy array: the code generated for a numpy array of its rank. A rank
            # alone stands for a float array (transformed.py checks no further), others
            # carry their kind.
            out.append(a.ndim if a.dtype.kind == "f" else (a.ndim, a.dtype.kind))
        elif isinstance(a, (np.random.Generator, np.random.RandomState)):
            out.append("generator")  # rng.normal(...) differentiates as a draw
        elif not argtrees.simple(a):
            out.append(argtrees.signature_of(a))  # its layout, which the code depends on
        elif _passed_function(a):
            out.append(KnownValue(a))
        else:
            # as _describe_args says
            out.append("object" if user_object(a) and not isinstance(a, np.ndarray) else None)
    return tuple(out)


def _passed_function(value: object) -> bool:
    """A function given as an argument (act=np.tanh, a lambda, a user function): generated
    code is specialized on it."""
    return callable(value) and not isinstance(value, type)


def _describe_args(
    params: Sequence[str], args: Sequence[Any], extra: Sequence[str] = ()
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """What generated code is specialized on: each argument's kind, and arrays' ranks (with
    "complex" for complex ones, so that real code can use real-only shortcuts); `extra`
    names the arguments past `params` that ``*args`` gathers (`extra_params`), described too
    when they are differentiated."""
    kinds: list[tuple[Any, ...]] = []
    ndims: list[tuple[Any, ...]] = []
    for p, a in zip([*params, *extra], args):
        t = type(a)
        if t is np.ndarray or is_foreign(a):
            if t is not np.ndarray and any(n != n for n in a.shape):  # NaN: Dask's unknown
                raise InputTypeError(
                    f"argument {p!r} is an array of unknown shape {a.shape}; srcad's "
                    "derivatives need the shapes of the arrays (a mean counts elements)",
                    hint=f"compute the chunk sizes first: {p}.compute_chunk_sizes() (Dask)",
                )
            kinds.append((p, "array"))
            ndims.append((p, a.ndim) if a.dtype.kind != "c" else (p, a.ndim, "complex"))
        elif t is float or t is int or t is complex or isinstance(a, (np.generic, numbers.Number)):
            kinds.append((p, "array"))
            ndims.append((p, 0) if not np.iscomplexobj(a) else (p, 0, "complex"))
        elif t is list or t is tuple or t is dict:
            kinds.append((p, t.__name__))
        elif isinstance(a, tuple) and hasattr(t, "_fields"):
            kinds.append((p, "tuple"))  # a namedtuple: indexed like a tuple
        elif isinstance(a, (np.random.Generator, np.random.RandomState)):
            kinds.append((p, "generator"))  # p.normal(...) is a draw with a rule
        elif _passed_function(a):
            kinds.append((p, KnownValue(a)))
        elif user_object(a) and not pytree.is_node(a) and not isinstance(a, np.ndarray):
            # its methods are its own (lin.dot(x) is not ndarray.dot): srcad.analyze.effects
            kinds.append((p, "object"))
    if len(args) > len(params):  # gathered by *args: code is generated for their count
        kinds.append((EXTRA_ARGUMENTS, len(args) - len(params)))
    return tuple(kinds), tuple(ndims)


def _describe_records(
    params: Sequence[str], args: Sequence[Any], nums: Sequence[int], extra: Sequence[str] = ()
) -> tuple[Any, ...]:
    """The layouts of the differentiated pytree arguments (`srcad.argtrees`): which child
    ``p.w`` reads, for the code generated for them (`extra` as `_describe_args`)."""
    params = [*params, *extra]
    out = []
    for n in nums:
        if n < len(args) and not argtrees.simple(args[n]):
            found = argtrees.layout(args[n])
            if found is not None:
                out.append((params[n], found))
    return tuple(out)


def engine_args(args: Sequence[Any], nums: Sequence[int]) -> tuple[Any, ...]:
    """`args` with the differentiated ones in the form generated code takes them."""
    out = list(args)
    for n in nums:
        if n < len(out) and not argtrees.simple(out[n]):
            out[n] = argtrees.engine_form(out[n])
    return tuple(out)


def _signature_target(fn: Any) -> Any:
    """The function whose signature `fn` has. A transform's generated code takes the
    arguments of the function it transforms, so a chain of transforms is read off the user's
    function, without generating code for it (`__srcad_function__` would)."""
    fn = _user_function(fn)
    inner = getattr(fn, "__srcad_function__", None)
    target = inner() if inner is not None else fn
    if type(target) is types.FunctionType and hasattr(target, "__wrapped__"):
        target = forwarded_to(target) or target
    return target


def _positional_params(fn: Any) -> list[str]:
    target = _signature_target(fn)
    if type(target) is types.FunctionType and not hasattr(target, "__wrapped__"):
        # Read off the code object: inspect.signature costs more than a cached lookup may.
        code = target.__code__
        return list(code.co_varnames[: code.co_argcount])
    try:
        sig = inspect.signature(target, follow_wrapped=False)
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
    while getattr(fn, "__srcad_transformed__", False):
        fn = fn._fn
    if isinstance(fn, types.FunctionType):
        fn = forwarded_to(fn) or fn  # a decorator's wrapper that only forwards its arguments
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


def extra_params(fn: Any, params: Sequence[str], count: int) -> list[str]:
    """The names of `count` arguments past `params` gathered by `fn`'s ``*args``, as the code
    generated for a call with them names its parameters (srcad.normalize.variadic); empty
    when `fn` has no ``*args``."""
    user = _user_function(fn)
    if count <= 0 or not _has_varargs(fn) or len(_positional_params(fn)) != len(params):
        return []
    return variadic_parameters(user, count, None)[len(params) :]


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
        if n >= len(params) and _has_varargs(fn):
            # gathered by *args: the parameter the code generated for the call gives it
            names.append(extra_params(fn, params, n - len(params) + 1)[-1])
            continue
        if not 0 <= index < len(params):
            user = _user_function(fn)
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
    for p in inspect.signature(user, follow_wrapped=False).parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL):
            # (*args: the drivers pass no extra arguments, and code is generated for none)
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
    if getattr(fn, "__srcad_transformed__", False):
        return fn  # its own transform checked the function when it was made
    if isinstance(fn, types.FunctionType):
        fn = forwarded_to(fn) or fn  # a decorator's wrapper that only forwards its arguments
    # A builtin or other object without source, or a function whose source is gone (python
    # -c, a script on stdin): say so now, where the transform is written, not at its call.
    if not getattr(fn, "__srcad_transformed__", False):  # checked when it was made
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


def _child_path(node: Any, key: Any) -> str:
    if isinstance(node, (list, tuple, dict)) and not hasattr(type(node), "_fields"):
        return f"[{key!r}]"
    fields = argtrees.layout(node)
    name = fields.fields[key] if fields is not None and key < len(fields.fields) else None
    return f".{name}" if name else f"[{key!r}]"


def check_differentiable(
    value: Any, where: str, location: Location | Callable[[], Location] | None = None
) -> None:
    """Refuse integer, boolean and non-numeric inputs to differentiation, masked arrays and
    np.matrix (located at `location`, the function's def, when given; a callable making it
    is called only for a refusal: finding a def costs more than the check)."""
    t = type(value)
    if t is float or t is complex or (t is np.ndarray and value.dtype.kind in "fc"):
        return  # the common cases, kept cheap
    if callable(location):
        location = location()
    if isinstance(value, (np.ma.MaskedArray, np.matrix)):
        argtrees.refuse_special_arrays(value, where, location)
    if pytree.is_node(value) and value is not None:
        for k, v in pytree.items(value):
            check_differentiable(v, f"{where}{_child_path(value, k)}", location)
        return
    dtype = None
    if isinstance(value, (np.ndarray, np.generic)) or is_foreign(value):
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
            "floats, complex numbers, numpy arrays and pytrees of them (tuples, lists, "
            "dicts, namedtuples, dataclasses, registered classes)",
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
    """A gradient `g` of `like` laid out as `like`: an array for a list becomes a list, a
    tuple for a dataclass that dataclass (`srcad.argtrees.restore`); a Dask or CuPy array
    for a list becomes a list of its items."""
    if isinstance(like, (list, tuple)) and is_foreign(g) and len(g) == len(like):
        return _rebuild(like, iter(_select(g, like)))
    return argtrees.restore(g, like)


def _describe_value(v: Any) -> str:
    """A value's structure, for messages about tangents and cotangents."""
    if v is None:
        return "None"
    if isinstance(v, (list, tuple)):
        return f"{_article(type(v).__name__)} {type(v).__name__} of {len(v)}"
    if isinstance(v, dict):
        return f"a dict with keys {sorted(v, key=repr)}"
    if isinstance(v, (np.ndarray, np.generic)) or is_foreign(v):
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
    return isinstance(value, (np.ndarray, np.generic, numbers.Number)) or is_foreign(value)


def check_cotangent(cotangent: Any, out: Any, what: str = "cotangent") -> None:
    """Refuse a cotangent whose structure, shape or kind differs from the output's."""
    if type(cotangent) is np.ndarray and type(out) is np.ndarray:
        if cotangent.shape == out.shape and (cotangent.dtype.kind != "c" or out.dtype.kind == "c"):
            return  # the common case, kept cheap
    cotangent, out = argtrees.engine_form(cotangent), argtrees.engine_form(out)
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


def _fill_defaults(fn: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    target = _signature_target(fn)
    if type(target) is types.FunctionType and not hasattr(target, "__wrapped__"):
        # The common case, read off the code object (inspect.signature costs tens of µs, more
        # than the rest of a jvp call on small arrays).
        code = target.__code__
        missing = code.co_argcount - len(args)
        defaults = target.__defaults__ or ()
        if not target.__kwdefaults__ and not code.co_kwonlyargcount and missing <= len(defaults):
            return tuple(args) + (defaults[len(defaults) - missing :] if missing > 0 else ())
    sig = inspect.signature(target, follow_wrapped=False)
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
    if type(tangent) is np.ndarray and type(primal) is np.ndarray:
        if tangent.shape == primal.shape and tangent.dtype == primal.dtype:
            return  # the common case, kept cheap
    tangent, primal = argtrees.engine_form(tangent), argtrees.engine_form(primal)
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
    if _typed(primal) and _typed(tangent):
        if pd != td:
            raise ShapeMismatchError(
                f"{what} has dtype {td}, but {where} has dtype {pd}; they must match",
                hint=f"convert it, e.g. t.astype(np.{pd.name}); {_TANGENT_HINT}",
            )


def _typed(value: Any) -> bool:
    """A value with a dtype of its own (not a Python number, whose type numpy reads weakly)."""
    return isinstance(value, (np.ndarray, np.generic)) or is_foreign(value)


def _check_primal_count(fn: Any, params: list[str], primals: Sequence[Any], transform: str) -> None:
    if len(primals) > len(params) and not _has_varargs(fn):
        user = _user_function(fn)
        raise ArgnumsError(
            f"{transform}: {_fn_name(user)}({', '.join(params)}) takes {len(params)} "
            f"positional argument(s), {len(primals)} primals were given",
            def_location(user),
            hint=f"give one primal per positional parameter of {_fn_name(user)}",
        )
