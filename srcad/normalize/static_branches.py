"""Normalize, part 0: branches whose condition is known when code is generated.

Accepts a parsed function (before the fence), where its free names live, the kinds of the
call's arguments (``"array"``, ``"list"``, ``"tuple"``, ``"dict"``) and the guards list of
the code being generated. Replaces an ``if`` statement by the branch that runs when its
condition is one srcad can decide now:

* ``isinstance(p, T)`` for a parameter `p` the body never rebinds, whose argument's kind is
  known (a list is exactly a list, a dict a dict; an "array" is a number or an ndarray, so
  only types that are neither decide it), with `T` a type or tuple of types named by globals;
* ``hasattr(m, "name")`` for a module or object `m` named by globals (``hasattr(np,
  "trapezoid")``): a guard makes the generated code stale if the attribute changes;
* ``not`` of either.

The other branch is neither analysed nor refused: it cannot run for these arguments (the
generated code is specialized on their kinds). Every other ``if`` is left as it is.
"""

from __future__ import annotations

import builtins
import numbers
import types

import gast
import numpy as np

from ..ir import syntax as S

_KIND_TYPES = {"list": list, "tuple": tuple, "dict": dict}
# Types an "array" argument may be an instance of (numbers and ndarrays, numpy scalars).
_ARRAY_LIKE = (np.ndarray, np.generic, numbers.Number)
_UNKNOWN = object()


def fold_static_branches(fdef, namespace, kinds: dict, guards: list) -> None:
    """Replace decidable ``if`` statements by their taken branch, in place."""
    params = {a.id for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs}
    stored = set().union(*(S.names_stored(s) for s in fdef.body)) if fdef.body else set()
    fixed = {p: kinds[p] for p in params - stored if isinstance(kinds.get(p), str)}
    decide = _Decider(namespace, fixed, stored, guards)

    def rewrite(s) -> list:
        if isinstance(s, gast.If):
            value = decide(s.test)
            if value is not _UNKNOWN:
                return s.body if value else s.orelse
        return [s]

    fdef.body = S.rewrite_statements(fdef.body, rewrite) or [gast.Pass()]


class _Decider:
    def __init__(self, namespace, fixed: dict, stored: set, guards: list):
        self.namespace, self.fixed, self.stored, self.guards = namespace, fixed, stored, guards

    def __call__(self, test):
        if isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not):
            value = self(test.operand)
            return value if value is _UNKNOWN else not value
        if not (isinstance(test, gast.Call) and isinstance(test.func, gast.Name)):
            return _UNKNOWN
        if test.keywords or len(test.args) != 2 or test.func.id in self.stored:
            return _UNKNOWN
        fn = self.namespace.lookup(test.func.id, None)
        if fn is builtins.isinstance:
            return self._isinstance(*test.args)
        if fn is builtins.hasattr:
            return self._hasattr(*test.args)
        return _UNKNOWN

    def _isinstance(self, obj, classes):
        if not isinstance(obj, gast.Name) or obj.id not in self.fixed:
            return _UNKNOWN
        types_ = self._global(classes)
        types_ = types_ if isinstance(types_, tuple) else (types_,)
        if not types_ or not all(isinstance(t, type) for t in types_):
            return _UNKNOWN
        kind = self.fixed[obj.id]
        if kind in _KIND_TYPES:
            return issubclass(_KIND_TYPES[kind], types_)
        if kind == "array" and not any(_overlaps(t) for t in types_):
            return False
        return _UNKNOWN

    def _hasattr(self, obj, name):
        if not (isinstance(name, gast.Constant) and isinstance(name.value, str)):
            return _UNKNOWN
        owner = self._global(obj)
        if owner is _UNKNOWN:
            return _UNKNOWN
        value = getattr(owner, name.value, _UNKNOWN)
        if value is _UNKNOWN:
            return False
        if isinstance(owner, types.ModuleType):
            self.guards.append((vars(owner), name.value, value))
        return True

    def _global(self, node):
        """The value of a global name, attribute chain or tuple of them (else _UNKNOWN)."""
        if isinstance(node, gast.Tuple):
            values = tuple(self._global(e) for e in node.elts)
            return _UNKNOWN if _UNKNOWN in values else values
        path = []
        while isinstance(node, gast.Attribute):
            path.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name) or node.id in self.stored or node.id in self.fixed:
            return _UNKNOWN
        value = self.namespace.lookup(node.id, _UNKNOWN)
        for part in reversed(path):
            value = getattr(value, part, _UNKNOWN)
        return value


def _overlaps(t: type) -> bool:
    """Whether a number or an ndarray may be an instance of `t` (or `t` of a subclass)."""
    return any(issubclass(a, t) or issubclass(t, a) for a in _ARRAY_LIKE) or t is object
