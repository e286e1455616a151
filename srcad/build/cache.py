"""The cache of generated code, and the guards that tell when an entry has gone stale.

An entry is kept per function and `Spec`. It stays valid while every fact its code was
generated from still holds: the guards record, for each global or closure variable srcad
resolved, the object it named (`Generated.is_fresh` compares), and for each global or
closure array the code was specialized on, its rank (`RankGuard`). Generation of a function that
calls itself finds its own entry pending: `pending_cells` gives the cells its functions will
be put in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import threading
import types
import weakref

import numpy as np

from ..ir import syntax as S
from .modes import Spec

_MISSING = object()


class Stages(dict):
    """Stage texts, printed only when asked for (unparsing every stage costs milliseconds).

    Only `srcad.show` asks (its Spec has stages=True); other transforms skip even the copy
    of the tree that a later text needs, a few milliseconds of a first call."""

    def __init__(self, *args, enabled: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled = enabled

    def keep(self, stage: str, node) -> None:
        """Record `node` (a tree or a list of statements) as the text of `stage`."""
        if self.enabled:
            self[stage] = functools.partial(S.to_source, S.clone(node))

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if callable(value):
            value = value()
            self[key] = value
        return value


@dataclasses.dataclass(frozen=True)
class RankGuard:
    """A global or closure variable the code was specialized on: while it holds a plain
    array (or a Python float or int) of this rank and kind (complex or real), the code
    stays right, whatever object it is (a new minibatch each step regenerates nothing)."""

    container: object  # the globals dict or the closure cell
    name: str
    ndim: int
    complex: bool

    def holds(self) -> bool:
        container = self.container
        try:
            if isinstance(container, types.CellType):
                value = container.cell_contents
            else:
                value = container[self.name]
        except (KeyError, ValueError):
            return False
        return free_rank(value) == (self.ndim, self.complex)


def free_rank(value) -> tuple[int, bool] | None:
    """(rank, complex) of a value generated code may specialize on: a plain numeric array or
    a Python float or int; None for anything else."""
    t = type(value)
    if t is np.ndarray:
        kind = value.dtype.kind
        return (value.ndim, kind == "c") if kind in "fciu" else None
    if t is float or t is int:
        return (0, False)
    return None


@dataclasses.dataclass
class Generated:
    functions: dict  # role ("main", "fwd", "bwd") -> function
    sources: dict  # role -> source text
    stages: dict  # stage name -> text
    guards: list  # (container, name, object): stale when container[name] is not object;
    # or RankGuard: stale when the variable no longer holds an array of that rank and kind
    name: str = ""

    def __post_init__(self):
        # Split once, so the check on every call is three tight loops.
        self._rank_guards = tuple(g for g in self.guards if isinstance(g, RankGuard))
        triples = [g for g in self.guards if not isinstance(g, RankGuard)]
        unique = {(id(c), k): (c, k, o) for c, k, o in triples}.values()
        self._dict_guards = tuple(
            (c, k, o) for c, k, o in unique if not isinstance(c, types.CellType)
        )
        self._cell_guards = tuple((c, o) for c, k, o in unique if isinstance(c, types.CellType))

    def is_fresh(self) -> bool:
        """No global or closure variable srcad resolved now names another object."""
        for container, key, obj in self._dict_guards:
            if container.get(key, _MISSING) is not obj:
                return False
        for cell, obj in self._cell_guards:
            try:
                if cell.cell_contents is not obj:
                    return False
            except ValueError:
                return False
        for guard in self._rank_guards:
            if not guard.holds():
                return False
        return True


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_unweakrefable: dict = {}
_pending: dict = {}


def cache_key(fn):
    """What the cache is keyed by: a bound method's function, else the callable itself."""
    return getattr(fn, "__func__", fn)


def entries(fn) -> dict:
    """The cache entries of `fn` (Spec -> Generated), created empty on first use."""
    key = cache_key(fn)
    try:
        return _cache.setdefault(key, {})
    except TypeError:  # not weak-referenceable (ufuncs, builtins): parse will say why
        return _unweakrefable.setdefault(id(key), {})


lock = threading.RLock()  # one generation at a time (generation reads and fills the cache)


@contextlib.contextmanager
def collector_paused():
    """Generation allocates many small trees that die young, and the cyclic garbage
    collector's passes over them were a twentieth of a first grad(f): it pauses while a
    derivative is generated. Only the outermost generation turns it back on."""
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextlib.contextmanager
def pending(fn, spec: Spec, roles: tuple[str, ...]):
    """Cells for the functions being generated for (fn, spec), visible to a recursive call
    while they are; the caller fills them."""
    key = (id(cache_key(fn)), spec)
    cells = {role: types.CellType() for role in roles}
    _pending[key] = cells
    try:
        yield cells
    finally:
        _pending.pop(key, None)


def pending_cells(fn, spec: Spec) -> dict | None:
    return _pending.get((id(cache_key(fn)), spec))
