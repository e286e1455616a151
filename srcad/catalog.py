"""The list of functions srcad differentiates, generated from the rule registry.

`python -m srcad.catalog` prints it as markdown; docs/functions.md is this output, and a test
keeps the two identical, so the list cannot drift from the rules.
"""

from __future__ import annotations

import collections
import importlib.util

from . import rules  # noqa: F401 - registers every rule
from .rules.template import all_rules

if importlib.util.find_spec("scipy") is not None:
    from .rules import scipy as _scipy_rules  # noqa: F401 - registered when scipy is installed

_ORDER = ["numpy", "numpy.linalg", "numpy.fft", "math", "builtins", "scipy.special", "scipy.stats"]
_ORDER += ["scipy.linalg", "scipy.signal", "scipy.integrate"]
_ORDER.append("srcad")


def _namespace(name: str) -> str:
    if name.startswith("srcad."):
        return "srcad"
    if name.startswith("scipy."):
        return ".".join(name.split(".")[:2])  # scipy.special, scipy.stats...
    for prefix in ("numpy.linalg", "numpy.fft", "numpy.random", "numpy"):
        if name.startswith(prefix + "."):
            return prefix
    head = name.split(".", 1)[0]
    return head if "." in name else "builtins"


def table() -> dict:
    """{namespace: [(name, has_vjp, has_jvp, nondiff)]} for srcad's own rules."""
    groups = collections.defaultdict(list)
    for rule in all_rules():
        templates = [t for t in (rule.vjp, rule.jvp) if t is not None]
        if templates and not all(t.func.__module__.startswith("srcad.") for t in templates):
            continue  # registered by user code
        if not templates and not rule.nondiff:
            continue
        groups[_namespace(rule.name)].append(
            (rule.name, rule.vjp is not None, rule.jvp is not None, rule.nondiff)
        )
    return {k: sorted(v) for k, v in groups.items()}


def counts() -> dict:
    """{namespace: (vjp rules, jvp rules, non-differentiable)}."""
    return {
        ns: (
            sum(1 for r in rows if r[1]),
            sum(1 for r in rows if r[2]),
            sum(1 for r in rows if r[3]),
        )
        for ns, rows in table().items()
    }


def numpy_version() -> str:
    """numpy's major.minor version, which decides a few entries of the list."""
    import numpy

    return ".".join(numpy.__version__.split(".")[:2])


def scipy_version() -> str | None:
    """scipy's major.minor version, or None: scipy's rules are listed when it is installed."""
    if importlib.util.find_spec("scipy") is None:
        return None
    import scipy

    return ".".join(scipy.__version__.split(".")[:2])


def versions_note() -> str:
    """The sentence naming the versions the list is that of (a test compares it)."""
    scipy = scipy_version()
    with_scipy = f"with scipy {scipy}" if scipy else "without scipy"
    return f"The list is that of numpy {numpy_version()} {with_scipy} (numpy adds and removes"


def markdown() -> str:
    groups = table()
    names = sorted(groups, key=lambda n: (_ORDER.index(n) if n in _ORDER else 99, n))
    lines = [
        "# Functions srcad differentiates",
        "",
        "Generated from the rule registry by `python -m srcad.catalog` (a test keeps this",
        "file up to date). Every differentiable function has both a reverse-mode (vjp) and a",
        "forward-mode (jvp) rule. Non-differentiable functions have zero derivatives.",
        versions_note(),
        "a few functions between versions; srcad registers the rules of those the installed",
        "numpy has; the rules of scipy's special, stats, linalg, signal and integrate register",
        "when scipy, the optional extra `srcad[scipy]`, is installed). Some scipy functions",
        "have a derivative in some of their arguments only (docs/rules.md, 'scipy').",
        "",
        "| namespace | vjp rules | jvp rules | non-differentiable |",
        "|---|---|---|---|",
    ]
    for ns in names:
        vjp, jvp, nondiff = counts()[ns]
        lines.append(f"| {ns} | {vjp} | {jvp} | {nondiff} |")
    for ns in names:
        rows = groups[ns]
        title = "srcad's runtime helpers (rules used when transforms nest)" if ns == "srcad" else ns
        lines += ["", f"## {title}", ""]
        diff = [r[0] for r in rows if not r[3]]
        zero = [r[0] for r in rows if r[3]]
        if diff:
            lines.append("Differentiable: " + ", ".join(f"`{_short(n, ns)}`" for n in diff) + ".")
        partial = _refused(ns)
        if partial:
            lines += ["", "No derivative in some arguments (a transform refuses them): " + partial]
        if zero:
            if diff:
                lines.append("")
            lines.append("Zero derivative: " + ", ".join(f"`{_short(n, ns)}`" for n in zero) + ".")
    return "\n".join(lines) + "\n"


def _refused(namespace: str) -> str:
    """`iv` in v; ... for the rules of `namespace` that refuse some of their parameters."""
    partial = sorted(
        (r for r in all_rules() if r.refused and _namespace(r.name) == namespace),
        key=lambda r: r.name,
    )
    text = "; ".join(f"`{_short(r.name, namespace)}` in {', '.join(r.refused)}" for r in partial)
    return text + "." if text else ""


def _short(name: str, namespace: str) -> str:
    if namespace.startswith("scipy."):
        return name.rsplit(".", 1)[-1]  # scipy.linalg._basic.solve -> solve
    if namespace != "builtins" and name.startswith(namespace + "."):
        return name[len(namespace) + 1 :]
    return name


if __name__ == "__main__":
    print(markdown(), end="")
