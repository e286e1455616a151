"""Normalize: ``try/except``, ``try/finally`` and known ``with`` blocks become plain code.

Accepts a parsed function before the fence (which refuses ``try`` and ``with``). A
``try`` whose except clauses name exception classes (not a bare ``except``, ``Exception``
or ``BaseException``) and whose body makes no call (other than constructing an exception it
raises; numpy and scipy functions where the clauses catch only exception classes of the
user's own, which those functions never raise), raises inside no loop, and raises
exception classes srcad can name, becomes::

    raised = 0
    <the body, each ``raise E(...)`` caught by clause k replaced by ``raised = k``,
     the statements after it skipped: ``if raised == 0: <the rest>``>
    if raised == 1: <clause 1>
    elif ...
    else: <the try's else>
    <the finally block>

so the body's differentiated assignments are plain statements, and which clause ran is a
constant flag the forward sweep records like any other branch. Nothing else of the body may
raise what the clauses catch: no call (but numpy's and scipy's where the clauses name only
the user's own exception classes), no operation that may raise a caught class (``x / b``
under ``except ZeroDivisionError``, ``a * b`` of two values, which may fail to broadcast,
under ``except ValueError``: srcad's code may not compute a value nothing reads, and would
then not run the clause Python runs). The test of an if that holds a caught raise is
exempt: srcad's code evaluates it wherever the flag it decides matters, and fails where
Python's does. A ``finally`` block is supported where no part of the
``try`` leaves early (``return``, ``break``, ``continue``, a ``raise`` not caught).

``with C(...): body`` becomes ``body`` for the context managers that change no value:
``numpy.errstate`` (with modes ``ignore``, ``warn`` or ``print`` only: ``raise``, ``call``
or ``log`` would turn a floating point error into something srcad's code would not do),
``numpy.printoptions`` and ``warnings.catch_warnings()`` (statement calls of
``warnings.simplefilter`` and ``warnings.filterwarnings`` inside it go with it: they end
with the block).
Guarantees: anything else of these constructs raises `UnsupportedSyntaxError` at it, with
what to do instead; the rewritten code runs the same statements in the same order.
"""

from __future__ import annotations

import warnings

import gast
import numpy as np

from ..fence import refuse
from ..ir import syntax as S
from ..naming import Namer

_BROAD = (BaseException, Exception)
_QUIET = {np.errstate, np.printoptions, warnings.catch_warnings}
_FILTERS = {warnings.simplefilter, warnings.filterwarnings, warnings.resetwarnings}


def lower_exceptions(fdef: gast.FunctionDef, namespace, filename: str) -> None:
    """Lower the try and with statements of `fdef` (see the module docstring)."""
    if not any(isinstance(n, (gast.Try, gast.With)) for n in S.walk(fdef)):
        return
    lowering = _Lowering(fdef, namespace, filename)
    fdef.body = lowering.block(fdef.body)


class _Lowering:
    def __init__(self, fdef, namespace, filename):
        self.namespace, self.filename, self.fname = namespace, filename, fdef.name
        self.local = S.names_stored(fdef) | {
            a.id for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs
        }
        self.namer = Namer(S.all_names(fdef))

    def refuse(self, node, what: str, instead: str):
        refuse(node, self.filename, what, instead, self.fname)

    def block(self, body: list) -> list:
        def rewrite(s):
            if isinstance(s, gast.Try):
                for h in s.handlers:
                    h.body = self.block(h.body)
                return self.try_(s)
            if isinstance(s, gast.With):
                return self.with_(s)
            return [s]

        return S.rewrite_statements(body, rewrite)

    # -- with --------------------------------------------------------------------------------
    def with_(self, s: gast.With) -> list:
        quiet = False
        for item in s.items:
            manager = item.context_expr
            made = self._value(manager.func) if isinstance(manager, gast.Call) else None
            if made not in _QUIET or item.optional_vars is not None:
                self.refuse(
                    s,
                    "a with block other than numpy.errstate, numpy.printoptions or "
                    "warnings.catch_warnings() (a context manager may change values or "
                    "catch exceptions)",
                    "move the with block outside the differentiated function",
                )
            if made is np.errstate:
                self._check_errstate(manager)
            quiet = quiet or made is warnings.catch_warnings
        body = s.body
        if quiet:  # the filters set inside end with the block
            body = [b for b in body if not self._is_filter(b)] or [gast.Pass()]
        return body

    def _check_errstate(self, call: gast.Call) -> None:
        for k in call.keywords:
            v = k.value
            if (
                k.arg is None
                or not isinstance(v, gast.Constant)
                or v.value not in ("ignore", "warn", "print")
            ):
                self.refuse(
                    k.value,
                    "numpy.errstate with a mode other than a constant 'ignore', 'warn' or "
                    "'print' (srcad's code would not raise or call where yours does)",
                    "move the with block outside the differentiated function",
                )
        if call.args:
            self.refuse(call, "numpy.errstate with a positional argument", "use keywords")

    def _is_filter(self, s) -> bool:
        return (
            isinstance(s, gast.Expr)
            and isinstance(s.value, gast.Call)
            and self._value(s.value.func) in _FILTERS
        )

    def _value(self, node):
        try:
            return self.namespace.value_of(node, self.local)
        except Exception:  # noqa: BLE001 - a property that fails names nothing known
            return None

    # -- try ---------------------------------------------------------------------------------
    def try_(self, s: gast.Try) -> list:
        if not s.handlers:
            self._check_no_exit(s, s.body)
            return [*s.body, *s.finalbody]
        caught = [self._caught(h) for h in s.handlers]
        self._check_body(s.body, all(map(_own, caught)))
        self._check_operations(s.body, caught)
        if s.finalbody:
            for part in [s.body, s.orelse, *(h.body for h in s.handlers)]:
                self._check_no_exit(s, part, caught)
        flag = self.namer.fresh("raised")
        body, _ = self._lower(s.body, flag, caught)
        tail: list = list(s.orelse)
        for k in range(len(s.handlers), 0, -1):
            handler = s.handlers[k - 1]
            test = gast.Compare(S.name(flag), [gast.Eq()], [S.const(k)])
            tail = [S.copy_location(gast.If(test, handler.body, tail), handler)]
        start = S.copy_location(S.assign(flag, S.const(0)), s)
        return [start, *body, *tail, *s.finalbody]

    def _caught(self, h: gast.ExceptHandler) -> tuple:
        what = "a bare except (it catches any exception a call or operator raises)"
        if h.type is None:
            self.refuse(h, what, "name the exception classes the try body raises")
        types_ = h.type.elts if isinstance(h.type, gast.Tuple) else [h.type]
        classes = tuple(self._value(t) for t in types_)
        for t, c in zip(types_, classes):
            if not (isinstance(c, type) and issubclass(c, BaseException)):
                self.refuse(t, "an except clause whose class srcad cannot name", "name it")
            if c in _BROAD:
                self.refuse(
                    t,
                    f"except {c.__name__} (it catches any exception a call or operator raises)",
                    "name the exception classes the try body raises",
                )
        if h.name is not None and any(
            isinstance(n, gast.Name) and n.id == h.name.id for n in S.walk(gast.Module(h.body, []))
        ):
            self.refuse(
                h,
                "an except clause that uses its exception object (as ...)",
                "leave it unnamed",
            )
        for n in S.walk_no_nested(gast.Module(h.body, [])):
            if isinstance(n, gast.Raise) and n.exc is None:
                self.refuse(n, "a bare raise in an except clause", "raise a new exception")
        return classes

    def _check_body(self, body: list, own: bool) -> None:
        """Refuse what may raise, other than a raise statement, an exception the clauses
        catch: any call, or where the clauses catch only exception classes of the user's
        own, a call of anything but a numpy or scipy function (which raise none of them)."""
        raised = {id(r.exc) for r in self._walk(body) if isinstance(r, gast.Raise)}
        loops = [n for n in self._walk(body) if isinstance(n, (gast.For, gast.While))]
        in_loop = {id(r) for loop in loops for r in S.walk(loop) if isinstance(r, gast.Raise)}
        for n in self._walk(body):
            if isinstance(n, gast.Call) and not (id(n) in raised and self._exception(n)):
                if own and _library(self._value(n.func)):
                    continue
                self.refuse(
                    n,
                    "a call inside a try body with except clauses (srcad replays the raise "
                    "statements of the body; an exception a call raises it cannot; numpy "
                    "and scipy functions are allowed where the clauses catch only exception "
                    "classes of your own)",
                    "make the call before the try, or test its result with if and raise",
                )
            if isinstance(n, gast.Raise):
                if n.exc is None or self._exception(n.exc) is None:
                    self.refuse(
                        n,
                        "a raise of an exception srcad cannot name inside a try body",
                        "raise a class by its name",
                    )
                if id(n) in in_loop:
                    self.refuse(
                        n,
                        "a raise inside a loop of a try body",
                        "set a flag and break, then test it after the loop",
                    )
            if isinstance(n, (gast.Lambda, gast.FunctionDef, gast.ClassDef)):
                self.refuse(n, "a function defined in a try body", "define it before the try")

    def _check_operations(self, body: list, caught: list) -> None:
        """Refuse an operation of the body that may raise what a clause catches (`_RAISES`):
        srcad's code might not make it (a value nothing reads is not computed) and so not
        run the clause Python runs. The test of an if that holds a caught raise is exempt:
        srcad's code evaluates it wherever the flag it decides matters."""
        classes = [c for group in caught for c in group]
        exempt: set = set()
        for n in self._walk(body):
            if isinstance(n, gast.If) and any(
                isinstance(r, gast.Raise) and self._handler_of(r, caught) is not None
                for b in n.body + n.orelse
                for r in S.walk_no_nested(b)
            ):
                exempt |= {id(m) for m in S.walk(n.test)}
        for n in self._walk(body):
            if id(n) in exempt:
                continue
            for raised in _raises(n, id(getattr(n, "test", None)) in exempt):
                for c in classes:
                    if issubclass(raised, c) or (issubclass(c, raised) and not _own((c,))):
                        self.refuse(
                            n,
                            f"an operation that may raise {raised.__name__} inside a try "
                            f"body that catches {c.__name__} (srcad replays the raise "
                            "statements of the body, not an exception an operation raises)",
                            "test the condition with if and raise, or move the operation "
                            "before the try",
                        )

    def _check_no_exit(self, s, body: list, caught=()) -> None:
        for n in self._walk(body):
            leaves = isinstance(n, (gast.Return, gast.Break, gast.Continue))
            if isinstance(n, gast.Raise):
                leaves = self._handler_of(n, caught) is None
            if leaves:
                self.refuse(
                    n,
                    "a finally block after a try that leaves early (return, break, continue "
                    "or raise)",
                    "move the finally block's code after the try",
                )

    def _walk(self, body: list):
        for s in body:
            yield from S.walk_no_nested(s)

    def _exception(self, node):
        """The exception class `node` (``E`` or ``E(...)``) raises, or None."""
        if isinstance(node, gast.Call):
            node = node.func
        value = self._value(node)
        return value if isinstance(value, type) and issubclass(value, BaseException) else None

    def _handler_of(self, r: gast.Raise, caught) -> int | None:
        cls = self._exception(r.exc) if r.exc is not None else None
        for k, classes in enumerate(caught, 1):
            if cls is not None and issubclass(cls, classes):
                return k
        return None

    def _lower(self, body: list, flag: str, caught) -> tuple[list, bool]:
        """`body` with its caught raises setting `flag`, and whether any may be set."""
        out: list = []
        for i, s in enumerate(body):
            if isinstance(s, gast.Raise):
                k = self._handler_of(s, caught)
                if k is not None:
                    out.append(S.copy_location(S.assign(flag, S.const(k)), s))
                    return out, True
                out.append(s)
                continue
            may = False
            if isinstance(s, gast.If):
                s.body, in_body = self._lower(s.body, flag, caught)
                s.orelse, in_else = self._lower(s.orelse, flag, caught)
                may = in_body or in_else
            out.append(s)
            rest = body[i + 1 :]
            if may and rest:
                lowered, _ = self._lower(rest, flag, caught)
                test = gast.Compare(S.name(flag), [gast.Eq()], [S.const(0)])
                out.append(S.copy_location(gast.If(test, lowered, []), rest[0]))
                return out, True
            if may:
                return out, True
        return out, False


def _own(classes: tuple) -> bool:
    """Whether `classes` are all exception classes of the user's, not Python's or a
    library's."""
    return all(c.__module__.split(".")[0] not in ("builtins", "numpy", "scipy") for c in classes)


def _library(fn) -> bool:
    """Whether `fn` is a numpy or scipy function (a ufunc included)."""
    module = getattr(fn, "__module__", None) or ""
    return (
        callable(fn)
        and not isinstance(fn, type)
        and module.split(".")[0]
        in (
            "numpy",
            "scipy",
        )
    )


_ARITHMETIC = (ArithmeticError, TypeError)
_TRUTH = (ValueError, TypeError)  # the truth value of an array is ambiguous


def _raises(n, test_exempt: bool = False) -> tuple:
    """The exception classes the operation `n` itself may raise (its operands are nodes of
    their own), by what numpy and Python do: arithmetic between two values may fail to
    broadcast (ValueError), a truth test of an array fails (ValueError), an item may be
    missing (LookupError), and so on."""
    if isinstance(n, (gast.BinOp, gast.AugAssign)):
        left, right = (n.left, n.right) if isinstance(n, gast.BinOp) else (n.target, n.value)
        both = not (S.is_const(left) or S.is_const(right))
        natural = isinstance(right, gast.Constant) and type(right.value) is int and right.value >= 0
        power = isinstance(n.op, gast.Pow) and not natural
        if both or power or isinstance(n.op, gast.MatMult):
            return (*_ARITHMETIC, ValueError)
        return _ARITHMETIC
    if isinstance(n, gast.UnaryOp):
        return _TRUTH if isinstance(n.op, gast.Not) else (TypeError,)
    if isinstance(n, (gast.BoolOp, gast.IfExp, gast.JoinedStr, gast.Starred)):
        return _TRUTH
    if isinstance(n, gast.Compare):
        return _TRUTH
    if isinstance(n, gast.Subscript):
        return (LookupError, *_TRUTH)
    if isinstance(n, gast.Attribute):
        return (AttributeError,)
    if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
        return (NameError,)
    if isinstance(n, (gast.If, gast.While)):
        return () if test_exempt else _TRUTH
    if isinstance(n, gast.Assign):  # unpacking
        unpacks = any(isinstance(t, (gast.Tuple, gast.List)) for t in n.targets)
        return _TRUTH if unpacks else ()
    if isinstance(n, (gast.For, gast.Dict)):
        return _TRUTH  # iteration and unpacking, hashing
    if isinstance(n, gast.Delete):
        return (LookupError, NameError)
    if isinstance(n, gast.Assert):
        return (AssertionError, *_TRUTH)
    return ()
