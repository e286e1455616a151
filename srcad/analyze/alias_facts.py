"""Analyze, part 4a: the facts about objects that the alias check weighs.

One walk over a normalized function records, for every name, the values bound to it
(`Definition`), the places another name or a container gets its object (escapes), the
in-place changes of its object (`Change`: item assignments, ``x op= v`` on an array, ``l[i]
op= v`` on an array item of a container, and the list methods srcad models), the views of it
other names hold (also through containers holding views), and where it is read; each with its
position, the loops and the statement blocks around it. `srcad.analyze.aliasing` decides from
these facts which changes are safe. Nothing is changed in the tree.
"""

from __future__ import annotations

import dataclasses

import gast
import numpy as np

from ..ir import syntax as S
from ..ir.notes import InPlace, notes
from ..ir.resolution import Resolution
from ..rules.methods import METHODS
from ..rules.registry import lookup, method_entry
from .fresh_returns import returns_fresh

# What a call's result is (a new object, or maybe a view of an argument) is its registry
# entry's `fresh` and `view` (numpy functions, ndarray methods and attributes).


def fresh_result(obj) -> bool:
    """Whether a call of `obj` returns a new object, never a view of an argument."""
    entry = lookup(obj) if obj is not None else None
    return entry is not None and entry.fresh


def view_result(obj) -> bool:
    """Whether a call of `obj` may return a view of an argument (or the argument itself)."""
    entry = lookup(obj) if obj is not None else None
    return entry is not None and entry.view


def view_member(name: str) -> bool:
    """Whether the array method or attribute `name` may be a view of the array (x.T,
    x.reshape(...))."""
    entry = method_entry(np.ndarray, name)
    return entry is not None and entry.view


@dataclasses.dataclass(frozen=True)
class Change:
    """One in-place change of the object `obj` names."""

    stmt: gast.stmt
    obj: str  # the name (in normalized code) whose object changes
    position: int  # statement counter: the order statements run in, loops aside
    loops: frozenset  # the loops around it
    blocks: tuple  # the statement lists around it, outermost first
    augmented: InPlace | None = None  # for `x op= v`
    method: str | None = None  # for a list method srcad models (l.append(v)...)
    call: str | None = None  # for a user function handed the object (srcad.analyze.owned)


@dataclasses.dataclass
class Facts:
    """What `collect` learns from one walk over the function."""

    definitions: dict = dataclasses.field(default_factory=dict)  # name -> [Definition]
    # (name, position, loops, tape): tape is the list `name` is appended to, or None
    escapes: list = dataclasses.field(default_factory=list)
    changes: list = dataclasses.field(default_factory=list)  # [Change]
    views: dict = dataclasses.field(default_factory=dict)  # view name -> {base names}
    reads: dict = dataclasses.field(default_factory=dict)  # name -> [(position, loops)]
    # list name -> [TapeUse]: `T.append(y)`, `y = T.pop()` and `T.pop()` (see `_tapes`)
    tape_uses: dict = dataclasses.field(default_factory=dict)
    # id(statement) -> (position, loops, blocks), for changes made at a call
    at: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class TapeUse:
    """`T.append(owner)` (rebound: `owner` is bound again right after), `owner = T.pop()`,
    or `T.pop()` (owner None)."""

    position: int
    owner: str | None
    append: bool
    rebound: bool = False


@dataclasses.dataclass(frozen=True)
class Definition:
    value: object  # the right-hand side; None when unpacked from a sequence
    position: int
    loops: frozenset
    blocks: tuple
    augmented: bool = False  # `x op= v`: the same object, changed (or a new immutable one)


def _fresh_value(value, resolution: Resolution) -> bool:
    """Whether evaluating `value` certainly makes a new object (never a view or an alias)."""
    if isinstance(
        value, (gast.BinOp, gast.UnaryOp, gast.List, gast.Dict, gast.Compare, gast.Constant)
    ):
        return True
    if isinstance(value, gast.Call):
        target = resolution.calls.get(value)
        if target is None:
            return False
        if target.kind == "method":
            # x.copy(), x.sum(), x.clip(...) make new objects; x.reshape(...) and the other
            # methods numpy answers with a view of x do not.
            if target.method.name in ("copy", "astype"):
                return _copies(value)  # x.astype(t, copy=False) may be x itself
            if target.method.name in ("pop", "get"):
                return False  # an item of a container, which may have other names
            primitive = target.method.primitive
            return (
                not view_member(target.method.name)
                and primitive is not None
                and not view_result(primitive)
            )

        fresh = getattr(target.obj, "__srcad_fresh_result__", None)
        if fresh is not None:  # srcad's code of a user function (srcad.build.driver)
            return fresh
        if target.kind == "function":  # a user function: fresh if all its returns are
            # (or are the copies it makes of the arrays handed over: srcad.analyze.owned)
            return returns_fresh(target.obj, fresh_result, resolution.owned.get(value, ()))
        if fresh_result(target.obj):
            return _copies(value)  # np.array(x, copy=False) may be x itself
        if isinstance(target.obj, np.ufunc) and not any(k.arg == "out" for k in value.keywords):
            return True
        rule = target.rule
        if rule is not None and rule.broadcast:  # elementwise functions
            return True
        # Other numpy functions with rules make new arrays, except those that return views.
        module = getattr(target.obj, "__module__", None) or ""
        return target.kind == "rule" and module.startswith("numpy") and not view_result(target.obj)
    return False


def _copies(call: gast.Call) -> bool:
    """Whether a call that copies by default is not told otherwise (``copy=False``)."""
    return all(
        isinstance(k.value, gast.Constant) and k.value.value is True
        for k in call.keywords
        if k.arg == "copy"
    )


# List methods srcad models (srcad.transform.containers): each changes the list it is called on.
LIST_MUTATIONS = frozenset(name for name, method in METHODS.items() if method.mutates)


def collect(fdef: gast.FunctionDef, ndims: dict | None = None, kinds: dict | None = None) -> Facts:
    """Definitions, escapes (another name or a container gets the object) and in-place
    changes of every name, each with its position and the loops and blocks around it."""
    args = fdef.args
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    params |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
    collector = _Collector(ndims or {}, kinds or {}, S.names_stored(fdef) | params)
    collector.visit(fdef.body, frozenset(), ())
    return collector.facts


class _Collector:
    def __init__(self, ndims: dict, kinds: dict, local_names: set):
        self.facts = Facts()
        self.position = 0
        self.ndims, self.kinds = ndims, kinds
        self.local_names = local_names  # a method called on anything else is no list's

    # -- recording -------------------------------------------------------------------------
    def define(self, name, value, loops, blocks, augmented=False):
        d = Definition(value, self.position, loops, blocks, augmented)
        self.facts.definitions.setdefault(name, []).append(d)

    def escape(self, name, loops, tape=None, into=None):
        self.facts.escapes.append((name, self.position, loops, tape))
        if into is not None and name in self.facts.views:
            # a container holding a view sees what changes the view's base
            self.facts.views.setdefault(into, set()).update(self.facts.views[name])

    def tape_use(self, tape, owner, append, rebound=False):
        use = TapeUse(self.position, owner, append, rebound)
        self.facts.tape_uses.setdefault(tape, []).append(use)

    def change(self, stmt, obj, loops, blocks, augmented=None, method=None):
        self.facts.changes.append(
            Change(stmt, obj, self.position, loops, blocks, augmented, method)
        )

    def read(self, node, loops):
        for name in S.names_loaded(node):
            self.facts.reads.setdefault(name, []).append((self.position, loops))

    # -- the walk --------------------------------------------------------------------------
    def visit(self, stmts, loops, blocks):
        blocks = blocks + (id(stmts),)
        for i, s in enumerate(stmts):
            self.position += 1
            self.facts.at[id(s)] = (self.position, loops, blocks)
            if isinstance(s, (gast.For, gast.While, gast.If)):
                self.read(s.iter if isinstance(s, gast.For) else s.test, loops)
            else:
                self.read(s, loops)
            if isinstance(s, gast.Assign):
                self.assign(s, loops, blocks)
            value = getattr(s, "value", None)
            if isinstance(value, gast.Call) and not isinstance(s, gast.Return):
                self.call(s, value, stmts, i, loops, blocks)
            if isinstance(s, (gast.For, gast.While)):
                self.visit(s.body, loops | {s}, blocks)
            elif isinstance(s, gast.If):
                self.visit(s.body, loops, blocks)
                self.visit(s.orelse, loops, blocks)

    def assign(self, s: gast.Assign, loops, blocks):
        target, value = s.targets[0], s.value
        augmented = notes(s).inplace
        if augmented is not None and augmented.container is not None:
            if self.kinds.get(augmented.container) == "array":
                augmented = None  # y[i] += v on an array: the item assignment says it all
        if augmented is not None and isinstance(target, gast.Name):
            # `t = x + v` (then `x = t` in loops): x keeps its object. Record the change
            # once, at the operation; the copy into x is no escape.
            self.define(target.id, value, loops, blocks, augmented=True)
            if isinstance(value, gast.BinOp):
                self.change(s, augmented.read, loops, blocks, augmented)
            return
        if isinstance(target, gast.Name):
            self.bind(target.id, value, loops, blocks)
        elif isinstance(target, (gast.Tuple, gast.List)):
            # each element of a call's result is as new as the call's (qr, eigh...)
            if isinstance(value, gast.Name):  # normalization put the call first
                earlier = self.facts.definitions.get(value.id, [])
                value = earlier[-1].value if len(earlier) == 1 else None
            value = value if isinstance(value, gast.Call) else None
            for e in target.elts:
                self.define(e.id, value, loops, blocks)
        elif isinstance(target, gast.Subscript):
            self.change(s, target.value.id, loops, blocks)
            if isinstance(s.value, gast.Name):
                # an array copies what is assigned into it (``p[0, :] = p[1, :]``); a list or
                # a dict keeps the object, and so sees what changes it if it is a view
                base = target.value.id
                array = self.kinds.get(base) == "array" or (
                    self.kinds.get(base) is None and (self.ndims.get(base) or 0) >= 1
                )
                self.escape(s.value.id, loops, into=None if array else base)
        if isinstance(s.value, (gast.Tuple, gast.List, gast.Dict)):
            holder = target.id if isinstance(target, gast.Name) else None
            for e in S.walk(s.value):
                if isinstance(e, gast.Name):
                    self.escape(e.id, loops, into=holder)

    def bind(self, name: str, value, loops, blocks):
        self.define(name, value, loops, blocks)
        tape = _method_of(value, "pop")
        if tape is not None and not value.args:
            self.tape_use(tape, name, append=False)
        if isinstance(value, gast.Name):
            self.escape(value.id, loops)
        base = _view_base(value, self.ndims, self.kinds)
        if base is not None:
            # A view of a view sees its base's base too.
            bases = {base} | self.facts.views.get(base, set())
            self.facts.views.setdefault(name, set()).update(bases)

    def call(self, s, call: gast.Call, stmts, i, loops, blocks):
        func = call.func
        if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)):
            return
        receiver, method = func.value.id, func.attr
        if method in LIST_MUTATIONS and receiver in self.local_names:
            self.change(s, receiver, loops, blocks, method=method)
        tape = _method_of(call, "append")
        if tape is not None and _one_name_argument(call) and call.args[0].id != tape:
            owner = call.args[0].id
            self.tape_use(tape, owner, True, _rebound_next(stmts, i, owner))
            self.escape(owner, loops, tape, into=tape)
        elif method in ("append", "insert", "extend"):
            for a in call.args:
                if isinstance(a, gast.Name):
                    self.escape(a.id, loops, into=receiver)
        elif isinstance(s, gast.Expr) and _method_of(call, "pop") is not None and not call.args:
            self.tape_use(receiver, None, append=False)


def _method_of(value, method: str) -> str | None:
    """T for a call ``T.method(...)`` on a name, else None."""
    if (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Attribute)
        and value.func.attr == method
        and isinstance(value.func.value, gast.Name)
        and not value.keywords
    ):
        return value.func.value.id
    return None


def _one_name_argument(call: gast.Call) -> bool:
    return len(call.args) == 1 and isinstance(call.args[0], gast.Name) and not call.keywords


def _rebound_next(stmts: list, i: int, owner: str) -> bool:
    """Whether `owner` is bound again after ``stmts[i]`` (an append of it) before anything can
    change its object: only simple statements that change nothing through `owner` come
    between, so that the binding always runs next (no branch, loop, break or continue)."""
    for s in stmts[i + 1 :]:
        augmented = notes(s).inplace
        if augmented is not None and owner in (augmented.read, augmented.user):
            return False  # `owner op= v` may change the object in place
        if isinstance(s, gast.Expr):
            continue
        if not isinstance(s, gast.Assign):
            return False
        target = s.targets[0]
        if isinstance(target, gast.Name) and target.id == owner:
            return True
        if isinstance(target, (gast.Tuple, gast.List)) and any(
            isinstance(e, gast.Name) and e.id == owner for e in target.elts
        ):
            return True
        if isinstance(target, gast.Subscript) and S.is_name(target.value, owner):
            return False
    return False


def _is_pop(value) -> bool:
    return _method_of(value, "pop") is not None


def _view_base(value, ndims: dict, kinds: dict) -> str | None:
    """The name `value` may be a view of: y[...], y.T, y.reshape(...), np.reshape(y, ...)."""
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        base = value.value.id
        if kinds.get(base) in ("list", "tuple", "dict") or _copying_index(
            value.slice, ndims.get(base), ndims
        ):
            return None  # an element of a container, a number, or a fancy-indexed copy
        return base
    if (
        isinstance(value, gast.Attribute)
        and isinstance(value.value, gast.Name)
        and view_member(value.attr)
    ):
        return value.value.id
    if isinstance(value, gast.Call):
        func = value.func
        if (
            isinstance(func, gast.Attribute)
            and isinstance(func.value, gast.Name)
            and view_member(func.attr)
        ):
            return func.value.id
        if (
            isinstance(func, gast.Attribute)
            and view_result(getattr(np, func.attr, None))
            and value.args
            and isinstance(value.args[0], gast.Name)
        ):
            return value.args[0].id
    return None


def _copying_index(index, ndim: int | None, ndims: dict) -> bool:
    """Whether indexing an array of `ndim` dimensions with `index` certainly copies: integers
    for every axis (a number comes out), or an index array (numpy copies)."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    integers = 0
    for part in parts:
        if isinstance(part, gast.Constant) and type(part.value) is int:
            integers += 1
        elif isinstance(part, gast.Name) and ndims.get(part.id) == 0:
            integers += 1
        elif isinstance(part, gast.Name) and (ndims.get(part.id) or 0) >= 1:
            return True  # an index array (integers or a mask)
        elif isinstance(part, gast.List):
            return True  # x[[0, 2]]
        else:
            return False  # a slice, None, ..., or a name of unknown rank: maybe a view
    return ndim is not None and integers == ndim
