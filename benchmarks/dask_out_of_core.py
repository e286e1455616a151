"""Out of core: srcad's gradient over more data than the cluster may hold in memory.

    python benchmarks/dask_out_of_core.py [--rows 100000000] [--chunk 1000000]
                                          [--memory-limit 1GiB] [--quick]

A `dask.distributed.LocalCluster` of 2 worker processes (one thread each, `--memory-limit`
each) computes the gradient of a least-squares and of a logistic loss over X (rows x 10,
float64) and y, both generated chunk by chunk on the workers (so no process ever holds the
whole data set: 10^8 x 10 is 8 GB, y 0.8 GB more). srcad's gradient runs against the same
gradient written by hand with dask.array, both computed in one pass over the data.
Reported: wall time of each, and each worker's peak resident memory (the process's maximum
RSS, read on the worker after the run). The result is printed as markdown and written to
benchmarks/results/dask.md.
"""

from __future__ import annotations

import argparse
import pathlib
import platform
import resource
import sys
import time

import numpy as np

try:
    import dask
    import dask.array as da
    from dask.distributed import Client, LocalCluster
except ImportError:  # pragma: no cover - the bench extra installs it
    print("dask[distributed] is not installed: pip install 'srcad[dask]'")
    raise SystemExit(0) from None

import srcad

COLS = 10
RESULTS = pathlib.Path(__file__).parent / "results" / "dask.md"


def least_squares(w, X, y):
    return np.mean((X @ w - y) ** 2)


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def by_hand(loss, w, X, y):
    z = X @ w
    if loss is least_squares:
        return X.T @ (2 * (z - y)) / X.shape[0]
    return X.T @ (1 / (1 + np.exp(-z)) - y) / X.shape[0]


def _data(rows, chunk):
    """X and y, each chunk drawn on the worker that needs it (nothing is sent from here)."""
    rng = da.random.default_rng(0)
    X = rng.standard_normal((rows, COLS), chunks=(chunk, COLS))
    y = (rng.random(rows, chunks=chunk) < 0.5).astype(np.float64)
    return X, y


def _peak_rss_mb():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(client, make, repeat):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = client.compute(make()).result()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**8)
    parser.add_argument("--chunk", type=int, default=10**6)
    parser.add_argument("--memory-limit", default="1GiB")
    parser.add_argument("--quick", action="store_true", help="10^6 rows, a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.chunk = 10**6, 10**5
    gb = args.rows * (COLS + 1) * 8 / 1e9
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit=args.memory_limit,
        dashboard_address=":0",
    )
    rows = []
    with Client(cluster) as client:
        w = np.linspace(-0.5, 0.5, COLS)
        X, y = _data(args.rows, args.chunk)
        start_rss = client.run(_peak_rss_mb)
        for loss in (least_squares, logistic):
            grad = srcad.grad(loss)
            t_srcad, g_srcad = _run(client, lambda g=grad: g(w, X, y), 1)
            t_hand, g_hand = _run(client, lambda loss=loss: by_hand(loss, w, X, y), 1)
            ok = np.allclose(g_srcad, g_hand, rtol=1e-10, atol=1e-14)
            rows.append((loss.__name__, t_srcad, t_hand, ok))
        peaks = client.run(_peak_rss_mb)
    cluster.close()
    report = _report(args, gb, rows, start_rss, peaks)
    print(report)
    if not args.quick:
        RESULTS.write_text(report)
    return 0 if all(ok for *_, ok in rows) else 1


def _report(args, gb, rows, start_rss, peaks) -> str:
    lines = [
        f"Gradient over X of {args.rows:,} x {COLS} and y ({gb:.1f} GB of float64, generated "
        f"in chunks of {args.chunk:,} rows on the workers), 2 worker processes of one thread "
        f"and {args.memory_limit} each. {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}, dask {dask.__version__}, "
        f"srcad {srcad.__version__}.",
        "",
        "| loss | srcad.grad | by hand (dask.array) | srcad / hand | equal |",
        "|---|---|---|---|---|",
    ]
    for name, t_srcad, t_hand, ok in rows:
        lines.append(
            f"| {name} | {t_srcad:.1f} s | {t_hand:.1f} s | {t_srcad / t_hand:.2f} | "
            f"{'yes' if ok else 'NO'} |"
        )
    lines.append("")
    for address in sorted(peaks):
        lines.append(
            f"- worker {address}: peak resident memory {peaks[address]:.0f} MB "
            f"(at start {start_rss[address]:.0f} MB)"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
