"""Test helpers: functions with real, readable source built from text."""

import contextlib
import itertools
import linecache
import sys
import textwrap

import numpy as np

from srcad.ir import syntax as S

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


@contextlib.contextmanager
def printer_matches_ast_unparse():
    """Within: every generated function srcad prints is also printed by ast.unparse (with
    comment markers as comments), and the two texts must be equal. On Python 3.10, whose
    ast.unparse puts parentheses around tuple targets, nothing is compared."""
    from srcad import printer

    original = printer.function_source
    if sys.version_info < (3, 11):
        yield
        return

    def compared(fdef):
        reference = printer.unparse_with_ast(S.clone(fdef)) + "\n"
        text = original(fdef)
        assert text == reference, f"srcad.printer:\n{text}\nast.unparse:\n{reference}"
        return text

    printer.function_source = compared
    try:
        yield
    finally:
        printer.function_source = original
