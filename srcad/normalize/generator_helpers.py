"""Normalize, for srcad.normalize.generators: a generator passed to a helper that loops
over it.

Accepts the function before the generator inliner runs. A call ``h(..., G(args), ...)`` of
a function ``h`` of the same module and file (no closure, no defaults, no ``*args``), whose
parameter for the generator is read once, where it runs at most once (not in a loop, a
lambda or a comprehension's body) and is never rebound, gets a copy of ``h`` nested in the
function, the parameter replaced by G's parameters and its one use by ``G(those)``::

    def h_G(a1, ..., other parameters):   (h's body, its use of the parameter G(a1, ...))
    ... h_G(args..., other arguments) ...

Python evaluates the arguments in the same order and runs G's code where ``h`` draws from
it, so the inliner then handles ``G(...)`` in ``h_G`` as it does in the function itself
(a loop over it, ``list``, ``sum``, ``break``, ``islice``...). Guarantees: any other call
is left as it is; the caller's cache guards ``h``'s binding and code.
"""

from __future__ import annotations

import types

import gast

from ..ir import syntax as S


def pass_into_helpers(fdef: gast.FunctionDef, inliner) -> None:
    """Specialize the helpers `fdef` passes a generator to (see the module docstring)."""
    defs: list = []
    for call in [n for n in S.walk_no_nested(fdef) if isinstance(n, gast.Call)]:
        made = _specialized(call, inliner)
        if made is not None:
            defs.append(made)
    fdef.body = defs + fdef.body


def _specialized(call: gast.Call, inliner):
    if not isinstance(call.func, gast.Name) or call.keywords:
        return None
    if any(isinstance(a, gast.Starred) for a in call.args):
        return None
    position = next(
        (i for i, a in enumerate(call.args) if isinstance(a, gast.Call) and _draws(a, inliner)),
        None,
    )
    if position is None:
        return None
    helper = _helper(call.func.id, inliner)
    if helper is None:
        return None
    fn, node = helper
    params = [p.id for p in node.args.args]
    if len(params) != len(call.args):
        return None
    param = params[position]
    loads = [
        n for n in S.walk(gast.Module(node.body, [])) if isinstance(n, gast.Name) and n.id == param
    ]
    if len(loads) != 1 or not isinstance(loads[0].ctx, gast.Load):
        return None
    holder = _once(node.body, loads[0])
    if holder is None:
        return None
    generator = call.args[position]
    fresh = [inliner.namer.fresh(f"{param}_{i}") for i in range(len(generator.args))]
    use = S.copy_location(
        gast.Call(S.clone(generator.func), [S.name(f) for f in fresh], []), loads[0]
    )
    _swap(holder, loads[0], use)
    args = node.args.args
    new_params = [gast.Name(f, gast.Param(), None, None) for f in fresh]
    node.args.args = args[:position] + new_params + args[position + 1 :]
    node.name = inliner.namer.fresh(f"{node.name}_{generator.func.id}")
    node.decorator_list = []
    inliner._guard(call.func.id, fn)
    call.func = S.copy_location(S.name(node.name), call.func)
    call.args = call.args[:position] + list(generator.args) + call.args[position + 1 :]
    return node


def _draws(call: gast.Call, inliner) -> bool:
    if not isinstance(call.func, gast.Name) or call.keywords:
        return False
    if any(isinstance(a, gast.Starred) for a in call.args):
        return False
    if call.func.id in inliner.nested:  # a nested def: the copy could not see it
        return False
    return inliner._generator(call) is not None


def _helper(name: str, inliner):
    if name in inliner.local:
        return None
    fn = inliner.namespace.lookup(name, None)
    if not isinstance(fn, types.FunctionType) or fn.__closure__:
        return None
    if fn.__globals__ is not inliner.namespace.globals:
        return None
    if fn.__code__.co_filename != inliner.filename or fn.__defaults__ or fn.__kwdefaults__:
        return None
    from ..parse import parse_function

    try:
        node = parse_function(fn).node
    except Exception:  # noqa: BLE001 - no source, a generator, ...: left as it is
        return None
    a = node.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults:
        return None
    return fn, S.clone(node)


def _once(stmts: list, use):
    """The statement of `stmts` whose own expression holds `use`, running at most once per
    call (looking into ifs, not loops, withs or trys), with `use` not in a lambda or a
    comprehension's body; else None."""
    for s in stmts:
        header = _header(s)
        if header is not None and any(n is use for n in S.walk(header)):
            return None if _deferred(header, use) else s
        if isinstance(s, gast.If):
            found = _once(s.body, use) or _once(s.orelse, use)
            if found is not None:
                return found
    return None


def _header(s):
    if isinstance(s, gast.For):
        return s.iter
    if isinstance(s, (gast.Assign, gast.Return, gast.Expr)):
        return s.value
    return None


def _deferred(expr, use) -> bool:
    for n in S.walk(expr):
        if isinstance(n, gast.Lambda) and any(m is use for m in S.walk(n.body)):
            return True
        if isinstance(n, (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)):
            inside = any(m is use for m in S.walk(n))
            if inside and not any(m is use for m in S.walk(n.generators[0].iter)):
                return True
    return False


def _swap(s, old, new) -> None:
    if isinstance(s, gast.For) and s.iter is old:
        s.iter = new
        return
    if getattr(s, "value", None) is old:
        s.value = new
        return
    S.replace_node(s, old, new)
