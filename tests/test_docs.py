"""Documentation that is generated stays generated."""

import pathlib

import pytest

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
