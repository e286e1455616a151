"""Normalize, part 0: checkpointed loops marked.

Accepts a parsed function (before the fence), where its free names live, and the guards list
of the code being generated. A loop ``for t in C(range(...), snapshots)``, where ``C`` is a
global or closure name (or a module attribute, ``srcad.checkpointed``) holding
`srcad.checkpointed`, becomes ``for t in range(...)`` carrying a `Checkpoint` note with the
snapshots expression (None when not given); a guard makes the generated code stale when ``C``
is rebound. Every mode but reverse iterates the range as written; reverse mode reads the note
(`srcad.transform.checkpointed`).

Refused, with the user's line: a checkpointed iterable that is not a ``range(...)`` call, a
loop body that can ``break`` out of the loop or ``return``, a ``for ... else``, and a call of
`srcad.checkpointed` anywhere but a for loop's header.
"""

from __future__ import annotations

import builtins

import gast

from ..custom import checkpointed
from ..errors import UnsupportedOperationError
from ..fence import location
from ..ir import syntax as S
from ..ir.notes import Checkpoint, mark

_HINT = "write the loop as for t in srcad.checkpointed(range(...), snapshots=k):"


def mark_checkpointed_loops(fdef: gast.FunctionDef, namespace, guards: list, filename: str):
    """Rewrite and mark the loops described in the module docstring, in place."""
    local = S.names_stored(fdef) | {
        a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs
    }
    found: list = []

    def is_marker(node) -> bool:
        if not isinstance(node, gast.Call):
            return False
        value = _evaluate(node.func, namespace, local, found)
        return value is checkpointed

    def where(node):
        return location(node, filename, fdef.name)

    headers = set()
    for loop in S.walk(fdef):
        if isinstance(loop, gast.For) and is_marker(loop.iter):
            _mark(loop, where, local, namespace)
            headers.add(id(loop))
    for node in S.walk(fdef):
        if isinstance(node, gast.Call) and is_marker(node):
            raise UnsupportedOperationError(
                "srcad.checkpointed(...) marks a for loop: it can only be a loop's iterable",
                where(node),
                hint=_HINT,
            )
    guards.extend(found)


def _mark(loop: gast.For, where, local: set, namespace) -> None:
    call = loop.iter
    if len(call.args) not in (1, 2) or any(k.arg != "snapshots" for k in call.keywords):
        raise UnsupportedOperationError(
            "srcad.checkpointed takes a range and snapshots=", where(call), hint=_HINT
        )
    steps = call.args[0]
    is_range = (
        isinstance(steps, gast.Call)
        and isinstance(steps.func, gast.Name)
        and steps.func.id not in local
        and namespace.lookup(steps.func.id, builtins.range) is builtins.range
        and not steps.keywords
        and 1 <= len(steps.args) <= 3
        and not any(isinstance(a, gast.Starred) for a in steps.args)
    )
    if not is_range:
        raise UnsupportedOperationError(
            f"srcad can checkpoint a loop over range(...) only, not over {S.to_source(steps)}",
            where(steps),
            hint="loop over the indices: for t in srcad.checkpointed(range(len(xs))): x = xs[t]",
        )
    if loop.orelse:
        raise UnsupportedOperationError(
            "srcad cannot checkpoint a for ... else loop", where(loop), hint="use a flag"
        )
    exit_ = _exit(loop.body, True)
    if exit_ is not None:
        kind = "return" if isinstance(exit_, gast.Return) else "break"
        raise UnsupportedOperationError(
            f"srcad cannot checkpoint a loop whose body can {kind}: the backward sweep "
            "recomputes its steps segment by segment and needs their number in advance",
            where(exit_),
            hint="drop srcad.checkpointed(...) for this loop, or compute the number of steps first",
        )
    snapshots = call.args[1] if len(call.args) == 2 else None
    if call.keywords:
        snapshots = call.keywords[0].value
    if isinstance(snapshots, gast.Constant) and snapshots.value is None:
        snapshots = None
    loop.iter = steps
    mark(loop, checkpoint=Checkpoint(snapshots=snapshots))


def _exit(stmts: list, own: bool):
    """The first statement that leaves the loop whose body `stmts` is: a return, or a break
    of this loop (`own`; a break in a nested loop only leaves that one)."""
    for s in stmts:
        if isinstance(s, gast.Return) or (own and isinstance(s, gast.Break)):
            return s
        if isinstance(s, (gast.For, gast.While)):
            found = _exit(s.body, False) or _exit(s.orelse, own)
        elif isinstance(s, gast.If):
            found = _exit(s.body, own) or _exit(s.orelse, own)
        elif isinstance(s, (gast.With, gast.Try)):
            parts = [getattr(s, f, []) for f in ("body", "orelse", "finalbody")]
            parts += [h.body for h in getattr(s, "handlers", [])]
            found = next((e for p in parts if (e := _exit(p, own)) is not None), None)
        else:
            found = None
        if found is not None:
            return found
    return None


def _evaluate(node, namespace, local: set, guards: list):
    """The object a global name or module attribute chain names (None for anything else),
    with a guard for each name and attribute read when it is `srcad.checkpointed`."""
    value, reads = namespace.module_value_read(node, local)
    if value is checkpointed:
        guards.extend(reads)
    return value
