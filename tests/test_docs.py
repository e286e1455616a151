"""Documentation that is generated stays generated."""

import pathlib

from srcad import catalog

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_function_list_matches_the_registry():
    text = (ROOT / "docs" / "functions.md").read_text()
    assert text == catalog.markdown(), "run `make docs` to regenerate docs/functions.md"


def test_counts_cover_both_modes():
    for namespace, (vjp, jvp, _) in catalog.counts().items():
        assert vjp == jvp, namespace
