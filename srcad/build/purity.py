"""Which expressions of generated code dead-code elimination may drop: those with no effect.

An expression is pure when every call in it is to a function srcad knows to have no effect:
a function with derivative rules, srcad's runtime helpers, the builtins and array methods that
only read, a function the registry declares pure (what a builtin or a method does is its
registry entry's effect). A call to anything else (a user function,
a random draw, a list method that changes its list, np.copyto) keeps its statement, used or
not.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable

import gast
import numpy as np

from .. import runtime
from ..ir import syntax as S
from ..rules.methods import METHODS
from ..rules.template import Effect, lookup, method_entry
from .binder import Binder

_PURE_METHODS = {name for name, m in METHODS.items() if not m.mutates}


def purity(binder: Binder) -> Callable[[gast.expr], bool]:
    """The purity test for code whose names `binder` resolves."""

    def pure(node) -> bool:
        return all(_pure_call(n, binder) for n in S.walk(node) if isinstance(n, gast.Call))

    return pure


def _pure_call(call: gast.Call, binder: Binder) -> bool:
    func = call.func
    if isinstance(func, gast.Name) and func.id not in binder.local_names:
        entry = lookup(getattr(builtins, func.id, None))
        if entry is not None and entry.effect is Effect.PURE:
            return True
    obj = binder.resolve(func)
    if obj is None:
        if isinstance(func, gast.Attribute) and _changes_receiver(func.attr):
            return False
        # array methods on locals (x.sum(), x.reshape(...))
        return isinstance(func, gast.Attribute) and func.attr in _PURE_METHODS
    if str(getattr(obj, "__module__", "") or "").startswith("numpy.random"):
        return False
    module = getattr(obj, "__module__", None) or ""
    if (
        obj is runtime
        or module in ("srcad.runtime", "srcad.shapes")
        or module.startswith("srcad.helpers.")
    ):
        return True
    rule = lookup(obj)
    return rule is not None and rule.effect is Effect.PURE  # not writes, draws, I/O


def _changes_receiver(name: str) -> bool:
    """Whether a method `name` of a list, dict or array changes its object (registry)."""
    for cls in (list, dict, np.ndarray):  # what an unresolved receiver may be
        entry = method_entry(cls, name)
        if entry is not None and entry.effect is Effect.WRITES:
            return True
    return False


def keeping_call(pure: Callable, rt: str, helper: str) -> Callable[[gast.expr], bool]:
    """`pure`, except that calls of ``rt.<helper>`` are kept (a check that must run)."""

    def keep(node) -> bool:
        if (
            isinstance(node, gast.Call)
            and isinstance(node.func, gast.Attribute)
            and node.func.attr == helper
            and isinstance(node.func.value, gast.Name)
            and node.func.value.id == rt
        ):
            return False
        return pure(node)

    return keep
