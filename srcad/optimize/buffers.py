"""Buffer reuse: elementwise results written into arrays that die, dead arrays deleted.

Accepts a generated function body after the other passes (gradient modes). Looks only at
top-level assignments ``r = e`` whose value is an elementwise expression: arithmetic
(``+ - * / **``), unary minus and one-argument numpy ufuncs of a fixed list, over names and
int or float literals. Where an operation's operand is an array that the generated code
owns and that dies there, the operation writes into it with an in-place operator
(``t4 *= 2 * t``; into the statement's own target only where that is the operand,
``bx += t4``), and an owned array is deleted (``del t``) once its last read has run, unless
only a return follows; so peak memory comes close to a hand-written gradient's:

    t = np.tanh(x)                         t = np.tanh(x)
    t4 = np.exp(-x)                        t4 = np.exp(-x)
    bx = -(t ** 2 * t4)              ->    bx = -(t ** 2 * t4)
    bx = bx + t4 * (2 * t) * (1.0 - t * t) t4 *= 2 * t
    y = bx * 3.0                           t *= t
    return y                               t4 *= 1.0 - t
                                           del t
                                           bx += t4
                                           del t4
                                           y = bx * 3.0
                                           return y

Guarantees (soundness): an array is written in place only when
- it is the value one top-level assignment gave a name, computed by such an elementwise
  operation: a fresh array, never a user's array, a view or a value saved on a tape;
- every read of that value anywhere in the body is as an operand of such operations in such
  assignments (a return, a call, a container, a loop or a branch reading it keeps it whole);
- no read of it is left: the write is the operation that reads it last;
- the result certainly has its shape and dtype. Both follow a "layout": a name the body
  never assigns (a parameter) has its own; a float ufunc of a value of layout L gives a
  floating layout of the same root; arithmetic of floating values of one layout, and of int
  or float literals, keeps it (numpy keeps a float or complex dtype against Python numbers);
- the in-place operator rebinds where the value is a number (`a *= b` of floats).
The code stays differentiable again (hessian, jvp of grad): no `out=`, no aliases (`r = t`),
and in-place writes only into fresh arrays, which srcad's transforms accept.
Values computed are bitwise the same (the same ufunc loops, with operands in the same order,
except that `a + b` and `a * b` may become `b += a`, `b *= a`). Returns new statement lists.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import gast
import numpy as np

from ..ir import syntax as S

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)
_COMMUTATIVE = (gast.Add, gast.Mult)
# ufuncs with the usual float loops (e, f, d, g and complex): of an int or bool array they
# give the same float dtype, of a float or complex array its own dtype
_FLOAT_UFUNCS = tuple(
    getattr(np, n)
    for n in (
        "tanh exp log sin cos tan sinh cosh sqrt expm1 log1p exp2 log2 log10 arctan arcsinh"
    ).split()
)
_SAME_UFUNCS = (np.negative, np.square)  # keep the dtype of any number
_LITERAL = ("literal",)


def reuse(body: list, shapes: dict, resolve: Callable) -> list:
    """`body` with dying owned arrays reused for elementwise results and deleted after their
    last read. `shapes`: {name: shape class} (`analyze.ndims`); `resolve`: callee -> object."""
    scans = []
    for s in body:
        scan = _scan(s)
        if scan is None:
            return body
        scans.append(scan)
    facts = _Facts(body, scans, shapes, resolve)
    if not facts.owned:
        return body
    out: list = []
    for i, s in enumerate(body):
        if i in facts.dying_at and i in facts.defs and (i, _target(s)) in facts.layouts:
            out.extend(_Statement(facts, i, s).rewrite())
        else:
            out.append(s)
    return out


_LATE = (
    gast.FunctionDef,
    gast.Lambda,
    gast.GeneratorExp,
    gast.ClassDef,
    gast.Global,
    gast.Nonlocal,
)


def _scan(s) -> tuple[set, set, set] | None:
    """The names statement `s` reads, those it binds and those it binds or deletes; None
    where it may read a name after it runs (a function, a lambda, a generator, a class
    body, `locals()`) or binds names of another scope: the pass, which follows reads
    statement by statement, then leaves the body alone. (Without nested functions, a walk
    sees the names that `S.names_loaded` and `S.names_stored` would.)"""
    loads: set = set()
    stores: set = set()
    bound: set = set()
    for node in S.walk(s):
        cls = type(node)
        if cls is gast.Name:
            if node.id in ("locals", "vars", "eval", "exec"):
                return None
            ctx = type(node.ctx)
            if ctx is gast.Load:
                loads.add(node.id)
            else:
                bound.add(node.id)
                if ctx is gast.Store or ctx is gast.Param:
                    stores.add(node.id)
        elif issubclass(cls, _LATE):
            return None
    return loads, stores, bound


def _target(s) -> str:
    return s.targets[0].id


class _VersionsAt:
    """Which version of each name is current just before statement `i` runs (the index of
    the elementwise assignment that made it), read from each name's sorted definitions."""

    def __init__(self, defined: dict, i: int):
        self.defined, self.i = defined, i

    def get(self, name: str, default=None):
        indices = self.defined.get(name)
        if not indices:
            return default
        k = bisect.bisect_left(indices, self.i)
        return indices[k - 1] if k else default

    def __getitem__(self, name: str) -> int:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found


class _Facts:
    """Versions (a name as one top-level statement assigned it), their layouts, whether the
    code owns them, and the statement reading each last."""

    def __init__(self, body: list, scans: list, shapes: dict, resolve: Callable):
        self.resolve = resolve
        simple = [_simple(s, resolve) for s in body]
        stored_anywhere, nested = set(), set()
        for is_simple, (_, _, bound) in zip(simple, scans):
            stored_anywhere |= bound
            if not is_simple:
                nested |= bound
        # roots: parameters (names with a shape class that the body never assigns); a
        # global could be rebound by a call between two reads
        self.roots = set(shapes) - stored_anywhere
        self.layouts: dict = {}  # (statement index, name) -> layout
        self.defs: set = set()  # indices of elementwise assignments
        current: dict = {}  # name -> statement index of its version now
        reads: dict = {}  # (index, name) -> [reading statement indices]
        escaped: set = set()
        for i, s in enumerate(body):
            loads, stores, _ = scans[i]
            for name in loads:
                version = (current.get(name), name)
                reads.setdefault(version, []).append(i)
                if not simple[i]:
                    escaped.add(version)
            if simple[i]:
                name = _target(s)
                layout = self.layout(s.value, current)
                current[name] = i
                self.defs.add(i)
                if layout is not None and layout is not _LITERAL and name not in nested:
                    self.layouts[(i, name)] = layout
            else:
                for name in stores:
                    current.pop(name, None)
        self.owned = {v for v in self.layouts if v not in escaped}
        self.last = {v: max(reads.get(v, [v[0]])) for v in self.owned}
        self.dying_at: dict = {}  # statement index -> the owned versions it reads last
        for v, i in self.last.items():
            self.dying_at.setdefault(i, []).append(v)
        # where only returns follow, deleting frees nothing earlier
        self.quiet_after: set = set()
        for i in reversed(range(len(body))):
            self.quiet_after.add(i)
            if not _ending(body[i]):
                break
        # the versions current before each statement, as the elementwise assignments
        # alone define them (what the rewrite of one statement reads)
        self.defined: dict = {}
        for i in sorted(self.defs):
            self.defined.setdefault(_target(body[i]), []).append(i)

    def current_at(self, i: int) -> _VersionsAt:
        return _VersionsAt(self.defined, i)

    def layout(self, e, current: dict):
        """The layout of elementwise expression `e` (None: unknown)."""
        if isinstance(e, gast.Constant):
            value = e.value
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return _LITERAL if ok else None
        if isinstance(e, gast.Name):
            if e.id in self.roots:
                return ("raw", e.id)
            return self.layouts.get((current.get(e.id), e.id))
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
            inner = self.layout(e.operand, current)
            return None if inner is _LITERAL else inner
        if isinstance(e, gast.BinOp) and isinstance(e.op, _ARITHMETIC):
            found = {self.layout(e.left, current), self.layout(e.right, current)}
            found.discard(_LITERAL)
            if len(found) != 1 or None in found:
                return None
            (one,) = found
            return one if one[0] == "float" else None
        func = self.ufunc(e)
        if func is not None:
            inner = self.layout(e.args[0], current)
            if inner is None or inner is _LITERAL:
                return None
            return inner if func in _SAME_UFUNCS else ("float", inner[1])
        return None

    def ufunc(self, e):
        """The ufunc of the list `e` calls with one positional argument, or None."""
        if not isinstance(e, gast.Call) or len(e.args) != 1 or e.keywords:
            return None
        if isinstance(e.args[0], gast.Starred):
            return None
        obj = self.resolve(e.func)
        ok = any(obj is f for f in _FLOAT_UFUNCS + _SAME_UFUNCS)
        return obj if ok else None


def _simple(s, resolve) -> bool:
    """An assignment of an elementwise expression (of names and literals) to one name."""
    if not isinstance(s, gast.Assign) or len(s.targets) != 1:
        return False
    if not isinstance(s.targets[0], gast.Name) or isinstance(s.value, gast.Name):
        return False  # a copy `y = t` makes two names of one array
    return _elementwise(s.value, resolve)


def _elementwise(e, resolve) -> bool:
    if isinstance(e, (gast.Name, gast.Constant)):
        return True
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        return _elementwise(e.operand, resolve)
    if isinstance(e, gast.BinOp) and isinstance(e.op, _ARITHMETIC):
        return _elementwise(e.left, resolve) and _elementwise(e.right, resolve)
    if isinstance(e, gast.Call) and len(e.args) == 1 and not e.keywords:
        obj = resolve(e.func)
        if any(obj is f for f in _FLOAT_UFUNCS + _SAME_UFUNCS):
            return _elementwise(e.args[0], resolve)
    return False


def _ending(s) -> bool:
    if isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant):
        return True  # a comment line
    return isinstance(s, (gast.Return, gast.Pass))


class _Statement:
    """Rewrites one assignment: its operations in evaluation order, each writing into an
    operand that dies there when one fits."""

    def __init__(self, facts: _Facts, i: int, s: gast.Assign):
        self.facts, self.i, self.s = facts, i, s
        self.current = facts.current_at(i)
        self.dying = {v[1] for v in facts.dying_at[i] if self.current.get(v[1]) == v[0]}
        self.pending = _count(s.value)  # reads not yet in an emitted statement
        self.out: list = []
        self.deleted: set = set()

    def rewrite(self) -> list:
        target = _target(self.s)
        value, buffer = self.visit(self.s.value)
        if buffer != target:
            self.emit(S.assign(target, value))
        self.deleted.add(target)
        self.delete_dead()
        return self.out

    def emit(self, stmt) -> None:
        self.out.append(stmt)
        for name, n in _count(stmt).items():
            if name in self.pending:
                self.pending[name] -= n
        self.delete_dead()

    def delete_dead(self) -> None:
        """`del` each owned array dying here once no read of it is left to run."""
        if self.i in self.facts.quiet_after:
            return
        for name in sorted(self.dying - self.deleted):
            if self.pending.get(name, 0) == 0 and name != _target(self.s):
                self.deleted.add(name)
                self.out.append(gast.Delete(targets=[S.name(name, store=False)]))
                self.out[-1].targets[0].ctx = gast.Del()

    def writable(self, operand, e, rebuilt) -> str | None:
        """The name of `operand` if it is a dying owned array of the layout of `e`'s result,
        every read of it not yet run being in `rebuilt` (`e` as emitted, run before the
        write)."""
        if not isinstance(operand, gast.Name) or operand.id not in self.dying:
            return None
        name = operand.id
        if e is self.s.value and name != _target(self.s):
            return None  # `r = t; del t` would make r an alias, which a transform refuses
        if name in self.deleted or _count(rebuilt).get(name, 0) != self.pending[name]:
            return None
        mine = self.facts.layouts[(self.current[name], name)]
        return name if self.facts.layout(e, self.current) == mine else None

    def visit(self, e):
        """(expression computing `e`, name of the buffer holding it or None)."""
        if isinstance(e, gast.BinOp) and isinstance(e.op, _ARITHMETIC):
            left, _ = self.visit(e.left)
            right, _ = self.visit(e.right)
            node = gast.BinOp(left=left, op=e.op, right=right)
            for mine, other in ((left, right), (right, left)):
                name = self.writable(mine, e, node)
                if name is not None and (mine is left or isinstance(e.op, _COMMUTATIVE)):
                    self.emit(gast.AugAssign(target=S.name(name, store=True), op=e.op, value=other))
                    return S.name(name), name
            return node, None
        if isinstance(e, gast.UnaryOp):
            operand, _ = self.visit(e.operand)
            return gast.UnaryOp(op=e.op, operand=operand), None
        if isinstance(e, gast.Call):
            # no `np.exp(t, out=t)`: generated code is differentiated again (hessian),
            # and a transform reads `out=` as a write it refuses
            arg, _ = self.visit(e.args[0])
            return gast.Call(func=e.func, args=[arg], keywords=[]), None
        return e, None


def _count(node) -> dict:
    counts: dict = {}
    for n in S.walk(node):
        if type(n) is gast.Name and type(n.ctx) is gast.Load:
            counts[n.id] = counts.get(n.id, 0) + 1
    return counts
