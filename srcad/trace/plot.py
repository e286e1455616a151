"""`Report.plot`: adjoint norms against depth, with matplotlib (an optional dependency,
imported only here, only when a plot is asked for)."""

from __future__ import annotations

from ..errors import SrcadError


def plot(report, ax=None, names=None):
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise SrcadError(
            "Report.plot needs matplotlib, which is not installed",
            hint="pip install matplotlib; the numbers are in report.series without it",
        ) from None
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    chosen = report.depth_series
    if names is not None:
        chosen = [s for s in chosen if s.variable in names]
    for series in chosen:
        ax.semilogy(range(len(series.points)), series.norms, marker=".", label=_label(series))
    ax.set_xlabel("depth (point of the forward sweep: loop iteration or line)")
    ax.set_ylabel("adjoint norm")
    ax.set_title(f"gradient flow in {report.function}")
    if chosen:
        ax.legend(fontsize="small")
    return ax


def _label(series) -> str:
    about = series.about if len(series.about) <= 24 else series.about[:23] + "…"
    return f"b {about}" if about == series.variable else f"b ({about})"
