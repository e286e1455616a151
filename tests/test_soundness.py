"""The soundness corpus (tests/soundness/): srcad's derivative is right, or srcad refuses.

Each case runs through the transforms it names and is compared with finite differences (or
a hand-derived value at special points), never with srcad's other mode. A case passes when
every number matches, or when srcad raises a `srcad.SrcadError` naming the user's file and
line. It fails on a wrong number, on any other exception, and on a SrcadError without the
user's location.

Cases srcad fails today are listed in tests/soundness/known_failures.py and run as strict
xfails: when the engine fixes one, its entry must be removed.
"""

from __future__ import annotations

import collections

import pytest
from soundness import all_cases
from soundness.known_failures import KNOWN_FAILURES
from soundness.oracle import evaluate

CASES = all_cases()


def _param(case):
    marks = []
    known = KNOWN_FAILURES.get(case.id)
    if known is not None:
        # Only a failed verdict counts as the expected failure: a broken case is an error.
        marks.append(pytest.mark.xfail(strict=True, reason=known[1], raises=pytest.fail.Exception))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case, request):
    tmp_path = request.getfixturevalue("tmp_path") if case.run is not None else None
    outcome = evaluate(case, tmp_path)
    if not outcome.ok:
        pytest.fail(f"{outcome.kind}: {outcome.detail}", pytrace=False)


def test_corpus_covers_every_class():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 400
    per_class = collections.Counter(c.cls for c in CASES)
    assert set(range(0, 11)) <= set(per_class), per_class
    assert min(per_class.values()) >= 10, per_class


def test_known_failures_are_cases():
    by_id = {c.id: c for c in CASES}
    stale = sorted(set(KNOWN_FAILURES) - set(by_id))
    assert not stale, f"known failures that are no case: {stale}"
    for case_id, (cls, reason) in KNOWN_FAILURES.items():
        assert cls == by_id[case_id].cls, (
            f"{case_id}: class {cls}, the case says {by_id[case_id].cls}"
        )
        assert reason and "\n" not in reason


def test_finite_differences_are_trustworthy():
    """No case sits within a finite-difference step of a kink or jump (its oracle would be
    wrong, not srcad)."""
    from soundness.oracle import oracle_trouble

    troubled = {c.id: oracle_trouble(c) for c in CASES}
    troubled = {k: v for k, v in troubled.items() if v}
    assert not troubled, troubled
