"""The cost of a call dispatched at run time against the same call resolved statically.

    python benchmarks/dispatch_cost.py [--quick]

A derivative calls a small function (a smooth relu on 10 numbers) once, either named
directly (``relu(x)``: resolved when the code is generated, the callee's derivative bound in
the generated code) or looked up by a runtime key (``ACTS[name](x)``: the generated code
asks a dispatch site, srcad.build.dispatch, for the derivative of what arrives; the site
finds it in its cache after the first call). Reported in µs per call of the whole derivative,
in reverse mode (``grad``) and forward mode (``jvp``), and their difference: what one
dispatched call adds. Two more rows: a factory called at every call making a fresh closure
that holds the same value (the site finds the code it generated for an earlier closure of
the same code holding the same objects), and a closure over the differentiated value (a
record: its code is dispatched, what it holds is differentiated), against the same
derivative written out. Writes results/dispatch_cost.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import timeit
from pathlib import Path

import numpy as np

import srcad

HERE = Path(__file__).resolve().parent


def relu(z):
    return z * np.tanh(z)


ACTS = {"relu": relu, "tanh": np.tanh}


def static_loss(x):
    return np.sum(relu(x))


def dynamic_loss(x, name):
    return np.sum(ACTS[name](x))


def make_scaled(c):
    return lambda z: c * np.tanh(z)


SCALE = 0.5


def fresh_closure_loss(x):
    f = make_scaled(SCALE)  # a new closure at every call, holding the same SCALE
    return np.sum(f(x))


def record_loss(x):
    f = make_scaled(x[0])  # a closure over x: a record, its code dispatched
    return np.sum(f(x))


def record_static_loss(x):
    return np.sum(x[0] * np.tanh(x))  # the same derivative, written out


def _us(fn, number: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def measure(quick: bool = False) -> dict:
    number, repeat = (200, 3) if quick else (2000, 7)
    x = np.linspace(-1.0, 1.0, 10)
    v = np.ones(10)
    g_static, g_dynamic = srcad.grad(static_loss), srcad.grad(dynamic_loss)

    def by_name(y):  # jvp takes primals only: the key is fixed, as a call of the other is
        return dynamic_loss(y, "relu")

    def direct(y):
        return static_loss(y)

    np.testing.assert_allclose(g_static(x), g_dynamic(x, "relu"))
    rows = {
        "grad (reverse)": (
            _us(lambda: g_static(x), number, repeat),
            _us(lambda: g_dynamic(x, "relu"), number, repeat),
        ),
        "jvp (forward)": (
            _us(lambda: srcad.jvp(direct, (x,), (v,)), number, repeat),
            _us(lambda: srcad.jvp(by_name, (x,), (v,)), number, repeat),
        ),
    }
    g_fresh, g_record, g_written = (
        srcad.grad(fresh_closure_loss),
        srcad.grad(record_loss),
        srcad.grad(record_static_loss),
    )
    np.testing.assert_allclose(g_record(x), g_written(x))
    rows["grad, a fresh closure per call"] = (
        _us(lambda: g_static(x), number, repeat),
        _us(lambda: g_fresh(x), max(number // 20, 10), repeat),
    )
    rows["grad, a closure over x (a record)"] = (
        _us(lambda: g_written(x), number, repeat),
        _us(lambda: g_record(x), number, repeat),
    )
    return {
        mode: {"static_us": s, "dispatched_us": d, "added_us": d - s}
        for mode, (s, d) in rows.items()
    }


def report(results: dict) -> str:
    lines = [
        "| mode | static call (µs) | dispatched call (µs) | added by dispatch (µs) |",
        "|---|---:|---:|---:|",
    ]
    for mode, r in results.items():
        lines.append(
            f"| {mode} | {r['static_us']:.1f} | {r['dispatched_us']:.1f} | {r['added_us']:.1f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    results = measure(args.quick)
    print("## Runtime dispatch: one call of a function known only at run time\n")
    print(report(results))
    out = HERE / "results" / "dispatch_cost.json"
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
