"""The report of `srcad.trace_grad`: every adjoint of one backward sweep, summarized.

Accepts a `Recorder` filled by an instrumented backward sweep (and, for float16 arguments,
the recorder of the same derivative run in float32). Guarantees: `Report.entries` has one
`Entry` per recorded adjoint, in backward-sweep order, numbers measured from the values the
derivative code computed; `Report.lines` one `LineSummary` per line and adjoint
(min/median/max over loop iterations); `Report.series` the adjoint norm of each re-bound
variable against depth; the flags (`vanishing`, `exploding`, `first_nonfinite`,
`underflow`) are read off those numbers and nothing else. Rendering (`table`, HTML in
Jupyter) and `plot` only format them.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import render
from .record import Recorder


@dataclasses.dataclass(frozen=True)
class Entry:
    """One adjoint as one statement of the backward sweep assigned it."""

    index: int  # position in the backward sweep's records
    line: int  # the line of the user's function the statement comes from
    source: str  # that line's text
    name: str  # the adjoint variable in the generated code (``bh``)
    variable: str  # the primal variable it is the adjoint of (``h``)
    expression: str | None  # what a temporary of the normal form holds (``W @ h``)
    iteration: tuple  # forward iteration numbers of the enclosing loops, outermost first
    shape: tuple | str
    dtype: str
    norm: float
    max_abs: float
    zero_fraction: float
    nonfinite: int  # NaN or infinite elements
    subnormal: int  # nonzero elements below the dtype's smallest normal number
    underflow: int | None  # zeros the float32 run of a float16 trace does not have

    @property
    def about(self) -> str:
        """The variable, or for a temporary the expression it holds."""
        return self.expression or self.variable


@dataclasses.dataclass(frozen=True)
class LineSummary:
    """The entries of one adjoint at one line: one per loop iteration, or just one."""

    line: int
    source: str
    name: str
    about: str
    count: int
    shape: tuple | str
    dtype: str
    norm_min: float
    norm_median: float
    norm_max: float
    max_abs: float  # the largest over the entries
    zero_fraction: float  # the largest over the entries
    nonfinite: int  # summed over the entries
    subnormal: int  # summed over the entries
    underflow: int | None  # summed over the entries


@dataclasses.dataclass(frozen=True)
class Series:
    """The adjoint of one variable against depth: at each line and loop iteration that
    binds the variable, its adjoint's last value there (the adjoint of the value the line
    read), in forward order: first layer first, the output's line last."""

    variable: str
    about: str  # the variable, or what a temporary holds
    points: tuple  # Entry values

    @property
    def norms(self) -> np.ndarray:
        return np.array([p.norm for p in self.points])

    @property
    def ratio(self) -> float:
        """The norm at the first point over the norm at the last (nan if both are 0)."""
        first, last = self.points[0].norm, self.points[-1].norm
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.float64(first) / np.float64(last))

    def where(self, point: Entry) -> str:
        text = f"line {point.line}"
        if point.iteration:
            text += ", iteration " + ", ".join(str(i) for i in point.iteration)
        return text


@dataclasses.dataclass(frozen=True)
class Report:
    """What `srcad.trace_grad` saw of the gradient's flow. See the module docstring.

    ``str(report)`` is the per-line table with the flags; ``report.table(iterations=True)``
    lists every entry; in Jupyter the report displays as an HTML table; ``report.plot()``
    draws the norms against depth (matplotlib).
    """

    function: str
    entries: tuple
    loss_scale: float | None  # the seed's value when the gradient was loss-scaled
    overflowed: tuple  # loss scales that overflowed before this one (dynamic scaling)
    vanishing_below: float
    exploding_above: float
    series: dict  # variable -> Series (variables bound again and again: in a loop, by lines)

    @property
    def lines(self) -> list[LineSummary]:
        """One summary per line and adjoint, in the order the backward sweep reached them."""
        groups: dict = {}
        for e in self.entries:
            groups.setdefault((e.line, e.name), []).append(e)
        return [_summary(group) for group in groups.values()]

    @property
    def depth_series(self) -> list[Series]:
        """The series with two points or more: the adjoints that have a depth."""
        return [s for s in self.series.values() if len(s.points) > 1]

    @property
    def main(self) -> Series | None:
        """The longest series (a variable of the user's before a temporary): the path the
        gradient takes through the most layers or iterations."""
        ranked = sorted(
            self.depth_series, key=lambda s: (-len(s.points), s.points[0].expression is not None)
        )
        return ranked[0] if ranked else None

    @property
    def ratio(self) -> float | None:
        """The `main` series' first-layer to last-layer norm ratio (None without one)."""
        return None if self.main is None else self.main.ratio

    @property
    def vanishing(self) -> list[Series]:
        return [s for s in self.depth_series if s.ratio < self.vanishing_below]

    @property
    def exploding(self) -> list[Series]:
        return [s for s in self.depth_series if s.ratio > self.exploding_above]

    @property
    def first_nonfinite(self) -> Entry | None:
        """The first adjoint of the backward sweep holding a NaN or an infinity."""
        return next((e for e in self.entries if e.nonfinite), None)

    @property
    def underflow(self) -> list[Entry]:
        """The float16 adjoints with zeros that the same derivative in float32 has not."""
        return [e for e in self.entries if e.underflow]

    def table(self, iterations: bool = False) -> str:
        """The report as text: one row per line and adjoint (per entry with
        ``iterations=True``), then the flags."""
        return render.text(self, iterations)

    def flags(self) -> list[str]:
        """The findings, one sentence each (empty when there is nothing to say)."""
        return render.flags(self)

    def plot(self, ax=None, names=None):
        """Adjoint norms against depth, log scale (matplotlib, an optional dependency).

        Args:
            ax: the matplotlib Axes to draw on (a new figure's without it).
            names: the variables whose adjoints to draw (default: every series with two
                points or more).

        Returns:
            The Axes.
        """
        from .plot import plot

        return plot(self, ax, names)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        return render.html_table(self)

    def __repr__(self) -> str:
        return f"<srcad gradient trace of {self.function}: {len(self.entries)} adjoints>"


def _summary(group: list) -> LineSummary:
    first = group[0]
    norms = np.array([e.norm for e in group])
    underflow = [e.underflow for e in group if e.underflow is not None]
    return LineSummary(
        line=first.line,
        source=first.source,
        name=first.name,
        about=first.about,
        count=len(group),
        shape=first.shape,
        dtype=first.dtype,
        norm_min=float(np.min(norms)),
        norm_median=float(np.median(norms)),
        norm_max=float(np.max(norms)),
        max_abs=float(max(e.max_abs for e in group)),
        zero_fraction=float(max(e.zero_fraction for e in group)),
        nonfinite=sum(e.nonfinite for e in group),
        subnormal=sum(e.subnormal for e in group),
        underflow=sum(underflow) if underflow else None,
    )


def build(
    recorder: Recorder,
    reference: Recorder | None = None,
    loss_scale: float | None = None,
    overflowed: tuple = (),
    vanishing: float = 1e-4,
    exploding: float = 1e4,
) -> Report:
    """The report of `recorder`'s sweep; `reference` is the float32 run of a float16 one."""
    site = recorder.site
    zeros = _zeros_by_key(reference) if reference is not None else None
    entries, seen = [], {}
    for i, event in enumerate(recorder.events):
        key = (event.line, event.name, event.iteration)
        seen[key] = seen.get(key, -1) + 1
        stats = event.stats
        underflow = None
        if zeros is not None and stats.dtype == "float16":
            other = zeros.get(key + (seen[key],))
            underflow = None if other is None else max(0, stats.zeros - other)
        variable = site.variables.get(event.name, event.name) if site else event.name
        entries.append(
            Entry(
                index=i,
                line=event.line,
                source=site.lines.get(event.line, "") if site else "",
                name=event.name,
                variable=variable,
                expression=site.expressions.get(variable) if site else None,
                iteration=event.iteration,
                shape=stats.shape,
                dtype=stats.dtype,
                norm=stats.norm,
                max_abs=stats.max_abs,
                zero_fraction=stats.zeros / stats.size if stats.size else 0.0,
                nonfinite=stats.nonfinite,
                subnormal=stats.subnormal,
                underflow=underflow,
            )
        )
    rebound = site.rebound if site else frozenset()
    series = _series(entries, rebound)
    name = site.function if site else "?"
    return Report(name, tuple(entries), loss_scale, overflowed, vanishing, exploding, series)


def _zeros_by_key(recorder: Recorder) -> dict:
    out, seen = {}, {}
    for event in recorder.events:
        key = (event.line, event.name, event.iteration)
        seen[key] = seen.get(key, -1) + 1
        out[key + (seen[key],)] = event.stats.zeros
    return out


def _series(entries: list, rebound: frozenset) -> dict:
    """For each variable bound again and again, its adjoint's last value at each (line,
    iteration), in forward order: the backward sweep reaches depths in reverse. Containers
    are left out (their adjoints accumulate over the iterations)."""
    last: dict = {}
    for e in entries:
        if e.variable in rebound and isinstance(e.shape, tuple):
            last.setdefault(e.variable, {})[(e.line, e.iteration)] = e
    out = {}
    for variable, points in last.items():
        ordered = sorted(points.values(), key=lambda e: -e.index)
        out[variable] = Series(variable, ordered[0].about, tuple(ordered))
    return out
