"""Write summaries of user helpers (issue 15, item 5: over-refusals of the real-program
corpus). A helper that does not change what the caller gives it is differentiated (checked
against finite differences in both modes and at order 2, `srcad.check_grads`); each real
change next to it is still refused with a located error (never a silently wrong number)."""

from __future__ import annotations

import numpy as np
import pytest

import srcad
from srcad.analyze.summaries import CONSTANTS, DISPATCHED, returned_params, written_params

X = np.array([0.3, -0.7, 1.1])


# ------------------------------------------------------------------ nested functions
def _predict(params, inputs):
    def step(row, hidden):
        return np.tanh(params["w"] * row + hidden)

    def readout(hidden):
        output = params["v"] * hidden  # a local named like the enclosing list below
        return output - np.max(output)

    hidden = params["h0"] * 1.0
    output = [readout(hidden)]
    for row in inputs:
        hidden = step(row, hidden)
        output.append(readout(hidden))
    return output


def _nested_loss(w, inputs):
    params = {"w": w, "v": w * 0.5, "h0": np.sin(w)}
    outs = _predict(params, inputs)
    return sum(np.sum(o**2) for o in outs)


def test_nested_functions_with_their_own_locals_change_nothing():
    assert written_params(_predict) == {}
    inputs = np.array([[0.2, 0.1, -0.3], [0.5, -0.4, 0.2]])
    srcad.check_grads(_nested_loss, (X, inputs))


def _nested_sets_captured(p, x):
    def inner(v):
        q = p  # an alias local to the nested function, of the enclosing parameter
        q[0] = v

    inner(x[0])
    return np.sum(p * x)


def _nested_sets_argument(p, x):
    def inner(a, v):
        a[0] = v

    inner(p, x[0] * 2.0)
    return np.sum(p * x)


def _lambda_sets_argument(p, x):
    put = lambda a, v: a.__setitem__(0, v)  # noqa: E731
    put(p, x[1])
    return np.sum(p * x)


@pytest.mark.parametrize("helper", [_nested_sets_captured, _nested_sets_argument])
def test_nested_functions_that_change_an_argument_are_refused(helper):
    assert written_params(helper).get("p") is not None

    def f(x):
        return helper(np.ones(3), x)

    with pytest.raises(srcad.SrcadError, match="changes its argument"):
        srcad.grad(f)(X)
    with pytest.raises(srcad.SrcadError):
        srcad.jvp(f, (X,), (X,))


def test_a_lambda_that_changes_an_argument_is_seen():
    assert written_params(_lambda_sets_argument).get("p") is not None


# ------------------------------------------------------------------ an object's own methods
class FrozenNoise:
    """A random state whose draws are the same at each call (finite differences need it)."""

    def __init__(self, seed):
        self.seed = seed
        self.calls = 0

    def randn(self, *shape):
        self.calls += 1
        return np.random.default_rng(self.seed).standard_normal(shape)


class Recorder:
    def keep(self, v):
        self.kept = v
        return 0.0


def _sample(mean, log_std, rs):
    return rs.randn(*mean.shape) * np.exp(log_std) + mean


def _sample_loss(x, rs):
    z = _sample(x, 0.5 * x, rs)
    return np.sum(z**2) + np.sum(x * z)


def test_a_draw_from_a_random_state_argument_is_a_constant():
    assert written_params(_sample) == {"rs": CONSTANTS}
    rs = FrozenNoise(3)
    srcad.check_grads(_sample_loss, (X, rs))
    eps = np.random.default_rng(3).standard_normal(3)
    # d/dx sum(z**2 + x*z) with z = eps * exp(x/2) + x
    z = eps * np.exp(0.5 * X) + X
    dz = 0.5 * eps * np.exp(0.5 * X) + 1.0
    np.testing.assert_allclose(srcad.grad(_sample_loss)(X, rs), 2 * z * dz + z + X * dz)
    assert rs.calls > 0


def _keeps(x, rec):
    y = x * 2.0
    return rec.keep(y) + np.sum(x)


def _keeps_loss(x, rec):
    return _keeps(x, rec) + np.sum(rec.kept)


def test_a_differentiated_value_given_to_an_objects_method_is_refused():
    # rec.keep(y) stores y, which comes from x, in rec: x is given to the object's method,
    # which generated code dispatches when it runs (and refuses: keep changes its object)
    assert written_params(_keeps) == {"x": DISPATCHED, "rec": CONSTANTS}
    rec = Recorder()
    rec.kept = np.zeros(3)
    with pytest.raises(srcad.SrcadError, match="keep"):
        srcad.grad(_keeps_loss)(X, rec)
    with pytest.raises(srcad.SrcadError, match="keep"):
        srcad.jvp(lambda x: _keeps_loss(x, rec), (X,), (X,))


def _shuffles(x, rs):
    rs.shuffle(x)
    return x


def test_an_object_method_that_may_change_its_argument_is_refused():
    def f(x):
        y = x * 1.0
        _shuffles(y, np.random.RandomState(0))
        return np.sum(y * X)

    with pytest.raises(srcad.SrcadError, match="_shuffles"):
        srcad.grad(f)(X)


# ------------------------------------------------------------------ what a helper returns
def _fresh(f, g):
    rows, cols = f.shape  # an array's shape is not a part of it
    return np.reshape(f * g, (rows, cols))


def _same(a, b):
    return a, b


def test_returned_parameters():
    assert returned_params(_fresh) == set()
    assert returned_params(_same) == {"a", "b"}
    assert returned_params(_predict) == set()


def _twice(a):
    a *= 2.0
    return a


def _changes_fresh(x):
    y = _fresh(x, x)
    return _twice(y)  # changes y, which holds none of x


def _chain_alias(x):
    y = x * 1.0
    v = _same(y, 0)[0]
    _twice(v)  # changes y through v
    return np.sum(y * x)


def test_a_helper_changing_what_a_fresh_result_holds():
    assert written_params(_changes_fresh) == {}
    assert written_params(_chain_alias) == {}
    assert "x" in written_params(_changes_alias)


def _changes_alias(x):
    v = _same(x, 0)[0]
    _twice(v)  # changes x through v
    return x


def test_a_helper_changing_what_another_returned_is_refused():
    with pytest.raises(srcad.SrcadError, match="_twice"):
        srcad.grad(_chain_alias)(X)


# ------------------------------------------------------------------ functions a factory returns
def _newton(a):
    return lambda x: 0.5 * (x + a / x)


def _setter(a):
    def put(x):
        x[0] = a

    return put


def _iterate(f, a, x0):
    step = f(a)
    x = step(x0)
    return step(x)


def test_functions_a_factory_returns_are_read():
    from srcad.ir.resolution import KnownValue

    assert written_params(_iterate, known=(("f", KnownValue(_newton)),)) == {}
    assert "x0" in written_params(_iterate, known=(("f", KnownValue(_setter)),))
    assert "x0" in written_params(_iterate)  # f unknown: anything may change


# ------------------------------------------------------------------ a copy's rank
def _periodic(u0):
    u = u0.copy()
    for _ in range(2):
        un = u.copy()
        u[1] = un[1] * un[0]
        u[-1] = u[0]  # a number of a rank-1 copy: no view of u
    return np.sum(u * u0)


def _keeps_row(m0):
    m = m0.copy()
    row = m[0]  # a view of m's first row
    m[0] = m[1] * 2.0
    return np.sum(row * m0)


def test_an_item_of_a_copy_is_a_number():
    srcad.check_grads(_periodic, (X,))


def test_a_row_of_a_copy_is_a_view():
    with pytest.raises(srcad.SrcadError, match="view"):
        srcad.grad(_keeps_row)(np.arange(6.0).reshape(2, 3))
