"""The cache of generated code, and the guards that tell when an entry has gone stale.

An entry is kept per function and `Spec`. It stays valid while every fact its code was
generated from still holds: the guards record, for each global or closure variable srcad
resolved, the object it named (`Generated.is_fresh` compares). Generation of a function that
calls itself finds its own entry pending: `pending_cells` gives the cells its functions will
be put in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import operator
import threading
import types
import weakref

from ..analyze.resolve import AttributeOf
from ..ir import syntax as S
from ..normalize.known_loops import ItemsOf
from ..rules.registry import _VERSION as _REGISTRY_VERSION
from ..rules.registry import version as registry_version
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


@dataclasses.dataclass
class Generated:
    functions: dict  # role ("main", "fwd", "bwd") -> function
    sources: dict  # role -> source text
    stages: dict  # stage name -> text
    # (container, name, object): stale when the container's `name` is no longer `object`.
    # A container is a dict (globals, a module's namespace), a closure cell, or an
    # `AttributeOf` object (CFG.act, f.__defaults__, a custom rule's fwd).
    guards: list
    name: str = ""
    version: int = dataclasses.field(default_factory=registry_version)  # of the rules

    def __post_init__(self):
        # Split once, so the check on every call is three tight loops.
        dicts, cells, attributes, items = {}, {}, {}, {}
        for container, key, obj in self.guards:
            if isinstance(container, types.CellType):
                cells[id(container)] = (container, obj)
            elif isinstance(container, ItemsOf):
                items[id(container.seq)] = (container.seq, obj)
            elif isinstance(container, AttributeOf):
                owner = container.obj
                attributes.setdefault(id(owner), (owner, {}))[1][key] = obj
            else:
                dicts[(id(container), key)] = (container, key, obj)
        self._items_guards = tuple(items.values())  # lists whose items the code relies on
        self._dict_guards = tuple(dicts.values())
        self._cell_guards = tuple(cells.values())
        # One C call per object reads all its guarded attributes, and one tuple comparison
        # (identity first, in C) checks them; `_stale_attributes` explains a mismatch.
        self._attribute_guards = tuple(
            (operator.attrgetter(*named, "__class__"), owner, (*named.values(), type(owner)))
            for owner, named in attributes.values()
        )

    def is_fresh(self) -> bool:
        """Every fact the code was generated from still holds: no global, closure variable or
        attribute srcad resolved names another object now, and no rule has changed."""
        for container, key, obj in self._dict_guards:
            if container.get(key, _MISSING) is not obj:
                return False
        for cell, obj in self._cell_guards:
            try:
                if cell.cell_contents is not obj:
                    return False
            except ValueError:
                return False
        for read, owner, objs in self._attribute_guards:
            try:
                if read(owner) == objs:
                    continue
            except Exception:  # an attribute gone, or values that do not compare (arrays)
                pass
            if _stale_attributes(read, owner, objs):
                return False
        for seq, objs in self._items_guards:
            if len(seq) != len(objs) or any(a is not b for a, b in zip(seq, objs)):
                return False
        return self.version == _REGISTRY_VERSION[0]


def _stale_attributes(read, owner, objs) -> bool:
    """Whether an attribute of `owner` now names another object than when it was read."""
    try:
        current = read(owner)
    except AttributeError:
        return True
    return any(a is not b and not _same_method(a, b) for a, b in zip(current, objs))


def _same_method(a, b) -> bool:
    """Two bound methods of one object and one function (Python makes a new bound method at
    each attribute access)."""
    owner = getattr(a, "__self__", _MISSING)
    if owner is _MISSING or owner is not getattr(b, "__self__", None):
        return False
    function = getattr(a, "__func__", None)
    if function is not None:
        return function is getattr(b, "__func__", None)
    return getattr(a, "__name__", 1) == getattr(b, "__name__", 2)  # a builtin's method


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
