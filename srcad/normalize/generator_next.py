"""Normalize, for srcad.normalize.generators: a generator drawn from with ``next``.

Accepts the function before the generator inliner consumes its loops. In a statement list

    g = G(args)              (g bound once, used only by the next calls below)
    ...
    a = next(g)              (statements ``t = next(g)`` or ``next(g)``, K of them)
    S1
    b = next(g)
    rest

the code between two draws runs inside the generator's steps, as Python interleaves them:
G's body is inlined where the first value is drawn, each ``yield v`` replaced by
``count = count + 1`` then, for the k-th value, ``t_k = v`` and the statements up to the
next draw (the K-th sets the stop flag of srcad.normalize.generator_exits, so none of G's
code after it runs). A generator that ends before its K-th value raises StopIteration
where Python's ``next`` would. Guarantees: statements moved into the steps hold no break or
continue of their own loop; anything else about ``g`` is left as it is.
"""

from __future__ import annotations

import builtins

import gast

from ..ir import syntax as S


def lower_next_calls(fdef: gast.FunctionDef, inliner) -> None:
    """Rewrite the draws of `fdef`'s generators by ``next`` (see the module docstring)."""
    names = [n for n in S.walk(fdef) if isinstance(n, gast.Name)]
    fdef.body = _visit(fdef.body, names, inliner)


def _visit(stmts: list, names: list, inliner) -> list:
    for s in stmts:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                setattr(s, field, _visit(inner, names, inliner))
    i = 0
    while i < len(stmts):
        lowered = _lowered(stmts, i, names, inliner)
        if lowered is not None:
            stmts = lowered
        i += 1
    return stmts


def _lowered(stmts: list, i: int, names: list, inliner) -> list | None:
    s = stmts[i]
    if not (
        isinstance(s, gast.Assign)
        and len(s.targets) == 1
        and isinstance(s.targets[0], gast.Name)
        and isinstance(s.value, gast.Call)
        and not s.value.keywords
        and not any(isinstance(a, gast.Starred) for a in s.value.args)
    ):
        return None
    g = s.targets[0].id
    uses = [n for n in names if n.id == g and n is not s.targets[0]]
    draws = [j for j in range(i + 1, len(stmts)) if _draw(stmts[j], g, inliner)]
    if not draws or len(uses) != len(draws) or any(not isinstance(n.ctx, gast.Load) for n in uses):
        return None
    between = [stmts[a + 1 : b] for a, b in zip(draws, draws[1:])]
    if any(_leaves(part) for part in between):
        return None
    made = inliner._generator(s.value)
    if made is None or len(made[0].args.args) != len(s.value.args):
        return None
    namer = inliner.namer
    fresh = [namer.fresh(f"{g}_arg") for _ in s.value.args]
    binds = [S.copy_location(S.assign(f, a), s) for f, a in zip(fresh, s.value.args)]
    call = S.copy_location(gast.Call(S.clone(s.value.func), [S.name(f) for f in fresh], []), s)
    stop, count = namer.fresh("stop"), namer.fresh("count")
    k = len(draws)
    targets = [_target(stmts[j]) for j in draws]
    block = _block(inliner, made, call, stop, count, targets, between)
    first = stmts[draws[0]]
    short = gast.Compare(S.name(count), [gast.Lt()], [S.const(k)])
    fail = gast.Raise(S.call(_bound_next(inliner), []), None)
    block.append(gast.If(short, [fail], []))
    for n in block:
        S.copy_location(n, first)
    return stmts[:i] + binds + stmts[i + 1 : draws[0]] + block + stmts[draws[-1] + 1 :]


def _block(inliner, made, call, stop, count, targets, between) -> list:
    start = [S.assign(stop, S.const(False)), S.assign(count, S.const(0))]
    k = len(targets)

    def site(value):
        out = [S.assign(count, gast.BinOp(S.name(count), gast.Add(), S.const(1)))]
        chain: list = []
        for index in range(k, 0, -1):
            target = targets[index - 1]
            take = [gast.Assign([S.clone(target)], S.clone(value), None)] if target else []
            if index == k:
                take.append(S.assign(stop, S.const(True)))
            else:
                take += [S.clone(t) for t in between[index - 1]]
            test = gast.Compare(S.name(count), [gast.Eq()], [S.const(index)])
            chain = [gast.If(test, take or [gast.Pass()], chain)]
        return out + chain

    return inliner._inline(made, call, None, [], site, stop, start)


def _draw(s, g: str, inliner) -> bool:
    """Whether `s` is ``t = next(g)`` or ``next(g)`` of the builtin next."""
    value = s.value if isinstance(s, (gast.Assign, gast.Expr)) else None
    if isinstance(s, gast.Assign) and len(s.targets) != 1:
        return False
    return (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Name)
        and value.func.id not in inliner.local
        and inliner.namespace.lookup(value.func.id, None) is builtins.next
        and len(value.args) == 1
        and not value.keywords
        and S.is_name(value.args[0], g)
    )


def _target(s):
    return s.targets[0] if isinstance(s, gast.Assign) else None


def _bound_next(inliner) -> str:
    name = inliner.namer.fresh("StopIteration_")
    inliner.cells[name] = StopIteration
    return name


def _leaves(stmts: list) -> bool:
    todo = list(stmts)
    while todo:
        n = todo.pop()
        if isinstance(n, (gast.Break, gast.Continue)):
            return True
        if isinstance(n, (gast.For, gast.While, gast.FunctionDef, gast.Lambda, gast.ClassDef)):
            continue
        todo.extend(S.children(n))
    return False
