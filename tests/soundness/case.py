"""The shape of a soundness case and the registry each data module fills.

A data module says ``CASES = Cases(__name__, cls)`` and registers functions with it:

    @CASES(X)                    # fn(X), checks chosen from the output (see `Case.checks`)
    def copyto_into_zeros(x):
        ...

    @CASES(X, checks="grad jvp", jac=[...])   # a hand-derived Jacobian instead of finite
    def power_zero(x):                          # differences (special points)
        ...

    @CASES.procedure()           # a procedure run(ctx) that changes state between checks
    def module_attribute_swapped(ctx):
        ...

`cls` is the reproducer class of issue 13 (1-10) the case belongs to, 0 for the everyday
code between them.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import linecache
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

CHECKS = ("grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian")


@dataclasses.dataclass
class Case:
    name: str
    module: str
    cls: int
    fn: Callable | None = None
    args: tuple = ()
    # What srcad is asked for; by default (oracle.checks_for) grad, jvp and vjp for a scalar
    # output, jvp, vjp, jacfwd and jacrev otherwise (jvp and vjp only when every argument
    # is a float or a container of floats).
    checks: tuple | None = None
    argnums: int | tuple | None = None  # for grad/jacfwd/jacrev (None: every float argument)
    # A hand-derived Jacobian of the output with respect to each differentiated leaf, in
    # place of finite differences: {argnum: [leaf jacobian, ...]}, or one array for
    # argument 0 when it is a single array or float.
    jac: Any = None
    hess: Any = None  # a hand-derived Hessian (argument 0)
    refuse: bool = False  # no derivative exists: only a located SrcadError passes
    run: Callable | None = None  # a procedure run(ctx) instead of fn(*args)
    files: tuple = ()  # more files that count as the user's (modules written at run time)
    eps: float = 1e-6  # the finite-difference step
    primal: bool = True  # compare the primal output of jvp and vjp (False: random draws)
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.module}.{self.name}"

    def user_files(self) -> set:
        files = set(self.files)
        for obj in (self.fn, self.run):
            code = getattr(obj, "__code__", None)
            if code is not None:
                files.add(code.co_filename)
            if obj is not None:
                try:
                    files.add(inspect.getsourcefile(obj))
                except TypeError:
                    pass
        files.discard(None)
        return files


class Cases(list):
    """The cases of one data module, registered by decorating their functions."""

    def __init__(self, module: str, cls: int):
        super().__init__()
        self.module = module.rsplit(".", 1)[-1]
        self.cls = cls

    def __call__(self, *args, **options):
        def register(fn):
            self.add(fn, *args, **options)
            return fn

        return register

    def add(self, fn, *args, name: str | None = None, cls: int | None = None, **options):
        checks = options.pop("checks", None)
        if isinstance(checks, str):
            checks = tuple(checks.split())
        if checks is None:
            # Stated on the case: what its output and arguments call for.
            from .oracle import as_array, call, checks_for, default_argnums

            argnums = options.get("argnums")
            out = as_array(call(fn, *args))
            checks = checks_for(out, args, default_argnums(args) if argnums is None else argnums)
            # Second order too, where finite differences can give it: a real scalar function
            # of one array or float.
            single = len(args) == 1 and np.ndim(out) == 0
            single = single and (type(args[0]) is float or getattr(args[0], "dtype", 0) == "f8")
            plain = options.get("jac") is None and "eps" not in options  # float64 throughout
            if single and plain and "grad" in checks:
                checks += ("hessian",)
        assert checks and set(checks) <= set(CHECKS), checks
        case = Case(
            name or fn.__name__,
            self.module,
            self.cls if cls is None else cls,
            fn,
            tuple(args),
            checks,
            **options,
        )
        assert case.name not in {c.name for c in self}, f"duplicate case {case.id}"
        self.append(case)
        return case

    def procedure(self, name: str | None = None, cls: int | None = None, **options):
        def register(run):
            case = Case(
                name or run.__name__, self.module, self.cls if cls is None else cls, run=run
            )
            for key, value in options.items():
                setattr(case, key, value)
            assert case.name not in {c.name for c in self}, f"duplicate case {case.id}"
            self.append(case)
            return run

        return register


_counter = itertools.count()


def from_source(source: str, name: str = "f", namespace: dict | None = None, label: str = ""):
    """Define `name` from `source` under a file name registered in linecache, for cases
    written from a template (one per ufunc, per dtype...). The file name is the user's
    file as far as a location check is concerned."""
    source = textwrap.dedent(source).lstrip("\n")
    filename = f"<soundness {label or name} {next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope = {"np": np}
    scope.update(namespace or {})
    exec(compile(source, filename, "exec"), scope)
    return scope[name]
