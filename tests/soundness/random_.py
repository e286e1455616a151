"""Class 8: random draws with a differentiated parameter, and other operations numpy users
reach for that have no obvious derivative: np.bincount and np.histogram weights, writing
through a.astype(float, copy=False), np.matrix arguments (where * is a matrix product), and
jacfwd/jacrev of a non-holomorphic function of a complex input (JAX refuses those).

The oracle reseeds numpy's global random state before every call, so a function drawing
from np.random is the same function at every call and finite differences measure the
pathwise (reparameterized) derivative: d/dmu normal(mu, s) = 1, d/ds normal(mu, s) = z.
Functions that make their own seeded Generator are deterministic anyway; for an unseeded
Generator only derivatives that do not depend on the draw are checked (by hand).
"""

from __future__ import annotations

import warnings

import numpy as np

from .case import Cases

CASES = Cases(__name__, 8)

X = np.array([0.3, -0.7, 1.2])
W = np.array([1.0, 2.0, 3.0])
IDX = np.array([0, 2, 2, 1, 0])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)  # np.matrix is what is tested
    M2 = np.matrix([[1.0, 0.5], [-0.3, 2.0]])
Z = np.array([1.0 + 2.0j, 0.5 - 1.0j])


# ----------------------------------------------------------------------------- legacy global state
@CASES(0.4)
def normal_mu(mu):
    return np.sum(np.random.normal(mu, 1.0, size=3) * W)


@CASES(0.8)
def normal_scale(s):
    return np.sum(np.random.normal(0.0, s, size=3) * W)


@CASES(0.4, 0.8)
def normal_both(mu, s):
    return np.sum(np.random.normal(mu, s, 4) ** 2)


@CASES(X)
def normal_array_mean(x):
    return np.sum(np.random.normal(x, 0.5) * W)


@CASES(1.5)
def uniform_high(high):
    return np.sum(np.random.uniform(0.0, high, size=3))


@CASES(-0.5)
def uniform_low(low):
    return np.sum(np.random.uniform(low, 1.0, 3) * W)


@CASES(0.7)
def exponential_scale(scale):
    return np.sum(np.random.exponential(scale, size=3))


@CASES(0.3, 0.6)
def lognormal_params(mu, s):
    return np.sum(np.random.lognormal(mu, s, 3))


@CASES(0.2, 1.1)
def laplace_params(loc, scale):
    return np.sum(np.random.laplace(loc, scale, 3) * W)


@CASES(0.9)
def rayleigh_scale(scale):
    return np.sum(np.random.rayleigh(scale, 3))


@CASES(X)
def multivariate_normal_mean(x):
    return np.sum(np.random.multivariate_normal(x, np.eye(3)) * W)


@CASES(X)
def permutation_of_x(x):
    return np.sum(np.random.permutation(x) * W)


@CASES(X)
def choice_of_x(x):
    return np.random.choice(x) * 3.0


@CASES(X)
def choice_of_x_size(x):
    return np.sum(np.random.choice(x, size=2, replace=False) * np.array([1.0, 5.0]))


@CASES(X)
def shuffle_copy(x):
    y = x * 1.0
    np.random.shuffle(y)
    return np.sum(y * W)


@CASES(0.4)
def seed_then_normal(mu):
    np.random.seed(3)
    return np.sum(np.random.normal(mu, 2.0, 3) ** 2)


@CASES(0.3)
def binomial_probability(p):
    return np.sum(np.random.binomial(10, p, 3) * 1.0) + p


@CASES(1.5)
def poisson_rate(lam):
    return np.sum(np.random.poisson(lam, 3) * 1.0) + lam * 2.0


@CASES(0.4, 0.8)
def randn_reparameterized(mu, s):
    return np.sum((mu + s * np.random.randn(3)) ** 2)


@CASES(X)
def dropout_mask(x):
    mask = np.random.rand(3) > 0.5
    return np.sum(x * mask / 0.5 * W)


# ----------------------------------------------------------------------------- Generators
@CASES(0.4, 0.8)
def rng_normal_seeded(mu, s):
    rng = np.random.default_rng(0)
    return np.sum(rng.normal(mu, s, 3) * W)


@CASES(0.4, primal=False, jac=3.0)
def rng_normal_unseeded_mean(mu):
    rng = np.random.default_rng()
    return np.sum(rng.normal(mu, 1.0, 3))


@CASES(1.5)
def rng_uniform_high(high):
    rng = np.random.default_rng(1)
    return np.sum(rng.uniform(0.0, high, 3) * W)


@CASES(0.7)
def rng_exponential_scale(scale):
    rng = np.random.default_rng(2)
    return np.sum(rng.exponential(scale, 3))


@CASES(1.3)
def rng_gamma_scale(scale):
    rng = np.random.default_rng(4)
    return np.sum(rng.gamma(2.0, scale, 3))


@CASES(X)
def rng_permutation(x):
    rng = np.random.default_rng(5)
    return np.sum(rng.permutation(x) * W)


@CASES(X)
def rng_choice(x):
    rng = np.random.default_rng(6)
    return np.sum(rng.choice(x, 2) * np.array([1.0, 4.0]))


@CASES(X)
def rng_shuffle(x):
    rng = np.random.default_rng(7)
    y = x * 2.0
    rng.shuffle(y)
    return np.sum(y * W)


@CASES(X)
def rng_standard_normal_reparameterized(x):
    rng = np.random.default_rng(8)
    return np.sum((x + 0.5 * rng.standard_normal(3)) ** 2)


@CASES(X)
def rng_integers_as_index(x):
    rng = np.random.default_rng(9)
    i = rng.integers(0, 3)
    return x[i] * 2.0 + np.sum(x)


# ----------------------------------------------------------------------------- bincount, histogram
@CASES(np.array([0.5, -0.2, 1.0, 0.7, 0.1]))
def bincount_weights(w):
    return np.sum(np.bincount(IDX, weights=w) * W)


@CASES(np.array([0.5, -0.2, 1.0, 0.7, 0.1]))
def bincount_weights_squared(w):
    return np.sum(np.bincount(IDX, weights=w**2, minlength=4) * np.arange(1.0, 5.0))


@CASES(np.array([0.5, -0.2, 1.0, 0.7, 0.1]))
def bincount_vector_output(w):
    return np.bincount(IDX, w)


@CASES(np.array([0.5, -0.2, 1.0, 0.7, 0.1]))
def histogram_weights(w):
    counts, _ = np.histogram(np.array([0.1, 0.5, 0.9, 0.3, 0.7]), bins=3, weights=w)
    return np.sum(counts * W)


# ----------------------------------------------------------------------------- astype copy=False
@CASES(X)
def astype_copy_false_write_fresh(x):
    a = x * 2.0
    b = a.astype(float, copy=False)
    b[0] = 5.0
    return np.sum(a * W)


@CASES(X)
def astype_copy_false_scale_argument(x):
    b = x.astype(np.float64, copy=False)
    b *= 2.0
    return np.sum(x * x)


@CASES(X)
def astype_copy_false_add_fresh(x):
    a = np.sin(x)
    a.astype("float64", copy=False)[1:] += x[:2]
    return np.sum(a * W)


@CASES(X)
def astype_copy_true_write(x):
    a = x * 2.0
    b = a.astype(float, copy=True)
    b[0] = 5.0
    return np.sum(a * W) + np.sum(b)


# ----------------------------------------------------------------------------- np.matrix
@CASES(M2)
def matrix_star_is_matmul(m):
    return np.sum(m * m)


@CASES(M2)
def matrix_power_operator(m):
    return np.sum(m**2)


@CASES(M2)
def matrix_transpose_product(m):
    return np.sum(m.T * m)


@CASES(M2)
def matrix_times_column(m):
    v = m[:, :1] * 0.0 + np.array([[1.0], [2.0]])
    return np.sum(m * v)


@CASES(M2)
def matrix_elementwise_multiply(m):
    return np.sum(np.multiply(m, m))


@CASES(M2)
def matrix_as_array(m):
    a = np.asarray(m)
    return np.sum(a * a)


@CASES(M2)
def matrix_sum_axis(m):
    return np.sum(np.sin(m).sum(axis=0))


# ----------------------------------------------------------------------------- complex inputs
@CASES(Z, checks="jacfwd", refuse=True)
def jacfwd_conj_product(z):
    return z * np.conj(z)


@CASES(Z, checks="jacrev", refuse=True)
def jacrev_conj_product(z):
    return z * np.conj(z)


@CASES(Z, checks="jacfwd", refuse=True)
def jacfwd_conj(z):
    return np.conj(z) * 2.0


@CASES(Z, checks="jacfwd", refuse=True)
def jacfwd_real_part(z):
    return np.real(z) + z * 0.0


@CASES(Z, checks="jacfwd", refuse=True)
def jacfwd_abs(z):
    return np.abs(z) + 0.0j


@CASES(Z, checks="jacrev", refuse=True)
def jacrev_abs_squared(z):
    return np.abs(z) ** 2 + 0.0j


@CASES(Z, checks="jacfwd", refuse=True)
def jacfwd_method_conj(z):
    return z.conj() * z * z


@CASES(Z, checks="jacfwd jvp")
def jacfwd_holomorphic_square(z):
    return z**2


@CASES(Z, checks="jacfwd jvp")
def jacfwd_holomorphic_exp(z):
    return np.exp(z) * z
