"""The fast path of a public function transform called again like before (`srcad.jvp`).

`srcad.jvp(f, primals, tangents)` builds a spec and looks its code up in the cache at every
call: about 15 µs, more than the derivative of a small function. Where every primal and
tangent is a float array (a tangent of its primal's shape and dtype) and the code takes
them as they are, the call keeps the generated function with the cache entries it came
from, under the function (a transform: in what equal transforms share) and the signature
of the primals (`srcad.arguments._signature`, what the generated code depends on). A later
call with the same function and signature runs it, after checking the arguments the same
cheap way and that every entry is still fresh (`srcad.build.cache.Generated.is_fresh`: no
global, closure variable, attribute or rule it was generated from has changed). Anything
else takes the long way, which checks and reports as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .arguments import _signature


class HotCalls:
    """Generated functions kept per function and signature of the primals."""

    def __init__(self, name: str) -> None:
        self._name = name  # of the caller ("jvp"): its part of a transform's shared table
        self._table: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, fn: Any, primals: tuple, tangents: tuple) -> Callable | None:
        """The kept function for this call, or None (the caller then takes the long way)."""
        table = self._table_of(fn, create=False)
        hot = table.get(_signature(primals)) if table else None
        if hot is None or not _plain(primals, tangents):
            return None
        main, entries = hot
        return main if all(entry.is_fresh() for entry in entries) else None

    def keep(
        self, fn: Any, primals: tuple, tangents: tuple, main: Callable, entries: Sequence
    ) -> None:
        """Keep `main`, generated for this call from `entries`, if the call is plain."""
        if not _plain(primals, tangents):
            return
        table = self._table_of(fn, create=True)
        if table is not None:
            table[_signature(primals)] = (main, tuple(entries))

    def _table_of(self, fn: Any, create: bool) -> dict | None:
        """`fn`'s table of kept code: a transform's is shared with every equal transform
        (`grad(f)` made afresh at each call finds what an earlier one kept)."""
        calls = getattr(fn, "__srcad_calls__", None)
        if calls is not None:
            return calls().setdefault(self._name, {})
        try:
            return self._table.setdefault(fn, {}) if create else self._table.get(fn)
        except TypeError:  # not weakly referenceable, or not hashable
            return None


def _plain(primals: tuple, tangents: tuple) -> bool:
    """Float arrays, each tangent of its primal's shape and dtype: what `check_tangent` and
    `check_differentiable` pass as they are, and generated code takes as it is."""
    for p, t in zip(primals, tangents):
        if type(p) is not np.ndarray or type(t) is not np.ndarray:
            return False
        if p.dtype.kind != "f" or t.dtype is not p.dtype or t.shape != p.shape:
            return False
    return True
