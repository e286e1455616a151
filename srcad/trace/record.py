"""What an instrumented backward sweep calls: the recorder of adjoint statistics.

`srcad.trace_grad` generates a backward function that calls, after each statement assigning
an adjoint, ``trace.record(line, "bx", bx)``, and brackets each backward loop with
``trace.enter(line)``, ``trace.step()`` (first in its body) and ``trace.leave()``. The
recorder keeps numbers, never the arrays: the shape, dtype, norm, largest absolute value,
zeros, non-finite values and float subnormals of each adjoint as it is assigned.

Guarantees: `Recorder.events` lists the records in the order the backward sweep made them;
`Event.iteration` numbers each enclosing loop's iterations as the *forward* sweep ran them
(the backward sweep runs them in reverse), known once the loop has been left. A backward
function run outside `activate` records into a recorder nobody reads.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import itertools

import numpy as np


@dataclasses.dataclass(frozen=True)
class Stats:
    """Numbers about one adjoint value (all leaves together, for a tuple, list or dict)."""

    shape: tuple | str  # the array's shape; for a container, its kind and length
    dtype: str
    size: int
    norm: float  # Euclidean norm of every element, computed in float64
    max_abs: float
    zeros: int  # elements exactly zero
    nonfinite: int  # NaN or infinite elements
    subnormal: int  # nonzero elements below the dtype's smallest normal number


@dataclasses.dataclass(frozen=True)
class Site:
    """The static facts about one instrumented function: its name and file, the text of its
    lines, for each adjoint the primal variable it belongs to (with the expression an
    A-normal-form temporary stands for), and which variables have a depth: those bound
    again and again, by a loop or line after line."""

    function: str
    filename: str
    lines: dict  # line number -> source text
    variables: dict  # adjoint name -> primal name
    expressions: dict  # primal temporary -> the expression it holds, as source
    rebound: frozenset  # primal names bound in a loop or by more than one statement

    def recorder(self) -> Recorder:
        """The active recorder (see `activate`), told which function it is recording."""
        current = _active.get()
        recorder = current if current is not None else Recorder()
        recorder.site = self
        return recorder


@dataclasses.dataclass
class Event:
    line: int
    name: str  # the adjoint variable, as the generated code names it
    path: tuple  # (loop id, backward iteration) for each enclosing loop, outermost first
    stats: Stats
    recorder: Recorder

    @property
    def iteration(self) -> tuple:
        """Forward iteration numbers of the enclosing loops, outermost first."""
        counts = self.recorder.trips
        return tuple(counts.get(loop, b + 1) - 1 - b for loop, b in self.path)


class Recorder:
    """Collects one backward sweep's records (see the module docstring)."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self.events: list[Event] = []
        self.trips: dict[int, int] = {}  # loop id -> iterations, once left
        self.loops: dict[int, int] = {}  # loop id -> the line of its statement
        self._open: list[list] = []  # [loop id, backward iteration] of the loops being run
        self._ids = itertools.count()

    def record(self, line: int, name: str, value) -> None:
        stats = measure(value)
        if stats is not None:
            path = tuple((loop, it) for loop, it in self._open)
            self.events.append(Event(line, name, path, stats, self))

    def enter(self, line: int) -> None:
        loop = next(self._ids)
        self.loops[loop] = line
        self._open.append([loop, -1])

    def step(self) -> None:
        self._open[-1][1] += 1

    def leave(self) -> None:
        loop, last = self._open.pop()
        self.trips[loop] = last + 1


_active: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "srcad_trace_recorder", default=None
)


@contextlib.contextmanager
def activate(recorder: Recorder):
    """Make `recorder` the one instrumented code records into, in this context."""
    token = _active.set(recorder)
    try:
        yield recorder
    finally:
        _active.reset(token)


def _leaves(value, out: list) -> None:
    if isinstance(value, (list, tuple)):
        for v in value:
            _leaves(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _leaves(v, out)
    elif value is not None:
        array = np.asarray(value)
        if array.dtype.kind in "biufc":
            out.append(array)


def measure(value) -> Stats | None:
    """The `Stats` of an adjoint value; None when it holds no number (an empty container)."""
    leaves: list = []
    _leaves(value, leaves)
    if not leaves:
        return None
    if len(leaves) == 1 and not isinstance(value, (list, tuple, dict)):
        shape: tuple | str = leaves[0].shape
    else:
        shape = f"{type(value).__name__} of {len(value)}"
    dtype = np.result_type(*leaves)
    size = sum(a.size for a in leaves)
    magnitudes = [np.abs(a).ravel() for a in leaves]
    flat = np.concatenate(magnitudes) if len(magnitudes) > 1 else magnitudes[0]
    finite = np.isfinite(flat)
    wide = flat.astype(np.float64)
    norm = float(np.sqrt(np.sum(wide * wide))) if size else 0.0
    max_abs = float(np.max(wide)) if size else 0.0
    subnormal = 0
    if flat.dtype.kind == "f":
        tiny = np.finfo(flat.dtype).tiny
        subnormal = int(np.count_nonzero((flat > 0) & (flat < tiny)))
    return Stats(
        shape=shape,
        dtype=str(dtype),
        size=int(size),
        norm=norm,
        max_abs=max_abs,
        zeros=int(size - np.count_nonzero(flat)),
        nonfinite=int(size - np.count_nonzero(finite)),
        subnormal=subnormal,
    )
