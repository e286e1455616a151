"""What `srcad.export` reads of modules and source: the statements a module's names are bound
by, the global names and attributes a piece of source uses, where an object can be imported
from. Read-only helpers of `srcad.export._Writer`; nothing here writes.
"""

from __future__ import annotations

import ast
import inspect
import sys
import types
from typing import Any

import numpy as np

from .errors import SrcadError

_SIMPLE = (bool, int, float, complex, str, bytes, type(None))


class _Module:
    """The top-level statements of a Python module with source, by the names they bind."""

    def __init__(self, module: types.ModuleType):
        self.module = module
        source = inspect.getsource(module)
        self.lines = source.splitlines(True)
        self.tree = ast.parse(source)
        self.defs: dict[str, ast.stmt] = {}
        for stmt in self.tree.body:
            for name in _bound_names(stmt):
                self.defs.setdefault(name, stmt)

    def text(self, stmt: ast.stmt) -> str:
        start = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
        return "".join(self.lines[start - 1 : stmt.end_lineno])


def _bound_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in stmt.names]
    return []


class _Scopes(ast.NodeVisitor):
    """The Name nodes of a statement that refer to module-level names (not locals)."""

    def __init__(self):
        self.globals: list[ast.Name] = []
        self.stack: list[set[str]] = []

    def _function(self, node, args: ast.arguments | None, body: list):
        local = set()
        if args is not None:
            params = args.posonlyargs + args.args + args.kwonlyargs
            params += [a for a in (args.vararg, args.kwarg) if a is not None]
            local |= {a.arg for a in params}
        for n in body:
            for sub in ast.walk(n):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    local.add(sub.id)
                elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)) and sub is not node:
                    local.add(sub.name)
                elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                    local |= {(a.asname or a.name).split(".")[0] for a in sub.names}
                elif isinstance(sub, ast.Global):
                    local -= set(sub.names)
        self.stack.append(local)
        for n in body:
            self.visit(n)
        self.stack.pop()

    def visit_FunctionDef(self, node):  # noqa: N802
        for d in node.decorator_list + node.args.defaults + node.args.kw_defaults:
            if d is not None:
                self.visit(d)
        self._function(node, node.args, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_Lambda(self, node):  # noqa: N802
        self._function(node, node.args, [node.body])

    def visit_ClassDef(self, node):  # noqa: N802
        for b in node.bases + node.decorator_list:
            self.visit(b)
        self._function(node, None, node.body)

    def visit_Name(self, node):  # noqa: N802
        if isinstance(node.ctx, ast.Load) and not any(node.id in s for s in self.stack):
            self.globals.append(node)


def _global_loads(tree: ast.AST) -> list[ast.Name]:
    scopes = _Scopes()
    scopes.visit(tree)
    return scopes.globals


def _attributes_of(tree: ast.AST, names: set[str], where: str) -> dict[str, set[str]]:
    """For each name in `names`, the attributes read of it (``rt.unbroadcast``).

    Raises SrcadError where one is used otherwise (``getattr(shapes, name)``): the
    namespace written out holds only the attributes read, so that use could miss one."""
    out: dict[str, set[str]] = {}
    bases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in names:
                out.setdefault(node.value.id, set()).add(node.attr)
                bases.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names and id(node) not in bases:
            if isinstance(node.ctx, ast.Load):
                raise SrcadError(
                    f"export: {where} uses the module {node.id} other than by reading "
                    f"its attributes (line {node.lineno})",
                    hint="this is srcad's to fix: please report it",
                )
    return out


def _resolve_relative(package: str, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{module}" if module else base


def _import_target(base: str, name: str) -> Any:
    import importlib

    module = importlib.import_module(base)
    if hasattr(module, name):
        return getattr(module, name)
    return importlib.import_module(f"{base}.{name}")


def _is_generated(value: Any) -> bool:
    return isinstance(value, types.FunctionType) and (
        getattr(value, "__srcad_generated__", False)
        or value.__code__.co_filename.startswith("<srcad")
    )


def _has_source(module: types.ModuleType) -> bool:
    filename = getattr(module, "__file__", None)
    return bool(filename) and filename.endswith(".py")


def _external(module: types.ModuleType) -> bool:
    """A module the exported file imports (numpy, the standard library), not writes out."""
    name = module.__name__
    if name == "srcad" or name.startswith("srcad."):
        return False
    filename = getattr(module, "__file__", None) or ""
    if name.split(".")[0] in sys.stdlib_module_names or name.split(".")[0] == "numpy":
        return True
    return "site-packages" in filename or "dist-packages" in filename


def _numpy_path(value: Any) -> str | None:
    """``np.tanh``, ``np.linalg.inv``: an expression for a numpy object, if it has one."""
    name = getattr(value, "__name__", None)
    if not name:
        return None
    for path, module in (("np", np), ("np.linalg", np.linalg), ("np.fft", np.fft)):
        try:
            if getattr(module, name, None) is value:
                return f"{path}.{name}"
        except TypeError:
            return None
    return None


def _dotted(value: Any) -> tuple[str, str] | None:
    """(module, qualified name) by which an import finds `value`, if one does."""
    import importlib

    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", getattr(value, "__name__", None))
    if not module or not qualname:
        return None
    try:
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return (module, qualname) if found is value else None
