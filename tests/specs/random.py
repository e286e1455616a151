"""Rule specs: reparameterized random draws (srcad.rules.numpy_random).

Each call fixes its seed first, so that finite differences see a deterministic function:
numpy.random's functions reseed the global state, Generator and RandomState methods draw
from a generator made with a seed.

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np

from srcad import runtime as rt

from . import RuleSpec

PAIRS = [((), ()), ((3,), ()), ((2, 1), (3,))]


def _seeded(draw: str) -> str:
    return f"(np.random.seed(0), {draw})[1]"


SPECS: list[RuleSpec] = [
    RuleSpec(
        np.random.normal,
        PAIRS,
        domain="positive",
        call=_seeded("np.random.normal(a0, a1, (2, 3))"),
    ),
    RuleSpec(
        np.random.uniform,
        PAIRS,
        domain="positive",
        call=_seeded("np.random.uniform(a0 - 2.0, a1, size=(2, 3))"),
    ),
    RuleSpec(
        np.random.exponential,
        [((),), ((3,),)],
        domain="positive",
        call=_seeded("np.random.exponential(a0, (2, 3))"),
    ),
    RuleSpec(
        rt.draw_normal,
        PAIRS,
        domain="positive",
        call="np.random.default_rng(0).normal(a0, a1, (2, 3))",
    ),
    RuleSpec(
        rt.draw_normal,
        [((3,), ())],
        domain="positive",
        call="np.random.RandomState(1).normal(scale=a1, loc=a0)",
    ),
    RuleSpec(
        rt.draw_uniform,
        PAIRS,
        domain="positive",
        call="np.random.RandomState(2).uniform(a0 - 2.0, a1, (2, 3))",
    ),
    RuleSpec(
        rt.draw_exponential,
        [((),), ((2, 1),)],
        domain="positive",
        call="np.random.default_rng(3).exponential(a0, size=(2, 3))",
    ),
]
