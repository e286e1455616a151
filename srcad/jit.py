"""`srcad.jit`: the generated code, compiled with numba (the optional extra ``srcad[jit]``).

The compiled function is the generated one: numba compiles the same code object that
`srcad.source` prints, with two names it reads resolved differently for numba (``rt``, srcad's
runtime, by numba versions of the helpers scalar code needs; ``reversed`` by a function
numba can compile). Code outside numba's subset (most array helpers of srcad's runtime,
dicts of arrays, calls numba does not know) is refused when it is first called, with numba's
own words about the construct and the generated line: never a silent fallback to Python.
"""

from __future__ import annotations

import functools
import types
from typing import Any

import numpy as np

from .arguments import (
    _describe_args,
    _describe_records,
    _positional_params,
    _signature,
    _user_function,
    check_differentiable,
    engine_args,
)
from .errors import SrcadError, UnsupportedOperationError


class Compiled:
    """A srcad transform (or a function) compiled with numba: call it like the original.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     for _ in range(3):
        ...         x = np.sin(x) * 1.01
        ...     return x
        >>> df = srcad.jit(srcad.grad(f))
        >>> round(df(0.3), 6)
        0.899576
        >>> print(df.source.splitlines()[0])  # what numba compiled
        def grad_f(x):
    """

    def __init__(self, fn: Any) -> None:
        if not callable(fn):
            raise SrcadError(
                f"jit expects a function, got {type(fn).__name__}",
                hint="pass the function itself: srcad.jit(srcad.grad(f))",
            )
        _numba()  # refuse now, where jit is written, when numba is missing
        self._fn = fn
        self.__name__ = f"jit_{getattr(fn, '__name__', 'f')}"
        self.__doc__ = f"{getattr(fn, '__name__', 'f')}, compiled with numba by srcad."
        functools.update_wrapper(self, fn, assigned=("__module__", "__qualname__"), updated=())
        self._entries: dict = {}  # argument signature -> (Generated or None, dispatcher)

    def __call__(self, *args: Any) -> Any:
        transformed = getattr(self._fn, "__srcad_transformed__", False)
        key = _signature(args)
        entry = self._entries.get(key)
        if entry is None or not _still_valid(entry):
            entry = self._entries[key] = self._compile(args, transformed)
        if transformed:
            names = self._fn._prepare()
            for n, name in zip(self._fn._nums, names):
                check_differentiable(args[n], f"argument {name!r}")
        try:
            return entry[1](*args)
        except Exception as exc:  # numba's compile errors surface at the first call
            if isinstance(exc, _numba().core.errors.NumbaError):
                raise _refusal(exc, self._fn) from None
            if isinstance(exc, ValueError) and str(exc).startswith("srcad.jit:"):
                # a runtime helper met a case it has no compiled version of (a broadcast)
                raise UnsupportedOperationError(
                    str(exc), hint="srcad.source shows the generated code"
                ) from None
            raise

    def _compile(self, args: tuple, transformed: bool) -> tuple:
        """(the Generated whose freshness guards the entry, numba's dispatcher, the values
        numba froze into it) for the kinds of `args`: the code the transform generates for
        them, compiled."""
        if not transformed:
            return (None, _njit(self._fn), _frozen(self._fn))
        self._fn(*args)  # generates the code and checks the arguments, as the transform does
        params = _positional_params(self._fn)
        nums = self._fn._nums
        key = (
            *_describe_args(params, engine_args(args, nums)),
            _describe_records(params, args, nums),
        )
        generated = self._fn._get(key)
        target = generated.functions["main"]
        return (generated, _njit(target), _frozen(target))

    @property
    def source(self) -> str:
        """The source numba compiles (the generated code of the transform)."""
        text = getattr(self._fn, "source", None)
        if isinstance(text, str):
            return text
        import inspect

        return inspect.getsource(self._fn)

    def __repr__(self) -> str:
        return f"<srcad jit of {self._fn!r}>"


def _frozen(function: types.FunctionType) -> tuple:
    """The global and closure values `function` reads, with a copy of each array among them
    (also arrays read as attributes of a module it reads, `cfg.W`): numba compiles them in
    as constants, so the compiled code is stale as soon as a name is bound to another object
    or an array's contents change in place."""
    names = function.__code__.co_names
    globals_ = function.__globals__
    found = [(globals_, n, globals_[n]) for n in names if n in globals_]
    for _, _, value in list(found):
        if isinstance(value, types.ModuleType):
            found += [(vars(value), n, vars(value)[n]) for n in names if _array_in(value, n)]
    cells = [(c, c.cell_contents) for c in function.__closure__ or () if _bound(c)]
    return (
        tuple((ns, n, v, _snapshot(v)) for ns, n, v in found),
        tuple((c, v, _snapshot(v)) for c, v in cells),
    )


def _array_in(module: types.ModuleType, name: str) -> bool:
    return isinstance(vars(module).get(name), np.ndarray)


def _snapshot(value: Any) -> Any:
    """A copy of the arrays in `value` (an array or a tuple holding arrays), else None."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple) and any(isinstance(v, (np.ndarray, tuple)) for v in value):
        return tuple(_snapshot(v) for v in value)
    return None


def _unchanged(value: Any, snapshot: Any) -> bool:
    """Whether the arrays in `value` still hold what `snapshot` copied: one comparison per
    element, about the cost of reading them once, which the compiled code does anyway."""
    if snapshot is None:
        return True
    if isinstance(snapshot, tuple):
        return all(_unchanged(v, s) for v, s in zip(value, snapshot))
    return bool(
        value.shape == snapshot.shape
        and value.dtype == snapshot.dtype
        and np.array_equal(value, snapshot, equal_nan=value.dtype.kind in "fc")
    )


def _bound(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def _still_valid(entry: tuple) -> bool:
    generated, _, (found, cells) = entry
    if generated is not None and not generated.is_fresh():
        return False
    for namespace, name, value, snapshot in found:
        if namespace.get(name) is not value or not _unchanged(value, snapshot):
            return False
    return all(_bound(c) and c.cell_contents is v and _unchanged(v, s) for c, v, s in cells)


def _numba():
    try:
        import numba
    except ImportError:
        raise SrcadError(
            "srcad.jit needs numba, which is not installed",
            hint="pip install 'srcad[jit]' (or pip install numba)",
        ) from None
    return numba


def _njit(function: types.FunctionType):
    """numba's njit of `function` with srcad's runtime and `reversed` numba can compile."""
    numba = _numba()
    runtime = _runtime_for_numba()
    _refuse_helpers(function, runtime)
    names = function.__code__.co_freevars
    cells = tuple(
        types.CellType(runtime if name == "rt" else cell.cell_contents)
        for name, cell in zip(names, function.__closure__ or ())
    )
    namespace = dict(function.__globals__)
    namespace["reversed"] = runtime.reversed_range
    if "rt" in namespace and "rt" not in names:
        namespace["rt"] = runtime
    copy = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, cells
    )
    return numba.njit(copy)


def _reversed_range(r):
    """reversed(range) for numba, which has no reversed of a range."""
    n = len(r)
    return range(r.start + (n - 1) * r.step, r.start - r.step, -r.step)


@functools.lru_cache(maxsize=1)
def _runtime_for_numba() -> types.ModuleType:
    """numba versions of the runtime helpers that scalar and array loops need."""
    numba = _numba()
    from numba import types as nt
    from numba.core.errors import TypingError
    from numba.extending import overload

    def scalar_seed(y):
        raise NotImplementedError  # only compiled, through the overload below

    @overload(scalar_seed)
    def _seed(y):
        if isinstance(y, (nt.Float, nt.Integer)) and not isinstance(y, nt.Boolean):
            return lambda y: 1.0
        raise TypingError(f"grad needs a function that returns a real scalar, not {y}")

    def zeros_like(x):
        raise NotImplementedError

    @overload(zeros_like)
    def _zeros(x):
        if isinstance(x, (nt.Float, nt.Integer)):
            return lambda x: 0.0
        if isinstance(x, nt.Array):
            return lambda x: np.zeros(x.shape, x.dtype)
        raise TypingError(f"srcad.jit: no zero derivative for {x}")

    def unbroadcast(g, x):
        raise NotImplementedError

    @overload(unbroadcast)
    def _unbroadcast(g, x):
        g = g.type if isinstance(g, nt.Optional) else g  # a taped name starts as None
        x = x.type if isinstance(x, nt.Optional) else x
        if isinstance(g, (nt.Float, nt.Integer)) and isinstance(x, (nt.Float, nt.Integer)):
            return lambda g, x: g
        if isinstance(g, nt.Array) and isinstance(x, nt.Array) and g.ndim == x.ndim:
            if isinstance(g.dtype, nt.Complex) and not isinstance(x.dtype, nt.Complex):
                raise TypingError("srcad.jit: a complex adjoint of a real array")

            def same_shape(g, x):
                if g.shape != x.shape:
                    raise ValueError(
                        "srcad.jit: an operand was broadcast, and summing its adjoint "
                        "back to its shape is not compiled; run without srcad.jit"
                    )
                return g

            return same_shape
        raise TypingError(f"srcad.jit: unbroadcast of {g} to {x} is not compiled")

    module = types.ModuleType("srcad_numba_runtime")
    module.scalar_seed = numba.njit(lambda y: scalar_seed(y))
    module.zeros_like = numba.njit(lambda x: zeros_like(x))
    module.unbroadcast = numba.njit(lambda g, x: unbroadcast(g, x))
    module.shape_only, module.unbroadcast_kept = _kept_shape_helpers()
    module.reversed_range = numba.njit(_reversed_range)
    return module


def _kept_shape_helpers() -> tuple:
    """numba versions of the helpers of a tape that keeps shapes instead of arrays
    (srcad.optimize.shape_saves): shape_only and unbroadcast_kept."""
    numba = _numba()
    from numba import types as nt
    from numba.core.errors import TypingError
    from numba.extending import overload

    def shape_only(x):
        raise NotImplementedError

    @overload(shape_only)
    def _shape_only(x):
        # a tape of shapes (srcad.optimize.shape_saves); a taped name starts as None
        inner = x.type if isinstance(x, nt.Optional) else x
        if isinstance(inner, (nt.Float, nt.Integer)):
            return lambda x: ()
        if isinstance(inner, nt.Array) and not isinstance(inner.dtype, nt.Complex):
            zeros = (0,) * inner.ndim
            if isinstance(x, nt.Optional):
                return lambda x: zeros if x is None else x.shape
            return lambda x: x.shape
        raise TypingError(f"srcad.jit: no shape kept for {x}")

    def unbroadcast_kept(g, x):
        raise NotImplementedError

    @overload(unbroadcast_kept)
    def _unbroadcast_kept(g, x):
        if isinstance(g, (nt.Float, nt.Integer)) and isinstance(x, nt.BaseTuple) and not len(x):
            return lambda g, x: g
        if isinstance(g, nt.Array) and isinstance(x, nt.BaseTuple) and g.ndim == len(x):
            if isinstance(g.dtype, nt.Complex):
                raise TypingError("srcad.jit: a complex adjoint of a real array")

            def same_shape(g, x):
                if g.shape != x:
                    raise ValueError(
                        "srcad.jit: an operand was broadcast, and summing its adjoint "
                        "back to its shape is not compiled; run without srcad.jit"
                    )
                return g

            return same_shape
        raise TypingError(f"srcad.jit: unbroadcast of {g} to the shape {x} is not compiled")

    return (
        numba.njit(lambda x: shape_only(x)),
        numba.njit(lambda g, x: unbroadcast_kept(g, x)),
    )


def _refuse_helpers(function: types.FunctionType, runtime: types.ModuleType) -> None:
    """Refuse, naming the line, generated code that calls a runtime helper numba has no
    version of (rt.unbroadcast, rt.matmul_vjp_x...)."""
    import ast
    import inspect
    import textwrap

    if "rt" not in function.__code__.co_freevars and "rt" not in function.__globals__:
        return
    try:
        lines, first = inspect.getsourcelines(function)
    except (OSError, TypeError):
        return
    tree = ast.parse(textwrap.dedent("".join(lines)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "rt"
            and not hasattr(runtime, node.attr)
        ):
            line = lines[node.lineno - 1].strip()
            raise UnsupportedOperationError(
                f"srcad.jit: the code generated for {function.__name__} calls rt.{node.attr}, "
                f"which numba cannot compile (line {node.lineno + first - 1}: {line})",
                hint="numba compiles scalar loops, arrays and the tape stacks; use the "
                "transform without srcad.jit for this function (srcad.source shows its code)",
            )


def _refusal(exc: Exception, fn: Any) -> UnsupportedOperationError:
    """numba's typing error as srcad's refusal: the reason (srcad's own words where a runtime
    helper refused the types, else numba's first) and the generated line it was typing
    (numba reports the innermost frame last)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    ours = [line for line in lines if "srcad.jit:" in line]
    if ours:
        why = ours[0][ours[0].index("srcad.jit:") + len("srcad.jit:") :].strip()
    else:
        why = next((x for x in lines if not x.startswith(("Failed in", "During"))), lines[0])
    where = ""
    files = [i for i, line in enumerate(lines) if line.startswith("File ")]
    if files:
        block = lines[files[-1] :]
        marker = next((i for i, line in enumerate(block) if set(line) == {"^"}), None)
        code = block[marker - 1] if marker else ""
        where = f" ({block[0].rstrip(':')}: {code})" if code else f" ({block[0]})"
    user = _user_function(fn)
    return UnsupportedOperationError(
        f"srcad.jit: numba cannot compile the code generated for "
        f"{getattr(user, '__name__', 'f')}: {why}{where}",
        hint="numba compiles scalar loops, arrays and the tape stacks; use the transform "
        "without srcad.jit for this function (srcad.source shows the generated code)",
    )


def jit(fn: Any) -> Compiled:
    """Compile a srcad-generated derivative (or a function) with numba.

    The compiled code is the generated code itself: what ``srcad.source(fn)`` prints, for
    the kinds and ranks of the arguments of each call. It must be inside numba's subset
    (scalar loops, arrays, the lists srcad uses as tapes); anything else is refused at the
    first call, never run slowly in its place.

    Args:
        fn: a function returned by a srcad transform (``srcad.grad(f)``...), or a plain
            Python function numba can compile.

    Returns:
        A callable with ``fn``'s arguments that runs the compiled code.

    Raises:
        SrcadError: numba is not installed (``pip install 'srcad[jit]'``), or ``fn`` is not
            callable.
        UnsupportedOperationError: (at the first call) numba cannot compile the generated
            code; the message quotes numba on the construct and the generated line.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     for _ in range(3):
        ...         x = np.sin(x) * 1.01
        ...     return x
        >>> df = srcad.jit(srcad.grad(f))
        >>> round(df(0.3), 6)
        0.899576
    """
    return Compiled(fn)
