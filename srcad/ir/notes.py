"""Facts that normalization leaves on statements for later passes, declared in one place.

A statement carries at most one `Notes` value (immutable, so a cloned tree may share it),
read with `notes(stmt)` and extended with `mark(stmt, ...)`. These are the only attributes
srcad adds to gast nodes besides their fields and positions; analyses return their results
in maps keyed by nodes instead (see `srcad.analyze.resolve.Resolution`).
"""

from __future__ import annotations

import dataclasses

_ATTRIBUTE = "srcad_notes"


@dataclasses.dataclass(frozen=True)
class InPlace:
    """``x op= v`` made a rebinding: `read` is the name the operation reads (the current
    version of `user`, the user's name), `operator` its symbol. For an array Python changes
    the object in place instead, which the alias analysis accepts only where no other name
    sees the object."""

    read: str
    user: str
    operator: str
    # ``l[i] op= v``: the container whose item `read` is (Python changes the item in place
    # when it is an array, which every other name of that array sees)
    container: str | None = None


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """``for t in srcad.checkpointed(range(...), snapshots)``, now ``for t in range(...)``:
    reverse mode keeps `snapshots` copies of the loop-carried state and recomputes steps
    from them. `snapshots` is an expression (an atom after `anf`), or None (about
    sqrt(steps))."""

    snapshots: object = None


@dataclasses.dataclass(frozen=True)
class Notes:
    inplace: InPlace | None = None  # the statement rebinds what Python changes in place
    loop_tail: bool = False  # recomputes a while loop's test at the end of its body
    checkpoint: Checkpoint | None = None  # a checkpointed for loop (srcad.checkpointed)
    # in the backward sweep, reruns steps of a checkpointed loop from a snapshot: what it
    # reads was put back by the snapshot or written earlier in the step, never by a restore
    recompute: bool = False


_NONE = Notes()


def notes(stmt) -> Notes:
    """The notes on `stmt` (empty notes when it has none)."""
    return getattr(stmt, _ATTRIBUTE, _NONE)


def mark(stmt, **facts) -> None:
    """Add `facts` (fields of `Notes`) to the notes on `stmt`."""
    setattr(stmt, _ATTRIBUTE, dataclasses.replace(notes(stmt), **facts))
