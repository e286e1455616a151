"""The list of functions srcad differentiates, generated from the rule registry.

`python -m srcad.catalog` prints it as markdown; docs/functions.md is this output, and a test
keeps the two identical, so the list cannot drift from the rules.

`python -m srcad.catalog --classes` prints how the public callables of numpy, math, the
builtins and the methods of arrays, containers, ufuncs and random generators are classified
(`classification_counts`); tests/test_classification.py checks that none is unclassified.
"""

from __future__ import annotations

import builtins
import collections
import importlib.util
import math
import sys
import types
import warnings

import numpy as np

from . import rules  # noqa: F401 - registers every rule
from .rules.effects_numpy import FOLLOWED
from .rules.template import Effect, all_rules, lookup

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
        if not templates and not _zero_derivative_function(rule):
            continue
        groups[_namespace(rule.name)].append(
            (rule.name, rule.vjp is not None, rule.jvp is not None, rule.nondiff)
        )
    return {k: sorted(v) for k, v in groups.items()}


def _zero_derivative_function(rule) -> bool:
    """Whether the list names `rule` among the zero-derivative functions: not the callables
    srcad only classifies (pure without a rule, I/O, random draws), nor methods and exception
    classes (tests/test_classification.py counts those)."""
    primitive = rule.primitive
    return (
        rule.nondiff
        and rule.effect is Effect.PURE
        and _namespace(rule.name) in _ORDER
        and not (isinstance(primitive, type) and issubclass(primitive, BaseException))
    )


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


# ----------------------------------------------------------------------------- classification

# The namespaces whose public callables srcad classifies: modules, and classes whose methods
# are classified on the class (a bound method without an entry uses its class's).
NAMESPACES = {
    "numpy": np,
    "numpy.linalg": np.linalg,
    "numpy.fft": np.fft,
    "numpy.random": np.random,
    "math": math,
    "builtins": builtins,
    "ndarray": np.ndarray,
    "list": list,
    "dict": dict,
    "tuple": tuple,
    "ufunc": np.ufunc,
    "Generator": np.random.Generator,
    "RandomState": np.random.RandomState,
}
# Classes whose special methods (x.__setitem__, x.__iadd__...) are classified too: those the
# class defines itself. The generic object protocol they inherit (__init_subclass__,
# __subclasshook__, __dir__, __reduce_ex__ of lists...) is not enumerated.
WITH_SPECIAL_METHODS = ("ndarray", "list", "dict", "tuple", "ufunc")

CLASSES = ("rule", "zero", "pure", "writes", "random", "outside", "opaque", "followed")


def callables() -> list[tuple[str, str, object]]:
    """(namespace, name, callable) for every public callable of `NAMESPACES`, as installed:
    names without a leading underscore (submodules and other values left out), and for the
    classes of `WITH_SPECIAL_METHODS` the special methods they define."""
    found = []
    for label, namespace in NAMESPACES.items():
        names = [n for n in dir(namespace) if not n.startswith("_")]
        if label in WITH_SPECIAL_METHODS:
            names += sorted(n for n in vars(namespace) if n.startswith("__") and n.endswith("__"))
        for name in names:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # numpy's deprecated aliases warn
                try:
                    obj = getattr(namespace, name)
                except AttributeError:  # numpy 1.26 lists removed aliases (np.float)
                    continue
            if isinstance(obj, types.ModuleType) or not callable(obj):
                continue
            found.append((label, name, obj))
    return found


def classification(obj) -> str | None:
    """The class of `obj` (one of `CLASSES`), or None when srcad does not know it."""
    if any(obj is f for f in FOLLOWED):
        return "followed"
    rule = lookup(obj)
    if rule is None:
        return None
    if rule.effect is not Effect.PURE:
        return {
            Effect.WRITES: "writes",
            Effect.RANDOM: "random",
            Effect.OUTSIDE: "outside",
            Effect.OPAQUE: "opaque",
        }[rule.effect]
    if rule.vjp is not None or rule.jvp is not None:
        return "rule"
    return "zero" if rule.nondiff else "pure"


def classification_counts() -> dict[str, collections.Counter]:
    """{namespace: Counter(class: number of callables)}; None counts the unclassified."""
    counts = collections.defaultdict(collections.Counter)
    for label, _, obj in callables():
        counts[label][classification(obj)] += 1
    return dict(counts)


def classes_markdown() -> str:
    counts = classification_counts()
    columns = [*CLASSES, None]
    lines = [
        f"numpy {np.__version__}, Python {sys.version.split()[0]}",
        "",
        "| namespace | " + " | ".join(c or "unclassified" for c in columns) + " | total |",
        "|---" * (len(columns) + 2) + "|",
    ]
    for label, row in counts.items():
        cells = [str(row.get(c, 0)) for c in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {sum(row.values())} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(classes_markdown() if "--classes" in sys.argv[1:] else markdown(), end="")
