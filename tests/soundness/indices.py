"""Class 4: repeated fancy indices in assignment and augmented assignment.

numpy's rules, which finite differences follow: in `y[idx] = v` the last write to a
position wins; `y[idx] += v` is `y[idx] = y[idx] + v`, so with a repeated index it adds
only the last occurrence's value (np.add.at is the accumulating form). Reading with a
repeated index (a gather) sums the adjoints of the copies.
"""

from __future__ import annotations

import numpy as np

from .case import Cases

CASES = Cases(__name__, 4)

X = np.array([0.3, -0.7, 1.2])
X4 = np.array([0.5, -0.4, 1.1, 0.8])
M = np.array([[0.5, -1.0, 0.3], [0.2, 0.7, -0.4]])
W = np.array([1.0, 2.0, 3.0])
DUP = np.array([0, 0, 2])
DUP4 = np.array([1, 3, 1, 1])


# ----------------------------------------------------------------------------- assignment
@CASES(X)
def assign_repeated_list(x):
    y = np.zeros(3)
    y[[0, 0]] = x[:2]
    return np.sum(y * W)


@CASES(X)
def assign_repeated_array(x):
    y = np.zeros(3)
    y[DUP] = x * 2.0
    return np.sum(y * W)


@CASES(X)
def assign_repeated_scalar(x):
    y = np.ones(3)
    y[[1, 1, 1]] = x[2] ** 2
    return np.sum(y * W)


@CASES(X)
def assign_repeated_over_active(x):
    y = np.sin(x)
    y[[2, 2]] = x[:2] * 3.0
    return np.sum(y * W)


@CASES(X)
def assign_negative_alias(x):
    y = np.zeros(3)
    y[[0, -3]] = x[1:]
    return np.sum(y * W)


@CASES(X)
def assign_repeated_vector_output(x):
    y = np.zeros(3)
    y[[0, 0, 1]] = x
    return y


@CASES(X4)
def assign_repeated_long(x):
    y = np.zeros(4)
    y[DUP4] = x
    return np.sum(y * np.arange(1.0, 5.0))


@CASES(M)
def assign_repeated_rows(m):
    y = np.zeros((2, 3))
    y[[1, 1]] = m
    return np.sum(y * M)


@CASES(M)
def assign_repeated_columns(m):
    y = np.zeros((2, 3))
    y[:, [0, 0, 1]] = m
    return np.sum(y * M)


@CASES(M)
def assign_repeated_pairs(m):
    y = np.zeros((2, 3))
    y[[0, 0], [1, 1]] = m[0, :2]
    return np.sum(y * M)


@CASES(X)
def assign_repeated_in_loop(x):
    y = np.zeros(3)
    for k in range(2):
        y[[k, k]] = x[k : k + 2] * (k + 1.0)
    return np.sum(y * W)


@CASES(X)
def assign_repeated_from_gather(x):
    y = np.zeros(3)
    y[[2, 2]] = x[[0, 1]]
    return np.sum(y**2)


@CASES(X)
def assign_ix_repeated(x):
    y = np.zeros((3, 3))
    y[np.ix_([0, 0], [1, 2])] = np.outer(x[:2], x[1:])
    return np.sum(y)


# ----------------------------------------------------------------------------- augmented
@CASES(X)
def iadd_repeated_list(x):
    y = np.zeros(3)
    y[[0, 0]] += x[:2]
    return np.sum(y * W)


@CASES(X)
def iadd_repeated_array(x):
    y = np.ones(3)
    y[DUP] += x**2
    return np.sum(y * W)


@CASES(X)
def isub_repeated(x):
    y = x * 2.0
    y[[1, 1]] -= x[1:]
    return np.sum(y * W)


@CASES(X)
def imul_repeated(x):
    y = x + 2.0
    y[[0, 0, 0]] *= x
    return np.sum(y * W)


@CASES(X)
def iadd_repeated_scalar(x):
    y = np.zeros(3)
    y[[2, 2, 2]] += x[0] * 5.0
    return np.sum(y * W)


@CASES(X)
def explicit_add_repeated(x):
    y = np.zeros(3)
    y[[1, 1]] = y[[1, 1]] + x[:2]
    return np.sum(y * W)


@CASES(X)
def iadd_repeated_vector_output(x):
    y = x * 1.0
    y[[2, 2]] += x[:2]
    return y


@CASES(X4)
def iadd_repeated_long(x):
    y = np.zeros(4)
    y[DUP4] += np.sin(x)
    return np.sum(y * np.arange(1.0, 5.0))


@CASES(M)
def iadd_repeated_rows(m):
    y = np.zeros((2, 3))
    y[[0, 0]] += m
    return np.sum(y * M)


@CASES(X)
def iadd_repeated_in_loop(x):
    y = np.zeros(3)
    for k in range(3):
        y[[0, 0]] += x[k] * np.array([1.0, 2.0])
    return np.sum(y * W)


@CASES(X)
def iadd_negative_alias(x):
    y = np.zeros(3)
    y[[2, -1]] += x[:2]
    return np.sum(y * W)


# ----------------------------------------------------------------------------- gathers (reads)
@CASES(X)
def gather_repeated(x):
    z = x[[0, 0, 1]]
    return np.sum(z * W)


@CASES(X)
def gather_repeated_take(x):
    z = np.take(x, DUP)
    return np.sum(z * z)


@CASES(M)
def gather_repeated_rows(m):
    z = m[[1, 1, 0]]
    return np.sum(z**2)


@CASES(X)
def gather_then_scatter_repeated(x):
    z = x[[2, 2]]
    y = np.zeros(3)
    y[[0, 0]] = z * np.array([1.0, 3.0])
    return np.sum(y * W)


@CASES(X)
def gather_repeated_vector_output(x):
    return x[[1, 1, 2, 0]] * 2.0
