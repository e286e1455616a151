"""Hypothesis strategies for random numpy programs, written as source text.

`programs()` draws a `Program`: the source of one to three functions (helpers first, the
function to differentiate last) plus the arguments to call it with. The programs stay inside
what srcad documents as supported (the corpus in tests/corpus/python_constructs.py): smooth
elementwise functions on bounded or positive-definite domains, broadcasting between the
shapes (), (2,), (3,), (2, 1) and (2, 3), reductions with and without an axis, matrix
products, branches on data (if/elif/else and conditional expressions), for and
counter-driven while loops, calls between the generated functions (with keyword arguments
and defaults), augmented assignment, indexed assignment into a fresh np.zeros array, lists
built with append then np.stack, dead code, and variables named like srcad's own
temporaries (t, bx, dx, result, rt...).

`programs(extended=True)` goes beyond that grammar (tests/fuzz_extended.py: in-place numpy
functions, helpers and containers that change their arguments, aliases, casts, powers at
special points, module attributes changed between calls), for the oracle of issue 13 that
accepts a located refusal (tests/test_fuzz.py, `test_random_program_extended`).

Each branch test is rendered twice: plainly, and wrapped in `_margin(...)`, which records how
far the test was from flipping. The test module runs that "probe" rendering to discard
programs whose branches sit within a finite-difference step of their threshold, where a
derivative does not exist.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import numpy as np
from helpers import function_from_source
from hypothesis import strategies as st

SHAPES = [(), (2,), (3,), (2, 1), (2, 3)]

# Names srcad itself gives to temporaries, adjoints, tangents, tapes and the locals of its
# Jacobian and pullback drivers, and the runtime module's name: user variables and
# parameters with these names must not collide with them.
TRICKY_NAMES = [
    "t",
    "t2",
    "dx",
    "bx",
    "b_result",
    "result",
    "residuals",
    "rt",
    "d",
    "ans",
    "nb",
    "trips",
    "out",
    "tangents",
    "tangent_out",
    "cotangent",
    "grads",
    "jacobians",
    "jvp_fn",
    "fwd_fn",
    "bwd_fn",
]

# Elementwise functions that are smooth everywhere and keep values bounded (exp only of
# bounded arguments, log and sqrt only of 1 + e * e, division only by 1 + e * e).
UNARY = [
    "np.sin({0})",
    "np.cos({0})",
    "np.tanh({0})",
    "np.exp(np.tanh({0}))",
    "np.exp(np.sin({0}))",
    "{0} * {0}",
    "{0} ** 2",
    "np.log(1 + {0} * {0})",
    "np.sqrt(1 + {0} * {0})",
    "{0} / (1 + {0} * {0})",
    "np.arctan({0})",
    "-{0}",
    "0.5 * {0}",
    "{0} - 0.25",
]
BINARY = ["{0} + {1}", "{0} - {1}", "{0} * {1}", "{0} / (1 + {1} * {1})"]

# The local names of srcad's Jacobian and pullback drivers (srcad/drivers.py).
DRIVER_NAMES = {
    "rt",
    "out",
    "tangents",
    "tangent_out",
    "cotangent",
    "residuals",
    "grads",
    "jacobians",
    "jvp_fn",
    "fwd_fn",
    "bwd_fn",
}


@dataclasses.dataclass(frozen=True)
class Program:
    source: str  # what srcad reads
    probe_source: str  # the same program with every branch test wrapped in _margin(...)
    name: str  # the function to differentiate (defined last)
    args: tuple  # floats and float arrays
    order2: bool  # also run the order-2 checks on this one
    # Constructs used, for checks that must skip known srcad bugs: "helper", "fill" and
    # "fill_in_loop" (item assignment into a new array, made inside a loop for the latter),
    # "stack" (list append in a loop), "bare_return" (f returns a name).
    features: frozenset = frozenset()

    def args_source(self) -> str:
        """The arguments as Python source, exact (repr of floats round-trips)."""
        parts = [
            f"np.array({a.tolist()!r})" if isinstance(a, np.ndarray) else repr(a) for a in self.args
        ]
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def __repr__(self) -> str:
        # What hypothesis prints for a falsifying example: paste-able into a regression file.
        return f"Program(order2={self.order2}, args={self.args_source()}, source=\n{self.source})"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))  # hypothesis prints with this, not with __repr__


def define(source: str, name: str, namespace: dict | None = None):
    """Exec `source` under a fresh linecache file name, so srcad (inspect) can read it."""
    return function_from_source(source, name, namespace, label="srcad-fuzz")


def _broadcasts_into(small: tuple, big: tuple) -> bool:
    try:
        return np.broadcast_shapes(small, big) == big
    except ValueError:
        return False


@dataclasses.dataclass
class _Helper:
    name: str
    params: list  # (name, shape, default or None)
    out: tuple


class _Body:
    """Emits the statements of one function, tracking each variable's shape.

    `env` maps every name readable at the current point to its shape; names defined inside a
    branch or loop body are dropped at its end (they might not exist after it), so only
    variables assigned on every path are read later. Arrays are changed in place (`+=`, item
    assignment) only right after this function created them, before any other name can
    refer to them: changing an argument, a view or an alias is unsupported (and refused).
    """

    def __init__(self, draw, helpers, env, names, features=None, avoid=frozenset()):
        self.draw = draw
        self.avoid = avoid  # workarounds for known srcad bugs (tests/regressions/fuzz_found.py)
        self.features = set() if features is None else features
        self.helpers = helpers
        self.env = dict(env)
        self.params = set(env)
        self.names = names
        self.lines: list[tuple[int, str]] = []  # (indent, text with test markers)
        self.in_test = False  # generating a branch test (no conditional expressions inside)
        self.loops = 0  # how many for/while loops enclose the current statement
        self.indent = 1

    # -- output ------------------------------------------------------------------------
    def emit(self, text: str) -> None:
        self.lines.append((self.indent, text))

    def finish(self, shape: tuple, depth: int) -> None:
        """Emit the return statement; values computed but never read are added to it, so
        that dead-code elimination cannot hide what the program does."""
        value = self.expr(shape, depth)
        used = re.compile(r"\b\w+\b").findall(value)
        unread = [
            n
            for n in self.env
            if n not in self.params and "[" not in n and n not in used and not self.is_read(n)
        ]
        terms = [value] + [f"np.mean({n})" for n in unread]
        returned = " + ".join(_paren(t) for t in terms) if unread else value
        if re.fullmatch(r"\w+", returned):
            self.features.add("bare_return")
        self.emit(f"return {returned}")

    def is_read(self, name: str) -> bool:
        """Whether any statement reads `name`, other than to compute `name` itself."""
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        for _, text in self.lines:
            target, _, rest = text.strip().partition(" ")
            if target.split("[")[0] == name:
                continue  # `name = name + ...`, `name[i] = ...`: not a use by anything else
            if pattern.search(text):
                return True
        return False

    def render(self, probe: bool) -> list[str]:
        def test(m):
            return f"_margin({m[1]}, {m[2]})" if probe else m[1]

        return ["    " * i + _TEST.sub(test, t) for i, t in self.lines]

    # -- choices -----------------------------------------------------------------------
    def choose(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, p: float) -> bool:
        return _chance(self.draw, p)

    def new_name(self) -> str:
        return self.names()

    # -- expressions ---------------------------------------------------------------------
    def leaves(self, shape) -> list[str]:
        return [n for n, s in self.env.items() if s == shape]  # in definition order

    def leaf(self, shape) -> str:
        leaves = self.leaves(shape)
        # Favour the newest variable, so that what a program computes is mostly used.
        return leaves[-1] if self.chance(0.4) else self.choose(leaves)

    def expr(self, shape: tuple, depth: int) -> str:
        """A random expression whose value has exactly `shape`."""
        has_leaf = bool(self.leaves(shape))
        if depth <= 0:
            return self.leaf(shape) if has_leaf else self.fallback(shape)
        kinds = ["leaf", "leaf"] if has_leaf else []
        kinds += ["unary", "unary", "binary", "binary", "scale"]
        if self.reductions_to(shape):
            kinds.append("reduce")
        if shape in ((2,), ()):
            kinds.append("matmul")
        if any(h.out == shape for h in self.helpers):
            kinds.append("call")
        if not self.in_test and self.chance(0.3):
            kinds.append("ifexp")
        kind = self.choose(kinds)
        if kind == "leaf":
            return self.leaf(shape)
        if kind == "unary":
            inner = _paren(self.expr(shape, depth - 1))
            # Templates that repeat their operand would double a long one.
            forms = UNARY if len(inner) < 30 else [u for u in UNARY if u.count("{0}") == 1]
            return self.choose(forms).format(inner)
        if kind == "scale":
            c = self.choose(["0.5", "2.0", "1.5", "0.1"])
            inner = self.expr(shape, depth - 1)
            return self.choose([f"{c} * {_paren(inner)}", f"{_paren(inner)} + {c}"])
        if kind == "binary":
            a_shape, b_shape = self.choose(self.broadcast_pairs(shape))
            a, b = self.expr(a_shape, depth - 1), self.expr(b_shape, depth - 1)
            forms = BINARY if len(b) < 30 else BINARY[:3]
            return self.choose(forms).format(_paren(a), _paren(b))
        if kind == "reduce":
            return self.reduction(shape, depth - 1)
        if kind == "matmul":
            return self.matmul(shape, depth - 1)
        if kind == "ifexp":
            test = self.condition()
            a, b = self.expr(shape, depth - 1), self.expr(shape, depth - 1)
            return f"({a} if {test} else {b})"
        helper = self.choose([h for h in self.helpers if h.out == shape])
        return self.call(helper, depth - 1)

    def shapes(self) -> list:
        return sorted(set(SHAPES) | set(self.env.values()))

    def broadcast_pairs(self, shape: tuple) -> list:
        """Operand shapes (a, b) that broadcast to `shape`, those with variables first."""
        pairs = []
        candidates = sorted(set(self.shapes()) | {shape})
        for a in candidates:
            for b in candidates:
                try:
                    if np.broadcast_shapes(a, b) == shape:
                        pairs.append((a, b))
                except ValueError:
                    pass
        have = set(self.env.values())
        both = [(a, b) for a, b in pairs if a in have and b in have]
        return both if both and self.chance(0.7) else pairs

    def reductions_to(self, shape: tuple) -> list:
        """(source shape, axis) pairs whose sum or mean has `shape`; axis None sums all."""
        options = []
        for s in self.shapes():
            if shape == () and s != ():
                options.append((s, None))
            for axis in range(len(s)):
                if s[:axis] + s[axis + 1 :] == shape:
                    options.append((s, axis))
        return options

    def reduction(self, shape: tuple, depth: int, source=None, axis=None) -> str:
        if source is None:
            source, axis = self.choose(self.reductions_to(shape))
        inner = _paren(self.expr(source, depth))
        fn = self.choose(["sum", "mean"])
        if axis is None:
            return self.choose([f"np.{fn}({inner})", f"{inner}.{fn}()"])
        if self.chance(0.3):
            axis -= len(source)  # negative axes count from the end
        return self.choose([f"np.{fn}({inner}, axis={axis})", f"{inner}.{fn}(axis={axis})"])

    def matmul(self, shape: tuple, depth: int) -> str:
        if shape == (2,):
            m, v = self.expr((2, 3), depth), self.expr((3,), depth)
            return f"{_paren(m)} @ {_paren(v)}"
        n = self.choose([(2,), (3,)])
        u, v = self.expr(n, depth), self.expr(n, depth)
        return self.choose([f"{_paren(u)} @ {_paren(v)}", f"np.dot({u}, {v})"])

    def call(self, helper: _Helper, depth: int) -> str:
        parts = []
        for i, (pname, pshape, default) in enumerate(helper.params):
            if default is not None and self.chance(0.4):
                break  # leave the defaulted tail out
            value = self.expr(pshape, depth)
            keyword = i > 0 and self.chance(0.3)
            parts.append(f"{pname}={value}" if keyword else value)
            if keyword:
                # once a keyword is used, every later argument is passed by keyword too
                for qname, qshape, _ in helper.params[i + 1 :]:
                    parts.append(f"{qname}={self.expr(qshape, depth)}")
                break
        return f"{helper.name}({', '.join(parts)})"

    def fallback(self, shape: tuple) -> str:
        """An expression of `shape` from the variables at hand, with no further nesting."""
        if shape == () and self.chance(0.2):
            return self.choose(["0.5", "1.5", "-0.75"])
        have = set(self.env.values())
        reducible = [(s, a) for s, a in self.reductions_to(shape) if s in have]
        if reducible:
            source, axis = self.choose(reducible)
            return self.reduction(shape, 0, source, axis)
        pairs = [(a, b) for a, b in self.broadcast_pairs(shape) if a in have and b in have]
        if pairs:
            a, b = self.choose(pairs)
            return f"{self.leaf(a)} {self.choose(['+', '-', '*'])} {self.leaf(b)}"
        small = [n for n, s in self.env.items() if _broadcasts_into(s, shape)]
        base = self.choose(small) if small else "0.5"
        return f"{base} * np.ones({shape!r})"

    def condition(self) -> str:
        """A test on data: `lhs op c`, with lhs marked as ⟪lhs⟫⟨c⟩ (see `_TEST`)."""
        shape = self.choose(self.shapes())
        self.in_test = True
        inner = _paren(self.expr(shape, self.draw(st.integers(0, 2))))
        self.in_test = False
        lhs = inner if shape == () else self.choose([f"np.sum({inner})", f"{inner}.sum()"])
        # Odd thresholds: arguments shrunk to 0.0 or 1.0 rarely land exactly on them.
        op, c = self.choose([(">", "0.123"), ("<", "0.61"), (">", "-0.377")])
        return f"⟪{lhs}⟫⟨{c}⟩ {op} {c}"

    # -- statements ----------------------------------------------------------------------
    def statements(self, count: int, nest: int) -> None:
        for _ in range(count):
            self.statement(nest)

    def statement(self, nest: int) -> None:
        kinds = ["assign", "assign", "assign"]
        if nest > 0:
            kinds += ["if", "for", "while", "fill", "stack"]
        if self.helpers:
            kinds += ["callstmt"]
        kinds += ["augassign"]
        getattr(self, "stmt_" + self.choose(kinds))(nest)

    def depth(self) -> int:
        return self.draw(st.integers(1, 3))

    def assign(self, shape: tuple) -> str:
        name = self.new_name()
        value = self.expr(shape, self.depth())
        self.emit(f"{name} = {value}")
        self.env[name] = shape
        return name

    def creates_array(self, value: str) -> bool:
        """False for `b` (an alias), `x[i]` (a view), `h0(...)` (may return its argument) and
        `(a if test else b)` (may be either operand)."""
        if value in self.env or _outer_ifexp(value):
            return False
        return not (_balanced_call(value) and value.split("(")[0] in {h.name for h in self.helpers})

    def stmt_assign(self, nest: int) -> None:
        self.assign(self.choose(SHAPES))

    def stmt_callstmt(self, nest: int) -> None:
        helper = self.choose(self.helpers)
        name = self.new_name()
        self.emit(f"{name} = {self.call(helper, self.draw(st.integers(0, 2)))}")
        self.env[name] = helper.out

    def stmt_augassign(self, nest: int) -> None:
        """A new array, then changed in place once or twice."""
        shape = self.choose(SHAPES)
        name = self.new_name()
        value = self.expr(shape, self.depth())
        if not self.creates_array(value):
            value = f"1.0 * {_paren(value)}"  # a copy, not another name for the same array
        self.emit(f"{name} = {value}")
        for _ in range(self.draw(st.integers(1, 2))):
            op = self.choose(["+=", "-=", "*="])
            change = self.expr(shape, self.draw(st.integers(0, 2)))
            if op == "*=":
                change = f"np.cos({change})"  # keeps the values bounded
            self.emit(f"{name} {op} {change}")
        self.env[name] = shape

    def scoped(self, body, carrier: str | None = None) -> None:
        """Run `body` one indentation level deeper; names it defines do not leak out.

        Values the block computes but never reads are added into `carrier` (a variable that
        lives on) before the block ends, about half of the time: the rest stays dead code,
        which srcad must drop cleanly.
        """
        env = dict(self.env)
        self.indent += 1
        body()
        if carrier is not None and self.chance(0.5):
            for name in [n for n in self.env if n not in env and n != carrier]:
                if "[" not in name and not self.is_read(name):
                    self.emit(f"{carrier} = {carrier} + 0.1 * np.mean({name})")
        self.indent -= 1
        self.env = {n: s for n, s in self.env.items() if n in env}

    def update(self, name: str) -> None:
        """Rebind a variable to a new value of the same shape, bounded under iteration."""
        shape = self.env[name]
        value = self.expr(shape, self.draw(st.integers(0, 2)))
        form = self.choose(
            [
                "{n} = {n} + {v}",
                "{n} = np.tanh({v})",
                "{n} = 0.5 * {n} + np.sin({v})",
                "{n} = {n} * np.cos({v})",
            ]
        )
        self.emit(form.format(n=name, v=value))

    def stmt_if(self, nest: int) -> None:
        shape = self.choose(SHAPES)
        target = self.new_name()
        self.emit(f"if {self.condition()}:")

        def branch():
            self.statements(self.draw(st.integers(0, 2)), nest - 1)
            self.emit(f"{target} = {self.expr(shape, self.depth())}")
            self.env[target] = shape  # for the carrier of dead values, until the branch ends

        self.scoped(branch, target)
        if self.chance(0.3):
            self.emit(f"elif {self.condition()}:")
            self.scoped(branch, target)
        self.emit("else:")
        self.scoped(branch, target)
        self.env[target] = shape

    def loop_carried(self) -> list[str]:
        """One or two accumulators, created before the loop."""
        names = []
        for _ in range(self.draw(st.integers(1, 2))):
            shape = self.choose(SHAPES)
            if self.chance(0.3):
                name = self.new_name()
                zero = "0.0" if shape == () else f"np.zeros({shape!r})"
                self.emit(f"{name} = {zero}")
                self.env[name] = shape
            else:
                name = self.assign(shape)
            names.append(name)
        return names

    def loop_body(self, carried: list[str], counter: str, nest: int) -> None:
        self.loops += 1
        for _ in range(self.draw(st.integers(0, 2))):
            self.statement(nest - 1)
        self.loops -= 1
        for name in carried:
            self.update(name)
            if self.chance(0.5):
                scale = self.choose([f"{counter}", f"({counter} + 1)", f"0.5 * {counter}"])
                self.emit(f"{name} = {name} * {scale} * 0.5 + {name}")

    def stmt_for(self, nest: int) -> None:
        carried = self.loop_carried()
        n = self.draw(st.integers(1, 3))
        counter = self.new_name()
        rng = self.choose([f"range({n})", f"range(1, {n + 1})", f"range(0, {2 * n}, 2)"])
        self.emit(f"for {counter} in {rng}:")
        self.scoped(lambda: self.loop_body(carried, counter, nest), carried[0])

    def stmt_while(self, nest: int) -> None:
        carried = self.loop_carried()
        counter = self.new_name()
        self.emit(f"{counter} = 0")
        self.emit(f"while {counter} < {self.draw(st.integers(1, 3))}:")

        def body():
            self.loop_body(carried, counter, nest)
            self.emit(self.choose([f"{counter} = {counter} + 1", f"{counter} += 1"]))

        self.scoped(body, carried[0])

    def indexed(self, counter: str, n: int) -> None:
        """Make `p[i]` readable for every variable whose leading axis has length n."""
        for name, s in list(self.env.items()):
            if isinstance(s, tuple) and s and s[0] == n and name != counter:
                self.env[f"{name}[{counter}]"] = s[1:]

    def stmt_fill(self, nest: int) -> None:
        shape = self.choose([(2,), (3,), (2, 3), (2, 1)])
        n, row = shape[0], shape[1:]
        out = self.new_name()
        zeros = f"np.zeros({n})" if len(shape) == 1 else f"np.zeros({shape!r})"
        self.emit(f"{out} = {zeros}")
        if self.chance(0.3):
            # unrolled: constant indices
            for i in range(n):
                self.emit(f"{out}[{i}] = {self.expr(row, self.depth())}")
        else:
            counter = self.new_name()
            self.emit(f"for {counter} in range({n}):")

            def body():
                self.indexed(counter, n)
                self.emit(f"{out}[{counter}] = {self.expr(row, self.depth())}")
                if self.chance(0.3):
                    self.emit(f"{out}[{counter}] += {self.expr(row, 1)}")

            self.scoped(body)
        self.features.add("fill_in_loop" if self.loops else "fill")
        if self.loops and "alias_after_item_assignment_in_loop" in self.avoid:
            # Later statements see a copy, so no other name ever refers to `out`.
            copy = self.new_name()
            self.emit(f"{copy} = 1.0 * {out}")
            out = copy
        self.env[out] = shape

    def stmt_stack(self, nest: int) -> None:
        row = self.choose([(), (2,), (3,)])
        n = self.draw(st.integers(2, 3))
        items, counter, out = self.new_name(), self.new_name(), self.new_name()
        self.emit(f"{items} = []")
        self.emit(f"for {counter} in range({n}):")

        def body():
            self.indexed(counter, n)
            value = self.expr(row, self.depth())
            if self.chance(0.3):
                value = f"{_paren(value)} * {counter}"
            self.emit(f"{items}.append({value})")

        self.scoped(body)
        self.emit(f"{out} = np.stack({items})")
        self.env[out] = (n, *row)
        self.features.add("stack")


# A branch test's left-hand side, marked so that it renders either plainly or wrapped in
# _margin(lhs, threshold) for the probe run. Tests are never nested inside tests.
_TEST = re.compile(r"⟪(.*?)⟫⟨(.*?)⟩")


def _paren(text: str) -> str:
    """Parenthesize anything that is not a name, call, subscript or literal."""
    simple = text.replace(".", "").replace("_", "").replace("[", "").replace("]", "")
    if simple.isalnum() or (text.endswith(")") and _balanced_call(text)):
        return text
    return f"({text})"


def _outer_ifexp(text: str) -> bool:
    """True if `text` is a conditional expression `(a if test else b)` at its top level."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i != len(text) - 1:
            return False  # the first parenthesis closes early: not one group
    inner = text[1:-1]
    depth = 0
    for i in range(len(inner)):
        depth += inner[i] == "("
        depth -= inner[i] == ")"
        if depth == 0 and inner.startswith(" if ", i):
            return True
    return _outer_ifexp(inner)


def _balanced_call(text: str) -> bool:
    """True if `text` is one call `name(...)` whose parentheses close only at the end."""
    if text.startswith("(") or "(" not in text:
        return False
    head = text[: text.index("(")]
    if not head.replace(".", "").replace("_", "").isalnum():
        return False
    depth = 0
    for i, ch in enumerate(text[text.index("(") :]):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i != len(text) - text.index("(") - 1:
            return False
    return True


def _chance(draw, p: float) -> bool:
    """True with probability about p; shrinks towards False (the simpler program)."""
    return draw(st.integers(1, 100)) > 100 - round(100 * p)


def _value(shape: tuple):
    """A hypothesis strategy for an argument of `shape` (a Python float for shape ())."""
    elements = st.floats(-1.5, 1.5, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if shape == ():
        return elements
    size = int(np.prod(shape))
    return st.lists(elements, min_size=size, max_size=size).map(
        lambda v: np.array(v, dtype=float).reshape(shape)
    )


class _Lines:
    """A block of fixed source lines (a helper of the extended grammar)."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def render(self, probe: bool) -> list[str]:
        return self.lines


@st.composite
def programs(draw, avoid: frozenset = frozenset(), max_helpers: int = 2, extended: bool = False):
    """Random programs; `avoid` names workarounds for known srcad bugs (see
    tests/regressions/fuzz_found.py), which keep the generator away from them.

    `extended` adds the constructs of tests/fuzz_extended.py (beyond what srcad documents as
    supported); `avoid` then also names the feature keys of those known to fail today."""
    body_class = _Body
    mutators = []
    if extended:
        from fuzz_extended import ExtendedBody, mutating_helpers

        body_class = ExtendedBody
    counter = itertools.count()
    pool = list(TRICKY_NAMES)
    param_pool = [n for n in pool if "driver_names" not in avoid or n not in DRIVER_NAMES]
    features: set[str] = set()

    def names():
        # Mostly v0, v1...; now and then a name srcad uses in its own generated code.
        if pool and _chance(draw, 0.1):
            return pool.pop(draw(st.integers(0, len(pool) - 1)))
        return f"v{next(counter)}"

    helpers: list[_Helper] = []
    blocks = []
    for h in range(draw(st.integers(0, max_helpers))):
        params = []
        for j in range(draw(st.integers(1, 2))):
            shape = draw(st.sampled_from(SHAPES))
            default = "0.5" if j > 0 and shape == () and draw(st.booleans()) else None
            params.append((f"p{h}{j}", shape, default))
        out = draw(st.sampled_from(SHAPES))
        body = body_class(draw, list(helpers), {p: s for p, s, _ in params}, names, features, avoid)
        body.statements(draw(st.integers(0, 2)), nest=1)
        body.finish(out, draw(st.integers(1, 3)))
        helper = _Helper(f"h{h}", params, out)
        signature = ", ".join(p if d is None else f"{p}={d}" for p, _, d in params)
        blocks.append((f"def {helper.name}({signature}):", body))
        helpers.append(helper)

    arg_shapes = draw(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=3))
    params = [draw(st.sampled_from(["x", "y", "z"])) + str(i) for i in range(len(arg_shapes))]
    param_pool = [n for n in param_pool if n in pool]
    if param_pool and _chance(draw, 0.15):
        params[0] = param_pool[draw(st.integers(0, len(param_pool) - 1))]
        pool.remove(params[0])
    features.discard("bare_return")  # only the differentiated function's return matters
    if helpers:
        features.add("helper")
    if extended:
        mutators = mutating_helpers(draw, avoid, 0)
        for _, _, _, source in mutators:
            head, *lines = source.splitlines()
            blocks.append((head, _Lines(lines)))
        body = body_class(
            draw, helpers, dict(zip(params, arg_shapes)), names, features, avoid, mutators=mutators
        )
    else:
        body = _Body(draw, helpers, dict(zip(params, arg_shapes)), names, features, avoid)
    body.statements(draw(st.integers(1 if not helpers else 0, 5)), nest=2)
    if helpers:
        body.stmt_callstmt(0)  # the generated helpers are called at least once
    out = draw(st.sampled_from([(), (), ()] + SHAPES))
    body.finish(out, draw(st.integers(1, 3)))
    blocks.append((f"def f({', '.join(params)}):", body))

    def text(probe: bool) -> str:
        return "\n\n".join("\n".join([head, *b.render(probe)]) for head, b in blocks) + "\n"

    if extended:
        from fuzz_extended import special_value

        args = tuple(draw(st.one_of(_value(s), special_value(s))) for s in arg_shapes)
    else:
        args = tuple(draw(_value(s)) for s in arg_shapes)
    order2 = _chance(draw, 0.2)
    return Program(text(False), text(True), "f", args, order2, frozenset(features))
