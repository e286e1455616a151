"""Analyze: every call's effect is known, or the call is refused where it touches a derivative.

Accepts a normalized function with its resolution, activity, kinds and ranks. srcad
transforms only what it knows: for every call it finds what the call does besides returning
a value, from the registry (`srcad.rules.registry`: pure, writes its arguments, random draw,
outside the program, opaque), from the methods of the receiver's type, or from a user
function's write summary (`srcad.analyze.summaries`). Then:

* a call srcad cannot classify (an unknown function, a method it has no entry for, a
  function held in a variable, a user object's own method) with an argument or receiver
  whose value may depend on a differentiated input is refused, whether or not its result is
  used: it might change that value;
* a call that changes an argument in place in a way srcad does not model (``np.copyto``,
  ``out=``, ``x.sort()``, ``d.update(...)``, a helper that assigns into its argument) is
  refused where any of its operands may carry a derivative; in reverse mode also where the
  object it changes was read earlier by a statement whose adjoint needs the old value (the
  backward sweep would read the changed one);
* a call to code srcad cannot see (``np.vectorize``, ``np.apply_along_axis``) is refused
  where an operand may carry a derivative.

The list methods srcad models (``append``, ``extend``, ``insert``, ``pop`` on lists) and item
assignment are left to `srcad.analyze.aliasing`. Method calls on objects of user classes are
retargeted in the resolution as unknown (they are not the ndarray methods of the same name).
Returns nothing; raises `UnsupportedOperationError` at the first refused call.
"""

from __future__ import annotations

import dataclasses
import inspect
import types

import gast
import numpy as np

from .. import runtime
from ..errors import UnsupportedOperationError
from ..fence import statement_location
from ..ir import syntax as S
from ..ir.resolution import KnownValue, Resolution, Target
from ..rules.methods import DRAW_METHODS, METHODS
from ..rules.registry import Effect, lookup, primitive_params
from .activity import Activity
from .calls import NONDIFF_BINOPS, bind_function
from .resolve import is_function
from .summaries import (
    AUGMENTED,
    CONSTANTS,
    DISPATCHED,
    UNKNOWN,
    bind_signature,
    returned_params,
    written_params,
)

_TYPES = {"array": (np.ndarray,), "list": (list,), "dict": (dict,), "tuple": (tuple,)}
_ANY = (np.ndarray, list, dict)


@dataclasses.dataclass(frozen=True)
class Site:
    """One call, where it runs: its statement, position and the loops around it."""

    stmt: gast.stmt
    call: gast.Call
    position: int
    loops: frozenset


@dataclasses.dataclass(frozen=True)
class Change:
    """A change the call makes that srcad does not model: the name whose object changes."""

    name: str
    why: str  # how the call changes it, for messages
    hint: str


def check(
    fdef: gast.FunctionDef,
    resolution: Resolution,
    activity: Activity,
    kinds: dict,
    ndims: dict,
    filename: str,
    reverse: bool,
    trusted: bool = False,
) -> None:
    """Raise at the first call srcad cannot differentiate soundly (see the module docstring).

    `reverse`: the code is for reverse mode (which reads values back). `trusted`: the code is
    srcad's own generated code (its lists are tapes, used only as stacks)."""
    checker = _Checker(fdef, resolution, activity, kinds, ndims, filename, trusted)
    sites, reads = _walk(fdef, activity)
    changes = []
    for site in sites:
        for change in checker.site(site):
            changes.append((site, change))
    if reverse and changes:
        _refuse_stale_reads(changes, reads, fdef, resolution, checker)
    _refuse_container_operators(fdef, kinds, activity, filename)


class _Checker:
    def __init__(self, fdef, resolution, activity, kinds, ndims, filename, trusted):
        self.fdef, self.resolution, self.activity = fdef, resolution, activity
        self.kinds, self.ndims, self.filename, self.trusted = kinds, ndims, filename, trusted
        args = fdef.args
        params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        params |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
        self.locals = S.names_stored(fdef) | params

    def where(self, site: Site):
        return statement_location(site.call, self.fdef, self.filename, self.fdef.name)

    def varied(self, names) -> list[str]:
        return sorted(n for n in names if n in self.activity.varied)

    def site(self, site: Site) -> list[Change]:
        """The unmodelled changes of one call (raising if its operands carry derivatives)."""
        call = site.call
        target = self.resolution.calls.get(call)
        if target is None or runtime_modelled(call, target):
            return []
        receiver = _receiver(call)
        if receiver not in self.locals:
            receiver = None  # np.sum(x), module.f(x): not a method of a local value
        if receiver is not None and (
            self.kinds.get(receiver) == "object" or _draw_of_unknown(call, target, self.kinds)
        ):
            target = Target("unknown", None, None, target.label)
            self.resolution.calls[call] = target  # a user object's method, not ndarray's
        operands = _operands(call, receiver, target)
        if target.kind == "function":
            return self._user_function(site, target, operands)
        if target.kind == "local":
            return self._unknown(site, target, operands, "a function held in a variable")
        if target.kind == "unknown" and receiver is not None:
            return self._method(site, target, receiver, operands)
        if target.kind == "unknown":
            return self._unknown(site, target, operands, "a function srcad has no entry for")
        if target.kind == "method":
            return self._method(site, target, receiver, operands)
        if target.kind == "rule":
            return self._entry(site, target, target.rule, operands)
        return []  # custom_vjp, custom_jvp, checkpoint: the user's own derivative

    # -- the kinds of calls --------------------------------------------------------------------
    def _entry(self, site: Site, target: Target, entry, operands: set) -> list[Change]:
        written = _out_arguments(site.call, target)
        why = f"{target.label}(..., out=...) writes its result into an existing array"
        hint = "assign the result to a new name instead of passing out="
        if entry.effect is Effect.WRITES:
            written += _bound_arguments(site.call, target, entry.writes)
            why = f"{target.label}(...) changes its argument in place"
            func = site.call.func
            receiver = S.to_source(func.value) if isinstance(func, gast.Attribute) else "x"
            hint = entry.hint_for(receiver) or (
                "build a new array instead (x = x.copy(), then x[...] = ...)"
            )
        if entry.effect is Effect.OPAQUE and self.varied(operands):
            self._refuse(
                site,
                f"srcad cannot differentiate {target.label}(...): it runs code srcad cannot "
                f"see, given {self._describe(operands)}",
                entry.hint or "write the computation out with numpy functions",
            )
        return self._changes(site, written, operands, why, hint)

    def _method(self, site: Site, target: Target, receiver: str, operands: set) -> list[Change]:
        name = site.call.func.attr
        kind = self.kinds.get(receiver)
        if name in METHODS and METHODS[name].mutates and self._modelled_list(kind, name):
            if name == "extend" and not self.trusted:
                self._extend_with_sequence(site)
            return []  # srcad.analyze.aliasing checks that no other name sees the list
        known, changes = _method_effect(kind, name)
        if target.kind == "method" and target.method is not None and not changes:
            # an array method srcad maps to a numpy function (x.sum(), x.T...), which may
            # still write its result into an array given as out
            written = _out_arguments(site.call, target)
            why = f"{receiver}.{name}(..., out=...) writes its result into an existing array"
            hint = "assign the result to a new name instead of passing out="
            return self._changes(site, written, operands, why, hint)
        if not known and target.kind == "unknown":
            return self._unknown(site, target, operands, f"the method .{name}()")
        if not changes:
            return []
        why = f"{receiver}.{name}(...) changes {receiver!r} in place"
        return self._changes(site, [S.name(receiver)], operands, why, _method_hint(receiver, name))

    def _extend_with_sequence(self, site: Site) -> None:
        """l.extend(v) is modelled for v a list or tuple; an array's rows (or any other
        iterable) with derivatives would be taken as one item."""
        args = site.call.args
        if len(args) != 1 or not isinstance(args[0], gast.Name):
            return
        if self.kinds.get(args[0].id) in ("list", "tuple") or not self.varied([args[0].id]):
            return
        self._refuse(
            site,
            "extending a list with an array (or another iterable that is not a list or "
            "tuple) that carries a derivative: srcad models extend by a list or tuple only",
            "extend with a list of its items ([v[0], v[1], ...]) or append them in a loop",
        )

    def _modelled_list(self, kind, name: str) -> bool:
        if kind == "list":
            return True
        # A list built by code srcad does not see (kind unknown): append/extend/insert exist
        # on lists only; pop also on dicts, so only srcad's own tapes pass unknown.
        return kind is None and (name != "pop" or self.trusted)

    def _user_function(self, site: Site, target: Target, operands: set) -> list[Change]:
        fn = target.obj
        inner = getattr(fn, "__func__", fn)
        call = _as_called(fn, site.call)
        if self.trusted:
            return []  # srcad's drivers hand a callee residuals made for it alone
        if getattr(fn, "__srcad_function__", None) is not None:
            return []  # a srcad transform: generated code, which changes no argument
        owner = type(fn.__self__) if isinstance(fn, types.MethodType) else None
        bound = bind_function(call, inner)
        known = self._functions_passed(bound, inner) if bound is not None else ()
        summary = (
            written_params(inner, owner=owner, known=known)
            if hasattr(inner, "__code__")
            else UNKNOWN
        )
        if not summary:
            return []
        arguments = bound.arguments if bound is not None else _leading(call, inner, summary)
        if summary is UNKNOWN or arguments is None:
            written = [a for a in call.args if isinstance(a, gast.Name)]
            counters: list = []
            dispatched: list = []
        else:
            written, counters, dispatched = self._written(site, summary, arguments)
        name = getattr(inner, "__name__", target.label)
        return self._user_changes(site, name, operands, written, counters, dispatched)

    def _written(self, site: Site, summary: dict, arguments: dict) -> tuple:
        """The call's operands its callee's write summary says it changes: (written, the
        objects it stores only constants into (self.nfev += 1), the names changed only by
        calls known at run time)."""
        written: list = []
        counters: list = []
        dispatched: list = []
        owned = self.resolution.owned.get(site.call, ())  # copied by the callee
        for param, how in summary.items():
            if param in owned:
                continue
            atoms = _atoms(arguments.get(param))
            if how == CONSTANTS:
                counters += [a.id for a in atoms if isinstance(a, gast.Name)]
                continue
            if how == DISPATCHED and S.names_stored(site.stmt) & self.activity.active:
                # changed only by calls known at run time, which the callee's generated
                # code checks where they are given a derivative (summaries.DISPATCHED);
                # a call whose result is not differentiated runs the user's code instead
                names = [a.id for a in atoms if isinstance(a, gast.Name)]
                dispatched += [n for n in names if not self.varied([n])]
                continue
            written += [a for a in atoms if not (how == AUGMENTED and self._immutable(a))]
        return written, counters, dispatched

    def _user_changes(
        self, site: Site, name: str, operands: set, written, counters, dispatched
    ) -> list[Change]:
        """The changes a call of the user's function `name` makes, refused where they reach
        a derivative."""
        moved = [
            Change(
                n,
                f"{name}() may change {n!r} (it calls a function or method srcad only knows "
                "when the code runs)",
                "keep what such a call may change out of the values the backward sweep reads",
            )
            for n in dispatched
        ]
        if not written and not counters:
            return moved
        if not written:
            # no value of the call's operands can reach them: refused only if they carry
            # derivatives themselves; reverse mode still checks reads from before the change
            why = f"{name}() changes {', '.join(map(repr, counters))} in place"
            hint = f"keep the state {name} changes out of the differentiated values"
            if self.varied(counters):
                self._refuse(site, f"srcad cannot differentiate through this call: {why}", hint)
            return moved + [Change(n, why, hint) for n in counters]
        why = f"{name}() changes its argument{'s' if len(written) > 1 else ''} in place"
        hint = (
            f"make {name} return the new value instead of changing its argument "
            "(b = f(b, v)), or copy the argument inside it first"
        )
        return moved + self._changes(site, written, operands, why, hint)

    def _functions_passed(self, bound, fn) -> tuple:
        """(param, KnownValue) for the functions a call passes (or leaves as defaults), which
        the callee's write summary reads as the functions they are."""
        out = []
        for p, a in bound.arguments.items():
            if not isinstance(a, gast.AST):
                continue  # the tuple *args gathers, the dict **kwargs does
            kind = self.kinds.get(a.id) if isinstance(a, gast.Name) else None
            if isinstance(kind, KnownValue):
                out.append((p, kind))
            elif a in self.resolution.functions:
                out.append((p, KnownValue(self.resolution.functions[a])))
            elif isinstance(a, gast.Attribute) and callable(self.resolution.constants.get(a)):
                out.append((p, KnownValue(self.resolution.constants[a])))
        for p in inspect.signature(fn, follow_wrapped=False).parameters.values():
            if p.name not in bound.arguments and is_function(p.default):
                out.append((p.name, KnownValue(p.default)))
        return tuple(out)

    def _unknown(self, site: Site, target: Target, operands: set, what: str) -> list[Change]:
        if S.names_stored(site.stmt) & self.activity.active:
            return []  # its result is differentiated: the transform reports the missing rule
        varied = self.varied(operands)
        if varied:
            self._refuse(
                site,
                f"srcad cannot differentiate a call to {target.label} ({what}) given "
                f"{self._describe(operands)}: srcad does not know what it does, and it "
                "might change that value",
                "call functions srcad knows (numpy's, or yours defined with def), register "
                "a rule with srcad.vjp_rule / srcad.jvp_rule, or wrap the value in "
                "srcad.stop_gradient if no derivative should flow through it",
            )
        return []

    # -- shared ------------------------------------------------------------------------------
    def _changes(self, site, written, operands, why: str, hint: str) -> list[Change]:
        names = [a.id for a in written if isinstance(a, gast.Name)]
        if not names and not written:
            return []
        if self.varied(operands) or self.varied(names):
            self._refuse(
                site,
                f"srcad cannot differentiate through this call: {why}, and "
                f"{self._describe(set(names) | operands)}",
                hint,
            )
        return [Change(n, why, hint) for n in names]

    def _describe(self, names) -> str:
        varied = self.varied(names)
        if not varied:
            return "values that carry no derivative"
        return (
            f"{varied[0]!r} carries a derivative"
            if len(varied) == 1
            else f"{', '.join(map(repr, varied))} carry derivatives"
        )

    def _immutable(self, atom) -> bool:
        if not isinstance(atom, gast.Name):
            return True
        return self.ndims.get(atom.id) == 0 or self.kinds.get(atom.id) == "tuple"

    def _refuse(self, site: Site, message: str, hint: str):
        raise UnsupportedOperationError(message, self.where(site), hint=hint)


def runtime_modelled(call: gast.Call, target: Target) -> bool:
    """srcad's own restore of an item (generated reverse code), modelled as item assignment."""
    return target.obj is runtime.restore_item


# ----------------------------------------------------------------------------- the calls' parts


def _receiver(call: gast.Call) -> str | None:
    func = call.func
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
        return func.value.id
    return None


def _draw_of_unknown(call: gast.Call, target: Target, kinds: dict) -> bool:
    """``obj.normal(...)`` on a local not known to be a Generator or RandomState: not the
    random draw whose rule the method table has (it may be a user object's method)."""
    return (
        target.kind == "method"
        and target.method is DRAW_METHODS.get(call.func.attr)
        and kinds.get(call.func.value.id) != "generator"
    )


def _operands(call: gast.Call, receiver: str | None, target: Target) -> set[str]:
    names = set()
    for a in [*call.args, *(k.value for k in call.keywords)]:
        names |= S.names_loaded(a)
    if receiver is not None and target.kind in ("method", "unknown", "local"):
        names.add(receiver)
    if target.kind == "local":
        names |= S.names_loaded(call.func)
    return names


def _as_called(fn, call: gast.Call) -> gast.Call:
    """The call as the function receives it: a bound method's object is its first argument,
    a callable object's call obj(a) is __call__(obj, a)."""
    if isinstance(fn, types.MethodType) and isinstance(call.func, gast.Attribute):
        return gast.Call(func=call.func, args=[call.func.value, *call.args], keywords=call.keywords)
    if isinstance(fn, types.MethodType) and fn.__func__.__name__ == "__call__":
        return gast.Call(func=call.func, args=[call.func, *call.args], keywords=call.keywords)
    return call


def _leading(call: gast.Call, fn, summary) -> dict | None:
    """For a call with starred arguments (``method(self_, x, *args)``): its atoms before the
    first starred one, by parameter, when the parameters `summary` names are all among
    them (the starred values go to later parameters); else None."""
    if summary is UNKNOWN:
        return None
    try:
        params = list(inspect.signature(fn, follow_wrapped=False).parameters.values())
    except (TypeError, ValueError):
        return None
    out = {}
    for p, a in zip(params, call.args):
        if isinstance(a, gast.Starred) or p.kind not in (
            p.POSITIONAL_ONLY,
            p.POSITIONAL_OR_KEYWORD,
        ):
            break
        out[p.name] = a
    return out if set(summary) <= set(out) else None


def _atoms(value) -> list:
    if value is None:
        return []
    if isinstance(value, gast.AST):
        return [value]
    values = value.values() if isinstance(value, dict) else value
    return [v for v in values if isinstance(v, gast.AST)]


def _positional(call: gast.Call, target: Target) -> list:
    """The call's positional atoms as the primitive sees them: a method's object first,
    also for a method of a global object whose entry is its class's (``W.sort()`` uses
    `np.ndarray.sort`'s entry, ``np.add.at`` `np.ufunc.at`'s)."""
    if isinstance(call.func, gast.Attribute) and (target.kind == "method" or _class_entry(target)):
        return [call.func.value, *call.args]
    return list(call.args)


def _class_entry(target: Target) -> bool:
    owner = getattr(target.obj, "__self__", None)
    return (
        target.rule is not None
        and target.rule.primitive is not target.obj
        and owner is not None
        and not isinstance(owner, (types.ModuleType, type))
    )


def _out_arguments(call: gast.Call, target: Target) -> list:
    """The arrays a numpy call writes its result into: `out=` or its positional place."""
    out = [
        k.value
        for k in call.keywords
        if k.arg == "out" and not (isinstance(k.value, gast.Constant) and k.value.value is None)
    ]
    obj = target.obj
    module = getattr(obj, "__module__", None) or ""
    if not (isinstance(obj, np.ufunc) or module.split(".")[0] in ("numpy", "scipy")):
        return []  # only numpy's convention: srcad's helpers have parameters named out
    args = _positional(call, target)
    if isinstance(obj, np.ufunc):
        return out + args[obj.nin :]
    params = primitive_params(obj) if obj is not None else None
    if params:
        names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if "out" in names and len(args) > names.index("out"):
            value = args[names.index("out")]
            if not (isinstance(value, gast.Constant) and value.value is None):
                out.append(value)
    return out


def _bound_arguments(call: gast.Call, target: Target, params: tuple) -> list:
    """The atoms a call passes for `params` (names, or positions)."""
    args = _positional(call, target)
    signature = primitive_params(target.obj) if target.obj is not None else None
    names = [p.name for p in signature or ()]
    found = []
    for p in params:
        if isinstance(p, int):
            found += args[p : p + 1]
            continue
        found += [k.value for k in call.keywords if k.arg == p]
        if p in names and names.index(p) < len(args):
            found.append(args[names.index(p)])
    return found


def _method_effect(kind, name: str) -> tuple[bool, bool]:
    """(whether the receiver's possible types have the method, whether it changes them)."""
    known, changes = False, False
    for cls in _TYPES.get(kind, _ANY):
        method = getattr(cls, name, None)
        if method is None:
            continue
        known = True
        # every method these types define has an entry (tests/test_classification.py)
        entry = lookup(method)
        changes |= entry is not None and entry.effect in (Effect.WRITES, Effect.OPAQUE)
    if name in METHODS and METHODS[name].mutates:
        known, changes = True, True
    return known, changes


def _method_hint(receiver: str, name: str) -> str:
    hints = {
        "sort": f"use {receiver} = np.sort({receiver}) (a new array)",
        "fill": f"use {receiver} = np.full_like({receiver}, value) (a new array)",
        "reverse": f"use {receiver} = {receiver}[::-1] (a new list)",
        "update": f"build a new dict: {receiver} = {{**{receiver}, **other}}",
        "setdefault": f"test `key in {receiver}` and assign {receiver}[key] = value",
        "clear": f"bind a new container: {receiver} = []",
        "remove": f"build a new list without the item: {receiver} = [v for v in {receiver} ...]",
        "pop": f"read the item ({receiver}[key]) and build a new dict without it",
    }
    return hints.get(
        name, f"build a new value instead of changing {receiver!r} in place with .{name}()"
    )


_SYMBOLS = {gast.BitOr: "|", gast.BitAnd: "&", gast.BitXor: "^", gast.FloorDiv: "//"}


def _refuse_container_operators(fdef, kinds: dict, activity: Activity, filename: str) -> None:
    """`d | e`, `d |= e` (dict merge), `s & t`: the operators srcad treats as having no
    derivative (bitwise, on booleans and integers) are refused where an operand is a container
    whose items may carry derivatives (the merged dict's values would lose theirs)."""
    for s in S.walk(fdef):
        if not (isinstance(s, gast.Assign) and isinstance(s.value, gast.BinOp)):
            continue
        if not isinstance(s.value.op, NONDIFF_BINOPS):
            continue
        for operand in (s.value.left, s.value.right):
            if not isinstance(operand, gast.Name) or operand.id not in activity.varied:
                continue
            kind = kinds.get(operand.id)
            if kind in ("dict", "list", "tuple", "object"):
                where = statement_location(s, fdef, filename, fdef.name)
                raise UnsupportedOperationError(
                    f"the operator {_SYMBOLS.get(type(s.value.op), '|')} on {operand.id!r}, "
                    f"a {kind} whose items carry derivatives: srcad gives it a derivative "
                    "only on numbers and arrays",
                    where,
                    hint="merge dicts by item assignments (d['k'] = e['k'])",
                )


# ----------------------------------------------------------------------------- reverse mode


def _walk(fdef: gast.FunctionDef, activity: Activity):
    """Every call site, and every statement whose derivative code reads primal values
    (position, loops, names it reads), in execution order."""
    sites, reads = [], []
    counter = [0]

    def visit(stmts, loops):
        for s in stmts:
            counter[0] += 1
            if isinstance(s, (gast.For, gast.While)):
                visit(s.body, loops | {s})
                visit(s.orelse, loops | {s})
                continue
            if isinstance(s, gast.If):
                visit(s.body, loops)
                visit(s.orelse, loops)
                continue
            value = getattr(s, "value", None)
            if isinstance(value, gast.Call):
                sites.append(Site(s, value, counter[0], loops))
            if _derivative_reads(s, activity):
                reads.append((counter[0], loops, S.names_loaded(s)))

    visit(fdef.body, frozenset())
    visit = None  # noqa: F841 - a recursive closure's cycle, freed now (no collection)
    return sites, reads


def _derivative_reads(s, activity: Activity) -> bool:
    """Whether `s` gets derivative code (which may read the primal values it reads)."""
    if not isinstance(s, gast.Assign):
        return isinstance(s, gast.Expr) and bool(S.names_loaded(s) & activity.active)
    return bool(S.names_stored(s) & activity.active) or any(
        isinstance(t, gast.Subscript) and S.names_loaded(t.value) & activity.active
        for t in s.targets
    )


def _refuse_stale_reads(changes, reads, fdef, resolution, checker: _Checker) -> None:
    shares = _sharing(fdef, resolution)
    for site, change in changes:
        group = shares(change.name)
        for position, loops, names in reads:
            if not names & group:
                continue
            if position < site.position or (loops & site.loops):
                checker._refuse(
                    site,
                    f"srcad cannot differentiate through this call in reverse mode: "
                    f"{change.why}, and the backward sweep needs the value {change.name!r} "
                    "had before it",
                    change.hint,
                )


def _shared_sources(value, resolution: Resolution) -> set[str]:
    """The names whose objects the value of an assignment may share: for a call of a user
    function, the arguments it may return (`summaries.returned_params`); not the callee."""
    if isinstance(value, gast.Subscript):
        return S.names_loaded(value.value)
    if not isinstance(value, gast.Call):
        return S.names_loaded(value)
    target = resolution.calls.get(value)
    fn = getattr(target, "obj", None)
    if isinstance(fn, types.FunctionType) and target.kind == "function":
        returned = returned_params(fn)
        bound = bind_signature(fn, value) if returned is not UNKNOWN else None
        if bound is not None:
            return {n for p in returned for a in bound.get(p, ()) for n in S.names_loaded(a)}
    out = S.names_loaded(value)
    if isinstance(value.func, gast.Name):
        out.discard(value.func.id)  # the function called, not a value it is given
    return out


def _sharing(fdef: gast.FunctionDef, resolution: Resolution):
    """name -> the names that may share its object (views, aliases, containers holding it)."""
    from .alias_facts import _fresh_value

    parent: dict[str, str] = {}

    def find(n):
        while parent.get(n, n) != n:
            n = parent[n]
        return n

    def union(a, b):
        parent[find(a)] = find(b)

    for s in S.statements(fdef.body):
        if isinstance(s, gast.Assign):
            target, value = s.targets[0], s.value
            if isinstance(target, gast.Subscript):
                sources = S.names_loaded(value)
                target_names = S.names_loaded(target.value)
            else:
                if _fresh_value(value, resolution):
                    continue
                sources = _shared_sources(value, resolution)
                target_names = S.names_stored(target)
        elif isinstance(s, gast.Expr) and isinstance(s.value, gast.Call):
            receiver = _receiver(s.value)
            if receiver is None:
                continue
            sources, target_names = S.names_loaded(s.value) - {receiver}, {receiver}
        else:
            continue
        for a in target_names:
            for b in sources:
                union(a, b)

    names = S.all_names(fdef)

    def group(name: str) -> set[str]:
        root = find(name)
        return {n for n in names if find(n) == root} | {name}

    return group
