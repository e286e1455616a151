"""The oracle of the soundness corpus: finite differences (or a hand-derived value), and the
verdict on what srcad did.

Nothing here calls srcad to compute an expected value. `evaluate(case)` runs a case and
returns an `Outcome`:

- ``pass``: every derivative srcad returned matches the oracle;
- ``refused``: srcad raised a `SrcadError` that names the user's file and a line in it;
- ``wrong``: a number differs from the oracle (or a number came back where no derivative
  exists);
- ``unlocated``: a `SrcadError` that does not name the user's file and line;
- ``gencode``: a non-srcad exception raised inside generated code, where the user's function
  itself runs;
- ``crash``: any other non-srcad exception (in srcad's machinery, or generated code that does
  not compile).

Every call, the user's function or a derivative, gets a deep copy of the arguments (a case
may change its arguments in place), runs with numpy's floating-point warnings silenced and
with the legacy global random state reseeded, so that functions drawing from np.random are
the same function at every call (the pathwise derivative is then what finite differences
measure).
"""

from __future__ import annotations

import copy
import dataclasses
import numbers
import re
import warnings

import numpy as np

import srcad

SEED = 1234
EPS = 1e-6
HESS_EPS = 1e-4
RTOL, ATOL = 1e-5, 1e-6
HESS_RTOL, HESS_ATOL = 1e-4, 1e-5


class Mismatch(AssertionError):
    """srcad returned a number that differs from the oracle."""


class CaseBroken(Exception):
    """The case itself is wrong (its function fails, or the oracle cannot run)."""


@dataclasses.dataclass(frozen=True)
class Outcome:
    kind: str  # pass, refused, wrong, unlocated, gencode, crash
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.kind in ("pass", "refused")


# ------------------------------------------------------------------------------- pytrees
def is_float_leaf(x) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fc"
    if isinstance(x, np.generic):
        return np.issubdtype(x.dtype, np.inexact)
    return isinstance(x, numbers.Number) and not isinstance(x, numbers.Integral)


def is_container(x) -> bool:
    return isinstance(x, (list, tuple, dict))


def paths(tree, prefix=()) -> list:
    """The paths (tuples of indices and keys) to the float leaves of `tree`, in order."""
    if isinstance(tree, dict):
        return [p for k, v in tree.items() for p in paths(v, prefix + (k,))]
    if isinstance(tree, (list, tuple)):
        return [p for i, v in enumerate(tree) for p in paths(v, prefix + (i,))]
    return [prefix] if is_float_leaf(tree) else []


def all_float(tree) -> bool:
    """Every leaf of `tree` is a float (so that jvp and vjp can take it whole)."""
    if isinstance(tree, dict):
        return bool(tree) and all(all_float(v) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return bool(tree) and all(all_float(v) for v in tree)
    return is_float_leaf(tree)


def get(tree, path):
    for p in path:
        tree = tree[p]
    return tree


def replace(tree, path, value):
    """A copy of `tree` with the leaf at `path` replaced (containers keep their types)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    inner = replace(tree[head], rest, value)
    if isinstance(tree, tuple):
        items = list(tree)
        items[head] = inner
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    new = copy.copy(tree)
    new[head] = inner
    return new


def tree_map(fn, tree):
    return _map_paths(tree, paths(tree), fn)


def _map_paths(tree, leaf_paths, fn):
    for p in leaf_paths:
        tree = replace(tree, p, fn(get(tree, p)))
    return tree


def random_like(leaf, rng):
    shape = np.shape(leaf)
    values = rng.standard_normal(shape)
    if np.iscomplexobj(leaf):
        values = values + 1j * rng.standard_normal(shape)
    if isinstance(leaf, np.ndarray):
        out = np.asarray(values, dtype=leaf.dtype)
        return out.view(type(leaf)) if type(leaf) is not np.ndarray else out
    if isinstance(leaf, np.generic):
        return leaf.dtype.type(values)
    return complex(values) if isinstance(leaf, complex) else float(values)


# ------------------------------------------------------------------------------- calling
def call(fn, *args):
    """fn(*deep copies of args), reseeded, with numpy's warnings silenced."""
    args = copy.deepcopy(args)
    np.random.seed(SEED)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def as_array(value) -> np.ndarray:
    try:
        out = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - reported as a wrong result
        raise Mismatch(f"not an array: {value!r} ({exc})") from None
    if out.dtype.kind not in "fcbiu":
        raise Mismatch(f"not numeric: {short(value)}")
    return out


def moved(leaf, delta):
    """`leaf` plus `delta`, of the leaf's own kind (float stays float, matrix stays matrix)."""
    if isinstance(leaf, np.ndarray):
        return leaf + np.asarray(delta, dtype=leaf.dtype).reshape(leaf.shape)
    if isinstance(leaf, np.generic):
        return leaf.dtype.type(leaf + delta)
    return (
        type(leaf)(leaf + delta.item()) if isinstance(leaf, complex) else float(leaf + delta.item())
    )


def fd_jacobian(fn, args, k, path, eps=EPS) -> np.ndarray:
    """d fn / d (the leaf at `path` of args[k]), central differences: out.shape + leaf.shape."""
    leaf = get(args[k], path)
    shape = np.shape(leaf)
    size = int(np.prod(shape))
    if size == 0:
        return np.zeros(np.shape(call(fn, *args)) + shape)
    columns = []
    for i in range(size):
        step = np.zeros(size)
        step[i] = eps
        step = step.reshape(shape)

        def at(delta, i=i):
            tree = replace(args[k], path, moved(leaf, delta))
            return as_array(call(fn, *args[:k], tree, *args[k + 1 :])).astype(complex)

        columns.append((at(step) - at(-step)) / (2 * eps))
    out_shape = columns[0].shape if columns else ()
    jac = np.stack(columns, axis=-1).reshape(out_shape + shape)
    return jac.real if not np.iscomplexobj(leaf) and not np.any(jac.imag) else jac


def fd_one_sided(fn, args, k, path, eps) -> np.ndarray:
    """Forward (eps > 0) or backward (eps < 0) differences: they part at a kink."""
    leaf = get(args[k], path)
    shape = np.shape(leaf)
    size = int(np.prod(shape))
    base = as_array(call(fn, *args)).astype(complex)
    columns = []
    for i in range(size):
        step = np.zeros(size)
        step[i] = eps
        tree = replace(args[k], path, moved(leaf, step.reshape(shape)))
        moved_out = as_array(call(fn, *args[:k], tree, *args[k + 1 :])).astype(complex)
        columns.append((moved_out - base) / eps)
    if not columns:
        return np.zeros(base.shape + shape)
    return np.stack(columns, axis=-1).reshape(base.shape + shape)


def fd_hessian(fn, args, k, pi, pj, eps=HESS_EPS) -> np.ndarray:
    """d2 fn / d leaf_i d leaf_j of a scalar fn, second-order central differences."""
    li, lj = get(args[k], pi), get(args[k], pj)
    si, sj = np.shape(li), np.shape(lj)
    ni, nj = int(np.prod(si)), int(np.prod(sj))
    out = np.zeros((ni, nj))

    def at(di, dj):
        tree = args[k]
        if pi == pj:
            tree = replace(tree, pi, moved(li, (di + dj).reshape(si)))
        else:
            tree = replace(tree, pi, moved(li, di.reshape(si)))
            tree = replace(tree, pj, moved(lj, dj.reshape(sj)))
        return float(np.real(as_array(call(fn, *args[:k], tree, *args[k + 1 :]))))

    for a in range(ni):
        for b in range(nj):
            ea, eb = np.zeros(ni), np.zeros(nj)
            ea[a], eb[b] = eps, eps
            out[a, b] = (at(ea, eb) - at(ea, -eb) - at(-ea, eb) + at(-ea, -eb)) / (4 * eps * eps)
    return out.reshape(si + sj)


# ------------------------------------------------------------------------------- comparing
def short(value) -> str:
    try:
        a = np.asarray(value)
    except Exception:  # noqa: BLE001
        return repr(value)[:60]
    if a.dtype.kind not in "fciub":
        return repr(value)[:60]
    if a.size <= 4:
        text = np.array2string(a, precision=3, suppress_small=True, separator=" ")
        return text.replace("\n", "")
    return f"<{a.shape} max|.| {np.max(np.abs(a)):.3g}>"


def compare(label: str, got, want, scale: float, rtol=RTOL, atol=ATOL) -> None:
    got_a, want_a = as_array(got), np.asarray(want)
    if got_a.shape != want_a.shape:
        raise Mismatch(f"{label}: shape {got_a.shape} vs {want_a.shape} ({short(got)})")
    if got_a.size == 0:
        return
    if want_a.dtype.kind != "c" and got_a.dtype.kind == "c":
        if np.any(got_a.imag != 0):
            raise Mismatch(f"{label}: complex {short(got)} vs real {short(want)}")
        got_a = got_a.real
    finite = np.isfinite(want_a)
    bad = ~np.isfinite(got_a) & finite
    bad |= ~finite & ~((np.isnan(want_a) & np.isnan(got_a)) | (got_a == want_a))
    g, w = np.where(finite, got_a, 0), np.where(finite, want_a, 0)
    bad |= np.abs(g - w) > atol + rtol * scale
    if np.any(bad):
        raise Mismatch(f"{label} {short(got)} vs {short(want)}")


def scale_of(jacobians) -> float:
    values = [np.max(np.abs(j[np.isfinite(j)]), initial=0.0) for j in jacobians]
    return max([1.0] + [float(v) for v in values])


# ------------------------------------------------------------------------------- checking
def located(err: srcad.SrcadError, files: set) -> bool:
    """Whether the error names one of the user's files, with a line in it."""
    loc = getattr(err, "location", None)
    if loc is not None and loc.filename in files and loc.lineno >= 1:
        return True
    text = str(err)
    return any(re.search(re.escape(f) + r":\d+", text) for f in files)


def from_generated_code(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<srcad"):
            return True
        tb = tb.tb_next
    return False


def default_argnums(args):
    nums = [i for i, a in enumerate(args) if all_float(a)]
    return nums[0] if len(nums) == 1 else tuple(nums)


def checks_for(out, args, argnums) -> tuple:
    """grad (scalar real output), jvp and vjp (all arguments float), jacfwd and jacrev
    (array output, differentiated arguments that are arrays or floats)."""
    nums = (argnums,) if isinstance(argnums, int) else argnums
    scalar = np.ndim(out) == 0 and not np.iscomplexobj(out)
    checks = ["grad"] if scalar else []
    if all(all_float(a) for a in args):
        checks += ["jvp", "vjp"]
    if not scalar and all(not is_container(args[n]) for n in nums):
        checks += ["jacfwd", "jacrev"]
    return tuple(checks)


class Context:
    """What a case's procedure gets: `check` runs the standard checks in the current state."""

    def __init__(self, tmp_path, files: set):
        self.tmp_path = tmp_path
        self.files = files

    def check(
        self,
        fn,
        *args,
        checks=None,
        argnums=None,
        jac=None,
        hess=None,
        refuse=False,
        eps=EPS,
        primal=True,
    ):
        check(fn, args, checks, argnums, jac, hess, refuse, eps, primal)

    def expect(self, label, got, want) -> None:
        want_a = np.asarray(want)
        compare(label, got, want, scale_of([want_a]))


def _hand_jacobians(jac, args, nums):
    if isinstance(jac, dict):
        return {k: [np.asarray(j) for j in v] for k, v in jac.items()}
    assert nums == (0,) and len(paths(args[0])) == 1, "one hand Jacobian: argument 0 only"
    return {0: [np.asarray(jac)]}


def check(
    fn, args, checks=None, argnums=None, jac=None, hess=None, refuse=False, eps=EPS, primal=True
):
    """Run srcad's transforms of fn at args and compare with the oracle; raise Mismatch."""
    try:
        out = as_array(call(fn, *args))
    except Mismatch as exc:
        raise CaseBroken(f"the function's output is not an array: {exc}") from None
    except Exception as exc:
        raise CaseBroken(f"the function itself fails: {type(exc).__name__}: {exc}") from exc
    if argnums is None:
        argnums = default_argnums(args)
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if checks is None:
        checks = checks_for(out, args, argnums)
    elif isinstance(checks, str):
        checks = tuple(checks.split())
    if refuse:
        _check_refused(fn, args, checks, argnums)
        return
    every = tuple(range(len(args))) if {"jvp", "vjp"} & set(checks) else ()
    wanted = sorted(set(nums) | set(every))
    if jac is not None:
        J = _hand_jacobians(jac, args, tuple(wanted))
    else:
        try:
            J = {k: [fd_jacobian(fn, args, k, p, eps) for p in paths(args[k])] for k in wanted}
        except Exception as exc:
            raise CaseBroken(f"finite differences fail: {type(exc).__name__}: {exc}") from exc
    scale = scale_of([j for js in J.values() for j in js])
    rng = np.random.default_rng(7)
    for what in checks:
        if what == "grad":
            got = call(srcad.grad(fn, argnums=argnums), *args)
            got = (got,) if isinstance(argnums, int) else tuple(got)
            if len(got) != len(nums):
                raise Mismatch(f"grad: {len(got)} gradients for {len(nums)} arguments")
            for g, k in zip(got, nums):
                for p, j in zip(paths(args[k]), J[k]):
                    compare(f"grad{_where(k, p, nums)}", _get(g, p), j, scale)
        elif what == "jvp":
            tangents = tuple(tree_map(lambda leaf: random_like(leaf, rng), a) for a in args)
            res = call(lambda *a, t=tangents: srcad.jvp(fn, a, copy.deepcopy(t)), *args)
            value, tout = res
            if primal:
                compare("jvp primal", value, out, max(1.0, scale_of([out])), 1e-9, 1e-9)
            want = sum(
                np.tensordot(j, np.asarray(get(tangents[k], p)), axes=np.ndim(get(args[k], p)))
                for k in range(len(args))
                for p, j in zip(paths(args[k]), J[k])
            )
            compare("jvp tangent", tout, want, scale * _size_weight(tangents))
        elif what == "vjp":
            cot = random_like(out.astype(float) if out.dtype.kind != "c" else out, rng)
            if np.ndim(out) == 0:
                cot = complex(cot) if np.iscomplexobj(out) else float(cot)

            def pull(*a, cot=cot):
                value, pullback = srcad.vjp(fn, *a)
                return value, pullback(cot)

            value, cts = call(pull, *args)
            if primal:
                compare("vjp primal", value, out, max(1.0, scale_of([out])), 1e-9, 1e-9)
            if len(cts) != len(args):
                raise Mismatch(f"vjp: {len(cts)} cotangents for {len(args)} arguments")
            for k in range(len(args)):
                for p, j in zip(paths(args[k]), J[k]):
                    want = np.tensordot(cot, j, axes=np.ndim(out))
                    compare(
                        f"vjp{_where(k, p, range(len(args)))}",
                        _get(cts[k], p),
                        want,
                        scale * max(1.0, float(np.sum(np.abs(cot)))),
                    )
        elif what in ("jacfwd", "jacrev"):
            transform = srcad.jacfwd if what == "jacfwd" else srcad.jacrev
            got = call(transform(fn, argnums=argnums), *args)
            got = (got,) if isinstance(argnums, int) else tuple(got)
            for g, k in zip(got, nums):
                compare(f"{what}{_where(k, (), nums)}", g, J[k][0], scale)
        elif what == "hessian":
            k = argnums if isinstance(argnums, int) else nums[0]
            got = call(srcad.hessian(fn, argnums=k), *args)
            leaf_paths = paths(args[k])
            for a, pi in enumerate(leaf_paths):
                for b, pj in enumerate(leaf_paths):
                    if hess is not None:
                        want = np.asarray(hess) if len(leaf_paths) == 1 else hess[a][b]
                    else:
                        try:
                            want = fd_hessian(fn, args, k, pi, pj)
                        except Exception as exc:
                            raise CaseBroken(f"finite differences fail: {exc}") from exc
                    compare(
                        f"hessian{_where(k, pi + pj, ())}",
                        _get(_get(got, pi), pj),
                        want,
                        scale_of([np.asarray(want)]),
                        HESS_RTOL,
                        HESS_ATOL,
                    )
        else:
            raise CaseBroken(f"unknown check {what!r}")


def _get(tree, path):
    try:
        return get(tree, path)
    except Exception as exc:  # noqa: BLE001 - a result of the wrong structure
        raise Mismatch(f"no entry at {path} in {short(tree)} ({type(exc).__name__})") from None


def _where(k, path, nums) -> str:
    text = f"[{k}]" if len(tuple(nums)) > 1 else ""
    return text + "".join(f"[{p!r}]" for p in path)


def _size_weight(tangents) -> float:
    return max(1.0, sum(float(np.sum(np.abs(get(t, p)))) for t in tangents for p in paths(t)))


def _check_refused(fn, args, checks, argnums) -> None:
    """No derivative exists: every transform must raise (the caller judges the error)."""
    for what in checks:
        if what == "grad":
            got = call(srcad.grad(fn, argnums=argnums), *args)
        elif what == "jvp":
            tangents = tuple(tree_map(lambda leaf: np.ones_like(leaf), a) for a in args)
            got = call(lambda *a, t=tangents: srcad.jvp(fn, a, t)[1], *args)
        elif what == "vjp":
            got = call(lambda *a: srcad.vjp(fn, *a)[1](np.ones_like(fn(*a))), *args)
        elif what in ("jacfwd", "jacrev"):
            transform = srcad.jacfwd if what == "jacfwd" else srcad.jacrev
            got = call(transform(fn, argnums=argnums), *args)
        else:
            got = call(srcad.hessian(fn, argnums=argnums), *args)
        raise Mismatch(f"{what} returned {short(got)} where no derivative exists")


def evaluate(case, tmp_path=None) -> Outcome:
    """Run `case`; the verdict on srcad (see the module docstring)."""
    files = case.user_files()
    ctx = Context(tmp_path, files)
    try:
        if case.run is not None:
            case.run(ctx)
        else:
            check(
                case.fn,
                case.args,
                case.checks,
                case.argnums,
                case.jac,
                case.hess,
                case.refuse,
                case.eps,
                case.primal,
            )
    except Mismatch as exc:
        return Outcome("wrong", str(exc))
    except CaseBroken:
        raise
    except srcad.SrcadError as err:
        if located(err, ctx.files):
            return Outcome("refused", str(err).splitlines()[0])
        return Outcome("unlocated", f"{type(err).__name__}: {str(err).splitlines()[0]}")
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        first = (str(exc).splitlines() or [""])[0]
        if from_generated_code(exc):
            return Outcome("gencode", f"{type(exc).__name__} in generated code: {first}")
        return Outcome("crash", f"{type(exc).__name__}: {first}")
    return Outcome("pass")


def oracle_trouble(case) -> str | None:
    """Why finite differences cannot be trusted at this case's point (None if they can):
    they change with the step (a kink or jump within reach), or are not finite."""
    if case.fn is None or case.jac is not None or case.refuse:
        return None
    args = case.args
    nums = case.argnums
    if nums is None:
        nums = default_argnums(args)
    nums = (nums,) if isinstance(nums, int) else tuple(nums)
    every = range(len(args)) if all(all_float(a) for a in args) else nums
    for k in every:
        for p in paths(args[k]):
            fine = fd_jacobian(case.fn, args, k, p, case.eps)
            coarse = fd_jacobian(case.fn, args, k, p, 10 * case.eps)
            if not np.all(np.isfinite(fine)):
                return f"finite differences not finite for argument {k}{list(p)}"
            scale = scale_of([fine])
            if np.max(np.abs(fine - coarse), initial=0.0) > 1e-5 * scale:
                return f"finite differences depend on the step for argument {k}{list(p)}"
            ahead = fd_one_sided(case.fn, args, k, p, case.eps)
            behind = fd_one_sided(case.fn, args, k, p, -case.eps)
            if np.max(np.abs(ahead - behind), initial=0.0) > 1e-3 * scale:
                return f"a kink at the point (one-sided differences part) for argument {k}{list(p)}"
    return None
