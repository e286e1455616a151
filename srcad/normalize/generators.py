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
Guarantees: a generator G that cannot be inlined (``return`` or ``yield from`` in it, a
``yield`` used as a value, ``*args``, nested functions, global or nonlocal, code from
another module) and any other use of a generator function are left as they are, for the
fence to refuse with its located error. The caller's cache guards G's binding and code.
"""

from __future__ import annotations

import builtins
import inspect
import types

import gast

from ..ir import syntax as S
from ..naming import Namer

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
            made = self._generator(s.iter)
            if made is not None and not _leaves_loop(s.body):
                return self._inline(made, s.iter, s.target, s.body)
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
                _replace(expr, call, result)
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
        made = self._generator(inner)
        return None if made is None else (consumer, made, inner, comprehension)

    def _consume(self, consumer: str, made, call, site, comprehension) -> tuple[list, gast.expr]:
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
        out = [S.assign(acc, start), *self._inline(made, call, target, [step])]
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

    def _inline(self, made, call: gast.Call, target, body: list) -> list:
        node, free = made
        node = S.clone(node)
        params = _params(node)
        rename = dict(free)
        for n in (S.names_stored(node) | set(params)) - set(free):
            rename[n] = self.namer.fresh(n)
        bound = _bind(node, call)
        if bound is None:
            return [gast.For(target, call, body, [], None)]
        out = [S.assign(rename[p], bound[p]) for p in params]
        for n in out:
            S.copy_location(n, call)
        for n in S.walk(node):
            if isinstance(n, gast.Name) and n.id in rename:
                n.id = rename[n.id]

        def replace(s):
            if isinstance(s, gast.Expr) and isinstance(s.value, gast.Yield):
                value = s.value.value if s.value.value is not None else gast.Constant(None, None)
                first = gast.Assign([S.clone(target)], value, None)
                S.copy_location(first, s)
                return [first, *(S.clone(b) for b in body)]
            return [s]

        return out + S.rewrite_statements(node.body, replace)


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


def _replace(expr, old, new) -> None:
    for n in S.walk(expr):
        for field in n._fields:
            value = getattr(n, field, None)
            if value is old:
                setattr(n, field, new)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    if v is old:
                        value[i] = new


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
