"""To-be-recorded analysis: which saved values the backward sweep really reads.

Accepts the forward sweep (with `Save` markers) and the lowered backward sweep (with
`Restore` markers). A value saved at a site is needed when the backward sweep reads that
name after the site's restore point, or anywhere in a loop around it (the next backward
iteration reads it). Guarantees: needed sites become real code (a local slot outside loops,
``x_saved = x`` / ``x = x_saved``; a list used as a stack inside loops, ``.append`` /
``.pop()``), all other markers vanish, and the stacks are created at the start of the
forward sweep. Straight-line code therefore never saves anything.
"""

from __future__ import annotations

import dataclasses

import gast

from ..ir import syntax as S
from ..ir.dnotation import Restore, Save
from ..ir.notes import notes


@dataclasses.dataclass
class Saved:
    forward: list
    backward: list
    prologue: list  # stack creations and None initialisations for the forward sweep


def _header_reads(s) -> set[str]:
    if isinstance(s, gast.If):
        return S.names_loaded(s.test)
    if isinstance(s, gast.While):
        return S.names_loaded(s.test)
    if isinstance(s, gast.For):
        return S.names_loaded(s.iter)
    if isinstance(s, Restore):
        target = s.target
        return S.names_loaded(target) if not isinstance(target, gast.Name) else set()
    return S.names_loaded(s)


def needed_sites(backward: list, reads: dict | None = None) -> set[int]:
    """The sites whose saved value the backward sweep reads. `reads` keeps each statement's
    header reads (by statement) across calls on the same, pruned, statements."""
    reads = {} if reads is None else reads
    entries: list[tuple[set[str], object]] = []  # (reads, restore or None)
    loop_spans: list[tuple[int, int]] = []
    restore_at: list[tuple[int, Restore, tuple | None]] = []
    # A checkpointed loop's backward sweep reruns steps from a snapshot (`notes.recompute`):
    # a rerun reads a name its steps write only after writing it or getting it back from
    # the snapshot, never as a restore left it. Entry -> the names its rerun writes.
    rerun_writes: dict[int, set] = {}

    def visit(stmts, outer, rerun):
        marked = [s for s in stmts if notes(s).recompute and not isinstance(s, Restore)]
        region = S.names_stored(gast.Module(body=marked, type_ignores=[])) if marked else None
        for s in stmts:
            index = len(entries)
            known = reads.get(s)
            if known is None:
                known = reads[s] = _header_reads(s)
            entries.append((known, s))
            writes = region if notes(s).recompute and not isinstance(s, Restore) else rerun
            if writes is not None:
                rerun_writes[index] = writes
            if isinstance(s, Restore):
                restore_at.append((index, s, outer))
            if isinstance(s, (gast.For, gast.While)):
                span = [index, None]
                visit(s.body, outer or span, writes)
                span[1] = len(entries)
                if outer is None:
                    loop_spans.append(tuple(span))
            elif isinstance(s, gast.If):
                visit(s.body, outer, writes)
                visit(s.orelse, outer, writes)

    visit(backward, None, None)
    visit = None  # noqa: F841 - a recursive closure's cycle, freed now (no collection)
    needed = set()
    for index, restore, outer in restore_at:
        name = restore.name
        if notes(restore).recompute:  # a snapshot, which the rerun reads
            needed.add(restore.site)
            continue

        def reads_it(i: int) -> bool:
            return name in entries[i][0] and name not in rerun_writes.get(i, ())  # noqa: B023

        if any(reads_it(i) for i in range(index + 1, len(entries))):
            needed.add(restore.site)
            continue
        if outer is not None and any(reads_it(i) for i in range(outer[0], outer[1])):
            needed.add(restore.site)
    return needed


def _prune(stmts: list, needed: set) -> list:
    """Drop restores that are not needed, then branches left with nothing to do."""
    out = []
    for s in stmts:
        if isinstance(s, Restore) and s.site not in needed:
            continue
        if isinstance(s, gast.If):
            body, orelse = _prune(s.body, needed), _prune(s.orelse, needed)
            if not _busy(body) and not _busy(orelse):
                continue
            s.body, s.orelse = body or [gast.Pass()], orelse
        elif isinstance(s, (gast.For, gast.While)):
            s.body = _prune(s.body, needed) or [gast.Pass()]
        out.append(s)
    return out


def _busy(stmts: list) -> bool:
    return any(not isinstance(s, gast.Pass) for s in stmts)


def materialize(forward: list, backward: list, fresh, none_init: set, params: set) -> Saved:
    backward, needed = _pruned(backward)

    storage: dict[int, tuple[str, bool]] = {}
    prologue: list = []
    initialized: set[str] = set()

    def storage_for(site: int, name: str, in_loop: bool) -> str:
        if site not in storage:
            slot = fresh(f"{name}_saved")
            storage[site] = (slot, in_loop)
            if in_loop:
                prologue.append(S.assign(slot, S.list_([])))
            if name in none_init and name not in params and name not in initialized:
                initialized.add(name)  # a save may read it before the user binds it
                prologue.append(S.assign(name, S.const(None)))
        return storage[site][0]

    def rewrite(stmts: list) -> list:
        out = []
        for s in stmts:
            if isinstance(s, Save):
                if s.site in needed:
                    out.append(_save(s, storage_for(s.site, s.name, s.in_loop)))
                continue
            if isinstance(s, Restore):
                if s.site in needed:
                    out.append(_restore(s, storage_for(s.site, s.name, s.in_loop)))
                continue
            for field in ("body", "orelse"):
                if hasattr(s, field) and isinstance(getattr(s, field), list):
                    setattr(
                        s,
                        field,
                        rewrite(getattr(s, field)) or ([gast.Pass()] if field == "body" else []),
                    )
            out.append(s)
        return out

    forward = rewrite(forward)
    backward = rewrite(backward)
    rewrite = None  # noqa: F841 - a recursive closure's cycle, freed now (no collection)
    return Saved(forward, backward, prologue)


def _pruned(backward: list) -> tuple[list, set]:
    """The backward sweep without the restores nothing needs, and the sites still needed."""
    # A restore that is not needed can leave a branch empty, whose test then needs nothing.
    reads: dict = {}  # pruning only drops statements: what each one reads stays the same
    needed = needed_sites(backward, reads)
    while True:
        backward = _prune(backward, needed)
        again = needed_sites(backward, reads)
        if again == needed:
            return backward, needed
        needed = again


def _save(s: Save, slot: str) -> gast.stmt:
    """The statement keeping a value in its slot (appended to a list in a loop)."""
    if s.in_loop:
        append = gast.Attribute(S.name(slot), "append", gast.Load())
        return _at(S.expr_stmt(S.call(append, [s.value])), s)
    return _at(S.assign(slot, s.value), s)


def _restore(s: Restore, slot: str) -> gast.stmt:
    """The statement putting a kept value back (popped from its list in a loop)."""
    helper = s.helper
    if helper is not None:
        rt, obj, index = helper
        value = (
            S.call(gast.Attribute(S.name(slot), "pop", gast.Load())) if s.in_loop else S.name(slot)
        )
        call = S.call(
            gast.Attribute(S.name(rt), "restore_item", gast.Load()),
            [S.name(obj), S.clone(index), value],
        )
        return _at(S.expr_stmt(call), s)
    if s.in_loop:
        pop = S.call(gast.Attribute(S.name(slot), "pop", gast.Load()))
        return _at(gast.Assign(targets=[s.target], value=pop, type_comment=None), s)
    return _at(gast.Assign(targets=[s.target], value=S.name(slot), type_comment=None), s)


def _at(new, old):
    new.lineno = getattr(old, "lineno", None)
    new.col_offset = getattr(old, "col_offset", 0)
    return new
