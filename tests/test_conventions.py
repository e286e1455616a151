"""The table of kinks and ties in docs/conventions.md is what srcad and JAX return."""

from __future__ import annotations

import importlib.util
import math
import pathlib
import re
import warnings

import numpy as np
import pytest

import srcad

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover - jax is in the bench extra
    jax = None

DOC = pathlib.Path(__file__).resolve().parent.parent / "docs" / "conventions.md"


def _rows():
    text = DOC.read_text()
    table = text.split("<!-- conventions table: tests/test_conventions.py reads it -->")[1]
    table = table.split("<!-- end of conventions table -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        expression = re.fullmatch(r"`(.+)`", cells[0]).group(1)
        rows.append((expression, float(cells[1]), float(cells[2]), float(cells[3])))
    return rows


ROWS = _rows()


def _functions(tmp_path, module_np):
    """The table's expressions as functions of x, in a file (srcad reads their source)."""
    source = "".join(f"def f{i}(x):\n    return {e}\n\n" for i, (e, *_) in enumerate(ROWS))
    path = tmp_path / f"conventions_{module_np.__name__.replace('.', '_')}.py"
    path.write_text("import numpy as np\n\n" + source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.np = module_np
    return [getattr(module, f"f{i}") for i in range(len(ROWS))]


def _same(got, want):
    return (math.isnan(got) and math.isnan(want)) or got == want


def test_the_table_has_the_rows_the_issue_asked_about():
    expressions = " ".join(e for e, *_ in ROWS)
    for name in ("abs", "clip", "fmax", "hypot", "norm", "(-2.0) **"):
        assert name in expressions


def test_srcad_values(tmp_path):
    functions = _functions(tmp_path, np)
    for (expression, x, want, _), f in zip(ROWS, functions):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            rev = float(srcad.grad(f)(x))
            fwd = float(srcad.jvp(f, (x,), (1.0,))[1])
        assert _same(rev, want), f"{expression} at {x}: srcad.grad gives {rev}, the doc {want}"
        assert _same(fwd, want), f"{expression} at {x}: srcad.jvp gives {fwd}, the doc {want}"


@pytest.mark.skipif(jax is None, reason="jax is not installed")
def test_jax_values(tmp_path):
    functions = _functions(tmp_path, jnp)
    for (expression, x, _, want), f in zip(ROWS, functions):
        got = float(jax.grad(f)(x))
        assert _same(got, want), f"{expression} at {x}: JAX gives {got}, the doc {want}"
