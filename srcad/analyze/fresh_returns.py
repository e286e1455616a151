"""Analyze: whether a user function always returns a new object (its fresh-return summary).

A caller may change in place what a call returned (``h = relu(z); h *= mask``) only when
that object has no other name: were it a parameter, a global or a view of one, the change
would reach them too. `returns_fresh(fn)` reads `fn`'s source and answers True only when
every ``return`` of `fn` (not of the functions nested in it) returns an object made by the
return expression itself, so that nothing else can hold it:
- an operator expression (``x * 2``, ``-x``, ``x > 0``): numpy makes a new array, and a
  number is immutable;
- a call of a numpy function that makes a new array (a ufunc without ``out=``, and the
  functions the caller's `copies` says make copies: the registry's fresh facts), or of a user
  function that itself returns fresh objects (followed up to a small depth, recursion
  excluded).

Anything else (a name, an item, an attribute, ``a or b``, a call srcad does not know, a
function whose source cannot be read, a generator) is not fresh: the caller then treats
the result as possibly shared, which may refuse a change but never misses one.
"""

from __future__ import annotations

import types

import gast
import numpy as np

from ..errors import SrcadError
from ..ir import syntax as S
from ..parse import parse_function

_MAX_DEPTH = 4  # user functions followed through returns of calls
_FRESH_OPERATORS = (gast.BinOp, gast.UnaryOp, gast.Compare)


def returns_fresh(fn, copies, _active: frozenset = frozenset()) -> bool:
    """Whether every return of the user function `fn` makes a new object (module doc);
    `copies(obj)`: whether calling the numpy function `obj` makes a new array."""
    if not isinstance(fn, types.FunctionType) or fn in _active or len(_active) >= _MAX_DEPTH:
        return False
    code = fn.__code__
    if code.co_flags & (0x20 | 0x80 | 0x200):  # generator, coroutine, async generator
        return False
    try:
        parsed = parse_function(fn)
    except SrcadError:
        return False
    returns = list(_returns(parsed.node.body))
    if not returns:
        return False  # None: not an array anyone changes
    active = _active | {fn}
    fdef = parsed.node
    local = S.names_stored(fdef) | {a.id for a in fdef.args.posonlyargs + fdef.args.args}
    local |= {a.id for a in fdef.args.kwonlyargs}
    local |= {a.id for a in (fdef.args.vararg, fdef.args.kwarg) if a is not None}
    scope = (parsed.namespace, local, copies)
    return all(r.value is not None and _made_here(r.value, scope, active) for r in returns)


def _returns(body):
    """The return statements of a function body, not of the functions and classes in it."""
    for stmt in body:
        if isinstance(stmt, gast.Return):
            yield stmt
        elif isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            continue
        else:
            for field in ("body", "orelse", "finalbody"):
                yield from _returns(getattr(stmt, field, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _returns(handler.body)
            for case in getattr(stmt, "cases", []):
                yield from _returns(case.body)


def _made_here(value, scope, active: frozenset) -> bool:
    if isinstance(value, _FRESH_OPERATORS):
        return True
    if isinstance(value, gast.IfExp):
        return _made_here(value.body, scope, active) and _made_here(value.orelse, scope, active)
    if not isinstance(value, gast.Call) or any(k.arg == "out" for k in value.keywords):
        return False
    callee = scope[0].value_of(value.func, scope[1])
    if isinstance(callee, np.ufunc):
        return True
    if callee is not None and scope[2](callee):
        # np.array(x, copy=False) may be x itself
        return all(
            isinstance(k.value, gast.Constant) and k.value.value is True
            for k in value.keywords
            if k.arg == "copy"
        )
    return returns_fresh(callee, scope[2], active)
