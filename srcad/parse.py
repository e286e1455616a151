"""Stage 1, parse: a Python function -> its gast tree and the namespace it reads names from.

Accepts any Python function or lambda whose source `inspect` can find (files, notebook cells,
and srcad-generated functions, which are registered in `linecache`). Guarantees: the returned
`gast.FunctionDef` has no decorators, line numbers are those of the real file and column
offsets those of the real lines; a lambda comes back as an equivalent ``def`` named after it.
Anything without readable source raises `SourceUnavailableError` saying why.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import dataclasses
import dis
import functools
import inspect
import linecache
import sys
import textwrap
import types

import gast

from .errors import Location, SourceUnavailableError, UnsupportedSyntaxError
from .ir.syntax import clone, function_def, parse, return_, to_ast, walk

_MISSING = object()


@dataclasses.dataclass(frozen=True)
class Namespace:
    """Where a function's free names live: its closure cells, its globals, the builtins."""

    globals: dict
    cells: dict  # free variable name -> cell

    def lookup(self, name: str, default=_MISSING):
        cell = self.cells.get(name)
        if cell is not None:
            try:
                return cell.cell_contents
            except ValueError:  # an empty cell: the outer variable is not bound yet
                pass
        if name in self.globals:
            return self.globals[name]
        b = self.globals.get("__builtins__", builtins)
        b = b if isinstance(b, dict) else vars(b)
        if name in b:
            return b[name]
        if default is _MISSING:
            raise KeyError(name)
        return default

    def has(self, name: str) -> bool:
        return self.lookup(name, None) is not None or name in self.globals

    def value_of(self, node, local: set):
        """The object a name or attribute chain (``np.linalg.inv``) names here, or None: a
        name in `local` (the function's own variables and parameters) or any other
        expression names nothing here."""
        parts = []
        while isinstance(node, gast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name) or node.id in local:
            return None
        value = self.lookup(node.id, None)
        for part in reversed(parts):
            value = getattr(value, part, None)
        return value

    def module_value_read(self, node, local: set) -> tuple:
        """(the object a global name or a module attribute chain names, the reads it took as
        guards (container, key, object)); (None, []) for anything else, and None for an
        attribute of an object other than a module (not followed)."""
        parts = []
        while isinstance(node, gast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name) or node.id in local:
            return None, []
        value = self.lookup(node.id, None)
        cell = self.cells.get(node.id)
        reads = []
        if cell is not None:
            reads.append((cell, node.id, value))
        elif node.id in self.globals:
            reads.append((self.globals, node.id, value))
        for part in reversed(parts):
            if not isinstance(value, types.ModuleType):
                return None, reads
            owner, value = value, getattr(value, part, None)
            reads.append((vars(owner), part, value))
        return value, reads

    @staticmethod
    def of(fn: types.FunctionType) -> Namespace:
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        return Namespace(fn.__globals__, cells)


@dataclasses.dataclass
class ParsedFunction:
    fn: types.FunctionType
    node: gast.FunctionDef
    namespace: Namespace
    filename: str

    @property
    def name(self) -> str:
        return self.node.name


def _plain_function(fn):
    """The Python function behind `fn`, or a `SourceUnavailableError` saying why there is none."""
    inner = getattr(fn, "__srcad_function__", None)
    if inner is not None:  # a srcad transform: differentiate its generated code
        fn = inner() if callable(inner) and not isinstance(inner, types.FunctionType) else inner
    if isinstance(fn, types.FunctionType):
        return fn
    what = _describe(fn)
    if isinstance(fn, (types.BuiltinFunctionType, types.BuiltinMethodType)) or type(
        fn
    ).__name__ in ("ufunc", "_ArrayFunctionDispatcher"):
        # srcad knows numpy's and Python's builtins as calls inside a function it reads, not
        # as the function itself: the fix is a one-line wrapper.
        short = _short_name(fn)
        raise SourceUnavailableError(
            f"cannot read the source of {what}: it is implemented in C, so srcad has no "
            "Python code to transform",
            hint=f"differentiate a function that calls it, e.g. lambda x: {short}(x) (srcad "
            "has rules for the numpy functions in docs/functions.md); for a function without "
            "a rule, register one with @srcad.vjp_rule / @srcad.jvp_rule (docs/rules.md)",
        )
    if isinstance(fn, types.MethodType):
        raise SourceUnavailableError(
            f"{what} is a bound method; srcad transforms plain functions",
            hint="pass the function and the object explicitly, e.g. grad(lambda x: obj.method(x))",
        )
    if isinstance(fn, functools.partial):
        raise SourceUnavailableError(
            f"{what} is a functools.partial; srcad transforms plain functions",
            hint="wrap it: grad(lambda x: f(x, *fixed_args))",
        )
    raise SourceUnavailableError(
        f"{what} is not a Python function, so srcad cannot read its source",
        hint="srcad.grad and friends take a function defined with def or lambda",
    )


def _short_name(fn) -> str:
    """How user code usually spells a builtin: np.sin, abs, math.exp."""
    name = getattr(fn, "__name__", None) or "f"
    module = getattr(fn, "__module__", None) or ""
    if module == "numpy" or type(fn).__name__ == "ufunc":
        return f"np.{name}"
    if module in ("", "builtins"):
        return name
    return f"{module}.{name}"


def def_location(fn) -> Location | None:
    """Where `fn` is defined (its def or lambda line), for errors about the function as a
    whole; None for objects without Python code."""
    inner = getattr(fn, "__srcad_function__", None)
    if inner is not None or not isinstance(fn, types.FunctionType):
        return None
    code = fn.__code__
    if not linecache.getline(code.co_filename, code.co_firstlineno):
        return None
    return Location(code.co_filename, code.co_firstlineno, 0, None, fn.__name__)


def _describe(fn) -> str:
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    module = getattr(fn, "__module__", None)
    if name:
        return f"{module + '.' if module else ''}{name}"
    return f"an object of type {type(fn).__name__}"


def _last_line(code: types.CodeType) -> int:
    """The last line holding code of `code` or of a function or comprehension nested in it."""
    last = max(
        (line for _, _, line in code.co_lines() if line is not None), default=code.co_firstlineno
    )
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            last = max(last, _last_line(const))
    return last


def def_source(code: types.CodeType, all_lines: list[str], parse_text=ast.parse):
    """The lines of the def (decorators included) that compiled to `code`, read from its
    file's `all_lines`, and `parse_text` of them dedented: the fewest lines from its first
    that cover all its code and parse. None if there are none such.

    (inspect.getsourcelines tokenizes to find the block's end; that was a tenth of a first
    `grad(f)`. Lines after the last one holding code hold none, so cutting there loses no
    behaviour: at most a trailing `pass` or comment.)"""
    first = code.co_firstlineno
    last = _last_line(code)
    if not 0 < first <= last <= len(all_lines):
        return None
    if not all_lines[first - 1].lstrip().startswith(("def ", "async def ", "@")):
        return None
    for end in range(last, min(last + 40, len(all_lines)) + 1):
        lines = all_lines[first - 1 : end]
        try:
            return lines, parse_text(textwrap.dedent("".join(lines)))
        except SyntaxError:
            continue
    return None


def require_source(fn) -> None:
    """Raise `SourceUnavailableError` now if the source of `fn` (a plain function) cannot be
    read, so that `grad(f)` fails where it is written rather than at the first call."""
    if not isinstance(fn, types.FunctionType):
        return
    code = fn.__code__
    if not linecache.getlines(code.co_filename, fn.__globals__):
        _source_lines(fn)  # raises the explanatory error, unless inspect finds it elsewhere


# Where Python puts code that keeps no source, by the file name it compiles it under.
_NO_SOURCE = {
    "<stdin>": "it was read from standard input (typed into the interactive interpreter, "
    "or a script piped to `python -`), which keeps no source",
    "<console>": "it was typed into an interactive console, which keeps no source",
    "<string>": "it was compiled from a string (`python -c`, exec or compile), which keeps "
    "no source",
}


def _source_lines(fn: types.FunctionType) -> tuple[list[str], int]:
    try:
        lines, lnum = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        filename = fn.__code__.co_filename
        where = _NO_SOURCE.get(filename, f"its file {filename!r} cannot be read ({exc})")
        raise SourceUnavailableError(
            f"cannot read the source of {_describe(fn)}: {where}",
            hint="define the function in a file or a notebook cell (both keep their source)",
        ) from None
    return lines, max(lnum, 1)


def _shift_positions(tree, line_offset: int, col_offset: int, skip_lines=()) -> None:
    for node in walk(tree):
        positions = node.__dict__  # (where the parser and srcad.ir.syntax put them)
        lineno = positions.get("lineno")
        if lineno is None:
            continue
        lineno += line_offset
        positions["lineno"] = lineno
        end = positions.get("end_lineno")
        if end is not None:
            positions["end_lineno"] = end + line_offset
        column = positions.get("col_offset")
        if lineno not in skip_lines and column is not None:
            positions["col_offset"] = column + col_offset
            end = positions.get("end_col_offset")
            if end is not None:
                positions["end_col_offset"] = end + col_offset


def parse_function(fn, generators: bool = False) -> ParsedFunction:
    """Parse `fn` into a gast FunctionDef plus its namespace. `generators`: also read a
    generator function (for analyses of what it does; it is not transformed)."""
    fn = _plain_function(fn)
    origin = getattr(fn, "__srcad_origin__", None)
    if origin is not None:
        # a nested function srcad lifted (srcad.normalize.closures): its tree with the
        # user's lines, so that messages point into the user's file, not the lifted copy
        filename, node = origin
        return ParsedFunction(fn, clone(node), Namespace.of(fn), filename)
    if (inspect.isgeneratorfunction(fn) and not generators) or inspect.iscoroutinefunction(fn):
        _refuse_generator(fn)
    if fn.__code__.co_name == "<lambda>":
        node, filename = _parse_lambda(fn)
    else:
        node, filename = _parse_def(fn)
        _require_same_code(node, fn)
    node.decorator_list = []
    return ParsedFunction(fn, node, Namespace.of(fn), filename)


def _refuse_generator(fn) -> None:
    """A generator or async function: point at its first yield or await, else at its def."""
    generator = inspect.isgeneratorfunction(fn)
    if generator:
        kind = "a generator function"
        hint = "collect the values in a list and return it (or return np.sum of them)"
        marks = (gast.Yield, gast.YieldFrom)
    else:
        kind = "an async function"
        hint = (
            "make it a plain def, and await whatever it needs before calling the "
            "differentiated function"
        )
        marks = (gast.Await,)
    where = def_location(fn)
    try:
        lines, lnum = _source_lines(fn)
        text = "".join(lines)
        dedented = textwrap.dedent(text)
        indent = len(lines[0]) - len(lines[0].lstrip()) if dedented != text else 0
        module = parse(dedented)
    except (SourceUnavailableError, SyntaxError):
        module = None
    if module is not None:
        top = next(
            (
                n
                for n in module.body
                if isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef))
                and n.name == fn.__code__.co_name
            ),
            None,
        )
        if top is not None:
            _shift_positions(top, lnum - 1, indent)
            found = next((n for n in _own_nodes(top) if isinstance(n, marks)), None)
            # The yield makes a generator; async is a property of the def line itself.
            node = found if generator and found is not None else top
            where = Location(
                fn.__code__.co_filename,
                node.lineno,
                node.col_offset,
                node.end_col_offset if node.end_lineno == node.lineno else None,
                fn.__name__,
            )
    why = "functions that return a value" if generator else "plain (synchronous) functions"
    raise UnsupportedSyntaxError(
        f"{_describe(fn)} is {kind}; srcad differentiates {why}",
        where,
        hint=hint,
    )


def _own_nodes(fdef):
    """The nodes of a function's body, not those of the functions nested in it."""
    stack = list(reversed(fdef.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda)):
            continue
        stack.extend(reversed(list(gast.iter_child_nodes(node))))


def _parse_def(fn) -> tuple[gast.FunctionDef, str]:
    code = fn.__code__
    found = def_source(code, linecache.getlines(code.co_filename, fn.__globals__), parse)
    if found is not None:
        (lines, module), lnum = found, code.co_firstlineno
    else:
        lines, lnum = _source_lines(fn)
        try:
            module = parse(textwrap.dedent("".join(lines)))
        except SyntaxError as exc:
            raise SourceUnavailableError(
                f"cannot parse the source of {_describe(fn)} ({exc.msg})",
                hint="srcad needs the complete def statement of the function",
            ) from None
    indent = len(lines[0]) - len(lines[0].lstrip())
    node = next(
        (n for n in module.body if isinstance(n, gast.FunctionDef) and n.name == code.co_name),
        None,
    )
    if node is None:
        raise SourceUnavailableError(
            f"the source found for {_describe(fn)} does not define it (the file may have "
            "changed since the function was defined)",
            hint="reload the module or re-run the cell that defines the function",
        )
    _shift_positions(node, lnum - 1, indent)
    return node, fn.__code__.co_filename


# __future__ flags a code object carries, which compiling its source again must repeat.
_FUTURE_FLAGS = functools.reduce(
    lambda a, b: a | b, (getattr(__future__, f).compiler_flag for f in __future__.all_feature_names)
)
_CO_NESTED = 0x10
_verified: dict[int, types.CodeType] = {}  # code objects whose source was found the same


def _require_same_code(node: gast.FunctionDef, fn) -> None:
    """Refuse a def whose source no longer compiles to the code that runs (its file was edited
    after the module was imported): srcad would differentiate other code than the caller's."""
    code = fn.__code__
    if _verified.get(id(code)) is code or getattr(fn, "__srcad_generated__", False):
        return
    compiled = _compile_def(node, code, _imported_globals(fn))
    if compiled is None or _same_behaviour(compiled, code):
        _verified[id(code)] = code
        return
    raise SourceUnavailableError(
        f"the source of {_describe(fn)} in {code.co_filename} has changed since the function "
        "was defined: srcad would differentiate code that is not the code that runs",
        def_location(fn),
        hint="reload the module (importlib.reload) or re-run the cell that defines it",
    )


def _imported_globals(fn) -> list[str]:
    """The names `fn`'s code reads that hold a module in its globals, as an import binds
    them. (Python 3.11 and later compile ``np.f(x)`` with another instruction where `np` was
    bound by an import statement of the module: imports of these names next to the copy
    make its code the same, byte for byte, where the function's own module imported them.)"""
    g = fn.__globals__
    return [n for n in fn.__code__.co_names if isinstance(g.get(n), types.ModuleType)]


def _compile_def(
    node: gast.FunctionDef, code: types.CodeType, imported: list[str] = ()
) -> types.CodeType | None:
    """The code object `node` compiles to, with `code`'s free variables as closure cells
    (and `imported` names bound by import statements of its module, never run)."""
    tree = to_ast(node)
    tree.decorator_list = []
    tree.name = "__srcad_checked__"  # its own name stays global (recursive calls)
    body: list = [
        ast.Assign(targets=[ast.Name(v, ast.Store())], value=ast.Constant(None))
        for v in code.co_freevars
    ]
    outer = ast.FunctionDef(
        name="__srcad_outer__",
        args=ast.arguments(
            posonlyargs=[],
            args=[],
            vararg=None,
            kwonlyargs=[],
            kw_defaults=[],
            kwarg=None,
            defaults=[],
        ),
        body=body + [tree],
        decorator_list=[],
        returns=None,
        type_comment=None,
        **({"type_params": []} if sys.version_info >= (3, 12) else {}),
    )
    imports: list = [ast.Import(names=[ast.alias(name=n)]) for n in imported]
    # The parsed def has its positions: only the nodes made here get line 1 (what
    # ast.fix_missing_locations, which walks the whole tree, would give them)
    for made in (*imports, *body):
        ast.fix_missing_locations(made)
    outer.lineno, outer.col_offset, outer.end_lineno, outer.end_col_offset = 1, 0, 1, 0
    module = ast.Module(body=[*imports, outer], type_ignores=[])
    flags = code.co_flags & _FUTURE_FLAGS
    try:
        try:
            compiled = compile(module, code.co_filename, "exec", flags=flags, dont_inherit=True)
        except (ValueError, TypeError):  # a node without a position after all
            module = ast.fix_missing_locations(module)
            compiled = compile(module, code.co_filename, "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError, TypeError):
        return None  # not something srcad can compare: leave it to the later stages
    outer_code = next(c for c in compiled.co_consts if isinstance(c, types.CodeType))
    return next((c for c in outer_code.co_consts if isinstance(c, types.CodeType)), None)


def _same_behaviour(a: types.CodeType, b: types.CodeType) -> bool:
    """Whether two code objects run the same (names of the functions and lines aside)."""
    if _same_bytes(a, b):
        return True  # (reading their instructions, the slower test, would say the same)
    if (
        a.co_varnames != b.co_varnames
        or a.co_freevars != b.co_freevars
        or a.co_cellvars != b.co_cellvars
        or a.co_argcount != b.co_argcount
        or a.co_kwonlyargcount != b.co_kwonlyargcount
        or _instructions(a) != _instructions(b)
    ):
        return False
    inner_a = [c for c in a.co_consts if isinstance(c, types.CodeType)]
    inner_b = [c for c in b.co_consts if isinstance(c, types.CodeType)]
    return len(inner_a) == len(inner_b) and all(map(_same_behaviour, inner_a, inner_b))


def _same_bytes(a: types.CodeType, b: types.CodeType) -> bool:
    """Whether two code objects hold the same instructions on the same constants and names
    (the constants that are code objects compared alike)."""
    if not (
        a.co_code == b.co_code
        and a.co_names == b.co_names
        and a.co_varnames == b.co_varnames
        and a.co_freevars == b.co_freevars
        and a.co_cellvars == b.co_cellvars
        and a.co_argcount == b.co_argcount
        and a.co_kwonlyargcount == b.co_kwonlyargcount
        and len(a.co_consts) == len(b.co_consts)
    ):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, types.CodeType) and isinstance(y, types.CodeType):
            if not _same_bytes(x, y):
                return False
        elif type(x) is not type(y) or repr(x) != repr(y):  # (0.0 == -0.0)
            return False
    return True


# How a call of a method is compiled depends on whether its object's name was imported
# (Python 3.11 loads `np.f` as an attribute, a module-level alias as a method): both mean
# the same here. Jump targets are offsets, which differ with the instructions' sizes.
_SAME_OPS = {"LOAD_METHOD": "LOAD_ATTR", "CALL_METHOD": "CALL_FUNCTION"}
_SKIPPED_OPS = {"CACHE", "PRECALL", "NOP", "RESUME", "EXTENDED_ARG", "PUSH_NULL"}
_JUMPS = set(dis.hasjrel) | set(dis.hasjabs)


def _instructions(code: types.CodeType) -> list:
    out = []
    for ins in dis.get_instructions(code):
        if ins.opname in _SKIPPED_OPS:
            continue
        op = _SAME_OPS.get(ins.opname, ins.opname)
        arg = ins.argval
        if ins.opcode in _JUMPS:
            arg = None
        elif isinstance(arg, types.CodeType):
            arg = "<code>"
        elif isinstance(arg, str) and "<locals>" in arg:
            arg = "<qualified name>"  # a nested function's, pushed by Python 3.10
        elif isinstance(arg, float) and arg != arg:
            arg = "nan"
        out.append((op, repr(arg) if not isinstance(arg, str) else arg))
    return out


def _parse_lambda(fn) -> tuple[gast.FunctionDef, str]:
    """Find the lambda in its file by line, then by code positions or by shape."""
    filename = fn.__code__.co_filename
    lineno = fn.__code__.co_firstlineno
    lines = linecache.getlines(filename, fn.__globals__)
    if not lines:
        _source_lines(fn)  # raises the explanatory error
        raise SourceUnavailableError(
            f"cannot read the source of {_describe(fn)}",
            hint="define the function in a file or a notebook cell (both keep their source)",
        )
    try:
        module = parse("".join(lines))
        candidates = [n for n in walk(module) if isinstance(n, gast.Lambda) and n.lineno == lineno]
    except SyntaxError:
        candidates = []
    if not candidates:
        # The file may not parse as a whole (a notebook cell with magics); try the statement.
        src_lines, lnum = _source_lines(fn)
        try:
            piece = parse(textwrap.dedent("".join(src_lines)).strip())
        except SyntaxError:
            raise SourceUnavailableError(
                f"cannot isolate the source of {_describe(fn)}: the lambda's line is part "
                "of a statement inspect cannot extract",
                hint="assign the lambda to a name on a line of its own, or use def",
            ) from None
        candidates = [n for n in walk(piece) if isinstance(n, gast.Lambda)]
        for c in candidates:
            _shift_positions(c, lnum - 1, 0)
    node = _pick_lambda(fn, candidates)
    params = [a.id for a in node.args.args]
    fdef = function_def("lambda_" + str(lineno), params, [return_(node.body)])
    fdef.args = node.args
    fdef.lineno, fdef.col_offset = node.lineno, node.col_offset
    fdef.end_lineno = getattr(node, "end_lineno", node.lineno)
    fdef.end_col_offset = getattr(node, "end_col_offset", node.col_offset)
    fdef.body[0].lineno = node.body.lineno
    fdef.body[0].col_offset = node.body.col_offset
    return fdef, filename


def _pick_lambda(fn, candidates: list[gast.Lambda]) -> gast.Lambda:
    code = fn.__code__
    params = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    same_args = [c for c in candidates if [a.id for a in c.args.args + c.args.kwonlyargs] == params]
    if len(same_args) == 1:
        return same_args[0]
    pool = same_args or candidates
    if len(pool) > 1 and sys.version_info >= (3, 11):
        cols = [
            p[2] for p in code.co_positions() if p[0] == code.co_firstlineno and p[2] is not None
        ]
        if cols:
            col = min(c for c in cols if c >= 0) if any(c >= 0 for c in cols) else 0
            inside = [
                c
                for c in pool
                if c.body.col_offset <= col < (getattr(c, "end_col_offset", 10**9) or 10**9)
            ]
            if inside:
                return max(inside, key=lambda c: c.body.col_offset)
    if len(pool) > 1:
        matches = [c for c in pool if _same_code(c, code)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SourceUnavailableError(
                f"cannot tell which lambda on line {code.co_firstlineno} of "
                f"{code.co_filename} is {_describe(fn)}",
                hint="give the lambdas different parameter names or put them on separate lines",
            )
        pool = matches
    if not pool:
        raise SourceUnavailableError(
            f"cannot find the source of {_describe(fn)}",
            hint="assign the lambda to a name on a line of its own, or use def",
        )
    return pool[0]


def _same_code(lam: gast.Lambda, code: types.CodeType) -> bool:
    """Compile a candidate lambda alone and compare what the bytecode refers to."""
    import ast

    try:
        expr = to_ast(gast.Expression(body=lam))
        compiled = compile(ast.fix_missing_locations(expr), "<srcad>", "eval")
    except (SyntaxError, ValueError, TypeError):
        return False
    inner = next((c for c in compiled.co_consts if isinstance(c, types.CodeType)), None)
    if inner is None:
        return False
    free = set(code.co_names) | set(code.co_freevars)
    other = set(inner.co_names) | set(inner.co_freevars)
    consts = lambda c: {repr(k) for k in c.co_consts if not isinstance(k, types.CodeType)}
    return free == other and consts(inner) == consts(code)
