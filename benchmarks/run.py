"""srcad's benchmark harness: srcad against hand-written numpy, autograd and JAX.

    python benchmarks/run.py [--quick] [--cases A,B,...] [--threads N]

Cases A-H, S and V (see cases.py) plus T, the transformation cost and call overhead (see
transform_cost.py); all run by default. Prints a markdown report and writes it to
benchmarks/results/latest.md, with every number in benchmarks/results/latest.json.
autograd and JAX are optional: a library that is not installed is skipped with a note.

BLAS and XLA run single-threaded by default (`--threads 0` keeps the libraries' own
defaults). The targets are about what each library adds around the same numpy/BLAS work,
and on a small shared machine multi-threaded BLAS next to XLA's thread pool turns that
work itself into the noise: case E's numpy forward (a 1000x500 matrix-vector product and
an elementwise loss) took 11 ms with default threads next to JAX, 0.12 ms single-threaded.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the sibling modules, also when imported from elsewhere
ALL = ("A", "B", "C", "D", "E", "F", "H", "K", "S", "V", "T")


def _parse_cases(text: str | None) -> list[str]:
    if not text:
        return list(ALL)
    keys = [k.strip().upper() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in ALL]
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(ALL)}")
    return keys


def _finite(value):
    """JSON has no inf/nan: a comparison that could not be made is stored as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _limit_threads(threads: int) -> dict:
    """Set the thread-count variables BLAS and XLA read when they load (so this must run
    before numpy is imported). Returns what was set."""
    if threads <= 0:
        return {}
    if "numpy" in sys.modules:
        print("warning: numpy is already imported; --threads cannot apply", file=sys.stderr)
        return {}
    values = {
        k: str(threads) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }
    if threads == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        values["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false").strip()
    os.environ.update(values)  # inherited by transform_cost's child processes too
    return values


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (about a minute)")
    parser.add_argument("--cases", help=f"comma-separated subset of {','.join(ALL)}")
    parser.add_argument(
        "--no-jax", action="store_true", help="skip JAX (its import alone takes seconds)"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results", help="directory for latest.md/.json"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS/XLA threads (default 1; 0 keeps the libraries' defaults)",
    )
    opts = parser.parse_args(argv)
    threads_env = _limit_threads(opts.threads)
    import numpy as np
    import report
    import timing
    from backends import Backends

    selected = _parse_cases(opts.cases)
    budget = timing.QUICK if opts.quick else timing.FULL
    mode = "quick" if opts.quick else "full"
    started = time.perf_counter()

    # Measure the machine's state before our own work adds to the load average.
    meta = report.metadata(mode, {})
    meta["threads"] = opts.threads if threads_env else "library defaults"
    case_keys = [k for k in selected if k != "T"]
    backends = Backends()
    if case_keys:
        backends.load(want_jax=not opts.no_jax)
    meta["skipped"] = dict(backends.notes)
    meta["selected"] = selected

    import cases  # after Backends.load: JAX's x64 switch must precede any JAX array

    records = []
    rng = np.random.default_rng(20240601)
    for case in cases.all_cases(rng, backends, case_keys):
        t0 = time.perf_counter()
        print(f"[{time.perf_counter() - started:6.1f}s] {case.title} ...", file=sys.stderr)
        records.append(_finite(cases.run_case(case, budget)))
        print(f"         done in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    cost = None
    if "T" in selected:
        import transform_cost

        print(f"[{time.perf_counter() - started:6.1f}s] T: transformation cost", file=sys.stderr)
        cost = _finite(transform_cost.measure(budget, fresh_runs=3 if opts.quick else 9))

    meta["elapsed_s"] = round(time.perf_counter() - started, 1)
    text = report.markdown(meta, records, cost)
    print(text)
    report.write(opts.out, meta, records, cost, text)
    if not opts.quick and opts.cases is None:
        # Only a full run of every case replaces the table in the README.
        report.update_readme(HERE.parent / "README.md", meta, records)
    print(
        f"written: {opts.out / 'latest.md'}, {opts.out / 'latest.json'} ({meta['elapsed_s']} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
