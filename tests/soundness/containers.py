"""Class 3: list and dict methods that change the container (reverse, sort, setdefault,
update, clear, remove, pop, insert, extend, del, slice assignment), changes through an alias
or on a nested container, changes inside expressions (and/or, conditional expressions,
comprehensions, loop tests), and array items changed in place through their container."""

from __future__ import annotations

import collections

import numpy as np

from .case import Cases

CASES = Cases(__name__, 3)

X = np.array([0.3, -0.7, 1.2])
W = np.array([1.0, 2.0, 3.0])


# ----------------------------------------------------------------------------- list methods
@CASES(X)
def list_reverse(x):
    items = [x[0], x[1] * 2.0, x[2] ** 2]
    items.reverse()
    return items[0] * 1.0 + items[1] * 10.0 + items[2] * 100.0


@CASES(X)
def list_reverse_arrays(x):
    items = [x, np.sin(x)]
    items.reverse()
    return np.sum(items[0] * W)


@CASES(X)
def list_sort_floats(x):
    items = [x[0] * 1.0, x[1] * 1.0, x[2] * 1.0]
    items.sort()
    return items[0] + 10.0 * items[2]


@CASES(X)
def list_sort_reverse(x):
    items = [x[0] * 2.0, x[1] * 3.0, x[2] * 1.0]
    items.sort(reverse=True)
    return items[0] * 5.0 + items[1]


@CASES(X)
def list_sort_key(x):
    items = [x * 1.0, x**2, np.sin(x)]
    items.sort(key=lambda a: float(np.sum(a)))
    return np.sum(items[0] * W)


@CASES(X)
def list_insert(x):
    items = [x[0], x[1]]
    items.insert(0, x[2] ** 2)
    return items[0] + 2.0 * items[1] + 3.0 * items[2]


@CASES(X)
def list_extend(x):
    items = [x[0]]
    items.extend([x[1] * 2.0, x[2] * 3.0])
    return items[0] * items[1] + items[2]


@CASES(X)
def list_extend_with_array(x):
    items = []
    items.extend(x * 2.0)
    return items[0] + items[2] ** 2


@CASES(X)
def list_iadd(x):
    items = [x[0]]
    items += [x[1] ** 2, np.sin(x[2])]
    return items[0] + items[1] + items[2]


@CASES(X)
def list_imul(x):
    items = [x[0] * 2.0]
    items *= 3
    return items[0] + items[1] * items[2]


@CASES(X)
def list_pop_front(x):
    items = [x[0] * 2.0, x[1] ** 2, x[2]]
    first = items.pop(0)
    return first * 3.0 + items[0]


@CASES(X)
def list_pop_last(x):
    items = [x[0], x[1] * 5.0]
    last = items.pop()
    return last + 2.0 * items[0]


@CASES(X)
def list_remove(x):
    items = [0.5, x[0] * 2.0, x[1]]
    items.remove(0.5)
    return items[0] + 3.0 * items[1]


@CASES(X)
def list_clear_then_refill(x):
    items = [x[0], x[1]]
    items.clear()
    items.append(x[2] * 2.0)
    return items[0]


@CASES(X)
def list_del_item(x):
    items = [x[0], x[1] * 2.0, x[2] * 3.0]
    del items[1]
    return items[0] + items[1]


@CASES(X)
def list_slice_assign(x):
    items = [x[0], x[1], x[2]]
    items[1:] = [x[2] * 4.0, x[1] * 5.0]
    return items[0] + items[1] + items[2] ** 2


@CASES(X)
def list_setitem_called(x):
    items = [x[0], x[1]]
    items.__setitem__(0, x[2] * 3.0)
    return items[0] + items[1]


@CASES(X)
def list_index_assign_after_alias(x):
    items = [x[0], x[1]]
    other = items
    other[0] = x[2] ** 2
    return items[0] + items[1]


# ----------------------------------------------------------------------------- aliases and nesting
@CASES(X)
def append_through_alias(x):
    a = [x[0]]
    b = a
    b.append(x[1] * 3.0)
    return a[0] + a[-1]


@CASES(X)
def append_through_alias_arrays(x):
    a = []
    b = a
    b.append(np.sin(x))
    b.append(x**2)
    return np.sum(np.stack(a) * W)


@CASES(X)
def append_on_nested_list(x):
    rows = [[], []]
    rows[0].append(x[0] * 2.0)
    rows[1].append(x[1] ** 2)
    return rows[0][0] + rows[1][0]


@CASES(X)
def append_on_list_in_dict(x):
    d = {"hist": []}
    d["hist"].append(x * 2.0)
    d["hist"].append(x**2)
    return np.sum(d["hist"][1] * W)


@CASES(X)
def append_on_list_in_tuple(x):
    pair = ([], [])
    pair[1].append(np.exp(x))
    return np.sum(pair[1][0])


@CASES(X)
def list_of_same_list(x):
    row = [x[0]]
    grid = [row, row]
    grid[0].append(x[1] * 4.0)
    return grid[1][-1] + grid[1][0]


@CASES(X)
def setdefault_append(x):
    groups = {}
    groups.setdefault("a", []).append(x[0] * 2.0)
    groups.setdefault("a", []).append(x[1] ** 2)
    return sum(groups["a"])


@CASES(X)
def defaultdict_append(x):
    groups = collections.defaultdict(list)
    groups["a"].append(x[0] * 2.0)
    groups["a"].append(x[2] ** 2)
    return groups["a"][0] + groups["a"][1]


# ----------------------------------------------------------------------------- dict methods
@CASES(X)
def dict_setdefault_existing(x):
    d = {"a": x[0] * 2.0}
    v = d.setdefault("a", x[1])
    return v * 3.0


@CASES(X)
def dict_setdefault_new(x):
    d = {}
    v = d.setdefault("a", x[1] ** 2)
    return v + d["a"]


@CASES(X)
def dict_update(x):
    d = {"a": x[0], "b": x[1]}
    d.update({"a": x[2] ** 2})
    return d["a"] + d["b"]


@CASES(X)
def dict_update_keywords(x):
    d = {"a": x * 1.0}
    d.update(a=np.sin(x), b=x**2)
    return np.sum(d["a"] * W) + np.sum(d["b"])


@CASES(X)
def dict_ior(x):
    d = {"a": x[0]}
    d |= {"a": x[1] * 3.0}
    return d["a"]


@CASES(X)
def dict_pop(x):
    d = {"a": x[0] * 2.0, "b": x[1]}
    v = d.pop("a")
    return v + d["b"] * 5.0


@CASES(X)
def dict_pop_default(x):
    d = {"a": x[0]}
    v = d.pop("b", x[2] * 7.0)
    return v + d["a"]


@CASES(X)
def dict_popitem(x):
    d = {"a": x[0], "b": x[1] * 3.0}
    _, v = d.popitem()
    return v + d["a"]


@CASES(X)
def dict_clear_then_refill(x):
    d = {"a": x[0]}
    d.clear()
    d["a"] = x[1] * 2.0
    return d["a"]


@CASES(X)
def dict_del(x):
    d = {"a": x[0] * 2.0, "b": x[1] * 3.0}
    del d["a"]
    return sum(d.values())


@CASES(X)
def dict_overwrite_through_alias(x):
    d = {"a": x[0]}
    e = d
    e["a"] = x[1] ** 2
    return d["a"]


@CASES(X)
def dict_values_changed_in_loop(x):
    d = {"a": x * 1.0, "b": x * 2.0}
    for v in d.values():
        v *= 3.0
    return np.sum(d["a"] * W) + np.sum(d["b"])


# ----------------------------------------------------------------------------- in expressions
@CASES(X)
def append_in_and(x):
    items = [x[0]]
    x[1] > -5.0 and items.append(x[1] * 2.0)
    return sum(items)


@CASES(X)
def append_in_or(x):
    items = []
    items.append(x[0]) or items.append(x[2] * 3.0)
    return items[0] + items[1]


@CASES(X)
def append_in_ifexp(x):
    items = [x[2]]
    _ = items.append(x[0] * 4.0) if x[0] > 0 else None
    return sum(items)


@CASES(X)
def append_in_comprehension(x):
    items = []
    [items.append(v * 2.0) for v in x]
    return items[0] + items[1] * items[2]


@CASES(X)
def append_in_while_test(x):
    items = []
    while items.append(x[0] * 0.5) or len(items) < 3:
        pass
    return sum(items)


@CASES(X)
def append_in_call_argument(x):
    items = [x[0]]
    total = np.sum(np.array([len(items), items.append(x[1] * 3.0) is None]))
    return sum(items) + total


@CASES(X)
def pop_in_loop_test(x):
    items = [x[0], x[1] * 2.0, x[2] * 3.0]
    total = 0.0
    while items:
        total = total + items.pop() * len(items)
    return total


# ----------------------------------------------------------------------------- array items
@CASES(X)
def list_item_array_iadd(x):
    items = [x * 1.0, x * 2.0]
    items[0] += 1.0
    return np.sum(items[0] * items[0])


@CASES(X)
def list_item_array_iadd_argument(x):
    items = [x]
    items[0] += 1.0
    return np.sum(x * x)


@CASES(X)
def list_item_array_imul_shared(x):
    y = np.sin(x)
    items = [y, y]
    items[0] *= 2.0
    return np.sum(items[1] * W)


@CASES(X)
def repeated_list_of_zeros(x):
    rows = [np.zeros(3)] * 2
    rows[0] += x
    return np.sum(rows[1] * W)


@CASES(X)
def list_item_array_setitem(x):
    rows = [np.zeros(3), np.zeros(3)]
    rows[1][2] = x[0] * 5.0
    return np.sum(rows[1]) + np.sum(rows[0])


@CASES(X)
def dict_item_array_iadd(x):
    d = {"w": x * 1.0}
    d["w"] += np.cos(x)
    return np.sum(d["w"] * W)


@CASES(X)
def for_over_list_changes_arrays(x):
    arrays = [x * 1.0, x * 2.0]
    for a in arrays:
        a *= 2.0
    return np.sum(arrays[0] * W) + np.sum(arrays[1])


@CASES(X)
def tuple_item_array_iadd(x):
    pair = (x * 1.0, x * 2.0)
    a = pair[0]
    a += x**2
    return np.sum(pair[0])


# ----------------------------------------------------------------------------- found by the fuzzer
@CASES(X)
def dict_item_array_imul_then_original_read(x):
    y = x * 1.0
    d = {"k": y}
    d["k"] *= np.cos(x)
    return np.sum(d["k"] + y)
