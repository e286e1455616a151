"""Calls as people write them: helpers here and in another module, closures, lambdas, recursion,
methods of objects held in globals, and statements that never touch the derivative.
"""

import math

import numpy as np

from . import _helpers
from ._helpers import STANDARDIZER, dense, make_scaler, softplus, sum_of_squares

V = np.array([0.3, -0.7, 1.2])
V4 = np.array([0.4, -0.9, 1.3, 0.25])
M = np.array([[0.2, 0.5, -0.3], [0.7, -0.1, 0.4], [0.15, 0.35, -0.6]])


# ---------------------------------------------------------------- 3. calls to user functions
def calls_other_module_by_name(x):
    # Imported with `from ._helpers import ...`.
    return np.sum(softplus(x) * x) + sum_of_squares(x, weight=0.5)


def calls_other_module_attribute(x, W):
    # Reached through the module object: _helpers.dense calls _helpers.activation.
    h = _helpers.dense(x, W, 0.1)
    g = dense(x, W, -0.2, kind="softplus")
    return np.sum(h * g)


# ---------------------------------------------------------------- nested defs and closures
def nested_def_with_default(x):
    def bump(y, width=0.5):
        return np.exp(-((y / width) ** 2))

    return np.sum(bump(x) + bump(x, width=2.0))


def nested_def_calls_nested_def(x):
    def square(y):
        return y * y

    def norm(y):
        return np.sqrt(np.sum(square(y)) + 1.0)

    return norm(x) * norm(2.0 * x)


def closure_in_loop_late_binding(x):
    # The nested function reads k when it is called, in the same iteration.
    y = x
    for k in range(1, 4):

        def step(z):
            return z + 0.1 * k * np.sin(z)

        y = step(y)
    return np.sum(y)


TRIPLE = make_scaler(3.0)


def closure_held_in_global(x):
    return np.sum(TRIPLE(x) ** 2)


def lambdas_calling_lambdas(x):
    # `f, g = (lambda t: t * 2), (lambda t: t + 1)` is refused by srcad, so one per line.
    sq = lambda t: t * t
    f = lambda t: sq(t) + 1.0
    g = lambda t: f(t) * sq(t + 0.5)
    return np.sum(g(x) - f(x))


def lambda_with_default(x):
    h = lambda t, s=0.5: np.tanh(t * s)
    return np.sum(h(x) + h(x, 2.0))


def lambda_closing_over_input(x):
    w = np.sum(x**2)
    h = lambda t: np.tanh(t) * w
    return np.sum(h(x) * h(w))


# ---------------------------------------------------------------- recursion
def halve_until_small(x):
    # The number of calls depends on the data.
    if np.max(np.abs(x)) < 0.5:
        return np.sin(x)
    return halve_until_small(x * 0.5) + 0.1 * x


def recursion_data_dependent_depth(x):
    return np.sum(halve_until_small(x))


def tree_product(xs):
    if xs.shape[0] == 1:
        return xs[0]
    mid = xs.shape[0] // 2
    return tree_product(xs[:mid]) * tree_product(xs[mid:])


def recursion_divide_and_conquer(x):
    return tree_product(np.cos(x))


def ping(x, n):
    if n <= 0:
        return x
    return pong(np.sin(x), n - 1)


def pong(x, n):
    if n <= 0:
        return x
    return ping(x * 1.5, n - 1)


def mutual_recursion(x, n):
    return np.sum(ping(x, n))


# ---------------------------------------------------------------- methods of plain classes
class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def value(self, x):
        return _helpers.horner(self.coeffs, x)

    def derivative_coeffs(self):
        n = len(self.coeffs) - 1
        return [c * (n - i) for i, c in enumerate(self.coeffs[:-1])]

    def slope(self, x):
        return _helpers.horner(self.derivative_coeffs(), x)


POLY = Polynomial([0.5, -1.0, 2.0, 0.3])


def method_calls_on_global_instance(x):
    return np.sum(POLY.value(x) * POLY.slope(x)) + np.sum(STANDARDIZER.transform(x) ** 2)


# ---------------------------------------------------------------- 7. statements off the derivative
def print_inside_loop(x):
    y = x
    for i in range(3):
        y = np.tanh(y) + 0.5
        print(f"step {i}: |y| = {np.linalg.norm(y):.3f}")
    print("done", y.shape)
    return np.sum(y)


def asserts_on_shapes_and_values(x):
    assert x.shape == (3,), f"expected a 3-vector, got {x.shape}"
    assert np.all(np.isfinite(x))
    y = np.exp(x)
    assert np.all(y > 0), "exp is positive"
    return np.sum(y * x)


def integer_counter_in_branch(x):
    # Mean of the positive entries, counting them by hand.
    total = 0.0
    count = 0
    for v in x:
        if v > 0:
            total = total + v**2
            count += 1
    return total / max(count, 1)


def shape_arithmetic(x):
    n = x.shape[0]
    half = n // 2
    rest = n - 2 * half
    y = x[:half] * x[half : 2 * half]
    return np.sum(y) * (rest + 1) + x.size / len(x) * np.sum(x)


def seeded_generator(x):
    rng = np.random.default_rng(42)
    W = rng.standard_normal((3, 3))
    noise = rng.normal(scale=0.1, size=3)
    return np.sum(np.tanh(W @ x + noise))


def legacy_global_seed(x):
    np.random.seed(0)
    dropout_mask = np.random.rand(3) > 0.3
    return np.sum(x * x * dropout_mask) / 0.7


def constants_from_calls(x):
    n = len(x)
    grid = np.linspace(0.0, 1.0, n)
    eye = np.eye(n)
    ones = np.ones_like(x)
    return np.sum((eye + np.outer(grid, ones)) @ x * x) * math.pi


CASES = [
    (calls_other_module_by_name, (V,)),
    (calls_other_module_attribute, (V, M)),
    (nested_def_with_default, (V,)),
    (nested_def_calls_nested_def, (V,)),
    (closure_in_loop_late_binding, (V,)),
    (closure_held_in_global, (V,)),
    (lambdas_calling_lambdas, (V,)),
    (lambda_with_default, (V,)),
    (lambda_closing_over_input, (V,)),
    (recursion_data_dependent_depth, (V,)),
    (recursion_data_dependent_depth, (V * 5.0,)),
    (recursion_divide_and_conquer, (V4,)),
    (recursion_divide_and_conquer, (V,)),
    (mutual_recursion, (V, 3)),
    (method_calls_on_global_instance, (V,)),
    (print_inside_loop, (V,)),
    (asserts_on_shapes_and_values, (V,)),
    (integer_counter_in_branch, (V4,)),
    (shape_arithmetic, (np.array([0.3, -0.7, 1.2, 0.5, 0.9]),)),
    (seeded_generator, (V,)),
    (legacy_global_seed, (V,)),
    (constants_from_calls, (V,)),
]
