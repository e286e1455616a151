"""A `srcad.trace.report.Report` as text (a fixed-width table) and as HTML, with findings.

Only formats what `srcad.trace.report` computed: the numbers are the report's, printed with
three significant digits.
"""

from __future__ import annotations

import html
from typing import Any

_COLUMNS = ("line", "source", "adjoint", "of", "n", "shape", "dtype", "norm", "min", "max")
_MORE = ("max|.|", "zeros")


def _g(x: float) -> str:
    return f"{x:.3g}"


def _norms(row) -> list[str]:
    """The norm; for a line in a loop, the median and, beside it, the least and largest."""
    if getattr(row, "count", 1) == 1:
        return [_g(getattr(row, "norm", getattr(row, "norm_max", 0.0))), "", ""]
    return [_g(row.norm_median), _g(row.norm_min), _g(row.norm_max)]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _shape(shape) -> str:
    return str(shape) if isinstance(shape, str) else str(tuple(shape))


def _rows(report: Any, iterations: bool) -> tuple[list[str], list[list[str]]]:
    items = report.entries if iterations else report.lines
    spread = not iterations and any(s.count > 1 for s in items)  # min and max columns
    columns = list(_COLUMNS if spread else _COLUMNS[:-2]) + list(_MORE)
    if iterations:
        columns[4] = "iteration"
    underflow = any(e.underflow is not None for e in report.entries)
    nonfinite = any(e.nonfinite for e in report.entries)
    subnormal = any(e.subnormal for e in report.entries)
    columns += ["nan/inf"] if nonfinite else []
    columns += ["subnormal"] if subnormal else []
    columns += ["underflow"] if underflow else []
    rows, previous = [], None
    for item in items:
        if iterations:
            count = ",".join(map(str, item.iteration)) or "-"
        else:
            count = str(item.count)
        row = [
            str(item.line),
            _clip(item.source, 30) if item.line != previous else "",
            item.name,
            _clip(item.about, 16),
            count,
            _shape(item.shape),
            item.dtype,
            *(_norms(item) if spread else _norms(item)[:1]),
            _g(item.max_abs),
            f"{item.zero_fraction:.0%}",
        ]
        row += [str(item.nonfinite)] if nonfinite else []
        row += [str(item.subnormal)] if subnormal else []
        row += ["-" if item.underflow is None else str(item.underflow)] if underflow else []
        rows.append(row)
        previous = item.line
    return columns, rows


def _heading(report: Any) -> str:
    text = f"gradient trace of {report.function}: {len(report.entries)} adjoints recorded"
    if report.loss_scale is not None:
        text += f", loss scale {report.loss_scale:g}"
        if report.overflowed:
            text += " (after overflow at " + ", ".join(f"{s:g}" for s in report.overflowed) + ")"
    return text


def text(report: Any, iterations: bool) -> str:
    columns, rows = _rows(report, iterations)
    widths = [
        max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)
    ]
    left = {1, 2, 3}

    def fmt(cells: list[str]) -> str:
        parts = [
            c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ]
        return "  ".join(parts).rstrip()

    out = [_heading(report), fmt(columns), fmt(["-" * w for w in widths])]
    out += [fmt(r) for r in rows]
    if not iterations and any(s.count > 1 for s in report.lines):
        out.append(
            "(n > 1: the median norm over the n entries, one per loop iteration or "
            "statement, its min and max)"
        )
    found = flags(report)
    if found:
        out.append("")
        out += found
    return "\n".join(out)


def _point(series: Any, point: Any) -> str:
    return series.where(point)


def flags(report: Any) -> list[str]:
    out = []
    main = report.main
    if main is not None:
        first, last = main.points[0], main.points[-1]
        out.append(
            f"depth: the norm of the adjoint of {main.about} at {_point(main, first)} over "
            f"its norm at {_point(main, last)} is {_g(main.ratio)} ({len(main.points)} steps)"
        )
    for kind, found, bound in (
        ("vanishing", report.vanishing, f"< {report.vanishing_below:g}"),
        ("exploding", report.exploding, f"> {report.exploding_above:g}"),
    ):
        for s in found:
            out.append(
                f"{kind} gradient: the adjoint of {s.about} at {_point(s, s.points[0])} is "
                f"{_g(s.ratio)} times its norm at {_point(s, s.points[-1])} ({bound})"
            )
    bad = report.first_nonfinite
    if bad is not None:
        where = f"line {bad.line}"
        if bad.iteration:
            where += ", iteration " + ",".join(map(str, bad.iteration))
        out.append(
            f"NaN/inf first appears at {where} ({bad.source}): {bad.name} ({bad.about}) has "
            f"{bad.nonfinite} non-finite elements"
        )
    lost = report.underflow
    if lost:
        first = lost[0]
        total = sum(e.underflow for e in lost)
        out.append(
            f"float16 underflow: {len(lost)} adjoints have {total} elements flushed to zero "
            f"that are nonzero in float32; first at line {first.line} ({first.source}), "
            f"{first.name} ({first.about})"
        )
    small = [e for e in report.entries if e.subnormal]
    if small:
        first = small[0]
        out.append(
            f"subnormal: {len(small)} adjoints hold numbers below their dtype's smallest "
            f"normal one (fewer significant digits); first at line {first.line} "
            f"({first.source}), {first.name} ({first.about}), {first.subnormal} elements"
        )
    return out


def html_table(report: Any) -> str:
    columns, rows = _rows(report, False)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row, summary in zip(rows, report.lines):
        style = ""
        if summary.nonfinite:
            style = ' style="background:#fdd"'
        elif summary.underflow:
            style = ' style="background:#ffe9c6"'
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in row)
        body.append(f"<tr{style}>{cells}</tr>")
    notes = "".join(f"<li>{html.escape(f)}</li>" for f in flags(report))
    return (
        f"<div><p><b>{html.escape(_heading(report))}</b></p>"
        f'<table style="font-family:monospace"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "</div>"
    )
