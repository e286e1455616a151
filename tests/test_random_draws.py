"""Random draws with a differentiated parameter: the reparameterized derivative, or a refusal.

normal, uniform and exponential (numpy.random's functions, Generator and RandomState
methods) are differentiated along the draw's path: d/dloc = 1, d/dscale = z, d/dlow = 1 - u,
d/dhigh = u, d/dscale = e (srcad.rules.numpy_random). The seed is fixed inside each function,
so finite differences see a deterministic function (srcad.check_grads, order 2: the jvp of
the gradient too), and the standard draws of the same seed give the hand derivative. Other
distributions with a differentiated parameter are refused where they are called.
"""

from __future__ import annotations

import numpy as np
import pytest

import srcad

W = np.array([1.0, 2.0, 3.0])
RNG = np.random.default_rng(11)  # a global generator


def legacy_normal(mu, s):
    np.random.seed(1)
    return np.sum(np.random.normal(mu, s, 3) * W)


def generator_normal(mu, s):
    rng = np.random.default_rng(0)
    return np.sum(rng.normal(mu, s, 3) * W)


def chained_generator_normal(mu, s):
    return np.sum(np.random.default_rng(0).normal(0.0, s, 3) * W + mu)


def random_state_normal(mu, s):
    r = np.random.RandomState(0)
    return np.sum(r.normal(mu, s, 3) ** 2)


def broadcast_normal(mu, s):
    rng = np.random.default_rng(4)
    return np.sum(rng.normal(mu, s, size=(2, 3)) ** 2 * W)


def keyword_normal(mu, s):
    rng = np.random.default_rng(4)
    return np.sum(np.cos(rng.normal(scale=s, loc=mu, size=(4,))))


def generator_uniform(lo, hi):
    return np.sum(np.random.default_rng(2).uniform(lo, hi, size=(2, 3)) * W)


def legacy_uniform(lo, hi):
    np.random.seed(5)
    return np.sum(np.random.uniform(lo, hi, 3) ** 2)


def random_state_exponential(scale):
    r = np.random.RandomState(3)
    return np.sum(r.exponential(scale, size=(2, 3)) ** 2)


def legacy_exponential(scale):
    np.random.seed(6)
    return np.sum(np.sin(np.random.exponential(scale, 4)))


def generator_exponential(scale):
    rng = np.random.default_rng(7)
    return np.sum(rng.exponential(scale, (2, 3)) * W)


def generator_argument(mu, s, rng):
    return np.sum(np.tanh(rng.normal(mu, s, (4, 3))))


CASES = [
    (legacy_normal, (0.4, 0.8)),
    (generator_normal, (0.4, 0.8)),
    (chained_generator_normal, (0.4, 0.8)),
    (random_state_normal, (0.4, 0.8)),
    (broadcast_normal, (W * 0.1, np.array([[0.5], [1.5]]))),
    (keyword_normal, (np.array([0.1, 0.2, -0.3, 0.4]), 0.7)),
    (generator_uniform, (0.1, 1.4)),
    (generator_uniform, (np.array([0.1, -0.2, 0.3]), 1.4)),
    (legacy_uniform, (0.1, 1.4)),
    (random_state_exponential, (0.7,)),
    (legacy_exponential, (np.array([0.5, 1.5, 2.0, 0.3]),)),
    (generator_exponential, (np.array([[0.5], [1.5]]),)),
]


@pytest.mark.parametrize("f,args", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_draws_against_finite_differences(f, args):
    srcad.check_grads(f, args, order=2)


def test_generator_argument_against_finite_differences():
    def fixed(mu, s):
        return generator_argument(mu, s, np.random.default_rng(5))

    g = srcad.grad(generator_argument, argnums=(0, 1))
    got = g(0.3, 0.9, np.random.default_rng(5))
    eps = 1e-6
    want = [
        (fixed(0.3 + eps, 0.9) - fixed(0.3 - eps, 0.9)) / (2 * eps),
        (fixed(0.3, 0.9 + eps) - fixed(0.3, 0.9 - eps)) / (2 * eps),
    ]
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_hand_derivatives():
    z = np.random.default_rng(0).standard_normal(3)
    g = srcad.grad(generator_normal, argnums=(0, 1))(0.4, 0.8)
    np.testing.assert_allclose(g, (W.sum(), np.sum(z * W)), rtol=1e-12)
    u = np.random.default_rng(2).random((2, 3))
    g = srcad.grad(generator_uniform, argnums=(0, 1))(0.1, 1.4)
    np.testing.assert_allclose(g, (np.sum((1 - u) * W), np.sum(u * W)), rtol=1e-12)
    e = np.random.RandomState(3).standard_exponential((2, 3))
    g = srcad.grad(random_state_exponential)(0.7)
    np.testing.assert_allclose(g, np.sum(2 * 0.7 * e * e), rtol=1e-12)
    _, t = srcad.jvp(generator_normal, (0.4, 0.8), (0.0, 1.0))
    np.testing.assert_allclose(t, np.sum(z * W), rtol=1e-12)


def test_the_draw_is_made_once_on_the_users_stream():
    """Generated code calls the generator as the function does, once: the value is the
    function's, and the global stream moves on as much as without srcad."""

    def unseeded(mu):
        return np.sum(np.random.normal(mu, 2.0, 3))

    np.random.seed(9)
    want = unseeded(0.4)
    next_draw = np.random.random()
    for transform in (srcad.value_and_grad, lambda f: lambda x: srcad.jvp(f, (x,), (1.0,))):
        np.random.seed(9)
        value, _ = transform(unseeded)(0.4)
        assert value == want
        assert np.random.random() == next_draw


def test_global_generator():
    def f(mu, s):
        return np.sum(RNG.normal(mu, s, 3) * W)

    # the draw moves RNG on: the derivative in mu does not depend on it, the one in s is the
    # standard draw RNG makes
    state = RNG.bit_generator.state
    g = srcad.grad(f, argnums=(0, 1))(0.2, 0.5)
    RNG.bit_generator.state = state
    z = RNG.standard_normal(3)
    np.testing.assert_allclose(g, (W.sum(), np.sum(z * W)), rtol=1e-12)


class Sampler:
    """Not a generator: its `normal` is no draw."""

    def normal(self, loc, scale, size):
        return loc * scale * np.ones(size)


def test_a_user_objects_normal_method_is_not_a_draw():
    def f(mu, sampler):
        return np.sum(sampler.normal(mu, 2.0, 3))

    # the user's method, differentiated as such (dispatched when the code runs): 2 * 3
    assert srcad.grad(f)(0.5, Sampler()) == 6.0
    assert "dispatch_normal" in srcad.source(srcad.grad(f))
    srcad.check_grads(lambda m: f(m, Sampler()), (0.5,), order=2)


def gamma_scale(scale):
    return np.sum(np.random.default_rng(4).gamma(2.0, scale, 3))


def legacy_gamma_shape(a):
    return np.sum(np.random.gamma(a, 1.0, 3))


def beta_parameter(a):
    return np.sum(np.random.default_rng(1).beta(a, 2.0, 3))


def poisson_rate(lam):
    return np.sum(np.random.poisson(lam, 3) * 1.0) + lam


def choice_of_x(x):
    return np.sum(np.random.default_rng(6).choice(x, 2))


def permutation_of_x(x):
    return np.sum(np.random.permutation(x) * W)


def shuffle_of_y(x):
    y = x * 2.0
    np.random.default_rng(7).shuffle(y)
    return np.sum(y * W)


def lognormal_parameter(mu):
    return np.sum(np.random.lognormal(mu, 1.0, 3))


@pytest.mark.parametrize(
    "f,name",
    [
        (gamma_scale, "gamma"),
        (legacy_gamma_shape, "gamma"),
        (beta_parameter, "beta"),
        (poisson_rate, "poisson"),
        (choice_of_x, "choice"),
        (permutation_of_x, "permutation"),
        (shuffle_of_y, "shuffle"),
        (lognormal_parameter, "lognormal"),
    ],
)
def test_other_distributions_are_refused(f, name):
    x = W * 0.3 if name in ("choice", "permutation", "shuffle") else 1.3
    for transform in (srcad.grad, lambda f: lambda x: srcad.jvp(f, (x,), (x,))):
        with pytest.raises(srcad.SrcadError) as info:
            transform(f)(x)
        message = str(info.value)
        assert "test_random_draws.py" in message and name in message, message
