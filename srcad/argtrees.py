"""Pytree arguments at the boundary of the transforms: what generated code is given, what it
is told about them, and what the user gets back.

Generated code works on tuples, lists, dicts and namedtuples. A differentiated argument of
another pytree type is handed to it in that form (`engine_form`): a dataclass or a
registered class becomes the tuple of its children, a list, tuple or dict subclass (an
OrderedDict) the plain container. Its `layout` (a `srcad.pytree.Layout`) is part of the
key the code is generated for, and tells normalization which child ``p.w`` reads
(`srcad.normalize.records`). Derivatives come back in the argument's own structure and
types (`restore`): the gradient of a namedtuple is that namedtuple, of a dataclass that
dataclass.

Masked arrays and np.matrix are refused (`refuse_special_arrays`): numpy's functions treat
them in ways the derivative code would not follow (a mask ignored, ``*`` a matrix product).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import pytree
from .errors import InputTypeError, Location
from .pytree import Layout

_PLAIN = (list, tuple, dict)


def is_plain(x: Any) -> bool:
    """Whether generated code takes `x` as it is (arrays, numbers, plain containers of them,
    namedtuples); cheap for the common cases."""
    t = type(x)
    if t is np.ndarray or t is float or t is complex or t is int:
        return True
    if t is list or t is tuple:
        return all(is_plain(v) for v in x)
    if t is dict:
        return all(is_plain(v) for v in x.values())
    if _is_namedtuple(t):
        return all(is_plain(v) for v in x)
    return not pytree.is_node(x)


def simple(x: Any) -> bool:
    """Whether `x` needs neither conversion nor a layout: arrays, numbers, plain containers
    of them (the hot path of every call)."""
    t = type(x)
    if t is np.ndarray or t is float or t is complex or t is int:
        return True
    if t is list or t is tuple:
        return all(simple(v) for v in x)
    if t is dict:
        return all(simple(v) for v in x.values())
    return x is None or not pytree.is_node(x)


def _is_namedtuple(t: type) -> bool:
    return issubclass(t, tuple) and hasattr(t, "_fields")


def engine_form(x: Any) -> Any:
    """`x` as generated code takes it: other node types become plain containers."""
    if is_plain(x):
        return x
    t = type(x)
    if t is list or issubclass(t, list):
        return [engine_form(v) for v in x]
    if _is_namedtuple(t):
        return t(*(engine_form(v) for v in x))
    if t is tuple or issubclass(t, tuple):
        return tuple(engine_form(v) for v in x)
    if isinstance(x, dict):
        return {k: engine_form(v) for k, v in x.items()}
    return tuple(engine_form(v) for v in pytree.children(x))


def layout(x: Any) -> Layout | None:
    """What code generated for `x` must know beyond its kind (None: nothing)."""
    t = type(x)
    if t is np.ndarray or t is float or not pytree.is_node(x) or x is None:
        return None
    if t is list or t is tuple:
        children = tuple(layout(v) for v in x)
        return Layout(t.__name__, t.__name__, children=children) if any(children) else None
    if t is dict:
        keys = tuple(x)
        children = tuple(layout(x[k]) for k in keys)
        return Layout("dict", "dict", children=children, keys=keys) if any(children) else None
    if _is_namedtuple(t):
        return Layout(t.__name__, "tuple", tuple(t._fields), tuple(layout(v) for v in x))
    for base in _PLAIN:
        if issubclass(t, base) and not pytree.registered(t):
            return _subclass_layout(x, base)
    return _record_layout(x)


def _subclass_layout(x: Any, base: type) -> Layout:
    """A list, tuple or dict subclass, given to generated code as the plain container."""
    missing = frozenset(a for a in dir(type(x)) if not hasattr(base, a))
    missing |= frozenset(getattr(x, "__dict__", {}))
    if base is dict:
        keys = tuple(x)
        children = tuple(layout(x[k]) for k in keys)
        return Layout(type(x).__name__, "dict", children=children, keys=keys, missing=missing)
    children = tuple(layout(v) for v in x)
    return Layout(type(x).__name__, base.__name__, children=children, missing=missing)


_LITERALS = (str, bool, int, float, complex, type(None))


def _record_layout(x: Any) -> Layout:
    """A dataclass or registered class, given to generated code as the tuple of its
    children: the attribute holding each child, and the attributes with constant values."""
    kids = pytree.children(x)
    attributes = dict(vars(x)) if hasattr(x, "__dict__") else {}
    if dataclasses.is_dataclass(x) and not pytree.registered(type(x)):
        names: list[str | None] = [f.name for f in dataclasses.fields(x)]
    else:
        # A registered class says how it flattens, not which attribute holds which child:
        # the attribute that holds that very object.
        names = []
        for child in kids:
            held = [a for a, v in attributes.items() if v is child and a not in names]
            names.append(held[0] if len(held) == 1 else None)
    statics = tuple(
        (a, v) for a, v in sorted(attributes.items()) if a not in names and type(v) in _LITERALS
    )
    return Layout(
        type(x).__name__,
        "tuple",
        tuple(names),
        tuple(layout(v) for v in kids),
        statics=statics,
        missing=frozenset({"*"}),  # nothing else: the tuple has no other attributes
    )


def restore(derivative: Any, original: Any) -> Any:
    """A derivative of `original` in generated code's form, rebuilt in `original`'s
    structure and types (a list's derivative may be one array: its items along axis 0)."""
    if derivative is None or not pytree.is_node(original) or original is None:
        return derivative
    pairs = pytree.items(original)
    if isinstance(derivative, np.ndarray) and not isinstance(original, dict):
        if len(derivative) != len(pairs):
            return derivative
        parts = [restore(derivative[i], v) for i, v in pairs]
    elif isinstance(derivative, dict):
        parts = [restore(derivative[k], v) for k, v in pairs]
    elif isinstance(derivative, (list, tuple)):
        parts = [restore(derivative[i], v) for i, (_, v) in enumerate(pairs)]
    else:
        return derivative
    return pytree.flatten(original, lambda y: y is not original)[1].unflatten(parts)


def refuse_special_arrays(value: Any, where: str, location: Location | None = None) -> None:
    """Refuse masked arrays and np.matrix anywhere in a differentiated argument."""
    for leaf in pytree.leaves(value) if pytree.is_node(value) else [value]:
        if isinstance(leaf, np.ma.MaskedArray):
            raise InputTypeError(
                f"{where} is (or holds) a masked array; srcad's derivative code calls numpy "
                "functions that ignore the mask, so its derivatives would count the masked "
                "entries",
                location,
                hint="pass the data and the mask separately: np.ma.getdata(x), and use the "
                "mask in the function (np.where(mask, 0.0, x)) or x.filled(0.0)",
            )
        if isinstance(leaf, np.matrix):
            raise InputTypeError(
                f"{where} is (or holds) an np.matrix, whose * and ** are matrix products; "
                "srcad's derivative rules follow ndarray's meaning",
                location,
                hint="pass np.asarray(m), and write the matrix products with @",
            )


def signature_of(value: Any) -> Any:
    """A key for what code generated for a pytree argument that is not `simple` depends
    on: its engine kind and its layout."""
    return ("tree", type(value).__name__, layout(value))


def restore_jacobian(jacobian: Any, plain: Any, original: Any) -> Any:
    """A Jacobian with respect to `plain` (the engine's form of `original`), whose blocks
    (one per output leaf, each of `plain`'s structure) are rebuilt as `original`'s."""
    target = pytree.flatten(plain)[1]
    return _restore_blocks(jacobian, target, original)


def _restore_blocks(tree: Any, target: pytree.PyTreeDef, original: Any) -> Any:
    if pytree.flatten(tree)[1] == target:
        return restore(tree, original)
    if not pytree.is_node(tree) or tree is None:
        return tree
    parts = [_restore_blocks(v, target, original) for v in pytree.children(tree)]
    return pytree.flatten(tree, lambda y: y is not tree)[1].unflatten(parts)
