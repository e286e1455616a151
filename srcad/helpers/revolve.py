"""The schedule of a checkpointed loop: binomial checkpointing, as Griewank's revolve does.

Reversing n steps with s snapshots (one of them holding the state the steps start from)
runs each step's forward computation at most t + 1 times, t the fewest repetitions with
C(s + t, t) >= n (Griewank and Walther, "Algorithm 799: revolve", ACM TOMS 26(1), 2000):
advance m = C(s + t - 1, t - 1) steps, keep a snapshot there, reverse the steps after it
with one snapshot fewer, then come back to the first state and reverse the first m steps
with t - 1 repetitions. Only one step is taped at a time.

The generated code runs the plan `checkpoint_plan` returns: the forward sweep keeps the
carried state at ``bounds[k]`` and advances to ``bounds[k + 1]``, for each k; the backward
sweep runs ``actions`` in order, each ``(action, first, last)``: "keep" pushes the carried
state on the snapshot stacks, "restore" pops it back into the variables, "advance" runs
steps ``range(first, last, step)`` as written, "reverse" runs them again keeping what their
adjoints need and then sends the adjoints back through them. Positions are index values.
"""

from __future__ import annotations

import itertools
import math
import numbers

from ..errors import SrcadError


def checkpoint_plan(steps: range, snapshots=None) -> tuple[list, Plan | list]:
    """``(bounds, actions)`` for a checkpointed loop over `steps` (see the module).

    `snapshots` (about sqrt(len(steps)) when None) bounds the snapshots kept at once, one
    more at most; with as many snapshots as steps each step runs forward twice.

    Example:
        >>> bounds, actions = checkpoint_plan(range(3), 2)
        >>> bounds  # keep the state at 0, advance to 1, keep it, advance to 2, keep, to 3
        [0, 1, 2, 3]
        >>> list(actions)[:5]  # the state at 2 back, step 2 reversed, the state at 1 back...
        [('restore', 0, 0), ('reverse', 2, 3), ('restore', 0, 0), ('keep', 0, 0), ('reverse', 1, 2)]
    """
    n = len(steps)
    if snapshots is None:
        snapshots = math.isqrt(n - 1) + 1 if n else 1
    if not isinstance(snapshots, numbers.Integral) or snapshots < 1:
        raise SrcadError(
            f"srcad.checkpointed: snapshots must be a positive int, got {snapshots!r}",
            hint="pass snapshots=None for about the square root of the number of steps",
        )
    if n == 0:
        return [steps.start], []
    plan = Plan(steps, min(int(snapshots), n))
    return [plan.value(p) for p in plan.kept()], plan


class Plan:
    """The backward sweep's actions, made as they are read (a list of them would take
    about as much memory as the tape checkpointing saves), as often as they are read."""

    def __init__(self, steps: range, snapshots: int) -> None:
        self.steps, self.snapshots = steps, snapshots

    def value(self, position: int) -> int:
        return self.steps.start + self.steps.step * position

    def _prefix(self, moves) -> tuple[list, tuple]:
        """The forward part of the whole plan (before the first reverse), and that reverse."""
        prefix = []
        for move in moves:
            if move[0] == "reverse":
                return prefix, move
            prefix.append(move)
        raise AssertionError("a plan reverses every step")

    def kept(self) -> list:
        """Where the forward sweep keeps the carried state, and the loop's end."""
        prefix, _ = self._prefix(_binomial(len(self.steps), self.snapshots))
        kept = [lo for action, lo, _ in prefix if action == "keep"]
        if prefix[-1][0] != "keep":  # keep the last step's state on the way to the end
            kept.append(len(self.steps) - 1)
        return kept + [len(self.steps)]

    def __iter__(self):
        moves = _binomial(len(self.steps), self.snapshots)
        prefix, first = self._prefix(moves)
        yield ("restore", 0, 0)
        if prefix[-1][0] == "keep":  # the last step's state was on top already: keep it
            yield ("keep", 0, 0)
        for action, lo, hi in itertools.chain([first], moves):
            if action in ("advance", "reverse"):
                yield (action, self.value(lo), self.value(hi))
            else:
                yield (action, 0, 0)


def _binomial(n: int, snapshots: int):
    """The whole plan in positions 0..n, forward part included: the state at 0 is kept,
    the steps reversed, and the state at 0 restored at the end."""
    yield ("keep", 0, 0)
    tasks: list = [("restore", 0, 0), ("steps", 0, n, snapshots - 1)]
    while tasks:
        task = tasks.pop()
        if task[0] != "steps":
            yield task
            continue
        _, lo, hi, free = task  # reverse lo..hi-1 from the state at lo (kept and current)
        if hi - lo == 1:
            yield ("reverse", lo, hi)
        elif free == 0:  # no snapshot to spare: from lo again for each step, the last first
            for j in reversed(range(lo, hi)):
                if j < hi - 1:
                    yield ("restore", lo, lo)
                    yield ("keep", lo, lo)
                if j > lo:
                    yield ("advance", lo, j)
                yield ("reverse", j, j + 1)
        else:
            m = _split(hi - lo, free + 1)
            yield ("advance", lo, lo + m)
            yield ("keep", lo + m, lo + m)
            # run in this order: the later steps, drop their snapshot, back to lo, the first m
            tasks += [
                ("steps", lo, lo + m, free),
                ("keep", lo, lo),
                ("restore", lo, lo),
                ("restore", lo + m, lo + m),
                ("steps", lo + m, hi, free - 1),
            ]


def _split(n: int, snapshots: int) -> int:
    """How far to advance before the next snapshot, for n steps and `snapshots` (at least
    2, one holding the first state): the most steps reversible with one repetition fewer."""
    t = 1
    while math.comb(snapshots + t, t) < n:
        t += 1
    return max(1, min(math.comb(snapshots + t - 1, t - 1), n - 1))
