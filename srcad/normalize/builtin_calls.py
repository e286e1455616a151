"""Normalize, part 0: calls of Python builtins written in a form the rules do not take.

Accepts a parsed function (before A-normal form) and where its free names live. Rewrites
``max(a, b, c, ...)`` and ``min(a, b, c, ...)`` (three or more positional arguments, no
keywords, no ``*``) into nested two-argument calls, ``max(max(a, b), c)``: Python's max
returns the first largest argument, and so does the nesting (a tie keeps the left one), so
the value and the derivative that follows it are unchanged. Only names that are the builtins
there (not shadowed by a local, a closure variable or a global) are rewritten.
"""

from __future__ import annotations

import builtins

import gast

from ..ir import syntax as S

_NESTED = {"max": builtins.max, "min": builtins.min}


def nest_min_max(fdef: gast.FunctionDef, namespace, local_names: set[str]) -> None:
    """Rewrite variadic max/min calls in place (see the module docstring)."""
    for node in S.walk(fdef):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if _variadic(item, namespace, local_names):
                        value[i] = _nested(item)
            elif _variadic(value, namespace, local_names):
                setattr(node, field, _nested(value))


def _variadic(node, namespace, local_names) -> bool:
    if not (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id in _NESTED
        and node.func.id not in local_names
        and len(node.args) >= 3
        and not node.keywords
        and not any(isinstance(a, gast.Starred) for a in node.args)
    ):
        return False
    return namespace.lookup(node.func.id, None) is _NESTED[node.func.id]


def _nested(call: gast.Call) -> gast.Call:
    name = call.func.id
    out = call.args[0]
    for arg in call.args[1:]:
        out = gast.Call(func=gast.Name(name, gast.Load(), None, None), args=[out, arg], keywords=[])
        gast.copy_location(out, call)
    return out
