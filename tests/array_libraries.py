"""Arrays of other libraries in the tests: what of numpy Dask and CuPy lack, and helpers.

docs/scaling.md shows the tables (tests/test_docs.py keeps them equal). tests/test_dask.py
runs every rule spec with its array arguments made Dask arrays. A spec whose function itself
does not run lazily on Dask arrays (Dask has no such function, or not with that option, or it
computes the array, or it computes something else than numpy) is skipped only when its
function is listed here; a listed function that runs lazily in every spec fails a test, so
the table stays true for the installed Dask. The reasons are what users read in the docs.
"""

from __future__ import annotations

import pathlib
import re

import numpy as np

import srcad

_DRAWS = "numpy's Generator and RandomState draw numpy arrays (they convert the parameters)"
# The function as users call it -> what Dask (2026.8) lacks.
DASK_LACKS = {
    "np.angle": "computes a complex input",
    "np.bincount": "weights as a Dask array with numpy positions (Dask wants Dask positions)",
    "np.array": "computes its input (a Dask array becomes a numpy array)",
    "np.array_split": "no Dask function (numpy computes the array, with a warning)",
    "np.asanyarray": "computes its input (a Dask array becomes a numpy array)",
    "np.asarray": "computes its input (a Dask array becomes a numpy array)",
    "np.ascontiguousarray": "computes its input (a Dask array becomes a numpy array)",
    "np.asfortranarray": "computes its input (a Dask array becomes a numpy array)",
    "np.average": "`weights=` of another shape than the array",
    "np.clip": "the keywords `min=` / `max=`",
    "np.column_stack": "no Dask function (numpy computes the array, with a warning)",
    "np.compress": "its result's shape depends on the values (unknown to Dask)",
    "np.convolve": "no Dask function (numpy computes the array, with a warning)",
    "np.copy": "no Dask function (numpy computes the array, with a warning)",
    "np.correlate": "no Dask function (numpy computes the array, with a warning)",
    "np.cov": "computes the array with `fweights=` / `aweights=`",
    "np.cross": "no Dask function (numpy computes the array, with a warning)",
    "np.cumulative_sum": "no Dask function (numpy computes the array, with a warning)",
    "np.delete": "`axis=None`",
    "np.diagflat": "no Dask function (numpy computes the array, with a warning)",
    "np.diff": "computes the array with `prepend=` / `append=`",
    "np.dot": "a Python number as an operand",
    "np.dsplit": "no Dask function (numpy computes the array, with a warning)",
    "np.extract": "its result's shape depends on the values (unknown to Dask)",
    "np.float32": "computes its input (a numpy scalar type: the array becomes numpy's)",
    "np.float64": "computes its input (a numpy scalar type: the array becomes numpy's)",
    "np.hsplit": "no Dask function (numpy computes the array, with a warning)",
    "np.hstack": "a Python number as an operand",
    "np.inner": "no Dask function (numpy computes the array, with a warning)",
    "np.insert": "`axis=None`",
    "np.kron": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.cholesky": "computes another result than numpy (it reads the other triangle)",
    "np.linalg.det": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.diagonal": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.eig": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.eigh": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.eigvals": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.eigvalsh": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.inv": "stacks of matrices",
    "np.linalg.lstsq": "wide matrices",
    "np.linalg.matrix_power": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.matrix_transpose": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.multi_dot": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.norm": "matrix norms of stacks (`ord=2`, `'nuc'`)",
    "np.linalg.pinv": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.qr": "stacks of matrices; matrices chunked in both dimensions",
    "np.linalg.slogdet": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.solve": "stacks of matrices",
    "np.linalg.svd": "stacks of matrices; matrices chunked in both dimensions",
    "np.linalg.svdvals": "no Dask function (numpy computes the array, with a warning)",
    "np.linalg.trace": "no Dask function (numpy computes the array, with a warning)",
    "np.linspace": "array `start` / `stop`",
    "np.matrix_transpose": "no Dask function (numpy computes the array, with a warning)",
    "np.max": "`where=`",
    "np.mean": "`where=`",
    "np.median": "`axis=None`",
    "np.nan_to_num": "the keywords `nan=`, `posinf=`, `neginf=`",
    "np.nancumprod": "`axis=None`",
    "np.nancumsum": "`axis=None`",
    "np.outer": "a Python number as an operand",
    "np.pad": "computes another result than numpy for some modes",
    "np.partition": "no Dask function (numpy computes the array, with a warning)",
    "np.prod": "`where=`",
    "np.ptp": "`keepdims=`",
    "np.ravel": "`order=`",
    "np.repeat": "`axis=None`",
    "np.reshape": "`order=`",
    "np.select": "conditions that broadcast against the choices",
    "np.sort": "no Dask function (numpy computes the array, with a warning)",
    "np.split": "no Dask function (numpy computes the array, with a warning)",
    "np.std": "`where=`",
    "np.sum": "`where=`",
    "np.take": "`mode=` other than the default",
    "np.take_along_axis": "no Dask function (numpy computes the array, with a warning)",
    "np.trapezoid": "no Dask function (numpy computes the array, with a warning)",
    "np.tril": "one-dimensional input",
    "np.triu": "one-dimensional input",
    "np.unstack": "no Dask function (numpy computes the array, with a warning)",
    "np.var": "`where=`",
    "np.vsplit": "no Dask function (numpy computes the array, with a warning)",
    "scipy.special.log_softmax": "scipy converts Dask arrays to numpy arrays (computes them)",
    "scipy.special.logsumexp": "scipy converts Dask arrays to numpy arrays (computes them)",
    "scipy.special.multigammaln": "scipy converts Dask arrays to numpy arrays (computes them)",
    "scipy.special.polygamma": "scipy converts Dask arrays to numpy arrays (computes them)",
    "scipy.special.softmax": "scipy converts Dask arrays to numpy arrays (computes them)",
    "rt.draw_exponential": _DRAWS,
    "rt.draw_normal": _DRAWS,
    "rt.draw_uniform": _DRAWS,
}

# Reasons shared by several entries below.
_INDEX_MAP = (
    "the derivative moves elements through an index map (rt.gather / rt.scatter), which needs numpy"
)
_BLOCKS = (
    "the derivative builds block or diagonal matrices by item assignment, which "
    "computes a Dask array"
)
_ITEMS = "builds its result by item assignment into a new array, which computes Dask arrays"
_JACOBIANS = "Jacobians are laid out in numpy arrays (srcad.jacfwd / jacrev give numpy)"
_SORTS = "the derivative sorts (np.argsort), which Dask lacks"
_WHERE = "the derivative sums with `where=`, which Dask lacks"
_FFT = "the derivative resizes an axis, which Dask's fft then wants in one chunk"
_INDEX_NUMPY = "index maps and item assignment need numpy arrays"

# Functions whose derivative srcad cannot yet compute lazily on Dask, though Dask runs the
# function (or srcad helpers that do not run lazily), and why; their specs are xfails.
SRCAD_EAGER = {
    "np.compress": _INDEX_MAP,
    "np.cumprod": "the derivative fails on Dask (a Python loop over the axis)",
    "np.delete": _INDEX_MAP,
    "np.diag": _INDEX_MAP,
    "np.diagonal": _INDEX_MAP,
    "np.fft.fft": _FFT,
    "np.fft.hfft": _FFT,
    "np.fft.ifft": _FFT,
    "np.fft.irfft": _FFT,
    "np.insert": _INDEX_MAP,
    "np.linalg.lstsq": "the derivative calls np.linalg.pinv, which Dask lacks",
    "np.linalg.qr": _BLOCKS,
    "np.linalg.svd": _BLOCKS,
    "np.median": _SORTS,
    "np.meshgrid": _INDEX_MAP,
    "np.nanmean": _WHERE,
    "np.nanmedian": _SORTS,
    "np.nanpercentile": _SORTS,
    "np.nanquantile": _SORTS,
    "np.nanstd": _WHERE,
    "np.nansum": _WHERE,
    "np.nanvar": _WHERE,
    "np.outer": "the derivative fails on Dask for an input of more than one dimension",
    "np.pad": _INDEX_MAP,
    "np.percentile": _SORTS,
    "np.quantile": _SORTS,
    "np.repeat": _INDEX_MAP,
    "np.rollaxis": _INDEX_MAP,
    "np.select": "the derivative broadcasts the conditions with numpy",
    "np.take": _INDEX_MAP,
    "np.tile": _INDEX_MAP,
    "np.vdot": "the derivative reshapes in a way Dask's reshape refuses",
    "rt.columns_to_jacobians": _JACOBIANS,
    "rt.convolve_slice": _INDEX_NUMPY,
    "rt.convolve_transpose": _INDEX_NUMPY,
    "rt.gather": _INDEX_NUMPY,
    "rt.jacobians_to_columns": _JACOBIANS,
    "rt.jacobians_to_rows": _JACOBIANS,
    "rt.mdiag": _ITEMS,
    "rt.mhermitian": _ITEMS,
    "rt.mhermitian_t": _ITEMS,
    "rt.mphi": _ITEMS,
    "rt.polygamma": "calls scipy.special.polygamma, which computes Dask arrays",
    "rt.rows_to_jacobians": _JACOBIANS,
    "rt.scatter": _INDEX_NUMPY,
    "scipy.special.psi": "the derivative is scipy.special.polygamma, which computes Dask arrays",
}

# numpy functions with srcad rules that CuPy has no function of the same name for (read off
# cupy/__init__.py, cupy/linalg and cupy/fft of CuPy's source, August 2026): numpy raises
# TypeError for them on CuPy arrays. tests/test_cupy.py skips their specs when they fail.
CUPY_LACKS = {
    "np.insert": "no CuPy function",
    "np.linalg.diagonal": "no CuPy function",
    "np.linalg.multi_dot": "no CuPy function",
    "np.linalg.svdvals": "no CuPy function",
    "np.linalg.trace": "no CuPy function",
    "np.matvec": "no CuPy function",
    "np.nanpercentile": "no CuPy function",
    "np.nanquantile": "no CuPy function",
    "np.unstack": "no CuPy function",
    "np.vecdot": "no CuPy function",
    "np.vecmat": "no CuPy function",
}


# numpy functions that convert their arguments to numpy arrays themselves instead of handing
# the call to the arguments' library (NEP 18 covers neither np.asarray nor a list of
# arrays): on a CuPy array they raise TypeError, as the user's own code would. Found by
# tests/test_device.py (a numpy-backed stand-in for CuPy); tests skip their specs.
_CONVERTS = "numpy converts the argument to a numpy array itself"
CONVERTED_BY_NUMPY = {
    "np.array": _CONVERTS,
    "np.asanyarray": _CONVERTS,
    "np.asarray": _CONVERTS,
    "np.ascontiguousarray": _CONVERTS,
    "np.asfortranarray": _CONVERTS,
    "np.copy": "a list of arrays (numpy converts each)",
    "np.float32": "a numpy scalar type: numpy converts the argument",
    "np.float64": "a numpy scalar type: numpy converts the argument",
    "np.reshape": "`order=` on an np.asfortranarray (which numpy converts)",
    "scipy.special.log_softmax": "scipy converts the argument to a numpy array",
    "scipy.special.logsumexp": "scipy converts the argument to a numpy array",
    "scipy.special.multigammaln": "scipy converts the argument to a numpy array",
    "scipy.special.polygamma": "scipy converts the argument to a numpy array",
    "scipy.special.softmax": "scipy converts the argument to a numpy array",
    "rt.draw_exponential": _DRAWS,
    "rt.draw_normal": _DRAWS,
    "rt.draw_uniform": _DRAWS,
}

# Functions whose derivative srcad computes with numpy arrays though the function itself runs
# on a device array (CuPy's), and why: on a GPU their derivatives fail with TypeError.
SRCAD_HOST_ONLY = {
    "rt.columns_to_jacobians": _JACOBIANS,
    "rt.jacobians_to_columns": _JACOBIANS,
    "rt.jacobians_to_rows": _JACOBIANS,
    "rt.rows_to_jacobians": _JACOBIANS,
    "rt.polygamma": "calls scipy.special.polygamma, which converts to numpy",
    "scipy.special.psi": "the derivative is scipy.special.polygamma, which converts to numpy",
}


def leaves(tree):
    if isinstance(tree, (list, tuple)):
        for v in tree:
            yield from leaves(v)
    elif isinstance(tree, dict):
        for v in tree.values():
            yield from leaves(v)
    else:
        yield tree


def tree_map(fn, tree):
    if isinstance(tree, (list, tuple)):
        return type(tree)(tree_map(fn, v) for v in tree)
    if isinstance(tree, dict):
        return {k: tree_map(fn, v) for k, v in tree.items()}
    return fn(tree)


def qualified(fn) -> str:
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__name__", repr(fn))
    if module == "numpy" or (module.startswith("numpy") and not module.startswith("numpy.")):
        return f"np.{name}"
    for public in ("numpy.linalg", "numpy.fft"):
        if module.startswith(public):
            return f"np.{public[6:]}.{name}"
    if module.startswith("srcad"):
        return f"rt.{name}"
    if type(fn).__name__ == "ufunc":
        return f"np.{name}" if getattr(np, name, None) is fn else f"scipy.special.{name}"
    return f"{module.split('._')[0]}.{name}"


def numpy_like(spec) -> bool:
    """Specs whose function Dask could run: numpy's and srcad's; scipy converts its inputs
    to numpy arrays (np.asarray) itself, and math works on Python numbers."""
    module = getattr(spec.primitive, "__module__", None) or ""
    if module.startswith(("srcad.helpers.scipy", "srcad.helpers.ode")):
        return False  # helpers of scipy's rules
    return qualified(spec.primitive).startswith(("np.", "rt.", "scipy.special."))


def random_like(tree, rng):
    def draw(x):
        if not np.issubdtype(np.result_type(x), np.inexact):
            return None
        values = rng.standard_normal(np.shape(x))
        if np.iscomplexobj(x):
            values = values + 1j * rng.standard_normal(np.shape(x))
        if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
            return complex(values) if isinstance(x, complex) else float(values)
        return np.asarray(values, dtype=np.result_type(x))

    return tree_map(draw, tree)


def eager_cases(specs):
    """(spec, shapes, kwargs) of the rule specs with an array argument, for an eager library."""
    for spec in specs:
        for shapes in spec.shapes:
            if any(shapes) and numpy_like(spec):
                for kwargs in spec.kwargs:
                    yield spec, shapes, kwargs


def check_derivatives_on(f, args, to_library, to_numpy, array_type, modes):
    """f's derivatives (vjp and jvp, as `modes` says) for the arguments moved to another
    eager library (`to_library`) are arrays of that library (`array_type`) wherever the
    primal is one, and equal, brought back with `to_numpy`, the derivatives for numpy's."""

    def move(value, like):
        if isinstance(like, array_type) and value is not None:
            return to_library(np.asarray(value))  # a number for a 0-d output: 0-d, as like
        return value

    def check(got, want, primals, what):
        for g, p in zip(leaves(got), leaves(primals)):
            if isinstance(p, array_type) and g is not None:
                assert isinstance(g, array_type), f"a {what} is {type(g).__name__}"
        got, want = list(leaves(got)), list(leaves(want))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            if g is None or w is None:  # no derivative: the other is none or zero
                assert not np.any(to_numpy(g) if w is None else w)
                continue
            np.testing.assert_allclose(to_numpy(g), w, rtol=1e-9, atol=1e-12)

    largs = tuple(to_library(a) if isinstance(a, np.ndarray) else a for a in args)
    rng = np.random.default_rng(3)
    if "rev" in modes:
        out, pullback = srcad.vjp(f, *args)
        cotangent = random_like(out, rng)
        lout, lpullback = srcad.vjp(f, *largs)
        flat = iter(leaves(lout))
        got = lpullback(tree_map(lambda c: move(c, next(flat)), cotangent))
        check(got, pullback(cotangent), largs, "derivative")
    if "fwd" in modes:
        tangents = random_like(args, rng)
        _, want = srcad.jvp(f, args, tangents)
        moved = tree_map(lambda t: to_library(t) if isinstance(t, np.ndarray) else t, tangents)
        lout, got = srcad.jvp(f, largs, moved)
        check(got, want, lout, "tangent")


TABLES_START = "<!-- tables: written by `python tests/array_libraries.py` -->"
TABLES_END = "<!-- end of tables -->"


def tables_markdown() -> str:
    """The tables above as docs/scaling.md shows them, between TABLES_START and TABLES_END."""
    sections = [
        ("Functions Dask does not run lazily", "what Dask lacks", DASK_LACKS),
        (
            "Functions whose derivative srcad does not yet compute lazily on Dask",
            "why",
            SRCAD_EAGER,
        ),
        ("Functions CuPy lacks", "", CUPY_LACKS),
        ("Functions numpy or scipy convert to numpy arrays", "", CONVERTED_BY_NUMPY),
        (
            "Functions whose derivative srcad computes with numpy arrays (not on a GPU)",
            "why",
            SRCAD_HOST_ONLY,
        ),
    ]
    lines = [TABLES_START, ""]
    for title, column, table in sections:
        lines += [f"### {title}", "", f"| function | {column or 'why'} |", "|---|---|"]
        lines += [f"| `{name}` | {table[name]} |" for name in sorted(table)]
        lines.append("")
    return "\n".join(lines + [TABLES_END])


def scaling_examples() -> list[str]:
    """The code blocks of docs/scaling.md: the Dask cluster's example, then the GPU's."""
    text = (pathlib.Path(__file__).parent.parent / "docs" / "scaling.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def run_example(source, namespace, directory):
    """Run an example's code from a file in `directory` (srcad reads functions' sources)."""
    path = pathlib.Path(directory) / "example.py"
    path.write_text(source)
    exec(compile(source, str(path), "exec"), namespace)
    return namespace


if __name__ == "__main__":
    print(tables_markdown())
