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

import dataclasses
import inspect
import linecache
import sys
import textwrap
import types
from collections.abc import Callable

import gast

from .. import syntax as S
from ..errors import RuleDefinitionError
from ..optimize.fold import fold_static_ifs
from ..parse import def_source
from ..transform.dnotation import Deriv, Zero

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


@dataclasses.dataclass
class Rule:
    primitive: object
    name: str
    vjp: Template | None = None
    jvp: Template | None = None
    nondiff: bool = False
    broadcast: tuple[str, ...] = ()  # parameters broadcast elementwise against each other
    linear: tuple[str, ...] = ()  # zero when all of these arguments are zero (linear map)
    bilinear: tuple[str, ...] = ()  # zero when any of these arguments is zero (a product)
    aliases: dict[str, str] = dataclasses.field(default_factory=dict)  # other keyword names
    arity: int | None = None  # positional parameters, for primitives without a signature
    result: str = "array"  # the kind of value it returns: "array", "tuple" or "list"
    # Parameters the rule has no derivative for (the order of a Bessel function): a call
    # that differentiates one is refused when it is transformed, never given a zero.
    refused: dict[str, str] = dataclasses.field(default_factory=dict)  # parameter -> why


class Absent:
    """A function the installed numpy (or Python) does not have, as `optional` returns it.

    Registering rules for it (`vjp_rule`, `jvp_rule`, `nondiff`, `returns`, `linear_in`)
    does nothing, so the rule modules declare the rules of version-dependent functions
    (np.vecdot, np.trapezoid, math.exp2...) like any others, and only the functions the
    installed versions have get rules."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f"<{self.name}: absent>"


def optional(module, name: str, *, needs: tuple[str, ...] = ()):
    """``module.<name>``, or an `Absent` placeholder when `module` lacks it, or lacks one of
    the functions `needs` names (other attributes of `module` that its rules call)."""
    for attribute in (name, *needs):
        if not hasattr(module, attribute):
            return Absent(f"{module.__name__}.{attribute}")
    return getattr(module, name)


def present(primitive) -> bool:
    """False for the `Absent` placeholder of a function missing from the installed numpy."""
    return not isinstance(primitive, Absent)


_RULES: dict[object, Rule] = {}
_KEEP: list[object] = []  # primitives stay alive, so their ids stay theirs

# Rule modules for third-party packages, imported the first time srcad meets one of the
# package's functions (so that `import srcad` never imports scipy): package -> module.
_LAZY_RULES = {"scipy": "srcad.rules.scipy"}
_lazy_loaded: set[str] = set()


def registry_key(obj):
    """The registry's key for `obj`: its id, or for a bound method (which Python makes anew
    at each attribute access: `scipy.stats.norm.logpdf`, `np.add.at`, `rng.normal`) the ids
    of its object and its function."""
    owner = getattr(obj, "__self__", None)
    if owner is None or isinstance(owner, types.ModuleType):
        return id(obj)
    if isinstance(obj, types.MethodType):
        return (id(owner), id(obj.__func__))
    if isinstance(obj, types.BuiltinMethodType):
        return (id(owner), obj.__name__)
    return id(obj)


def _same(primitive, obj) -> bool:
    if primitive is obj:
        return True
    owner = getattr(obj, "__self__", None)
    return (
        owner is not None
        and getattr(primitive, "__self__", None) is owner
        and getattr(primitive, "__func__", primitive.__name__)
        == getattr(obj, "__func__", obj.__name__)
    )


def lookup(obj) -> Rule | None:
    try:
        rule = _RULES.get(registry_key(obj))
    except TypeError:
        return None
    if rule is not None and _same(rule.primitive, obj):
        return rule
    if rule is None and _load_lazy_rules(obj):
        return lookup(obj)
    return None


def _package_of(obj) -> str:
    module = getattr(obj, "__module__", None)
    if module is None and type(obj).__name__ == "ufunc":
        # A ufunc does not say where it comes from: scipy.special's are found there.
        special = sys.modules.get("scipy.special")
        if special is not None and getattr(special, obj.__name__, None) is obj:
            return "scipy"
    module = module or getattr(type(obj), "__module__", None) or ""
    return module.partition(".")[0]


def _load_lazy_rules(obj) -> bool:
    """Import the rule module of `obj`'s package, once; True if one was imported now."""
    package = _package_of(obj)
    rules_module = _LAZY_RULES.get(package)
    if rules_module is None or package in _lazy_loaded:
        return False
    _lazy_loaded.add(package)
    import importlib

    try:
        importlib.import_module(rules_module)
    except ImportError:
        return False
    return True


def all_rules() -> list[Rule]:
    return list(_RULES.values())


def _rule_for(primitive, name: str | None = None) -> Rule:
    rule = lookup(primitive)
    if rule is None:
        rule = Rule(primitive, name or qualified_name(primitive))
        _RULES[registry_key(primitive)] = rule
        _KEEP.append(primitive)
    return rule


def qualified_name(obj) -> str:
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    if not module and _package_of(obj) == "scipy":
        module = "scipy.special"  # its ufuncs
    if module.startswith("scipy."):
        return _scipy_name(obj, module, name)
    owner_module = type(getattr(obj, "__self__", None)).__module__
    if not module and owner_module.startswith("numpy."):
        module = owner_module  # numpy < 2: np.random's functions (RandomState methods)
    if (
        module in ("numpy", "numpy.core.multiarray", "numpy._core.multiarray")
        or type(obj).__name__ == "ufunc"
    ):
        module = "numpy"
    elif module.startswith("numpy."):
        module = module.split("._")[0].replace(".core", "").replace(".mtrand", "")
    return f"{module}.{name}" if module else name


def _scipy_name(obj, module: str, name: str) -> str:
    """scipy's public names: scipy.special.logsumexp, scipy.stats.norm.logpdf (a method of
    the distribution object `norm`, an instance of norm_gen)."""
    owner = getattr(obj, "__self__", None)
    if module.startswith("scipy.stats") and type(owner).__name__.endswith("_gen"):
        return f"scipy.stats.{type(owner).__name__[: -len('_gen')]}.{obj.__name__}"
    return f"{module.split('._')[0]}.{name}"


def primitive_params(primitive) -> list[inspect.Parameter] | None:
    """The primitive's parameters, or None when it has no inspectable signature (ufuncs)."""
    if type(primitive).__name__ == "ufunc":
        return None
    try:
        return list(inspect.signature(primitive).parameters.values())
    except (TypeError, ValueError):
        return None


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


def vjp_rule(primitive, **options):
    """Register the reverse-mode template of `primitive` (see the module docstring).

    Options: ``broadcast``, ``linear``, ``bilinear`` (docs/rules.md), ``aliases`` (other
    keyword names of parameters), ``arity`` (positional parameters of a primitive without
    a signature), ``refuse={"v": "why"}``: parameters without a derivative formula, which
    a transform refuses (naming the call and the reason) when the call differentiates one.
    """
    return _register("vjp", primitive, **options)


def jvp_rule(primitive, **options):
    """Register the forward-mode template of `primitive` (see the module docstring)."""
    return _register("jvp", primitive, **options)


def nondiff(*primitives, name: str | None = None) -> None:
    """Declare primitives whose outputs carry no derivative (integers, booleans, shapes...)."""
    for p in primitives:
        if present(p):
            _rule_for(p, name).nondiff = True


def linear_in(primitive, *params: str) -> None:
    if present(primitive):
        _rule_for(primitive).linear = tuple(params)


def returns(kind: str, *primitives) -> None:
    """Declare that `primitives` return a tuple or list (np.linalg.eigh, np.split...)."""
    for p in primitives:
        if present(p):
            _rule_for(p).result = kind


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
            if node.id in template.globals and node.id not in ("static", "ndim", "real"):
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
        return new

    body = [substitute(s) for s in template.body]
    return fold_static_ifs(body, ndims)
