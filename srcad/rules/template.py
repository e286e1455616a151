"""Derivative rules as Python templates, and the registry that holds them.

A rule is a small Python function whose body is inlined, as source, into generated code::

    @vjp_rule(np.tanh)
    def _(ans, x):
        d[x] = d[ans] * (1.0 - ans * ans)

    @jvp_rule(np.tanh)
    def _(ans, x):
        d[ans] = d[x] * (1.0 - ans * ans)

The first parameter is the primitive's result, the others are the primitive's parameters
(checked against its signature when the rule is registered; defaults of the template fill the
arguments a call leaves out). ``d[x]`` is the tangent (jvp) or adjoint (vjp) of ``x``. In a
vjp template ``d[x] = e`` *adds* ``e`` into the adjoint of ``x``; the machinery handles zero
adjoints, accumulation and (for parameters listed in ``broadcast``) numpy broadcasting, so a
rule never does. ``nb`` is the number of leading direction axes that tangents and adjoints
carry (0, or 1 in the vectorized modes that build Jacobians); ``if`` tests that only involve
constants and ``nb`` are decided when the template is instantiated.

Instantiation returns statements in *d-notation*: ``d[v] = e`` and reads of ``d[v]`` with
``v`` the primal name of the operand. `srcad.transform.accumulate` lowers those to real names.
"""

from __future__ import annotations

import inspect
import linecache
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

import gast
import numpy as np

from ..errors import RuleDefinitionError
from ..ir import syntax as S
from ..ir.dnotation import Deriv, Zero
from ..parse import def_source
from .fold import fold_static_ifs
from .registry import (  # noqa: F401 - the declarations rule modules import from here
    Absent,
    Effect,
    Rule,
    _rule_for,
    all_rules,
    draws,
    facts,
    linear_in,
    lookup,
    method_entry,
    nondiff,
    opaque,
    optional,
    outside,
    present,
    primitive_params,
    pure,
    qualified_name,
    registry_key,
    returns,
    writes,
)

F = TypeVar("F", bound=Callable[..., Any])

D = "d"  # the marker name in templates and in d-notation


class _DerivativeMarker:
    """The `d` that templates index. Templates are inlined, never called."""

    def __getitem__(self, key):
        raise RuntimeError("srcad rule templates are inlined into generated code, not called")

    def __setitem__(self, key, value):
        raise RuntimeError("srcad rule templates are inlined into generated code, not called")


d = _DerivativeMarker()
nb = 0  # direction axes; a constant at instantiation


def static(test) -> bool:
    """In templates: `test` if it is known when the template is inlined, else False."""
    raise RuntimeError("srcad rule templates are inlined into generated code, not called")


def real(x) -> bool:
    """In templates, inside ``static(...)``: `x` is known to hold real (not complex) values."""
    raise RuntimeError("srcad rule templates are inlined into generated code, not called")


def ndim(x) -> int:
    """In templates, inside ``static(...)``: the number of dimensions of `x`, when known."""
    raise RuntimeError("srcad rule templates are inlined into generated code, not called")


def same_shape(*xs) -> bool:
    """In templates, inside ``static(...)``: the operands certainly have one shape (names of
    one shape class, see `analyze.ndims`), so a sum of their derivatives has it too."""
    raise RuntimeError("srcad rule templates are inlined into generated code, not called")


class Template:
    """A registered template. Its signature is checked when it is registered; its body is
    read on first use (parsing hundreds of templates at import would make `import srcad`
    slow), so a malformed body is reported then, as a `RuleDefinitionError`."""

    def __init__(self, kind: str, func: Callable, params: list, defaults: dict, keyword_only: set):
        self.kind = kind  # "vjp" or "jvp"
        self.func = func
        self.params = params  # primitive parameters, in order (the template's, after `ans`)
        self.defaults = defaults  # template default values (as Python constants)
        self.keyword_only = keyword_only
        self.globals = func.__globals__
        self._parsed = None

    def _parse(self):
        if self._parsed is None:
            self._parsed = _parse_body(self)
        return self._parsed

    @property
    def body(self) -> list:  # gast statements in d-notation
        return self._parse()[0]

    @property
    def locals_(self) -> set:  # names assigned in the body (fresh-named on instantiation)
        return self._parse()[1]

    @property
    def outputs(self) -> set:  # vjp: parameters whose adjoint the body writes
        return self._parse()[2]

    @property
    def reads(self) -> set:  # parameters whose derivative the body reads (jvp: tangents)
        return self._parse()[3]


def differentiable_params(rule) -> set[str]:
    """Parameters through which a derivative flows, according to the rule's templates.

    A rule's vjp writes the adjoints of exactly the parameters its jvp reads the tangents of
    (tests/test_rules.py checks this for every rule), so one template answers; the one
    already parsed, to spare a transform parsing templates of the other mode. Refused
    parameters count too: a derivative reaches them, for the transform to refuse it."""
    refused = set(rule.refused)
    if rule.jvp is not None and (rule.vjp is None or rule.vjp._parsed is None):
        if rule.jvp._parsed is not None or rule.vjp is None:
            return rule.jvp.reads | refused
    return (rule.vjp.outputs if rule.vjp is not None else set()) | refused


def _where(func: Callable, kind: str) -> str:
    return (
        f"{kind} template {func.__qualname__} ({func.__code__.co_filename}:"
        f"{func.__code__.co_firstlineno})"
    )


def _parse_template(func: Callable, kind: str) -> Template:
    """Check a template's signature (its body is read later, see `Template`)."""
    sig = inspect.signature(func)
    names = list(sig.parameters)
    where = _where(func, kind)
    if not names or names[0] != "ans":
        raise RuleDefinitionError(
            f"{where}: the first parameter must be `ans`",
            hint="write def _(ans, x, ...): `ans` receives the primitive's result, then the "
            "primitive's parameters follow (docs/rules.md)",
        )
    params = names[1:]
    if "nb" in params or "d" in params or "static" in params:
        raise RuleDefinitionError(
            f"{where}: `nb`, `d` and `static` are reserved names in "
            "templates; rename the parameter (and the primitive's)",
            hint="d[...] names derivatives, nb the number of batch axes and static(...) "
            "values fixed at generation time; see docs/rules.md",
        )
    defaults = {p.name: p.default for p in sig.parameters.values() if p.default is not p.empty}
    keyword_only = {p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY}
    return Template(kind, func, params, defaults, keyword_only)


def _template_def(func: Callable) -> gast.FunctionDef | None:
    """Parse just the template's own lines (tokenizing its whole module would be slower),
    without positions: inlined code takes the user's line numbers."""
    code = func.__code__
    found = def_source(
        code, linecache.getlines(code.co_filename), lambda text: S.parse(text, positions=False)
    )
    if found is None:
        return None
    return next((n for n in found[1].body if isinstance(n, gast.FunctionDef)), None)


def _parse_body(template: Template):
    func, kind, params = template.func, template.kind, template.params
    names = ["ans", *params]
    where = _where(func, kind)
    fdef = _template_def(func)
    if fdef is None:  # lines not available as such: let inspect find the block
        src = textwrap.dedent(inspect.getsource(func))
        module = S.parse(src, positions=False)
        fdef = next(n for n in module.body if isinstance(n, gast.FunctionDef))
    body = fdef.body
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
        body = body[1:]
    found = _Found(names, where)
    body = [found.rewrite(s) for s in body]
    locals_, outputs, reads = found.locals_, found.outputs, found.reads
    if locals_ & set(names):
        raise RuleDefinitionError(
            f"{where}: the body must not reassign a parameter ({sorted(locals_ & set(names))})",
            hint="assign the intermediate value to a new local name",
        )
    if kind == "vjp" and "ans" in outputs:
        raise RuleDefinitionError(
            f"{where}: a vjp template writes d[param], not d[ans]",
            hint="read d[ans] (the output's cotangent) and assign d[x] for each parameter x",
        )
    if kind == "jvp" and outputs != {"ans"}:
        raise RuleDefinitionError(
            f"{where}: a jvp template must assign d[ans] (and only it)",
            hint="assign d[ans] from the parameters' tangents d[x]; keep other values in "
            "plain local names",
        )
    return body, locals_, outputs, reads - {"ans"}


class _Found:
    """One pass over a template body: rewrites its ``d[p]`` subscripts into `Deriv` nodes and
    collects the names it assigns, the derivatives it writes and those it reads."""

    def __init__(self, names: list[str], where: str):
        self.names, self.where = names, where
        self.locals_: set[str] = set()
        self.outputs: set[str] = set()
        self.reads: set[str] = set()

    def rewrite(self, node):
        cls = type(node)
        if cls is gast.Name:
            if type(node.ctx) is gast.Store:
                self.locals_.add(node.id)
            return node
        if cls is gast.Subscript and S.is_name(node.value, D):
            key = node.slice
            if not isinstance(key, gast.Name) or key.id not in self.names:
                raise RuleDefinitionError(
                    f"{self.where}: d[...] must index `ans` or a parameter, "
                    f"found d[{S.to_source(key)}]",
                    hint="index d with a name: d[ans] or d[x] for a parameter x",
                )
            (self.outputs if type(node.ctx) is gast.Store else self.reads).add(key.id)
            return Deriv(id=key.id, ctx=node.ctx)
        fields = node.__dict__
        for field in node._fields:
            value = fields.get(field)
            if type(value) is list:
                fields[field] = [self.rewrite(v) if isinstance(v, gast.AST) else v for v in value]
            elif isinstance(value, gast.AST):
                fields[field] = self.rewrite(value)
        return node


def _check_against_primitive(template: Template, rule: Rule) -> None:
    where = f"{template.kind} rule for {rule.name}"
    params = primitive_params(rule.primitive)
    if params is None:
        nin = getattr(rule.primitive, "nin", None) or rule.arity
        positional = [p for p in template.params if p not in template.keyword_only]
        if nin is not None and len(positional) != nin:
            raise RuleDefinitionError(
                f"{where}: the primitive takes {nin} positional argument(s), the template "
                f"names {len(positional)} ({positional})",
                hint="after ans, name one template parameter per positional argument of the "
                "primitive",
            )
        return
    known = {p.name: i for i, p in enumerate(params)}
    for alias, target in rule.aliases.items():
        if alias in known and target not in known:
            known[target] = known[alias]
    accepts_var = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)
    for i, name in enumerate(template.params):
        if name in template.keyword_only:
            continue
        if name not in known and not accepts_var:
            raise RuleDefinitionError(
                f"{where}: template parameter {name!r} is not a parameter of "
                f"{rule.name}{_sig_text(params)}",
                hint="name the template's parameters as the primitive names its own, in the "
                "same order",
            )
        if name in known and known[name] != i:
            raise RuleDefinitionError(
                f"{where}: template parameter {name!r} is at position {i}, but at position "
                f"{known[name]} in {rule.name}{_sig_text(params)}",
                hint="name the template's parameters as the primitive names its own, in the "
                "same order",
            )


def _sig_text(params) -> str:
    return "(" + ", ".join(p.name for p in params) + ")"


def _register(
    kind: str,
    primitive,
    *,
    broadcast=(),
    linear=(),
    bilinear=(),
    aliases=None,
    name=None,
    arity=None,
    refuse=None,
):
    def decorate(func):
        if not present(primitive):
            return func
        rule = _rule_for(primitive, name)
        if broadcast:
            rule.broadcast = tuple(broadcast)
        if linear:
            rule.linear = tuple(linear)
        if bilinear:
            rule.bilinear = tuple(bilinear)
        if aliases:
            rule.aliases.update(aliases)
        if arity is not None:
            rule.arity = arity
        if refuse:
            rule.refused.update(refuse)
        template = _parse_template(func, kind)
        _check_against_primitive(template, rule)
        for p in rule.refused:
            if p not in template.params:
                raise RuleDefinitionError(
                    f"{kind} rule for {rule.name}: refused parameter {p!r} is not a template "
                    "parameter",
                    hint="list in refuse= only parameters the template names",
                )
        for p in rule.broadcast:
            if p not in template.params:
                raise RuleDefinitionError(
                    f"{kind} rule for {rule.name}: broadcast parameter "
                    f"{p!r} is not a template parameter",
                    hint="list in broadcast= only parameters the template names",
                )
        setattr(rule, kind, template)
        rule.nondiff = False
        return func

    return decorate


def vjp_rule(primitive: Any, **options: Any) -> Callable[[F], F]:
    """Register the reverse-mode template of `primitive` (see the module docstring).

    The decorated function is a template: its first parameter is the primitive's result
    (``ans``), the others are the primitive's parameters, by its own names. Its body adds
    into each parameter's adjoint, ``d[x] = d[ans] * ...``; srcad inlines it, as source,
    wherever differentiated code calls `primitive`. docs/rules.md has the details.

    Args:
        primitive: the function the rule is for (a numpy ufunc, a C function, or a Python
            function whose body srcad should not differentiate).
        **options: what the machinery needs to know: ``broadcast=("x", "y")`` for
            elementwise parameters, ``linear=`` / ``bilinear=`` for zero derivatives,
            ``arity=`` for a C function without a signature, ``name=`` and ``aliases=``,
            ``refuse={"v": "why"}`` for parameters without a derivative formula (a
            transform refuses a call that differentiates one, naming the reason).

    Returns:
        A decorator that registers the template and returns it unchanged.

    Raises:
        RuleDefinitionError: (when decorating) the template's parameters do not match the
            primitive's, or it writes what a vjp template must not (``d[ans]``).

    Example:
        >>> import numpy as np, srcad
        >>> from srcad.rules import d
        >>> def softplus(x):  # stands for a function srcad cannot read (in C, say)
        ...     return np.logaddexp(0.0, x)
        >>> @srcad.vjp_rule(softplus)
        ... def _(ans, x):
        ...     d[x] = d[ans] * (1.0 - np.exp(-ans))
        >>> float(srcad.grad(lambda x: 2.0 * softplus(x))(0.0))
        1.0
    """
    return _register("vjp", primitive, **options)


def unary_rule(primitive: Any, slope: str, **options: Any) -> None:
    """Both templates of a one-argument elementwise function from its derivative.

    `slope` is the derivative f'(x) as source, in terms of ``x`` and ``ans`` (the result), and
    of ``np``, ``math`` and ``rt``: ``unary_rule(np.sin, "np.cos(x)")`` stands for the vjp
    template ``d[x] = d[ans] * np.cos(x)`` and the jvp template ``d[ans] = d[x] *
    np.cos(x)``. `options` are `vjp_rule`'s, for both.
    """
    if not present(primitive):
        return
    import math

    from .. import runtime

    for kind, line in (("vjp", "d[x] = d[ans] * ({})"), ("jvp", "d[ans] = d[x] * ({})")):
        source = f"def _(ans, x):\n    {line.format(slope)}\n"
        filename = f"<srcad {kind} rule of {qualified_name(primitive)}>"
        # linecache keeps the text, so the template reads as one written in a file
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        namespace = {"__name__": __name__, "np": np, "math": math, "rt": runtime, "d": d}
        exec(compile(source, filename, "exec"), namespace)
        _register(kind, primitive, **options)(namespace["_"])


def jvp_rule(primitive: Any, **options: Any) -> Callable[[F], F]:
    """Register the forward-mode template of `primitive` (see the module docstring).

    The template's parameters are those of a `vjp_rule`; its body assigns the result's
    tangent once, ``d[ans] = d[x] * ...``, reading the parameters' tangents ``d[x]``.

    Args:
        primitive: the function the rule is for.
        **options: as for `vjp_rule`.

    Returns:
        A decorator that registers the template and returns it unchanged.

    Raises:
        RuleDefinitionError: (when decorating) the template's parameters do not match the
            primitive's, or it does not assign ``d[ans]`` exactly once.

    Example:
        >>> import numpy as np, srcad
        >>> from srcad.rules import d
        >>> def softsign(x):
        ...     return x / (1.0 + np.abs(x))
        >>> @srcad.jvp_rule(softsign)
        ... def _(ans, x):
        ...     d[ans] = d[x] / (1.0 + np.abs(x)) ** 2
        >>> float(srcad.jvp(lambda x: softsign(x), (1.0,), (1.0,))[1])
        0.25
    """
    return _register("jvp", primitive, **options)


# ----------------------------------------------------------------------------- instantiation


class BindError(Exception):
    """A call's arguments do not fit the template (reported by the caller with a location)."""


def bind_call(template: Template, rule: Rule, args: list, keywords: dict) -> dict[str, gast.expr]:
    """Map template parameters to the call's argument atoms, filling in template defaults."""
    bound: dict[str, gast.expr] = {}
    positional = [p for p in template.params if p not in template.keyword_only]
    if len(args) > len(positional):
        raise BindError(
            f"{rule.name} got {len(args)} positional arguments; srcad's rule "
            f"knows {len(positional)} ({', '.join(positional)})"
        )
    for p, a in zip(positional, args):
        bound[p] = a
    for k, v in keywords.items():
        k = rule.aliases.get(k, k)
        if k not in template.params:
            raise BindError(f"srcad's rule for {rule.name} does not support the argument {k}=")
        if k in bound:
            raise BindError(f"{rule.name} got two values for {k!r}")
        bound[k] = v
    for p in template.params:
        if p not in bound:
            if p not in template.defaults:
                raise BindError(f"{rule.name} is missing the argument {p!r}")
            bound[p] = S.const(template.defaults[p])
    return bound


def _folded_count(node: gast.BinOp) -> gast.expr:
    """``0 + 1`` (a helper's `batch + nb` with both known) as ``1``: integer sums and
    differences of constants, which templates make of axis and batch counts."""
    left, right = node.left, node.right
    if (
        isinstance(node.op, (gast.Add, gast.Sub))
        and isinstance(left, gast.Constant)
        and isinstance(right, gast.Constant)
        and type(left.value) is int
        and type(right.value) is int
    ):
        value = (
            left.value + right.value if isinstance(node.op, gast.Add) else left.value - right.value
        )
        return S.const(value)
    return node


def instantiate(
    template: Template,
    bound: dict[str, gast.expr],
    ans: str,
    fresh: Callable[[str], str],
    batch: int,
    bind_external: Callable[[str, object], str],
    ndims: dict | None = None,
) -> list:
    """Inline a template: parameters become the call's atoms, `ans` the result's name.

    Returns statements in d-notation. Template locals get fresh names; names the template
    reads from its module (``np``, ``rt``) are renamed to whatever `bind_external` binds them
    to in the generated code.
    """
    local_names = {n: fresh(n) for n in sorted(template.locals_)}
    replacement = dict(bound)
    replacement["ans"] = S.name(ans)
    replacement["nb"] = S.const(batch)

    # One pass copies the template's tree and substitutes into the copy (the template's own
    # nodes never reach generated code, which later passes change in place).
    def substitute(node):
        cls = type(node)
        if cls is Deriv:
            atom = replacement[node.id]
            if isinstance(atom, gast.Name):
                return Deriv(id=atom.id, ctx=node.ctx)
            if isinstance(node.ctx, gast.Load):
                return Zero(like=S.clone(atom))  # the derivative of a constant
            return Deriv(id=None, ctx=node.ctx)
        if cls is gast.Name:
            if node.id in local_names:
                return S.name(local_names[node.id], store=isinstance(node.ctx, gast.Store))
            if node.id in replacement:
                return S.clone(replacement[node.id])
            if node.id in template.globals and node.id not in (
                "static",
                "ndim",
                "real",
                "same_shape",
            ):
                return S.name(bind_external(node.id, template.globals[node.id]))
            return S.clone(node)  # static(...) and friends are folded below, never emitted
        if not cls._fields and not cls._attributes:
            return node  # contexts and operators are shared, as S.clone shares them
        new = cls.__new__(cls)
        fields = new.__dict__
        for key, value in node.__dict__.items():
            if type(value) is list:
                value = [substitute(v) if isinstance(v, gast.AST) else v for v in value]
            elif isinstance(value, gast.AST):
                value = substitute(value)
            fields[key] = value
        if cls is gast.BinOp:
            return _folded_count(new)
        return new

    body = [substitute(s) for s in template.body]
    substitute = None  # noqa: F841 - a recursive closure's cycle, freed now (no collection)
    return fold_static_ifs(body, ndims)
