"""Analyze, part 3: what kind of value each name holds, as far as the code shows.

Kinds: ``"array"`` (numbers and numpy arrays: ``+`` adds them elementwise), ``"list"``,
``"tuple"``, ``"dict"``, ``"generator"`` (a numpy.random Generator or RandomState, whose
``normal``, ``uniform`` and ``exponential`` draws have rules), or unknown (absent from the
map). Parameters start from the kinds of the arguments of the call being differentiated.
Derivative accumulation uses ``+`` for arrays and `srcad.runtime.add` otherwise; rules for
``+`` and ``*`` pick concatenation or repetition for lists and tuples. Flow-insensitive: a
name assigned values of two kinds is unknown. Returns a dict; the tree is not changed.
"""

from __future__ import annotations

import inspect

import gast
import numpy as np

from ..ir.resolution import KnownValue, Resolution
from ..rules.methods import DRAW_METHODS

ARRAY, LIST, TUPLE, DICT = "array", "list", "tuple", "dict"
GENERATOR = "generator"  # a numpy.random Generator or RandomState (draws have rules)
_CONFLICT = "conflict"


def infer(
    fdef: gast.FunctionDef, params: dict[str, str | None], resolution: Resolution
) -> dict[str, str]:
    kinds: dict[str, str] = {k: v for k, v in params.items() if v is not None}
    assigned = [s for s in _walk_assigns(fdef.body)]
    for _ in range(4):  # a few rounds settle loop-carried names
        before = dict(kinds)
        for target, value in assigned:
            if isinstance(kinds.get(target), KnownValue):
                continue  # bound once to a known function (srcad.analyze.resolve.known_values)
            kind = _kind_of(value, kinds, resolution) if value is not None else ARRAY
            _merge(kinds, target, kind)
        if kinds == before:
            break
    return {k: v for k, v in kinds.items() if v != _CONFLICT}


def _merge(kinds: dict, name: str, kind: str | None) -> None:
    if kind is None:
        kinds[name] = _CONFLICT
        return
    old = kinds.get(name)
    if old is None:
        kinds[name] = kind
    elif old != kind:
        kinds[name] = _CONFLICT


def _walk_assigns(stmts):
    for s in stmts:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            yield s.targets[0].id, s.value
        elif isinstance(s, gast.Assign) and isinstance(s.targets[0], (gast.Tuple, gast.List)):
            for t in s.targets[0].elts:
                yield t.id, gast.Subscript(s.value, gast.Constant(0, None), gast.Load())
        elif isinstance(s, gast.For):
            yield s.target.id, None  # range loops: an integer
            yield from _walk_assigns(s.body)
        elif isinstance(s, (gast.If, gast.While)):
            yield from _walk_assigns(s.body)
            yield from _walk_assigns(s.orelse)


def _kind_of(value, kinds: dict, resolution: Resolution) -> str | None:
    if isinstance(value, gast.Constant):
        return ARRAY if isinstance(value.value, (int, float, complex)) else None
    if isinstance(value, gast.Name):
        k = kinds.get(value.id)
        return None if k == _CONFLICT else k
    if isinstance(value, gast.Tuple):
        return TUPLE
    if isinstance(value, gast.List):
        return LIST
    if isinstance(value, gast.Dict):
        return DICT
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        return _kind_of_operator(value, kinds, resolution)
    if isinstance(value, gast.Subscript):
        return ARRAY if kinds.get(value.value.id) == ARRAY else None
    if isinstance(value, gast.Attribute):
        return _kind_of_attribute(value, resolution)
    if isinstance(value, gast.Call):
        return _kind_of_call(value, kinds, resolution)
    return None


def _kind_of_operator(value, kinds: dict, resolution: Resolution) -> str | None:
    """Arithmetic on arrays is an array; + and * on a list or tuple repeat or join it."""
    if isinstance(value, gast.UnaryOp):
        return _kind_of(value.operand, kinds, resolution)
    if isinstance(value, gast.Compare):
        return ARRAY
    left = _kind_of(value.left, kinds, resolution)
    right = _kind_of(value.right, kinds, resolution)
    if left == ARRAY and right == ARRAY:
        return ARRAY
    if isinstance(value.op, (gast.Add, gast.Mult)) and {left, right} & {LIST, TUPLE}:
        return left if left in (LIST, TUPLE) else right
    return None


def _kind_of_attribute(value: gast.Attribute, resolution: Resolution) -> str | None:
    if value in resolution.constants:
        v = resolution.constants[value]
        return ARRAY if isinstance(v, (int, float, complex)) else None
    entry = resolution.attributes.get(value)
    if entry is not None and entry.primitive is not None:
        return ARRAY
    if value.attr in ("ndim", "size"):
        return ARRAY
    if value.attr == "shape":
        return TUPLE
    return None


def _kind_of_call(value: gast.Call, kinds: dict, resolution: Resolution) -> str | None:
    target = resolution.calls.get(value)
    if target is None or target.kind not in ("rule", "method") or target.obj is None:
        return None
    if target.method is not None and target.method is DRAW_METHODS.get(target.method.name):
        # obj.normal(...) is a draw (an array) only on a generator: a user object's
        # method of that name returns what it returns
        receiver = value.func.value
        known = isinstance(receiver, gast.Name) and kinds.get(receiver.id) == GENERATOR
        return ARRAY if known or not isinstance(receiver, gast.Name) else None
    by_arguments = _kind_by_arguments(target.obj, value)
    if by_arguments is not _NOT_SPECIAL:
        return by_arguments
    rule = target.rule
    if rule is None:
        return None
    return _kind_of_result(rule, target.obj, value, kinds, resolution)


def _kind_of_result(rule, fn, value: gast.Call, kinds: dict, resolution: Resolution):
    """The kind a rule declares for its result (`Rule.result`), or read from its entry."""
    if rule.result in (TUPLE, LIST, DICT, GENERATOR):
        return rule.result
    if rule.result == "unknown":
        return None
    if rule.result == "same" and value.args:
        return _kind_of(value.args[0], kinds, resolution)
    if rule.result.startswith("like:"):
        argument = _argument(value, fn, rule.result[len("like:") :])
        return None if argument is None else _kind_of(argument, kinds, resolution)
    if rule.vjp or rule.jvp:
        return ARRAY
    if rule.nondiff and (getattr(fn, "__module__", None) or "").startswith("numpy"):
        return ARRAY  # np.zeros, np.ones, np.arange...
    return None


_NOT_SPECIAL = object()


def _kind_by_arguments(fn, call: gast.Call):
    """The kind of functions whose result's kind depends on their arguments: np.where with
    one argument returns a tuple (np.nonzero's), np.indices(sparse=True) a tuple."""
    if fn is np.where:
        return TUPLE if len(call.args) == 1 and not call.keywords else ARRAY
    if fn is np.indices:
        sparse = [k.value for k in call.keywords if k.arg == "sparse"] + call.args[2:3]
        if not sparse:
            return ARRAY
        flag = sparse[0]
        if isinstance(flag, gast.Constant):
            return TUPLE if flag.value else ARRAY
        return None
    return _NOT_SPECIAL


def _argument(call: gast.Call, fn, param: str):
    """The argument node `call` passes for `fn`'s parameter `param` (None if absent)."""
    for k in call.keywords:
        if k.arg == param:
            return k.value
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None
    i = params.index(param) if param in params else len(call.args)
    return call.args[i] if i < len(call.args) else None
