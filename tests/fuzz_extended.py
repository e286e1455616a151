"""The fuzzer's grammar beyond what srcad documents as supported (issue 13).

`fuzz_programs.programs(extended=True)` writes its programs with `ExtendedBody`, which adds
to the statements and expressions of `fuzz_programs._Body`:

- helpers that change their arguments (augmented and item assignment, np.copyto, through an
  alias, list.append, dict writes) and a closure appending to an outer list;
- numpy functions that write into an argument: np.copyto, ufunc.at, np.put, np.place,
  np.putmask, np.fill_diagonal, positional and keyword `out`, __iadd__ / __setitem__ by name;
- aliases, views and containers of arrays changed in place (b = a; b += ..., a[1:] *= ...,
  a.reshape(-1)[0] = ..., a.T[0] = ..., items[0] += ..., d["k"] *= ...), list and dict
  methods (reverse, insert, pop, extend, setdefault, update, append through an alias, the
  same array appended in every iteration), repeated fancy indices in (augmented) assignment;
- integer and boolean casts, rounding, and powers at special points (x ** 0, x ** 3,
  polynomials, np.power(x, 2)) whose arguments are now and then exactly 0, 1, -1 or -2;
- module attributes (`cfg.act`, `cfg.scale`) that the test changes between two rounds of
  differentiation of the same function.

Every construct has a feature key; `programs(avoid=...)` leaves out the keys that are known to
fail today (tests/regressions/soundness_open.py), so that the fast profile stays green and
the fuzzer looks for new failures. The oracle (tests/test_fuzz.py, `judge_extended`) accepts a
located `SrcadError` as a pass and compares everything else with finite differences.
"""

from __future__ import annotations

import types

import numpy as np
from fuzz_programs import SHAPES, _Body, _paren
from hypothesis import strategies as st

# Expressions: {0} is the operand. Each form has a feature key (see the module docstring).
SPECIAL_FORMS = [
    ("pow_zero", "{0} ** 0"),
    ("pow_zero", "{0} ** 0 * 1.5 + {0}"),
    ("pow_int", "{0} ** 3"),
    ("pow_int", "{0} ** 1"),
    ("pow_int", "{0} ** 2.0"),
    ("pow_int", "np.power({0}, 2)"),
    ("pow_int", "np.power({0}, 3.0)"),
    ("polynomial", "(0.5 + 2.0 * {0} - 1.5 * {0} ** 2)"),
    ("polynomial_sum", "sum(c * {0} ** k for k, c in enumerate((0.5, 2.0, -1.5)))"),
    ("cast_int", "np.asarray({0}).astype(int) * 0.5 + {0}"),
    ("cast_int", "np.asarray({0}, dtype=int) * {0}"),
    ("cast_int32", "np.asarray({0}).astype(np.int32) + {0}"),
    # (not astype(bool) * x itself: at x = 0 it is x, whose derivative AD cannot see there)
    ("cast_bool", "np.asarray({0} - 0.25).astype(bool) * {0}"),
    ("cast_bool", "np.asarray({0} > 0.2) * {0}"),
    ("rounding", "np.floor({0}) * {0}"),
    ("rounding", "np.round({0}, 1) + {0}"),
    ("cfg_act", "cfg.act({0})"),
    ("cfg_scale", "cfg.scale * {0}"),
]
SCALAR_FORMS = [
    ("math_scalar", "math.sqrt(1.0 + {0} * {0})"),
    ("math_scalar", "math.exp(math.sin({0}))"),
    ("pow_zero", "math.pow({0}, 0)"),
]

# Helpers that change their first argument (an array of the caller's) with their second.
ARRAY_MUTATORS = [
    ("mut_helper_aug", ["    a += v"]),
    ("mut_helper_aug", ["    a *= np.cos(v)"]),
    ("mut_helper_item", ["    a[...] = v"]),
    ("mut_helper_copyto", ["    np.copyto(a, np.sin(v))"]),
    ("mut_helper_alias", ["    b = a", "    b -= 0.5 * v"]),
]
LIST_MUTATORS = [
    ("list_helper_append", ["    items.append(v)"]),
    ("list_helper_append", ["    items.append(v * 2.0)", "    items.append(np.tanh(v))"]),
]
DICT_MUTATORS = [("dict_helper_store", ['    d["k"] = v'])]

# Every feature key the grammar uses (tests/regressions/soundness_open.py ties each to the
# corpus cases that show it failing, if it does).
FEATURE_KEYS = frozenset(
    [k for k, _ in SPECIAL_FORMS + SCALAR_FORMS + ARRAY_MUTATORS + LIST_MUTATORS + DICT_MUTATORS]
    + ["np_copyto", "ufunc_at", "np_put", "np_place", "np_putmask", "out_positional"]
    + ["out_keyword", "dunder", "fill_diagonal", "alias_aug", "view_aug", "reshape_view_item"]
    + ["transpose_view_item", "container_item_aug", "dict_item_aug", "list_reverse"]
    + ["list_insert", "list_pop", "list_extend", "append_alias", "setdefault_append"]
    + ["dict_update", "same_array_appended", "repeated_index_assign", "repeated_index_iadd"]
    + ["closure_append"]
)

# Special argument values: powers and casts at 0, 1 and negative integers.
SPECIAL_VALUES = [0.0, 1.0, -1.0, -2.0, 0.5]


def new_cfg() -> types.ModuleType:
    """The module whose attributes programs read as cfg.act and cfg.scale."""
    cfg = types.ModuleType("cfg")
    cfg.act = np.tanh
    cfg.scale = 0.5
    return cfg


def change_cfg(cfg) -> None:
    """What the test changes between the two rounds of differentiation."""
    cfg.act = np.sin
    cfg.scale = 1.5


def mutating_helpers(draw, avoid: frozenset, index: int) -> list:
    """(kind, name, source) of up to two helpers that change an argument."""
    out = []
    pools = [("array", ARRAY_MUTATORS), ("list", LIST_MUTATORS), ("dict", DICT_MUTATORS)]
    for j in range(draw(st.integers(0, 2))):
        kind, pool = draw(st.sampled_from(pools))
        pool = [(k, body) for k, body in pool if k not in avoid]
        if not pool:
            continue
        key, body = draw(st.sampled_from(pool))
        name = f"m{index}{j}"
        param = {"array": "a", "list": "items", "dict": "d"}[kind]
        out.append((kind, key, name, "\n".join([f"def {name}({param}, v):", *body])))
    return out


class ExtendedBody(_Body):
    """`_Body` with the constructs of the module docstring."""

    def __init__(self, *args, mutators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mutators = list(mutators)  # (kind, key, name, source)

    # -- helpers ---------------------------------------------------------------------
    def allowed(self, options):
        """The (key, ...) options whose key is not avoided."""
        return [o for o in options if o[0] not in self.avoid]

    def use(self, key: str) -> None:
        assert key in FEATURE_KEYS, key
        self.features.add(key)

    def fresh(self, shape: tuple) -> str:
        """A new array of `shape` that no other name refers to."""
        name = self.new_name()
        value = self.expr(shape, self.draw(st.integers(0, 2)))
        if not self.creates_array(value) or shape == ():
            value = f"1.0 * {_paren(value)} + np.zeros({shape!r})"
        self.emit(f"{name} = {value}")
        return name

    def small(self, shape: tuple) -> str:
        return self.expr(shape, self.draw(st.integers(0, 1)))

    # -- expressions -------------------------------------------------------------------
    def expr(self, shape: tuple, depth: int) -> str:
        if depth > 0 and not self.in_test and self.chance(0.08):
            forms = self.allowed(SPECIAL_FORMS + (SCALAR_FORMS if shape == () else []))
            if forms:
                key, form = self.choose(forms)
                leaves = self.leaves(shape)
                if leaves and self.chance(0.6):
                    inner = self.choose(leaves)  # an argument: now and then exactly 0
                else:
                    inner = self.expr(shape, depth - 1)
                self.use(key)
                if key.startswith("cfg"):
                    self.features.add("cfg")  # the test changes cfg between two rounds
                return f"({form.format(_paren(inner))})"
        return super().expr(shape, depth)

    # -- statements --------------------------------------------------------------------
    def statement(self, nest: int) -> None:
        kinds = self.allowed(
            [
                ("inplace_numpy", "inplace_numpy"),
                ("alias", "alias"),
                ("container", "container"),
                ("repeated_index", "repeated_index"),
                ("mutator_call", "mutator_call"),
                ("closure_append", "closure_append"),
            ]
        )
        if not self.mutators:
            kinds = [k for k in kinds if k[0] != "mutator_call"]
        if kinds and self.chance(0.3):
            _, kind = self.choose(kinds)
            if getattr(self, "stmt_" + kind)(nest) is not False:
                return
        super().statement(nest)

    def stmt_inplace_numpy(self, nest: int):
        shape = self.choose([(2,), (3,), (2, 3), (2, 1)])
        ops = [
            ("np_copyto", "np.copyto({a}, {e})"),
            ("np_copyto", "np.copyto({a}, {e}, where={a} > 0.1)"),
            ("ufunc_at", "np.add.at({a}, [0, 0], {s})"),
            ("ufunc_at", "np.multiply.at({a}, [0, 1, 0], np.cos({s}))"),
            ("ufunc_at", "np.negative.at({a}, [1])"),
            ("np_put", "np.put({a}, [0], {s})"),
            ("np_place", "np.place({a}, {a} > 0.1, {s})"),
            ("np_putmask", "np.putmask({a}, {a} > 0.1, {e})"),
            ("out_positional", "np.clip({e}, -1.0, 1.0, {a})"),
            ("out_positional", "np.multiply({e}, 0.5, {a})"),
            ("out_keyword", "np.tanh({e}, out={a})"),
            ("out_keyword", "np.cumsum({e}, axis=0, out={a})"),
            ("dunder", "{a}.__iadd__({e})"),
            ("dunder", "{a}.__imul__(np.cos({e}))"),
            ("dunder", "{a}.__setitem__(0, {row})"),
        ]
        if len(shape) == 1:
            ops.append(("out_positional", "np.cumsum({e}, 0, None, {a})"))
        if shape == (2, 3):
            ops.append(("fill_diagonal", "np.fill_diagonal({a}, {s})"))
        ops = self.allowed(ops)
        if not ops:
            return False
        key, op = self.choose(ops)
        a = self.fresh(shape)
        text = op.format(a=a, e=self.small(shape), s=self.small(()), row=self.small(shape[1:]))
        self.emit(text)
        self.use(key)
        self.env[a] = shape

    def stmt_alias(self, nest: int):
        shape = self.choose([(2,), (3,), (2, 3)])
        ops = [("alias_aug", None), ("view_aug", None), ("reshape_view_item", None)]
        if len(shape) == 2:
            ops.append(("transpose_view_item", None))
        ops = self.allowed(ops)
        if not ops:
            return False
        key, _ = self.choose(ops)
        a = self.fresh(shape)
        b = self.new_name()
        if key == "alias_aug":
            self.emit(f"{b} = {a}")
            self.emit(f"{b} {self.choose(['+=', '-='])} {self.small(shape)}")
        elif key == "view_aug":
            self.emit(f"{b} = {a}[1:]")
            self.emit(f"{b} *= np.cos({self.small(())})")
        elif key == "reshape_view_item":
            self.emit(f"{b} = {a}.reshape(-1)")
            self.emit(f"{b}[0] = {self.small(())}")
        else:
            self.emit(f"{a}.T[0] = {self.small((shape[0],))}")
        self.use(key)
        self.env[a] = shape

    def stmt_container(self, nest: int):
        shape = self.choose([(), (2,), (3,)])
        ops = self.allowed(
            [
                ("container_item_aug", None),
                ("dict_item_aug", None),
                ("list_reverse", None),
                ("list_insert", None),
                ("list_pop", None),
                ("list_extend", None),
                ("append_alias", None),
                ("setdefault_append", None),
                ("dict_update", None),
                ("same_array_appended", None),
            ]
        )
        if shape == ():
            ops = [o for o in ops if o[0] not in ("container_item_aug", "dict_item_aug")]
            ops = [o for o in ops if o[0] != "same_array_appended"]
        if not ops:
            return False
        key, _ = self.choose(ops)
        c, r = self.new_name(), self.new_name()
        e1, e2 = self.small(shape), self.small(shape)
        if key == "container_item_aug":
            a = self.fresh(shape)
            self.emit(f"{c} = [{a}, {e1}]")
            self.emit(f"{c}[0] += {e2}")
            self.emit(f"{r} = {c}[0] * 0.5 + {a}")
        elif key == "dict_item_aug":
            a = self.fresh(shape)
            self.emit(f'{c} = {{"k": {a}}}')
            self.emit(f'{c}["k"] *= np.cos({e2})')
            self.emit(f'{r} = {c}["k"] + {a}')
        elif key == "list_reverse":
            self.emit(f"{c} = [{e1}, {e2}]")
            self.emit(f"{c}.reverse()")
            self.emit(f"{r} = {c}[0] * 2.0 + {c}[1]")
        elif key == "list_insert":
            self.emit(f"{c} = [{e1}]")
            self.emit(f"{c}.insert(0, {e2})")
            self.emit(f"{r} = {c}[0] * 2.0 + {c}[-1]")
        elif key == "list_pop":
            self.emit(f"{c} = [{e1}, {e2}]")
            self.emit(f"{r} = {c}.pop(0) * 2.0 + {c}[0]")
        elif key == "list_extend":
            self.emit(f"{c} = [{e1}]")
            self.emit(f"{c}.extend([{e2}, {e1}])")
            self.emit(f"{r} = {c}[1] * 2.0 + {c}[2]")
        elif key == "append_alias":
            alias = self.new_name()
            self.emit(f"{c} = [{e1}]")
            self.emit(f"{alias} = {c}")
            self.emit(f"{alias}.append({e2})")
            self.emit(f"{r} = {c}[-1] * 2.0 + {c}[0]")
        elif key == "setdefault_append":
            self.emit(f"{c} = {{}}")
            self.emit(f'{c}.setdefault("a", []).append({e1})')
            self.emit(f'{c}.setdefault("a", []).append({e2})')
            self.emit(f'{r} = {c}["a"][0] + 2.0 * {c}["a"][-1]')
        elif key == "dict_update":
            self.emit(f'{c} = {{"a": {e1}}}')
            self.emit(f'{c}.update({{"a": {e2}}})')
            self.emit(f'{r} = {c}["a"] * 1.0')
        else:  # same_array_appended
            a, k = self.fresh(shape), self.new_name()
            self.emit(f"{c} = []")
            self.emit(f"for {k} in range(2):")
            self.indent += 1
            self.emit(f"{a} += 0.5 * {e2}")
            self.emit(f"{c}.append({a})")
            self.indent -= 1
            self.emit(f"{r} = np.sum(np.stack({c}), axis=0)")
        self.use(key)
        self.env[r] = shape

    def stmt_repeated_index(self, nest: int):
        shape = self.choose([(2,), (3,)])
        ops = self.allowed(
            [
                ("repeated_index_assign", "{a}[[0, 0]] = {pair}"),
                ("repeated_index_assign", "{a}[[1, 1, 0]] = {s}"),
                ("repeated_index_iadd", "{a}[[0, 0]] += {pair}"),
                ("repeated_index_iadd", "{a}[[1, 0, 1]] -= {s}"),
            ]
        )
        if not ops:
            return False
        key, op = self.choose(ops)
        a = self.fresh(shape)
        self.emit(op.format(a=a, pair=self.small((2,)), s=self.small(())))
        self.use(key)
        self.env[a] = shape

    def stmt_mutator_call(self, nest: int):
        kind, key, name, _ = self.choose(self.mutators)
        shape = self.choose([(2,), (3,), (2, 3)] if kind == "array" else SHAPES)
        r = self.new_name()
        if kind == "array":
            a = self.fresh(shape)
            self.emit(f"{name}({a}, {self.small(self.choose([shape, ()]))})")
            self.env[a] = shape
        elif kind == "list":
            c = self.new_name()
            self.emit(f"{c} = [{self.small(shape)}]")
            self.emit(f"{name}({c}, {self.small(shape)})")
            self.emit(f"{r} = {c}[-1] + 0.5 * {c}[0]")
            self.env[r] = shape
        else:
            c = self.new_name()
            self.emit(f'{c} = {{"k": {self.small(shape)}}}')
            self.emit(f"{name}({c}, {self.small(shape)})")
            self.emit(f'{r} = {c}["k"] * 1.0')
            self.env[r] = shape
        self.use(key)

    def stmt_closure_append(self, nest: int):
        if "closure_append" in self.avoid:
            return False
        shape = self.choose(SHAPES)
        c, add, r = self.new_name(), self.new_name(), self.new_name()
        self.emit(f"{c} = []")
        self.emit(f"def {add}(v):")
        self.emit(f"    {c}.append(v)")
        self.emit(f"{add}({self.small(shape)})")
        self.emit(f"{add}({self.small(shape)})")
        self.emit(f"{r} = {c}[0] * 2.0 + {c}[1]")
        self.use("closure_append")
        self.env[r] = shape


def special_value(shape: tuple):
    """A strategy for an argument that is now and then exactly a special value."""
    if shape == ():
        return st.sampled_from(SPECIAL_VALUES)
    size = int(np.prod(shape))
    values = st.one_of(
        st.sampled_from(SPECIAL_VALUES),
        st.floats(-1.5, 1.5, allow_nan=False, allow_infinity=False, allow_subnormal=False),
    )
    return st.lists(values, min_size=size, max_size=size).map(
        lambda v: np.array(v, dtype=float).reshape(shape)
    )
