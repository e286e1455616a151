"""A catalogue of wrong uses of srcad: each must raise a clear `srcad.SrcadError`.

Every case runs one wrong use and must raise a `SrcadError` subclass (never another exception
type, never a silent result) whose message says what to do (a ``hint:`` line) and, when the
problem sits on a line of the user's function, names that file and line. The functions are
defined from source text registered in linecache under ``bad_<case>.py``; the expected line
is marked in the text with ``# <-``.

Cases srcad gets wrong today are strict xfails, with the reason in `KNOWN_WRONG`: when srcad
is fixed the test passes, strict makes that an error, and the entry must be removed.
"""

from __future__ import annotations

import dataclasses
import functools
import linecache
import re
import sys
import textwrap
from collections.abc import Callable

import numpy as np
import pytest

import srcad
from srcad import errors

V = np.array([0.3, -0.7, 1.2])


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[], object]  # performs the wrong use
    error: type = errors.SrcadError  # the subclass expected
    file: str | None = None  # the user's file, when the problem is on one of its lines
    lines: tuple[int, ...] = ()  # acceptable lines (those marked # <-)


def define(name: str, text: str) -> tuple[dict, str, tuple[int, ...]]:
    """Exec `text` as file bad_<name>.py (readable by inspect through linecache)."""
    text = textwrap.dedent(text).lstrip("\n")
    filename = f"bad_{name}.py"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    scope = {"np": np, "srcad": srcad}
    exec(compile(text, filename, "exec"), scope)
    marked = tuple(i for i, line in enumerate(text.splitlines(), 1) if line.endswith("# <-"))
    return scope, filename, marked


def source_case(name, text, call=None, error=errors.SrcadError) -> Case:
    """A case whose wrong use is in `text`; `call(scope)` runs it (default: grad of f at V)."""
    scope, filename, marked = define(name, text)
    call = call or (lambda s: srcad.grad(s["f"])(V))
    return Case(name, lambda: call(scope), error, filename if marked else None, marked)


def api_case(name, run, error=errors.SrcadError) -> Case:
    """A wrong use of the API itself: no line of user code is to blame."""
    return Case(name, run, error)


def _fn(name: str, text: str, entry: str = "f"):
    return define(name, text)[0][entry]


E = errors
CASES: list[Case] = []
add = CASES.append

# ------------------------------------------------------------------- 1. syntax the fence refuses
_FENCED = {
    "try_except_around_a_call": """
        def f(x):
            try:
                y = np.sqrt(x)  # <-
            except FloatingPointError:
                y = x
            return np.sum(y)
        """,
    "try_finally_after_return": """
        def f(x):
            try:
                return np.sum(x * 2.0)  # <-
            finally:
                pass
        """,
    "try_star": """
        def f(x):
            try:  # <-
                y = x * 2.0
            except* ValueError:
                pass
            return np.sum(y)
        """,
    "with_block": """
        def f(x):
            with open("log.txt") as log:  # <-
                y = np.log(x)
            return np.sum(y)
        """,
    "errstate_raising": """
        def f(x):
            with np.errstate(all="raise"):  # <-
                y = np.log(x)
            return np.sum(y)
        """,
    "class_definition": """
        def f(x):
            class Scale:  # <-
                k = 2.0
            return np.sum(x * Scale.k)
        """,
    "global_statement": """
        def f(x):
            global SCALE  # <-
            SCALE = 2.0
            return np.sum(x * SCALE)
        """,
    "nonlocal_writer_in_an_expression": """
        def f(x):
            total = 0.0
            def add(v):
                nonlocal total
                total = total + v
                return v
            return total + add(np.sum(x)) * 2.0  # <-
        """,
    "yield_generator": """
        def f(x):
            yield np.sum(x)  # <-
        """,
    "yield_from": """
        def f(x):
            yield from [np.sum(x)]  # <-
        """,
    "async_def": """
        async def f(x):  # <-
            return np.sum(x)
        """,
    "await_in_async": """
        async def f(x):  # <-
            await g(x)  # <-
            return np.sum(x)
        """,
    "nested_async_def": """
        def f(x):
            async def g(v):  # <-
                return v
            return np.sum(x)
        """,
    "match_or_pattern_captures": """
        def f(x):
            match (x, 1.0):  # <-
                case (y, 1.0) | (1.0, y):
                    pass
                case _:
                    y = x.ravel()
            return np.sum(y)
        """,
    "import_inside": """
        def f(x):
            import math  # <-
            return np.sum(x) * math.pi
        """,
    "from_import_inside": """
        def f(x):
            from math import pi  # <-
            return np.sum(x) * pi
        """,
    "starred_for_target": """
        def f(x):
            total = 0.0
            for a, *b in [x, x]:  # <-
                total = total + a
            return total
        """,
    "set_display": """
        def f(x):
            s = {1.0, 2.0}  # <-
            return np.sum(x) * len(s)
        """,
    "set_comprehension": """
        def f(x):
            s = {k for k in range(3)}  # <-
            return np.sum(x) * len(s)
        """,
    "del_item": """
        def f(x):
            y = [x, x * 2.0]
            del y[0]  # <-
            return np.sum(y[0])
        """,
    "decorated_nested_function": """
        import functools

        def f(x):
            @functools.lru_cache  # <-
            def g(k):  # <-
                return k * 2.0
            return np.sum(x) * g(2)
        """,
}
if sys.version_info < (3, 11):
    del _FENCED["try_star"]  # except* is Python 3.11 syntax
for _name, _text in _FENCED.items():
    add(source_case(_name, _text, error=E.UnsupportedSyntaxError))


# ------------------------------------------------------------------- 2. missing derivative rules
add(
    source_case(
        "math_fsum_no_rule",
        """
        import math

        def f(x):
            return math.fsum([x, 2.0 * x])  # <-
        """,
        call=lambda s: srcad.grad(s["f"])(0.5),
        error=E.MissingRuleError,
    )
)
add(
    source_case(
        "math_dist_no_rule",
        """
        import math

        def f(x):
            return math.dist([x, 1.0], [0.0, 0.0])  # <-
        """,
        call=lambda s: srcad.grad(s["f"])(0.5),
        error=E.MissingRuleError,
    )
)
add(
    source_case(
        "frompyfunc_ufunc_no_rule",
        """
        cube = np.frompyfunc(lambda v: v ** 3, 1, 1)

        def f(x):
            return np.sum(cube(x).astype(float))  # <-
        """,
        error=E.MissingRuleError,
    )
)
add(
    source_case(
        "interp_no_rule",
        """
        def f(x):
            return np.sum(np.interp(x, [0.0, 1.0], [0.0, 2.0]))  # <-
        """,
        error=E.MissingRuleError,
    )
)
add(
    source_case(
        "math_prod_of_active_list",
        """
        import math

        def f(x):
            return math.prod([x[0], x[1] * 2.0])  # <-
        """,
        error=E.MissingRuleError,
    )
)
add(
    source_case(
        "operator_mul_no_rule",
        """
        import operator

        def f(x):
            return np.sum(operator.mul(x, x))  # <-
        """,
        error=E.MissingRuleError,
    )
)
add(
    source_case(
        "jvp_missing_rule",
        """
        import math

        def f(x):
            return math.fsum([x, x])  # <-
        """,
        call=lambda s: srcad.jvp(s["f"], (0.5,), (1.0,)),
        error=E.MissingRuleError,
    )
)

# ------------------------------------------------------------------- 3. argnums
_TWO = """
    def f(x, y):
        return np.sum(x * y)
    """
add(api_case("argnums_out_of_range", lambda: srcad.grad(_fn("a1", _TWO), 2)(V, V), E.ArgnumsError))
add(api_case("argnums_negative", lambda: srcad.grad(_fn("a2", _TWO), -3)(V, V), E.ArgnumsError))
add(api_case("argnums_repeated", lambda: srcad.grad(_fn("a3", _TWO), (0, 0)), E.ArgnumsError))
add(api_case("argnums_float", lambda: srcad.grad(_fn("a4", _TWO), 1.0), E.ArgnumsError))
add(api_case("argnums_string", lambda: srcad.grad(_fn("a5", _TWO), "y"), E.ArgnumsError))
add(api_case("argnums_empty", lambda: srcad.grad(_fn("a6", _TWO), ()), E.ArgnumsError))
add(api_case("argnums_bool", lambda: srcad.grad(_fn("a7", _TWO), True), E.ArgnumsError))
add(api_case("argnums_none", lambda: srcad.grad(_fn("a8", _TWO), None)(V, V), E.ArgnumsError))
add(
    api_case(
        "argnums_jacfwd_out_of_range",
        lambda: srcad.jacfwd(_fn("a9", _TWO), argnums=5)(V, V),
        E.ArgnumsError,
    )
)
add(
    api_case(
        "argnums_jacrev_repeated",
        lambda: srcad.jacrev(_fn("a10", _TWO), argnums=(1, 1)),
        E.ArgnumsError,
    )
)
add(
    api_case(
        "argnums_hessian_out_of_range",
        lambda: srcad.hessian(_fn("a11", _TWO), argnums=2)(V, V),
        E.ArgnumsError,
    )
)
add(
    api_case(
        "argnums_argument_not_passed",
        lambda: srcad.grad(_fn("a12", "def f(x, y=1.0):\n    return np.sum(x) * y\n"), 1)(V),
        E.ArgnumsError,
    )
)
add(
    api_case(
        "too_many_primals_for_vjp",
        lambda: srcad.vjp(_fn("a13", _TWO), V, V, V),
        E.ArgnumsError,
    )
)

# ------------------------------------------------------------------- 4. outputs grad cannot take
add(
    source_case(
        "grad_vector_output",
        """
        def f(x):  # <-
            return x * 2.0  # <-
        """,
        error=E.NonScalarOutputError,
    )
)
add(
    source_case(
        "grad_matrix_output",
        """
        def f(x):  # <-
            return np.outer(x, x)  # <-
        """,
        error=E.NonScalarOutputError,
    )
)
add(
    source_case(
        "grad_complex_output",
        """
        def f(x):  # <-
            return np.sum(x * (1.0 + 2.0j))  # <-
        """,
        error=E.NonScalarOutputError,
    )
)
add(
    source_case(
        "grad_tuple_output",
        """
        def f(x):  # <-
            return np.sum(x), np.sum(x * x)  # <-
        """,
        error=E.NonScalarOutputError,
    )
)
add(
    source_case(
        "grad_list_output",
        """
        def f(x):  # <-
            return [np.sum(x)]  # <-
        """,
        error=E.NonScalarOutputError,
    )
)
add(
    source_case(
        "grad_none_output",
        """
        def f(x):  # <-
            y = np.sum(x)  # <-
        """,
        error=E.NonScalarOutputError,
    )
)
add(
    source_case(
        "grad_has_aux_without_pair",
        """
        def f(x):  # <-
            return np.sum(x)  # <-
        """,
        call=lambda s: srcad.grad(s["f"], has_aux=True)(V),
    )
)
add(
    source_case(
        "value_and_grad_vector_output",
        """
        def f(x):  # <-
            return np.sin(x)  # <-
        """,
        call=lambda s: srcad.value_and_grad(s["f"])(V),
        error=E.NonScalarOutputError,
    )
)

# ------------------------------------------------------------------- 5. inputs that are not floats
_SUM = """
    def f(x):
        return np.sum(x * 2.0)
    """
_INPUTS = {
    "int_array_input": np.arange(3),
    "python_int_input": 3,
    "bool_input": True,
    "bool_array_input": np.array([True, False]),
    "string_input": "1.0",
    "none_input": None,
    "list_of_ints_input": [1, 2],
    "dict_with_string_leaf": {"w": V, "name": "layer"},
    "object_input": object(),
}
for _name, _value in _INPUTS.items():
    add(
        api_case(
            _name,
            functools.partial(lambda n, v: srcad.grad(_fn(n, _SUM))(v), _name, _value),
            E.InputTypeError,
        )
    )
add(
    api_case(
        "int_primal_to_jvp", lambda: srcad.jvp(_fn("i1", _SUM), (3,), (1.0,)), E.InputTypeError
    )
)
add(
    api_case(
        "int_primal_to_vjp", lambda: srcad.vjp(_fn("i2", _SUM), np.arange(3)), E.InputTypeError
    )
)
add(
    api_case(
        "int_input_to_jacfwd",
        lambda: srcad.jacfwd(_fn("i3", "def f(x):\n    return x * 2\n"))(np.arange(3)),
        E.InputTypeError,
    )
)

# ------------------------------------------------------------------- 6. tangents that do not fit
_VEC = """
    def f(x):
        return x * 2.0
    """
_PAIR = """
    def f(p):
        return p[0] * p[1]
    """
_DICT = """
    def f(p):
        return p["a"] * 2.0
    """
_TANGENTS = {
    "tangent_wrong_shape": (_VEC, (V,), (np.ones(2),)),
    "tangent_complex_for_real": (_VEC, (V,), (V * 1j,)),
    "tangent_float32_for_float64": (_VEC, (V,), (V.astype(np.float32),)),
    "tangent_array_for_tuple": (_PAIR, ((V, V),), (V,)),
    "tangent_tuple_too_short": (_PAIR, ((V, V),), ((V,),)),
    "tangent_dict_wrong_keys": (_DICT, ({"a": V},), ({"b": V},)),
    "tangent_count_mismatch": (_VEC, (V,), (V, V)),
    "primals_not_a_tuple": (_VEC, V, V),
    "tangent_integer_dtype": (_VEC, (V,), (np.arange(3),)),
    "tangent_none": (_VEC, (V,), (None,)),
}
for _name, (_text, _primals, _tangents) in _TANGENTS.items():
    add(
        api_case(
            _name,
            functools.partial(
                lambda n, t, p, u: srcad.jvp(_fn(n, t), p, u), _name, _text, _primals, _tangents
            ),
            E.ShapeMismatchError,
        )
    )

# ------------------------------------------------------------------- 7. cotangents that do not fit
_OUT2 = """
    def f(x):
        return x * 2.0, np.sum(x)
    """
_OUTD = """
    def f(x):
        return {"a": x * 2.0}
    """
_COTANGENTS = {
    "cotangent_wrong_shape": (_VEC, np.ones(2)),
    "cotangent_scalar_for_vector": (_VEC, 1.0),
    "cotangent_tuple_for_array": (_VEC, (V,)),
    "cotangent_tuple_too_short": (_OUT2, (V,)),
    "cotangent_array_for_tuple": (_OUT2, V),
    "cotangent_dict_wrong_keys": (_OUTD, {"b": V}),
    "cotangent_complex_for_real": (_VEC, V * 1j),
}
for _name, (_text, _cot) in _COTANGENTS.items():
    add(
        api_case(
            _name,
            functools.partial(lambda n, t, c: srcad.vjp(_fn(n, t), V)[1](c), _name, _text, _cot),
            E.ShapeMismatchError,
        )
    )

# ------------------------------------------------------------------- 8. functions without source
_exec_scope = {"np": np}
exec("def f(x):\n    return np.sum(x * 2.0)\n", _exec_scope)
exec("g = lambda x: np.sum(x * 3.0)\n", _exec_scope)


# A function in C that srcad has no rule for (with a rule, grad(np.sin) works: test_wrappers).
# numpy's index tricks build arrays from what Python passes as an index: no derivative flows
# there (srcad gave zero before refusing).
add(
    source_case(
        "r_of_differentiated_values",
        """
        def f(x):
            y = np.r_[x, 2.0 * x]  # <-
            return np.sum(y * y)
        """,
        error=E.UnsupportedOperationError,
    )
)
add(
    source_case(
        "c_of_differentiated_values",
        """
        def f(x):
            return np.sum(np.c_[x, x] ** 2)  # <-
        """,
        error=E.UnsupportedOperationError,
    )
)
add(api_case("builtin_without_rule", lambda: srcad.grad(np.fromiter)(V), E.SourceUnavailableError))
add(
    api_case(
        "numpy_dispatcher_without_rule",
        lambda: srcad.grad(np.histogram_bin_edges)(V),
        E.SourceUnavailableError,
    )
)
add(api_case("builtin_method", lambda: srcad.grad(V.dot)(V), E.SourceUnavailableError))
add(
    api_case(
        "exec_without_linecache",
        lambda: srcad.grad(_exec_scope["f"])(V),
        E.SourceUnavailableError,
    )
)
add(
    api_case(
        "exec_lambda_without_linecache",
        lambda: srcad.grad(_exec_scope["g"])(V),
        E.SourceUnavailableError,
    )
)
# (a callable object is transformed directly now: tests/test_wrappers.py)
add(
    api_case(
        "functools_partial_of_builtin_without_rule",
        lambda: srcad.grad(functools.partial(np.packbits, axis=0))(V),
        # no rule (MissingRuleError); under numpy 1.26 packbits has no signature to wrap
        # (SourceUnavailableError)
        E.SrcadError,
    )
)
add(
    source_case(
        "generator_function",
        """
        def f(x):
            for v in x:
                yield v * 2.0  # <-
        """,
        error=E.UnsupportedSyntaxError,
    )
)

# ------------------------------------------------------------------- 9. mutation of inputs, aliases
_MUTATIONS = {
    "item_assign_to_argument": """
        def f(x):
            x[0] = 1.0  # <-
            return np.sum(x * x)
        """,
    "augmented_item_assign_to_argument": """
        def f(x):
            x[1] += 2.0  # <-
            return np.sum(x * x)
        """,
    "inplace_add_to_argument": """
        def f(x):
            x += 1.0  # <-
            return np.sum(x * x)
        """,
    "alias_then_item_assign": """
        def f(x):
            y = x
            y[0] = 1.0  # <-
            return np.sum(x * y)
        """,
    "view_then_item_assign": """
        def f(x):
            y = x[1:]
            y[0] = 0.0  # <-
            return np.sum(x * x)
        """,
    "reshape_view_then_item_assign": """
        def f(x):
            y = x.reshape(3, 1)
            y[0, 0] = 0.0  # <-
            return np.sum(x * x)
        """,
    "alias_in_list_then_item_assign": """
        def f(x):
            y = x * 1.0
            keep = [y]
            y[0] = 0.0  # <-
            return np.sum(keep[0] * x)
        """,
    "sort_argument_in_place": """
        def f(x):
            x.sort()  # <-
            return np.sum(x * np.arange(3.0))
        """,
    "fill_argument_in_place": """
        def f(x):
            x.fill(0.5)  # <-
            return np.sum(x * x)
        """,
    "out_argument_writes_input": """
        def f(x):
            np.multiply(x, 2.0, out=x)  # <-
            return np.sum(x * x)
        """,
    "transposed_view_then_item_assign": """
        def f(x):
            y = x.reshape(3, 1).T
            y[0, 0] = 0.0  # <-
            return np.sum(x * x)
        """,
    "inplace_add_through_alias": """
        def f(x):
            y = x * 1.0
            z = y
            z += 1.0  # <-
            return np.sum(y * x)
        """,
    "sort_copy_in_place": """
        def f(x):
            y = x * 1.0
            y.sort()  # <-
            return np.sum(y * np.arange(3.0))
        """,
    "partition_copy_in_place": """
        def f(x):
            y = x * 1.0
            y.partition(1)  # <-
            return np.sum(y * np.arange(3.0))
        """,
    "put_into_copy": """
        def f(x):
            y = x * 1.0
            y.put(0, 5.0)  # <-
            return np.sum(y * x)
        """,
    "flat_item_assignment": """
        def f(x):
            y = x * 1.0
            y.flat[0] = 0.0  # <-
            return np.sum(y * x)
        """,
}
for _name, _text in _MUTATIONS.items():
    _call = lambda s: srcad.grad(s["f"])(V.copy())  # noqa: E731 - a copy: f may change it
    add(source_case(_name, _text, call=_call, error=E.UnsupportedOperationError))

# ------------------------------------------------------------------- 10. functions as values
# (nested functions and lambdas passed as values, and closures returned by helpers, are
# supported since runtime dispatch: tests/test_dispatch.py)

# ------------------------------------------------------------------- 11. methods and attributes
add(
    source_case(
        "unknown_method_on_active_array",
        """
        def f(x):
            return np.sum(x.compress([True, False, True]) ** 2)  # <-
        """,
    )
)
add(
    source_case(
        "item_method_on_active_array",
        """
        def f(x):
            return x.item() * 2.0  # <-
        """,
        call=lambda s: srcad.grad(s["f"])(np.array(0.5)),
    )
)
add(
    source_case(
        "tolist_on_active_array",
        """
        def f(x):
            return sum(x.tolist())  # <-
        """,
    )
)
add(
    source_case(
        "undefined_name",
        """
        def f(x):
            return np.sum(x * not_defined_anywhere)  # <-
        """,
        error=E.NameResolutionError,
    )
)

# ------------------------------------------------------------------- 12. misuse of the API
add(api_case("grad_of_an_array", lambda: srcad.grad(V)))
add(api_case("grad_of_a_string", lambda: srcad.grad("np.sin")))
add(api_case("jvp_of_a_number", lambda: srcad.jvp(3.0, (V,), (V,))))
add(api_case("source_of_plain_function", lambda: srcad.source(_fn("s1", _SUM))))
add(api_case("jacobian_bad_mode", lambda: srcad.jacobian(_fn("j1", _VEC), mode="sideways")))
add(
    source_case(
        "keyword_only_parameter_jacfwd",
        """
        def f(x, *, scale):  # <-
            return x * scale
        """,
        call=lambda s: srcad.jacfwd(s["f"])(V, scale=2.0),
    )
)
add(
    api_case(
        "call_with_no_arguments",
        lambda: srcad.grad(_fn("n1", _SUM))(),
        E.ArgnumsError,
    )
)


# --------------------------------------------------------------------------------------- checks
# Cases srcad gets wrong today: name -> what happens instead (strict xfail).
KNOWN_WRONG: dict[str, str] = {}


def _param(case: Case):
    reason = KNOWN_WRONG.get(case.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.name, marks=marks)


def test_catalogue_is_large_and_unique():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)
    assert set(KNOWN_WRONG) <= {c.name for c in CASES}


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input(case: Case):
    try:
        result = case.run()
    except errors.SrcadError as err:
        error = err
    except Exception as err:  # noqa: BLE001 - any other type is exactly the finding
        pytest.fail(f"raised {type(err).__name__} instead of a SrcadError: {err}")
    else:
        pytest.fail(f"no error: returned {result!r}")
    message = str(error)
    assert isinstance(error, case.error), (
        f"raised {type(error).__name__}, expected {case.error.__name__}: {message}"
    )
    if case.file is not None:
        assert any(f"{case.file}:{line}:" in message for line in case.lines), (
            f"the message does not name {case.file} at line {case.lines}: {message}"
        )
    assert re.search(r"^hint: \S", message, re.M), f"no 'hint:' line: {message}"
    # A hint that names a srcad function must name one that exists.
    for name in re.findall(r"\bsrcad\.(\w+)", message.split("hint:", 1)[1]):
        assert hasattr(srcad, name), f"the hint names srcad.{name}, which does not exist"
