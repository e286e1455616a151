"""Every public callable of numpy, math and the builtins, and every method of arrays,
containers, ufuncs and random generators, is classified (issue 13): a rule, a zero
derivative, pure without a rule, writes an argument, draws random numbers, acts outside the
program, runs code srcad cannot see, or is followed (transformed from its source).

The enumeration is `srcad.catalog.callables()`, from the installed versions: public names
(no leading underscore) of numpy, numpy.linalg, numpy.fft, numpy.random, math and builtins,
the public methods of ndarray, list, dict, tuple, ufunc, Generator and RandomState, and the
special methods ndarray, list, dict, tuple and ufunc define themselves. Left out, by design:
submodules and values that are not callable; the special methods a class inherits from
object (__init_subclass__, __subclasshook__, __dir__...: the generic object protocol, not
what the class does); those of Generator and RandomState (pickling and state, not calls
numerical code makes). There is no skip-list: a callable is classified or the test fails.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import srcad
from srcad import catalog
from srcad.rules import effects_numpy
from srcad.rules.registry import Effect, all_rules, lookup, primitive_params


def test_every_callable_is_classified():
    unclassified = [
        f"{label}.{name}"
        for label, name, obj in catalog.callables()
        if catalog.classification(obj) is None
    ]
    assert not unclassified, f"{len(unclassified)} callables unclassified: {unclassified}"


def test_the_enumeration_reaches_every_namespace():
    found = {(label, name) for label, name, _ in catalog.callables()}
    for expected in [
        ("numpy", "copyto"),
        ("numpy", "float64"),
        ("numpy.linalg", "inv"),
        ("numpy.fft", "fftfreq"),
        ("numpy.random", "normal"),
        ("math", "fsum"),
        ("builtins", "print"),
        ("builtins", "ValueError"),
        ("ndarray", "sort"),
        ("ndarray", "__setitem__"),
        ("ndarray", "__iadd__"),
        ("list", "append"),
        ("list", "__setitem__"),
        ("dict", "update"),
        ("tuple", "index"),
        ("ufunc", "at"),
        ("ufunc", "reduce"),
        ("Generator", "normal"),
        ("RandomState", "shuffle"),
    ]:
        assert expected in found, expected
    counts = catalog.classification_counts()
    assert set(counts) == set(catalog.NAMESPACES)
    assert sum(counts["numpy"].values()) > 400


def test_every_name_in_the_tables_exists_in_some_version():
    """A name the installed versions lack must be one known to come and go between numpy
    (1.26, 2.x) or Python versions: a misspelt name is not silently skipped."""
    unknown = [
        n for n in effects_numpy.ABSENT if n.rsplit(".", 1)[1] not in effects_numpy.VERSIONED
    ]
    assert not unknown


def _written(primitive, name: str, position: int) -> tuple:
    params = primitive_params(primitive)
    return (name,) if params and any(p.name == name for p in params) else (position, name)


def test_what_some_callables_do():
    copyto = lookup(np.copyto)
    assert copyto.effect is Effect.WRITES and copyto.writes == _written(np.copyto, "dst", 0)
    assert copyto.hint
    assert lookup(list.append).effect is Effect.WRITES and lookup(list.append).writes == (0,)
    at = lookup(np.add.at)  # a new bound method at each access: np.ufunc.at's entry
    assert (
        at is lookup(np.ufunc.at) and at.effect is Effect.WRITES and at.writes == (1,)
    )  # the object first: np.add.at(a, ...) writes a
    assert lookup(np.ndarray.sort).writes == (0,)
    assert lookup(np.ndarray.__iadd__).writes == (0,)
    assert lookup(np.ndarray.__setitem__).writes == (0,)
    assert lookup(dict.setdefault).effect is Effect.WRITES
    assert lookup(np.random.normal).effect is Effect.RANDOM
    assert lookup(np.random.default_rng(0).normal).effect is Effect.RANDOM
    assert lookup(np.random.RandomState(0).uniform).effect is Effect.RANDOM
    shuffle = lookup(np.random.shuffle)
    assert shuffle.effect is Effect.WRITES and "permutation" in shuffle.hint
    assert lookup(np.random.default_rng(0).shuffle).effect is Effect.WRITES
    assert lookup(np.random.seed).effect is Effect.OUTSIDE
    assert lookup(print).effect is Effect.OUTSIDE
    assert lookup(np.seterr).effect is Effect.OUTSIDE
    assert lookup(np.errstate).effect is Effect.OUTSIDE
    assert lookup(np.vectorize).effect is Effect.OPAQUE
    assert lookup(map).effect is Effect.OPAQUE
    assert "matrix product" in lookup(np.matrix).hint


@pytest.mark.parametrize(
    "fn",
    [
        # Results that carry a derivative: a rule or pure, never a zero derivative.
        np.real,
        np.where,
        np.sort,
        np.bincount,  # weights=
        np.arange,  # a differentiated start
        np.float64,
        np.full,
        np.interp,
        np.ndarray.sum,
        np.ndarray.copy,
        np.add.reduce,
        float,
        abs,
        sum,
        min,
        max,
        zip,
        enumerate,
        reversed,
        dict,
        divmod,
        dict.get,
        np.random.normal,
        np.random.default_rng(0).normal,
    ],
    ids=repr,
)
def test_values_that_carry_a_derivative_are_not_zero_derivative(fn):
    assert not lookup(fn).nondiff


def test_no_entry_has_a_zero_derivative_besides_its_templates():
    both = [r.name for r in all_rules() if r.nondiff and (r.vjp or r.jvp)]
    assert not both


_RULES_BEFORE = textwrap.dedent(
    """
    import json, sys, types
    # srcad without the classification tables: stand-ins for its two modules.
    for name in ("effects_numpy", "effects_python"):
        stub = types.ModuleType("srcad.rules." + name)
        stub.FOLLOWED = ()
        sys.modules["srcad.rules." + name] = stub
    import srcad
    from srcad.rules.registry import all_rules
    try:  # scipy's rules, which the test process may have loaded on first use
        import srcad.rules.scipy
    except ImportError:
        pass
    print(json.dumps(sorted(
        [r.name, r.vjp is not None, r.jvp is not None, r.nondiff, r.effect.value]
        for r in all_rules() if r.vjp is not None or r.jvp is not None
    )))
    """
)


def test_the_tables_leave_the_rules_as_they_were():
    """The entries with templates are the same, with the same facts, with or without the
    classification tables."""
    ran = subprocess.run(
        [sys.executable, "-c", _RULES_BEFORE], capture_output=True, text=True, check=True
    )
    before = json.loads(ran.stdout)
    if importlib.util.find_spec("scipy") is not None:
        import srcad.rules.scipy  # noqa: F401 - as the subprocess does
    after = sorted(
        [r.name, r.vjp is not None, r.jvp is not None, r.nondiff, r.effect.value]
        for r in all_rules()
        if r.vjp is not None or r.jvp is not None
    )
    assert len(after) == len(before) and after == before


def test_followed_functions_differentiate_through_their_source():
    x = np.array([1.0, 2.0, 3.0])
    for f in effects_numpy.FOLLOWED:
        assert lookup(f) is None
    srcad.check_grads(lambda x: np.sum(np.asarray_chkfinite(x) ** 2), (x,))
    srcad.check_grads(lambda x: np.sum(np.fft.rfftfreq(4, x[0]) ** 2), (x,))


# A random draw or a weighted histogram with a differentiated parameter was a zero derivative
# (nondiff); it is refused until it has a rule (normal, uniform, exponential and bincount's
# weights have theirs: tests/test_random_draws.py, tests/specs/counts.py).
def _gamma(a):
    return np.sum(np.random.gamma(a, 1.0))


def _generator_gamma(scale):
    rng = np.random.default_rng(0)
    return np.sum(rng.gamma(2.0, scale))


def _histogram(w):
    counts, _ = np.histogram(np.array([0.1, 0.5, 0.9]), bins=2, weights=w)
    return np.sum(counts**2)


@pytest.mark.parametrize("f", [_gamma, _generator_gamma, _histogram], ids=lambda f: f.__name__)
def test_no_zero_derivative_through_a_draw_or_a_count(f):
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(srcad.SrcadError):
        srcad.grad(f)(x)
    with pytest.raises(srcad.SrcadError):
        srcad.jvp(f, (x,), (np.ones(3),))


def test_draws_with_constant_parameters_run():
    def f(x):
        np.random.seed(0)
        return np.sum(x * np.random.normal(0.0, 1.0, 3))

    np.random.seed(0)
    noise = np.random.normal(0.0, 1.0, 3)
    np.testing.assert_allclose(srcad.grad(f)(np.ones(3)), noise)


def test_a_write_into_a_constant_is_kept():
    """np.copyto returns None: dead-code elimination must not drop the call as unused."""

    def f(x):
        y = np.zeros(3)
        unused = np.copyto(y, np.full(3, 2.0))  # noqa: F841
        return np.sum(x * y)

    np.testing.assert_allclose(srcad.grad(f)(np.ones(3)), [2.0, 2.0, 2.0])


def test_counts_are_printed():
    text = catalog.classes_markdown()
    assert "| numpy |" in text and "unclassified" in text
