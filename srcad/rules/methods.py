"""Array and container methods and attributes, mapped to the primitives they stand for.

`x.sum(axis=1)` differentiates like `np.sum(x, axis=1)`: the method table says which primitive
a method name means and how its arguments map (the object becomes the first argument; varargs
shapes such as ``x.reshape(2, 3)`` become one tuple). Generated primal code keeps the method
call as the user wrote it. Names shared by lists, dicts and arrays (``copy``) map to runtime
helpers that accept all of them.
"""

from __future__ import annotations

import dataclasses

import gast
import numpy as np

from .. import runtime as rt
from ..ir import syntax as S
from .template import optional, present


@dataclasses.dataclass(frozen=True)
class Method:
    name: str
    primitive: object
    varargs_param: bool = False  # x.reshape(2, 3) == np.reshape(x, (2, 3))
    # a list mutation srcad differentiates (srcad.transform.containers): it changes the
    # object in place
    mutates: bool = False

    def arguments(self, obj: gast.expr, args: list, keywords: dict) -> tuple[list, dict]:
        if self.varargs_param and len(args) > 1:
            args = [S.tuple_(args)]
        return [obj, *args], keywords


@dataclasses.dataclass(frozen=True)
class Attribute:
    name: str
    primitive: object  # None: the attribute carries no derivative (shape, ndim, dtype)


def _m(name, primitive, **kw):
    return name, Method(name, primitive, **kw)


METHODS: dict[str, Method] = dict(
    [
        _m("sum", np.sum),
        _m("mean", np.mean),
        _m("prod", np.prod),
        _m("max", np.max),
        _m("min", np.min),
        _m("std", np.std),
        _m("var", np.var),
        _m("cumsum", np.cumsum),
        _m("cumprod", np.cumprod),
        _m("dot", np.dot),
        _m("reshape", np.reshape, varargs_param=True),
        _m("transpose", np.transpose, varargs_param=True),
        _m("ravel", np.ravel),
        _m("flatten", np.ravel),
        _m("squeeze", np.squeeze),
        _m("swapaxes", np.swapaxes),
        _m("astype", rt.astype),
        _m("copy", rt.copy),
        _m("conj", np.conj),
        _m("conjugate", np.conj),
        _m("clip", np.clip),
        _m("trace", np.trace),
        _m("diagonal", np.diagonal),
        _m("repeat", np.repeat),
        _m("take", np.take),
        _m("round", np.round),
        _m("argmax", np.argmax),
        _m("argmin", np.argmin),
        _m("argsort", np.argsort),
        _m("nonzero", np.nonzero),
        _m("any", np.any),
        _m("all", np.all),
        _m("item", rt.item),
        _m("tolist", rt.tolist),
        _m("append", rt.list_append, mutates=True),
        _m("pop", rt.container_pop, mutates=True),
        _m("extend", rt.list_extend, mutates=True),
        _m("insert", rt.list_insert, mutates=True),
        _m("get", rt.dict_get),
        _m("keys", rt.dict_keys),
        _m("values", rt.dict_values),
        _m("items", rt.dict_items),
        _m("index", rt.sequence_index),
        _m("count", rt.sequence_count),
    ]
)

# ----------------------------------------------------------------------------- names
# What a method's name says of a call whose receiver's type is not known (a parameter of a
# user function, srcad.analyze.summaries): each name is a method of arrays, lists, dicts or
# sets, and what these tables say agrees with the registry entries of those types' methods
# (tests/test_registry_facts.py).

# Methods that only read their object (array, list and dict methods, and the methods srcad
# maps to numpy functions, which return new values or views).
READING_METHODS = frozenset(
    {name for name, m in METHODS.items() if not m.mutates}
    | {
        "copy",
        "view",
        "tobytes",
        "tostring",
        "keys",
        "values",
        "items",
        "get",
        "index",
        "count",
        "__getitem__",
        "__len__",
        "__contains__",
        "__iter__",
        "conj",
        "conjugate",
        "nonzero",
        "argsort",
        "searchsorted",
        "dot",
        "sum",
        "mean",
        "std",
        "var",
        "min",
        "max",
        "ptp",
        "all",
        "any",
        "tolist",
        "item",
        "real",
        "imag",
    }
)

# Container methods that change their object but not their arguments: they keep a value
# in it, or compare with it.
STORING_METHODS = frozenset(
    {"append", "insert", "extend", "update", "setdefault", "add", "remove", "__setitem__"}
)


# Methods of arrays, lists, dicts and sets that change their object: any other method name
# is a user class's, which generated code dispatches when it runs (srcad.build.dispatch).
CHANGING_METHODS = frozenset(
    {"pop", "popitem", "clear", "sort", "reverse", "fill", "put", "resize", "itemset"}
    | {"setflags", "partition", "discard", "difference_update", "intersection_update"}
    | {"symmetric_difference_update", "byteswap", "__setitem__", "__delitem__"}
)


# The draws of a Generator or RandomState with derivative rules (srcad.rules.numpy_random).
# They stand for these methods only on a receiver known to be a generator: a local of kind
# "generator" (srcad.analyze.kinds), or a global Generator or RandomState.
DRAW_METHODS: dict[str, Method] = dict(
    [
        _m("normal", rt.draw_normal),
        _m("uniform", rt.draw_uniform),
        _m("exponential", rt.draw_exponential),
    ]
)
GENERATOR_TYPES = (np.random.Generator, np.random.RandomState)

ATTRIBUTES: dict[str, Attribute] = {
    "T": Attribute("T", np.transpose),
    "mT": Attribute("mT", optional(np, "matrix_transpose")),  # numpy >= 2
    "real": Attribute("real", np.real),
    "imag": Attribute("imag", np.imag),
    "shape": Attribute("shape", None),
    "ndim": Attribute("ndim", None),
    "size": Attribute("size", None),
    "dtype": Attribute("dtype", None),
    "itemsize": Attribute("itemsize", None),
    "nbytes": Attribute("nbytes", None),
}
ATTRIBUTES = {k: v for k, v in ATTRIBUTES.items() if present(v.primitive)}
