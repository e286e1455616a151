"""Test helpers: functions with real, readable source built from text."""

import itertools
import linecache
import textwrap

import numpy as np

_counter = itertools.count()


def function_from_source(
    source: str, name: str, namespace: dict | None = None, label: str = "srcad-test"
):
    """Define `name` from `source` under a file name registered in linecache (so that srcad,
    through inspect, can read it): ``<label N>``."""
    source = textwrap.dedent(source)
    filename = f"<{label} {next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope = {"np": np}
    scope.update(namespace or {})
    exec(compile(source, filename, "exec"), scope)
    return scope[name]
