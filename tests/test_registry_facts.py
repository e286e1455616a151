"""The facts the analyses read about primitives live in the registry, and they are true.

Zero propagation, rank inference, the alias check, activity and dead-code elimination read
what they know of numpy's functions, array methods and builtins from the registry entries
(`srcad.rules.registry.Rule`: linear, rank, fresh, view, stores, effect...), which the rule
tables declare next to the rules. These tests fail if one of those modules grows a table of
primitives again, and check the ``linear`` declarations of numpy.linalg against numpy.
"""

from __future__ import annotations

import ast
import pathlib

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.ir.dnotation import Zero
from srcad.rules.registry import all_rules, lookup, method_entry
from srcad.transform.zeros import Simplifier

ROOT = pathlib.Path(srcad.__file__).parent

# The modules that consume facts about primitives (they used to keep tables of their own).
CONSUMERS = [
    "transform/zeros.py",
    "analyze/ndims.py",
    "analyze/alias_facts.py",
    "analyze/aliasing.py",
    "analyze/activity.py",
    "build/purity.py",
]
# Names a table of primitives is made of: numpy's functions, srcad's runtime helpers,
# builtins.
_PRIMITIVE_ROOTS = {"np", "numpy", "rt", "runtime", "builtins", "math"}


def _mentions_primitive(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Name)
        and n.value.id in _PRIMITIVE_ROOTS
        or isinstance(n, ast.Name)
        and n.id in ("list", "dict", "tuple", "len", "range")
        for n in ast.walk(node)
    )


def _string_constants(node: ast.AST) -> int:
    return sum(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(node))


@pytest.mark.parametrize("module", CONSUMERS)
def test_no_table_of_primitives_outside_the_registry(module):
    """No module-level collection of functions (np.sum, rt.copy, list...) or of method and
    attribute names: what these modules know of a primitive is its registry entry's."""
    tree = ast.parse((ROOT / module).read_text())
    for stmt in tree.body:
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
            continue
        value = stmt.value
        collections = (ast.Set, ast.Dict, ast.List, ast.Tuple, ast.SetComp, ast.DictComp)
        if isinstance(value, ast.Call):  # frozenset({...}), set(...)
            value = value.args[0] if value.args else value
        if not isinstance(value, collections):
            continue
        target = ast.unparse(stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target)
        assert not _mentions_primitive(value), f"{module}: {target} is a table of primitives"
        assert _string_constants(value) < 3, f"{module}: {target} is a table of names"


def test_the_facts_are_on_the_entries():
    # one fact of each kind, as the consumers read it
    assert lookup(np.sum).rank == "reduce" and lookup(np.cumsum).rank == "same"
    assert lookup(np.fft.rfft).complex_result and not lookup(np.sum).complex_result
    assert lookup(np.zeros).fresh and not lookup(np.reshape).fresh
    assert lookup(np.reshape).view and not lookup(np.add).view
    assert method_entry(np.ndarray, "T").view and method_entry(np.ndarray, "reshape").view
    assert not method_entry(np.ndarray, "sum").view
    assert method_entry(np.ndarray, "flat").refused_write
    assert not method_entry(np.ndarray, "T").refused_write
    assert method_entry(list, "append").stores and not method_entry(list, "pop").stores
    assert "{0}" in method_entry(np.ndarray, "sort").hint
    assert method_entry(np.ndarray, "sort").hint_for("y") == "use y = np.sort(y) (a new array)"
    assert lookup(np.stack).sequences and lookup(np.einsum).sequences
    assert not lookup(np.add).sequences and not lookup(np.sum).sequences


def test_methods_that_change_their_object_say_so_in_the_registry():
    """srcad.analyze.effects reads whether x.name(...) changes x from the entries of x's
    possible types' methods, and which list methods it models from the method table."""
    from srcad.analyze.effects import _method_effect
    from srcad.rules.methods import METHODS
    from srcad.rules.registry import Effect

    changing = "sort partition fill put resize byteswap setflags remove clear reverse update"
    changing += " setdefault popitem append extend insert pop __setitem__ __delitem__ __iadd__"
    for name in changing.split():
        entries = [lookup(getattr(c, name)) for c in (np.ndarray, list, dict) if hasattr(c, name)]
        assert entries, name
        assert all(e is not None and e.effect is Effect.WRITES for e in entries), name
        assert _method_effect(None, name) == (True, True), name
    for name in "copy sum tolist keys get index __getitem__".split():
        assert _method_effect(None, name) == (True, False), name
    modelled = {name for name, m in METHODS.items() if m.mutates}
    assert modelled == {"append", "extend", "insert", "pop"}
    assert all(method_entry(list, name).effect is Effect.WRITES for name in modelled)


def test_the_method_name_tables_agree_with_the_entries():
    """The names srcad.analyze.summaries reads for receivers of unknown type: a reading
    method changes no object it is a method of, a changing or storing one changes its object
    (position 0) and nothing else, on each of ndarray, list and dict that has it (sets have
    no entries; names this numpy lacks, such as ndarray.itemset in numpy 2, are skipped)."""
    from srcad.rules.methods import CHANGING_METHODS, READING_METHODS, STORING_METHODS
    from srcad.rules.registry import Effect

    types = (np.ndarray, list, dict, tuple)

    def entries(name):
        found = [method_entry(c, name) for c in types if callable(getattr(c, name, None))]
        assert all(e is not None for e in found), name
        return found

    for name in READING_METHODS:
        assert all(e.effect not in (Effect.WRITES, Effect.OPAQUE) for e in entries(name)), name
    for name in CHANGING_METHODS | STORING_METHODS:
        assert all(e.effect is Effect.WRITES and e.writes == (0,) for e in entries(name)), name
    assert not READING_METHODS & (CHANGING_METHODS | STORING_METHODS)
    known = READING_METHODS | CHANGING_METHODS | STORING_METHODS
    assert all(any(hasattr(c, n) for c in (*types, set)) or n in _REMOVED for n in known)


# Array methods numpy 2 removed, which the tables keep for numpy 1.
_REMOVED = {"itemset", "ptp", "tostring", "newbyteorder"}


def test_facts_are_declared_by_name():
    with pytest.raises(srcad.errors.RuleDefinitionError, match="not a fact"):
        srcad.rules.registry.facts(np.sum, ranks="reduce")


# ----------------------------------------------------------------------------- linear flags

_SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
# A value for each parameter of numpy.linalg's functions that is not a linear one.
_SAMPLES = {"a": _SPD, "b": np.array([1.0, -2.0, 0.5]), "x": _SPD, "n": 2, "rcond": None}


def _linalg_rules():
    return [
        r
        for r in all_rules()
        if r.name.startswith("numpy.linalg.") and (r.vjp or r.jvp) and r.linear
    ]


def _all_zero(value) -> bool:
    if isinstance(value, (tuple, list)) or type(value).__name__.endswith("Result"):
        return all(_all_zero(v) for v in value)
    return bool(np.all(np.asarray(value) == 0))


def test_linalg_functions_declared_linear_are_zero_at_zero():
    """Zero propagation rewrites f(0) to 0 for the parameters declared linear: a function of
    numpy.linalg declared so must give zero (not raise: inv, cholesky; not the identity:
    eigh's eigenvectors) when those arguments are zero, and scale with them."""
    rules = _linalg_rules()
    assert {r.name for r in rules} >= {"numpy.linalg.solve"}
    for rule in rules:
        template = rule.vjp or rule.jvp
        if "arrays" in template.params:  # multi_dot: a list of matrices
            args = [[_SPD, np.zeros((3, 3)), _SPD]]
        else:
            args = [
                np.zeros_like(_SAMPLES.get(p, _SPD)) if p in rule.linear else _SAMPLES[p]
                for p in template.params
                if p in rule.linear or p in _SAMPLES
            ]
        assert _all_zero(rule.primitive(*args)), rule.name
        if len(rule.linear) == 1 and rule.linear != ("arrays",):
            i = template.params.index(rule.linear[0])
            one = [_SAMPLES.get(p, _SPD) for p in template.params[: len(args)]]
            two = list(one)
            two[i] = 2 * one[i]
            np.testing.assert_allclose(rule.primitive(*two), 2 * rule.primitive(*one))


@pytest.mark.parametrize(
    "primitive", [np.linalg.inv, np.linalg.det, np.linalg.cholesky, np.linalg.eigh]
)
def test_zero_propagation_keeps_nonlinear_linalg_calls(primitive):
    """inv(0) raises, cholesky(0) raises, eigh(0) has the identity for eigenvectors, det of
    a 0x0 matrix is 1: a zero argument does not make the call zero."""
    simplifier = Simplifier(
        lambda func: primitive if isinstance(func, gast.Name) else None,
        lambda like: S.name(f"zeros_{like}"),
    )
    call = gast.Call(func=S.name("f"), args=[Zero("a")], keywords=[])
    out = simplifier.expr(call)
    assert not isinstance(out, Zero)
    assert S.to_source(out) == "f(zeros_a)"


def test_zero_propagation_drops_linear_calls():
    simplifier = Simplifier(
        lambda func: np.linalg.solve if isinstance(func, gast.Name) else None,
        lambda like: S.name(f"zeros_{like}"),
    )
    call = gast.Call(func=S.name("f"), args=[S.name("a"), Zero("b")], keywords=[])
    assert isinstance(simplifier.expr(call), Zero)  # solve(a, 0) == 0
    call = gast.Call(func=S.name("f"), args=[Zero("a"), S.name("b")], keywords=[])
    assert not isinstance(simplifier.expr(call), Zero)
