"""Analyze, part 4: which item assignments are safe to differentiate.

``x[i] = v`` changes the object `x` names, and every other name for that object. srcad
differentiates an item assignment when `x` is certainly the only name of its object: every
assignment to `x` creates a new object (np.zeros, arithmetic, x.copy()...), and `x` is
never copied to another name, stored in a container or returned before being changed. An
argument, a view (x[1:], x.T, np.reshape) or an alias is refused with a message that says
to copy first. Returns nothing; raises `UnsupportedOperationError` at the first unsafe
assignment.
"""

from __future__ import annotations

import gast
import numpy as np

from .. import runtime as rt
from .. import syntax as S
from ..errors import UnsupportedOperationError
from ..fence import location
from .resolve import Resolution

# Calls whose result is a new object, never a view of an argument.
FRESH_CALLS = {
    id(f)
    for f in (
        np.zeros,
        np.ones,
        np.empty,
        np.full,
        np.zeros_like,
        np.ones_like,
        np.empty_like,
        np.full_like,
        np.array,
        np.copy,
        np.eye,
        np.identity,
        np.arange,
        np.linspace,
        np.stack,
        np.concatenate,
        np.vstack,
        np.hstack,
        np.outer,
        np.dot,
        np.matmul,
        np.tile,
        np.repeat,
        np.diag,
        rt.copy,
        rt.astype,
        list,
        dict,
        tuple,
    )
}
_VIEW_METHODS = {
    "reshape",
    "T",
    "transpose",
    "ravel",
    "squeeze",
    "swapaxes",
    "view",
    "diagonal",
    "real",
    "imag",
    "flatten",
}


def _fresh_value(value, resolution: Resolution) -> bool:
    if isinstance(
        value, (gast.BinOp, gast.UnaryOp, gast.List, gast.Dict, gast.Compare, gast.Constant)
    ):
        return True
    if isinstance(value, gast.Call):
        target = resolution.calls.get(id(value))
        if target is None:
            return False
        if target.kind == "method":
            return target.method.name in ("copy", "astype")
        if target.obj is not None and id(target.obj) in FRESH_CALLS:
            return True
        rule = target.rule
        if rule is not None and rule.broadcast:  # ufuncs and other elementwise functions
            return True
        return False
    return False


def check(fdef: gast.FunctionDef, resolution: Resolution, filename: str, active: frozenset) -> None:
    params = {a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs}
    definitions: dict[str, list] = {}
    escapes: list = []  # (name, position, loops around it)
    mutated: list = []  # (statement, position, loops around it)
    counter = [0]

    def escape(name, loops):
        escapes.append((name, counter[0], loops))

    def visit(stmts, loops):
        for s in stmts:
            counter[0] += 1
            if isinstance(s, gast.Assign):
                target = s.targets[0]
                if isinstance(target, gast.Name):
                    definitions.setdefault(target.id, []).append(s.value)
                    if isinstance(s.value, gast.Name):
                        escape(s.value.id, loops)
                elif isinstance(target, (gast.Tuple, gast.List)):
                    for e in target.elts:
                        definitions.setdefault(e.id, []).append(None)
                elif isinstance(target, gast.Subscript):
                    mutated.append((s, counter[0], loops))
                    if isinstance(s.value, gast.Name):
                        escape(s.value.id, loops)
                if isinstance(s.value, (gast.Tuple, gast.List, gast.Dict)):
                    for e in S.walk(s.value):
                        if isinstance(e, gast.Name):
                            escape(e.id, loops)
            elif isinstance(s, gast.Expr) and isinstance(s.value, gast.Call):
                func = s.value.func
                if isinstance(func, gast.Attribute) and func.attr in ("append", "insert", "extend"):
                    for a in s.value.args:
                        if isinstance(a, gast.Name):
                            escape(a.id, loops)
            if isinstance(s, (gast.For, gast.While)):
                visit(s.body, loops | {id(s)})
            elif isinstance(s, gast.If):
                visit(s.body, loops)
                visit(s.orelse, loops)

    visit(fdef.body, frozenset())
    for s, position, loops in mutated:
        obj = s.targets[0].value.id
        if obj not in active and not (isinstance(s.value, gast.Name) and s.value.id in active):
            continue
        where = location(s, filename, fdef.name)
        if obj in params:
            raise UnsupportedOperationError(
                f"srcad cannot differentiate an item assignment to the argument {obj!r}: it "
                "would change the caller's array, and the derivative with it",
                where,
                hint=f"copy it first: {obj} = {obj}.copy()",
            )
        values = definitions.get(obj, [])
        if not values or not all(v is not None and _fresh_value(v, resolution) for v in values):
            raise UnsupportedOperationError(
                f"srcad cannot differentiate an item assignment to {obj!r}: it may share "
                "memory with another array (a view, an alias or an argument)",
                where,
                hint=f"make it a new array first: {obj} = {obj}.copy()",
            )
        # Sharing the object before it changes (or in a loop around the change) would let
        # the other name see the change; sharing it afterwards is harmless.
        for name, at, escape_loops in escapes:
            if name == obj and (at < position or loops & escape_loops):
                raise UnsupportedOperationError(
                    f"srcad cannot differentiate an item assignment to {obj!r}: another name "
                    "or container refers to the same object, which would change too",
                    where,
                    hint=f"copy before sharing it: other = {obj}.copy()",
                )
