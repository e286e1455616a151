"""The package's imports run one way: each module imports only modules of its own layer or
of lower layers, and no module imports itself back through others (no cycle)."""

from __future__ import annotations

import ast
import pathlib

import srcad

ROOT = pathlib.Path(srcad.__file__).parent

# Lowest first. A module is placed by its longest matching prefix.
LAYERS = [
    ("ir",),
    ("errors", "dtypes", "arrays", "naming", "display", "pytree"),
    ("runtime", "shapes", "diagonal", "helpers"),
    ("scaling", "trace"),
    ("parse", "fence", "custom", "tracebacks"),
    ("rules",),
    ("normalize",),
    ("analyze",),
    ("transform", "batching"),
    ("optimize",),
    ("printer", "emit", "drivers"),
    ("build",),
    ("boundary",),
    ("argtrees",),
    ("wrappers", "arguments"),
    ("results",),
    ("transformed", "scaled", "wrt", "hot_calls"),
    ("api", "traced"),
    ("composed", "vmap"),
    ("export_sources",),
    ("check", "show", "jit", "catalog", "demo", "tree_util", "export", "__main__", "__init__"),
]


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: pathlib.Path, modules: dict) -> set[str]:
    """The srcad modules `name` imports, at module level or inside functions."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                if not (node.module or "").startswith("srcad"):
                    continue
                module = node.module.removeprefix("srcad").lstrip(".")
            targets = [f"{module}.{a.name}".lstrip(".") for a in node.names] + [module]
        elif isinstance(node, ast.Import):
            targets = [a.name.removeprefix("srcad").lstrip(".") for a in node.names]
            targets = [t for t, a in zip(targets, node.names) if a.name.startswith("srcad")]
        for t in targets:
            if t in modules and t != name:
                found.add(t)
                break
    return found


def _layer(name: str) -> int:
    best, layer = -1, None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, layer = len(prefix), i
    assert layer is not None, f"srcad.{name} has no layer in tests/test_layers.py"
    return layer


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_imports_never_go_up_a_layer():
    upward = [
        f"srcad.{a} (layer {_layer(a)}) imports srcad.{b} (layer {_layer(b)})"
        for a, deps in sorted(_graph().items())
        for b in sorted(deps)
        if _layer(b) > _layer(a)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    graph = _graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_the_layer_test_sees_imports():
    graph = _graph()
    assert "ir.syntax" in graph["build.driver"]
    assert "ir.dnotation" in graph["transform.reverse"]


def test_every_module_has_a_layer():
    # _layer asserts; a module that imports nothing of srcad and that nothing imports is
    # otherwise never placed by the tests above
    assert all(_layer(name) >= 0 for name in _modules())
