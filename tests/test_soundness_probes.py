"""Probes written the way numpy users write code, over the classes of issue 13.

In-place numpy functions, helpers that change their arguments, list and dict methods,
repeated fancy indices, casts, powers at 0, global values, random draws, bincount,
np.matrix, complex numbers, and the tuples numpy's index functions return (np.nonzero,
np.where with one argument, np.unravel_index, np.indices(sparse=True), np.tril_indices...).
Each is right against central differences (grad, jvp, and check_grads at order 2), or is
refused with a located error. The seeds of random draws are fixed inside the functions.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest

import srcad

X = np.array([0.3, -0.7, 1.2, 0.5])
M = np.array([[0.3, -0.7, 1.2], [0.5, 2.0, -1.1]])
W = np.array([1.0, 2.0, 3.0, 4.0])
P = collections.namedtuple("P", "a b")

PROBES = []


def probe(*args, refused=False):
    def deco(f):
        PROBES.append(pytest.param(f, args, refused, id=f.__name__))
        return f

    return deco


# ---------------------------------------------------------------- tuple kinds (item 4)
@probe(M)
def nonzero_index(m):
    idx = np.nonzero(m > 0)
    return np.sum(m[idx] ** 2)


@probe(M)
def nonzero_unpack(m):
    r, c = np.nonzero(m > 0)
    return np.sum(m[r, c] * r) + np.sum(m[r, c] ** 2)


@probe(M)
def nonzero_len(m):
    idx = np.nonzero(m > 0)
    return np.sum(m**2) * len(idx)


@probe(M)
def where_one_arg_index(m):
    idx = np.where(m > 0)
    return np.sum(np.sin(m[idx]))


@probe(M)
def where_one_arg_first(m):
    idx = np.where(m > 0)
    return np.sum(m[idx[0]] ** 2)


@probe(M)
def unravel_index_item(m):
    i = np.unravel_index(np.argmax(m), m.shape)
    return m[i] ** 2


@probe(M)
def unravel_index_unpacked(m):
    i, j = np.unravel_index(np.argmax(m), m.shape)
    return m[i, j] ** 3 + m[i, 0]


@probe(M)
def indices_sparse(m):
    i, j = np.indices(m.shape, sparse=True)
    return np.sum(m * (i + j))


@probe(M)
def indices_sparse_tuple(m):
    ij = np.indices(m.shape, sparse=True)
    return np.sum(m * ij[0] + m**2 * ij[1])


@probe(X)
def meshgrid_constant(x):
    a, b = np.meshgrid(np.arange(4.0), np.arange(3.0))
    return np.sum(x * a) + np.sum(b)


@probe(X)
def meshgrid_tuple_len(x):
    g = np.meshgrid(np.arange(4.0), np.arange(2.0))
    return np.sum(x**2) * len(g)


@probe(M)
def shape_tuple_len(m):
    s = np.shape(m)
    return np.sum(m) * len(s) + np.sum(m**2) * s[0]


@probe(M)
def nonzero_tuple_isinstance(m):
    idx = np.nonzero(m > 0)
    if isinstance(idx, tuple):
        return np.sum(m[idx] ** 2)
    return np.sum(m)


@probe(M)
def tril_indices_index(m):
    idx = np.tril_indices(2, 0, 3)
    return np.sum(m[idx] ** 2)


@probe(M)
def nonzero_loop(m):
    total = 0.0
    for ax in np.nonzero(m > 0):
        total = total + np.sum(ax) * np.sum(m)
    return total


@probe(M)
def nonzero_concatenate_tuple(m):
    idx = np.nonzero(m > 0)
    both = idx + idx
    return np.sum(m[both[2], both[3]] ** 2) * len(both)


# ---------------------------------------------------------------- in-place numpy functions
@probe(X, refused=True)
def copyto_fresh(x):
    y = np.zeros(4)
    np.copyto(y, x)
    return np.sum(y**2)


@probe(X, refused=True)
def out_argument(x):
    y = np.empty(4)
    np.multiply(x, x, out=y)
    return np.sum(y)


@probe(X, refused=True)
def add_at_repeated(x):
    y = np.zeros(3)
    np.add.at(y, [0, 0, 2, 1], x)
    return np.sum(y**2)


@probe(X)
def fancy_repeated_setitem(x):
    y = np.zeros(3)
    y[[0, 0, 1]] = x[:3]
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@probe(X)
def fancy_repeated_iadd(x):
    y = np.zeros(3)
    y[[0, 0, 1]] += x[:3]
    return np.sum(y**2)


@probe(X)
def fancy_repeated_getitem(x):
    return np.sum(x[[0, 0, 1, 3, 3]] ** 2)


@probe(X, refused=True)
def put_inplace(x):
    y = x * 1.0
    np.put(y, [0, 2], [1.0, 2.0])
    return np.sum(y**2)


@probe(X, refused=True)
def fill_diagonal_inplace(x):
    a = np.outer(x, x)
    np.fill_diagonal(a, 0.0)
    return np.sum(a)


@probe(X, refused=True)
def ndarray_sort_inplace(x):
    y = x * 2.0
    y.sort()
    return np.sum(y * W)


# ---------------------------------------------------------------- helpers mutating arguments
def _scale_in_place(a, k):
    a *= k
    return None


def _set_first(a, v):
    a[0] = v


@probe(X, refused=True)
def helper_scales_argument(x):
    y = x * 1.0
    _scale_in_place(y, 3.0)
    return np.sum(y**2)


@probe(X, refused=True)
def helper_sets_item(x):
    y = x * 2.0
    _set_first(y, x[1] ** 2)
    return np.sum(y * W)


def _append_square(lst, v):
    lst.append(v * v)


@probe(X, refused=True)
def helper_appends(x):
    acc = [x[0]]
    _append_square(acc, x[1])
    return acc[0] + acc[1] * 3.0


# ---------------------------------------------------------------- list / dict methods
@probe(X)
def list_insert_pop(x):
    xs = [x[0], x[1]]
    xs.insert(0, x[2] ** 2)
    last = xs.pop()
    return xs[0] * last + xs[1]


@probe(X, refused=True)
def list_reverse(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs.reverse()
    return xs[0] * 5.0 + xs[2]


@probe(X, refused=True)
def list_sort_method(x):
    xs = [x[0], x[1], x[2]]
    xs.sort()
    return xs[0] * 5.0 + xs[2]


@probe(X)  # a fresh dict's update rebinds it to the merge (normalize/merges)
def dict_update(x):
    d = {"a": x[0]}
    d.update({"b": x[1] ** 2})
    return d["a"] * d["b"]


@probe(X, refused=True)
def dict_setdefault(x):
    d = {"a": x[0]}
    v = d.setdefault("b", x[1] * 3.0)
    return d["a"] * v


@probe(X)
def list_extend_remove(x):
    xs = [x[0]]
    xs.extend([x[1], x[2]])
    return xs[0] * xs[1] + xs[2] ** 2 + len(xs)


@probe(X, refused=True)
def list_aliasing(x):
    a = [x[0], x[1]]
    b = a
    b.append(x[2])
    return a[2] * 4.0 + sum(a)


# ---------------------------------------------------------------- casts
@probe(X)
def astype_int(x):
    return np.sum(x.astype(int) * x)


@probe(X)
def float_cast(x):
    return float(x[0]) * x[1] + float(np.sum(x**2))


@probe(X)
def int_cast_index(x):
    return x[int(x[2])] * 2.0


@probe(X)
def complex_cast(x):
    return np.real(np.sum(x.astype(complex) ** 2))


# ---------------------------------------------------------------- powers at 0
@probe(np.array([0.0, 1.0, 2.0, 0.5]))
def power_zero_base_integer(x):
    return np.sum(x**2 + x**1 + x**0)


@probe(np.array([0.0, 1.0, 2.0, 0.5]))
def power_zero_base_float_exponent(x):
    return np.sum(x**2.0)


@probe(np.array([0.0, 1.0, 2.0, 0.5]))
def np_power_zero_base(x):
    return np.sum(np.power(x, 3))


@probe(np.array([0.0, 1.0, 2.0, 0.5]))
def square_and_sqrt_of_square(x):
    return np.sum(np.square(x) + x * x)


@probe(0.0, 2.0)
def power_variable_exponent_zero_base(b, e):
    return b**e + e**2


# ---------------------------------------------------------------- stale cache
STATE = {"k": 2.0}


@probe(X)
def global_dict_value(x):
    return np.sum(x * STATE["k"])


# ---------------------------------------------------------------- random
@probe(0.4, 0.8)
def random_normal_reparam(mu, s):
    rng = np.random.default_rng(3)
    z = rng.normal(mu, s, size=(2, 2))
    return np.sum(z**2)


@probe(np.array([0.1, 0.2]), 0.9)
def random_normal_broadcast_size(mu, s):
    rng = np.random.default_rng(3)
    return np.sum(np.sin(rng.normal(mu, s, size=(3, 2))))


@probe(0.5, 2.0)
def random_uniform_reparam(lo, hi):
    r = np.random.RandomState(1)
    return np.sum(r.uniform(lo, hi, 5) ** 2)


@probe(1.5)
def random_exponential_module(s):
    np.random.seed(2)
    return np.sum(np.log(np.random.exponential(s, 5)))


@probe(X)
def random_permutation_constant(x):
    rng = np.random.default_rng(4)
    p = rng.permutation(4)
    return np.sum(x[p] * W)


@probe(X)
def random_choice_index(x):
    rng = np.random.default_rng(5)
    i = rng.choice(4, 2, replace=False)
    return np.sum(x[i] ** 2)


@probe(X)
def random_standard_normal_mult(x):
    rng = np.random.default_rng(6)
    return np.sum(x * rng.standard_normal(4))


@probe(X, refused=True)
def random_gamma_of_x_refused(x):
    return np.sum(np.random.default_rng(1).gamma(x + 2.0))


# ---------------------------------------------------------------- bincount
@probe(np.array([0.5, -0.2, 1.0, 0.7, 0.1]))
def bincount_plain(w):
    return np.sum(np.bincount(np.array([0, 2, 2, 1, 0]), weights=w) ** 2)


@probe(np.array([0.5, -0.2, 1.0, 0.7, 0.1]))
def bincount_minlength(w):
    c = np.bincount(np.array([0, 2, 2, 1, 0]), weights=w * w, minlength=5)
    return np.sum(c * np.arange(5.0))


@probe(np.array([0.5, -0.2, 1.0, 0.7, 0.1]))
def bincount_mean_per_bin(w):
    idx = np.array([0, 2, 2, 1, 0])
    sums = np.bincount(idx, weights=w)
    counts = np.bincount(idx)
    return np.sum((sums / counts) ** 2)


# ---------------------------------------------------------------- matrix
@probe(np.array([[1.0, 0.5], [-0.3, 2.0]]), refused=True)
def matrix_wrap_product(a):
    m = np.asmatrix(a)
    return np.sum(np.asarray(m * m))


@probe(np.array([[1.0, 0.5], [-0.3, 2.0]]))
def matrix_inverse_trace(a):
    return np.trace(np.linalg.inv(a) @ a.T)


# ---------------------------------------------------------------- complex
@probe(X)
def complex_abs_of_exp(x):
    z = np.exp(1j * x) * (1.0 + x)
    return np.sum(np.abs(z) ** 2)


@probe(X)
def complex_angle(x):
    z = x + 1j * x[::-1]
    return np.sum(np.angle(z))


@probe(X)
def complex_conj_product(x):
    z = x * (1.0 + 2.0j)
    return np.real(np.sum(z * np.conj(z)))


@probe(X)
def fft_roundtrip(x):
    return np.sum(np.abs(np.fft.fft(x)) ** 2)


# ---------------------------------------------------------------- namedtuple, misc
@probe(X)
def namedtuple_fields(x):
    p = P(x[0], x[1:])
    return p.a * np.sum(p.b**2)


@probe(X)
def cumsum_inplace_method(x):
    y = np.cumsum(x)
    y[1:] -= y[:-1]
    return np.sum(y * W)


@probe(X)
def where_masked_log(x):
    return np.sum(np.where(x > 0, np.log(np.abs(x) + 1e-3), x))


@probe(X)
def maximum_tie(x):
    return np.sum(np.maximum(x, 0.45))


# ----------------------------------------------------------------- second round
Z4 = np.zeros(4)


@probe(Z4)
def np_power_zero_exponent_at_zero(x):
    return np.sum(np.power(x, 0) + np.power(x, 1.0))


@probe(Z4)
def float_power_at_zero(x):
    return np.sum(np.float_power(x, 2) + x**1)


@probe(0.0)
def scalar_power_one_at_zero(x):
    return x**1 + x**1.0 + 3.0 * x


@probe(X)
def random_in_loop(mu):
    rng = np.random.default_rng(0)
    total = 0.0
    for i in range(3):
        total = total + np.sum(rng.normal(mu, 1.0 + i) ** 2)
    return total


@probe(X)
def random_in_while(mu):
    rng = np.random.default_rng(0)
    total = 0.0
    i = 0
    while i < 3:
        total = total + np.sum(rng.normal(mu, 2.0) ** 2)
        i = i + 1
    return total


def _noisy(mu, rng):
    return rng.normal(mu, 0.5) ** 2


@probe(X)  # a generator passed into a helper: the helper's draw is differentiated there too
def random_in_helper(mu):
    rng = np.random.default_rng(1)
    return np.sum(_noisy(mu, rng))


def _draw_module(mu):
    return np.random.normal(mu, 0.5) ** 2


@probe(X)
def random_module_in_helper(mu):
    np.random.seed(3)
    return np.sum(_draw_module(mu))


@probe(X)
def random_normal_keywords(mu):
    np.random.seed(4)
    return np.sum(np.sin(np.random.normal(loc=mu, scale=np.abs(mu) + 0.1)))


@probe(X)
def random_shape_from_argument(x):
    rng = np.random.default_rng(6)
    return np.sum(rng.normal(0.0, np.exp(x), x.shape) * x)


@probe(X)
def random_exponential_rng_then_use_twice(x):
    rng = np.random.default_rng(7)
    e = rng.exponential(np.exp(x))
    return np.sum(e * x) + np.sum(e**2)


@probe(X)
def random_draw_reused_later(x):
    rng = np.random.default_rng(8)
    z = rng.normal(x, 1.0)
    y = z * 2.0
    z = z + x
    return np.sum(y * z)


@probe(X)
def bincount_weights_from_product(w):
    idx = np.array([1, 1, 0, 3])
    return np.sum(np.bincount(idx, weights=w * w[::-1], minlength=6) ** 2)


@probe(X)
def bincount_method_chain(w):
    idx = np.array([2, 0, 2, 1])
    c = np.bincount(idx, w)
    return c[2] * c[0] + np.sum(c)


@probe(X)
def dict_get_default(x):
    d = {"a": x[0]}
    return d.get("a", 1.0) * d.get("b", x[1]) + x[2]


@probe(X, refused=True)
def list_comprehension_in_place(x):
    xs = [v * 2.0 for v in x]
    xs[1] = xs[1] ** 2
    return sum(xs)


@probe(X)
def tuple_index_from_nonzero_argument(x):
    idx = np.nonzero(x > 0)
    return np.sum(x[idx[0]] ** 2) + len(idx)


@probe(X)
def unique_inverse_bincount(x):
    labels = np.array([3, 1, 3, 7])
    _, inv = np.unique(labels, return_inverse=True)
    return np.sum(np.bincount(inv, weights=x) ** 2)


@probe(X, refused=True)
def ravel_view_write(x):
    a = np.outer(x, x[:2]).copy()
    r = a.ravel()
    r[0] = 0.0
    return np.sum(a**2)


@probe(X, refused=True)
def reshape_view_write(x):
    a = x * 1.0
    b = a.reshape(2, 2)
    b[0, 0] = 5.0
    return np.sum(a * x)


@probe(X)
def swap_via_tuple(x):
    a = x * 1.0
    a[0], a[1] = a[1], a[0]
    return np.sum(a * np.arange(4.0))


# an array copies what is assigned into it: a[[1, 0]], even were it a view, leaves no
# trace in `a` (differentiated since the mutation branch)
@probe(X)
def swap_fancy(x):
    a = x * 1.0
    a[[0, 1]] = a[[1, 0]]
    return np.sum(a * np.arange(4.0))


def _central(f, args, i, eps=1e-6):
    a = np.asarray(args[i], dtype=float)
    g = np.zeros(a.shape)
    for k in np.ndindex(a.shape):
        e = np.zeros(a.shape)
        e[k] = eps
        up, down = list(args), list(args)
        up[i] = a + e if a.shape else float(a + e)
        down[i] = a - e if a.shape else float(a - e)
        g[k] = (f(*up) - f(*down)) / (2 * eps)
    return g


@pytest.mark.parametrize("f,args,refused", PROBES)
def test_probe(f, args, refused):
    argnums = tuple(range(len(args)))
    if refused:
        for transform in (
            lambda: srcad.grad(f, argnums=argnums)(*args),
            lambda: srcad.jvp(f, args, args),
        ):
            with pytest.raises(srcad.SrcadError, match="test_soundness_probes.py:"):
                transform()
        return
    want = [_central(f, args, i) for i in argnums]
    got = srcad.grad(f, argnums=argnums)(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    ones = tuple(np.ones(np.shape(a)) if np.shape(a) else 1.0 for a in args)
    _, tangent = srcad.jvp(f, args, ones)
    np.testing.assert_allclose(tangent, sum(np.sum(w) for w in want), rtol=1e-5, atol=1e-6)
    srcad.check_grads(f, args, order=2)


def test_float32_roundtrip_keeps_the_identity_derivative():
    """A float32 cast is the identity for derivatives (as in JAX); finite differences of
    1e-6 cannot see through its rounding, so the value is checked by hand."""

    def f(x):
        return np.sum(x.astype(np.float32).astype(np.float64) ** 2)

    expected = 2 * X.astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(srcad.grad(f)(X), expected, rtol=1e-12)


M3 = np.array([[0.3, -0.7, 1.2], [0.5, 2.0, -1.1], [-0.4, 0.9, 0.6]])
MASK = (M3 > 0).ravel() * 1.0


def _nonzero_square_of_sum(m):
    return np.sum(m[np.nonzero(m > 0)]) ** 2


def _where_cube(m):
    idx = np.where(m > 0)
    return np.sum(m[idx] ** 3)


def _unravel_argmax_square(m):
    i = np.unravel_index(np.argmax(m), m.shape)
    return m[i] ** 2


def _tril_sum_squared(m):
    return np.sum(m[np.tril_indices(3)]) ** 2


def test_index_tuples_under_direction_axes():
    """jacfwd and hessian run the derivative with direction axes first: an index held in a
    name that is a tuple (np.nonzero's) indexes several axes and must not be spliced after
    them as one item (dm[:, idx] crashed, or took the tuple for one index array)."""
    h = srcad.hessian(_nonzero_square_of_sum)(M3).reshape(9, 9)
    np.testing.assert_allclose(h, 2 * np.outer(MASK, MASK), atol=1e-12)
    h = srcad.hessian(_where_cube)(M3).reshape(9, 9)
    np.testing.assert_allclose(h, np.diag(6 * M3.ravel() * MASK), atol=1e-12)
    h = srcad.hessian(_unravel_argmax_square)(M3).reshape(9, 9)
    np.testing.assert_allclose(h, np.diag(2.0 * (np.arange(9) == np.argmax(M3))), atol=1e-12)
    lower = np.tril(np.ones((3, 3))).ravel()
    h = srcad.hessian(_tril_sum_squared)(M3).reshape(9, 9)
    np.testing.assert_allclose(h, 2 * np.outer(lower, lower), atol=1e-12)
    j = srcad.jacfwd(lambda m: m[np.nonzero(m > 0)] * 2.0)(M3)
    np.testing.assert_allclose(j.reshape(-1, 9), 2.0 * np.eye(9)[MASK > 0], atol=1e-12)
