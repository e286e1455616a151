"""The real-program corpus of issue 15: published example code, ported to plain numpy.

Each module here ports programs from public example code (autograd's examples/, JAX's
examples and docs, scipy's optimizer benchmarks, ...). A port keeps the code as written
apart from its imports (``autograd.numpy`` and ``jax.numpy`` become numpy) and its data
(small arrays from a seeded numpy Generator); every other change is said in a comment.

Each module defines PROGRAMS, a list of `Program` records: the entry function, its
arguments, where the code comes from, what it exercises and, for a program srcad refuses
today, the refusal (a fragment of the SrcadError message) and its root cause (the item of
issue 15 it belongs to). tests/test_real_programs.py runs every program through grad,
value_and_grad, vjp, jvp and a Hessian-vector product against finite differences.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MODULES = (
    "autograd_models",
    "autograd_nets",
    "cfd_python",
    "jax_examples",
    "scipy_benchmarks",
    "more_examples",
)


@dataclass
class Program:
    """One entry of the corpus.

    name: a short id; fn(*args) is the entry point; argnums: the arguments grad and the
    Hessian-vector product differentiate (check_grads takes every float argument);
    source: where the code comes from; exercises: the constructs it uses; order: 2, or 1
    where the second derivative is not checked (the reason is in `note`); smooth: False
    when f has kinks near the data (abs, max, relu), so only first derivatives are
    compared, against central differences at a point away from the kinks; refused: a
    fragment of the SrcadError srcad raises today (the test is then a strict xfail);
    cause: the issue-15 item (1-5) the refusal belongs to, or 0 for another cause.
    """

    name: str
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    source: str
    exercises: str
    argnums: tuple[int, ...] = (0,)
    order: int = 2
    smooth: bool = True
    refused: str | None = None
    cause: int | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def all_programs() -> list[Program]:
    """Every program of every module, in module order."""
    out: list[Program] = []
    for name in MODULES:
        out.extend(importlib.import_module(f"{__name__}.{name}").PROGRAMS)
    return out
