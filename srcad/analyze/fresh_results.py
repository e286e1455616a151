"""Analyze: whether a user function's result is always a new object (`returns_new`).

Accepts a plain Python function; reads its source (not normalized). ``y = relu(x)`` with
``def relu(x): return (x >= 0) * x`` gives y a new array, which `srcad.analyze.aliasing`
lets the caller change in place. Conservative: any return srcad cannot establish as new
(an argument, a global, a view, a call it does not know) makes the answer False.
"""

from __future__ import annotations

import types
import weakref

import gast
import numpy as np

from ..errors import SrcadError
from ..ir import syntax as S
from ..parse import parse_function
from .alias_facts import FRESH_CALLS as _FRESH
from .summary_syntax import _params

_new_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def returns_new(fn, _active: frozenset = frozenset()) -> bool:
    """Whether every return of the plain function `fn` certainly gives a new object: an
    operator's result, a literal, a ufunc's or a fresh numpy call's result, another such
    function's, or a local only ever bound to those (never an argument, a global, a view)."""
    cached = _new_cache.get(fn)
    if cached is not None and cached[0] is fn.__code__:
        return cached[1]
    if fn in _active:
        return False
    try:
        parsed = parse_function(fn)
    except SrcadError:
        return False
    node = parsed.node
    nodes = list(S.walk_no_nested(node))
    returns = [n.value for n in nodes if isinstance(n, gast.Return)]
    bindings: dict = {}
    for n in nodes:
        if isinstance(n, (gast.Assign, gast.AnnAssign, gast.NamedExpr)):
            for t in n.targets if isinstance(n, gast.Assign) else [n.target]:
                for name in S.names_stored(t):
                    bindings.setdefault(name, []).append(
                        n.value if isinstance(t, gast.Name) else None
                    )
        elif isinstance(n, (gast.For, gast.withitem, gast.comprehension, gast.ExceptHandler)):
            for name in S.names_stored(n):
                bindings.setdefault(name, []).append(None)
    params = set(_params(node))
    active = _active | {fn}

    def new(v, seen) -> bool:
        if isinstance(v, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Constant)):
            return True
        if isinstance(v, (gast.List, gast.Dict, gast.ListComp, gast.DictComp, gast.SetComp)):
            return True
        if isinstance(v, gast.IfExp):
            return new(v.body, seen) and new(v.orelse, seen)
        if isinstance(v, gast.Name):
            if v.id in params or v.id not in bindings or v.id in seen:
                return False
            return all(b is not None and new(b, seen | {v.id}) for b in bindings[v.id])
        if isinstance(v, gast.Call) and not any(k.arg == "out" for k in v.keywords):
            obj = _static_value(v.func, parsed.namespace, bindings, params)
            if isinstance(obj, np.ufunc):
                return True
            if obj is not None and id(obj) in _FRESH and all(k.arg != "copy" for k in v.keywords):
                return True
            return isinstance(obj, types.FunctionType) and returns_new(obj, active)
        return False

    found = bool(returns) and all(r is not None and new(r, frozenset()) for r in returns)
    _new_cache[fn] = (fn.__code__, found)
    return found


def _static_value(func, namespace, local: dict, params: set):
    path = []
    while isinstance(func, gast.Attribute):
        path.append(func.attr)
        func = func.value
    if not isinstance(func, gast.Name) or func.id in local or func.id in params:
        return None
    value = namespace.lookup(func.id, None)
    for part in reversed(path):
        value = getattr(value, part, None)
    return value
