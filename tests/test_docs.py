"""Documentation that is generated stays generated."""

import inspect
import json
import pathlib

import pytest

import srcad
from srcad import catalog

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_function_list_matches_the_registry():
    text = (ROOT / "docs" / "functions.md").read_text()
    if catalog.versions_note() not in text:
        pytest.skip("docs/functions.md lists the functions of other numpy or scipy versions")
    assert text == catalog.markdown(), "run `make docs` to regenerate docs/functions.md"


def test_counts_cover_both_modes():
    for namespace, (vjp, jvp, _) in catalog.counts().items():
        assert vjp == jvp, namespace


def test_make_bench_rewrites_the_readme_table(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import report
    finally:
        sys.path.pop(0)
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.README_START}\nold\n{report.README_END}\nrest\n")
    meta = {
        "date": "2026-11-28T00:00:00",
        "machine": {"cpu_model": "CPU", "cpu_count": 2},
        "versions": {"python": "3.11", "numpy": "2.4"},
    }
    record = {"key": "A", "impls": {}, "targets": []}
    report.update_readme(readme, meta, [record])
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("rest\n") and "old" not in text
    assert "| A |" in text and "Measured 2026-11-28 on CPU (2 cores)" in text
    assert report.README_START in (ROOT / "README.md").read_text()


def test_committed_notebooks_have_no_outputs():
    """Notebooks are committed without outputs (make test and the docs build run them)."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 5
    for path in notebooks:
        cells = json.loads(path.read_text())["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            where = f"{path.name}, cell {i}"
            assert cell.get("outputs") == [], f"{where} has outputs: clear them before committing"
            assert cell.get("execution_count") is None, f"{where} has an execution count"


def test_public_functions_are_documented_and_typed():
    """Every public function and class has Args, Returns, Raises and an Example in its
    docstring (the API reference is built from them), and type hints on its signature."""
    for name in srcad.__all__:
        obj = getattr(srcad, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            continue
        doc = inspect.getdoc(obj) or ""
        sections = ["Args:", "Raises:", "Example"]
        if not isinstance(obj, type):
            sections.append("Returns:")
        missing = [s for s in sections if s not in doc]
        assert not missing, f"srcad.{name}'s docstring has no {', '.join(missing)}"
        signature = inspect.signature(obj.__init__ if isinstance(obj, type) else obj)
        untyped = [
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.annotation is inspect.Parameter.empty
        ]
        assert not untyped, f"srcad.{name}: parameters without type hints: {untyped}"
        assert isinstance(obj, type) or signature.return_annotation is not inspect.Signature.empty


def test_scaling_tables_match_the_tests():
    """docs/scaling.md shows the tables tests/test_dask.py and tests/test_device.py use."""
    from array_libraries import TABLES_END, TABLES_START, tables_markdown

    text = (ROOT / "docs" / "scaling.md").read_text()
    shown = text[text.index(TABLES_START) : text.index(TABLES_END) + len(TABLES_END)]
    assert shown == tables_markdown(), "run `python tests/array_libraries.py` (see the page)"
