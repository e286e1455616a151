"""Timing and memory measurement shared by the benchmark scripts.

Implementations of one case are timed *interleaved*: each round takes one sample of every
implementation in turn. A burst of load from another process then lands on all of them
alike instead of on whichever happened to run at that moment, which keeps the ratios (what
the targets are stated in) honest on a shared machine.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import statistics
import time
import tracemalloc

try:
    import resource
except ImportError:  # not on Windows: page faults are then not reported
    resource = None


def _faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


@dataclasses.dataclass(frozen=True)
class Budget:
    """How long to spend measuring: `--quick` and the full run differ only here."""

    sample_time: float  # seconds one sample should last (many calls for fast functions)
    case_time: float  # seconds of timing rounds per case, shared by its implementations
    min_rounds: int  # fewer samples than this make a median meaningless
    max_rounds: int
    warmup_time: float  # seconds of warm-up calls per implementation (at least 2 calls)


# Samples are kept short (a few ms): on a shared machine a sample that spans a scheduler
# time slice waits for the CPU, and short samples make most of them clean, so the median
# is the undisturbed time. perf_counter's resolution (~100 ns) is still far below that.
FULL = Budget(sample_time=0.001, case_time=20.0, min_rounds=21, max_rounds=5000, warmup_time=0.2)
QUICK = Budget(sample_time=0.0005, case_time=2.0, min_rounds=5, max_rounds=500, warmup_time=0.03)


@dataclasses.dataclass
class Stats:
    """Per-call times in seconds, from `rounds` samples of `number` calls each."""

    median: float
    q1: float
    q3: float
    minimum: float
    rounds: int
    number: int
    # Median CPU time of this process per call (all its threads): a cross-check on a busy
    # machine, where wall time includes waiting for a CPU. Not what the targets use.
    cpu_median: float = 0.0
    # Minor page faults per call (fresh memory from the OS). On a VM a fault can cost far
    # more wall time than CPU time, which is how a wall/CPU gap is told apart from load.
    faults_per_call: float | None = None
    # The samples in round order (wall, CPU), for paired differences; not saved to JSON.
    wall_samples: list = dataclasses.field(default_factory=list, repr=False)
    cpu_samples: list = dataclasses.field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        del out["wall_samples"], out["cpu_samples"]
        return out


def paired_difference(a: Stats, b: Stats, cpu: bool = False) -> float:
    """Median over rounds of (a's sample - b's sample): the cost `a` adds to `b`.

    Both were sampled in the same rounds, moments apart, so a slow stretch of the machine
    affects both samples of a round and cancels in their difference; a difference of two
    medians would carry both medians' noise.
    """
    xs, ys = (a.cpu_samples, b.cpu_samples) if cpu else (a.wall_samples, b.wall_samples)
    return statistics.median(x - y for x, y in zip(xs, ys))


def _per_call(fn, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def warm_up(fn, seconds: float) -> float:
    """Call `fn` for about `seconds` (at least once); return its fastest call.

    The first calls fill caches (srcad's generated-code lookup, numpy's and BLAS's
    buffers, JAX's dispatch caches), which steady-state timings must not include. The
    callers have already made one call (the checked one), so one more is the minimum.
    The fastest call, not the last, sizes the samples: on a busy machine any single
    call may have waited for the CPU.
    """
    deadline = time.perf_counter() + seconds
    fastest = _per_call(fn, 1)
    while time.perf_counter() < deadline and fastest < seconds:
        fastest = min(fastest, _per_call(fn, 1))
    return fastest


def calibrate(fn, sample_time: float, fastest_call: float) -> tuple[int, float]:
    """(calls per sample, per-call time): enough calls that one sample lasts about
    `sample_time`, so perf_counter's resolution and the loop's own cost vanish for
    functions that take microseconds. `fastest_call` (from the warm-up) gives the first
    guess; a function slower than a sample is not called again here."""
    if fastest_call >= sample_time:
        return 1, fastest_call
    number = max(1, math.ceil(sample_time / max(fastest_call, 1e-9)))
    while True:
        per_call = _per_call(fn, number)
        if per_call * number >= 0.5 * sample_time or number >= 1 << 22:
            return number, per_call
        number *= 2


def time_interleaved(fns: dict, budget: Budget) -> dict:
    """Median per-call time of each zero-argument callable in `fns`, sampled round-robin.

    Returns {key: Stats}. The number of rounds is chosen so the whole measurement takes
    about `budget.case_time`, within [min_rounds, max_rounds].
    """
    if not fns:
        return {}
    numbers = {}
    estimate = {}
    for key, fn in fns.items():
        fastest = warm_up(fn, budget.warmup_time)
        numbers[key], per_call = calibrate(fn, budget.sample_time, fastest)
        estimate[key] = per_call * numbers[key]
    round_cost = sum(estimate.values())
    rounds = int(budget.case_time / max(round_cost, 1e-9))
    rounds = max(budget.min_rounds, min(budget.max_rounds, rounds))
    samples = {key: [] for key in fns}
    cpu = {key: [] for key in fns}
    faults = {key: 0 for key in fns}
    keys = list(fns)
    gc.collect()
    for r in range(rounds):
        # Rotate the order so no implementation always runs right after the same other one
        # (e.g. after the one that leaves the caches cold).
        for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
            faults_start = _faults()
            cpu_start = time.process_time()
            samples[key].append(_per_call(fns[key], numbers[key]))
            cpu[key].append((time.process_time() - cpu_start) / numbers[key])
            faults[key] += _faults() - faults_start
    result = {}
    for key, in_order in samples.items():
        values = sorted(in_order)
        quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
        result[key] = Stats(
            median=statistics.median(values),
            q1=quartiles[0],
            q3=quartiles[2],
            minimum=values[0],
            rounds=len(values),
            number=numbers[key],
            cpu_median=statistics.median(cpu[key]),
            faults_per_call=faults[key] / (rounds * numbers[key]) if resource else None,
            wall_samples=in_order,
            cpu_samples=cpu[key],
        )
    return result


def first_call(fn) -> tuple[float, float, object]:
    """Wall time, CPU time and result of one call (for one-time costs: code generation,
    jit compilation)."""
    cpu_start = time.process_time()
    start = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - start
    return wall, time.process_time() - cpu_start, result


def peak_memory(fn, repeats: int = 3) -> int:
    """Peak bytes allocated during one call of `fn`, above what was live before it.

    tracemalloc sees numpy's data buffers (numpy reports them to it) as well as Python
    objects. The smallest of a few calls is taken: a garbage collection that happens to
    run inside one call can only lower its peak, a cache filled on the first call only
    raise it.
    """
    peaks = []
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        for _ in range(repeats):
            gc.collect()
            tracemalloc.reset_peak()
            before, _ = tracemalloc.get_traced_memory()
            result = fn()
            _, peak = tracemalloc.get_traced_memory()
            del result
            peaks.append(peak - before)
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return min(peaks)
