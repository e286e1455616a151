"""Run the whole corpus and print what srcad does with each case (or rewrite
known_failures.py). Usage, from tests/:

    ../.venv/bin/python -m soundness.survey            # the tally and every failure
    ../.venv/bin/python -m soundness.survey --write    # rewrite known_failures.py
"""

from __future__ import annotations

import collections
import pathlib
import re
import sys
import tempfile
import time

from soundness import all_cases
from soundness.oracle import evaluate

KINDS = ("wrong", "crash", "gencode", "unlocated")


def survey(cases) -> dict:
    outcomes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            path = pathlib.Path(tmp) / case.name
            path.mkdir()
            outcomes[case.id] = evaluate(case, path)
    return outcomes


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(cases, outcomes) -> str:
    by_class = collections.Counter(c.cls for c in cases)
    failing = [c for c in cases if not outcomes[c.id].ok]
    kinds = collections.Counter(outcomes[c.id].kind for c in failing)
    refused = sum(outcomes[c.id].kind == "refused" for c in cases)
    lines = [
        '"""The corpus cases srcad fails today: case id -> (class of issue 13, what happens).',
        "",
        "tests/test_soundness.py runs these as strict xfails: when the engine fixes one, its",
        "entry must go. Regenerate with `python -m soundness.survey --write` from tests/.",
        "",
        f"Tally ({len(cases)} cases; {len(failing)} fail, {refused} pass by a located refusal):",
        "",
        "    class  cases  failing  wrong  crash  gencode  unlocated",
    ]
    for cls in sorted(by_class):
        in_class = [c for c in failing if c.cls == cls]
        k = collections.Counter(outcomes[c.id].kind for c in in_class)
        lines.append(
            f"    {cls:5d}  {by_class[cls]:5d}  {len(in_class):7d}  {k['wrong']:5d}  "
            f"{k['crash']:5d}  {k['gencode']:7d}  {k['unlocated']:9d}"
        )
    lines += [
        f"    total  {len(cases):5d}  {len(failing):7d}  {kinds['wrong']:5d}  "
        f"{kinds['crash']:5d}  {kinds['gencode']:7d}  {kinds['unlocated']:9d}",
        "",
        "wrong: a number that differs from finite differences or the hand value, with no error;",
        "crash: a non-srcad exception from srcad itself (or generated code that does not",
        "compile); gencode: a non-srcad exception raised by generated code where the user's",
        "function runs; unlocated: a SrcadError that does not name the user's file and line.",
        "(class 0 is the everyday code between the classes.)",
        '"""',
        "",
        "KNOWN_FAILURES: dict[str, tuple[int, str]] = {",
    ]
    for c in failing:
        o = outcomes[c.id]
        reason = " ".join(f"{o.kind}: {o.detail}".split())
        reason = re.sub(r" #\d+", "", reason)  # generated files' counters: stable text
        line = f"    {_quote(c.id)}: ({c.cls}, {_quote(reason)}),"
        if len(line) <= 100:
            lines.append(line)
            continue
        if len(reason) > 86:
            reason = reason[:83] + "..."
        lines += [
            f"    {_quote(c.id)}: (",
            f"        {c.cls},",
            f"        {_quote(reason)},",
            "    ),",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv) -> None:
    cases = all_cases()
    only = [a for a in argv if not a.startswith("-")]
    if only:
        cases = [c for c in cases if any(o in c.id for o in only)]
    start = time.time()
    outcomes = survey(cases)
    text = render(cases, outcomes)
    if "--write" in argv:
        target = pathlib.Path(__file__).with_name("known_failures.py")
        target.write_text(text)
    else:
        print(text)
        if "-v" in argv:
            for c in cases:
                print(f"{outcomes[c.id].kind:9s} {c.id}: {outcomes[c.id].detail[:150]}")
    print(f"{len(cases)} cases in {time.time() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
