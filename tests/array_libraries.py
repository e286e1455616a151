"""Arrays of other libraries in the tests: what of numpy Dask and CuPy lack, and helpers.

docs/scaling.md shows the tables (tests/test_docs.py keeps them equal). tests/test_dask.py
runs every rule spec with its array arguments made Dask arrays. A spec whose function itself
does not run lazily on Dask arrays (Dask has no such function, or not with that option, or it
computes the array, or it computes something else than numpy) is skipped only when its
function is listed here; a listed function that runs lazily in every spec fails a test, so
the table stays true for the installed Dask. The reasons are what users read in the docs.
"""

from __future__ import annotations

import numpy as np

# The function as users call it -> what Dask (2026.8) lacks.
DASK_LACKS = {
    "np.angle": "computes a complex input",
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
_ROWS = "a Python list of the rows of an array: iterating over a Dask array is not lazy"
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
    "rt.from_sequence": _ROWS,
    "rt.gather": _INDEX_NUMPY,
    "rt.jacobians_to_columns": _JACOBIANS,
    "rt.jacobians_to_rows": _JACOBIANS,
    "rt.mchain": _ITEMS,
    "rt.mchain_vjp": _ITEMS,
    "rt.mcorner": _ITEMS,
    "rt.mdiag": _ITEMS,
    "rt.mdual": _ITEMS,
    "rt.mduals": _ITEMS,
    "rt.mhermitian": _ITEMS,
    "rt.mhermitian_t": _ITEMS,
    "rt.mphi": _ITEMS,
    "rt.mresiduals": _ITEMS,
    "rt.mresiduals_t": _ITEMS,
    "rt.mtlbr": _ITEMS,
    "rt.mtop_right": _ITEMS,
    "rt.mtrs": _ITEMS,
    "rt.pack_like": _ROWS,
    "rt.polygamma": "calls scipy.special.polygamma, which computes Dask arrays",
    "rt.rows_to_jacobians": _JACOBIANS,
    "rt.scatter": _INDEX_NUMPY,
    "rt.sequence": _ROWS,
    "rt.sequence_vjp": _ROWS,
    "rt.setitem_tangent": _ITEMS,
    "rt.spread_sum": _ROWS,
    "rt.sum_sequence": _ROWS,
    "rt.surviving": _ROWS,
    "rt.to_sequence": _ROWS,
    "rt.unpack_parts": _ROWS,
    "rt.zero_item": _ITEMS,
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
