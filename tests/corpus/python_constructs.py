"""User-style functions, one construct each, for the corpus test (issue: Python as people write it).

Each entry of CASES is (function, args). Every function is differentiated with grad (when its
output is a scalar), jvp and vjp, and checked with check_grads.
"""

import math

import numpy as np

A = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4]])


# ---------------------------------------------------------------- 1. branches and conditions
def branch_if_else(x):
    if np.sum(x) > 0:
        y = x * 2.0
    else:
        y = x**2
    return np.sum(y)


def branch_elif(x):
    s = np.sum(x)
    if s > 10:
        y = x * 3.0
    elif s > 0:
        y = np.sin(x)
    else:
        y = np.cos(x)
    return np.sum(y * x)


def conditional_expression(x):
    y = x * 2.0 if x > 0.5 else x * x
    return y + 1.0


def and_or_not_in_condition(x, y):
    if x > 0 and not y < 0 or x > 10:
        return x * y
    return x + y


def chained_comparison(x):
    if 0.0 < x < 1.0:
        return x**3
    return x


def nested_branches(x):
    if x[0] > 0:
        if x[1] > 0:
            z = x * x
        else:
            z = x * 3.0
    else:
        z = -x
    return np.sum(z)


def branch_on_integer(x, n):
    if n % 2 == 0:
        return np.sum(x) * n
    return np.sum(x * x)


# ---------------------------------------------------------------- 2. loops
def for_range(x):
    s = 0.0
    for i in range(4):
        s = s + x * i
    return np.sum(s)


def for_range_start_stop_step(x):
    y = x
    for i in range(1, 7, 2):
        y = y * np.cos(y * i)
    return np.sum(y)


def for_over_array_rows(X):
    total = 0.0
    for row in X:
        total = total + np.sum(row**2)
    return total


def for_zip(xs, ws):
    total = 0.0
    for x, w in zip(xs, ws):
        total = total + x * w
    return np.sum(total)


def for_enumerate(xs):
    total = 0.0
    for i, x in enumerate(xs):
        total = total + x * (i + 1)
    return np.sum(total)


def for_over_list(x):
    scales = [0.5, 1.5, 2.5]
    y = x
    for s in scales:
        y = np.tanh(y * s)
    return np.sum(y)


def while_loop(x):
    y = x
    k = 0
    while k < 5:
        y = y * 0.9 + np.sin(y)
        k += 1
    return np.sum(y)


def while_on_data(x):
    y = x
    while np.max(np.abs(y)) > 0.1:
        y = y * 0.5
    return np.sum(y * x)


def break_in_loop(x):
    y = x
    for i in range(10):
        y = np.sin(y) + 0.5
        if i == 4:
            break
    return np.sum(y)


def continue_in_loop(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 1:
            continue
        s = s + np.exp(x * 0.1 * i)
    return np.sum(s)


def return_in_loop(x):
    y = x
    for i in range(10):
        y = y * 1.5
        if np.sum(y) > 5.0:
            return np.sum(y * y)
    return np.sum(y)


def several_returns(x):
    if x < 0:
        return -x
    if x < 1:
        return x * x
    return 2 * x - 1


def nested_loops(X):
    total = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            total = total + X[i, j] * (i + j)
    return total


def loop_with_inner_break(x):
    total = 0.0
    for i in range(3):
        for j in range(5):
            if j > i:
                break
            total = total + x * (j + 1)
    return np.sum(total)


# ---------------------------------------------------------------- 3. calls
def helper_square(x):
    return x * x


def helper_scaled(x, scale=2.0, shift=0.0):
    return x * scale + shift


def calls_user_function(x):
    return np.sum(helper_square(x) + helper_square(x * 2.0))


def calls_with_keywords_and_defaults(x):
    a = helper_scaled(x)
    b = helper_scaled(x, shift=1.0)
    c = helper_scaled(x, scale=x)
    return np.sum(a * b + c)


def nested_def_closure(x):
    w = 3.0

    def inner(y):
        return y * w + x

    return np.sum(inner(x) * inner(2.0))


def lambda_assigned(x):
    f = lambda t: t * t + 1.0  # noqa: E731
    return np.sum(f(x) * f(x + 1.0))


def closure_over_outer(x):
    scale = np.sum(x)

    def g(y):
        return np.sin(y) * scale

    return np.sum(g(x))


def recursion_power(x, n):
    if n == 0:
        return 1.0
    return x * recursion_power(x, n - 1)


def recursive_product(x, n):
    return np.sum(recursion_power(x, n))


def math_module_function(x):
    return math.sin(x) * math.exp(x)


# ---------------------------------------------------------------- 4. containers
def tuple_build_and_index(x):
    t = (x, x * 2.0, x * 3.0)
    return np.sum(t[0] * t[2] + t[1])


def list_build_and_append(x):
    ys = []
    for i in range(3):
        ys.append(x * i)
    return np.sum(ys[0] + ys[1] * ys[2])


def dict_build_and_index(x):
    d = {"a": x, "b": np.sin(x)}
    return np.sum(d["a"] * d["b"])


def list_comprehension(x):
    ys = [x * k for k in range(1, 4)]
    return np.sum(ys[0] * ys[2] + ys[1])


def unpack_returned_tuple(x):
    a, b = np.sin(x), np.cos(x)
    return np.sum(a * b)


def stack_list(x):
    rows = [x, x * 2.0, np.sin(x)]
    return np.sum(np.stack(rows) ** 2)


def pytree_argument(params, x):
    W, b = params
    return np.sum(np.tanh(x @ W + b))


def dict_argument(params, x):
    return np.sum(params["w"] * x + params["b"])


# ---------------------------------------------------------------- 5. methods and indexing
def array_methods(x):
    return x.sum(axis=0).dot(x.mean(axis=1)) + x.T.reshape(-1).sum()


def attributes_and_astype(x):
    n = x.shape[0]
    return np.sum(x.astype(np.float64) * n) / x.ndim


def index_int_slice_none_ellipsis(x):
    return np.sum(x[0] * x[1:, None, ...].sum()) + x[..., -1].sum()


def index_integer_array(x):
    idx = np.array([0, 2, 2])
    return np.sum(x[idx] ** 2)


def index_boolean_mask(x):
    mask = x > 0
    return np.sum(x[mask] ** 3)


# ---------------------------------------------------------------- 6. indexed assignment
def fill_output_in_loop(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = x[i] * x[i + 1]
    return np.sum(out * out)


def augmented_item_assignment(x):
    y = np.zeros((2, 3))
    y[:, 1] += x[:2]
    y[0, :] = x[1:] * 2.0
    return np.sum(y**2)


def overwrite_then_read(x):
    y = x * 1.0
    y[0] = y[1] * y[2]
    y[1] = y[0] + 3.0
    return np.sum(y * x)


# ---------------------------------------------------------------- 7. untouched statements
def print_and_assert(x):
    assert x.ndim == 1, "x must be a vector"
    n = len(x)
    count = 0
    for _ in range(n):
        count += 1
    noise = np.random.default_rng(0).standard_normal(n)
    return np.sum(x * x) + 0.0 * count + np.sum(noise) * 0.0


V = np.array([0.3, -0.7, 1.2])
V4 = np.array([0.3, -0.7, 1.2, 0.4])
M = np.array([[0.2, 0.5, -0.3], [0.7, -0.1, 0.4], [0.15, 0.35, -0.6]])

CASES = [
    (branch_if_else, (V,)),
    (branch_if_else, (-V - 1.0,)),
    (branch_elif, (V,)),
    (conditional_expression, (0.7,)),
    (conditional_expression, (0.2,)),
    (and_or_not_in_condition, (0.5, 2.0)),
    (and_or_not_in_condition, (-0.5, 2.0)),
    (chained_comparison, (0.5,)),
    (chained_comparison, (1.5,)),
    (nested_branches, (V,)),
    (branch_on_integer, (V, 2)),
    (branch_on_integer, (V, 3)),
    (for_range, (V,)),
    (for_range_start_stop_step, (V * 0.3,)),
    (for_over_array_rows, (M,)),
    (for_zip, ([V, V * 2.0], [0.5, 1.5])),
    (for_enumerate, ([V, V + 1.0],)),
    (for_over_list, (V,)),
    (while_loop, (V * 0.1,)),
    (while_on_data, (V,)),
    (break_in_loop, (V,)),
    (continue_in_loop, (V,)),
    (return_in_loop, (V,)),
    (return_in_loop, (V * 0.1,)),
    (several_returns, (-0.5,)),
    (several_returns, (0.5,)),
    (several_returns, (1.5,)),
    (nested_loops, (M,)),
    (loop_with_inner_break, (V,)),
    (calls_user_function, (V,)),
    (calls_with_keywords_and_defaults, (V,)),
    (nested_def_closure, (V,)),
    (lambda_assigned, (V,)),
    (closure_over_outer, (V,)),
    (recursive_product, (V, 3)),
    (math_module_function, (0.4,)),
    (tuple_build_and_index, (V,)),
    (list_build_and_append, (V,)),
    (dict_build_and_index, (V,)),
    (list_comprehension, (V,)),
    (unpack_returned_tuple, (V,)),
    (stack_list, (V,)),
    (pytree_argument, ((A.T.copy(), np.array([0.1, -0.2])), M[:2])),
    (dict_argument, ({"w": V, "b": V * 0.5}, V4[:3])),
    (array_methods, (M,)),
    (attributes_and_astype, (V,)),
    (index_int_slice_none_ellipsis, (M,)),
    (index_integer_array, (V,)),
    (index_boolean_mask, (V,)),
    (fill_output_in_loop, (V4,)),
    (augmented_item_assignment, (V4,)),
    (overwrite_then_read, (V4[:3],)),
    (print_and_assert, (V,)),
]


# ---------------------------------------------------------------- 3b. methods of plain classes
class Affine:
    def __init__(self, scale, shift):
        self.scale = scale
        self.shift = shift

    def apply(self, x):
        return np.tanh(x * self.scale + self.shift)


AFFINE = Affine(np.array([0.5, -1.0, 2.0]), 0.1)


def method_of_plain_class(x):
    return np.sum(AFFINE.apply(x) ** 2)


def dict_items_loop(params):
    total = 0.0
    for name, value in params.items():
        total = total + np.sum(value**2) * len(name)
    return total


def list_and_tuple_conversion(x):
    rows = list(x)
    pair = tuple(rows[:2])
    return np.sum(pair[0] * pair[1] + rows[-1])


CASES += [
    (method_of_plain_class, (V,)),
    (dict_items_loop, ({"w": V, "bias": V * 2.0},)),
    (list_and_tuple_conversion, (M,)),
]


def layer(h, W):
    return np.tanh(h @ W)


def user_function_in_loop(h, W):
    for _ in range(3):
        h = layer(h, W)
    return np.sum(h**2)


def user_function_in_while(x):
    k = 0
    while k < 3:
        x = helper_scaled(x, scale=0.5, shift=np.sin(x))
        k += 1
    return np.sum(x)


CASES += [
    (user_function_in_loop, (M[:2], M * 0.5)),
    (user_function_in_while, (V,)),
]
