"""`srcad.export`: a derivative as a standalone Python module that needs numpy only.

What a transformed function runs is Python source: its generated code, the generated code
of the functions it calls, and srcad's runtime helpers. `export` gathers all of it into
one file. It starts from the generated function and follows every name it uses:

* generated functions (callees' derivatives, Jacobian drivers) are written out as they
  were generated, comments included;
* functions and classes of srcad's own modules (``rt.unbroadcast``, the errors they
  raise) and of the user's modules are written out as the statements that define them,
  with whatever those use in turn; a module srcad's code uses as a namespace (``rt``)
  becomes a `types.SimpleNamespace` of the functions taken from it;
* other modules are imported (numpy; the standard library); arrays and numbers the code
  reads from the user's globals are written in as constants.

Names that two modules both define are renamed in the file (``_real_dtype_2``). Something
that cannot be written out (an object without source, a value of an unknown type) is
refused with a `SrcadError` naming it. The header names the function, its file and line,
the kinds and ranks of arguments the code was generated for, and the srcad version.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import os
import sys
import textwrap
import types
from typing import Any

import numpy as np

from .boundary import public
from .errors import SrcadError
from .export_sources import (
    _SIMPLE,
    _attributes_of,
    _bound_names,
    _dotted,
    _external,
    _global_loads,
    _has_source,
    _import_target,
    _is_generated,
    _Module,
    _numpy_path,
    _resolve_relative,
)


class _Writer:
    def __init__(self):
        self.imports: dict[str, str] = {}  # exported name -> import statement
        self.blocks: list[str] = []  # definitions, in order
        self.done: dict[Any, str] = {}  # key of an object -> its exported name
        self.taken: set[str] = set(dir(builtins)) | {"_types", "_np_frombuffer"}
        self.namespaces: dict[str, dict[str, str]] = {}  # exported name -> attr -> name
        self.modules: dict[str, _Module] = {}
        self.pending: list[tuple[str, dict]] = []  # rt-like namespaces to write last

    def fresh(self, name: str) -> str:
        candidate, i = name, 2
        while candidate in self.taken:
            candidate, i = f"{name}_{i}", i + 1
        self.taken.add(candidate)
        return candidate

    # -- objects -----------------------------------------------------------------------
    def export(self, value: Any, name: str, where: str, home: str | None = None) -> str:
        """The exported expression for `value`, referred to as `name` from `where` (code
        of the module `home`, whose global `name` it is)."""
        if isinstance(value, types.ModuleType):
            return self._module(value, name)
        if isinstance(value, _SIMPLE) or (
            isinstance(value, tuple) and all(isinstance(v, _SIMPLE) for v in value)
        ):
            return repr(value)
        if isinstance(value, (np.ndarray, np.generic)):
            return self._array(value)
        if isinstance(value, np.dtype):
            self._import("numpy", "np")
            return f"np.dtype({value.str!r})"
        key = ("id", id(value))
        if key in self.done:
            return self.done[key]
        path = _numpy_path(value)
        if path is not None:
            self._import("numpy", "np")
            return path
        if getattr(value, "__module__", None) == "builtins" and getattr(builtins, getattr(
            value, "__name__", ""), None) is value:  # fmt: skip
            return value.__name__
        if _is_generated(value):
            return self._generated(value, name)
        if home is not None and not isinstance(value, (type, types.FunctionType)):
            statement = self._assigned(home, name, value)
            if statement is not None:
                return statement
        if type(value) in (list, tuple, dict):
            return self._container(value, name, where)
        module = sys.modules.get(getattr(value, "__module__", "") or "")
        if module is not None and module.__name__ not in ("builtins",) and _has_source(module):
            if not _external(module):
                return self._defined(module, getattr(value, "__name__", name), value)
            dotted = _dotted(value)
            if dotted is not None:
                self.imports.setdefault(dotted[0], f"import {dotted[0]}")
                self.taken.add(dotted[0].split(".")[0])
                return f"{dotted[0]}.{dotted[1]}"
        raise SrcadError(
            f"export: cannot write out {where}: {name} is {type(value).__name__} {value!r:.60}",
            hint="export reads the source of functions and writes in arrays and numbers; "
            "keep other objects out of the differentiated function",
        )

    def _import(self, module: str, alias: str) -> None:
        statement = f"import {module}" if alias == module else f"import {module} as {alias}"
        self.imports.setdefault(alias, statement)
        self.taken.add(alias)

    def _module(self, module: types.ModuleType, name: str) -> str:
        if _external(module):
            top = module.__name__
            alias = top.replace(".", "_") if "." in top else top
            if top == "numpy":
                alias = "np"
            self._import(top, alias)
            return alias
        # A srcad (or user) module used as a namespace: the attributes read of it are
        # collected by the caller and written as a SimpleNamespace at the end.
        key = ("module", module.__name__)
        if key not in self.done:
            self.done[key] = self.fresh(name if name != "_" else "ns")
            self.namespaces[self.done[key]] = {}
            self.pending.append((self.done[key], {"module": module}))
        return self.done[key]

    def namespace_attribute(self, exported: str, attr: str) -> None:
        table = self.namespaces[exported]
        if attr in table:
            return
        module = next(m for n, m in self.pending if n == exported)["module"]
        table[attr] = self.export(getattr(module, attr), attr, f"{module.__name__}.{attr}")

    def _container(self, value: Any, name: str, where: str) -> str:
        """A list, tuple or dict of what can be exported, written as a literal under a name
        of its own (the functions that read it share one object, as they did)."""
        exported = self.fresh(name if name.isidentifier() and name != "_" else "_value")
        self.done[("id", id(value))] = exported  # (before its items: a list may hold itself)
        if isinstance(value, dict):
            items = [
                f"{self.export(k, name, where)}: {self.export(v, name, where)}"
                for k, v in value.items()
            ]
            literal = "{" + ", ".join(items) + "}"
        else:
            items = [self.export(v, name, where) for v in value]
            literal = (
                ("[" + ", ".join(items) + "]")
                if isinstance(value, list)
                else ("(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")")
            )
        self.blocks.append(f"{exported} = {literal}\n")
        return exported

    def _array(self, value) -> str:
        self._import("numpy", "np")
        array = np.asarray(value)
        if array.size <= 16 and array.dtype.kind in "biuf":
            return f"np.array({array.tolist()!r}, dtype={array.dtype.str!r})"
        import base64

        data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()
        name = self.fresh("_constant")
        self.blocks.append(
            f"{name} = np.frombuffer(__import__('base64').b64decode({data!r}), "
            f"dtype={array.dtype.str!r}).reshape({array.shape!r}).copy()\n"
        )
        return name if isinstance(value, np.ndarray) else f"{name}[()]"

    # -- statements with source --------------------------------------------------------
    def _defined(self, module: types.ModuleType, name: str, value: Any) -> str:
        key = ("def", module.__name__, name)
        if key in self.done:
            return self.done[key]
        mod = self.modules.get(module.__name__) or self.modules.setdefault(
            module.__name__, _Module(module)
        )
        stmt = mod.defs.get(name)
        if stmt is None or isinstance(stmt, (ast.Import, ast.ImportFrom)):
            raise SrcadError(
                f"export: cannot find the definition of {module.__name__}.{name}",
                hint="export writes out functions and classes defined at a module's top level",
            )
        exported = self.fresh(name)
        self.done[key] = exported
        self.done[("id", id(value))] = exported
        text = textwrap.dedent(mod.text(stmt))
        renames = {name: exported}
        self._write(text, module.__dict__, {}, renames, f"{module.__name__}.{name}")
        return exported

    def _assigned(self, home: str, name: str, value: Any) -> str | None:
        """A global of srcad's own modules bound by an assignment (a table of pytree
        nodes, a cache, a sentinel object): the assignment, written out as it is in the
        module, so that the exported helpers share one object as srcad's do."""
        module = sys.modules.get(home)
        if module is None or _external(module) or not home.startswith("srcad"):
            return None
        mod = self.modules.get(home) or self.modules.setdefault(home, _Module(module))
        stmt = mod.defs.get(name)
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or _bound_names(stmt) != [name]:
            return None
        key = ("def", home, name)
        if key not in self.done:
            self.done[key] = self.done[("id", id(value))] = self.fresh(name)
            text = textwrap.dedent(mod.text(stmt))
            self._write(text, module.__dict__, {}, {name: self.done[key]}, f"{home}.{name}")
        return self.done[key]

    def _generated(self, fn: types.FunctionType, name: str) -> str:
        key = ("id", id(fn))
        exported = self.fresh(fn.__name__)
        self.done[key] = exported
        text = textwrap.dedent(inspect.getsource(fn))
        cells = dict(zip(fn.__code__.co_freevars, [c.cell_contents for c in fn.__closure__ or ()]))
        renames = {fn.__name__: exported}
        self._write(text, fn.__globals__, cells, renames, f"the generated {fn.__name__}")
        if fn.__defaults__:
            values = ", ".join(self.export(v, "default", fn.__name__) for v in fn.__defaults__)
            self.blocks.append(f"{exported}.__defaults__ = ({values},)\n")
        return exported

    def _write(self, text: str, globals_: dict, cells: dict, renames: dict, where: str) -> None:
        """Write the statement `text`, after exporting every module-level name it uses."""
        tree = ast.parse(text)
        rewritten, bound = self._lazy_imports(tree, globals_, where)
        loads = _global_loads(tree)
        names = {n.id for n in loads} - set(renames) - bound
        exported: dict[str, str] = {}
        for n in sorted(names):
            if n in cells:
                value = cells[n]
            elif n in globals_:
                value = globals_[n]
            elif hasattr(builtins, n):
                continue
            else:
                raise SrcadError(
                    f"export: {where} uses {n!r}, which is not defined",
                    hint="define it at the top level of its module (or pass it as an argument)",
                )
            exported[n] = self.export(value, n, where, globals_.get("__name__"))
        namespaces = {n for n, v in exported.items() if v in self.namespaces}
        for n, attrs in _attributes_of(tree, namespaces, where).items():
            if exported[n] in self.namespaces:
                for attr in sorted(attrs):
                    self.namespace_attribute(exported[n], attr)
        renames = {**renames, **{k: v for k, v in exported.items() if v != k}}
        if rewritten or any(k != v for k, v in renames.items()):
            for node in loads:
                if node.id in renames:
                    node.id = renames[node.id]
            for stmt in tree.body:
                if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) and stmt.name in renames:
                    stmt.name = renames[stmt.name]
                elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                    for node in ast.walk(stmt):
                        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                            node.id = renames.get(node.id, node.id)
            text = ast.unparse(tree) + "\n"
        self.blocks.append(text)

    def _lazy_imports(self, tree: ast.AST, globals_: dict, where: str) -> tuple[bool, set]:
        """Imports of srcad modules inside a function body (``from .. import shapes``)
        become assignments of what they import, or nothing where the name it binds is
        the exported one; whether there was one, and the names left to the file's."""
        rewritten, bound = False, set()
        package = globals_.get("__package__") or ""
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if not isinstance(body, list):
                continue
            for i, stmt in enumerate(body):
                if isinstance(stmt, ast.ImportFrom) and (
                    stmt.level or (stmt.module or "").startswith("srcad")
                ):
                    base = _resolve_relative(package, stmt.level, stmt.module)
                    assigns = []
                    for alias in stmt.names:
                        value = _import_target(base, alias.name)
                        local = alias.asname or alias.name
                        exported = self.export(value, local, base)
                        if exported in self.namespaces:
                            self._namespace_attributes(tree, local, exported, where)
                        if exported != local:
                            assigns.append(f"{local} = {exported}")
                        else:  # (``x = x`` would make x a local)
                            bound.add(local)
                    body[i : i + 1] = ast.parse("\n".join(assigns) or "pass").body
                    rewritten = True
        return rewritten, bound

    def _namespace_attributes(self, tree: ast.AST, local: str, exported: str, where: str) -> None:
        for attr in sorted(_attributes_of(tree, {local}, where).get(local, ())):
            self.namespace_attribute(exported, attr)

    def finish(self) -> str:
        for exported, _ in self.pending:
            table = self.namespaces[exported]
            items = ", ".join(f"{k}={v}" for k, v in sorted(table.items()))
            self.blocks.append(f"{exported} = _types.SimpleNamespace({items})\n")
        return "\n\n".join(b.rstrip("\n") + "\n" for b in self.blocks)


def _check_arguments(name, function, expected, args, kwargs):
    """Refuse arguments other than those the exported code was generated for.

    Written into every exported module (as the code of a srcad helper is): `expected`
    holds, per parameter, its kind ("array", "list", "tuple", "dict"), its rank (None:
    any), "complex", "real" or None, whether it carries the vmap batch axis first, and
    whether it is differentiated. Generated code specialised for one rank can compute
    numbers for another; this check makes that a TypeError instead."""
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    size = None
    for param, kind, want, number, batched, differentiated in expected:
        value = bound.arguments[param]
        problem = None
        if kind == "array":
            if isinstance(value, (list, tuple, dict)) or not isinstance(
                value, (np.ndarray, np.generic, int, float, complex)
            ):
                problem = f"is {type(value).__name__}, not a number or an array"
            elif type(value) is not np.ndarray and isinstance(value, np.ndarray):
                problem = f"is {type(value).__name__}, not a plain numpy array"
            elif want is not None and np.ndim(value) != want + batched:
                problem = f"has {np.ndim(value)} axes, not {want + batched}"
            elif number == "real" and np.iscomplexobj(value):
                problem = "is complex; the code was generated for real numbers"
            elif number == "complex" and not np.iscomplexobj(value):
                problem = "is real; the code was generated for complex numbers"
            elif differentiated and np.asarray(value).dtype.char not in "dD":
                problem = f"has dtype {np.asarray(value).dtype}, not float64 or complex128"
        elif type(value).__name__ != kind:
            problem = f"is {type(value).__name__}, not {kind}"
        elif want is not None and len(value) != len(want):
            problem = f"has {len(value)} items, not {len(want)}"
        elif want is not None:
            ranks = [np.ndim(v) for v in value]
            if ranks != [w + batched if isinstance(w, int) else r for w, r in zip(want, ranks)]:
                problem = f"has items of ranks {ranks}, not {[w for w in want]} (+{batched})"
        if problem is None and batched:
            n = len(value[0]) if kind != "array" else np.shape(value)[0]
            if size is not None and n != size:
                problem = f"has {n} examples, not {size}"
            size = n
        if problem is not None:
            raise TypeError(
                f"{name}: argument {param!r} {problem}. This module was "
                "exported for arguments of the kinds and ranks its header lists; export "
                "again from srcad for others."
            )


def _expected(main: Any, key: Any, wrt: tuple, batched: tuple = ()) -> tuple:
    """The `_check_arguments` table for the code generated for `key` (kinds, ndims)."""
    kinds, ndims = dict(key[0]), {n[0]: n[1:] for n in key[1]}
    for name, kind in kinds.items():
        if not isinstance(kind, str):  # a function passed as an argument, built in the code
            raise SrcadError(
                f"export: {main.__name__} was generated for the function passed as its "
                f"argument {name!r}, which the exported module could not check it is given",
                hint="export a function that reads that function as a global instead",
            )
    flags = {p: (b, s) for p, b, s in batched if p}
    out = []
    for name in inspect.signature(main).parameters:
        if name not in kinds:
            continue
        b, structure = flags.get(name, (False, None))
        rank = ndims.get(name)
        want = rank[0] if rank else None
        number = (rank[1] if len(rank) > 1 else "real") if rank else None
        if isinstance(structure, tuple):
            want = structure[1]
        out.append((name, kinds[name], want, number, int(b), name in wrt and not batched))
    return tuple(out)


def _root(fn: Any) -> tuple[Any, Any, tuple]:
    """The generated function to export, the user's function, and the `_check_arguments`
    table of the arguments it was generated for."""
    from .arguments import _user_function

    if getattr(fn, "__srcad_transformed__", False):
        generated = fn._default()
        main = generated.functions["main"]
        hot = fn._by_signature.get(fn._last_signature)
        if fn._holomorphic or (hot is not None and hot[1] is not main):
            raise SrcadError(
                f"export: {fn.__name__} wraps its generated code for its last call's "
                "arguments (pytrees other than tuples, lists and dicts, float32 or other "
                "low-precision dtypes, holomorphic=): export writes the generated code "
                "alone, which would return other values",
                hint="call it with float64 arrays, or tuples, lists and dicts of them, "
                "before exporting",
            )
        key = fn._keys.get(fn._last_signature, fn._last)
        return main, _user_function(fn), _expected(main, key, fn._prepare())
    if getattr(fn, "__srcad_vmapped__", False):
        main = fn.__srcad_function__()
        spec = fn._last_spec
        key = (spec.kinds, spec.ndims)
        return main, _user_function(fn._fn), _expected(main, key, (), spec.batched)
    raise SrcadError(
        f"export expects a function made by srcad.grad, value_and_grad, jacfwd, jacrev, "
        f"jacobian, hessian or vmap, got {type(fn).__name__}",
        hint="export(srcad.grad(f), 'grad_f.py'), after calling it once with the arguments "
        "the exported code is for",
    )


def _describe(expected: tuple) -> str:
    lines = []
    for name, kind, want, number, batched, differentiated in expected:
        if kind == "array":
            text = {"complex": "complex array", "real": "real array"}.get(number, "array")
            text += " of any rank" if want is None else f" of rank {want + batched}"
        else:
            text = kind if want is None else f"{kind} of {len(want)} items of ranks {want}"
        if batched:
            text += ", the batch axis first"
        if differentiated:
            text += ", differentiated (float64 or complex128)"
        lines.append(f"    {name}: {text}\n")
    return "".join(lines) or "    (none)\n"


def _header(name: str, user: Any, expected: tuple) -> str:
    from . import __version__

    where = "?"
    code = getattr(user, "__code__", None)
    if code is not None:
        where = f"{code.co_filename}:{code.co_firstlineno}"
    user_name = getattr(user, "__qualname__", getattr(user, "__name__", "?"))
    return (
        f'"""{name}: generated by srcad {__version__} from {user_name} ({where}).\n\n'
        "Generated for (and checked at each call to be given) these arguments:\n"
        f"{_describe(expected)}\n"
        "A standalone module: it imports numpy (and the standard library), not srcad; the\n"
        "srcad helpers the code calls are written out below it.\n"
        '"""\n'
    )


def _import_check(text: str, filename: str) -> None:
    """Run the module once, as an import would (a failure here is srcad's bug, not yours)."""
    module = types.ModuleType("_srcad_exported")
    sys.modules[module.__name__] = module  # (dataclasses look their module up)
    try:
        exec(compile(text, filename, "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]


@public
def _module_text(transformed: Any) -> str:
    """The exported module's source: header, imports, what the generated code uses, and the
    public function checking its arguments."""
    main, user, expected = _root(transformed)
    writer = _Writer()
    public_name = getattr(transformed, "__name__", "")
    public_name = public_name if public_name.isidentifier() else main.__name__
    writer.taken.add(public_name)
    table = writer.fresh("_EXPECTED")
    inner = writer.export(main, main.__name__, "the generated code")
    check = writer.export(_check_arguments, "_check_arguments", "export")
    body = writer.finish()
    imports = "\n".join(sorted(writer.imports.values()))
    return (
        _header(public_name, user, expected)
        + "\nfrom __future__ import annotations\n\n"
        + "import types as _types\n"
        + (imports + "\n" if imports else "")
        + "\n\n"
        + body
        + f"\n\n{table} = {expected!r}\n\n\n"
        + f"def {public_name}(*args, **kwargs):\n"
        + f'    """{main.__name__}, after checking its arguments (see the header)."""\n'
        + f"    {check}({public_name!r}, {inner}, {table}, args, kwargs)\n"
        + f"    return {inner}(*args, **kwargs)\n"
        + f"\n\n__all__ = [{public_name!r}]\n"
    )


def export(transformed: Any, path: str | os.PathLike | None = None) -> str:
    """Write a derivative srcad generated as a standalone Python module (numpy only).

    The module holds the generated code, the generated code of the functions it calls, and
    the source of the srcad runtime helpers it uses; importing it gives the same numbers
    without srcad installed. Source-transformation tools for Fortran and C are used this
    way: the derivative is shipped as code.

    Args:
        transformed: what ``srcad.grad``, ``value_and_grad``, ``jacfwd``, ``jacrev``,
            ``jacobian``, ``hessian`` or ``vmap`` returned, called once with arguments of
            the kinds and ranks the exported code is for.
        path: the file to write (None: only return the text).

    Returns:
        The module's source. Its function has the transform's name (``grad_loss`` for
        ``grad(loss)``, ``vmap_grad_loss`` for ``vmap(grad(loss))``) and checks that its
        arguments have the kinds and ranks the header lists (a TypeError if not).

    Raises:
        SrcadError: ``transformed`` is not a srcad transform, or it uses an object that
            cannot be written out as source or as a constant.

    Example:
        >>> import numpy as np, srcad
        >>> def loss(w):
        ...     return np.sum(np.tanh(w) ** 2)
        >>> g = srcad.grad(loss)
        >>> _ = g(np.ones(2))
        >>> text = srcad.export(g)
        >>> namespace = {}
        >>> exec(compile(text, "grad_loss.py", "exec"), namespace)
        >>> np.allclose(namespace["grad_loss"](np.ones(2)), g(np.ones(2)))
        True
    """
    text = _module_text(transformed)
    _import_check(text, str(path or "<srcad export>"))
    if path is not None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        linecache.checkcache(str(path))
    return text
