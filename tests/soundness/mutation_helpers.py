"""Class 2: user helpers that change their arguments (items, attributes, augmented
assignment, list.append, dict writes, closures over an outer list, nested helpers, helpers
from another module)."""

from __future__ import annotations

import functools
import types

import numpy as np

from . import _userlib
from ._userlib import push, scale_rows_
from .case import Cases

CASES = Cases(__name__, 2)

X = np.array([0.3, -0.7, 1.2])
W = np.array([1.0, 2.0, 3.0])
M = np.array([[0.5, -1.0, 0.3], [0.2, 0.7, -0.4]])


def _set_first(b, v):
    b[0] = v


def _double(a):
    a *= 2.0


def _add_into(a, v):
    a += v


def _append(items, v):
    items.append(v)


def _store(d, key, v):
    d[key] = v


def _zero_tail(a):
    a[1:] = 0.0


def _set_row(m, i, row):
    m[i, :] = row


def _bump(o, i, v):
    o[i] += v


def _clip_inplace(a):
    a[a > 1.0] = 1.0
    return a


def _outer(a, v):
    _inner(a, v * 2.0)


def _inner(a, v):
    a[1] = v


def _swap(items):
    items[0], items[1] = items[1], items[0]


def _extend(items, values):
    items.extend(values)


def _log(state, v):
    state["hist"].append(v)


def _update(d, v):
    d.update({"w": v})


def _pop_last(items):
    return items.pop()


def _scale_items(items):
    for i in range(len(items)):
        items[i] = items[i] * 2.0


def _alias_then_add(a):
    b = a
    b += 1.0


def _alias_then_subtract(a, v):
    b = a
    b -= 0.5 * v


def _write_kw(out=None, value=0.0):
    out[...] = value


def _set_attr(s, v):
    s.value = v


def _collect(items, v, n):
    if n == 0:
        return
    items.append(v)
    _collect(items, v * 2.0, n - 1)


def _copy_into(dst, src):
    np.copyto(dst, src)


def _sgd_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]


class Accumulator:
    def __init__(self):
        self.total = 0.0
        self.items = []

    def add(self, v):
        self.total += v

    def push(self, v):
        self.items.append(v)

    def value(self):
        return self.total


# ----------------------------------------------------------------------------- items and augassign
@CASES(X)
def helper_sets_item(x):
    y = np.zeros(3)
    _set_first(y, x[1] * 2.0)
    return np.sum(y * W)


@CASES(X)
def helper_doubles_in_place(x):
    y = np.sin(x)
    _double(y)
    return np.sum(y)


@CASES(X)
def helper_adds_in_place(x):
    y = np.ones(3)
    _add_into(y, x**2)
    return np.sum(y * W)


@CASES(X)
def helper_zeroes_tail(x):
    y = np.exp(x)
    _zero_tail(y)
    return np.sum(y)


@CASES(X)
def helper_sets_row(x):
    m = np.zeros((2, 3))
    _set_row(m, 1, x * 3.0)
    return np.sum(m * M)


@CASES(X)
def helper_bumps_in_loop(x):
    out = np.zeros(3)
    for i in range(3):
        _bump(out, i, x[i] ** 2)
    return np.sum(out * W)


@CASES(X)
def helper_clips_and_returns(x):
    y = x * 2.0
    z = _clip_inplace(y)
    return np.sum(y) + np.sum(z * z)


@CASES(X)
def nested_helpers_write(x):
    y = np.zeros(3)
    _outer(y, x[2])
    return np.sum(y * W)


@CASES(X)
def helper_mutates_argument(x):
    _double(x)
    return np.sum(x * x)


@CASES(X)
def helper_normalizes_argument(x):
    _userlib.normalize_(x)
    return np.sum(x * W)


@CASES(X)
def library_normalize_fresh(x):
    v = x + 2.0
    _userlib.normalize_(v)
    return np.sum(v * W)


@CASES(M)
def library_scale_rows(m):
    a = m * 1.0
    scale_rows_(a, 3.0)
    return np.sum(a * a)


@CASES(X)
def helper_alias_then_add(x):
    y = x * x
    _alias_then_add(y)
    return np.sum(np.log(y))


@CASES(X)
def helper_alias_subtracts_value(x):
    y = x * 1.0
    _alias_then_subtract(y, x**2)
    return np.sum(y * W)


@CASES(X)
def helper_writes_keyword(x):
    y = np.zeros(3)
    _write_kw(out=y, value=np.tanh(x))
    return np.sum(y * W)


@CASES(X)
def helper_writes_through_view(x):
    m = np.zeros((2, 3))
    _add_into(m[0], x)
    return np.sum(m * M)


@CASES(X)
def partial_of_mutating_helper(x):
    y = np.zeros(3)
    setter = functools.partial(_set_first, y)
    setter(np.sum(x))
    return np.sum(y * W)


@CASES(X)
def helper_copyto(x):
    y = np.zeros(3)
    _copy_into(y, np.cos(x))
    return np.sum(y * W)


@CASES(X)
def helper_vector_output(x):
    y = x * 1.0
    _double(y)
    return y


# ----------------------------------------------------------------------------- lists and dicts
@CASES(X)
def helper_appends(x):
    items = []
    _append(items, x * 2.0)
    _append(items, x**2)
    return np.sum(np.stack(items) * W)


@CASES(X)
def library_push(x):
    items = [x]
    push(items, np.sin(x))
    return np.sum(items[-1] * W) + np.sum(items[0])


@CASES(X)
def helper_stores_in_dict(x):
    d = {}
    _store(d, "a", np.sin(x))
    return np.sum(d["a"] * W)


@CASES(X)
def helper_overwrites_dict_entry(x):
    d = {"a": x * 1.0}
    _store(d, "a", x**3)
    return np.sum(d["a"])


@CASES(X)
def helper_swaps_list(x):
    items = [x[0] * 1.0, x[1] * 3.0]
    _swap(items)
    return items[0] * 10.0 + items[1]


@CASES(X)
def helper_extends(x):
    items = [x[0]]
    _extend(items, [x[1] * 2.0, x[2] ** 2])
    return items[0] + items[1] * items[2]


@CASES(X)
def helper_logs_into_nested_list(x):
    state = {"hist": []}
    _log(state, x[0] * 2.0)
    _log(state, x[1] ** 2)
    return state["hist"][0] + 3.0 * state["hist"][1]


@CASES(X)
def helper_updates_dict(x):
    d = {"w": x * 1.0}
    _update(d, np.exp(x))
    return np.sum(d["w"])


@CASES(X)
def helper_pops(x):
    items = [x * 2.0, x**2]
    last = _pop_last(items)
    return np.sum(last * W) + np.sum(items[0])


@CASES(X)
def helper_scales_list_items(x):
    items = [x[0], x[1], x[2] ** 2]
    _scale_items(items)
    return items[0] + items[1] * items[2]


@CASES(X)
def recursive_helper_appends(x):
    items = []
    _collect(items, x[0], 3)
    return sum(items) + x[1]


@CASES(X)
def helper_sgd_step_on_dict(x):
    params = {"a": x * 1.0, "b": x[0] * 2.0}
    grads = {"a": x**2, "b": x[1]}
    _sgd_step(params, grads, 0.1)
    return np.sum(params["a"]) + params["b"] * 3.0


@CASES(X)
def lambda_helper_appends(x):
    items = []
    add = lambda v: items.append(v)  # noqa: E731
    add(x[0] * 2.0)
    add(x[2] ** 2)
    return items[0] + items[1]


# ----------------------------------------------------------------------------- closures
@CASES(X)
def closure_appends_to_outer_list(x):
    out = []

    def add(v):
        out.append(v)

    add(x * 2.0)
    add(x**2)
    return np.sum(np.stack(out) * W)


@CASES(X)
def closure_writes_outer_dict(x):
    d = {"s": 0.0}

    def add(v):
        d["s"] = d["s"] + v

    add(x[0])
    add(x[1] ** 2)
    return d["s"]


@CASES(X)
def closure_changes_outer_array(x):
    acc = np.zeros(3)

    def add(v):
        acc[:] += v

    add(x)
    add(np.sin(x))
    return np.sum(acc * W)


@CASES(X)
def closure_item_in_loop(x):
    out = np.zeros(3)

    def put(i, v):
        out[i] = v

    for i in range(3):
        put(i, x[i] ** 3)
    return np.sum(out)


@CASES(X)
def closure_appends_in_loop(x):
    hist = []

    def step(v):
        hist.append(v * 0.5)
        return v * 0.5

    v = x
    for _ in range(3):
        v = step(v) + x
    return np.sum(np.stack(hist)) + np.sum(v)


# ----------------------------------------------------------------------------- objects
@CASES(X)
def method_accumulates_on_self(x):
    acc = Accumulator()
    acc.add(x[0])
    acc.add(x[1] ** 2)
    return acc.value()


@CASES(X)
def method_appends_on_self(x):
    acc = Accumulator()
    acc.push(x * 2.0)
    acc.push(np.sin(x))
    return np.sum(np.stack(acc.items) * W)


@CASES(X)
def helper_sets_attribute(x):
    s = types.SimpleNamespace(value=0.0)
    _set_attr(s, x[0] * 4.0)
    return s.value + x[1]


@CASES(X)
def helper_sets_attribute_then_reads_array(x):
    s = types.SimpleNamespace(value=x * 1.0)
    _set_attr(s, np.tanh(x))
    return np.sum(s.value * W)


# ----------------------------------------------------------------------------- issue 15, item 5
class _Keeper:
    """An object whose own method keeps what it is given (a random state keeps nothing)."""

    def __init__(self):
        self.kept = np.zeros(3)

    def keep(self, v):
        self.kept = v

    def randn(self, *shape):
        return np.random.default_rng(7).standard_normal(shape)


_KEEPER = _Keeper()


def _draw(mean, rs):
    return rs.randn(*mean.shape) * 0.5 + mean


def _keep_scaled(v, keeper):
    w = v * 2.0
    keeper.keep(w)


def _nested_alias_sets(p, v):
    def inner(u):
        q = p
        q[0] = u

    inner(v)


@CASES(X)
def helper_draws_from_an_object(x):
    return np.sum(_draw(x, _KEEPER) * x)


@CASES(X)
def helper_gives_a_differentiated_value_to_an_object(x):
    _keep_scaled(x, _KEEPER)
    return np.sum(_KEEPER.kept * x)


@CASES(X)
def nested_function_changes_an_argument_through_a_local_alias(x):
    y = np.zeros(3)
    _nested_alias_sets(y, x[1] * 3.0)
    return np.sum(y * x)
