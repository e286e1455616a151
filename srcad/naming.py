"""Deterministic, collision-free names for generated code.

`Namer` hands out names that never collide with anything the user's function mentions
(locals, globals, attributes) nor with names it handed out before. Derived names follow one
convention: tangents are ``d`` + name, adjoints ``b`` + name (``dx``, ``bx``, ``bt2``); names
longer than three characters get an underscore (``b_hidden``). Counters, never uuids, so
golden tests stay stable.
"""

from __future__ import annotations

import keyword


class Namer:
    def __init__(self, taken: set[str] = frozenset()):
        self._taken = set(taken)
        self.original = frozenset(taken)  # the names the user's code mentions
        self.base_of: dict[str, str] = {}  # handed-out name -> the base it was made from
        self._counters: dict[str, int] = {}

    def reserve(self, *names: str) -> None:
        self._taken.update(names)

    def taken(self, name: str) -> bool:
        return name in self._taken

    def fresh(self, base: str) -> str:
        """`base` if free, else `base2`, `base3`... (`base_2` when base ends in a digit)."""
        base = base or "t"
        name = self._fresh(base)
        self.base_of[name] = base
        return name

    def _fresh(self, base: str) -> str:
        if not base.isidentifier():
            base = identifier(base)  # a name made from a function's: b_<lambda>
        if keyword.iskeyword(base):
            base = base + "_"
        if base not in self._taken:
            self._taken.add(base)
            return base
        sep = "_" if base[-1].isdigit() else ""
        n = self._counters.get(base, 1)
        while True:
            n += 1
            candidate = f"{base}{sep}{n}"
            if candidate not in self._taken:
                self._counters[base] = n
                self._taken.add(candidate)
                return candidate

    def derived(self, prefix: str, name: str) -> str:
        """A fresh name derived from a user name: ``derived("b", "x") == "bx"``."""
        core = name.lstrip("_") or name
        base = f"{prefix}{core}" if len(core) <= 3 else f"{prefix}_{core}"
        return self.fresh(base)


class DerivedNames:
    """A stable map from primal names to derived names (one per primal name)."""

    def __init__(self, namer: Namer, prefix: str):
        self._namer = namer
        self._prefix = prefix
        self._map: dict[str, str] = {}

    def __getitem__(self, primal: str) -> str:
        if primal not in self._map:
            self._map[primal] = self._namer.derived(self._prefix, primal)
        return self._map[primal]

    def __contains__(self, primal: str) -> bool:
        return primal in self._map

    def items(self):
        return self._map.items()


def identifier(name: str) -> str:
    """`name` made a valid identifier: ``<lambda>`` becomes ``lambda_``."""
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in name).strip("_")
    if not cleaned or cleaned[0].isdigit():
        cleaned = "f_" + cleaned
    return cleaned + "_" if keyword.iskeyword(cleaned) else cleaned
