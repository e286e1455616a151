"""Tuples, lists and dicts as people use them: built, indexed, unpacked, appended to, passed to
helpers and returned; pytree arguments whose gradients keep the arguments' structure.
"""

import numpy as np

from ._helpers import split_halves, sum_of_squares

V = np.array([0.3, -0.7, 1.2])
V4 = np.array([0.4, -0.9, 1.3, 0.25])
M = np.array([[0.2, 0.5, -0.3], [0.7, -0.1, 0.4], [0.15, 0.35, -0.6]])


# ---------------------------------------------------------------- tuples
def moments(x):
    m = np.mean(x)
    return m, np.mean((x - m) ** 2)


def tuple_returned_by_helper_and_unpacked(x):
    mean, var = moments(x)
    return mean * var + np.sum(x) * var


def nested_tuple_unpacking(x, y):
    (a, b), c = (np.sin(x), np.cos(y)), x * y
    return np.sum(a * b + c)


def head_and_tail_of_list(xs):
    # `first, *rest = xs` is refused by srcad; slicing says the same.
    first, rest = xs[0], xs[1:]
    total = np.sum(first**2)
    for r in rest:
        total = total + np.sum(r * first)
    return total


def returns_tuple_of_arrays(x):
    # A pytree output: jvp and vjp only (grad needs a scalar). The parts have one shape
    # because test_corpus.py calls np.ndim on the output, which fails on ragged tuples.
    return np.sin(x), x**2


def returns_nested_containers(x):
    lo, hi = split_halves(x)
    return {"halves": (lo * 2.0, hi**2), "cross": [lo * hi, np.sum(lo)]}


# ---------------------------------------------------------------- lists
def list_append_in_loop_then_stack(x):
    states = [x]
    for _ in range(3):
        states.append(np.tanh(states[-1] * 1.5 + 0.1))
    return np.sum(np.stack(states) * np.arange(4)[:, None])


def list_item_assignment(x):
    parts = [x, x * 2.0, x * 3.0]
    parts[1] = np.sin(parts[1])
    parts[-1] = parts[0] * parts[2]
    return np.sum(parts[0] + parts[1] * parts[2])


def list_extend(x):
    # `ys + [...]` and `ys += [...]` have no rule in srcad; extend and append do.
    ys = [x, np.cos(x)]
    ys.extend([x + 1.0, x * x])
    total = 0.0
    for y in ys:
        total = total + np.sum(y) ** 2
    return total


def list_comprehension_with_filter(x):
    # np.sum of a list of scalars (srcad has no rule for the builtin sum).
    return np.sum([v**2 for v in x if v > 0]) + np.sum(np.array([v * 3.0 for v in x if v < 0]))


def nested_list_comprehension(X):
    products = [[X[i, j] * X[j, i] for j in range(3)] for i in range(3)]
    return np.sum(np.array(products) ** 2)


def list_pop_as_stack(x):
    stack = [x, x * 2.0, np.sin(x)]
    total = 0.0
    while stack:
        top = stack.pop()
        total = total + np.sum(top**2)
    return total


# ---------------------------------------------------------------- dicts
def dict_keys_values_and_membership(params):
    # Optional entries tested with `in` (params.get has no rule in srcad).
    b = params["b"] if "b" in params else 0.0
    total = np.sum(np.tanh(params["w"] + b))
    for k in params:
        total = total + np.sum(params[k] ** 2)
    for v in params.values():
        total = total + np.sum(v)
    return total


def dict_update_and_overwrite(x):
    state = {"h": x, "c": np.zeros_like(x)}
    for _ in range(2):
        state["c"] = state["c"] + np.sin(state["h"])
        state["h"] = np.tanh(state["c"]) * state["h"]
    return np.sum(state["h"] + state["c"])


def dict_passed_to_helper(x):
    batch = {"inputs": x, "targets": np.ones_like(x)}
    return loss_of_batch(batch)


def loss_of_batch(batch):
    return sum_of_squares(batch["inputs"] - batch["targets"], weight=0.5)


def returns_dict(x):
    return {"loss": np.sum(x**2), "grad_hint": 2.0 * x}


# ---------------------------------------------------------------- pytree arguments
def list_of_arrays_argument(ws, x):
    h = x
    for W in ws:
        h = np.tanh(W @ h)
    return np.sum(h)


def nested_dict_of_tuples_argument(params, x):
    W1, b1 = params["layers"][0]
    W2, b2 = params["layers"][1]
    h = np.tanh(W1 @ x + b1)
    return np.sum((W2 @ h + b2) * params["scale"])


def tuple_of_dicts_argument(pair):
    enc, dec = pair
    return np.sum(enc["w"] * dec["w"]) + enc["s"] * dec["s"]


CASES = [
    (tuple_returned_by_helper_and_unpacked, (V,)),
    (nested_tuple_unpacking, (V, V4[:3])),
    (head_and_tail_of_list, ([V, V * 2.0, V4[:3]],)),
    (returns_tuple_of_arrays, (V,)),
    (returns_nested_containers, (V4,)),
    (list_append_in_loop_then_stack, (V,)),
    (list_item_assignment, (V,)),
    (list_extend, (V,)),
    (list_comprehension_with_filter, (np.array([0.3, -0.7, 1.2, -0.4]),)),
    (nested_list_comprehension, (M,)),
    (list_pop_as_stack, (V,)),
    (dict_keys_values_and_membership, ({"w": V, "b": V4[:3]},)),
    (dict_keys_values_and_membership, ({"w": V},)),
    (dict_update_and_overwrite, (V,)),
    (dict_passed_to_helper, (V,)),
    (returns_dict, (V,)),
    (list_of_arrays_argument, ([M, M.T * 0.5], V)),
    (
        nested_dict_of_tuples_argument,
        (
            {"layers": [(M, V), (M[:2] * 0.5, V[:2])], "scale": 0.7},
            V4[:3],
        ),
    ),
    (tuple_of_dicts_argument, (({"w": V, "s": 0.5}, {"w": V4[:3], "s": -1.5}),)),
]
