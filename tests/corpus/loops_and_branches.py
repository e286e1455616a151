"""Control flow as people write it: branches inside loops, loops inside branches, early exits.

Test points sit away from every branch boundary, so finite differences stay on one side.
"""

import numpy as np

V = np.array([0.3, -0.7, 1.2])
V4 = np.array([0.4, -0.9, 1.3, 0.25])
M = np.array([[0.2, 0.5, -0.3], [0.7, -0.1, 0.4], [0.15, 0.35, -0.6]])


# ---------------------------------------------------------------- 1. branches and conditions
def piecewise_smooth(x):
    # A hand-written smooth-ish activation with four pieces.
    if x < -1.0:
        return -1.0 + 0.1 * (x + 1.0)
    elif x < 0.0:
        return np.sin(x * np.pi / 2)
    elif x <= 1.0:
        return x - x**3 / 6.0
    else:
        return 5.0 / 6.0 + 0.5 * (x - 1.0)


def nested_conditional_expression(x):
    s = np.sum(x)
    scale = 2.0 if s > 1.0 else (0.5 if s < -1.0 else s)
    return np.sum(x * scale)


def conditional_expression_in_loop(x):
    y = x
    for i in range(4):
        y = y * 1.1 if i % 2 == 0 else np.sin(y)
    return np.sum(y)


def array_conditions_with_and_or_not(x, y):
    if np.all(x > -2.0) and not np.any(y > 5.0):
        z = x * y
    elif np.sum(x) > 10.0 or np.max(y) < -3.0:
        z = x + y
    else:
        z = x - y
    return np.sum(z**2)


def chained_comparison_per_element(x):
    total = 0.0
    for v in x:
        if -0.5 < v <= 0.5:
            total = total + v**2
        elif 0.5 < v < 2.0 and v != 1.0:
            total = total + np.log(v)
        else:
            total = total + v
    return total


def branch_on_shape(x):
    # Same function, different code path for vectors and matrices.
    if x.ndim == 1 and x.shape[0] > 0:
        return np.sum(np.sin(x))
    return np.sum(np.cos(x.sum(axis=0)))


def loop_inside_branch(x):
    if np.mean(x) > 0.0:
        for _ in range(3):
            x = np.tanh(x) + 0.1
    else:
        k = 0
        while k < 2:
            x = x * x
            k += 1
    return np.sum(x)


# ---------------------------------------------------------------- 2. loops
def horner_reversed_range(coeffs, x):
    # Horner's rule with an index loop counting down.
    y = 0.0
    for i in range(len(coeffs) - 1, -1, -1):
        y = y * x + coeffs[i]
    return y


def enumerate_rows_skip_one(X):
    total = 0.0
    for i, row in enumerate(X):
        if i == 1:
            continue
        total = total + np.sum(row * row) * (i + 1)
    return total


def enumerate_with_start(xs):
    # Positional start: srcad silently drops the gradient through enumerate(xs, start=1).
    total = 0.0
    for k, x in enumerate(xs, 1):
        total = total + np.sum(x) ** k
    return total


def zip_array_rows_with_list(X, b):
    weights = [0.5, 1.0, 2.0]
    out = 0.0
    for row, w, bi in zip(X, weights, b):
        out = out + w * np.tanh(np.dot(row, row) + bi)
    return out


def running_best(x):
    # Keep the largest value seen so far; the test point has distinct values.
    best = x[0]
    for v in x[1:]:
        if v > best:
            best = v
    return best * np.sum(x)


def newton_sqrt(a):
    # Iterate until converged: the trip count depends on the data.
    y = a
    while abs(y * y - a) > 1e-12 * a:
        y = 0.5 * (y + a / y)
    return y


def while_true_with_break(x):
    y = x
    steps = 0
    while True:
        y = 0.5 * y + 0.25 * np.sin(y)
        steps += 1
        if np.max(np.abs(y)) < 0.05 or steps >= 20:
            break
    return np.sum(y) * 100.0


def return_from_nested_loop(X):
    n, m = X.shape
    for i in range(n):
        for j in range(m):
            if X[i, j] > 0.6:
                return X[i, j] * np.sum(X[i])
    return np.sum(X)


def nested_loops_break_and_continue(x):
    total = 0.0
    for i in range(4):
        if i == 2:
            continue
        for j in range(4):
            if j > i:
                break
            total = total + np.sum(x ** (j + 1)) / (i + 1)
    return total


def loop_carried_pair(x):
    # a, b = b, f(a, b): the classic two-term recurrence.
    a, b = x, np.cos(x)
    for _ in range(4):
        a, b = b, 0.5 * a + 0.5 * np.sin(b)
    return np.sum(a * b)


def for_else_search(x):
    # for/else: the else runs when no break happened.
    for i in range(x.shape[0]):
        if x[i] > 1.0:
            found = x[i]
            break
    else:
        found = np.sum(x)
    return found * 2.0


CASES = [
    (piecewise_smooth, (-1.5,)),
    (piecewise_smooth, (-0.4,)),
    (piecewise_smooth, (0.6,)),
    (piecewise_smooth, (1.7,)),
    (nested_conditional_expression, (V * 2.0,)),
    (nested_conditional_expression, (-V * 4.0,)),
    (nested_conditional_expression, (V,)),
    (conditional_expression_in_loop, (V,)),
    (array_conditions_with_and_or_not, (V, V4[:3])),
    (array_conditions_with_and_or_not, (V * 5.0 + 4.0, V4[:3] + 5.0)),
    (array_conditions_with_and_or_not, (V - 3.0, V4[:3])),
    (chained_comparison_per_element, (np.array([0.2, 0.9, -1.3, 2.5, 1.5]),)),
    (branch_on_shape, (V,)),
    (branch_on_shape, (M,)),
    (loop_inside_branch, (V,)),
    (loop_inside_branch, (V - 1.0,)),
    (horner_reversed_range, (V4, 0.7)),
    (enumerate_rows_skip_one, (M,)),
    (enumerate_with_start, ([V, V * 0.5, V + 0.2],)),
    (zip_array_rows_with_list, (M, V)),
    (running_best, (V4,)),
    (newton_sqrt, (2.0,)),
    (newton_sqrt, (np.float64(0.3),)),
    (while_true_with_break, (V,)),
    (return_from_nested_loop, (M,)),
    (return_from_nested_loop, (M * 0.5,)),
    (nested_loops_break_and_continue, (V,)),
    (loop_carried_pair, (V,)),
    (for_else_search, (V,)),
    (for_else_search, (V * 0.5,)),
]
