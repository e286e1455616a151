"""Shape-only saves: a tape entry the backward sweep reads only to undo broadcasting keeps
the value's shape instead of the value.

Accepts a gradient function body (after the other passes). Looks for a tape `L` of a name
`N`, a list used only as

    L = []                     the tape made empty
    L.append(N)                pushes (the forward sweep saving N before it changes)
    N = L.pop()                restores (the backward sweep)

where every read of `N` in the first top-level statement that restores it, and in every
statement after it, is the second operand of `rt.unbroadcast(g, N)`. The pushes become
`L.append(rt.shape_only(N))`, the restores set `N_shape` (first set, before that
statement, from the forward sweep's last `N`) and those reads `rt.unbroadcast_kept(g,
N_shape)`:

    t2_saved.append(t2)                t2_saved.append(rt.shape_only(t2))
    t2 = W @ h                 ->      t2 = W @ h
    ...                                t2_shape = rt.shape_only(t2)
    for t in reversed(range(50)):      for t in reversed(range(50)):
        bt2 = rt.unbroadcast(bt5, t2)      bt2 = rt.unbroadcast_kept(bt5, t2_shape)
        t2 = t2_saved.pop()                t2_shape = t2_saved.pop()

Guarantees: `N_shape` holds, where `N` held it, what `rt.shape_only` keeps of that value:
a `Shape` for a real array or number, the value itself otherwise (complex, None, a list);
`rt.unbroadcast_kept(g, kept)` is `rt.unbroadcast(g, value)` for both. Nothing reads `N` from
that statement on (every read was one of those), and code before it is unchanged. The tape
then holds a few bytes a step where it held an array (an RNN's `W @ h` each step); `N` keeps a
type of its own, so numba (srcad.jit) types it as before.
Returns new statement lists; the input is not modified.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import gast

from .. import runtime
from ..ir import syntax as S
from ..naming import Namer


def keep_shapes(body: list, resolve: Callable) -> list:
    """`body` with tapes read only for shapes keeping shapes (see the module docstring)."""
    tapes = _tapes(body)
    if not tapes or len(set(tapes.values())) < len(tapes):
        return body  # (two tapes of one name: not a pattern the reverse transform makes)
    body = copy.deepcopy(body)
    census = _Census(body, tapes)
    namer = Namer(census.taken)
    inserts: dict = {}  # top-level index -> statements to put before it
    for tape, name in sorted(tapes.items()):
        start = census.first_restore.get(tape)
        if start is None:
            continue
        reads = [(parent, node) for i, parent, node in census.reads[name] if i >= start]
        calls = [_unbroadcast_of(parent, node, resolve) for parent, node in reads]
        if not calls or None in calls:
            continue
        kept = namer.fresh(f"{name}_shape")
        rt = calls[0].func.value.id
        for call in calls:
            call.func = gast.Attribute(S.name(call.func.value.id), "unbroadcast_kept", gast.Load())
            call.args[1] = S.name(kept)
        shape_only = gast.Attribute(S.name(rt), "shape_only", gast.Load())
        for push in census.pushes[tape]:
            push.args = [S.call(copy.deepcopy(shape_only), push.args)]
        for restore in census.restores[tape]:
            restore.targets = [S.name(kept, store=True)]
        # the first backward step reads the forward sweep's last value, not a restored one
        first = S.assign(kept, S.call(shape_only, [S.name(name)]))
        inserts.setdefault(start, []).append(first)
    return [new for i, s in enumerate(body) for new in (*inserts.get(i, ()), s)]


class _Census:
    """What `keep_shapes` needs of a body, found in one walk of it (walking it once per tape
    made this pass most of a first `grad` call's time): every name used, and per tape its
    pushes, its restores and the top-level index of its first pop; per saved name, its reads
    as (top-level index, parent node, Name node)."""

    def __init__(self, body: list, tapes: dict) -> None:
        self.taken: set = set()
        self.first_restore: dict = {}
        self.pushes: dict = {tape: [] for tape in tapes}
        self.restores: dict = {tape: [] for tape in tapes}
        self.reads: dict = {name: [] for name in tapes.values()}
        for i, statement in enumerate(body):
            for node in S.walk(statement):
                self._visit(i, node, tapes)

    def _visit(self, i: int, node, tapes: dict) -> None:
        cls = type(node)
        if cls is gast.Name:
            self.taken.add(node.id)
            return
        if cls is gast.Call and isinstance(node.func, gast.Attribute):
            base = node.func.value
            if type(base) is gast.Name and base.id in tapes:
                if _is_pop(node, base.id):
                    self.first_restore.setdefault(base.id, i)
                elif _is_push(node, base.id):
                    self.pushes[base.id].append(node)
        elif cls is gast.Assign and len(node.targets) == 1:
            value = node.value
            func = getattr(value, "func", None)
            if isinstance(func, gast.Attribute) and type(func.value) is gast.Name:
                if func.value.id in tapes and _is_restore(node, func.value.id):
                    self.restores[func.value.id].append(node)
        for child in gast.iter_child_nodes(node):
            if type(child) is gast.Name and child.id in self.reads:
                if type(child.ctx) is gast.Load:
                    self.reads[child.id].append((i, node, child))


def _is_restore(node, tape: str) -> bool:
    return (
        isinstance(node, gast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], gast.Name)
        and _is_pop(node.value, tape)
    )


def _tapes(body: list) -> dict:
    """{tape: name} for the lists used only as `L = []`, `L.append(N)`, `N = L.pop()`."""
    occurrences: dict = {}  # name -> count of all its Name nodes
    uses: dict = {}  # tape -> [count of recognised uses, pushed names, restored names]
    for node in S.walk(gast.Module(body=body, type_ignores=[])):
        cls = type(node)
        if cls is gast.Name:
            occurrences[node.id] = occurrences.get(node.id, 0) + 1
            continue  # (the most frequent node, and neither of the two below)
        if cls is not gast.Assign and cls is not gast.Call:
            continue
        if isinstance(node, gast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, gast.Name) and isinstance(value, gast.List) and not value.elts:
                uses.setdefault(target.id, [0, set(), set()])[0] += 1
            elif isinstance(target, gast.Name) and isinstance(value, gast.Call):
                func = value.func
                if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
                    if _is_pop(value, func.value.id):
                        entry = uses.setdefault(func.value.id, [0, set(), set()])
                        entry[0] += 1
                        entry[2].add(target.id)
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            base = node.func.value
            if isinstance(base, gast.Name) and _is_push(node, base.id):
                entry = uses.setdefault(base.id, [0, set(), set()])
                entry[0] += 1
                entry[1].add(node.args[0].id)
    found = {}
    for tape, (count, pushed, restored) in uses.items():
        if count == occurrences.get(tape) and len(pushed) == 1 and pushed == restored:
            found[tape] = next(iter(pushed))
    return found


def _is_push(node, tape: str) -> bool:
    return (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Attribute)
        and node.func.attr == "append"
        and S.is_name(node.func.value, tape)
        and len(node.args) == 1
        and isinstance(node.args[0], gast.Name)
        and not node.keywords
    )


def _is_pop(node, tape: str) -> bool:
    return (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Attribute)
        and node.func.attr == "pop"
        and S.is_name(node.func.value, tape)
        and not node.args
        and not node.keywords
    )


def _unbroadcast_of(parent, node, resolve):
    """`parent` if it is `rt.unbroadcast(g, node)` with `node` second (no batch), else None."""
    if not isinstance(parent, gast.Call) or len(parent.args) != 2 or parent.keywords:
        return None
    if parent.args[1] is not node or not isinstance(parent.func, gast.Attribute):
        return None
    if not isinstance(parent.func.value, gast.Name):
        return None
    return parent if resolve(parent.func) is runtime.unbroadcast else None
