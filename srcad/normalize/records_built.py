"""Normalize: objects the differentiated code builds (``p = Params(W, b)``) become records.

A call to a class srcad can read, with a value that is not a constant among its
arguments, is rewritten into a call to a constructor function srcad writes for the class:

    t = P(W, b=b)   ->   t = P_new(W, b=b)
    # def P_new(W, b=0.5): return rt.make_record(P, (W, b))

`make_record` has derivative rules (``srcad.rules.runtime_containers``), and the value it
builds is a namedtuple, which generated code takes like a tuple. The classes read:

* namedtuples (``collections.namedtuple``, ``typing.NamedTuple``): the value is the
  user's own namedtuple, exactly what ``P(W, b)`` builds;
* dataclasses with their generated ``__init__`` (no ``__post_init__``, no ``init=False``,
  ``kw_only``, ``InitVar`` or ``default_factory`` field);
* plain classes whose ``__init__`` only assigns ``self.attr = <expression of its
  parameters>`` (read from its source), without ``__slots__``, properties, ``__getattr__``,
  ``__setattr__``, ``__new__``, a metaclass or base classes.

For the last two the value is an instance of a stand-in class (`standin`): a namedtuple of
the attributes ``__init__`` sets that is also a subclass of the user's class, so
``isinstance`` holds and the class's methods run on it (``self.W`` reads the field), while
``self.W = v`` raises instead of changing a value the derivative code has taken apart. A
class with a member the namedtuple would hide (``__add__``, ``__len__``, ``index``) or a
descriptor is not read (`why_not`).

The layout of each constructor's value (`srcad.pytree.Layout`, with the class's literal
constants as statics) is returned under the constructor's name, and under the names of the
user's functions whose every ``return`` builds one record class, so that
`srcad.normalize.records` rewrites ``t.W`` into ``t[0]``. ``t._replace(W=v)`` and
``dataclasses.replace(t, W=v)`` of a name that holds only such records become calls of a
def srcad writes too. After `records`, `rewrite_methods` turns ``t(x)`` and ``t.m(x)`` into
calls of the class's functions with `t` as self, and refuses what would tell the stand-in
from the class (``type(t)``, ``t is u``, ``vars(t)``), at the user's line. Every class,
``__init__``, method and constant read is guarded. A class that does not qualify is left
alone (the call is refused where it is differentiated, as any unknown callable is).
"""

from __future__ import annotations

import collections
import dataclasses
import types

import gast

from ..errors import UnsupportedOperationError
from ..fence import location
from ..ir import syntax as S
from ..parse import Namespace, parse_function
from ..pytree import Layout

_STANDINS: dict[tuple, type] = {}


# Members of the stand-in's namedtuple base, which would hide the class's own (``__add__``,
# ``__len__``, ``index``), and members that change what an attribute read or write does.
_SAMPLE = collections.namedtuple("_SAMPLE", "a")
_HIDDEN = (frozenset(dir(_SAMPLE)) | {"__slots__", "__getattr__", "__delattr__"}) - {
    "a",
    "__init__",
    "__repr__",
    "__doc__",
    "__module__",
    "__dict__",
    "__weakref__",
    "__qualname__",
    "__annotations__",
    "__firstlineno__",
    "__static_attributes__",
}
# What dataclass writes into a class (field-wise comparisons and ordering, as the tuple's;
# a frozen class's __setattr__, which refuses as the stand-in does).
_DATACLASS = frozenset(
    {"__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__", "__match_args__"}
    | {"__setattr__", "__delattr__", "__getstate__", "__setstate__", "__replace__"}
)


def why_not(cls) -> str | None:
    """Why srcad cannot build `cls` as a record (None: it can)."""
    if not isinstance(cls, type):
        return "it is not a class"
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        if cls.__bases__ != (tuple,):
            return "it is a subclass of a namedtuple"
        return None
    if type(cls) is not type:
        return "it has a metaclass"
    generated = _DATACLASS if dataclasses.is_dataclass(cls) else frozenset()
    for owner in cls.__mro__[:-1]:
        for name, value in vars(owner).items():
            made = name in generated and (_generated(value) or not callable(value))
            if name in _HIDDEN and not made:
                return f"{owner.__name__} defines {name}, which srcad's stand-in would not follow"
            if name not in ("__dict__", "__weakref__") and (
                isinstance(value, property)
                or (hasattr(value, "__get__") and hasattr(value, "__set__"))
            ):
                return f"{owner.__name__} has a property or descriptor ({name})"
    if dataclasses.is_dataclass(cls):
        return _dataclass_problem(cls)
    if cls.__bases__ != (object,):
        return "it has base classes (srcad reads only a class's own __init__)"
    return _init_problem(cls)


def _generated(value) -> bool:
    """Whether dataclass wrote `value` (code compiled from a string, or None)."""
    code = getattr(value, "__code__", None)
    return value is None or (code is not None and code.co_filename == "<string>")


def _dataclass_problem(cls) -> str | None:
    init = vars(cls).get("__init__")
    if init is None or not _generated(init):
        return "its __init__ is not the one dataclass generates"
    if hasattr(cls, "__post_init__"):
        return "it has a __post_init__"
    if any(not dataclasses.is_dataclass(base) for base in cls.__mro__[1:-1]):
        return "it has base classes that are not dataclasses"
    for f in dataclasses.fields(cls):
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            return f"its field {f.name} is init=False, kw_only or has a default_factory"
    fields = vars(cls)["__dataclass_fields__"].values()
    if any(isinstance(f.type, dataclasses.InitVar) for f in fields):
        return "it has an InitVar"
    return None


def _init_problem(cls) -> str | None:
    init = vars(cls).get("__init__")
    if not isinstance(init, types.FunctionType):
        return "it has no __init__ written in Python"
    try:
        _init_assignments(init)
    except ValueError as e:
        return str(e)
    return None


def _init_assignments(init) -> tuple[gast.FunctionDef, list[tuple[str, object]]]:
    """__init__'s tree and its (attribute, expression) assignments, in order."""
    if init.__code__.co_freevars:
        return _fail("its __init__ reads names of an enclosing function (or super())")
    try:
        node = parse_function(init).node
    except Exception as e:  # no source
        raise ValueError(f"srcad cannot read its __init__ ({type(e).__name__})") from None
    args = node.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or not args.args:
        _fail("its __init__ takes *args, **kwargs or keyword-only parameters")
    me = args.args[0].id
    found: list[tuple[str, object]] = []
    body = node.body
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
        body = body[1:]  # the docstring
    for stmt in body:
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
        if (
            target is None
            or len(stmt.targets) != 1
            or not isinstance(target, gast.Attribute)
            or not S.is_name(target.value, me)
        ):
            _fail(f"its __init__ does more than assign self.attr = ... (line {stmt.lineno})")
        if any(isinstance(n, gast.Name) and n.id == me for n in S.walk(stmt.value)):
            _fail(f"its __init__ reads {me} while it is being built (line {stmt.lineno})")
        if any(isinstance(n, (gast.Lambda, gast.NamedExpr)) for n in S.walk(stmt.value)):
            _fail(f"its __init__ assigns a lambda or := (line {stmt.lineno})")
        if target.attr in dict(found):
            _fail(f"its __init__ assigns {me}.{target.attr} twice")
        found.append((target.attr, stmt.value))
    if not found:
        _fail("its __init__ assigns no attribute")
    return node, found


def _fail(message: str):
    raise ValueError(message)


def fields_of(cls) -> tuple[str, ...]:
    if issubclass(cls, tuple):
        return tuple(cls._fields)
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return tuple(a for a, _ in _init_assignments(vars(cls)["__init__"])[1])


def standin(cls) -> type:
    """The class of the values srcad builds for `cls`: `cls` itself for a namedtuple, else
    a namedtuple of its fields that subclasses `cls` (see the module docstring)."""
    if issubclass(cls, tuple):
        return cls
    key = (cls, fields_of(cls))
    found = _STANDINS.get(key)
    if found is None:
        base = collections.namedtuple(cls.__name__, fields_of(cls))  # type: ignore[misc]

        def __init__(self, *args, **kwargs):  # the fields are set by tuple.__new__
            pass

        namespace = {"__slots__": (), "__init__": __init__, "__srcad_class__": cls}
        namespace["__module__"] = cls.__module__
        namespace["__qualname__"] = cls.__qualname__
        found = _STANDINS[key] = type(cls.__name__, (base, cls), namespace)
    return found


_CLASSES: dict[tuple, type] = {}  # (name, fields) of the layout of a record built -> class


_LITERALS = (str, bool, int, float, complex, type(None))


def class_constants(cls) -> dict:
    """The class attributes of `cls` with literal values (``scale = 2.0``), by name: the
    class that holds each, and its value."""
    found: dict = {}
    fields = fields_of(cls)
    for owner in cls.__mro__[:-1]:
        for name, value in vars(owner).items():
            if name.startswith("__") or name in fields or name in found:
                continue
            if type(value) in _LITERALS:
                found[name] = (owner, value)
    return found


def layout_of(cls) -> Layout:
    fields = fields_of(cls)
    constants = class_constants(cls) if not issubclass(cls, tuple) else {}
    statics = tuple(sorted((n, v) for n, (_, v) in constants.items()))
    layout = Layout(cls.__name__, "tuple", fields, (None,) * len(fields), statics=statics)
    if _CLASSES.setdefault(_key(layout), cls) is not cls:  # two classes alike: qualified
        name = f"{cls.__module__}.{cls.__qualname__}"
        layout = Layout(name, "tuple", fields, layout.children, statics=statics)
        _CLASSES.setdefault(_key(layout), cls)
    return layout


def _key(layout: Layout) -> tuple:
    return (layout.name, layout.kind, layout.fields, layout.missing, layout.statics)


def class_of(layout: Layout | None) -> type | None:
    """The class of the records the code builds with this layout (any children)."""
    return None if layout is None else _CLASSES.get(_key(layout))


def with_children(layout: Layout, call: gast.Call, layouts: dict) -> Layout:
    """The layout of what the constructor `call` builds, with the layouts of the fields it
    is given as they are (``Model(Dense(W, b), ...)``: its ``m.layer`` is a record too)."""
    cls = class_of(layout)
    if cls is None or any(isinstance(a, gast.Starred) for a in call.args):
        return layout
    sources = _field_sources(cls)
    if sources is None:
        return layout
    params, per_field = sources
    given = dict(zip(params, call.args))
    given.update((k.arg, k.value) for k in call.keywords if k.arg is not None)
    children = []
    for source in per_field:
        value = given.get(source) if source is not None else None
        children.append(layouts.get(value.id) if isinstance(value, gast.Name) else None)
    if not any(children):
        return layout
    return dataclasses.replace(layout, children=tuple(children))


def _field_sources(cls):
    """(the constructor's parameters, the parameter each field is, or None)."""
    if issubclass(cls, tuple) or dataclasses.is_dataclass(cls):
        fields = fields_of(cls)
        return fields, fields
    try:
        node, assigned = _init_assignments(vars(cls)["__init__"])
    except (ValueError, KeyError):
        return None
    params = tuple(a.id for a in node.args.args[1:])
    return params, tuple(
        v.id if isinstance(v, gast.Name) and v.id in params else None for _, v in assigned
    )


def rewrite_methods(
    fdef: gast.FunctionDef,
    layouts: dict[str, Layout],
    bind,
    filename: str,
    guards: list,
    fresh=None,
) -> None:
    """``t(x)`` and ``t.m(x)`` of a record the code built (or was given as one), `t` of a
    plain class or dataclass: the class's function called with `t` as self (``C.__call__(t,
    x)``), transformed as a user function is. `bind(name, function)` names it here. What
    would tell the stand-in from the class (``type(t)``, ``t is u``, ``t.__dict__``) is
    refused."""
    if not layouts:
        return  # no record: no method call, no stand-in to tell from its class
    standins = {n for n, lay in layouts.items() if not issubclass(class_of(lay) or tuple, tuple)}
    statements = [s for s in S.statements(fdef) if s is not fdef]
    for i, stmt in enumerate(statements):
        # a statement normalization made reports the user's statement it came before
        user = next((s for s in statements[i:] if getattr(s, "lineno", None)), stmt)
        for field in stmt._fields:
            value = getattr(stmt, field, None)
            if field in ("body", "orelse", "finalbody", "handlers") or value is None:
                continue
            for part in value if isinstance(value, list) else [value]:
                for node in S.walk(part):
                    _refuse_identity(node, standins, layouts, user, filename, fdef.name)
    if fresh is not None:
        fdef.body = S.rewrite_statements(
            fdef.body, lambda stmt: _hoist_held_callables(stmt, layouts, fresh)
        )
    for node in S.walk(fdef):
        if not isinstance(node, gast.Call):
            continue
        func = node.func
        holder, method = None, None
        if isinstance(func, gast.Name) and func.id in layouts:
            holder, method = func, "__call__"
        elif isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
            if func.value.id in layouts:
                holder, method = func.value, func.attr
        if holder is None:
            continue
        cls = class_of(layouts[holder.id])
        function = vars(cls).get(method) if cls is not None else None
        if isinstance(function, types.FunctionType) and method not in fields_of(cls):
            guards.append((vars(cls), method, function))
            name = bind(f"{cls.__name__}_{method.strip('_')}", _method(cls, function))
            node.func = S.copy_location(S.name(name), func)
            node.args = [S.name(holder.id), *node.args]


def constructor_source(
    cls, make: str, standin_name: str, replaced: tuple[str, ...] | None = None
) -> tuple[gast.FunctionDef, tuple, dict]:
    """The constructor def srcad writes for `cls`, its defaults and its globals; with
    `replaced`, the def of ``t._replace(**{name: value for name in replaced})`` (and of
    ``dataclasses.replace``) instead: the other fields read from `t` by position."""
    if replaced is not None:
        fields = fields_of(cls)
        values = [
            S.name(f) if f in replaced else S.subscript(S.name("srcad_self"), S.const(i))
            for i, f in enumerate(fields)
        ]
        names = ["srcad_self", *replaced]
        defaults, globals_ = [], {}
        label = f"{cls.__name__}_replace_{'_'.join(replaced)}"
    elif issubclass(cls, tuple):
        names = list(cls._fields)
        defaults = [cls._field_defaults[n] for n in names if n in cls._field_defaults]
        values = [S.name(n) for n in names]
        globals_ = {}
    elif dataclasses.is_dataclass(cls):
        fields = dataclasses.fields(cls)
        names = [f.name for f in fields]
        defaults = [f.default for f in fields if f.default is not dataclasses.MISSING]
        values = [S.name(n) for n in names]
        globals_ = {}
    else:
        init = vars(cls)["__init__"]
        node, assigned = _init_assignments(init)
        names = [a.id for a in node.args.args[1:]]
        defaults = list(init.__defaults__ or ())
        values = [S.clone(v) for _, v in assigned]
        globals_ = init.__globals__
    value = S.call(
        S.attr(S.name(make), "make_record"),
        [S.name(standin_name), gast.Tuple(elts=values, ctx=gast.Load())],
        [],
    )
    if replaced is None:
        label = f"{cls.__name__}_new"
    fdef = S.function_def(label, names, [gast.Return(value=value)])
    return gast.fix_missing_locations(fdef), tuple(defaults), globals_


def rewrite(
    fdef: gast.FunctionDef, namespace: Namespace, local: set, build, guards: list
) -> tuple[dict[str, Layout], frozenset]:
    """Rewrite the constructions of record classes in `fdef` (see the module docstring).

    `build(cls)` returns the name generated code calls for `cls`'s constructor. Returns
    the layout of the value of each constructor and helper function by its name here.
    `guards` gets what the code relies on: the names of the classes and helpers, and a
    plain class's __init__. Also returns the names of the constructors among them."""
    built: dict[str, Layout] = {}
    constructors = set()
    for node in S.walk(fdef):
        if not isinstance(node, gast.Call) or not isinstance(
            node.func, (gast.Name, gast.Attribute)
        ):
            continue
        read: list = []
        obj = _value(node.func, namespace, local, read)
        if isinstance(obj, type) and _varied(node) and why_not(obj) is None:
            name = build(obj)
            built[name] = layout_of(obj)
            constructors.add(name)
            node.func = S.copy_location(S.name(name), node.func)
            guards.extend(read)
            if not issubclass(obj, tuple) and not dataclasses.is_dataclass(obj):
                guards.append((vars(obj), "__init__", vars(obj)["__init__"]))
            if not issubclass(obj, tuple):  # its layout holds the class's constants
                for attr, (owner, value) in class_constants(obj).items():
                    guards.append((vars(owner), attr, value))
        elif isinstance(obj, types.FunctionType) and isinstance(node.func, gast.Name):
            returned = returns_record(obj, read)
            if returned is not None:
                built[node.func.id] = layout_of(returned)
                guards.extend(read)
                for attr, (owner, value) in class_constants(returned).items():
                    guards.append((vars(owner), attr, value))
    _rewrite_replace(fdef, namespace, local, build, guards, built)
    return built, frozenset(constructors)


def _rewrite_replace(fdef, namespace: Namespace, local: set, build, guards: list, built) -> None:
    """``t._replace(W=v)`` (a namedtuple) and ``dataclasses.replace(t, W=v)`` (a dataclass)
    of a name `t` that holds only records of one class the code builds: a call of the def
    `constructor_source` writes for those fields (also for names rebuilt in a loop,
    ``p = p._replace(W=p.W - g)``)."""
    classes = {name: class_of(lay) for name, lay in built.items() if class_of(lay)}
    if not classes:
        return  # no name can hold a record built here
    params = {a.id for a in fdef.args.args + fdef.args.kwonlyargs}
    holders = _holders(fdef, classes, namespace, local, params)
    for node in S.walk(fdef):
        found = _replace_call(node, holders, namespace, local, guards)
        if found is None:
            continue
        holder, cls, keywords = found
        name = build(cls, tuple(k.arg for k in keywords))
        built[name] = layout_of(cls)
        node.func = S.copy_location(S.name(name), node.func)
        node.args = [S.name(holder)]
        node.keywords = keywords


def _holders(fdef, classes: dict, namespace: Namespace, local: set, params: set) -> dict:
    """The names (not parameters) every store of which is a call of a function in
    `classes` or a replace call of such a name, all of one class: name -> class. The
    largest such set, from the names with a constructor call shrunk until it holds."""
    stores: dict = {}
    assigns: dict = {}
    for node in S.walk(fdef):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
        if (
            isinstance(node, gast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], gast.Name)
        ):
            assigns.setdefault(node.targets[0].id, []).append(node.value)
    candidates = {}
    for name, values in assigns.items():
        for v in values:
            if isinstance(v, gast.Call) and isinstance(v.func, gast.Name):
                if v.func.id in classes and name not in params:
                    candidates.setdefault(name, classes[v.func.id])
    while True:
        kept = {}
        for name, cls in candidates.items():
            values = assigns[name]
            if len(values) == stores.get(name) and all(
                _class_of(v, classes, candidates, namespace, local) is cls for v in values
            ):
                kept[name] = cls
        if kept == candidates:
            return kept
        candidates = kept


def _class_of(value, classes: dict, holders: dict, namespace: Namespace, local: set):
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name):
        return classes.get(value.func.id)
    found = _replace_call(value, holders, namespace, local, [])
    return found[1] if found is not None else None


def _replace_call(node, holders: dict, namespace: Namespace, local: set, guards: list):
    """(holder, class, keywords) of a replace call of a holder, or None."""
    if not isinstance(node, gast.Call) or any(k.arg is None for k in node.keywords):
        return None
    func = node.func
    if (
        isinstance(func, gast.Attribute)
        and func.attr == "_replace"
        and isinstance(func.value, gast.Name)
        and func.value.id in holders
        and not node.args
    ):
        holder = func.value.id
        cls = holders[holder]
        if not issubclass(cls, tuple):
            return None
    elif isinstance(func, gast.Attribute) and len(node.args) == 1:
        arg = node.args[0]
        if not isinstance(arg, gast.Name) or arg.id not in holders:
            return None
        read: list = []
        if _value(func, namespace, local, read) is not dataclasses.replace:
            return None
        holder, cls = arg.id, holders[arg.id]
        if not dataclasses.is_dataclass(cls):
            return None
        guards.extend(read)
    else:
        return None
    fields = fields_of(cls)
    keywords = node.keywords
    names = [k.arg for k in keywords]
    if not names or len(set(names)) != len(names) or not set(names) <= set(fields):
        return None  # left as it is: refused where it is differentiated
    order = {f: i for i, f in enumerate(fields)}
    return holder, cls, sorted(keywords, key=lambda k: order[k.arg])


def _value(node, namespace: Namespace, local: set, guards: list):
    """The object a global name or module attribute chain names (None for anything else),
    with a guard for each name and attribute read."""
    value, reads = namespace.module_value_read(node, local)
    guards.extend(reads)
    return value


_METHODS: dict = {}


def _method(cls, function):
    """`function` of `cls`, as a function that says whose method it is (`__srcad_owner__`,
    read by the write summaries: ``self.other(x)`` is cls's other)."""
    key = (cls, function)
    found = _METHODS.get(key)
    if found is None or found.__code__ is not function.__code__:
        found = types.FunctionType(
            function.__code__,
            function.__globals__,
            function.__name__,
            function.__defaults__,
            function.__closure__,
        )
        found.__kwdefaults__ = function.__kwdefaults__
        found.__qualname__ = function.__qualname__
        found.__module__ = function.__module__
        found.__srcad_owner__ = cls
        _METHODS[key] = found
    return found


def _hoist_held_callables(stmt, layouts: dict, fresh) -> list:
    """``t.f(x)`` where the field f of the record t is itself a record of a class with
    __call__ (``self.first(x)`` in a model's method): ``u = t[i]`` first, then ``u(x)``,
    which `rewrite_methods` makes a call of that class's __call__."""
    before = []
    simple = isinstance(stmt, (gast.Assign, gast.Expr, gast.Return, gast.AugAssign))
    for node in S.walk(stmt) if simple else ():  # compound statements: their bodies alone
        if not isinstance(node, gast.Call) or not isinstance(node.func, gast.Attribute):
            continue
        held = node.func.value
        if not isinstance(held, gast.Name) or held.id not in layouts:
            continue
        layout = layouts[held.id]
        if node.func.attr not in layout.fields:
            continue
        i = layout.fields.index(node.func.attr)
        child = layout.children[i] if i < len(layout.children) else None
        cls = class_of(child)
        if cls is None or not isinstance(vars(cls).get("__call__"), types.FunctionType):
            continue
        name = fresh(node.func.attr)
        before.append(S.assign(name, S.subscript(S.name(held.id), S.const(i))))
        layouts[name] = child
        node.func = S.copy_location(S.name(name), node.func)
    return [*before, stmt]


def _refuse_identity(node, standins: set, layouts: dict, stmt, filename, function) -> None:
    def held(x) -> bool:
        return isinstance(x, gast.Name) and x.id in standins

    what = None
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
        if node.func.id in ("type", "id", "vars") and any(held(a) for a in node.args):
            what = f"{node.func.id}() of"
    elif isinstance(node, gast.Compare) and any(
        isinstance(op, (gast.Is, gast.IsNot)) for op in node.ops
    ):
        if any(held(x) for x in [node.left, *node.comparators]):
            what = "an `is` comparison with"
    elif isinstance(node, gast.Attribute) and held(node.value):
        if node.attr in ("__class__", "__dict__"):
            what = f".{node.attr} of"
    if what is None:
        return
    name = next(x.id for x in S.walk(node) if held(x))
    cls = layouts[name].name
    where = node if getattr(node, "lineno", None) else stmt
    raise UnsupportedOperationError(
        f"srcad cannot differentiate {what} {name}: the derivative code builds the {cls} "
        f"{name} as a namedtuple of its fields that subclasses {cls}, not as a {cls} itself",
        location(where, filename, function),
        hint=f"read {name}'s fields and call its methods; decide on its type or identity "
        "outside the differentiated function",
    )


def _varied(call: gast.Call) -> bool:
    """Whether a call passes something other than constants (a record of constants is
    left as the user's object)."""
    values = [*call.args, *(k.value for k in call.keywords)]
    return any(not isinstance(v, gast.Constant) for v in values)


def returns_record(fn, guards: list) -> type | None:
    """The record class every ``return`` of `fn` builds directly (``return P(a, b)``)."""
    try:
        parsed = parse_function(fn)
    except Exception:
        return None
    local = S.names_stored(parsed.node) | {a.id for a in parsed.node.args.args}
    found: set = set()
    for node in S.walk(parsed.node):
        if isinstance(node, (gast.FunctionDef, gast.Lambda)) and node is not parsed.node:
            return None
        if isinstance(node, gast.Return):
            value = node.value
            if not isinstance(value, gast.Call):
                return None
            cls = _value(value.func, parsed.namespace, local, guards)
            if not isinstance(cls, type) or why_not(cls) is not None or not _varied(value):
                return None
            found.add(cls)
    return found.pop() if len(found) == 1 else None
