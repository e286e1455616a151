"""Dead-code elimination by liveness, over structured code.

Accepts a generated function body. Removes assignments whose targets are never read later
and whose right-hand side has no effect (arithmetic, numpy calls, srcad helpers), and `if`
statements left empty. Statements with effects (calls to user functions, list appends,
item assignments, prints) always stay. Loops are handled by iterating their liveness to a
fixed point. Returns new statement lists; the input is not modified.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..ir import syntax as S


def _targets(s) -> set[str] | None:
    """Names an assignment binds, or None when it is not a plain name/tuple assignment."""
    if not isinstance(s, gast.Assign) or len(s.targets) != 1:
        return None
    t = s.targets[0]
    if isinstance(t, gast.Name):
        return {t.id}
    if isinstance(t, (gast.Tuple, gast.List)) and all(isinstance(e, gast.Name) for e in t.elts):
        return {e.id for e in t.elts}
    return None


class _Reads(dict):
    """names_loaded per node, memoized for one elimination: the fixed point over a loop
    reads the same statements many times, and nested loops multiply that."""

    def __call__(self, node) -> set[str]:
        found = self.get(node)
        if found is None:
            found = self[node] = S.names_loaded(node)
        return found


def live_in(stmts: list, live_out: set) -> set:
    _, live = _eliminate(stmts, set(live_out), lambda e: False, _Reads())
    return live


def eliminate(stmts: list, live_out: set, pure: Callable[[gast.expr], bool]) -> list:
    out, _ = _eliminate(stmts, set(live_out), pure, _Reads())
    return out


def _eliminate(stmts, live: set, pure, _reads: _Reads) -> tuple[list, set]:
    out = []
    for s in reversed(stmts):
        targets = _targets(s)
        if targets is not None:
            if not (targets & live) and pure(s.value):
                continue
            live = (live - targets) | _reads(s.value)
            out.append(s)
        elif isinstance(s, gast.If):
            body, live_body = _eliminate(s.body, set(live), pure, _reads)
            orelse, live_else = _eliminate(s.orelse, set(live), pure, _reads)
            if not _nonempty(body) and not _nonempty(orelse) and pure(s.test):
                continue
            new = gast.If(test=s.test, body=body or [gast.Pass()], orelse=orelse)
            _copy_pos(new, s)
            live = live_body | live_else | _reads(s.test)
            out.append(new)
        elif isinstance(s, (gast.For, gast.While)):
            header = _reads(s.iter if isinstance(s, gast.For) else s.test)
            assigned = {s.target.id} if isinstance(s, gast.For) else set()
            loop_live = set(live) | header
            for _ in range(50):
                _, body_in = _eliminate(s.body, set(loop_live), lambda e: False, _reads)
                new_live = loop_live | (body_in - assigned)
                if new_live == loop_live:
                    break
                loop_live = new_live
            body, body_in = _eliminate(s.body, set(loop_live), pure, _reads)
            new = type(s)(**{f: getattr(s, f) for f in s._fields})
            new.body = body or [gast.Pass()]
            _copy_pos(new, s)
            live = loop_live | (body_in - assigned) | header
            out.append(new)
        elif isinstance(s, gast.Pass):
            continue
        else:
            live = live | _reads(s)
            out.append(s)
    out.reverse()
    return out, live


def _nonempty(stmts) -> bool:
    return any(not isinstance(s, gast.Pass) for s in stmts)


def _copy_pos(new, old):
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))
