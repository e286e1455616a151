"""Normalize, part 0: loops over a known sequence of functions or objects, unrolled.

Accepts a parsed function (before the fence), where its free names live, and the guards list
of the code being generated. A ``for v in seq:`` loop is unrolled when its body calls the
loop variable or one of its methods (``x = f(x)``, ``x = layer.forward(x)``) and `seq` is
known now:

* a list or tuple display (``for f in [relu, np.tanh]``), or a local name bound once to one
  and read only by the loop;
* a global or closure variable holding a list or tuple of at most 64 functions or objects
  (no arrays or numbers); a guard makes the generated code stale when its items change.

Each copy of the body binds the loop variable to a fresh name, ``f_1 = seq[0]`` (a display's
item itself), so that calls through it resolve to that item (see
`srcad.analyze.resolve.known_values`); after the copies the loop variable is bound to the
last item, and the loop's ``else`` runs. Loops whose body has ``break``, ``continue``, a
nested function or a lambda, and loops over anything else, are left as they are.
"""

from __future__ import annotations

import numbers

import gast
import numpy as np

from ..ir import syntax as S

_LIMIT = 64


class ItemsOf:
    """A guard's container: a list whose items (by identity) the generated code relies on."""

    __slots__ = ("seq",)

    def __init__(self, seq):
        self.seq = seq


def unroll_known_loops(fdef: gast.FunctionDef, namespace, guards: list) -> None:
    """Unroll the loops described in the module docstring, in place."""
    taken = S.all_names(fdef)
    stores = _store_counts(fdef)
    loads = _load_counts(fdef)
    locals_ = set(stores) | {a.id for a in fdef.args.args + fdef.args.posonlyargs}
    locals_ |= {a.id for a in fdef.args.kwonlyargs}
    displays = {}  # local name bound once to a display -> the display
    for s in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if (
            isinstance(s, gast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], gast.Name)
            and isinstance(s.value, (gast.List, gast.Tuple))
            and stores.get(s.targets[0].id) == 1
            and loads.get(s.targets[0].id) == 1
        ):
            displays[s.targets[0].id] = s.value

    def fresh(base: str) -> str:
        n = 1
        while f"{base}_{n}" in taken:
            n += 1
        taken.add(f"{base}_{n}")
        return f"{base}_{n}"

    def items(loop: gast.For):
        it = loop.iter
        if isinstance(it, gast.Name) and it.id in displays:
            it = displays[it.id]
        if isinstance(it, (gast.List, gast.Tuple)):
            # each item is evaluated once per copy: only names, attributes and constants
            loads = (gast.Name, gast.Attribute, gast.Constant)
            return list(it.elts) if all(isinstance(e, loads) for e in it.elts) else None
        if isinstance(it, gast.Name) and it.id not in locals_:
            seq = namespace.lookup(it.id, None)
            if isinstance(seq, (list, tuple)) and 0 < len(seq) <= _LIMIT:
                if all(_function_or_object(v) for v in seq):
                    if isinstance(seq, list):
                        guards.append((ItemsOf(seq), "__items__", tuple(seq)))
                    return [S.subscript(S.name(it.id), S.const(i)) for i in range(len(seq))]
        return None

    def rewrite(s) -> list:
        if isinstance(s, gast.For) and _unrollable(s):
            found = items(s)
            if found is not None:
                return _unrolled(s, found, fresh)
        return [s]

    fdef.body = S.rewrite_statements(fdef.body, rewrite)


def _unrollable(loop: gast.For) -> bool:
    if not isinstance(loop.target, gast.Name):
        return False
    var = loop.target.id
    nodes = [n for s in loop.body for n in S.walk(s)]
    if any(
        isinstance(n, (gast.Break, gast.Continue, gast.FunctionDef, gast.Lambda)) for n in nodes
    ):
        return False
    for n in nodes:
        if isinstance(n, gast.Call):
            func = n.func.value if isinstance(n.func, gast.Attribute) else n.func
            if isinstance(func, gast.Name) and func.id == var:
                return True
    return False


def _unrolled(loop: gast.For, items: list, fresh) -> list:
    var = loop.target.id
    out = []
    name = var
    for item in items:
        name = fresh(var)
        out.append(_located(S.assign(name, item), loop))
        for s in loop.body:
            copy = S.clone(s)
            for n in S.walk(copy):
                if isinstance(n, gast.Name) and n.id == var:
                    n.id = name
            out.append(copy)
    out.append(_located(S.assign(var, S.name(name)), loop))
    out.extend(loop.orelse)
    return out


def _located(s, where):
    for n in S.walk(s):
        if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
            gast.copy_location(n, where)
    return s


def _function_or_object(value) -> bool:
    if isinstance(value, (np.ndarray, np.generic, numbers.Number, str, bytes, list, tuple, dict)):
        return False
    return value is not None


def _store_counts(fdef) -> dict:
    out: dict = {}
    for n in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            out[n.id] = out.get(n.id, 0) + 1
    return out


def _load_counts(fdef) -> dict:
    out: dict = {}
    for n in S.walk(gast.Module(body=fdef.body, type_ignores=[])):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            out[n.id] = out.get(n.id, 0) + 1
    return out
