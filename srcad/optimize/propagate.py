"""Copy propagation: after ``a = b``, read ``b`` where the code reads ``a``.

Accepts a function body. Within a straight run of statements, a copy ``a = b`` (both plain
names) lets later reads of `a` read `b` instead, until either name is assigned again; dead-code
elimination then removes the copy. Compound statements are entered with the copies known so
far for their tests, and their bodies start fresh (a loop body may run again after
reassigning). A self-assignment ``a = a`` is dropped. Works in place on trees the driver
owns, and returns the statements.
"""

from __future__ import annotations

import gast

from ..ir import syntax as S


def propagate(stmts: list) -> list:
    """Propagate copies in `stmts`, which it changes in place (the caller owns them)."""
    return _block(stmts, {})


def _substitute(node, copies: dict):
    if not copies:
        return node
    for n in S.walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in copies:
            n.id = copies[n.id]
    return node


def _self_copy(s: gast.Assign) -> bool:
    target = s.targets[0]
    return (
        len(s.targets) == 1
        and isinstance(target, gast.Name)
        and isinstance(s.value, gast.Name)
        and s.value.id == target.id
    )


def _kill(copies: dict, names: set) -> None:
    for key in [k for k, v in copies.items() if k in names or v in names]:
        del copies[key]


def _block(stmts: list, copies: dict) -> list:
    copies = dict(copies)
    out = []
    for s in stmts:
        if isinstance(s, gast.Assign):
            _substitute(s.value, copies)
            if _self_copy(s):
                continue  # `a = a` (left over when a copy's source is read back) does nothing
            for t in s.targets:
                if not isinstance(t, gast.Name):
                    _substitute(t, copies)  # x[i] = v reads x and i
            assigned = S.names_stored(s)
            _kill(copies, assigned)
            target = s.targets[0]
            if (
                len(s.targets) == 1
                and isinstance(target, gast.Name)
                and isinstance(s.value, gast.Name)
                and s.value.id != target.id
            ):
                copies[target.id] = s.value.id
            out.append(s)
        elif isinstance(s, gast.If):
            _substitute(s.test, copies)
            s.body = _block(s.body, copies)
            s.orelse = _block(s.orelse, copies)
            _kill(copies, S.names_stored(s))
            out.append(s)
        elif isinstance(s, (gast.For, gast.While)):
            if isinstance(s, gast.For):
                _substitute(s.iter, copies)
            _kill(copies, S.names_stored(s))
            if isinstance(s, gast.While):
                pass  # the test runs again after the body: leave it as written
            s.body = _block(s.body, {})
            out.append(s)
        else:
            _substitute(s, copies)
            _kill(copies, S.names_stored(s))
            out.append(s)
    return out
