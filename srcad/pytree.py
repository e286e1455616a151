"""The one definition of a pytree that srcad's internals and `srcad.tree_util` share.

A pytree is a value built from container nodes whose leaves are arrays and numbers. The
nodes, and the order in which their children are visited, follow JAX:

* tuple, list, and ``None`` (a node without children);
* dict, children in sorted key order (insertion order when the keys do not sort);
* ``collections.OrderedDict`` (insertion order) and ``collections.defaultdict`` (sorted);
* namedtuples, children in field order;
* types registered with `register_node` (``srcad.tree_util.register_pytree_node``);

and, beyond JAX (where these are leaves unless registered): dataclass instances (their
fields in declaration order, or the data fields given to `register_dataclass`), and
subclasses of list, tuple and dict, rebuilt as their own type. Everything else is a leaf.

`flatten` returns the leaves and a hashable `PyTreeDef`; `PyTreeDef.unflatten` builds a
tree of that structure from leaves. Nothing here imports the rest of srcad.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple


class Node(NamedTuple):
    """How to take a node type apart and put it back together."""

    flatten: Callable[[Any], tuple[Iterable[Any], Any]]  # x -> (children, aux_data)
    unflatten: Callable[[Any, Iterable[Any]], Any]  # (aux_data, children) -> x


def _sorted_keys(d: dict) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError:  # keys of mixed types: their insertion order (JAX would raise)
        return tuple(d)


def _dict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], keys


def _ordered_flatten(d):
    return list(d.values()), tuple(d)


def _defaultdict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, keys)


_NODES: dict[type, Node] = {
    tuple: Node(lambda t: (t, None), lambda _, c: tuple(c)),
    list: Node(lambda t: (t, None), lambda _, c: list(c)),
    dict: Node(_dict_flatten, lambda keys, c: dict(zip(keys, c))),
    type(None): Node(lambda _: ((), None), lambda _, c: None),
    collections.OrderedDict: Node(
        _ordered_flatten, lambda keys, c: collections.OrderedDict(zip(keys, c))
    ),
    collections.defaultdict: Node(
        _defaultdict_flatten,
        lambda aux, c: collections.defaultdict(aux[0], zip(aux[1], c)),
    ),
}
_BUILTIN = frozenset(_NODES)


def register_node(nodetype: type, flatten: Callable, unflatten: Callable) -> None:
    """Make instances of `nodetype` pytree nodes (JAX's register_pytree_node)."""
    if nodetype in _BUILTIN:
        raise ValueError(f"{nodetype.__name__} is a pytree node already")
    _NODES[nodetype] = Node(flatten, unflatten)
    _DERIVED.pop(nodetype, None)


def registered(nodetype: type) -> bool:
    return nodetype in _NODES and nodetype not in _BUILTIN


def _namedtuple_node(cls) -> Node:
    return Node(lambda t: (tuple(t), None), lambda _, c: cls(*c))


def _dataclass_node(cls, data: tuple[str, ...] | None = None, meta: tuple[str, ...] = ()) -> Node:
    names = tuple(f.name for f in dataclasses.fields(cls)) if data is None else tuple(data)

    def flatten(x):
        return [getattr(x, n) for n in names], tuple(getattr(x, m) for m in meta)

    def unflatten(aux, children):
        # Without __init__ (and __post_init__, which may check types), as JAX does: the
        # children may be derivatives or batches, not what the constructor expects.
        obj = cls.__new__(cls)
        for n, v in zip(names, children):
            object.__setattr__(obj, n, v)
        for m, v in zip(meta, aux):
            object.__setattr__(obj, m, v)
        return obj

    return Node(flatten, unflatten)


def register_dataclass(cls: type, data_fields: Iterable[str], meta_fields: Iterable[str]) -> None:
    """A dataclass whose `data_fields` are children and `meta_fields` static aux data."""
    _NODES[cls] = _dataclass_node(cls, tuple(data_fields), tuple(meta_fields))
    _DERIVED.pop(cls, None)


def _subclass_node(cls, base: type) -> Node:
    """A subclass of list, tuple or dict: rebuilt as its own type without calling its
    constructor (which may take other arguments), its instance attributes kept as aux."""
    if base is dict:

        def unflatten_dict(keys, children):
            obj = cls.__new__(cls)
            dict.update(obj, zip(keys, children))
            return obj

        return Node(_dict_flatten, unflatten_dict)

    def flatten(t):
        return list(t), tuple(sorted(vars(t).items())) if hasattr(t, "__dict__") else ()

    def unflatten(attrs, children):
        if base is tuple:
            obj = tuple.__new__(cls, children)
        else:
            obj = cls.__new__(cls)
            list.extend(obj, children)
        for k, v in attrs:
            object.__setattr__(obj, k, v)
        return obj

    return Node(flatten, unflatten)


# Node types found by looking at a type (namedtuples, dataclasses, subclasses), cached.
_DERIVED: dict[type, Node | None] = {}


def node_of(x: Any) -> Node | None:
    """The node description of `x`'s type, or None when `x` is a leaf."""
    t = type(x)
    node = _NODES.get(t)
    if node is not None:
        return node
    try:
        return _DERIVED[t]
    except KeyError:
        pass
    derived = None
    if issubclass(t, tuple) and hasattr(t, "_fields"):
        derived = _namedtuple_node(t)
    elif dataclasses.is_dataclass(t):
        derived = _dataclass_node(t)
    elif issubclass(t, (list, tuple, dict)) and not _is_array_like(t):
        base = next(b for b in (list, tuple, dict) if issubclass(t, b))
        derived = _subclass_node(t, base)
    _DERIVED[t] = derived
    return derived


def _is_array_like(t: type) -> bool:
    return hasattr(t, "__array__") or hasattr(t, "__array_interface__")


def is_node(x: Any) -> bool:
    return node_of(x) is not None


@dataclasses.dataclass(frozen=True)
class PyTreeDef:
    """The structure of a pytree: its node types and aux data, without its leaves."""

    nodetype: type | None  # None for a leaf
    aux: Any = None
    children: tuple[PyTreeDef, ...] = ()

    @property
    def num_leaves(self) -> int:
        if self.nodetype is None:
            return 1
        return sum(c.num_leaves for c in self.children)

    @property
    def num_nodes(self) -> int:
        return 1 + sum(c.num_nodes for c in self.children)

    def unflatten(self, leaves: Iterable[Any]) -> Any:
        """A tree of this structure whose leaves are `leaves`, in order."""
        it = iter(leaves)
        out = self._build(it)
        if next(it, _END) is not _END:
            raise ValueError(f"too many leaves for a tree with {self.num_leaves}: {self}")
        return out

    def _build(self, it) -> Any:
        if self.nodetype is None:
            leaf = next(it, _END)
            if leaf is _END:
                raise ValueError(f"too few leaves for a tree with {self.num_leaves}: {self}")
            return leaf
        children = [c._build(it) for c in self.children]
        return _node_for_type(self.nodetype).unflatten(self.aux, children)

    def __repr__(self) -> str:
        return f"PyTreeDef({self._text()})"

    def _text(self) -> str:
        if self.nodetype is None:
            return "*"
        inner = [c._text() for c in self.children]
        if self.nodetype is tuple:
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        if self.nodetype is list:
            return "[" + ", ".join(inner) + "]"
        if self.nodetype is dict:
            return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(self.aux, inner)) + "}"
        if self.nodetype is type(None):
            return "None"
        return f"{self.nodetype.__name__}(" + ", ".join(inner) + ")"


_END = object()
LEAF = PyTreeDef(None)


def _node_for_type(t: type) -> Node:
    node = _NODES.get(t) or _DERIVED.get(t)
    if node is None:
        raise ValueError(f"{t.__name__} is not a pytree node type")
    return node


def flatten(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, PyTreeDef]:
    """The leaves of `tree` in order, and its structure."""
    leaves: list = []
    return leaves, _flatten(tree, leaves, is_leaf)


def _flatten(x, leaves: list, is_leaf) -> PyTreeDef:
    node = None if is_leaf is not None and is_leaf(x) else node_of(x)
    if node is None:
        leaves.append(x)
        return LEAF
    children, aux = node.flatten(x)
    return PyTreeDef(type(x), aux, tuple(_flatten(c, leaves, is_leaf) for c in children))


def leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list:
    """The leaves of `tree`, in order."""
    if is_leaf is None and node_of(tree) is None:
        return [tree]
    return flatten(tree, is_leaf)[0]


def children(x: Any) -> list:
    """The children of a node (in flatten order), or [] for a leaf."""
    node = node_of(x)
    return [] if node is None else list(node.flatten(x)[0])


def items(x: Any) -> list[tuple[Any, Any]]:
    """A node's children with their keys (a dict's keys, else positions), in flatten
    order: how a derivative of the node, a dict or a sequence, is read."""
    node = node_of(x)
    if node is None:
        return []
    children = list(node.flatten(x)[0])
    if isinstance(x, dict):
        keys = tuple(x) if isinstance(x, collections.OrderedDict) else _sorted_keys(x)
        return list(zip(keys, children))
    return list(enumerate(children))


def child(x: Any, key: Any) -> Any:
    """The child of the node `x` at `key`, a key of `items`."""
    if isinstance(x, (dict, list, tuple)):
        return x[key]
    return children(x)[key]


def tree_map(fn: Callable, tree: Any, *rest: Any, is_leaf: Callable | None = None) -> Any:
    """`fn` applied leafwise to `tree` and the trees `rest` of the same structure."""
    flat, treedef = flatten(tree, is_leaf)
    others = []
    for r in rest:
        r_flat, r_def = flatten(r, is_leaf)
        if r_def != treedef:
            raise ValueError(f"tree_map: structures differ: {treedef} and {r_def}")
        others.append(r_flat)
    return treedef.unflatten(fn(*xs) for xs in zip(flat, *others))


@dataclasses.dataclass(frozen=True)
class Layout:
    """What generated code knows of a pytree argument beyond its kind: how its children are
    read by attribute (``p.w`` of a namedtuple, dataclass or registered class), with the
    layouts of the children. Built by `srcad.argtrees.layout`, read by the normalization
    pass `srcad.normalize.records`, part of the key the code is generated for."""

    name: str  # the type's name, for messages
    kind: str  # the engine's kind of the value: "tuple", "list" or "dict"
    fields: tuple[str | None, ...] = ()  # the attribute holding each child (None: none)
    children: tuple[Layout | None, ...] = ()  # None: a leaf, or a node without records
    keys: tuple = ()  # a dict's keys, one per child
    statics: tuple[tuple[str, Any], ...] = ()  # attributes with constant values (aux data)
    missing: frozenset[str] = frozenset()  # attributes the engine's value does not have

    def child(self, key: Any) -> Layout | None:
        if self.kind == "dict":
            return self.children[self.keys.index(key)] if key in self.keys else None
        if isinstance(key, int) and -len(self.children) <= key < len(self.children):
            return self.children[key]
        return None

    def uniform_child(self) -> Layout | None:
        """The layout every child has, if they all have the same one (``layers[i]``)."""
        first = self.children[0] if self.children else None
        return first if all(c == first for c in self.children) else None
