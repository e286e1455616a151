"""The soundness corpus of issue 13 ("Never silently wrong, by construction").

Small programs written the way numpy users write them, one data module per reproducer class
of the issue, each case checked against an oracle independent of srcad (tests/soundness/
oracle.py). tests/test_soundness.py runs them; known_failures.py lists those srcad fails
today.
"""

MODULES = [
    "mutation_numpy",
    "mutation_helpers",
    "containers",
    "indices",
    "casts",
    "special_points",
    "staleness",
    "random_",
    "names",
    "inputs",
    "everyday",
]


def all_cases() -> list:
    import importlib

    cases = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"soundness.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"soundness.{name}":
                raise
            continue
        cases.extend(module.CASES)
    return cases
