"""docs/internals.md's package tree and pass table are those `tools/layout.py` generates from
the modules: a module added, removed or given a new docstring shows there, or this fails."""

from __future__ import annotations

import importlib.util
import pathlib

REPO = pathlib.Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("layout", REPO / "tools" / "layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_internals_shows_the_modules_present():
    tool = _tool()
    page = tool.PAGE.read_text()
    assert tool.render(page) == page, "run python tools/layout.py --write"


def test_the_tree_has_one_line_per_module():
    tree = _tool().layout().splitlines()
    modules = [p for p in (REPO / "srcad").rglob("*.py") if p.name != "__init__.py"]
    packages = [p for p in (REPO / "srcad").rglob("__init__.py") if p.parent.name != "srcad"]
    assert len(tree) == 1 + 1 + len(modules) + len(packages)  # srcad/, its __init__.py
    assert all(line.split()[0].endswith((".py", "/")) for line in tree)


def test_every_module_and_package_says_what_it_is():
    missing = [line.strip() for line in _tool().layout().splitlines() if len(line.split()) < 2]
    assert missing == ["srcad/"], missing


def test_each_mode_lists_its_passes():
    modes, docs = _tool()._passes()
    assert modes["GRAD"][0] == "propagate_copies" and modes["VMAP"] == []
    assert all(doc.startswith("srcad.optimize.") for doc in docs.values())
