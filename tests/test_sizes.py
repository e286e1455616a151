"""No function of srcad is longer than 60 lines and no module longer than 700, outside the
rule tables.

A function's length is its body's lines without the docstring (comments and blank lines
inside the body count). The rule tables are the modules that declare primitives' rules and
facts, one entry after another (`TABLES`): their length is their coverage, not their shape.
``python tests/test_sizes.py`` prints every function and module over the limits, tables
included.
"""

from __future__ import annotations

import ast
import fnmatch
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "srcad"
FUNCTION_LINES = 60
MODULE_LINES = 700

# The rule tables, relative to srcad/: their functions are rules, one per primitive or per
# family of primitives.
TABLES = [
    "rules/numpy_*.py",
    "rules/python_math.py",
    "rules/runtime_rules.py",
    "rules/runtime_containers.py",
    "rules/effects_*.py",
    "rules/nondiff.py",
    "rules/scipy/*.py",
]
# Over the limits, to be split (none today); the list only shrinks.
KNOWN: set[str] = set()


def _table(relative: str) -> bool:
    return any(fnmatch.fnmatch(relative, pattern) for pattern in TABLES)


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    if ast.get_docstring(node) is not None:
        body = body[1:]
    if not body:
        return 0
    return node.end_lineno - body[0].lineno + 1


def oversized(tables: bool = False) -> list[str]:
    """'path:function lines' for each long function, 'path lines' for each long module."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not tables and _table(relative):
            continue
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MODULE_LINES:
            found.append(f"{relative} {lines}")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = _body_lines(node)
                if length > FUNCTION_LINES:
                    found.append(f"{relative}:{node.name} {length}")
    return found


def _names(entries: list[str]) -> set[str]:
    return {entry.rsplit(" ", 1)[0] for entry in entries}


def test_no_new_long_function_or_module():
    new = [entry for entry in oversized() if entry.rsplit(" ", 1)[0] not in KNOWN]
    assert not new, "split these into named steps:\n" + "\n".join(new)


def test_the_known_list_only_shrinks():
    assert not KNOWN - _names(oversized()), "no longer over the limits: drop from KNOWN"


def test_the_measure_sees_long_functions(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES + 1))
    tree = ast.parse(f'def f():\n    """doc\n\n    more."""\n{body}\n')
    assert _body_lines(tree.body[0]) == FUNCTION_LINES + 1
    assert _table("rules/numpy_products.py") and not _table("rules/registry.py")


if __name__ == "__main__":
    print("\n".join(oversized(tables=True)) or "none")
