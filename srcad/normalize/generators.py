"""Normalize: a generator function consumed where it is called is inlined there.

Accepts a parsed function before the fence (which refuses ``yield``). A call ``G(args)`` of
a generator function G (a def nested in the function, or a function of the same module
and file: a global or a closure variable) consumed directly by

    for t in G(args): body            (no else; no break or continue of this loop)
    x = list(G(args)) / tuple(G(args)) / sum(G(args)),  return list(...) and so on

is replaced by G's body, its parameters bound to the arguments, each ``yield e`` statement
replaced by ``t = e`` followed by the loop's body: the generator's steps and the loop's
interleave exactly as Python runs them (nothing is computed ahead). G's own names are
renamed apart; its closure variables are bound live (the same cells). ``list``, ``tuple``
and ``sum`` become a loop appending or adding (``sum`` starts from 0, as Python's).
A loop that may stop drawing (``break``, ``continue``, ``itertools.islice(G(...), n)``,
``zip`` with ``range(n)``, ``enumerate``) is inlined with a stop flag
(srcad.normalize.generator_exits: none of G's code after the last value drawn runs). A
generator kept, ``g = G(args)`` with one later use of ``g``, has its arguments bound where
it is made and is consumed where it is used (draws by ``next``:
srcad.normalize.generator_next); one passed to a helper of the same module
that draws from it once is consumed in a copy of the helper
(srcad.normalize.generator_helpers).
Guarantees: a generator G that cannot be inlined (``return`` or ``yield from`` in it, a
``yield`` used as a value, ``*args``, nested functions, global or nonlocal, code from
another module) and any other use of a generator function are left as they are, for the
fence to refuse with its located error. The caller's cache guards G's binding and code.
"""

from __future__ import annotations

import builtins
import inspect
import itertools
import types

import gast

from ..errors import UnsupportedSyntaxError
from ..fence import location
from ..ir import syntax as S
from ..naming import Namer
from .generator_exits import breaks_cleanly, guard, holds_yield, lower_exits, not_stopped
from .generator_helpers import pass_into_helpers
from .generator_next import lower_next_calls

_CONSUMERS = ("list", "tuple", "sum")


def inline_generators(
    fdef: gast.FunctionDef, namespace, filename: str, guards: list, cells: dict
) -> None:
    """Inline the generators `fdef` consumes directly (see the module docstring). `cells`
    receives the closure cells the inlined code reads (name -> cell), for the binder."""
    if not _may_consume(fdef, namespace):
        return
    local = S.names_stored(fdef) | set(_params(fdef))
    nested = _nested_generators(fdef)
    inliner = _Inliner(fdef, namespace, filename, guards, cells, nested, local)
    lower_next_calls(fdef, inliner)
    _consume_where_used(fdef, inliner)
    pass_into_helpers(fdef, inliner)
    fdef.body = S.rewrite_statements(fdef.body, inliner.statement)
    if inliner.inlined:
        used = {n.id for n in S.walk(fdef) if isinstance(n, gast.Name)}
        fdef.body = S.rewrite_statements(
            fdef.body,
            lambda s: (
                []
                if isinstance(s, gast.FunctionDef) and s in inliner.inlined and s.name not in used
                else [s]
            ),
        )


def _may_consume(fdef, namespace) -> bool:
    """Whether `fdef` has a nested generator or calls a name bound to a generator function
    (a cheap test: most functions, and all of srcad's generated code, have neither)."""
    called = set()
    for n in S.walk(fdef):
        if isinstance(n, (gast.Yield, gast.YieldFrom)):
            return True
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
            called.add(n.func.id)
    return any(inspect.isgeneratorfunction(namespace.lookup(c, None)) for c in called)


def _params(fdef) -> list[str]:
    a = fdef.args
    names = [p.id for p in a.posonlyargs + a.args + a.kwonlyargs]
    return names + [p.id for p in (a.vararg, a.kwarg) if p is not None]


def _is_generator(fdef: gast.FunctionDef) -> bool:
    return any(isinstance(n, (gast.Yield, gast.YieldFrom)) for n in S.walk_no_nested(fdef))


def _nested_generators(fdef) -> dict:
    defs: dict = {}
    counts: dict = {}
    for n in S.walk(fdef):
        if isinstance(n, gast.FunctionDef) and n is not fdef:
            counts[n.name] = counts.get(n.name, 0) + 1
            if _is_generator(n):
                defs[n.name] = n
        elif isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
            counts[n.id] = counts.get(n.id, 0) + 1
    return {name: d for name, d in defs.items() if counts.get(name) == 1}


class _Inliner:
    def __init__(self, fdef, namespace, filename, guards, cells, nested, local):
        self.fdef, self.namespace, self.filename = fdef, namespace, filename
        self.guards, self.cells, self.nested, self.local = guards, cells, nested, local
        self.namer = Namer(S.all_names(fdef))
        self.inlined: set = set()

    # -- the sites ---------------------------------------------------------------------------
    def statement(self, s) -> list:
        if isinstance(s, gast.For) and not s.orelse and isinstance(s.iter, gast.Call):
            adapted = self._adapted(s.iter)
            if adapted is None:
                return [s]
            made, call, kind, limit = adapted
            if kind in (None, "enumerate") and not _ends(s.body):
                self._check_ends(made)
            if kind is None and not _leaves_loop(s.body):
                return self._inline(made, call, s.target, s.body)
            if breaks_cleanly(s.body):
                return self._inline_stopping(made, call, s.target, s.body, kind, limit)
            return [s]
        if not isinstance(s, (gast.Assign, gast.AugAssign, gast.Return, gast.Expr, gast.If)):
            return [s]
        expr = s.test if isinstance(s, gast.If) else s.value
        if expr is None:
            return [s]
        before = []
        while True:
            found = self._consumer_call(expr)
            if found is None:
                break
            call, consumer, made, inner, comprehension = found
            stmts, result = self._consume(consumer, made, inner, s, comprehension)
            before += stmts
            if call is expr:
                expr = result
            else:
                S.replace_node(expr, call, result)
        if not before:
            return [s]
        if isinstance(s, gast.If):
            s.test = expr
        else:
            s.value = expr
        return [*before, s]

    def _consumer_call(self, expr):
        """The first list/tuple/sum(G(...)) of `expr` that runs unconditionally and after no
        other call of `expr` (so that computing it first keeps the order of calls)."""
        calls = [
            n
            for n in _unconditional(expr)
            if isinstance(n, gast.Call) and getattr(n, "lineno", None) is not None
        ]
        calls.sort(key=lambda n: (n.lineno, n.col_offset))
        comprehensions = [
            n
            for n in _unconditional(expr)
            if isinstance(n, gast.ListComp) and getattr(n, "lineno", None) is not None
        ]
        sites = sorted(calls + comprehensions, key=lambda n: (n.lineno, n.col_offset))
        for c in sites:
            found = self._consumed(c)
            if found is None:
                continue
            inside = {id(n) for n in S.walk(c)}
            around = {id(n) for n in calls if id(c) in {id(m) for m in S.walk(n)}}
            earlier = [n for n in calls if (n.lineno, n.col_offset) < (c.lineno, c.col_offset)]
            if any(id(n) not in inside and id(n) not in around for n in earlier):
                return None  # a call that runs before it (the calls around it run after)
            return (c, *found)
        return None

    def _consumed(self, c):
        """(consumer, generator, its call, comprehension or None) for list/tuple/sum of
        G(...) or of a comprehension over G(...), or a list comprehension over G(...)."""
        if isinstance(c, gast.ListComp):
            consumer, inner = "list", c
        elif isinstance(c.func, gast.Name) and c.func.id in _CONSUMERS:
            if len(c.args) != 1 or c.keywords:
                return None
            if c.func.id in self.local or self.namespace.lookup(c.func.id, None) is not getattr(
                builtins, c.func.id
            ):
                return None
            consumer, inner = c.func.id, c.args[0]
        else:
            return None
        comprehension = None
        if isinstance(inner, (gast.ListComp, gast.GeneratorExp)):
            if len(inner.generators) != 1 or inner.generators[0].is_async:
                return None
            comprehension, inner = inner, inner.generators[0].iter
        if not isinstance(inner, gast.Call):
            return None
        adapted = self._adapted(inner)
        return None if adapted is None else (consumer, adapted, inner, comprehension)

    def _consume(self, consumer: str, adapted, _, site, comprehension) -> tuple[list, gast.expr]:
        made, call, kind, limit = adapted
        acc = self.namer.fresh("acc")
        target: gast.expr = S.name(self.namer.fresh("item"), store=True)
        value: gast.expr = S.name(target.id)
        conditions: list = []
        if comprehension is not None:  # its own names, renamed apart from the function's
            loop = S.clone(comprehension.generators[0])
            elt = S.clone(comprehension.elt)
            rename = {n: self.namer.fresh(n) for n in S.names_stored(loop.target)}
            for n in [*S.walk(loop), *S.walk(elt)]:
                if isinstance(n, gast.Name) and n.id in rename:
                    n.id = rename[n.id]
            target, value, conditions = loop.target, elt, loop.ifs
        if consumer == "sum":
            start: gast.expr = gast.Constant(0, None)
            step: gast.stmt = S.assign(acc, gast.BinOp(S.name(acc), gast.Add(), value))
        else:
            start = gast.List([], gast.Load())
            append = gast.Attribute(S.name(acc), "append", gast.Load())
            step = gast.Expr(S.call(append, [value]))
        for condition in reversed(conditions):
            step = gast.If(condition, [step], [])
        if kind in (None, "enumerate"):
            self._check_ends(made)
        if kind is None:
            steps = self._inline(made, call, target, [step])
        else:
            steps = self._inline_stopping(made, call, target, [step], kind, limit)
        out = [S.assign(acc, start), *steps]
        for n in out:
            S.copy_location(n, site)
        result = S.name(acc)
        if consumer == "tuple":
            result = S.call("tuple", [result])
        return out, S.copy_location(result, site)

    # -- the generator -----------------------------------------------------------------------
    def _generator(self, call: gast.Call):
        """(FunctionDef copy, {free name: replacement}) for a call of a generator srcad can
        inline, else None."""
        func = call.func
        if (
            not isinstance(func, gast.Name)
            or any(isinstance(a, gast.Starred) for a in call.args)
            or any(k.arg is None for k in call.keywords)
        ):
            return None
        if func.id in self.nested:
            node = self.nested[func.id]
            if not _inlinable(node):
                return None
            self.inlined.add(node)
            return S.clone(node), {}
        if func.id in self.local:
            return None
        fn = self.namespace.lookup(func.id, None)
        if not (isinstance(fn, types.FunctionType) and inspect.isgeneratorfunction(fn)):
            return None
        if fn.__globals__ is not self.namespace.globals or fn.__code__.co_filename != self.filename:
            return None
        from ..parse import parse_function

        try:
            node = parse_function(fn, generators=True).node
        except Exception:  # noqa: BLE001 - no source: left for the fence to refuse
            return None
        if not _inlinable(node) or fn.__defaults__ or fn.__kwdefaults__:
            return None
        self._guard(func.id, fn)
        free = {}
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        own = S.names_stored(node) | set(_params(node))
        for n in S.names_loaded(node) - own:
            if n in cells:
                name = self.namer.fresh(n)
                self.cells[name] = cells[n]
                free[n] = name
            elif n in self.local or n in self.namespace.cells:
                return None  # the function's own name hides the module's
        return node, free

    def _guard(self, name: str, fn) -> None:
        cell = self.namespace.cells.get(name)
        container = cell if cell is not None else self.namespace.globals
        self.guards.append((container, name, fn))

    def _adapted(self, call: gast.Call):
        """(generator, its call, how the loop draws from it, the limit) for a loop over
        G(...), itertools.islice(G(...), n), zip(G(...), range(n)) either way round or
        enumerate(G(...)); else None. How: None (all of it), "islice", "zip_first" (the
        generator first: zip draws from it once more), "zip_second", "enumerate"."""
        fn = self._builtin_or_known(call.func)
        args = call.args
        if call.keywords or any(isinstance(a, gast.Starred) for a in args):
            fn = None
        kind, limit, inner = None, None, call
        if fn is itertools.islice and len(args) == 2 and not S.is_const(args[1]):
            kind, inner, limit = "islice", args[0], args[1]
        elif fn is itertools.islice and len(args) == 2 and isinstance(args[1].value, int):
            kind, inner, limit = "islice", args[0], args[1]
        elif fn is builtins.enumerate and len(args) == 1:
            kind, inner = "enumerate", args[0]
        elif fn is builtins.zip and len(args) == 2:
            ranged = [self._range_limit(a) for a in args]
            if ranged[1] is not None:
                kind, inner, limit = "zip_first", args[0], ranged[1]
            elif ranged[0] is not None:
                kind, inner, limit = "zip_second", args[1], ranged[0]
        if not isinstance(inner, gast.Call):
            return None
        made = self._generator(inner)
        return None if made is None else (made, inner, kind, limit)

    def _check_ends(self, made) -> None:
        """Refuse a generator that never ends (``while True`` without a break) drawn to its
        end: Python's loop would never end either."""
        for n in S.walk_no_nested(made[0]):
            if (
                isinstance(n, gast.While)
                and isinstance(n.test, gast.Constant)
                and n.test.value
                and not _leaves_loop(n.body)
            ):
                raise UnsupportedSyntaxError(
                    f"srcad does not support drawing every value of {made[0].name}, which "
                    "never ends (while True without a break): the loop would never end",
                    location(n, self.filename, self.fdef.name),
                    hint="stop drawing: break, itertools.islice(g, n) or zip(g, range(n))",
                )

    def _builtin_or_known(self, func):
        if isinstance(func, gast.Name) and func.id in self.local:
            return None
        try:
            return self.namespace.value_of(func, self.local)
        except Exception:  # noqa: BLE001 - a property that fails names nothing known
            return None

    def _range_limit(self, node):
        if (
            isinstance(node, gast.Call)
            and self._builtin_or_known(node.func) is builtins.range
            and len(node.args) == 1
            and not node.keywords
            and not isinstance(node.args[0], gast.Starred)
        ):
            return node.args[0]
        return None

    def _inline_stopping(self, made, call, target, body: list, kind, limit) -> list:
        """A loop that may stop drawing from the generator (see generator_exits)."""
        stop, count, bound = (self.namer.fresh(n) for n in ("stop", "count", "limit"))
        skip = self.namer.fresh("skip")
        body, skips = lower_exits(body, stop, skip)
        if skips:  # each value drawn runs the body afresh
            body = [S.assign(skip, S.const(False)), *body]
        start = [S.assign(stop, S.const(False))]
        if kind is not None:
            start.append(S.assign(count, S.const(0)))
        if limit is not None:
            start.append(S.assign(bound, limit))
        if kind == "islice":  # islice(g, -1) raises, as Python's does
            fail = gast.Raise(S.call("ValueError", [S.const("islice() of a negative count")]), None)
            negative = gast.Compare(S.name(bound), [gast.Lt()], [S.const(0)])
            start.append(gast.If(negative, [fail], []))
        if kind in ("islice", "zip_second"):  # islice(g, 0) never starts the generator
            start.append(S.assign(stop, gast.UnaryOp(gast.Not(), _compare(bound, gast.Gt()))))
        step = S.assign(count, gast.BinOp(S.name(count), gast.Add(), S.const(1)))

        def site(value):
            counted = S.name(count)
            if kind in ("enumerate", "zip_second"):
                value = S.tuple_([counted, value])
            elif kind == "zip_first":
                value = S.tuple_([value, counted])
            out = [gast.Assign([S.clone(target)], value, None)]
            if kind is not None:
                out.append(S.clone(step))
            out += [S.clone(b) for b in body]
            if kind in ("islice", "zip_second"):
                full = gast.If(
                    gast.UnaryOp(gast.Not(), _compare(bound, gast.Gt(), count)),
                    [S.assign(stop, S.const(True))],
                    [],
                )
                out.append(full)
            if kind == "zip_first":
                out = [
                    gast.If(_compare(bound, gast.Gt(), count), out, [S.assign(stop, S.const(True))])
                ]
            return out

        early = kind in ("islice", "zip_second")
        return self._inline(made, call, target, body, site, stop, start, early)

    def _inline(
        self, made, call, target, body: list, site=None, stop=None, start=(), early=False
    ) -> list:
        """The generator's body, its parameters bound to `call`'s arguments, each yield
        replaced by `site(value)` (by default: ``target = value`` then `body`); with a
        `stop` flag, its steps after the last value drawn skipped (`early`: maybe all)."""
        node, free = made
        node = S.clone(node)
        params = _params(node)
        rename = dict(free)
        for n in (S.names_stored(node) | set(params)) - set(free):
            rename[n] = self.namer.fresh(n)
        bound = _bind(node, call)
        if bound is None:
            return [gast.For(target, call, body, [], None)]
        out = [S.assign(rename[p], bound[p]) for p in params] + list(start)
        for n in out:
            S.copy_location(n, call)
        for n in S.walk(node):
            if isinstance(n, gast.Name) and n.id in rename:
                n.id = rename[n.id]

        def replace(s):
            if isinstance(s, gast.Expr) and isinstance(s.value, gast.Yield):
                value = s.value.value if s.value.value is not None else gast.Constant(None, None)
                if site is not None:
                    return [S.copy_location(n, s) for n in site(value)]
                first = gast.Assign([S.clone(target)], value, None)
                S.copy_location(first, s)
                return [first, *(S.clone(b) for b in body)]
            return [s]

        steps = node.body
        if stop is not None:  # the generator's code after the last value drawn never runs
            steps = guard(steps, stop, holds_yield)
        if early:
            steps = [S.copy_location(gast.If(not_stopped(stop), steps, []), call)]
        return out + S.rewrite_statements(steps, replace)


def _inlinable(node: gast.FunctionDef) -> bool:
    a = node.args
    if a.vararg is not None or a.kwarg is not None or a.kwonlyargs or a.defaults:
        return False
    for n in S.walk_no_nested(node):
        if n is node:
            continue
        if isinstance(n, (gast.Return, gast.YieldFrom, gast.Global, gast.Nonlocal)):
            return False
        if isinstance(n, (gast.FunctionDef, gast.Lambda, gast.ClassDef)):
            return False
    # every yield is a statement of its own
    statements = {id(s.value) for s in S.walk(node) if isinstance(s, gast.Expr)}
    return all(id(y) in statements for y in S.walk(node) if isinstance(y, gast.Yield))


def _bind(node, call: gast.Call) -> dict | None:
    params = _params(node)
    if len(call.args) > len(params):
        return None
    bound = dict(zip(params, call.args))
    for k in call.keywords:
        if k.arg not in params or k.arg in bound:
            return None
        bound[k.arg] = k.value
    return bound if set(bound) == set(params) else None


def _unconditional(expr):
    """The nodes of `expr` that always run when it does (not in lambdas, comprehensions,
    the branches of a conditional expression, or the later operands of and/or)."""
    todo = [expr]
    while todo:
        n = todo.pop()
        yield n
        if isinstance(n, (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp)):
            continue
        if isinstance(n, gast.GeneratorExp):
            continue
        if isinstance(n, gast.IfExp):
            todo.append(n.test)
        elif isinstance(n, gast.BoolOp):
            todo.append(n.values[0])
        else:
            todo.extend(S.children(n))


def _ends(body: list) -> bool:
    """Whether a loop body may end the loop: a break, or a return or raise."""
    return _leaves_loop(body) or any(
        isinstance(n, (gast.Return, gast.Raise)) for b in body for n in S.walk_no_nested(b)
    )


def _leaves_loop(body: list) -> bool:
    """Whether a break or continue of this loop is in `body` (not of loops inside it)."""
    todo = list(body)
    while todo:
        n = todo.pop()
        if isinstance(n, (gast.Break, gast.Continue)):
            return True
        if isinstance(n, (gast.For, gast.While)):
            todo.extend(n.orelse)  # a break in a loop's else leaves the outer loop
            continue
        if isinstance(n, (gast.FunctionDef, gast.Lambda, gast.ClassDef)):
            continue
        todo.extend(S.children(n))
    return False


def _compare(bound: str, op, count: str | None = None) -> gast.Compare:
    """``bound > count`` (``bound > 0`` without a count)."""
    right = S.name(count) if count is not None else S.const(0)
    return gast.Compare(S.name(bound), [op], [right])


def _consume_where_used(fdef, inliner) -> None:
    """``g = G(args)`` then, later in the same statement list, the one use of ``g`` (as a
    for loop's iterable or in the expression of a statement): the arguments are bound to
    fresh names where the generator is made (Python evaluates them there) and the use
    becomes ``G(those names)``, which the inliner then consumes where it is used (Python
    runs the generator's code there). Anything else about ``g`` leaves it as it is."""
    stores: dict = {}
    loads: dict = {}
    for n in S.walk(fdef):
        if isinstance(n, gast.Name):
            table = loads if isinstance(n.ctx, gast.Load) else stores
            table.setdefault(n.id, []).append(n)

    def visit(stmts: list) -> None:
        for i, s in enumerate(stmts):
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(s, field, None)
                if isinstance(inner, list):
                    visit(inner)
            kept = _kept(s, stores, loads, inliner)
            if kept is None:
                continue
            name, call = kept
            use = loads[name][0]
            later = _holding(stmts[i + 1 :], use)
            if later and _deferred(later[0], use):
                continue
            if not later:
                continue
            binds, args = [], []
            for a in call.args:
                fresh = inliner.namer.fresh(f"{name}_arg")
                binds.append(S.copy_location(S.assign(fresh, a), s))
                args.append(S.name(fresh))
            keywords = []
            for k in call.keywords:
                fresh = inliner.namer.fresh(f"{name}_{k.arg}")
                binds.append(S.copy_location(S.assign(fresh, k.value), s))
                keywords.append(gast.keyword(k.arg, S.name(fresh)))
            made = S.copy_location(gast.Call(S.clone(call.func), args, keywords), use)
            _replace_in(later[0], use, made)
            stmts[i : i + 1] = binds or [gast.Pass()]

    visit(fdef.body)


def _kept(s, stores, loads, inliner):
    """(name, call) for ``name = G(...)`` of a generator inlinable here, bound once and
    read once."""
    if not (
        isinstance(s, gast.Assign)
        and len(s.targets) == 1
        and isinstance(s.targets[0], gast.Name)
        and isinstance(s.value, gast.Call)
    ):
        return None
    name = s.targets[0].id
    if len(stores.get(name, ())) != 1 or len(loads.get(name, ())) != 1:
        return None
    call = s.value
    if any(isinstance(a, gast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    if inliner._generator(call) is None:
        return None
    return name, call


def _header(s):
    """The nodes of statement `s` that run once when it runs (not its nested bodies)."""
    if isinstance(s, gast.For):
        return S.walk(s.iter)
    if isinstance(s, (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)):
        return S.walk(s.value) if s.value is not None else iter(())
    return iter(())


def _replace_in(s, old, new) -> None:
    if isinstance(s, gast.For) and s.iter is old:
        s.iter = new
    elif getattr(s, "value", None) is old:
        s.value = new
    else:
        S.replace_node(s, old, new)


def _deferred(s, use) -> bool:
    """Whether `use` in statement `s` runs later than the statement or more than once: in a
    lambda, or in a comprehension other than as its first iterable."""
    for n in S.walk(s):
        if isinstance(n, gast.Lambda) and any(m is use for m in S.walk(n.body)):
            return True
        if isinstance(n, (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)):
            first = n.generators[0].iter
            inside = [m for m in S.walk(n) if m is use]
            if inside and not any(m is use for m in S.walk(first)):
                return True
    return False


def _holding(stmts: list, use) -> list:
    """[the statement of `stmts` whose header holds `use`], looking into the branches of
    ifs (which run at most once) but not into loops; else []."""
    for t in stmts:
        if any(n is use for n in _header(t)):
            return [t]
        if isinstance(t, gast.If):
            found = _holding(t.body, use) or _holding(t.orelse, use)
            if found:
                return found
    return []
