"""Analyze: which parameters a user function may change in place (its write summary).

A caller needs to know what a call does to its arguments even when the call's result
carries no derivative: ``h(b, x)`` with ``def h(b, v): b[0] = v`` changes the caller's `b`.
`written_params(fn)` reads `fn`'s source (not normalized: a summary must be cheap, and must
exist for calls that are never differentiated) and returns, for each parameter whose object
the function may change, how: ``"changes"`` (an item or attribute assignment, a method or a
function that writes, a call srcad cannot see), or ``"augmented"`` (only ``p op= v``, which
changes an array but rebinds a number or a tuple: the caller decides from the argument).

Objects reachable from a parameter are followed through assignments that may share them
(``q = p``, ``q = p[1:]``, ``q = p.T``, ``for q in p``, containers holding them), into
nested functions, and into the functions it calls with them (their own summaries). What
srcad cannot see (an unknown callable given the object, source that cannot be read) counts
as a change: a false refusal is a missing feature, a missed change a wrong derivative.
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import inspect
import types
import weakref

import gast
import numpy as np

from .. import custom
from ..errors import SrcadError
from ..ir import syntax as S
from ..ir.resolution import KnownValue
from ..normalize import records_built
from ..normalize.static_branches import fold_static_branches
from ..parse import parse_function
from ..rules.methods import CHANGING_METHODS as _CONTAINER_MUTATORS
from ..rules.methods import METHODS
from ..rules.methods import READING_METHODS as _READING_METHODS
from ..rules.methods import STORING_METHODS as _STORING_METHODS
from ..rules.registry import Effect, lookup
from .alias_facts import view_member, view_result
from .summary_syntax import (  # noqa: F401 (bind_signature: effects imports it here)
    METADATA,
    _params,
    _root,
    _unstarred,
    bind_nested,
    bind_signature,
    flows,
    loaded_values,
    local_defs,
    scoped,
)

CHANGES, AUGMENTED = "changes", "augmented"
# Only constants are stored into it (self.nfev += 1, self.calls = 0): no value of another
# argument can reach it through the call.
CONSTANTS = "constants"
# Given to a call whose target is only known when the code runs (``fs[i](p)``, a closure
# held in a variable, ``layer.forward(p)``): may change it. Where it carries a derivative,
# generated code checks the callable that arrives (srcad.build.dispatch) or refuses the call
# (srcad.analyze.effects), so only a parameter without a derivative is taken as changed.
DISPATCHED = "dispatched"
_RANK = {None: 0, CONSTANTS: 1, DISPATCHED: 2, AUGMENTED: 3, CHANGES: 4}


def _stronger(a, b):
    return a if _RANK[a] >= _RANK[b] else b


UNKNOWN = object()  # the summary of a function srcad cannot read: every parameter may change

# What arrays, containers and strings have: a method of one of these names may be theirs.
_BUILTIN_ATTRS = frozenset(
    name for t in (np.ndarray, np.generic, list, dict, set, tuple, str, bytes) for name in dir(t)
)

_CUSTOM = (custom.custom_vjp, custom.custom_jvp, custom.checkpoint)

_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def written_params(
    fn, _active: frozenset = frozenset(), owner: type | None = None, known: tuple = ()
):
    """{parameter: CHANGES | AUGMENTED | CONSTANTS} for `fn`, or UNKNOWN when its source cannot
    be read.

    `owner`: the class of the object a method is called on, so that ``self.other(...)`` is
    read as that class's method. `known`: (parameter, KnownValue) for the functions the call
    passes, so that calls through those parameters are read as calls of them. `_active`
    holds the functions whose summary is being computed (recursion: a function calling
    itself adds nothing to its own summary)."""
    key = getattr(fn, "__func__", fn)
    # a method srcad calls on a record the code builds (srcad.normalize.records_built)
    owner = owner or getattr(key, "__srcad_owner__", None)
    try:
        cached = _cache.get(key, {}).get((owner, known))
    except TypeError:
        cached = None
    if cached is not None and cached[0] is getattr(key, "__code__", None):
        return cached[1]
    if key in _active:
        return {}
    try:
        parsed = parse_function(key, generators=True)
    except SrcadError:
        return UNKNOWN
    # A branch that cannot run (hasattr(np, "trapz") where numpy has no trapz) changes nothing.
    fold_static_branches(parsed.node, parsed.namespace, {}, [])
    summary = _Summary(
        scoped(parsed.node), parsed.namespace, _active | {key}, owner, dict(known)
    ).run()
    try:
        _cache.setdefault(key, {})[(owner, known)] = (getattr(key, "__code__", None), summary)
    except TypeError:
        pass
    return summary


_returned_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def returned_params(fn, _active: frozenset = frozenset()):
    """The parameters of the plain function `fn` whose objects (or parts of them) it may
    return, or UNKNOWN when its source cannot be read."""
    cached = _returned_cache.get(fn)
    if cached is not None and cached[0] is fn.__code__:
        return cached[1]
    if fn in _active:
        return UNKNOWN
    try:
        parsed = parse_function(fn, generators=True)
    except SrcadError:
        return UNKNOWN
    fold_static_branches(parsed.node, parsed.namespace, {}, [])
    found = _Summary(scoped(parsed.node), parsed.namespace, _active | {fn}).returned()
    _returned_cache[fn] = (fn.__code__, found)
    return found


def _returned_functions(factory) -> list | None:
    """[(FunctionDef, namespace)] of the nested functions `factory` returns, when every
    return statement returns a lambda or a nested def bound once; else None."""
    try:
        parsed = parse_function(factory)
    except SrcadError:
        return None
    node = scoped(parsed.node)
    nodes = [n for s in node.body for n in S.walk(s)]
    defs = local_defs(node, nodes)
    returns = [n for n in S.walk_no_nested(node) if isinstance(n, gast.Return)]
    out = []
    for r in returns:
        if isinstance(r.value, gast.Lambda):
            lam = r.value
            out.append(
                gast.FunctionDef("<lambda>", lam.args, [gast.Return(lam.body)], [], None, None, [])
            )
        elif isinstance(r.value, gast.Name) and r.value.id in defs:
            out.append(defs[r.value.id])
        else:
            return None
    return [(d, parsed.namespace) for d in out] if out else None


class _Summary:
    """The write summary of one parsed function.

    For a parameter, *aliases* are the names that may hold its object or part of it (the
    parameter, views, items: ``q = p[1:]``, ``q = p.T``, ``for q in p``), *holders* the names
    of containers that may hold one of those (``c = [p]``, ``c.append(p)``). Changing an
    alias changes the parameter's object; changing a holder (``c.append(v)``) does not, but
    changing an item of a holder (``c[0][1] = v``) may."""

    def __init__(self, fdef, namespace, active: frozenset, owner=None, known=None, defs=None):
        self.fdef = fdef
        self.namespace = namespace
        self.active = active
        self.owner = owner  # the class of the first parameter (a method's self), if known
        # Every statement and expression of the body, nested functions included.
        self.nodes = [n for s in self.fdef.body for n in S.walk(s)]
        self.locals = S.names_stored(self.fdef) | set(_params(self.fdef))
        for n in self.nodes:  # nested functions' own names (renamed apart by `scoped`)
            if isinstance(n, (gast.FunctionDef, gast.Lambda)):
                self.locals |= S.names_stored(n) | set(_params(n))
        stored = set().union(*(S.names_stored(s) for s in self.fdef.body))
        # parameters given a function and never rebound: calls through them are its calls
        self.known = {p: k.obj for p, k in (known or {}).items() if p not in stored}
        # nested functions (def or name = lambda) bound once: calls of them are read through
        # their own summaries; the enclosing function's ones are seen too
        self.defs = {**(defs or {}), **local_defs(self.fdef, self.nodes)}
        self._flows = None  # (name -> names its values come from, names bound to functions)

    def run(self) -> dict:
        out = {}
        for p in _params(self.fdef):
            how = self._how_changed(*self._reach(p))
            if how is not None:
                out[p] = how
        return out

    # -- what may share the parameter's object -----------------------------------------------
    def _reach(self, param: str) -> tuple[set, set]:
        aliases, holders = {param}, set()
        changed = True
        while changed:
            before = (len(aliases), len(holders))
            for targets, value in self._bindings():
                names = {t for target in targets for t in S.names_stored(target)} & self.locals
                if self._part(value, aliases, holders):
                    aliases |= names
                elif self._holds(value, aliases, holders):
                    holders |= names
            for holder, value in self._insertions():
                if self._part(value, aliases, holders) or self._holds(value, aliases, holders):
                    holders.add(holder)
            changed = (len(aliases), len(holders)) != before
        return aliases, holders

    def _bindings(self):
        for n in self.nodes:
            if isinstance(n, gast.Assign):
                for t in n.targets:
                    yield [t], n.value
            elif isinstance(n, (gast.AnnAssign, gast.NamedExpr)) and n.value is not None:
                yield [n.target], n.value
            elif isinstance(n, (gast.For, gast.comprehension)):
                # the elements of an array or of a container holding parts
                yield [n.target], gast.Subscript(n.iter, gast.Constant(0, None), gast.Load())
            elif isinstance(n, gast.withitem) and n.optional_vars is not None:
                yield [n.optional_vars], n.context_expr

    def _insertions(self):
        """(container name, value put in it): x[i] = v, x.a = v, xs.append(v)..."""
        for n in self.nodes:
            if isinstance(n, gast.Assign):
                for t in n.targets:
                    if isinstance(t, (gast.Subscript, gast.Attribute)):
                        root = _root(t)
                        if root in self.locals:
                            yield root, n.value
            elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
                root = _root(n.func.value)
                if root in self.locals and n.func.attr not in _READING_METHODS:
                    for a in n.args:
                        yield root, _unstarred(a)

    def _part(self, value, aliases: set, holders: set) -> bool:
        """Whether `value` may be the object of an alias, or a part of it."""
        if isinstance(value, gast.Name):
            return value.id in aliases
        if isinstance(value, gast.Attribute) and value.attr in METADATA:
            return False  # an array's shape, rank, size, dtype: integers and a dtype
        if isinstance(value, (gast.Subscript, gast.Attribute, gast.Starred)):
            base = value.value
            return self._part(base, aliases, holders) or self._holds(base, aliases, holders)
        if isinstance(value, gast.IfExp):
            return self._part(value.body, aliases, holders) or self._part(
                value.orelse, aliases, holders
            )
        if isinstance(value, gast.BoolOp):
            return any(self._part(v, aliases, holders) for v in value.values)
        if isinstance(value, gast.NamedExpr):
            return self._part(value.value, aliases, holders)
        if isinstance(value, gast.Call):
            return self._call_returns_part(value, aliases, holders)
        return False

    def _holds(self, value, aliases: set, holders: set) -> bool:
        """Whether `value` may be a container holding an alias."""
        if isinstance(value, gast.Name):
            return value.id in holders
        if isinstance(value, (gast.Tuple, gast.List, gast.Set)):
            return any(
                self._part(e, aliases, holders) or self._holds(e, aliases, holders)
                for e in value.elts
            )
        if isinstance(value, gast.Dict):
            return any(
                self._part(v, aliases, holders) or self._holds(v, aliases, holders)
                for v in value.values
            )
        if isinstance(value, (gast.Subscript, gast.Attribute)):
            return self._holds(value.value, aliases, holders)  # a slice of a list of them
        if isinstance(value, gast.IfExp):
            return self._holds(value.body, aliases, holders) or self._holds(
                value.orelse, aliases, holders
            )
        if isinstance(value, gast.Call):
            user = self._user_returns(value, aliases, holders)
            if user is not None:
                return user
            return self._passes(value, aliases, holders) and self._returns_any(value)
        return False

    def _passes(self, call: gast.Call, aliases: set, holders: set) -> bool:
        operands = [call.func.value] if isinstance(call.func, gast.Attribute) else []
        operands += [_unstarred(a) for a in call.args] + [k.value for k in call.keywords]
        return any(
            self._part(a, aliases, holders) or self._holds(a, aliases, holders) for a in operands
        )

    def _call_returns_part(self, call: gast.Call, aliases: set, holders: set) -> bool:
        if not self._passes(call, aliases, holders):
            return False
        func = call.func
        root = _root(func.value) if isinstance(func, gast.Attribute) else None
        if root is not None and root in self.locals and root not in self.known:
            # p.reshape(...) is a view of p; p.copy(), p.sum() are new; c.pop() an item of c
            return view_member(func.attr) or func.attr not in _READING_METHODS
        user = self._user_returns(call, aliases, holders)
        return user if user is not None else self._returns_any(call)

    def _user_returns(self, call: gast.Call, aliases: set, holders: set) -> bool | None:
        """For a call of a user function (or a nested one): whether an argument it may
        return (`returned_params`) is or holds an alias. None for other calls."""
        func = call.func
        if isinstance(func, gast.Name) and func.id in self.defs:
            fdef = self.defs[func.id]
            if fdef in self.active:
                return None
            returned = _Summary(fdef, self.namespace, self.active | {fdef}, defs=self.defs)
            bound = bind_nested(fdef, call)
            names = returned.returned()
        else:
            obj = self._value(func)
            if not isinstance(obj, types.FunctionType) or obj in self.active:
                return None
            names = returned_params(obj, self.active)
            bound = bind_signature(obj, call)
        if names is UNKNOWN or bound is None:
            return None
        return any(
            self._part(v, aliases, holders) or self._holds(v, aliases, holders)
            for p in names
            for v in bound.get(p, ())
        )

    def returned(self):
        """The parameters whose objects (or parts) the function may return: all of them
        when it returns a function or is a generator (which keep what they capture)."""
        values = [
            n.value
            for n in self.nodes
            if isinstance(n, (gast.Return, gast.Yield, gast.YieldFrom)) and n.value is not None
        ]
        if any(isinstance(n, (gast.Yield, gast.YieldFrom)) for n in self.nodes):
            return set(_params(self.fdef))
        functions = set(self.defs) | flows(self.nodes, self.locals, _READING_METHODS)[1]
        for v in values:
            for x in S.walk(v):
                if isinstance(x, gast.Lambda) or (isinstance(x, gast.Name) and x.id in functions):
                    return set(_params(self.fdef))
        out = set()
        for p in _params(self.fdef):
            aliases, holders = self._reach(p)
            if any(
                self._part(v, aliases, holders) or self._holds(v, aliases, holders) for v in values
            ):
                out.add(p)
        return out

    def _returns_any(self, call: gast.Call) -> bool:
        """Whether the callee may return (a part of) an object given to it."""
        obj = self._value(call.func)
        entry = lookup(obj) if obj is not None else None
        if entry is None:
            return True  # a user function or a callable srcad does not know
        if entry.nondiff or entry.effect is Effect.OUTSIDE:
            return False  # integers, shapes, prints
        module = getattr(obj, "__module__", "") or ""
        # numpy's views; srcad's helpers and Python's builtins (list(p), zip(p, q)...) may
        # hand back what they were given, or build containers of it
        return view_result(obj) or module.startswith("srcad") or module == "builtins"

    # -- how the reachable objects change ----------------------------------------------------
    def _how_changed(self, aliases: set, holders: set) -> str | None:
        how = None
        for n in self.nodes:
            found = self._change(n, aliases, holders)
            if found == CHANGES:
                return CHANGES
            how = _stronger(how, found)
        return how

    def _change(self, n, aliases: set, holders: set) -> str | None:
        if isinstance(n, (gast.Assign, gast.AnnAssign, gast.AugAssign, gast.Delete)):
            targets = n.targets if isinstance(n, (gast.Assign, gast.Delete)) else [n.target]
            for t in targets:
                for sub in S.walk(t):
                    if isinstance(sub, (gast.Subscript, gast.Attribute)) and isinstance(
                        sub.ctx, (gast.Store, gast.Del)
                    ):
                        if self._part(sub.value, aliases, holders):
                            constant = isinstance(getattr(n, "value", None), gast.Constant)
                            return CONSTANTS if constant else CHANGES
            if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
                if n.target.id in aliases:
                    return AUGMENTED
            return None
        if isinstance(n, gast.Call):
            return self._call_changes(n, aliases, holders)
        return None

    def _call_changes(self, call: gast.Call, aliases: set, holders: set) -> str | None:
        func = call.func
        method = self._own_method(func)
        if method is not None:
            return self._own_method_changes(method, call, aliases, holders)
        fed = self._object_method(call)
        if fed is not None:
            # rs.randn(n, d), sampler.draw(x): a user object's method changes its object
            # (and maybe what it is given) with the values it is given, and nothing else.
            # Given a value of p, it is a call srcad dispatches when the code runs where
            # that value carries a derivative (and refuses where its result does not).
            if fed & (aliases | holders):
                return DISPATCHED
            return CONSTANTS if self._part(func.value, aliases, holders) else None
        if isinstance(func, gast.Attribute) and self._part(func.value, aliases, holders):
            if func.attr not in _READING_METHODS and not self._known_reader(self._value(func)):
                if _user_method(func.attr) and _root(func.value) not in self.known:
                    return DISPATCHED  # layer.forward(x) for a layer in p: known at run time
                bound = _bound_user_method(self._value(func))
                if bound is not None:  # layer.forward(x), layer a known object: its method
                    return self._bound_method_changes(*bound, call, aliases, holders)
                return CHANGES  # p.sort(), p.append(v), p.fill(0)
        if call.args and not call.keywords and self._value(func) is builtins.map:
            # map(fn, xs): changes what fn(item of xs) changes (fn runs on xs's items)
            return self._call_changes(gast.Call(call.args[0], call.args[1:], []), aliases, holders)
        if len(call.args) == 1 and self._value(func) is builtins.sorted:
            # sorted(xs, key=k, reverse=r) makes a new list; the key runs on xs's items
            keys = [k.value for k in call.keywords if k.arg == "key"]
            if any(k.arg is None for k in call.keywords):
                return CHANGES
            if not keys:
                return None
            return self._call_changes(gast.Call(keys[0], call.args, []), aliases, holders)
        arguments = [_unstarred(a) for a in call.args] + [k.value for k in call.keywords]
        if not any(
            self._part(a, aliases, holders) or self._holds(a, aliases, holders) for a in arguments
        ):
            return None
        if any(k.arg == "out" for k in call.keywords):
            return CHANGES
        return self._given_changes(call, aliases, holders)

    def _given_changes(self, call: gast.Call, aliases: set, holders: set) -> str | None:
        """What a call given a part of a parameter (or what holds one) may change of it."""
        func = call.func
        root = _root(func.value) if isinstance(func, gast.Attribute) else None
        if root is not None and root in self.locals and root not in self.known:
            if func.attr in _READING_METHODS or func.attr in _STORING_METHODS:
                return None  # x.clip(p), xs.append(p): a method that reads or keeps p
            return DISPATCHED  # an object's own method, given p
        if isinstance(func, gast.Call):  # srcad.grad(g)(p), make(a)(p)
            made_by = self._value(func.func)
            if made_by is functools.partial and func.args:  # partial(f, a)(p): f(a, p)
                unwrapped = gast.Call(
                    func.args[0], func.args[1:] + call.args, func.keywords + call.keywords
                )
                return self._call_changes(unwrapped, aliases, holders)
            return None if getattr(made_by, "__srcad_maker__", False) else DISPATCHED
        obj = self._value(func)
        if obj is None and isinstance(func, gast.Name) and func.id in self.defs:
            return self._local_call_changes(self.defs[func.id], call, aliases, holders)
        made = self._made_by_factory(func) if obj is None else None
        if made is not None:  # _f = f(a); _f(x): the functions f returns
            how = None
            for fdef, namespace in made:
                how = _stronger(
                    how, self._local_call_changes(fdef, call, aliases, holders, namespace)
                )
            return how
        if obj is None:
            # a function held in a variable, or an item of a container (fs[i](p))
            held = _root(func) in self.locals and _root(func) not in self.known
            return DISPATCHED if held or isinstance(func, gast.Subscript) else CHANGES
        if isinstance(obj, functools.partial) or obj is functools.partial:
            # generated code calls it through srcad.build.dispatch (partial(f, p) holds p:
            # the calls through it are dispatched, and checked when they run)
            return DISPATCHED
        if getattr(obj, "__srcad_transform__", None) or getattr(obj, "__srcad_maker__", False):
            return None  # srcad.jvp, srcad.grad(f): generated code copies what it changes
        if isinstance(obj, type) and records_built.why_not(obj) is None:
            return self._record_changes(obj, call, aliases, holders)
        return self._known_callee_changes(obj, call, aliases, holders)

    def _known_callee_changes(self, obj, call: gast.Call, aliases: set, holders: set):
        """What a call of the known function `obj` changes of its arguments: its registry
        effect, or its own write summary."""
        entry = lookup(obj)
        if entry is not None:
            return CHANGES if entry.effect in (Effect.WRITES, Effect.OPAQUE) else None
        if getattr(obj, "__srcad_function__", None) is not None:
            return None  # a srcad transform: generated code that copies what it changes
        bound = _bound_user_method(obj)
        if bound is not None and not any(isinstance(a, gast.Starred) for a in call.args):
            return self._bound_method_changes(*bound, call, aliases, holders)
        inner = getattr(obj, "__func__", obj)
        inner = getattr(inner, "fn", inner) if isinstance(inner, _CUSTOM) else inner
        if callable(inner) and hasattr(inner, "__code__"):
            summary = written_params(inner, self.active)
            leading = [None] if isinstance(obj, types.MethodType) else []  # cls of a classmethod
            return self._bound_changes(inner, summary, leading, call, aliases, holders)
        return CHANGES

    def _record_changes(self, cls, call, aliases: set, holders: set):
        """A record class built (srcad.normalize.records_built): a namedtuple's or a
        dataclass's generated constructor changes nothing; a plain class's __init__ is read."""
        init = vars(cls).get("__init__")
        if issubclass(cls, tuple) or dataclasses.is_dataclass(cls) or init is None:
            return None
        summary = written_params(init, self.active)
        return self._bound_changes(init, summary, [None], call, aliases, holders)

    def _local_call_changes(self, fdef, call, aliases: set, holders: set, namespace=None):
        """A call of a nested function: what its summary changes among the arguments given
        (the changes it makes to the enclosing function's names are seen directly, its body
        being part of the enclosing one; those a factory's closure makes to the factory's
        names are in the factory's own summary, at its call)."""
        if fdef in self.active:
            return None  # recursion adds nothing
        defs = self.defs if namespace is None else None
        summary = _Summary(fdef, namespace or self.namespace, self.active | {fdef}, defs=defs)
        summary = summary.run()
        if not summary:
            return None
        bound = bind_nested(fdef, call)
        if bound is None:
            return CHANGES
        how = None
        for param, level in summary.items():
            if any(
                self._part(v, aliases, holders) or self._holds(v, aliases, holders)
                for v in bound.get(param, ())
            ):
                how = _stronger(how, level)
        return how

    def _made_by_factory(self, func) -> list | None:
        """For a local bound once to a call of a user function that returns only nested
        functions (``_f = f(a)``, ``def f(a): return lambda x: ...``): those functions, each
        with the factory's namespace. None otherwise."""
        if not isinstance(func, gast.Name) or func.id in self.known:
            return None
        values = [
            n.value
            for n in self.nodes
            if isinstance(n, gast.Assign) and func.id in S.names_stored(n)
        ]
        stores = [
            n
            for n in self.nodes
            if isinstance(n, gast.Name) and n.id == func.id and not isinstance(n.ctx, gast.Load)
        ]
        if len(values) != 1 or len(stores) != 1 or not isinstance(values[0], gast.Call):
            return None
        if not S.is_name(values[0].func) and not isinstance(values[0].func, gast.Attribute):
            return None
        factory = self._value(values[0].func)
        return _returned_functions(factory) if isinstance(factory, types.FunctionType) else None

    def _object_method(self, call: gast.Call) -> set | None:
        """For ``obj.m(args)``, obj a local value and m a name no array, list, dict, set or
        string has (a user object's method: ``rs.randn(*x.shape)``): the local names whose
        values may reach the call's arguments (through the function's bindings; an
        array's shape, rank, size or dtype carries none of its values). None for any other
        call, or when what reaches the arguments cannot be established."""
        func = call.func
        if not isinstance(func, gast.Attribute) or not isinstance(func.value, gast.Name):
            return None
        if func.value.id not in self.locals or func.value.id in self.known:
            return None
        name = func.attr
        if name.startswith("__") or name in _BUILTIN_ATTRS or name in METHODS:
            return None
        if name in _STORING_METHODS or name in _READING_METHODS:
            return None
        args = [_unstarred(a) for a in call.args] + [k.value for k in call.keywords]
        return self._feeds(args)

    def _feeds(self, exprs) -> set | None:
        """The local names whose values may flow into `exprs` (None: a local function or a
        lambda is involved, whose captured values srcad does not follow here)."""
        if self._flows is None:
            self._flows = flows(self.nodes, self.locals, _READING_METHODS)
        todo, seen = set().union(*(loaded_values(e) for e in exprs)), set()
        while todo:
            n = todo.pop()
            if n in seen or n not in self.locals:
                continue
            if n in self.defs or n in self._flows[1]:
                return None
            seen.add(n)
            todo |= self._flows[0].get(n, set())
        return seen

    def _own_method(self, func):
        """For ``self.m(...)`` in a method of a known class: the class's function m."""
        params = _params(self.fdef)
        if (
            self.owner is None
            or not params
            or not isinstance(func, gast.Attribute)
            or not S.is_name(func.value, params[0])
        ):
            return None
        method = inspect.getattr_static(self.owner, func.attr, None)
        return method if isinstance(method, types.FunctionType) else None

    def _own_method_changes(self, method, call: gast.Call, aliases: set, holders: set):
        this = _params(self.fdef)[0]
        method_self = method.__code__.co_varnames[:1]
        known = ()
        if this in self.known and method_self:  # self is a known object: so is the callee's
            known = ((method_self[0], KnownValue(self.known[this])),)
        summary = written_params(method, self.active, self.owner, known)
        return self._bound_changes(method, summary, [call.func.value], call, aliases, holders)

    def _bound_method_changes(self, receiver, function, call, aliases: set, holders: set):
        """A call of `function` with `receiver` as self (a user object's method or its
        ``__call__``, named by a global or a closure): read with self known, so that
        ``self.act(z)`` is the function the object holds. A method that changes its object
        may store a derivative there: CHANGES."""
        first = function.__code__.co_varnames[: function.__code__.co_argcount][:1]
        if not first:
            return CHANGES
        known = ((first[0], KnownValue(receiver)),)
        summary = written_params(function, self.active, type(receiver), known)
        if summary is UNKNOWN or summary.get(first[0], CONSTANTS) != CONSTANTS:
            return CHANGES
        return self._bound_changes(function, summary, [None], call, aliases, holders)

    def _bound_changes(self, function, summary, leading: list, call, aliases, holders):
        """How the call changes p, from the callee's summary: through the parameters its
        arguments bind to (`leading`: what binds before them, a method's self). A starred
        argument or a call that does not bind counts every changed parameter."""
        if summary is UNKNOWN:
            return CHANGES
        if not summary:
            return None
        given = [gast.Constant(None, None) if v is None else v for v in leading]
        bound = bind_signature(function, gast.Call(call.func, given + call.args, call.keywords))
        if bound is None:
            if set(summary.values()) == {DISPATCHED}:
                return DISPATCHED  # changes only through calls checked when they run
            return CHANGES
        how = None
        for param, effect in summary.items():
            if any(
                self._part(v, aliases, holders) or self._holds(v, aliases, holders)
                for v in bound.get(param, ())
            ):
                how = _stronger(how, effect if effect in (CONSTANTS, DISPATCHED) else CHANGES)
        return how

    def _known_reader(self, obj) -> bool:
        entry = lookup(obj) if obj is not None else None
        return entry is not None and entry.effect not in (Effect.WRITES, Effect.OPAQUE)

    def _value(self, func):
        """The object a callee expression names in the function's namespace, or None."""
        path = []
        node = func
        while isinstance(node, gast.Attribute):
            path.append(node.attr)
            node = node.value
        if isinstance(node, gast.Name) and node.id in self.known:
            value = self.known[node.id]
        elif not isinstance(node, gast.Name) or node.id in self.locals:
            return None
        else:
            value = self.namespace.lookup(node.id, None)
        for part in reversed(path):
            value = getattr(value, part, None)
        return value


def _bound_user_method(obj):
    """(object, function) for a bound method of a user object or a callable user object
    (its class's ``__call__``), else None."""
    if isinstance(obj, types.MethodType):
        receiver, function = obj.__self__, obj.__func__
        if isinstance(receiver, (type, types.ModuleType)):
            return None
    elif isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, np.ufunc)):
        return None
    else:
        receiver, function = obj, inspect.getattr_static(type(obj), "__call__", None)
    return (receiver, function) if isinstance(function, types.FunctionType) else None


def _user_method(name: str) -> bool:
    return name not in METHODS and name not in _STORING_METHODS and name not in _CONTAINER_MUTATORS
