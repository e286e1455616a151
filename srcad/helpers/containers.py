"""Helpers for lists, tuples and dicts in generated code (re-exported by srcad.runtime).

The derivative of a list is a list of the same length, of a dict a dict with the same keys.
These helpers build, take apart and undo the container operations of differentiated code
(``l.append(v)`` and its adjoint, ``l.pop()`` put back, items saved and restored around an
item assignment), and copy the residuals a vjp's backward function receives.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..arrays import is_array
from ..diagonal import Structured
from ..errors import UnsupportedOperationError
from .core import (
    _batch_shape,
    _is_fancy,
    add,
    getitem_vjp,
    index_with_batch,
    unbroadcast,
    zeros_like,
)


def sequence(x):
    """What a `for` loop iterates over, as something indexable."""
    if isinstance(x, (list, tuple, range)) or is_array(x):  # Dask's and CuPy's index too
        return x
    if isinstance(x, Structured):
        # a Jacobian's seed (the tangents of an array a loop iterates over) is indexed
        # with its direction axis first, dseq[:, k], as an array
        return x.dense()
    return list(x)


def sequence_vjp(g, x):
    """The adjoint of what a loop iterated over: the adjoints of its elements."""
    if isinstance(x, (list, tuple)) or is_array(x):
        return g
    if isinstance(x, dict):
        return zeros_like(x)  # a loop over a dict visits its keys
    raise UnsupportedOperationError(
        f"srcad cannot send derivatives back through a loop over a {type(x).__name__} "
        "object (an iterator srcad cannot look into)",
        hint="loop over a list, a tuple, an array, range, zip, enumerate or reversed",
    )


def pack_like(x, parts):
    """The adjoint of unpacking `a, b = x`: the parts, in the container type of `x`."""
    if is_array(x):
        nb = np.ndim(parts[0]) - np.ndim(x[0]) if len(parts) else 0
        return np.stack(parts, axis=nb)
    if isinstance(x, tuple) and type(x) is not tuple:  # a namedtuple
        return type(x)(*parts)
    if isinstance(x, (list, tuple)):
        return type(x)(parts)
    return list(parts)


def copy(x):
    """`x.copy()` for arrays, lists and dicts alike."""
    if is_array(x):  # also a Dask or CuPy array (numpy's np.copy would convert those)
        return x.copy()
    if isinstance(x, (list, dict)):
        return type(x)(x)
    return x


def item(x, *args):
    return x.item(*args) if hasattr(x, "item") else x


def tolist(x):
    return x.tolist()


def list_append(seq, value):
    seq.append(value)


def list_extend(seq, values):
    seq.extend(values)


def list_insert(seq, index, value):
    seq.insert(index, value)


def container_pop(container, *args):
    return container.pop(*args)


def dict_get(mapping, key, default=None):
    return mapping.get(key, default)


def dict_keys(mapping):
    """The keys of a dict, as a list (what `for k in d.items()` iterates over)."""
    return list(mapping.keys())


def item_keys(mapping):
    """The keys of a dict, as a list, for ``[(k, d[k]) for k in item_keys(d)]``, which is
    ``list(d.items())`` for a dict (srcad.normalize.ordering); anything else is refused:
    its ``items()`` may not be its keys and items."""
    if not isinstance(mapping, dict):
        raise UnsupportedOperationError(
            f"srcad differentiates sorted(), max() and min() of the items() of a dict only, "
            f"not of a {type(mapping).__name__}",
            hint="convert them first: sorted(list(x.items()), ...)",
        )
    return list(mapping.keys())


def zip_count(rows):
    """How many tuples ``zip(*rows)`` gives (its shortest item's length), for
    ``[tuple([r[j] for r in rows]) for j in range(zip_count(rows))]`` (srcad.normalize.variadic):
    each item must be read by ``r[j]`` as zip iterates it."""
    for r in rows:
        if not (isinstance(r, (list, tuple, str)) or (is_array(r) and np.ndim(r) >= 1)):
            raise UnsupportedOperationError(
                f"srcad differentiates zip(*rows) of lists, tuples and arrays only, not of "
                f"a {type(r).__name__}",
                hint="convert each one first: zip(*[list(r) for r in rows])",
            )
    return min((len(r) for r in rows), default=0)


def dict_merge(a, b):
    """``{**a, **b}`` of two dicts: what ``a | b``, ``{**a, 'k': v}``, ``dict(a, **b)`` and
    ``a.update(b)`` on a fresh dict compute (srcad.normalize.merges), of dicts or other
    mappings (``{**m}`` reads their keys and items, and so do the adjoints). Anything else
    (``dict(pairs, k=v)`` of a list of pairs) is refused: its adjoint would not be a dict."""
    for part in (a, b):
        if not isinstance(part, Mapping):
            raise UnsupportedOperationError(
                f"srcad differentiates merges of dicts only ({{**a, **b}}, a | b, "
                f"dict(a, **b), a.update(b)), not of a {type(part).__name__}",
                hint="make it a dict first: dict(...) of its items",
            )
    return {**a, **b}


def merge_part(g, merged, part, shadow, batch=0):
    """The adjoint of `part` in ``merged = dict_merge(...)`` from the merged dict's adjoint
    `g`: its entries under `part`'s keys, zero where `shadow` (merged after `part`, or None)
    replaced the value."""
    out = {}
    for k in part:
        if shadow is not None and k in shadow:
            out[k] = zeros_like(part[k], _batch_shape(g, None, None, batch))
        else:
            out[k] = g[k]
    return out


def merge_part_t(h, merged, part, shadow, batch=0):
    """The transpose of `merge_part` in `g`: `h`'s entries where `part` gave the merged
    value, zero elsewhere, under the merged dict's keys."""
    bs = _batch_shape(h, None, None, batch) if h else ()
    return {
        k: h[k] if k in part and (shadow is None or k not in shadow) else zeros_like(v, bs)
        for k, v in merged.items()
    }


def starred_count_error(name, count, lengths):
    """A starred argument of a length the callee's signature does not take: the TypeError
    the call would raise (srcad.normalize.star_lengths)."""
    takes = " or ".join(str(n) for n in lengths)
    raise TypeError(
        f"{name}() was given {count} starred argument(s); with the other arguments of the "
        f"call, its signature takes {takes}"
    )


def dict_values(mapping):
    return mapping.values()


def dict_values_vjp(g, mapping):
    """The adjoint of `mapping.values()` (adjoints of the values, in order): a dict of
    them under the mapping's keys."""
    return dict(zip(mapping.keys(), g, strict=True))


def sorted_order(seq, key=None, reverse=False):
    """The positions of `seq`'s items in the order ``sorted(seq, key=key, reverse=reverse)``
    gives them (ties in their first order, as sorted keeps them): ``sorted(xs)`` is
    ``[xs[i] for i in sorted_order(xs)]``, whose derivative follows the permutation."""
    _require_indexable(seq, "sorted")
    if key is None:
        return sorted(range(len(seq)), key=seq.__getitem__, reverse=reverse)
    return sorted(range(len(seq)), key=lambda i: key(seq[i]), reverse=reverse)


def order_by_keys(seq, keys, reverse=False):
    """`sorted_order` for keys computed already, one per item (``key=lambda v: ...``)."""
    _require_indexable(seq, "sorted")
    return sorted(range(len(seq)), key=keys.__getitem__, reverse=reverse)


def extreme_by_keys(seq, keys, largest):
    """`extreme_index` for keys computed already, one per item (``key=lambda v: ...``)."""
    _require_indexable(seq, "max" if largest else "min")
    return (max if largest else min)(range(len(seq)), key=keys.__getitem__)


def extreme_index(seq, key, largest):
    """The position of the item ``max(seq, key=key)`` (`largest`) or ``min(seq, key=key)``
    returns: the first of the equal ones, as Python's."""
    _require_indexable(seq, "max" if largest else "min")
    pick = max if largest else min
    if key is None:  # max(e) of an expression e (srcad.normalize.ordering)
        return pick(range(len(seq)), key=seq.__getitem__)
    return pick(range(len(seq)), key=lambda i: key(seq[i]))


def _require_indexable(seq, name: str) -> None:
    """sorted/max/min of a list, a tuple or a 1-D array only: what `seq[i]` reads is then
    the item they compare (a dict's keys, a set, a generator are not indexed so)."""
    if isinstance(seq, (list, tuple)) or (is_array(seq) and np.ndim(seq) == 1):
        return
    raise UnsupportedOperationError(
        f"srcad differentiates {name}() of a list, a tuple or a 1-D array only, "
        f"not of a {type(seq).__name__}",
        hint=f"convert it first: {name}(list(...))",
    )


def values_in_order(tangent, mapping):
    """The tangent of `mapping.values()`: the tangent dict's entries, in the mapping's
    key order."""
    return [tangent[k] for k in mapping]


def dict_items(mapping):
    return mapping.items()


def sequence_index(seq, value, *args):
    return seq.index(value, *args)


def sequence_count(seq, value):
    return seq.count(value)


def concat(a, b):
    """`a + b` for lists and tuples."""
    return a + b


def repeat_sequence(a, b):
    """`a * n` or `n * a` for a list or tuple."""
    return a * b


def item_tangent(t, x, i, batch=0):
    """The tangent of `x[i]` when unpacking (`a, b = x`)."""
    if batch and is_array(x):
        return t[(slice(None),) * batch + (i,)]
    return t[i]


def unpack_parts(b, x, nb_=0):
    """Transpose of `pack_like`: the parts of the derivative `b` of a packed `x`."""
    if is_array(x):
        axis = np.ndim(b) - np.ndim(x)
        return [np.take(b, i, axis=axis) for i in range(len(x))]
    return list(b.values()) if isinstance(b, dict) else list(b)


def drop_last(bl, count):
    return bl[: len(bl) - count]


def last_items(bl, count):
    return bl[len(bl) - count :]


def drop_at(bl, index):
    return bl[:index] + bl[index + 1 :]


def put_back(bl, seq, value_adjoint, index=None):
    """The adjoint of a list before `seq.pop(...)`: the popped value's adjoint put back."""
    out = list(bl)
    if index is None:
        out.append(value_adjoint)
    else:
        out.insert(index if index >= 0 else len(out) + 1 + index, value_adjoint)
    return out


def unpop_position(seq, index):
    """Where `seq.insert` puts back the value `seq.pop(index)` took out."""
    return index if index >= 0 else len(seq) + 1 + index


def pad_list(b, like, start):
    """Transpose of taking `len(b)` items at `start` of `like`: `b` in place, zeros around."""
    out = [zeros_like(v) for v in like]
    out[start : start + len(b)] = list(b)
    return out


def insert_zero(b, like, index):
    """Transpose of `drop_at`: a zero where the item was."""
    out = list(b)
    out.insert(index, zeros_like(like[index]))
    return out


def take_back(b, index=None):
    """Transpose of `put_back` in the list: the list without the value put back."""
    out = list(b)
    out.pop() if index is None else out.pop(index)
    return out


def taken_value(b, index=None):
    """Transpose of `put_back` in the value: the adjoint at the place it was put."""
    return b[-1] if index is None else b[index]


def list_slice(b, start, count):
    return list(b[start : start + count])


def one_hot_list(value, like, index=None):
    """Transpose of `taken_value`: zeros like `like`, `value` at the taken place."""
    out = [zeros_like(v) for v in like]
    out[-1 if index is None else index] = value
    return out


class _Missing:
    """What a dict held at a key it did not have yet."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


def copy_item(x, idx):
    """A copy of `x[idx]`, kept so that the backward sweep can put it back."""
    if isinstance(x, dict) and idx not in x:
        return MISSING
    item = x[idx]
    if not is_array(x):
        return item
    # A copy, not a view (also of a CuPy array), or the write would change what is kept.
    return item.copy() if is_array(item) else np.array(item)


def restore_item(x, idx, saved):
    """Undo `x[idx] = v`: put back what `copy_item` kept (for a new dict key, remove it)."""
    if saved is MISSING:
        del x[idx]
    else:
        x[idx] = saved


def zero_item(b, x, idx, batch=0):
    """The adjoint of `x` before `x[idx] = v`: that of after, with `idx` zeroed."""
    if isinstance(b, (list, dict)):
        out = type(b)(b)
        if isinstance(b, list) and isinstance(idx, slice):
            # a slice of a list is a list: each item keeps its own direction axes
            out[idx] = [zero_item(bi, xi, (), batch) for bi, xi in zip(b[idx], x[idx])]
            return out
        out[idx] = zeros_like(x[idx], np.shape(b[idx])[:batch] if batch else ())
        return out
    out = b.copy() if is_array(b) else np.array(b)  # a copy in b's library
    out[index_with_batch(idx, batch)] = 0
    return out


def surviving(items, x, idx, batch=0):
    """`items` (the adjoint of the values ``x[idx] = v`` writes, shaped like ``x[idx]``, after
    `batch` direction axes) where the write survives: an index that repeats a position writes
    it several times, and only the last write stays, so the others get a zero adjoint."""
    if not _is_fancy(idx) or not is_array(x):
        return items
    written = np.arange(x.size).reshape(x.shape)[idx]
    numbers = np.arange(written.size).reshape(written.shape)
    last = np.full(x.size, -1)
    last[written.ravel()] = numbers.ravel()  # numpy writes in this order: the last one stays
    keep = last[written] == numbers
    if keep.all():
        return items
    return items * keep


def to_sequence(t, x, kind, batch=0):
    """The tangent of `list(x)` or `tuple(x)`: one tangent per element of `x`."""
    if is_array(x):
        parts = [t[(slice(None),) * batch + (i,)] for i in range(len(x))]
    elif isinstance(x, dict):
        parts = [zeros_like(k) for k in x]
    else:
        parts = list(t)
    return kind(parts)


def from_sequence(b, x, batch=0):
    """The adjoint of `x` in `list(x)` or `tuple(x)`, given the list of adjoints `b`."""
    if is_array(x):
        return np.stack(list(b), axis=batch) if len(b) else zeros_like(x)
    if isinstance(x, dict):
        return zeros_like(x)
    if isinstance(x, (list, tuple)):
        return type(x)(b) if type(x) in (list, tuple) else type(x)(*b)
    return list(b)


def list_slice_as(b, like, start):
    """The part of the adjoint `b` of a concatenation that belongs to `like`."""
    part = list(b[start : start + len(like)])
    return type(like)(part) if type(like) in (list, tuple) else part


def fold_repeats(b, operand):
    """The adjoint of `seq` in `seq * n`: the adjoints of its copies, added (ints get none)."""
    if not isinstance(operand, (list, tuple)):
        return zeros_like(operand)
    n = len(operand)
    total = [zeros_like(v) for v in operand]
    for i, value in enumerate(b):
        total[i % n] = add(total[i % n], value)
    return type(operand)(total) if type(operand) in (list, tuple) else total


def unfold_repeats(g, b, operand):
    """Transpose of `fold_repeats(b, operand)`: each copy of `operand` in `b` gets its share."""
    if not isinstance(operand, (list, tuple)):
        return [zeros_like(v) for v in b]
    n = len(operand)
    return [g[i % n] for i in range(len(b))]


def repeat_tangent(ta, tb, a, b):
    """The tangent of `a * b` with one of them a list or tuple, the other a count."""
    return ta * b if isinstance(a, (list, tuple)) else a * tb


def spread_sum(g, iterable, batch=0):
    """The adjoint of each element in `sum(iterable)`."""
    if is_array(iterable):
        return np.broadcast_to(
            np.expand_dims(g, batch) if batch else g, np.shape(g)[:batch] + np.shape(iterable)
        )
    parts = [unbroadcast(g, v, batch) for v in iterable]
    return type(iterable)(parts) if type(iterable) in (list, tuple) else parts


def sum_sequence(t, iterable, batch=0):
    """The tangent of `sum(iterable)`."""
    if is_array(iterable):
        return np.sum(t, axis=batch)
    total = 0.0
    for v in t:
        total = total + v
    return total


def dict_get_vjp(g, mapping, key, batch=0):
    if key in mapping:
        return getitem_vjp(g, mapping, key, batch)
    return zeros_like(mapping)


def dict_get_vjp_t(b, g, mapping, key):
    """Transpose of `dict_get_vjp(g, mapping, key)`: the entry `key` of `b`, if it exists."""
    return b[key] if key in mapping else zeros_like(g)


def default_vjp(g, mapping, key):
    return zeros_like(g) if key in mapping else g


def fresh_residuals(residuals: tuple, arrays: bool = True) -> tuple:
    """Copies of the containers among `residuals`, and of the arrays if `arrays`.

    A backward sweep pops its tapes, the lists saved on them and the tapes inside a callee's
    residuals, and puts back array items in place: a vjp function called again, or a backward
    sweep differentiated again, needs them as the forward sweep left them. A container or
    array reachable twice is copied once (the sweep pops a list through one path and reads
    its length through another), and a view stays a view of its base's copy (v = y[1:] sees
    the items put back in y)."""
    memo: dict[int, object] = {}
    return tuple(_fresh_containers(r, memo, arrays) for r in residuals)


def _fresh_containers(value, memo: dict, arrays: bool):
    kind = type(value)
    if arrays and kind is np.ndarray:
        copied = memo.get(id(value))
        if copied is None:
            copied = memo[id(value)] = _copy_array(value, memo)
        return copied
    if kind is not list and kind is not tuple and kind is not dict:
        return value
    copied = memo.get(id(value))
    if copied is not None:
        return copied
    if kind is list:
        copied = memo[id(value)] = []  # registered first: a list may contain itself
        copied.extend(_fresh_containers(v, memo, arrays) for v in value)
    elif kind is tuple:
        copied = memo[id(value)] = tuple(_fresh_containers(v, memo, arrays) for v in value)
    else:
        copied = memo[id(value)] = {}
        copied.update((k, _fresh_containers(v, memo, arrays)) for k, v in value.items())
    return copied


def _copy_array(a: np.ndarray, memo: dict) -> np.ndarray:
    """A copy of `a`; if `a` is a view, the same view of one copy of its base, so that views
    among the residuals (v = y[1:]) still see the items the backward sweep puts back in y."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root is a:
        return a.copy(order="K")
    new_root = memo.get(id(root))
    if new_root is None:
        new_root = memo[id(root)] = root.copy(order="K")
    offset = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    try:
        return np.ndarray(a.shape, a.dtype, buffer=new_root, offset=offset, strides=a.strides)
    except (TypeError, ValueError, BufferError):
        return a.copy()  # a base numpy will not lend its buffer: the view is lost, rarely


def make_record(cls, parts):
    """The record `cls` (a namedtuple, or srcad's stand-in for a class the differentiated
    code builds: srcad.normalize.records_built) of the values `parts`."""
    return cls(*parts)
