"""How srcad's code generation grows with the size and nesting of the function (issue 17,
item 7): the first `grad(f)(x)` call of generated functions of 250 and 1000 straight-line
statements, of 250 and 1000 statements in if/else blocks, and of control flow nested 4 and 8
deep, each timed once in this process on a function of its own (no cache can answer).

A growth exponent is log(t_large / t_small) / log(size_large / size_small): 1 is linear.
"""

from __future__ import annotations

import itertools
import linecache
import math
import time

_counter = itertools.count()
EXPONENT_BOUND = 1.2  # "linear in size and nesting", with room for noise


def _function(body: list[str]):
    """`def f(x): <body>; return x` defined from text that inspect (and so srcad) can read."""
    import numpy as np

    source = "def f(x):\n" + "".join(f"    {line}\n" for line in body) + "    return x\n"
    filename = f"<srcad-bench {next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope = {"np": np}
    exec(compile(source, filename, "exec"), scope)
    return scope["f"]


def straight(n: int) -> list[str]:
    return [f"x = np.sin(x) * {1.0 + i * 1e-4!r}" for i in range(n)]


def blocks(n: int) -> list[str]:
    """n statements, two in each branch of if/else blocks (each block holds four)."""
    body = []
    for i in range(n // 4):
        c = 1.0 + i * 1e-4
        body += [
            f"if x > {c - 1.5!r}:",
            f"    x = np.sin(x) * {c!r}",
            "    x = x + 0.1",
            "else:",
            f"    x = np.cos(x) * {c!r}",
            "    x = x - 0.1",
        ]
    return body


def nested(depth: int) -> list[str]:
    """Loops of two steps and branches alternating, `depth` deep, a statement at each level."""
    body, indent = [], ""
    for level in range(depth):
        body.append(f"{indent}x = np.sin(x) * {1.0 + level * 1e-3!r}")
        body.append(f"{indent}for _ in range(2):" if level % 2 == 0 else f"{indent}if x > -2.0:")
        indent += "    "
    body.append(f"{indent}x = x * 1.01")
    return body


def first_call(body: list[str]) -> float:
    import srcad

    f = _function(body)
    start = time.perf_counter()
    srcad.grad(f)(0.3)
    return time.perf_counter() - start


def measure() -> list[tuple[str, float, str, float | None]]:
    """(label, value, unit, bound or None) rows."""
    rows = []
    for name, make, small, large in (
        ("{} straight-line statements", straight, 250, 1000),
        ("{} statements in if/else blocks", blocks, 250, 1000),
        ("control flow nested {} deep", nested, 4, 8),
    ):
        t_small, t_large = first_call(make(small)), first_call(make(large))
        for size, t in ((small, t_small), (large, t_large)):
            rows.append((f"first grad(f) call, {name.format(size)}", t * 1e3, "ms", None))
        growth = math.log(t_large / t_small) / math.log(large / small)
        label = f"  growth exponent from {small} to {large}"
        rows.append((label, growth, "", EXPONENT_BOUND))
    return rows


if __name__ == "__main__":
    for label, value, unit, bound in measure():
        target = "" if bound is None else f" (target <= {bound})"
        print(f"{label}: {value:.3g} {unit}{target}")
