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

- a tuple of such values (no two of them the same name);
- a parameter in `owned`: one the caller handed over, which the callee's generated code
  copies first (`srcad.analyze.owned`), when the function only ever binds it anew to such
  values (``p = bc(p)``, ``p -= v``) and never lets another name, a container or a nested
  function have it (it only indexes it, reads its attributes, computes with it and passes
  it to calls).

Anything else (a name, an item, an attribute, ``a or b``, a call srcad does not know, a
function whose source cannot be read, a generator) is not fresh: the caller then treats
the result as possibly shared, which may refuse a change but never misses one.
"""

from __future__ import annotations

import inspect
import types

import gast
import numpy as np

from ..errors import SrcadError
from ..ir import syntax as S
from ..parse import parse_function
from ..rules.registry import lookup

_MAX_DEPTH = 4  # user functions followed through returns of calls
_FRESH_OPERATORS = (gast.BinOp, gast.UnaryOp, gast.Compare)


def returns_fresh(fn, copies, owned=(), _active: frozenset = frozenset()) -> bool:
    """Whether every return of the user function `fn` makes a new object (module doc);
    `copies(obj)`: whether calling the numpy function `obj` makes a new array; `owned`: the
    parameters the call hands over (copied first by the callee's generated code)."""
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
    scope = (parsed.namespace, local, copies, frozenset())
    if all(r.value is not None and _made_here(r.value, scope, active) for r in returns):
        return True
    params = {a.id for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs}
    candidates = (S.names_stored(fdef) - params) | set(owned)
    scope = scope[:3] + (_private(fdef, candidates, returns, scope, active),)
    return all(r.value is not None and _made_here(r.value, scope, active) for r in returns)


def _private(fdef, candidates: set, returns: list, scope, active: frozenset) -> frozenset:
    """The names that hold new objects of the function's own (or the copies of parameters
    handed over) wherever they are read: the largest set of `candidates` whose every
    binding is ``p op= v`` or ``p = value`` with a value new or made from the set's names
    (``p = bc(p)``, ``y = np.reshape(t, s)``), and that nothing else gets hold of."""
    uses: dict = {}  # name -> [(Name node, its parent)]
    for node in S.walk(fdef):
        for child in gast.iter_child_nodes(node):
            if isinstance(child, gast.Name) and child.id in candidates:
                uses.setdefault(child.id, []).append((child, node))
    for node in S.walk(fdef):
        if isinstance(node, (gast.FunctionDef, gast.Lambda)) and node is not fdef:
            candidates = candidates - {n.id for n in S.walk(node) if isinstance(n, gast.Name)}
    returned = {id(r.value) for r in returns}
    private = {p for p in candidates if _only_used(uses.get(p, ()), returned, scope)}
    while True:
        kept = frozenset(private)
        scope = scope[:3] + (kept,)
        private = {p for p in kept if _bound_privately(uses.get(p, ()), scope, active)}
        if private == kept:
            return kept


def _keeps_nothing(callee) -> bool:
    """Whether a call of `callee` keeps none of its arguments: a numpy function that stores
    nothing, or a user function (its own returns are weighed where they are bound)."""
    if isinstance(callee, types.FunctionType):
        return True
    entry = lookup(callee) if callee is not None else None
    return entry is not None and not entry.stores


def _only_used(uses, returned: set, scope) -> bool:
    """Whether every read of a name indexes it, reads an attribute of it, computes with it
    or passes it to a call, or returns it (alone or in the returned tuple)."""
    for node, parent in uses:
        if not isinstance(node.ctx, gast.Load):
            continue
        if id(node) in returned or (isinstance(parent, gast.Tuple) and id(parent) in returned):
            continue
        if isinstance(parent, (gast.Subscript, gast.Attribute)) and parent.value is node:
            continue
        if isinstance(parent, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.keyword)):
            continue
        if isinstance(parent, gast.Call) and node is not parent.func:
            if _keeps_nothing(scope[0].value_of(parent.func, scope[1])):
                continue
        if isinstance(parent, gast.AugAssign) and parent.value is node:
            continue
        return False
    return True


def _bound_privately(uses, scope, active: frozenset) -> bool:
    """Whether every binding of a name is ``name op= v`` or ``name = value`` with `value`
    new or made from the private names (``p = bc(p)``)."""
    for node, parent in uses:
        if isinstance(node.ctx, gast.Load):
            continue
        if isinstance(node.ctx, gast.Param):
            continue  # a parameter handed over: the generated code's copy
        if isinstance(parent, gast.AugAssign):
            continue  # an array changed in place: the same object
        if not (isinstance(parent, gast.Assign) and parent.targets == [node]):
            return False
        value = parent.value
        if not _made_here(value, scope, active):
            return False
    return True


def _given_private(call, callee, scope) -> tuple:
    """The parameters of the user function `callee` that `call` gives private names: the
    callee returning them returns private objects too (its own copies, or the caller's)."""
    if not isinstance(callee, types.FunctionType) or not scope[3]:
        return ()
    try:
        bound = inspect.signature(callee).bind(
            *call.args, **{k.arg: k.value for k in call.keywords if k.arg}
        )
    except (TypeError, ValueError):
        return ()
    return tuple(
        p for p, a in bound.arguments.items() if isinstance(a, gast.Name) and a.id in scope[3]
    )


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
    if isinstance(value, gast.Name):
        return value.id in scope[3]  # a new object of the function's own (`_private`)
    if isinstance(value, (gast.Subscript, gast.Attribute)):
        return S.is_name(value.value) and value.value.id in scope[3]  # a view of one
    if isinstance(value, gast.Tuple):
        # each item new, and none a view of another's object: no private name in two items
        private = [S.names_loaded(e) & scope[3] for e in value.elts]
        return sum(map(len, private)) == len(set().union(*private)) and all(
            _made_here(e, scope, active) for e in value.elts
        )
    if isinstance(value, gast.IfExp):
        return _made_here(value.body, scope, active) and _made_here(value.orelse, scope, active)
    if not isinstance(value, gast.Call) or any(k.arg == "out" for k in value.keywords):
        return False
    if isinstance(value.func, gast.Attribute) and _made_here(value.func.value, scope, active):
        return True  # t.reshape(s), t.copy(): a method of a private array
    callee = scope[0].value_of(value.func, scope[1])
    if isinstance(callee, np.ufunc):
        return True
    entry = lookup(callee) if callee is not None else None
    if entry is not None and entry.view and value.args:
        if isinstance(value.args[0], gast.Name) and value.args[0].id in scope[3]:
            return True  # np.reshape(t, s): a view of a private array
    if callee is not None and scope[2](callee):
        # np.array(x, copy=False) may be x itself
        return all(
            isinstance(k.value, gast.Constant) and k.value.value is True
            for k in value.keywords
            if k.arg == "copy"
        )
    return returns_fresh(callee, scope[2], _given_private(value, callee, scope), active)


def returned_parameter(fn) -> str | None:
    """The parameter every return of the user function `fn` returns by its name, when `fn`
    binds it only by ``p op= v`` (``def bc(u): u[0] = 0; return u``): the call's result is
    then that argument's object, of its rank. None otherwise."""
    if not isinstance(fn, types.FunctionType) or fn.__code__.co_flags & (0x20 | 0x80 | 0x200):
        return None
    try:
        parsed = parse_function(fn)
    except SrcadError:
        return None
    fdef = parsed.node
    returned = {r.value.id if isinstance(r.value, gast.Name) else None for r in _returns(fdef.body)}
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args]
    if len(returned) != 1 or None in returned or not returned <= set(params):
        return None
    (name,) = returned
    for node in S.walk(fdef):
        if isinstance(node, gast.Name) and node.id == name and not isinstance(node.ctx, gast.Load):
            if not isinstance(node.ctx, gast.Param):
                return None  # bound anew (augmented assignments too, to stay simple)
    return name
