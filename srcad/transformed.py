"""`Transformed`: what `grad`, `value_and_grad`, `jacfwd`, `jacrev`, `jacobian` and `hessian`
return. A callable that generates its derivative code on first use for the kinds and ranks of
the arguments it is given (and again when those change, or when the code has gone stale),
that can be printed (`source`), displayed in Jupyter, and transformed again.

Errors raised from generated code that concern the user's function as a whole (a non-scalar
output under grad, has_aux without a pair) are re-raised pointing at the user's own lines.
"""

from __future__ import annotations

import dataclasses
import types
import weakref
from typing import Any

import numpy as np

from . import argtrees, build, results, runtime
from .arguments import (
    FLOAT64,
    Argnums,
    Function,
    _argnums,
    _check_positional_only,
    _describe_args,
    _describe_records,
    _fn_name,
    _positional_params,
    _require_function,
    _signature,
    _user_function,
    _wrt_names,
    check_differentiable,
    engine_args,
    extra_params,
)
from .boundary import cut_srcad_frames
from .build import Mode
from .errors import (
    ArgnumsError,
    ComplexDerivativeError,
    Location,
    NonScalarOutputError,
    SrcadError,
)
from .parse import def_location
from .tracebacks import annotate


@dataclasses.dataclass
class _Shared:
    """What equal transforms share: ``grad(f)`` made afresh in every loop iteration (or
    inside ``hessian``) finds the checked argnums and the code the first one generated for
    each kind of arguments, instead of checking and looking up again. A call still checks
    that the code it finds is fresh. Equal: the same function (or equal inner transforms)
    and the same options."""

    nums: tuple[int, ...]
    tuple_out: bool
    wrt: tuple[str, ...] | None = None
    params: list[str] = dataclasses.field(default_factory=list)
    generated: dict[tuple[Any, ...], build.Generated] = dataclasses.field(default_factory=dict)
    by_signature: dict[tuple[Any, ...], Any] = dataclasses.field(default_factory=dict)
    keys: dict[Any, Any] = dataclasses.field(default_factory=dict)
    # code that transforms of this one keep for their calls (srcad.hot_calls)
    calls: dict[Any, Any] = dataclasses.field(default_factory=dict)


# function -> (the options of each transform applied to it, outermost last) -> _Shared
_shared_states: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], _Shared]] = (
    weakref.WeakKeyDictionary()
)


def _argnums_key(argnums: Any) -> Any:
    if isinstance(argnums, (list, tuple)):
        return tuple(argnums)
    return argnums if isinstance(argnums, int) else None


def _share_key(fn: Any, options: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]] | None:
    """(the plain function at the bottom, the transforms' options on it), or None where
    the transform shares nothing: a wrapper generated for a bound method or a partial is
    new every time, and unusual argnums are checked every time."""
    if options[1] is None:
        return None
    if isinstance(fn, Transformed):
        inner = fn._share
        return None if inner is None else (inner[0], (*inner[1], options))
    if isinstance(fn, types.FunctionType):
        return fn, (fn.__code__, options)  # a new __code__ may have other parameters
    return None


def _shared(key: tuple[Any, tuple[Any, ...]] | None) -> _Shared | None:
    if key is None:
        return None
    return _shared_states.get(key[0], {}).get(key[1])


def _keep_shared(key: tuple[Any, tuple[Any, ...]] | None, shared: _Shared) -> None:
    if key is not None:
        _shared_states.setdefault(key[0], {})[key[1]] = shared


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

    __srcad_transformed__ = True  # what `arguments._user_function` recognizes

    def __init__(
        self,
        fn: Function,
        mode: str,
        argnums: Argnums = 0,
        has_aux: bool = False,
        label: str = "",
        holomorphic: bool = False,
    ) -> None:
        fn = _require_function(fn, label or mode)
        self._fn = fn
        self._mode = Mode(mode)
        # holomorphic=True: the transform's name, its JAX conventions (grad and
        # value_and_grad of a complex function are Jacobians of a complex scalar)
        self._holomorphic = self._mode.value if holomorphic else ""
        if holomorphic:
            if has_aux:
                raise SrcadError(
                    f"{label or mode}: holomorphic=True with has_aux=True is not supported",
                    hint="return the auxiliary value from another function",
                )
            if self._mode.gradient:
                self._mode = Mode.JACREV
        self._has_aux = has_aux
        self._label = label or self._mode.value
        self._last_signature: tuple[Any, ...] | None = None
        self._last: tuple[Any, ...] | None = None
        options = (mode, _argnums_key(argnums), has_aux, label, holomorphic)
        # a subclass's generated functions may close over the object (loss_scale's runner)
        shares = type(self) is Transformed
        self._share = _share_key(fn, options) if shares else None
        shared = _shared(self._share)
        if shared is None:
            nums, tuple_out = _argnums(fn, argnums, label or mode)
            shared = _Shared(nums, tuple_out)
            _keep_shared(self._share, shared)
        self._state = shared
        self._nums, self._tuple_out = shared.nums, shared.tuple_out
        # what calls find and fill, shared with every equal transform (see _Shared)
        self._generated = shared.generated
        self._by_signature = shared.by_signature
        self._keys = shared.keys
        name = getattr(fn, "__name__", "f")
        self.__name__ = f"{self._label}_{name}"
        self.__qualname__ = self.__name__
        self.__doc__ = f"The {self._label} of {name}, generated by srcad."

    # -- generation --------------------------------------------------------------------
    def _spec(self, key: tuple[Any, ...]) -> build.Spec:
        kinds, ndims, records = key
        return build.Spec(
            self._mode,
            self._prepare(),
            self._tuple_out,
            self._has_aux,
            kinds=kinds,
            ndims=ndims,
            records=records,
            holomorphic=self._holomorphic,
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
        state = self._state
        if state.wrt is None:
            if self._mode.driver:
                _check_positional_only(self._fn, self._label)
            state.params = _positional_params(self._fn)
            state.wrt = _wrt_names(self._fn, self._nums, self._label, state.params)
        return state.wrt

    @property
    def _params(self) -> list[str]:
        self._prepare()
        return self._state.params

    def _default(self) -> build.Generated:
        """The code for the last call's kind of arguments (generic arrays before any call)."""
        wrt = self._prepare()
        key = self._keys.get(self._last_signature, self._last)
        if key is None:
            key = (tuple((p, "array") for p in wrt), (), ())
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
            check_differentiable(
                args[n], f"argument {name!r}", def_location(_user_function(self._fn))
            )
        engine = engine_args(args, self._nums)
        extra = extra_params(self._fn, self._params, len(args) - len(self._params))
        key = (
            *_describe_args(self._params, engine, extra),
            _describe_records(self._params, args, self._nums, extra),
        )
        generated = self._get(key)
        # The differentiated arguments a call of this signature must still check: not those
        # whose signature is a rank >= 1 alone (a float array, which passes as it is).
        to_check = tuple(
            n for n in self._nums if not (type(signature[n]) is int and signature[n] >= 1)
        )
        hot = (generated, self._wrapped(generated.functions["main"], args), to_check)
        self._by_signature[signature] = hot
        self._keys[signature] = key
        return hot

    def _wrapped(self, main: Function, args: tuple[Any, ...]) -> Function:
        """The generated function, wrapped for what these arguments need (`srcad.results`):
        pytree arguments, low-precision dtypes, the holomorphic check."""
        nums, holomorphic = self._nums, self._holomorphic
        value = self._mode is Mode.VALUE_AND_GRAD or holomorphic == "value_and_grad"
        shape = results.Shape(nums, self._tuple_out, value, self._has_aux)
        gradient = self._mode.gradient or holomorphic in ("grad", "value_and_grad")
        if holomorphic:
            where = def_location(_user_function(self._fn))
            main = results.holomorphic_checked(
                main, self._fn, self._params, self._prepare(), shape, self._label, where
            )
        if any(not argtrees.simple(args[n]) for n in nums) or (
            gradient and any(isinstance(args[n], (list, tuple)) for n in nums)
        ):
            inner = self._fn
            hessian = isinstance(inner, Transformed) and (
                inner._mode.gradient or inner._holomorphic == "grad"
            )
            main = results.as_arguments(main, shape, not gradient, hessian)
        if gradient and results.low_precision(args, nums):
            main = results.cast_like_arguments(main, shape)
        return main

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        signature = _signature(args)
        hot = self._by_signature.get(signature)
        if hot is None or not hot[0].is_fresh():
            try:
                hot = self._generate_for(signature, args)
            except SrcadError as exc:
                raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)
        for n in hot[2]:
            value = args[n]
            t = type(value)
            if t is float or (
                t is np.ndarray and (value.dtype is FLOAT64 or value.dtype.kind in "fc")
            ):
                continue  # the common case, its cheapest test first
            try:
                check_differentiable(value, f"argument {self._prepare()[self._nums.index(n)]!r}")
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
        except ComplexDerivativeError as exc:
            if exc.location is None:  # raised by the Jacobian's basis: about the function
                where = def_location(_user_function(self._fn))
                exc = ComplexDerivativeError(exc.message, where, exc.hint)
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
        generated = self._default()
        text = "\n".join(generated.sources.values())
        dispatched = build.dispatch.dispatched_sources(generated.functions.values())
        return text + ("\n\n" + dispatched if dispatched else "")

    @property
    def __wrapped__(self) -> Any:
        return self._default().functions["main"]

    def __srcad_function__(self) -> Any:
        return self._default().functions["main"]

    def __srcad_specialize__(
        self, kinds: tuple[Any, ...], ndims: tuple[Any, ...], records: tuple[Any, ...] = ()
    ) -> Any:
        """The generated code for arguments of these kinds (a transform of this one is)."""
        return self.__srcad_entry__(kinds, ndims, records).functions["main"]

    def __srcad_calls__(self) -> dict[Any, Any]:
        """Where a transform of this one (`srcad.jvp` of it) keeps code for its calls: shared
        with every equal transform, as the code of this one is (`_Shared`)."""
        return self._state.calls

    def __srcad_entry__(
        self, kinds: tuple[Any, ...], ndims: tuple[Any, ...], records: tuple[Any, ...] = ()
    ) -> build.Generated:
        """The cache entry of `__srcad_specialize__`'s code (a caller that keeps the code of a
        transform of this one checks that it is still fresh)."""
        self._prepare()
        return self._get((kinds, ndims, records))

    def __repr__(self) -> str:
        return f"<srcad {self._label} of {getattr(self._fn, '__qualname__', self._fn)}>"

    def _repr_html_(self) -> str:
        from .display import html

        return html(self.source)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        return self if obj is None else types.MethodType(self, obj)


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

    def __init__(
        self, fn: Function, argnums: Argnums, mode: str | None, holomorphic: bool = False
    ) -> None:
        super().__init__(fn, "jacrev", argnums, False, "jacobian", holomorphic)
        self._choice = mode
        self._modes: dict[tuple[Any, ...], Transformed] = {}
        self._fwd = Transformed(fn, "jacfwd", argnums, False, "jacfwd", holomorphic)
        self._rev = Transformed(fn, "jacrev", argnums, False, "jacrev", holomorphic)

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
