"""Normalize, for srcad.normalize.generators: a generator left before its end.

A loop over a generator that is inlined (see srcad.normalize.generators) may stop drawing
from it: a ``break`` in the loop's body, ``itertools.islice(G(...), n)``, ``zip`` with a
``range(n)``. Python then abandons the generator: none of its code after the last value
drawn runs. The inlined generator gets a flag ``stop``, set where the loop would stop;
after each statement that holds one of its ``yield`` sites the rest of the statement list
runs only ``if not stop``, and each of its loops that holds a site ends with
``if stop: break``. So the inlined code runs exactly the steps Python runs, and ends where
Python's loop ends: a generator that never ends (``while True: yield``) ends with the loop
over it, as in Python.

Accepts statement lists of a generator's body (its yields still statements) and of a loop
body; guarantees the rewrites above, nothing else changed.
"""

from __future__ import annotations

import gast

from ..ir import syntax as S


def holds_yield(s) -> bool:
    return any(isinstance(n, gast.Yield) for n in S.walk(s))


def not_stopped(stop: str) -> gast.expr:
    return gast.UnaryOp(gast.Not(), S.name(stop))


def guard(stmts: list, stop: str, holds) -> list:
    """`stmts` with the statements after one that `holds` a site run only ``if not stop``,
    and the loops that hold a site ending with ``if stop: break``."""
    out: list = []
    for i, s in enumerate(stmts):
        if not holds(s):
            out.append(s)
            continue
        if isinstance(s, gast.If):
            s.body, s.orelse = guard(s.body, stop, holds), guard(s.orelse, stop, holds)
        elif isinstance(s, (gast.For, gast.While)):
            leave = gast.If(S.name(stop), [gast.Break()], [])
            s.body = [*guard(s.body, stop, holds), S.copy_location(leave, s)]
        out.append(s)
        rest = stmts[i + 1 :]
        if rest:
            kept = gast.If(not_stopped(stop), guard(rest, stop, holds), [])
            out.append(S.copy_location(kept, rest[0]))
        return out
    return out


def _exits_here(s) -> bool:
    """Whether `s` holds a break or continue of the loop around it (not of a loop inside
    it)."""
    if isinstance(s, (gast.Break, gast.Continue)):
        return True
    if isinstance(s, gast.If):
        return any(map(_exits_here, s.body)) or any(map(_exits_here, s.orelse))
    return False


def lower_exits(body: list, stop: str, skip: str) -> tuple[list, bool]:
    """A loop body's ``break`` statements (not those of loops inside it) as ``stop = True``
    and its ``continue`` statements as ``skip = True``, the rest of the body skipped after
    one; and whether it has a ``continue`` (the body then needs ``skip = False`` first)."""
    found = {"continue": False}

    def rewrite(stmts: list) -> list:
        out = []
        for s in stmts:
            if isinstance(s, (gast.Break, gast.Continue)):
                flag = stop if isinstance(s, gast.Break) else skip
                found["continue"] |= isinstance(s, gast.Continue)
                out.append(S.copy_location(S.assign(flag, S.const(True)), s))
                return out  # what follows a break or continue never runs
            if isinstance(s, gast.If):
                s.body, s.orelse = rewrite(s.body), rewrite(s.orelse)
            out.append(s)
        return out

    if not any(map(_exits_here, body)):
        return body, False
    body = rewrite(body)
    flags = {stop, skip}
    if not found["continue"]:
        return guard(body, stop, lambda s: bool(flags & S.names_stored(s))), False
    return _guard_both(body, stop, skip, flags), True


def _guard_both(stmts: list, stop: str, skip: str, flags: set) -> list:
    """`guard` with the test ``not stop and not skip`` (a body with continue and break)."""
    out: list = []
    for i, s in enumerate(stmts):
        out.append(s)
        if not flags & S.names_stored(s):
            continue
        if isinstance(s, gast.If):
            s.body = _guard_both(s.body, stop, skip, flags)
            s.orelse = _guard_both(s.orelse, stop, skip, flags)
        rest = stmts[i + 1 :]
        if rest:
            test = gast.BoolOp(gast.And(), [not_stopped(stop), not_stopped(skip)])
            kept = gast.If(test, _guard_both(rest, stop, skip, flags), [])
            out.append(S.copy_location(kept, rest[0]))
        return out
    return out


def breaks_cleanly(body: list) -> bool:
    """Whether the loop body's ``break`` and ``continue`` statements are all ones
    `lower_exits` rewrites (not in the else of a loop inside it, nor under a with or try)."""
    todo = list(body)
    while todo:
        n = todo.pop()
        if isinstance(n, (gast.For, gast.While)):
            if any(isinstance(m, (gast.Break, gast.Continue)) for o in n.orelse for m in S.walk(o)):
                return False
            continue
        if isinstance(n, (gast.FunctionDef, gast.Lambda, gast.ClassDef)):
            continue
        todo.extend(S.children(n))

    # every break sits in ifs only (not under a with or try, which srcad lowers later)
    def only_ifs(stmts):
        for s in stmts:
            if isinstance(s, gast.If):
                if not (only_ifs(s.body) and only_ifs(s.orelse)):
                    return False
            elif not isinstance(s, (gast.For, gast.While)) and any(
                isinstance(m, (gast.Break, gast.Continue)) for m in S.walk(s)
            ):
                return isinstance(s, (gast.Break, gast.Continue))
        return True

    return only_ifs(body)
