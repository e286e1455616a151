"""Sphinx configuration of srcad's documentation (`make docs`, `make docs-check`).

The pages are MyST markdown; the notebooks in notebooks/ and the pages with code cells
(how it works, syntax, errors) are executed when the site is built, so every output shown
is one the current srcad produced. `make docs-check` executes the notebooks with nbmake
first, into docs/notebooks/, and the build reuses those outputs instead of running them
again; a notebook without an up-to-date executed copy there is copied and executed here.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import srcad  # noqa: E402 - after the path is set

project = "srcad"
author = "srcad developers"
copyright = "srcad developers, Apache-2.0"  # noqa: A001 - Sphinx's name
release = version = srcad.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
html_theme = "furo"
html_title = f"srcad {release}"
html_static_path: list[str] = []

# `name` in a docstring is a cross-reference when it names something documented, code
# otherwise.
default_role = "py:obj"
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_type_aliases = {"Function": "Function", "Argnums": "Argnums"}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
nb_render_markdown_format = "myst"  # markdown outputs may hold tables
nb_execution_timeout = 120
nb_execution_raise_on_error = True  # a cell that fails fails the build
nb_execution_show_tb = True
nb_merge_streams = True


def _cells(path: pathlib.Path) -> list[tuple[str, str]]:
    cells = json.loads(path.read_text())["cells"]
    return [(c["cell_type"], "".join(c["source"])) for c in cells]


def _executed_copy_is_current(source: pathlib.Path, copy: pathlib.Path) -> bool:
    """Whether `copy` holds `source`'s cells, every code cell executed."""
    if not copy.exists() or _cells(source) != _cells(copy):
        return False
    cells = json.loads(copy.read_text())["cells"]
    return all(c.get("execution_count") is not None for c in cells if c["cell_type"] == "code")


def _notebooks() -> list[str]:
    """Bring notebooks/*.ipynb into docs/notebooks/; the names of those already executed."""
    copies = HERE / "notebooks"
    copies.mkdir(exist_ok=True)
    sources = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for stale in set(copies.glob("*.ipynb")) - {copies / s.name for s in sources}:
        stale.unlink()
    executed = []
    for source in sources:
        copy = copies / source.name
        if _executed_copy_is_current(source, copy):
            executed.append(f"notebooks/{source.name}")
        else:
            shutil.copyfile(source, copy)
    return executed


nb_execution_mode = "force"
nb_execution_excludepatterns = _notebooks()
