"""Analyze, part 2: activity.

A name is *varied* if its value can depend on a differentiated input, *useful* if the
differentiated output can depend on it, and *active* if both: only active names get tangent
or adjoint code. Accepts a normalized function; returns an `Activity` value and never changes
the tree. The analysis is flow-insensitive over names (after normalization gives straight-line
reassignments names of their own), iterated to a fixed point so loops are covered; control
dependence (a test deciding a branch) carries no derivative.
"""

from __future__ import annotations

import dataclasses
import functools

import gast

from ..ir.resolution import Resolution
from ..rules.registry import method_entry
from .calls import derivative_operands


@dataclasses.dataclass(frozen=True)
class Activity:
    varied: frozenset
    useful: frozenset

    @functools.cached_property
    def active(self) -> frozenset:
        # cached: the transforms ask once per statement (a frozen dataclass still has a
        # __dict__ for it)
        return self.varied & self.useful

    def is_active(self, name: str) -> bool:
        return name in self.varied and name in self.useful


def dependence_edges(stmts: list, resolution: Resolution) -> list[tuple[str, set[str]]]:
    """(target, sources) pairs: the derivative of `target` may flow from each source."""
    edges: list[tuple[str, set[str]]] = []
    for s in stmts:
        value = getattr(s, "value", None)
        if isinstance(value, gast.Call):
            # l.append(v) puts v's derivative in l, whether or not its result is used
            # (`t = c and l.append(v)` becomes an assignment of the call).
            edges.extend(_mutation_edges(value, resolution))
        if isinstance(s, gast.Assign):
            target, value = s.targets[0], s.value
            if isinstance(target, gast.Name):
                edges.append((target.id, derivative_operands(value, resolution)))
            elif isinstance(target, (gast.Tuple, gast.List)):
                sources = derivative_operands(value, resolution)
                for t in target.elts:
                    edges.append((t.id, sources))
            elif isinstance(target, (gast.Subscript, gast.Attribute)):
                obj = target.value.id
                edges.append((obj, derivative_operands(value, resolution) | {obj}))
        elif isinstance(s, (gast.If, gast.While)):
            edges.extend(dependence_edges(s.body, resolution))
            edges.extend(dependence_edges(s.orelse, resolution))
        elif isinstance(s, gast.For):
            edges.extend(dependence_edges(s.body, resolution))
            edges.extend(dependence_edges(s.orelse, resolution))
    return edges


def _mutation_edges(call: gast.Call, resolution: Resolution) -> list:
    func = call.func
    if not (
        isinstance(func, gast.Attribute)
        and isinstance(func.value, gast.Name)
        and _stores(func.attr)
    ):
        return []
    sources = set()
    for a in call.args + [k.value for k in call.keywords]:
        sources |= derivative_operands(a, resolution)
    return [(func.value.id, sources | {func.value.id})]


def _stores(name: str) -> bool:
    """Whether the list or dict method `name` puts its arguments into its object (the
    registry's ``stores``: l.append, l.extend, l.insert, d.update)."""
    return any(
        entry is not None and entry.stores
        for entry in (method_entry(list, name), method_entry(dict, name))
    )


def _reachable(start, step) -> set[str]:
    """`start` and every name reached from it through `step(name)`."""
    found = set(start)
    todo = list(found)
    while todo:
        for name in step(todo.pop()):
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def analyze(
    fdef: gast.FunctionDef, wrt: set[str], outputs: set[str], resolution: Resolution
) -> Activity:
    edges = dependence_edges(fdef.body, resolution)
    # Both sets are reachability in the dependence graph: varied forward from the
    # differentiated inputs, useful backward from the outputs (a worklist keeps this linear
    # in the edges; a sweep until nothing changes is quadratic on a long straight line).
    targets_of: dict[str, list[str]] = {}
    sources_of: dict[str, list[set[str]]] = {}
    for target, sources in edges:
        sources_of.setdefault(target, []).append(sources)
        for source in sources:
            targets_of.setdefault(source, []).append(target)
    varied = _reachable(wrt, lambda name: targets_of.get(name, ()))
    useful = _reachable(
        outputs, lambda name: [s for group in sources_of.get(name, ()) for s in group]
    )
    return Activity(frozenset(varied), frozenset(useful))
