"""Class 0: the everyday code between the classes of issue 13. Views, slices, reshape and .T
written through; aliases; helpers returning views or their argument; containers that hold
arrays which then change; loops and branches that change arrays in place; overlapping slice
assignment; the same array appended to a list in every iteration."""

from __future__ import annotations

import numpy as np

from .case import Cases

CASES = Cases(__name__, 0)

X = np.array([0.3, -0.7, 1.2])
X4 = np.array([0.5, -0.4, 1.1, 0.8])
W = np.array([1.0, 2.0, 3.0])
M = np.array([[0.5, -1.0, 0.3], [0.2, 0.7, -0.4]])
S = np.array([[2.0, 0.4, -0.2], [0.3, 1.5, 0.5], [0.6, 0.1, 1.9]])


def _head(a):
    return a[:2]


def _same(a):
    return a


def _rows(m):
    return m[0], m[1]


# ------------------------------------------------------------------------ views written through
@CASES(X)
def slice_view_scaled(x):
    y = x * 1.0
    v = y[1:]
    v *= 2.0
    return np.sum(y * W)


@CASES(X)
def reshape_view_item(x):
    y = x * 1.0
    v = y.reshape(3, 1)
    v[0, 0] = 5.0 * x[2]
    return np.sum(y * W)


@CASES(X)
def transpose_view_row(x):
    y = np.zeros((3, 2))
    y.T[0] = x
    return np.sum(y[:, 0] * W) + np.sum(y)


@CASES(X)
def alias_item(x):
    y = x * 1.0
    z = y
    z[0] = x[1] ** 2
    return np.sum(y * W)


@CASES(X)
def ravel_view_item(x):
    y = x * 2.0
    r = np.ravel(y)
    r[1] = 3.0
    return np.sum(y * W)


@CASES(X)
def view_method_item(x):
    y = np.sin(x)
    v = y.view()
    v[2] = 0.0
    return np.sum(y * W)


@CASES(X)
def reversed_view_item(x):
    y = x * 1.0
    v = y[::-1]
    v[0] = x[0] * 7.0
    return np.sum(y * W)


@CASES(X)
def asarray_alias_of_argument(x):
    a = np.asarray(x)
    a[0] = 0.0
    return np.sum(x * x)


@CASES(X)
def reshape_of_argument_written(x):
    y = x.reshape(3)
    y[1] = 2.0
    return np.sum(x * W)


@CASES(X)
def split_views_written(x):
    y = x * 1.0
    a, b = np.split(y, [1])
    a[0] = 5.0 * x[1]
    return np.sum(y * W)


@CASES(X)
def helper_returns_view(x):
    y = x * 1.0
    h = _head(y)
    h += 1.0 + x[:2]
    return np.sum(y * W)


@CASES(X)
def helper_returns_argument(x):
    y = x * 1.0
    z = _same(y)
    z *= 2.0
    return np.sum(y * W)


@CASES(M)
def helper_returns_row_views(m):
    y = m * 1.0
    r0, r1 = _rows(y)
    r0 += r1
    return np.sum(y * M)


@CASES(M)
def for_over_rows_changes_matrix(m):
    y = m * 1.0
    for row in y:
        row *= 2.0
    return np.sum(y * M)


@CASES(M)
def row_views_in_list_then_scaled(m):
    y = m * 1.0
    rows = [y[0], y[1]]
    y *= 3.0
    return np.sum(rows[0] * W) + np.sum(rows[1])


@CASES(M)
def swap_rows_with_views(m):
    a = m * 1.0
    a[0], a[1] = a[1], a[0]
    return np.sum(a * M)


@CASES(M)
def swap_rows_with_fancy_index(m):
    a = m * 1.0
    a[[0, 1]] = a[[1, 0]]
    return np.sum(a * M)


@CASES(X)
def swap_items(x):
    y = x * 1.0
    y[0], y[1] = y[1], y[0]
    return np.sum(y * W)


# --------------------------------------------------------------------------------------- slices
@CASES(X)
def overlapping_shift(x):
    y = x * 1.0
    y[1:] = y[:-1]
    return np.sum(y * W)


@CASES(X)
def overlapping_iadd(x):
    y = x * 1.0
    y[1:] += y[:-1]
    return np.sum(y * W)


@CASES(X4)
def strided_iadd(x):
    y = x * 1.0
    y[::2] += 1.0 + x[1::2]
    return np.sum(y * np.arange(1.0, 5.0))


@CASES(X)
def reversed_slice_assign(x):
    y = np.zeros(3)
    y[::-1] = x**2
    return np.sum(y * W)


@CASES(M)
def ellipsis_column_assign(m):
    y = m * 1.0
    y[..., 0] = np.tanh(m[..., 2])
    return np.sum(y * M)


@CASES(X)
def empty_like_filled(x):
    y = np.empty_like(x)
    y[:] = np.sin(x)
    return np.sum(y * W)


@CASES(X)
def zeros_like_ellipsis(x):
    y = np.zeros_like(x)
    y[...] = x**2
    return np.sum(y * W)


@CASES(X)
def mask_augassign(x):
    y = x * 1.0
    y[y > 0] *= 2.0
    return np.sum(y * W)


@CASES(X)
def triangle_zeroed(x):
    y = x[:, None] * x[None, :]
    y[np.triu_indices(3, 1)] = 0.0
    return np.sum(y * S)


@CASES(X)
def gaussian_elimination_step(x):
    a = np.outer(x, W) + S
    a[1] -= a[0] * (a[1, 0] / a[0, 0])
    a[2] -= a[0] * (a[2, 0] / a[0, 0])
    return np.sum(a * S)


@CASES(S)
def forward_substitution_in_place(m):
    a = m.copy()
    n = a.shape[0]
    for k in range(n):
        a[k] /= a[k, k]
        for i in range(k + 1, n):
            a[i] -= a[i, k] * a[k]
    return np.sum(a * S)


# --------------------------------------------------------------------------- loops and branches
@CASES(X)
def recurrence_in_array(x):
    out = np.ones(3)
    for i in range(1, 3):
        out[i] = out[i - 1] * x[i] + 1.0
    return np.sum(out * W)


@CASES(X)
def in_place_iteration(x):
    y = x * 1.0
    for _ in range(4):
        y *= 0.5
        y += x
    return np.sum(y * W)


@CASES(X)
def branch_on_data_changes_item(x):
    y = np.zeros(3)
    if x[0] > 0:
        y[0] = x[1] * 2.0
    else:
        y[1] = x[2]
    return np.sum(y * W)


@CASES(X)
def branch_in_place_sign(x):
    y = x * 1.0
    if np.sum(x) > 0:
        y += x**2
    else:
        y -= x**2
    return np.sum(y * W)


@CASES(X)
def loop_with_break_and_item(x):
    y = x * 1.0
    for i in range(3):
        if y[i] > 1.0:
            break
        y[i] = y[i] * 3.0
    return np.sum(y * W)


@CASES(X)
def same_array_appended_each_iteration(x):
    y = x * 1.0
    hist = []
    for _ in range(3):
        y += x
        hist.append(y)
    return np.sum(np.stack(hist) * W)


@CASES(X)
def new_array_appended_each_iteration(x):
    y = x * 1.0
    hist = []
    for _ in range(3):
        y = y + x
        hist.append(y)
    return np.sum(np.stack(hist) * W)


@CASES(X)
def dict_entry_aliases_changed_array(x):
    y = np.sin(x)
    cache = {"a": y}
    y += 1.0
    return np.sum(cache["a"] * W)


@CASES(X)
def scalar_accumulation_over_array(x):
    s = 0.0
    for v in x:
        s += v * v
    return s


@CASES(X)
def enumerate_item_assign(x):
    out = np.zeros(3)
    for i, v in enumerate(x):
        out[i] = v * (i + 1.0)
    return np.sum(out**2)


@CASES(X)
def rnn_hidden_states(x):
    h = np.zeros(2)
    hs = []
    for t in range(3):
        h = np.tanh(M[:, :2] @ h + M[:, 2] * x[t])
        hs.append(h)
    return np.sum(np.stack(hs))


# ---------------------------------------------------------------------------- everyday numerics
@CASES(X)
def softmax_in_place(x):
    z = x - np.max(x)
    z = np.exp(z)
    z /= z.sum()
    return np.sum(z * W)


@CASES(X)
def normalize_in_place(x):
    v = x * 1.0
    v /= np.linalg.norm(v)
    return np.sum(v * W)


@CASES(X)
def standardize(x):
    z = x - x.mean()
    z /= x.std()
    return np.sum(z * W)


@CASES(M)
def mlp_layer_in_place(m):
    h = m @ X
    h += np.array([0.1, -0.2])
    np.tanh(h)
    h = np.maximum(h, 0.0)
    return np.sum(h**2)


@CASES({"W": M, "b": np.array([0.1, -0.2])})
def mlp_params_dict(params):
    h = np.tanh(params["W"] @ X + params["b"])
    return np.sum(h**2)


@CASES(S)
def kalman_covariance_update(p):
    h = np.array([[1.0, 0.0, 0.0]])
    k = p @ h.T / (h @ p @ h.T + 1.0)
    q = p.copy()
    q -= k @ h @ p
    return np.sum(q * S)


@CASES(X)
def cumulative_then_in_place(x):
    c = np.cumsum(x)
    c[1:] -= c[:-1] * 0.5
    return np.sum(c * W)


@CASES(X)
def vector_output_after_views(x):
    y = x * 1.0
    v = y[:2]
    v += x[1:]
    return y


# ----------------------------------------------------------------------------- issue 15, item 4
def _scaled_rows(m, scale):
    for i in range(2):
        yield m[i] * scale
        scale = scale * 2.0


@CASES(X)
def generator_consumed_by_for_and_sum(x):
    total = 0.0
    for r in _scaled_rows(np.outer(x, x), 1.5):
        total = total + np.sum(np.sin(r))
    return total + sum(np.sum(r) for r in _scaled_rows(np.outer(x, x), x[0]))


@CASES(X)
def nonlocal_counter_and_sum(x):
    total, n = 0.0, 0

    def add(v):
        nonlocal total, n
        n = n + 1
        total = total + v * n

    for v in x:
        add(v**2)
    return total


@CASES(X)
def match_on_a_tuple_of_values(x):
    match (x[0], x[1]):
        case (a, b) if a > b:
            return a * b
        case (a, _):
            return a**2
