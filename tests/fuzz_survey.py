"""Run the extended fuzz grammar for a while and tally what srcad does, without stopping at
the first failure (tests/test_fuzz.py stops there, and shrinks it). Usage, from tests/:

    ../.venv/bin/python fuzz_survey.py N [--all] [--out failures.jsonl]

N programs (discarded ones not counted); `--all` also generates the constructs known to fail
today (tests/regressions/soundness_open.py), to measure how often they are hit. Failing
programs go to --out, one JSON object per line (source, args, features, kind, detail).
"""

from __future__ import annotations

import collections
import json
import sys
import time
import warnings

import numpy as np
from fuzz_programs import programs
from hypothesis import HealthCheck, assume, given, settings
from soundness.oracle import CaseBroken
from test_fuzz import AVOID, AVOID_EXTENDED, Discard, judge_extended


def main(argv) -> None:
    n = int(argv[0])
    avoid = AVOID if "--all" in argv else AVOID_EXTENDED
    out = argv[argv.index("--out") + 1] if "--out" in argv else None
    kinds = collections.Counter()
    by_feature = collections.defaultdict(collections.Counter)
    failures = []
    start = time.time()

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(programs(avoid=avoid, extended=True))
    def run(program):
        try:
            outcomes = judge_extended(program)
        except Discard:
            kinds["discarded"] += 1
            assume(False)
        except CaseBroken as exc:
            kinds["broken"] += 1
            failures.append((program, "broken", str(exc)))
            return
        for outcome in outcomes:
            kind = outcome.kind
            kinds[kind] += 1
            for feature in program.features or {"(none)"}:
                by_feature[feature][kind] += 1
            if not outcome.ok:
                failures.append((program, kind, outcome.detail))
                break

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run()
    print(
        f"{sum(kinds.values()) - kinds['discarded']} programs judged in {time.time() - start:.0f} s"
    )
    print(dict(kinds))
    for feature, counts in sorted(by_feature.items()):
        print(f"  {feature:24s} {dict(counts)}")
    if out:
        with open(out, "w") as fh:
            for program, kind, detail in failures:
                record = {
                    "source": program.source,
                    "args": program.args_source(),
                    "features": sorted(program.features),
                    "kind": kind,
                    "detail": detail,
                }
                fh.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main(sys.argv[1:])
