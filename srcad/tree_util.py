"""Pytree utilities with JAX's names and conventions: `tree_map`, `tree_leaves`,
`tree_flatten` / `tree_unflatten`, `tree_structure`, `ravel_pytree`, and the registration of
your own node types (`register_pytree_node`, `register_pytree_node_class`,
`register_dataclass`).

These are the pytrees srcad's transforms accept as arguments and return as derivatives
(`srcad.pytree` is the one definition both use): tuples, lists, dicts (children in sorted key
order), OrderedDicts, defaultdicts, namedtuples, ``None`` (no children) and registered types,
as in JAX; and, beyond JAX, dataclass instances (their fields) and subclasses of list, tuple
and dict, rebuilt as their own type.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np

from . import pytree
from .dtypes import result_type
from .pytree import PyTreeDef

__all__ = [
    "PyTreeDef",
    "tree_flatten",
    "tree_unflatten",
    "tree_leaves",
    "tree_structure",
    "tree_map",
    "tree_reduce",
    "ravel_pytree",
    "register_pytree_node",
    "register_pytree_node_class",
    "register_dataclass",
]

T = TypeVar("T", bound=type)
_IsLeaf = Callable[[Any], bool] | None


def tree_flatten(tree: Any, is_leaf: _IsLeaf = None) -> tuple[list[Any], PyTreeDef]:
    """The leaves of a pytree, in order, and its structure.

    Args:
        tree: a pytree.
        is_leaf: optional; a function of a subtree that returns True where that subtree is
            to be taken as one leaf.

    Returns:
        ``(leaves, treedef)``; ``tree_unflatten(treedef, leaves)`` rebuilds ``tree``.

    Example:
        >>> from srcad.tree_util import tree_flatten
        >>> leaves, treedef = tree_flatten({"b": 2.0, "a": (1.0, None)})
        >>> leaves
        [1.0, 2.0]
        >>> treedef
        PyTreeDef({'a': (*, None), 'b': *})
    """
    return pytree.flatten(tree, is_leaf)


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> Any:
    """The pytree of structure ``treedef`` whose leaves are ``leaves``.

    Args:
        treedef: a structure, from `tree_flatten` or `tree_structure`.
        leaves: as many values as ``treedef`` has leaves, in order.

    Returns:
        The pytree.

    Raises:
        ValueError: the number of leaves differs from ``treedef.num_leaves``.

    Example:
        >>> from srcad.tree_util import tree_flatten, tree_unflatten
        >>> _, treedef = tree_flatten([1.0, {"x": 2.0}])
        >>> tree_unflatten(treedef, [10.0, 20.0])
        [10.0, {'x': 20.0}]
    """
    return treedef.unflatten(leaves)


def tree_leaves(tree: Any, is_leaf: _IsLeaf = None) -> list[Any]:
    """The leaves of a pytree, in the order `tree_flatten` gives them.

    Args:
        tree: a pytree.
        is_leaf: as for `tree_flatten`.

    Returns:
        A list of leaves (empty for ``None`` and empty containers).

    Example:
        >>> import collections
        >>> from srcad.tree_util import tree_leaves
        >>> Params = collections.namedtuple("Params", "w b")
        >>> tree_leaves([Params(1.0, 2.0), None, {"z": 3.0, "a": 4.0}])
        [1.0, 2.0, 4.0, 3.0]
    """
    return pytree.leaves(tree, is_leaf)


def tree_structure(tree: Any, is_leaf: _IsLeaf = None) -> PyTreeDef:
    """The structure of a pytree (its `PyTreeDef`), without its leaves.

    Args:
        tree: a pytree.
        is_leaf: as for `tree_flatten`.

    Returns:
        The treedef; two trees have equal treedefs when they have the same node types,
        keys and aux data.

    Example:
        >>> from srcad.tree_util import tree_structure
        >>> tree_structure((1.0, [2.0, 3.0])).num_leaves
        3
    """
    return pytree.flatten(tree, is_leaf)[1]


def tree_map(f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: _IsLeaf = None) -> Any:
    """Apply ``f`` leafwise to ``tree`` (and to the trees ``rest``, of the same structure).

    Args:
        f: a function of as many arguments as there are trees.
        tree: a pytree.
        rest: more pytrees with ``tree``'s structure; their leaves are ``f``'s further
            arguments.
        is_leaf: as for `tree_flatten`.

    Returns:
        A pytree of ``tree``'s structure whose leaves are ``f``'s results.

    Raises:
        ValueError: a tree of ``rest`` has another structure.

    Example:
        >>> import numpy as np
        >>> from srcad.tree_util import tree_map
        >>> params = {"w": np.ones(2), "b": 0.5}
        >>> grads = {"w": np.array([0.1, 0.2]), "b": 1.0}
        >>> tree_map(lambda p, g: p - 0.1 * g, params, grads)
        {'b': 0.4, 'w': array([0.99, 0.98])}
    """
    return pytree.tree_map(f, tree, *rest, is_leaf=is_leaf)


_NOTHING = object()


def tree_reduce(
    function: Callable[[Any, Any], Any],
    tree: Any,
    initializer: Any = _NOTHING,
    is_leaf: _IsLeaf = None,
) -> Any:
    """Reduce the leaves of a pytree with ``function``, as `functools.reduce` does.

    Args:
        function: a function of two arguments.
        tree: a pytree.
        initializer: optional; the first value of the reduction.
        is_leaf: as for `tree_flatten`.

    Returns:
        The reduced value.

    Example:
        >>> import numpy as np
        >>> from srcad.tree_util import tree_map, tree_reduce
        >>> grads = {"w": np.array([3.0, 4.0]), "b": 0.0}
        >>> float(tree_reduce(np.add, tree_map(lambda g: np.sum(g ** 2), grads)))
        25.0
    """
    leaves = pytree.leaves(tree, is_leaf)
    if initializer is _NOTHING:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def ravel_pytree(tree: Any) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """Flatten a pytree of arrays and numbers into one vector, and the inverse function.

    JAX has it as ``jax.flatten_util.ravel_pytree``. The vector's dtype is the promoted
    dtype of the leaves; the inverse gives each leaf back its shape and dtype (a float leaf
    comes back as a 0-d array's Python float). Useful to hand a pytree of parameters to
    ``scipy.optimize.minimize``.

    Args:
        tree: a pytree whose leaves are arrays or numbers.

    Returns:
        ``(flat, unravel)``: a 1-d array of every element in `tree_leaves` order, and a
        function from such a vector back to a pytree of ``tree``'s structure.

    Example:
        >>> import numpy as np
        >>> from srcad.tree_util import ravel_pytree
        >>> flat, unravel = ravel_pytree({"w": np.ones((2, 2)), "b": 0.5})
        >>> flat
        array([0.5, 1. , 1. , 1. , 1. ])
        >>> unravel(np.arange(5.0))
        {'b': 0.0, 'w': array([[1., 2.],
               [3., 4.]])}
    """
    leaves, treedef = pytree.flatten(tree)
    shapes = [np.shape(x) for x in leaves]
    dtypes = [result_type(x) for x in leaves]
    kinds = [type(x) for x in leaves]
    sizes = [int(np.prod(s, dtype=int)) for s in shapes]
    dtype = result_type(*leaves) if leaves else np.dtype(np.float64)
    flat = (
        np.concatenate([np.ravel(np.asarray(x, dtype=dtype)) for x in leaves])
        if leaves
        else np.zeros(0, dtype)
    )
    bounds = np.cumsum([0] + sizes)

    def unravel(vector: np.ndarray) -> Any:
        vector = np.asarray(vector)
        if vector.shape != (int(bounds[-1]),):
            raise ValueError(
                f"ravel_pytree's unravel expects a vector of shape ({int(bounds[-1])},), "
                f"got shape {vector.shape}"
            )
        parts = []
        for i, (shape, dt, kind) in enumerate(zip(shapes, dtypes, kinds)):
            part = vector[bounds[i] : bounds[i + 1]].reshape(shape)
            if not np.issubdtype(vector.dtype, np.complexfloating) or np.issubdtype(
                dt, np.complexfloating
            ):
                part = part.astype(dt, copy=False)
            parts.append(kind(part) if kind in (float, complex) else part)
        return treedef.unflatten(parts)

    return flat, unravel


def register_pytree_node(
    nodetype: type,
    flatten_func: Callable[[Any], tuple[Iterable[Any], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], Any],
) -> None:
    """Make instances of ``nodetype`` pytree nodes, with JAX's signature.

    srcad's transforms then accept them as differentiated arguments and return their
    derivatives as instances of ``nodetype`` (built with ``unflatten_func``). Inside the
    differentiated function, read the children as attributes (``p.w``): srcad matches each
    child to the attribute that holds it.

    Args:
        nodetype: the class.
        flatten_func: ``obj -> (children, aux_data)``; ``children`` an iterable of
            pytrees, ``aux_data`` hashable data kept in the structure.
        unflatten_func: ``(aux_data, children) -> obj``.

    Returns:
        None.

    Raises:
        ValueError: ``nodetype`` is one of the built-in node types.

    Example:
        >>> import numpy as np
        >>> import srcad
        >>> from srcad.tree_util import register_pytree_node, tree_leaves
        >>> class Affine:
        ...     def __init__(self, w, b):
        ...         self.w, self.b = w, b
        >>> register_pytree_node(Affine, lambda a: ((a.w, a.b), None),
        ...                      lambda aux, children: Affine(*children))
        >>> tree_leaves(Affine(np.ones(2), 0.5))
        [array([1., 1.]), 0.5]
    """
    pytree.register_node(nodetype, flatten_func, unflatten_func)


def register_pytree_node_class(cls: T) -> T:
    """Class decorator: register a class with methods ``tree_flatten(self)`` and
    ``tree_unflatten(cls, aux_data, children)`` (a classmethod), as in JAX.

    Args:
        cls: the class.

    Returns:
        ``cls``, registered.

    Example:
        >>> from srcad.tree_util import register_pytree_node_class, tree_map
        >>> @register_pytree_node_class
        ... class Pair:
        ...     def __init__(self, a, b):
        ...         self.a, self.b = a, b
        ...     def tree_flatten(self):
        ...         return (self.a, self.b), None
        ...     @classmethod
        ...     def tree_unflatten(cls, aux, children):
        ...         return cls(*children)
        >>> tree_map(lambda x: 2 * x, Pair(1.0, 2.0)).b
        4.0
    """
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)  # type: ignore[attr-defined]
    return cls


def register_dataclass(
    nodetype: T, data_fields: Iterable[str], meta_fields: Iterable[str] = ()
) -> T:
    """Register a dataclass whose ``data_fields`` are children (differentiated) and whose
    ``meta_fields`` are static data kept in the structure, as JAX's.

    An unregistered dataclass is a pytree of all its fields already; register one to keep
    static fields (a name, a flag) out of the leaves.

    Args:
        nodetype: the dataclass.
        data_fields: the names of the fields that are children.
        meta_fields: the names of the fields kept as aux data (hashable values).

    Returns:
        ``nodetype``, registered.

    Example:
        >>> import dataclasses
        >>> from srcad.tree_util import register_dataclass, tree_leaves
        >>> @dataclasses.dataclass
        ... class Layer:
        ...     w: float
        ...     activation: str
        >>> _ = register_dataclass(Layer, ["w"], ["activation"])
        >>> tree_leaves(Layer(0.5, "tanh"))
        [0.5]
    """
    pytree.register_dataclass(nodetype, tuple(data_fields), tuple(meta_fields))
    return nodetype
