"""Runtime dispatch: calls whose target is only known when the generated code runs.

A call through a name the compiler cannot resolve when it generates code (an item of a dict
of functions, ``acts[name](x)``; a closure a helper returned; a lambda picked from a list by
a runtime index; ``layer.forward(x)`` over objects of several classes) goes through a `Site`,
one per call in the generated code:

    fwd_f, bwd_f = dispatch_f.vjp(f, x)       # reverse mode: the callee's split vjp
    y, y_res = fwd_f(x)
    ...
    b_f = bwd_f(y_res, b_y)                    # in the backward sweep

    jvp_f = dispatch_f.jvp(f, x)              # forward mode
    y, dy = jvp_f(x, (dx,))

When the code runs, the site looks at the callable that arrived and at the kinds and ranks
of the arguments, and generates (once, then from its cache) the derivative of a one-line
forwarding function, ``def call_relu(x): return relu(x)`` with ``relu`` that very object, so
that everything static resolution knows applies to it: plain functions, lambdas, closures,
bound methods, `functools.partial`, callable objects, srcad transforms, numpy functions with
rules. What it cannot differentiate (a builtin without a rule) is refused with the location
of the call in the user's code.

The derivative functions the site returns are generated code, which srcad transforms again:
a Hessian through a dispatched call dispatches the outer derivative of ``fwd_f`` and
``bwd_f``. The site's methods carry no derivative themselves: their result depends only on
the callable (`srcad.analyze.calls` makes it depend on nothing else, and
`srcad.transform.apply` refuses one given a callable that depends on a differentiated value).
A callable that does (a closure over x, or ``bwd_f`` read back from residuals when generated
code is differentiated again) makes the site *strict*: it takes, when the code runs, only a
callable that holds nothing a derivative could flow through (`carries_nothing`: generated
code, a plain function, a numpy function) and refuses any other at the user's line.
A callee that changes its arguments (or, for a method, its object) in place is refused too,
as the static path refuses it (`Site._check_writes`).
"""

from __future__ import annotations

import collections
import functools
import inspect
import textwrap
import threading
import types
from collections.abc import Callable

import gast
import numpy as np

from .. import runtime
from ..analyze.summaries import CONSTANTS, DISPATCHED, UNKNOWN, written_params
from ..arrays import is_foreign
from ..errors import Location, MissingRuleError, SrcadError, UnsupportedOperationError
from ..ir import syntax as S
from ..ir.dnotation import Block, Zero, deriv
from ..ir.dnotation import accumulate as d_accumulate
from ..ir.resolution import KnownValue
from ..rules.template import lookup, nondiff
from ..transform import apply
from . import inner_transforms
from .forwarders import (
    identifier,
    make_forwarder,
    method_of,
    record_forwarder,
)
from .modes import Mode, Spec

_SIZE = 64  # generated derivatives a site keeps (a fresh closure per call is a new target)


class Site:
    """One dispatched call in generated code: `label` names the called expression, `where`
    is the call in the user's source, `wrt` the positions (positional arguments, then
    keyword ones) of the arguments being differentiated, `batch` their direction axes."""

    __slots__ = ("label", "where", "wrt", "batch", "strict", "_generate_fn", "_cache", "_lock")

    def __init__(
        self,
        label: str,
        where: Location | None,
        wrt: tuple,
        batch: int,
        generate: Callable,
        strict: bool = False,
    ):
        self.label = label
        self.strict = strict  # the callable depends on a differentiated value
        self._generate_fn = generate  # the driver's entry (it imports this module)
        self.where = where
        self.wrt = wrt
        self.batch = batch
        self._cache: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def vjp(self, target, *args, **kwargs):
        """(fwd, bwd): the split vjp of ``target(*args, **kwargs)`` for these kinds of
        arguments; ``fwd(*args, **kwargs)`` gives (value, residuals), ``bwd(residuals, b)``
        the adjoints of the differentiated arguments."""
        functions = self._generated(Mode.VJP, target, args, kwargs).functions
        return functions["fwd"], functions["bwd"]

    def jvp(self, target, *args, **kwargs):
        """The jvp function of ``target(*args, **kwargs)``: it takes every argument
        positionally, then the tuple of the differentiated ones' tangents, and returns
        (value, tangent)."""
        return self._generated(Mode.JVP, target, args, kwargs).functions["main"]

    def check(self, target) -> None:
        """Refuse a callable that depends on a differentiated value (`strict`) unless it holds
        nothing a derivative could flow through; the call itself runs as written."""
        if self.strict and not carries_nothing(target):
            self._refuse_varied(target)

    def generated(self) -> list:
        """(label of the callable, Generated) for each derivative this site holds."""
        with self._lock:
            return [(entry[1], entry[2]) for entry in self._cache.values()]

    def _generated(self, mode: Mode, target, args: tuple, kwargs: dict):
        kinds = tuple([_kind(a) for a in args])
        if kwargs:
            kinds += tuple([_kind(v) for v in kwargs.values()])
        t = type(target)
        key = (mode.value, _identity(target), tuple(kwargs), kinds)
        if t is not types.FunctionType or target.__module__ == "srcad.api":
            # srcad.jvp(f, (x,), (v,)): the code depends on the primals' kinds too
            key += tuple(tuple(_kind(v) for v in a) for a in args if type(a) in (tuple, list))
        entry = self._cache.get(key)
        if entry is not None and _same(entry[0], target) and entry[2].is_fresh():
            return entry[2]
        with self._lock:
            generated = self._generate(mode, target, args, kwargs, kinds)
            self._cache[key] = (target, _describe(target), generated)
            while len(self._cache) > _SIZE:
                self._cache.popitem(last=False)
        return generated

    def _generate(self, mode: Mode, target, args: tuple, kwargs: dict, kinds: tuple):
        npositional, names = len(args), tuple(kwargs)
        record = type(target) is runtime.Code
        if record:
            if not (carries_nothing(target.func) or _lifted(target.func)):
                self._refuse_varied(target.func)
            forwarder = record_forwarder(target, npositional - 1, names)
        elif self.strict and not carries_nothing(target):
            self._refuse_varied(target)
        elif inner_transforms.transform_of(target) is not None:
            forwarder = inner_transforms.forwarder(target, args, kwargs, self._generate_fn, _kind)
        else:
            forwarder = make_forwarder(target, npositional, names)
        params = forwarder.__code__.co_varnames[: forwarder.__code__.co_argcount]
        spec = Spec(
            mode,
            tuple(params[i] for i in self.wrt),
            batch=self.batch,
            kinds=tuple((p, k[0]) for p, k in zip(params, kinds) if k[0] is not None),
            ndims=tuple((p, *k[1:]) for p, k in zip(params, kinds) if len(k) > 1),
        )
        try:
            generated = self._generate_fn(forwarder, spec)
            if record:
                self._check_writes(target.func, npositional - 1, names, forwarder)
            elif inner_transforms.transform_of(target) is None:
                self._check_writes(target, npositional, names)
            return generated
        except SrcadError as exc:
            inside = exc.location is None or exc.location.filename == _filename(forwarder)
            if not inside:
                raise
            if isinstance(exc, MissingRuleError):
                raise MissingRuleError(
                    f"srcad has no derivative rule for {_describe(target)}, which "
                    f"{self.describe()} called when the code ran",
                    self.where,
                    f"register one (srcad.vjp_rule / srcad.jvp_rule) for {_describe(target)}, "
                    "or call a function srcad can read",
                ) from None
            raise type(exc)(
                f"{exc.message} ({self.describe()} called {_describe(target)} when the code ran)",
                self.where,
                exc.hint,
            ) from None

    def _refuse_varied(self, target) -> None:
        raise UnsupportedOperationError(
            f"srcad cannot differentiate {self.describe()}: the function called "
            "is computed from a value being differentiated, and when the code ran it was "
            f"{_describe(target)}, which may hold such values (a closure, an object, "
            "a partial); a derivative could flow through them, which srcad cannot see",
            self.where,
            "pass the values the function is made from as arguments to it",
        )

    def _check_writes(self, target, npositional: int, names: tuple, record=None) -> None:
        """A callee that changes an argument in place could change a value the caller's
        backward sweep reads: refused (the static path models it; here it arrives late).
        So is a method that changes its object (what it stores there may carry a
        derivative), as the static path refuses it."""
        if getattr(target, "__srcad_generated__", False) or hasattr(target, "__srcad_function__"):
            return  # generated code (a transform's): it copies what it changes
        forwarder = record or make_forwarder(target, npositional, names, explicit=True)
        summary = written_params(forwarder)
        if summary is UNKNOWN:
            return  # a callable without readable source: its generation refuses it
        params = forwarder.__code__.co_varnames[: forwarder.__code__.co_argcount]
        differentiated = {params[i] for i in self.wrt}
        # a nested dispatched call given a differentiated argument is checked when it runs
        changed = [
            repr(p)
            for p, how in summary.items()
            if how != CONSTANTS and not (how == DISPATCHED and p in differentiated)
        ]
        method = method_of(target)
        if method is not None:
            receiver = method.__self__
            first = method.__func__.__code__.co_varnames[:1]
            # self is this very object: `self.act(z)` reads the function it holds now (the
            # generated code is guarded on that attribute, and regenerates if it changes)
            known = ((first[0], KnownValue(receiver)),) if first else ()
            own = written_params(method.__func__, owner=type(receiver), known=known)
            if own is UNKNOWN or (first and own.get(first[0], CONSTANTS) != CONSTANTS):
                changed.append(f"its object ({type(receiver).__name__})")
        if changed:
            raise MissingRuleError(
                f"srcad cannot differentiate {self.describe()}: when the code ran it called "
                f"{_describe(target)}, which changes {', '.join(changed)} in place",
                self.where,
                "make the called function build new values instead of changing its arguments",
            )

    def describe(self) -> str:
        """The call, for messages: its place and line in the user's source."""
        if self.where is None:
            return f"the call of {self.label}"
        line = self.where.line_text().strip()
        place = f"{self.where.filename.rsplit('/', 1)[-1]}:{self.where.lineno}"
        return f"the call at {place}" + (f" ({line})" if line else "")

    def __repr__(self):
        return f"<srcad dispatch site: {self.describe()}>"


nondiff(Site.vjp, Site.jvp, Site.check)
for _method in (Site.vjp, Site.jvp, Site.check):
    _method.__srcad_dispatch__ = True  # type: ignore[attr-defined]


def carries_nothing(target) -> bool:
    """Whether calling `target` can only depend on its arguments and on constants: code
    srcad generated, a numpy (or other) function with rules, or a plain function without
    closure cells or default values other than numbers, strings and functions."""
    if getattr(target, "__srcad_generated__", False):
        return True
    if isinstance(target, types.FunctionType):
        defaults = (*(target.__defaults__ or ()), *(target.__kwdefaults__ or {}).values())
        return not target.__closure__ and all(
            isinstance(d, (int, float, complex, str, bool, type(None), types.FunctionType))
            for d in defaults
        )
    owner = getattr(target, "__self__", None)
    return (owner is None or isinstance(owner, types.ModuleType)) and lookup(target) is not None


_FLOAT = ("array", 0)


def _kind(value) -> tuple:
    """What generated code is specialized on: (kind,) or (kind, rank[, "complex"])."""
    t = type(value)
    if t is np.ndarray:
        return (
            ("array", value.ndim) if value.dtype.kind != "c" else ("array", value.ndim, "complex")
        )
    if t is float:
        return _FLOAT
    if is_foreign(value):
        return (
            ("array", value.ndim) if value.dtype.kind != "c" else ("array", value.ndim, "complex")
        )
    if t is float or t is int:
        return ("array", 0)
    if t is complex:
        return ("array", 0, "complex")
    if isinstance(value, np.generic):
        return ("array", 0) if not np.iscomplexobj(value) else ("array", 0, "complex")
    if t is list or t is tuple or t is dict:
        return (t.__name__,)
    if isinstance(value, tuple):
        return ("tuple",)  # a namedtuple
    if callable(value) and not isinstance(value, type):
        return (KnownValue(value),)
    return (None,)


def _identity(target):
    """The cache key of a callable: a bound method is made anew at each attribute read."""
    if type(target) is runtime.Code:  # made anew at each call: equal for equal code
        return target
    held = _closure_contents(target)
    if held is not None:  # a closure a factory makes afresh: its code and what it holds
        return ("closure", target.__code__, tuple(map(id, held)))
    if isinstance(target, types.MethodType):
        return (id(target.__self__), id(target.__func__))
    return id(target)


def _same(cached, target) -> bool:
    if type(target) is runtime.Code:
        return cached == target
    held = _closure_contents(target)
    if held is not None:
        before = _closure_contents(cached)
        return (
            before is not None
            and cached.__code__ is target.__code__
            and cached.__globals__ is target.__globals__
            and len(before) == len(held)
            and all(a is b for a, b in zip(before, held))
        )
    if isinstance(target, types.MethodType):
        return (
            isinstance(cached, types.MethodType)
            and cached.__self__ is target.__self__
            and cached.__func__ is target.__func__
        )
    return cached is target


_WRITES_CELLS: dict = {}


def _closure_contents(target) -> tuple | None:
    """For a plain closure that never rebinds its cells (no ``nonlocal`` writes): the
    objects its cells and defaults hold, which (with its code) decide what a call of it
    does; the code generated for one such closure serves another of the same code holding
    the same objects (its generated code reads the first one's cells, which hold them too).
    None for anything else."""
    if type(target) is not types.FunctionType or not target.__closure__:
        return None
    code = target.__code__
    writes = _WRITES_CELLS.get(code)
    if writes is None:
        import dis

        writes = any(
            i.opname in ("STORE_DEREF", "DELETE_DEREF") and i.argval in code.co_freevars
            for i in dis.get_instructions(code)
        )
        if len(_WRITES_CELLS) > 1024:
            _WRITES_CELLS.clear()
        _WRITES_CELLS[code] = writes
    if writes or target.__kwdefaults__:
        return None
    try:
        held = tuple(c.cell_contents for c in target.__closure__)
    except ValueError:  # a cell not filled yet
        return None
    return held + tuple(target.__defaults__ or ())


def _lifted(fn) -> bool:
    """A nested function or lambda srcad lifted (`srcad.normalize.closures`): what it
    captured are its leading parameters; its cells hold only other lifted functions and the
    differentiated function's own (constant) closure variables."""
    return isinstance(fn, types.FunctionType) and hasattr(fn, "__srcad_origin__")


def _describe(target) -> str:
    if type(target) is runtime.Code:
        return _describe(target.func)
    if isinstance(target, functools.partial):
        return f"partial({_describe(target.func)}, ...)"
    if isinstance(target, types.MethodType):
        return f"the method {type(target.__self__).__name__}.{target.__func__.__name__}"
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if name is None:
        return f"an object of type {type(target).__name__}"
    module = getattr(target, "__module__", None)
    return f"{module}.{name}" if module and module not in ("__main__", "builtins") else name


def _filename(fn) -> str:
    return fn.__code__.co_filename


# ----------------------------------------------------------------------------- emission


def emit_call(calls, call: gast.Call, target_name: str, direction: str, env, node):
    """The derivative statements of ``target = f(args)`` for a callable known at run time:
    a site bound in the generated code, asked for the derivative of what arrives."""
    func = call.func
    holder = func.value if isinstance(func, gast.Attribute) else func
    # A callable that depends on a differentiated value (it came through the residuals of
    # generated code being differentiated again, or a closure over x) is taken at run time
    # only if it holds nothing a derivative could flow through (`carries_nothing`).
    strict = not isinstance(holder, gast.Name) or holder.id in env.activity.varied
    if any(isinstance(a, gast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        raise UnsupportedOperationError(
            f"srcad cannot differentiate the call {S.to_source(func)}(...) with *args or "
            "**kwargs: its target is only known when the code runs",
            env.where(node),
            hint="pass the arguments one by one",
        )
    label = S.to_source(func)
    short = identifier(func.attr if isinstance(func, gast.Attribute) else label, "f")
    if strict and isinstance(func, gast.Name) and env.active(func):
        return _emit_record_call(calls, call, target_name, direction, env, node, short)
    atoms = [*call.args, *(k.value for k in call.keywords)]
    active = [(i, a) for i, a in enumerate(atoms) if env.active(a)]
    wrt = tuple(i for i, _ in active)
    site = Site(label, env.where(node), wrt, env.batch, calls.generate, strict)
    if not active:
        return _emit_inactive(calls, call, target_name, direction, site, short)
    site_name = calls.binder.bind(f"dispatch_{short}", site)
    if direction == "jvp":
        return _emit_jvp(site_name, call, target_name, env, short, atoms, active)
    return _emit_vjp(site_name, call, target_name, env, short, active)


def _emit_inactive(calls, call: gast.Call, target_name: str, direction: str, site, short):
    """No differentiated argument: a derivative can only come through the callable, which
    is refused when it arrives unless it holds nothing (`carries_nothing`)."""
    zero = [d_accumulate(target_name, Zero(like=target_name))] if direction == "jvp" else []
    if not site.strict:
        return apply.Applied(zero)
    check = gast.Expr(
        gast.Call(
            func=gast.Attribute(
                S.name(calls.binder.bind(f"dispatch_{short}", site)), "check", gast.Load()
            ),
            args=[S.clone(call.func)],
            keywords=[],
        )
    )
    return apply.Applied(zero, primal=[check, S.assign(target_name, S.clone(call))])


def _site_call(site_name: str, call: gast.Call, method: str) -> gast.Call:
    """``site.<method>(f, args...)``: the site asked for the derivative function of f."""
    return gast.Call(
        func=gast.Attribute(S.name(site_name), method, gast.Load()),
        args=[S.clone(call.func), *[S.clone(a) for a in call.args]],
        keywords=[S.clone(k) for k in call.keywords],
    )


def _emit_jvp(site_name: str, call: gast.Call, target_name: str, env, short, atoms, active):
    jvp_name, tangent = env.fresh(f"jvp_{short}"), env.fresh(f"d_{target_name}")
    tangents = S.tuple_([deriv(a.id) for _, a in active])
    primal = [
        S.assign(jvp_name, _site_call(site_name, call, "jvp")),
        S.assign(
            S.tuple_([S.name(target_name, store=True), S.name(tangent, store=True)], True),
            S.call(S.name(jvp_name), [S.clone(a) for a in atoms] + [tangents]),
        ),
    ]
    return apply.Applied([d_accumulate(target_name, S.name(tangent))], primal=primal)


def _emit_vjp(site_name: str, call: gast.Call, target_name: str, env, short, active):
    fwd, bwd = env.fresh(f"fwd_{short}"), env.fresh(f"bwd_{short}")
    res, back = env.fresh(f"{target_name}_res"), env.fresh(f"b_{short}")
    primal = [
        S.assign(
            S.tuple_([S.name(fwd, store=True), S.name(bwd, store=True)], True),
            _site_call(site_name, call, "vjp"),
        ),
        S.assign(
            S.tuple_([S.name(target_name, store=True), S.name(res, store=True)], True),
            gast.Call(
                func=S.name(fwd),
                args=[S.clone(a) for a in call.args],
                keywords=[S.clone(k) for k in call.keywords],
            ),
        ),
    ]
    body = [S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)]))]
    body += [
        d_accumulate(a.id, S.subscript(S.name(back), S.const(i))) for i, (_, a) in enumerate(active)
    ]
    return apply.Applied([Block(sources=[target_name], body=body)], primal=primal)


def _emit_record_call(calls, call: gast.Call, target_name: str, direction: str, env, node, short):
    """``y = f(x)`` where the function value `f` carries a derivative (a closure over a
    differentiated value, a partial of one): `f` is a record of its code and the values it
    holds, and the call is differentiated with respect to those too:

        code_f = rt.code_of(f)                      # no derivative: what f runs
        held_f = rt.captured(f)                     # derivative: f's own
        fwd_f, bwd_f = dispatch_f.vjp(code_f, held_f, x)
        y, y_res = fwd_f(held_f, x)
        ...
        b_f = bwd_f(y_res, b_y)                     # b_f[0] goes to f, b_f[1] to x
    """
    func = call.func
    rt = env.bind_external("rt", runtime)
    code, held = env.fresh(f"code_{short}"), env.fresh(f"held_{short}")
    prelude = [
        S.assign(code, S.call(gast.Attribute(S.name(rt), "code_of", gast.Load()), [S.clone(func)])),
        S.assign(
            held, S.call(gast.Attribute(S.name(rt), "captured", gast.Load()), [S.clone(func)])
        ),
    ]
    atoms = [*call.args, *(k.value for k in call.keywords)]
    active = [(i + 1, a) for i, a in enumerate(atoms) if env.active(a)]
    wrt = (0, *(i for i, _ in active))
    site = Site(S.to_source(func), env.where(node), wrt, env.batch, calls.generate, True)
    site_name = calls.binder.bind(f"dispatch_{short}", site)
    args = [S.name(held), *[S.clone(a) for a in call.args]]
    keywords = [S.clone(k) for k in call.keywords]
    site_call = gast.Call(
        func=gast.Attribute(S.name(site_name), direction, gast.Load()),
        args=[S.name(code), *args],
        keywords=keywords,
    )
    if direction == "jvp":
        jvp_name, tangent = env.fresh(f"jvp_{short}"), env.fresh(f"d_{target_name}")
        tangents = S.tuple_([deriv(func.id), *(deriv(a.id) for _, a in active)])
        primal = prelude + [
            S.assign(jvp_name, site_call),
            S.assign(
                S.tuple_([S.name(target_name, store=True), S.name(tangent, store=True)], True),
                S.call(S.name(jvp_name), [S.name(held), *(S.clone(a) for a in atoms)] + [tangents]),
            ),
        ]
        return apply.Applied([d_accumulate(target_name, S.name(tangent))], primal=primal)
    fwd, bwd = env.fresh(f"fwd_{short}"), env.fresh(f"bwd_{short}")
    res, back = env.fresh(f"{target_name}_res"), env.fresh(f"b_{short}")
    primal = prelude + [
        S.assign(S.tuple_([S.name(fwd, store=True), S.name(bwd, store=True)], True), site_call),
        S.assign(
            S.tuple_([S.name(target_name, store=True), S.name(res, store=True)], True),
            gast.Call(func=S.name(fwd), args=args, keywords=[S.clone(k) for k in call.keywords]),
        ),
    ]
    body = [S.assign(back, S.call(S.name(bwd), [S.name(res), deriv(target_name)]))]
    body.append(d_accumulate(func.id, S.subscript(S.name(back), S.const(0))))
    body += [
        d_accumulate(a.id, S.subscript(S.name(back), S.const(i + 1)))
        for i, (_, a) in enumerate(active)
    ]
    return apply.Applied([Block(sources=[target_name], body=body)], primal=primal)


# ----------------------------------------------------------------------------- inspection


def dispatched_sources(functions) -> str:
    """The derivatives the dispatch sites reachable from `functions` (generated functions,
    and the generated callees they call) generated so far, with the generated callees of
    those, as text for ``srcad.source``; "" without sites. Each is headed by the call it
    serves and the callable that arrived there."""
    parts: list[str] = []
    seen: set = set()

    def walk(fn, show: bool) -> None:
        for value in _closure_values(fn):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, Site):
                for described, generated in value.generated():
                    parts.append(
                        f"# dispatched at run time: {value.describe()} called {described}\n"
                    )
                    parts.extend(generated.sources.values())
                    for g in generated.functions.values():
                        seen.add(id(g))
                        walk(g, True)
            elif getattr(value, "__srcad_generated__", False):
                if show:
                    parts.append(_source_of(value))
                walk(value, show)

    for fn in functions:
        seen.add(id(fn))
        walk(fn, False)
    text = ""
    for part in parts:  # a blank line between functions, none after a heading
        text += part.rstrip("\n") + ("\n" if part.startswith("#") else "\n\n")
    return text.rstrip("\n") + "\n" if text else ""


def _closure_values(fn) -> list:
    out = []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            out.append(cell.cell_contents)
        except ValueError:  # a cell not filled yet (a recursive call being generated)
            continue
    return out


def _source_of(fn) -> str:
    try:
        return textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return f"# {fn.__name__}: source unavailable\n"
