"""Shared by `pytest` (tests/) and `pytest --doctest-modules srcad` (the docstring examples)."""

import pytest


@pytest.fixture(autouse=True)
def _examples_run_as_user_code(doctest_namespace):
    # A docstring example runs in a copy of its module's globals, so the functions it defines
    # would say they come from srcad itself (srcad.custom...), which srcad treats as its own
    # helpers rather than as user code. Run the examples as a user's script would.
    doctest_namespace["__name__"] = "__main__"
