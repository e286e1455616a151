"""Optimization test functions from scipy: scipy.optimize.rosen and the global-optimizer
benchmark suite (benchmarks/benchmarks/go_benchmark_functions/go_funcs_A.py, go_funcs_B.py).

Each benchmark is a class whose fun(self, x, *args) counts its calls (self.nfev += 1);
the entry point is the bound method of an instance. The classes keep their fun methods
as written; `from numpy import abs, cos, exp, ...` is kept, and the suite's Benchmark base
class is reduced to the attributes fun reads (N, nfev). Docstrings, bounds and global
optima are left out.
"""
# ruff: noqa: A001, A004, N802

from __future__ import annotations

import numpy as np
from numpy import abs, arange, cos, exp, pi, prod, sin, sqrt, sum

from . import Program
from ._data import SCIPY, rng

PROGRAMS: list[Program] = []
GO = "benchmarks/benchmarks/go_benchmark_functions/"


class Benchmark:
    # benchmarks/benchmarks/go_benchmark_functions/go_benchmark.py, reduced
    def __init__(self, dimensions):
        self._dimensions = dimensions
        self.nfev = 0

    @property
    def N(self):
        return self._dimensions


# ---------------------------------------------------------------- go_funcs_A.py
class Ackley01(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1
        u = sum(x**2)
        v = sum(cos(2 * pi * x))
        return -20.0 * exp(-0.2 * sqrt(u / self.N)) - exp(v / self.N) + 20.0 + exp(1.0)


class Ackley03(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1
        a = -200 * exp(-0.02 * sqrt(x[0] ** 2 + x[1] ** 2))
        a += 5 * exp(cos(3 * x[0]) + sin(3 * x[1]))
        return a


class Adjiman(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1
        return cos(x[0]) * sin(x[1]) - x[0] / (x[1] ** 2 + 1)


class Alpine02(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        return prod(sqrt(x) * sin(x))


class AMGM(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        f1 = sum(x)
        f2 = prod(x)
        f1 = f1 / self.N
        f2 = f2 ** (1.0 / self.N)
        f = (f1 - f2) ** 2

        return f


# ---------------------------------------------------------------- go_funcs_B.py
class BartelsConn(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        return abs(x[0] ** 2.0 + x[1] ** 2.0 + x[0] * x[1]) + abs(sin(x[0])) + abs(cos(x[1]))


class Beale(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        return (
            (1.5 - x[0] + x[0] * x[1]) ** 2
            + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2
            + (2.625 - x[0] + x[0] * x[1] ** 3) ** 2
        )


class BiggsExp02(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        t = arange(1, 11.0) * 0.1
        y = exp(-t) - 5 * exp(-10 * t)
        vec = (exp(-t * x[0]) - 5 * exp(-t * x[1]) - y) ** 2

        return sum(vec)


class Bird(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        return (
            sin(x[0]) * exp((1 - cos(x[1])) ** 2)
            + cos(x[1]) * exp((1 - sin(x[0])) ** 2)
            + (x[0] - x[1]) ** 2
        )


class BoxBetts(Benchmark):
    def __init__(self, dimensions=3):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        i = arange(1, 11)
        g = exp(-0.1 * i * x[0]) - exp(-0.1 * i * x[1]) - (exp(-0.1 * i) - exp(-i)) * x[2]
        return sum(g**2)


class Branin01(Benchmark):
    def __init__(self, dimensions=2):
        Benchmark.__init__(self, dimensions)

    def fun(self, x, *args):
        self.nfev += 1

        return (
            (x[1] - (5.1 / (4 * pi**2)) * x[0] ** 2 + 5 * x[0] / pi - 6) ** 2
            + 10 * (1 - 1 / (8 * pi)) * cos(x[0])
            + 10
        )


# ---------------------------------------------------------------- scipy/optimize/_optimize.py
def rosen(x):
    # the array-API plumbing of scipy's version (xp = array_namespace(x); xp_promote) is
    # left out: with numpy it is np and a float cast
    r = np.sum(100.0 * (x[1:] - x[:-1] ** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0, axis=0)
    return r


PROGRAMS.append(
    Program(
        "scipy_rosen",
        rosen,
        (np.array([0.3, -0.4, 1.1, 0.7]),),
        SCIPY + "scipy/optimize/_optimize.py",
        "shifted slices x[1:], x[:-1]",
    )
)

_x2 = np.array([0.7, 0.4])
for _cls, _x, _file, _what, _smooth in (
    (
        Ackley01,
        _x2,
        "go_funcs_A.py",
        "numpy functions imported by name, self.N, self.nfev += 1",
        True,
    ),
    (Ackley03, _x2, "go_funcs_A.py", "augmented assignment a += on a differentiated value", True),
    (Adjiman, _x2, "go_funcs_A.py", "a method of an object, indexing", True),
    (Alpine02, np.array([1.3, 2.2]), "go_funcs_A.py", "prod of sqrt * sin", True),
    (AMGM, np.array([1.3, 2.2]), "go_funcs_A.py", "sum, prod, a power 1/self.N", True),
    (BartelsConn, _x2, "go_funcs_B.py", "abs of expressions (kinks)", False),
    (Beale, _x2, "go_funcs_B.py", "polynomial with powers of indexed entries", True),
    (BiggsExp02, np.array([1.2, 9.0]), "go_funcs_B.py", "arange data, exp of products", True),
    (Bird, _x2, "go_funcs_B.py", "exp of squared trigonometric terms", True),
    (BoxBetts, np.array([1.0, 9.5, 1.1]), "go_funcs_B.py", "integer arange times a float", True),
    (Branin01, np.array([2.0, 3.0]), "go_funcs_B.py", "pi from numpy, cos", True),
):
    PROGRAMS.append(
        Program(
            f"scipy_go_{_cls.__name__}",
            _cls().fun,
            (_x + 0.01 * rng(50).standard_normal(_x.shape),),
            SCIPY + GO + _file,
            "a bound method fun(self, x, *args) that counts calls (self.nfev += 1); " + _what,
            smooth=_smooth,
        )
    )
