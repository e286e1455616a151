"""Markdown tables and the JSON record of a benchmark run."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from backends import version

HEADERS = {
    "numpy": "numpy fwd",
    "hand": "hand-written",
    "srcad": "srcad",
    "srcad_first": "srcad 1st call",
    "srcad_jit": "srcad.jit",
    "srcad_jit_compile": "srcad.jit compile",
    "autograd": "autograd",
    "jax": "JAX eager",
    "jax_jit": "JAX jit",
    "jax_compile": "jit compile",
}
OPS = {"<=": "≤", "<": "<", ">=": "≥"}


def seconds(value) -> str:
    """A time with 3 significant digits in a unit that keeps it readable."""
    if value is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def size(value) -> str:
    if value is None:
        return "—"
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value} B"


def _time_cell(entry: dict | None) -> str:
    if entry is None:
        return "—"
    status = entry.get("status")
    if status == "error":
        return "ERROR"
    if status == "wrong":
        return "WRONG"
    return seconds(entry.get("time", {}).get("median"))


def _first_call_cell(entry: dict | None) -> str:
    if not entry or "first_call" not in entry:
        return "—"
    return seconds(entry["first_call"])


def _target_cell(target: dict) -> str:
    if target["value"] is None:
        return f"{target['label']} n/a"
    mark = "✓" if target["met"] else "✗"
    return f"{target['label']} {target['value']:.3g} {mark}"


def main_table(records: list) -> str:
    cols = ["Case", *(HEADERS[k] for k in HEADERS), "ratios (✓ target met)"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for rec in records:
        impls = rec["impls"]
        cells = [
            rec["key"],
            _time_cell(impls.get("numpy")),
            _time_cell(impls.get("hand")),
            _time_cell(impls.get("srcad")),
            _first_call_cell(impls.get("srcad")),
            _time_cell(impls.get("srcad_jit")),
            _first_call_cell(impls.get("srcad_jit")),
            _time_cell(impls.get("autograd")),
            _time_cell(impls.get("jax")),
            _time_cell(impls.get("jax_jit")),
            _first_call_cell(impls.get("jax_jit")),
            "; ".join(_target_cell(t) for t in rec["targets"]) or "(times only)",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(records: list) -> str:
    lines = [
        "| Case | ratio | value | target | met | same ratio in CPU time |",
        "|---|---|---|---|---|---|",
    ]
    for rec in records:
        for t in rec["targets"]:
            if t["value"] is None:
                value, met = "n/a", f"not measured ({t['why']})"
            else:
                value, met = f"{t['value']:.3g}", "yes" if t["met"] else "**NO**"
            target = f"{OPS[t['op']]} {t['bound']:g}"
            cpu = t.get("value_cpu")
            cpu_text = "—"
            if cpu is not None:
                agrees = _meets(t, cpu) == t["met"]
                cpu_text = f"{cpu:.3g}" + ("" if agrees else " (verdict differs)")
            lines.append(
                f"| {rec['key']} | {t['label']} | {value} | {target} | {met} | {cpu_text} |"
            )
    return "\n".join(lines)


def _meets(target: dict, value: float) -> bool:
    """Whether `value` meets a target given as a JSON dict (Target.met for records)."""
    bound = target["bound"]
    return {"<=": value <= bound, "<": value < bound, ">=": value >= bound}[target["op"]]


def memory_table(records: list) -> str:
    rows = [r for r in records if any("peak_memory" in e for e in r["impls"].values())]
    if not rows:
        return ""
    lines = [
        "| Case | numpy fwd | hand-written | hand (batched) | srcad | autograd | JAX |",
        "|---|---|---|---|---|---|---|",
    ]
    for rec in rows:
        impls = rec["impls"]
        cells = [rec["key"]]
        for key in ("numpy", "hand", "hand_batched", "srcad", "autograd"):
            cells.append(size(impls.get(key, {}).get("peak_memory")))
        # numba's and XLA's buffers are allocated outside Python's allocator
        cells.append("not visible to tracemalloc" if "jax" in impls else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _short(text: str, limit: int = 300) -> str:
    """The first line of an error, cut to `limit` characters (the JSON keeps it whole)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def problems(records: list) -> list[str]:
    """One line per implementation that failed or was wrong, and per case note."""
    out = []
    for rec in records:
        for key, entry in rec["impls"].items():
            if entry.get("status") in ("error", "wrong"):
                out.append(f"{rec['key']} / {HEADERS.get(key, key)}: {_short(entry['error'])}")
        for note in rec["notes"]:
            out.append(f"{rec['key']}: {note}")
        median = {k: e["time"]["median"] for k, e in rec["impls"].items() if e.get("time")}
        for t in rec["targets"]:
            if (
                t["met"] is False
                and t["numerator"] == "autograd"
                and "autograd" in median
                and "hand" in median
            ):
                out.append(
                    f"{rec['key']}: for scale, autograd/hand-written is "
                    f"{median['autograd'] / median['hand']:.3g} (what {t['label']} would be "
                    "if srcad matched the hand-written code)"
                )
        batched = rec["impls"].get("hand_batched", {})
        if "time" in batched:
            out.append(
                f"{rec['key']}: hand-written with the weight gradients batched over time "
                f"(two matmuls instead of 100 outer products): "
                f"{seconds(batched['time']['median'])}, not used for the targets"
            )
        checkpointed = rec["impls"].get("srcad_ckpt", {})
        if "time" in checkpointed:
            out.append(
                f"{rec['key']}: srcad with the loop checkpointed (srcad.checkpointed): "
                f"{seconds(checkpointed['time']['median'])}, peak memory "
                f"{size(checkpointed.get('peak_memory'))} (the srcad column tapes every step)"
            )
    return out


def transform_table(cost: dict) -> str:
    lines = [
        "| measurement | value | target | met | CPU time |",
        "|---|---|---|---|---|",
    ]
    for row in cost["rows"]:
        value = row["value"]
        if value is None:
            shown, met = "n/a", row.get("why", "not measured")
        else:
            shown = f"{value:.3g} {row['unit']}"
            met = "—" if row.get("bound") is None else ("yes" if row["met"] else "**NO**")
        target = "—" if row.get("bound") is None else f"≤ {row['bound']:g} {row['unit']}"
        cpu = row.get("cpu")
        cpu_text = "—" if cpu is None else f"{cpu:.3g} {row['unit']}"
        lines.append(f"| {row['label']} | {shown} | {target} | {met} | {cpu_text} |")
    return "\n".join(lines)


def markdown(meta: dict, records: list, cost: dict | None) -> str:
    m = meta["machine"]
    v = meta["versions"]
    parts = [
        "# srcad benchmarks",
        "",
        f"{meta['date']} · {m['cpu_model']} ({m['cpu_count']} cores, "
        f"load average {m['load_average_start']}) · {m['platform']}",
        "",
        "Versions: "
        + ", ".join(f"{k} {v[k]}" for k in v if v[k] is not None)
        + (f" · run: {meta['mode']}" if meta.get("mode") else "")
        + (f" · BLAS/XLA threads: {meta['threads']}" if meta.get("threads") else "")
        + (f" · commit {meta['git_commit']}" if meta.get("git_commit") else ""),
        "",
    ]
    if m.get("busy"):
        parts += [
            f"**Note: the machine was busy (load average {m['load_average_start']} "
            f"on {m['cpu_count']} cores). Wall-clock medians of calls longer than about "
            "a millisecond then include time spent preempted; the targets table also "
            "gives each ratio in CPU time, which that does not inflate.**",
            "",
        ]
    for note in meta["skipped"].values():
        parts.append(f"- skipped: {note}")
    if meta["skipped"]:
        parts.append("")
    if records:
        parts += [
            "Median time per call (steady state, after warm-up). `hand-written` is the"
            " hand-written derivative (for C and E, the analytic Jacobian and"
            " Hessian-vector product written out in numpy). `srcad 1st call` is the"
            " first call of a fresh transform (code generation + one run); `srcad.jit`"
            " is that code compiled by numba (`srcad.jit compile`: generation, numba's"
            " compilation and one run); `jit compile` is JAX jit's first call (trace +"
            " compile + one run).",
            "",
            main_table(records),
            "",
            "## Targets",
            "",
            targets_table(records),
            "",
        ]
        mem = memory_table(records)
        if mem:
            parts += ["## Peak memory of one gradient call (tracemalloc)", "", mem, ""]
        notes = problems(records)
        if notes:
            parts += ["## Notes and failures", ""] + [f"- {n}" for n in notes] + [""]
        parts += ["## Cases", ""]
        parts += [f"- **{r['key']}** {r['title']}: {r['sizes']}" for r in records]
        parts.append("")
    if cost is not None:
        parts += ["## Transformation cost and call overhead", "", transform_table(cost), ""]
        parts += [f"- {n}" for n in cost.get("notes", [])]
        parts.append("")
    return "\n".join(parts)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_commit() -> str | None:
    # Read-only: which commit the numbers belong to (and whether the tree had edits).
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}{' (with uncommitted changes)' if dirty else ''}" if head else None


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    count = os.cpu_count() or 1
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "cpu_count": count,
        "cpus_available": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else count,
        "load_average_start": f"{load[0]:.2f}",
        "busy": load[0] > 0.75 * count,
        "thread_env": {
            k: os.environ[k]
            for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS")
            if k in os.environ
        },
    }


def versions() -> dict:
    import numpy

    import srcad

    return {
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "srcad": getattr(srcad, "__version__", None),
        "autograd": version("autograd"),
        "jax": version("jax"),
        "jaxlib": version("jaxlib"),
    }


def metadata(mode: str, skipped: dict) -> dict:
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": mode,
        "machine": machine(),
        "versions": versions(),
        "git_commit": _git_commit(),
        "skipped": skipped,
    }


README_START = "<!-- benchmark table: written by `make bench` -->"
README_END = "<!-- end of benchmark table -->"


def update_readme(readme: Path, meta: dict, records: list) -> None:
    """Replace the README's benchmark table (between the two markers) with this run's."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return
    m, v = meta["machine"], meta["versions"]
    table = "\n".join(
        [
            README_START,
            f"Measured {meta['date'][:10]} on {m['cpu_model']} ({m['cpu_count']} cores), "
            f"Python {v.get('python')}, numpy {v.get('numpy')}, autograd {v.get('autograd')}, "
            f"jax {v.get('jax')}; medians per call. Full results: "
            "`benchmarks/results/latest.md`.",
            "",
            main_table(records),
            "",
            README_END,
        ]
    )
    head, rest = text.split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    readme.write_text(head + table + tail, encoding="utf-8")


def write(directory: Path, meta: dict, records: list, cost: dict | None, text: str) -> None:
    """latest.md and latest.json, each written to a .tmp file first and renamed, so a run
    that is interrupted never leaves half a file behind."""
    directory.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "getloadavg"):
        meta["machine"]["load_average_end"] = f"{os.getloadavg()[0]:.2f}"
    payload = {**meta, "cases": records, "transform_cost": cost}
    for name, content in (
        ("latest.md", text),
        ("latest.json", json.dumps(payload, indent=2, default=str) + "\n"),
    ):
        tmp = directory / (name + ".tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(directory / name)
