"""Normalize, part 0: starred assignment, ``a, *rest, z = xs``, as indexing.

Accepts a parsed function (before the fence). Rewrites each assignment statement whose target
is a flat tuple or list with one starred name into an assignment of the value to a fresh
name and one indexing per target: ``a = t[0]``, ``rest = list(t[1:-1])``, ``z = t[-1]``. The
starred name gets a list, as in Python, whatever the sequence is (a list, a tuple, an array's
rows). Targets that are nested, attributes or items, and starred targets of ``for`` loops
and comprehensions, are left to the fence, which refuses them.
"""

from __future__ import annotations

import gast

from ..ir import syntax as S


def lower_starred(fdef: gast.FunctionDef) -> None:
    """Rewrite starred assignments in place (see the module docstring)."""
    taken = S.all_names(fdef)
    counter = [0]

    def fresh() -> str:
        while True:
            counter[0] += 1
            name = f"seq{counter[0]}"
            if name not in taken:
                taken.add(name)
                return name

    fdef.body = S.rewrite_statements(
        fdef.body, lambda s: _lowered(s, fresh) if _starred(s) else [s]
    )


def _starred(s) -> bool:
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
        return False
    target = s.targets[0]
    if not isinstance(target, (gast.Tuple, gast.List)):
        return False
    stars = [e for e in target.elts if isinstance(e, gast.Starred)]
    plain = all(
        isinstance(e.value if isinstance(e, gast.Starred) else e, gast.Name) for e in target.elts
    )
    return len(stars) == 1 and plain


def _lowered(s: gast.Assign, fresh) -> list:
    elts = s.targets[0].elts
    star = next(i for i, e in enumerate(elts) if isinstance(e, gast.Starred))
    after = len(elts) - star - 1
    seq = fresh()
    out = [S.assign(seq, s.value)]
    for i, e in enumerate(elts):
        if i < star:
            value = S.subscript(S.name(seq), S.const(i))
        elif i > star:
            value = S.subscript(S.name(seq), S.const(i - len(elts)))
        else:
            upper = S.const(-after) if after else None
            part = S.subscript(S.name(seq), gast.Slice(S.const(star), upper, None))
            value = S.call(S.name("list"), [part])
            e = e.value
        out.append(S.assign(e.id, value))
    for new in out:
        for n in S.walk(new):
            if getattr(n, "lineno", None) is None and "lineno" in n._attributes:
                gast.copy_location(n, s)
    return out
