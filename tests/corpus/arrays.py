"""Array methods, attributes and every kind of index, and assignment into fresh arrays."""

import numpy as np

V = np.array([0.3, -0.7, 1.2])
V4 = np.array([0.4, -0.9, 1.3, 0.25])
M = np.array([[0.2, 0.5, -0.3], [0.7, -0.1, 0.4], [0.15, 0.35, -0.6]])
R = np.array([[0.3, -0.2, 0.8, 0.1], [-0.5, 0.9, 0.4, -0.3]])
T = np.arange(24.0).reshape(2, 3, 4) / 10.0 - 1.1


# ---------------------------------------------------------------- 5. methods and attributes
def gram_with_transpose(X):
    G = X.T @ X
    return np.trace(G) + G[0, 1]


def centered_with_keepdims(X):
    Xc = X - X.mean(axis=1, keepdims=True)
    return np.sum(Xc**2) + X.sum(axis=0).dot(X.sum(axis=1))


def reshape_variants(X):
    a = X.reshape(4, 2)
    b = X.reshape((2, -1))
    return np.sum(a[:, 0] * a[:, 1]) + X.ravel() @ b.flatten()


def astype_float64(x):
    # astype to a float type keeps the derivative; to int would drop it.
    ints = np.arange(x.shape[0]).astype(np.float64)
    return np.sum(x.astype(np.float64) * ints + x.astype(float) ** 2)


def reduction_methods(X):
    return X.max(axis=1).sum() + X.prod() * X.std()


def cumulative_and_shape_methods(T):
    return np.sum(T.cumsum(axis=2)[..., -1] * T.transpose(2, 0, 1)[0]) + np.sum(
        T[:1].squeeze(0) ** 3
    )


# ---------------------------------------------------------------- indexing
def index_negative_and_step(x):
    return x[-1] * x[0] + np.sum(x[::-1] * x) + np.sum(x[::2] ** 2) + np.sum(x[1:-1])


def outer_product_with_none(x, y):
    P = x[:, None] * y[None, :]
    return np.sum(np.sin(P)) + np.sum(x[np.newaxis] @ P)


def ellipsis_on_3d(T):
    return np.sum(T[..., 0] * T[..., -1]) + np.sum(T[0, ...] ** 2) + np.sum(T[:, 1, ...])


def integer_array_rows_and_columns(X):
    rows = np.array([0, 2, 2])
    cols = [1, 0]
    return np.sum(X[rows] ** 2) + np.sum(X[:, cols]) + np.sum(X[rows, [0, 1, 2]] * 3.0)


def boolean_mask_from_other_array(x, y):
    return np.sum(x[y > 0] ** 2) + np.sum(y[x < 0])


def boolean_mask_on_rows(X):
    keep = X[:, 0] > 0.18
    return np.sum(X[keep] ** 2)


def argmax_as_index(X):
    # The index comes from the data; the derivative flows through the selected entries.
    i = np.argmax(X[:, 0])
    j = int(np.argmin(X[i]))
    return X[i, j] * np.sum(X[i])


# ---------------------------------------------------------------- 6. assignment into fresh arrays
def fill_rows_in_loop(X):
    n, m = X.shape
    out = np.zeros((n, m))
    for i in range(n):
        out[i] = X[i] * (i + 1) + np.sin(X[i])
    return np.sum(out**2)


def augmented_column_assignment(X):
    out = np.zeros_like(X)
    for j in range(X.shape[1]):
        out[:, j] += X[:, j] ** 2
        out[:, j] += 0.5 * X[:, (j + 1) % X.shape[1]]
    return np.sum(out * X)


def running_sum_into_empty(x):
    out = np.empty_like(x)
    out[0] = x[0]
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] * 0.9 + x[i]
    return np.sum(out**2)


def slice_window_accumulate(x):
    out = np.zeros(x.shape[0] + 2)
    for i in range(x.shape[0]):
        out[i : i + 3] += x[i] * np.array([0.25, 0.5, 0.25])
    return np.sum(out**3)


def masked_assignment_on_copy(x):
    # A leaky ReLU written with a mask; no entry sits at zero.
    y = x.copy()
    y[y < 0] = 0.1 * y[y < 0]
    return np.sum(y**2)


def fancy_index_assignment(x):
    out = np.zeros(5)
    out[[0, 2, 4]] = x
    out[1] = out[0] * out[2]
    return np.sum(out * np.arange(1.0, 6.0))


def two_d_fill_with_nested_loops(x, y):
    K = np.zeros((x.shape[0], y.shape[0]))
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            K[i, j] = np.exp(-((x[i] - y[j]) ** 2))
    return np.sum(K @ y)


CASES = [
    (gram_with_transpose, (R,)),
    (centered_with_keepdims, (M,)),
    (reshape_variants, (R,)),
    (astype_float64, (V4,)),
    (reduction_methods, (R,)),
    (cumulative_and_shape_methods, (T,)),
    (index_negative_and_step, (V4,)),
    (outer_product_with_none, (V, V4)),
    (ellipsis_on_3d, (T,)),
    (integer_array_rows_and_columns, (M,)),
    (boolean_mask_from_other_array, (V, V4[:3])),
    (boolean_mask_on_rows, (M,)),
    (argmax_as_index, (M,)),
    (fill_rows_in_loop, (R,)),
    (augmented_column_assignment, (R,)),
    (running_sum_into_empty, (V4,)),
    (slice_window_accumulate, (V,)),
    (masked_assignment_on_copy, (V4,)),
    (fancy_index_assignment, (V,)),
    (two_d_fill_with_nested_loops, (V, V4)),
]
