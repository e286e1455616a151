"""The registry: one entry per primitive, holding every fact srcad knows about it.

An entry (`Rule`) is created for every callable srcad has classified: numpy's, math's and
Python's functions, the methods of arrays, lists, dicts and ufuncs, srcad's own runtime
helpers. It says

* how to differentiate it: its vjp and jvp templates (`srcad.rules.template`), or
  ``nondiff`` (its result carries no derivative: integers, booleans, shapes, rounding);
* how derivatives pass through it: the parameters it broadcasts elementwise, the ones it is
  linear or bilinear in (the simplifier drops zero terms with these), the kind of value it
  returns;
* what the analyses need to know of its result (`facts`): its rank (that of its first
  argument, or that reduced over ``axis``), whether it may be complex for real arguments,
  whether it is a new object or may be a view of an argument, whether a method puts its
  arguments into the object it changes;
* what it does besides returning a value, its `Effect`: pure (the default), changes some of
  its arguments in place (`writes`), draws random numbers, acts outside the program (I/O,
  settings), or calls code srcad cannot see (a function given to it).

A call whose target has no entry is *unknown*: srcad refuses it where it touches a value that
carries a derivative (`srcad.analyze.effects`), never assuming it pure or constant. Entries
are keyed by the primitive's identity (`registry_key`); rule modules for third-party packages
are imported the first time srcad meets one of their functions (`_LAZY_RULES`).
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import sys
import types

from ..errors import RuleDefinitionError


class Effect(enum.Enum):
    """What a call does besides returning its result."""

    PURE = "pure"  # reads its arguments, returns a value
    WRITES = "writes"  # changes the arguments its entry's `writes` names, in place
    RANDOM = "random"  # draws from a random generator (runs once, in order, never twice)
    OUTSIDE = "outside"  # acts outside the program's values (prints, files, settings)
    OPAQUE = "opaque"  # runs code srcad does not see (a function passed to it)


@dataclasses.dataclass
class Rule:
    """The registry entry of one primitive (see the module docstring)."""

    primitive: object
    name: str
    vjp: object = None  # srcad.rules.template.Template, or None
    jvp: object = None
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
    effect: Effect = Effect.PURE
    writes: tuple = ()  # the parameters (names, or positions) whose argument it changes
    hint: str = ""  # what to write instead, when srcad refuses a call to it; {0} is the
    # receiver of a method (the alias check names it)
    # Facts the analyses read, declared with `facts` by the table that owns the entry:
    rank: str = ""  # "same": its first argument's rank; "reduce": that less `axis` (ndims);
    # "scalar": a number; "shape": as many axes as its first argument, a shape, has
    complex_result: bool = False  # may return complex values for real arguments (ndims)
    fresh: bool = False  # returns a new object, never an argument or a view of one
    view: bool = False  # may return a view of an argument, or the argument itself
    stores: bool = False  # a method putting its arguments into the object it changes
    # takes a sequence of arrays as such, each item with its own shape (np.stack): a list
    # display passed to it is not made one array first (srcad.normalize.resolved)
    sequences: bool = False
    # A view attribute written through (y.flat[i] = v) is refused: what to write instead.
    refused_write: str = ""

    def hint_for(self, receiver: str) -> str:
        """The hint, naming `receiver` where it says {0} (the array a method changes)."""
        return self.hint.replace("{0}", receiver)

    @property
    def classified(self) -> bool:
        """Whether srcad knows what a call does (always, for an entry)."""
        return True


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
_VERSION = [0]  # counts the changes to the registry: generated code from before is stale


def version() -> int:
    """How many times the registry has changed (code generated before a change is stale)."""
    return _VERSION[0]


def changed() -> None:
    _VERSION[0] += 1


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
    """The registry entry of `obj`, or None when srcad does not know it.

    A method bound to an object (``rng.normal``, ``np.add.at``, ``x.sort`` for a global
    array) without an entry of its own has the entry of the method its class defines, if
    that has one (``np.random.Generator.normal``, ``np.ufunc.at``, ``np.ndarray.sort``)."""
    try:
        rule = _RULES.get(registry_key(obj))
    except TypeError:
        return None
    if rule is not None and _same(rule.primitive, obj):
        return rule
    if rule is None:
        # the package's rules first: they may have an entry for this very bound method
        # (scipy.stats.t.logpdf) that the class's function (rv_continuous.logpdf) lacks
        if _load_lazy_rules(obj):
            return lookup(obj)
        unbound = _class_method(obj)
        if unbound is not None:
            return lookup(unbound)
    return None


def _class_method(obj):
    """For a method bound to an object (not a module), the function or descriptor its class
    holds under that name; else None."""
    owner = getattr(obj, "__self__", None)
    if owner is None or isinstance(owner, (types.ModuleType, type)):
        return None
    name = getattr(obj, "__name__", None)
    for cls in type(owner).__mro__:
        method = cls.__dict__.get(name)
        if method is not None:
            return method if method is not obj else None
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


def method_entry(cls: type, name: str) -> Rule | None:
    """The entry of the method (or attribute) `name` of `cls`, or None: what the analyses
    know of ``x.name`` for an `x` known only to be an instance of `cls`."""
    member = getattr(cls, name, None)
    return None if member is None else lookup(member)


def all_rules() -> list[Rule]:
    return list(_RULES.values())


def _rule_for(primitive, name: str | None = None) -> Rule:
    changed()
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


def _declare(primitives, **facts) -> list[Rule]:
    entries = []
    for p in primitives:
        if present(p):
            entry = _rule_for(p)
            for key, value in facts.items():
                setattr(entry, key, value)
            entries.append(entry)
    return entries


_FACTS = ("rank", "complex_result", "fresh", "view", "stores", "refused_write", "sequences")


def facts(*primitives, **declared) -> None:
    """Declare facts the analyses read about `primitives` (see `Rule`): ``facts(np.sum,
    rank="reduce")``. Rule tables declare them next to the rules they concern."""
    unknown = sorted(set(declared) - set(_FACTS))
    if unknown:
        raise RuleDefinitionError(
            f"facts(): {', '.join(unknown)} is not a fact srcad knows",
            hint=f"declare one of {', '.join(_FACTS)}",
        )
    _declare(primitives, **declared)


def pure(*primitives) -> None:
    """Declare functions that only read their arguments, with no derivative rule yet: a
    call whose result carries a derivative is refused (MissingRuleError), others run."""
    _declare(primitives)


def writes(primitive, *params, hint: str = "") -> None:
    """Declare that `primitive` changes the arguments of `params` (names, or positions for
    functions without a signature) in place."""
    if not params:
        raise RuleDefinitionError(
            f"writes({qualified_name(primitive)}): name the parameters it writes",
            hint="writes(np.copyto, 'dst')",
        )
    _declare([primitive], effect=Effect.WRITES, writes=tuple(params), hint=hint)


def draws(*primitives, hint: str = "") -> None:
    """Declare random draws: kept where they are, run once; without a derivative rule of
    their own, a draw whose parameters carry a derivative is refused."""
    _declare(primitives, effect=Effect.RANDOM, hint=hint)


def outside(*primitives) -> None:
    """Declare functions acting outside the program's values (printing, files, numpy's
    settings): they run as written, and their results carry no derivative."""
    for entry in _declare(primitives, effect=Effect.OUTSIDE):
        entry.nondiff = True


def opaque(*primitives, hint: str = "") -> None:
    """Declare functions that run code srcad does not see (a function passed to them):
    refused when an argument carries a derivative."""
    _declare(primitives, effect=Effect.OPAQUE, hint=hint)
