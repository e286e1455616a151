"""What every public callable of numpy does, for those without derivative rules.

The rule tables (numpy_*.py, nondiff.py) cover the functions srcad differentiates; this module
classifies the rest of numpy, numpy.linalg, numpy.fft and numpy.random, and the methods of
ndarray, ufunc, Generator and RandomState (`srcad.rules.registry` describes the classes):

* zero derivative (`nondiff`): integer, boolean, string and dtype results;
* pure without a rule (`pure`): reads its arguments and returns a value that may carry a
  derivative srcad cannot compute: refused when it does;
* writes (`writes`): changes an argument in place (np.copyto, np.ufunc.at, x.sort());
* random (`draws`), outside the program's values (`outside`: files, settings, printing), and
  opaque (`opaque`: runs a function it is given, or builds objects whose operators mean
  something else, np.matrix).

Names are strings resolved with `optional`, so a name the installed numpy lacks is skipped
(`VERSIONED` lists those present in only some of the versions srcad supports). A name that
has derivative templates is skipped too: its rule module owns it. When unsure whether a
function writes into an argument, it is declared as writing: a false refusal is a missing
feature, a wrong classification a silently wrong derivative.

A function that writes only through an ``out`` argument (np.nanargmax, ndarray.sum,
np.add.reduce) is declared by what it computes: ``out`` is one parameter name across numpy,
for rules and classified functions alike, handled where calls are analyzed.

Parameters written are named when the installed numpy gives the function a signature naming
them, else given by position (and name, for a keyword argument); for methods, 0 is the
receiver.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import nondiff as zero_derivative_table
from . import (
    numpy_elementwise,
    numpy_fft,
    numpy_linalg,
    numpy_products,
    numpy_reductions,
    numpy_shape,
    runtime_rules,
)
from .registry import (
    draws,
    facts,
    lookup,
    nondiff,
    opaque,
    optional,
    outside,
    present,
    primitive_params,
    pure,
    writes,
)

# The rule tables run first: what they give templates is skipped here, and their
# zero-derivative declarations come before the ones here (print becomes outside).
_RULE_TABLES = (
    zero_derivative_table,
    numpy_elementwise,
    numpy_fft,
    numpy_linalg,
    numpy_products,
    numpy_reductions,
    numpy_shape,
    runtime_rules,
)

_ND = np.ndarray
_GENERATOR = np.random.Generator
_RANDOM_STATE = np.random.RandomState


# The names `_found` looked for and the installed versions lack (a test checks that each is
# in `VERSIONED`, so a misspelt name cannot pass for a missing one).
ABSENT: list[str] = []


def _found(namespace, names: str) -> list:
    """The callables `names` (whitespace-separated) of `namespace`, without those that have
    derivative templates; absent ones stay `Absent` (the declarations skip them)."""
    found = []
    for name in names.split():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # np.chararray (2.4), np.bool (1.26) warn
            obj = optional(namespace, name)
        if not present(obj):
            ABSENT.append(f"{namespace.__name__}.{name}")
        rule = lookup(obj) if present(obj) else None
        if rule is not None and (rule.vjp is not None or rule.jvp is not None):
            continue
        found.append(obj)
    return found


def _param(primitive, name: str, position: int) -> tuple:
    """`name` when the installed version's signature of `primitive` has it, else the
    position and the name (numpy 1.26 gives many C functions no signature)."""
    params = primitive_params(primitive)
    if params is not None and any(p.name == name for p in params):
        return (name,)
    return (position, name)


# Names present in only some supported versions (numpy 1.26 / 2.x, Python 3.10-3.13), or
# only when Python's site module ran (exit, help...).
VERSIONED = frozenset(
    """
    DataSource RankWarning astype add_docstring add_newdoc add_newdoc_ufunc alltrue asfarray
    byte_bounds cfloat chararray clongfloat compare_chararrays complex_ complex256 cumproduct
    cumulative_prod deprecate deprecate_with_doc disp fastCopyAndTranspose find_common_type
    float128 float_ format_parser get_array_wrap geterrobj in1d isdtype issctype issubclass_
    issubsctype longcomplex longfloat lookfor mat maximum_sctype obj2sctype product
    recfromcsv recfromtxt row_stack safe_eval sctype2char set_numeric_ops set_string_function
    seterrobj singlecomplex sometrue source string_ trapz unicode_ unique_all unique_counts
    unique_inverse unique_values who long ulong bool
    cross matmul matrix_norm outer tensordot vecdot vector_norm
    itemset newbyteorder ptp tostring to_device __array_namespace__ __dlpack__
    __dlpack_device__ __array_prepare__ __class_getitem__ __getattribute__ __setattr__
    __delattr__ __call__ __buffer__
    __repr__ __str__ resolve_dtypes
    sumprod fma exit quit help copyright credits license
    """.split()
)

# Followed, not declared: Python functions of numpy that srcad transforms from their source
# like user code (each call inside them is classified), with derivatives checked by tests.
FOLLOWED = tuple(
    f
    for f in (
        optional(np, "asarray_chkfinite"),
        optional(np.fft, "fftfreq"),
        optional(np.fft, "rfftfreq"),
    )
    if present(f)
)

# ----------------------------------------------------------------------------- numpy

nondiff(
    *_found(
        np,
        """
        array_equiv array2string array_repr array_str base_repr binary_repr
        format_float_positional format_float_scientific
        busday_count busday_offset is_busday datetime_as_string datetime_data busdaycalendar
        can_cast common_type min_scalar_type mintypecode promote_types find_common_type
        isdtype isfortran iterable typename issctype issubclass_ issubsctype maximum_sctype
        obj2sctype sctype2char may_share_memory shares_memory byte_bounds
        isnat nanargmax nanargmin isin in1d alltrue sometrue packbits unpackbits einsum_path
        hamming hanning bartlett blackman fromstring
        finfo iinfo ndindex flatiter format_parser ufunc
        generic number integer signedinteger unsignedinteger inexact floating complexfloating
        flexible character str_ bytes_ void string_ unicode_ datetime64 timedelta64
        chararray compare_chararrays
        bool bool_ byte ubyte short ushort intc uintc int_ uint long ulong longlong ulonglong
        intp uintp int8 int16 int32 int64 uint8 uint16 uint32 uint64
        RankWarning
        """,
    )
)
nondiff(*_found(np.linalg, "LinAlgError"))

pure(
    *_found(
        np,
        """
        asfarray astype block choose cumulative_prod cumproduct product full full_like
        fromiter frombuffer from_dlpack fastCopyAndTranspose geomspace logspace gradient
        histogram histogram2d histogramdd histogram_bin_edges i0 interp
        intersect1d setdiff1d setxor1d union1d unique unique_all unique_counts
        unique_inverse unique_values ix_ kaiser poly polyadd polyder polydiv polyfit polyint
        polymul polysub polyval roots real_if_close require resize row_stack sort_complex
        trapz trim_zeros unwrap vander get_array_wrap bincount arange
        broadcast ndenumerate ndarray recarray record object_
        float16 float32 float64 float128 half single double longdouble float_ longfloat
        complex64 complex128 complex256 csingle cdouble clongdouble cfloat clongfloat
        complex_ longcomplex singlecomplex
        """,
    )
)
pure(
    *_found(
        np.linalg,
        """cond cross matmul matrix_norm outer tensordot tensorinv tensorsolve vecdot
        vector_norm""",
    )
)

_WRITE_HINT = "build a new array (np.where(mask, values, a), or a[index] = v on a copy)"
for _name, _written, _position, _hint in [
    ("copyto", "dst", 0, "assign a new array: dst = np.where(where, src, dst)"),
    ("place", "arr", 0, "use np.where(mask, vals, arr)"),
    ("putmask", "a", 0, "use np.where(mask, values, a)"),
    ("put", "a", 0, "assign by index on a copy: a = a.copy(); a.flat[ind] = v"),
    ("put_along_axis", "arr", 0, _WRITE_HINT),
    ("fill_diagonal", "a", 0, "add a diagonal matrix: a + np.diag(val - np.diagonal(a))"),
    # Iterating with op_flags=["readwrite"] writes into the operand.
    ("nditer", "op", 0, "index the array, or use whole-array numpy functions"),
    ("nested_iters", "op", 0, "index the array, or use whole-array numpy functions"),
]:
    for _f in _found(np, _name):
        if present(_f):
            writes(_f, *_param(_f, _written, _position), hint=_hint)

_MATRIX_HINT = (
    "np.matrix's * and ** are matrix products, which srcad does not model: use a plain "
    "array (np.asarray) and @"
)
opaque(*_found(np, "matrix asmatrix bmat mat"), hint=_MATRIX_HINT)
opaque(
    *_found(np, "poly1d"),
    hint="a poly1d's * and ** are polynomial products, which srcad does not model: keep the "
    "coefficients in an array and evaluate the powers of x",
)
opaque(
    *_found(
        np,
        """apply_along_axis apply_over_axes vectorize frompyfunc piecewise fromfunction
        mask_indices deprecate deprecate_with_doc safe_eval""",
    ),
    hint="it calls a function srcad does not see: call the function directly (in a loop "
    "or on the whole array)",
)

outside(
    *_found(
        np,
        """
        errstate printoptions set_printoptions get_printoptions setbufsize getbufsize
        seterr geterr seterrcall geterrcall seterrobj geterrobj set_numeric_ops
        set_string_function
        load loadtxt genfromtxt fromfile fromregex recfromcsv recfromtxt save savetxt savez
        savez_compressed memmap DataSource
        info show_config show_runtime get_include lookfor source who disp test
        add_docstring add_newdoc add_newdoc_ufunc
        """,
    )
)
outside(*_found(np.linalg, "test"), *_found(np.fft, "test"), *_found(np.random, "test"))
facts(np.full, np.full_like, np.arange, fresh=True)
facts(np.require, np.real_if_close, view=True)  # the array itself, when it already fits
facts(np.block, np.piecewise, sequences=True)  # lists of blocks, of conditions and functions

# ----------------------------------------------------------------------------- ndarray

nondiff(
    *_found(
        _ND,
        """
        all any argmax argmin argpartition argsort nonzero searchsorted tobytes tostring
        round __len__ __contains__ __bool__ __index__ __int__ __lt__ __le__ __gt__ __ge__
        __eq__ __ne__ __and__ __rand__ __or__ __ror__ __xor__ __rxor__ __lshift__
        __rlshift__ __rshift__ __rrshift__ __invert__ __floordiv__ __rfloordiv__ __repr__
        __str__ __format__ __sizeof__ __class_getitem__ __array_namespace__
        __dlpack_device__ __array_finalize__
        """,
    )
)
pure(
    *_found(
        _ND,
        """
        astype choose clip compress conj conjugate copy cumprod cumsum diagonal dot flatten
        getfield item max mean min newbyteorder prod ptp ravel repeat reshape squeeze std sum
        swapaxes take to_device tolist trace transpose var view
        __getitem__ __add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__
        __rtruediv__ __mod__ __rmod__ __divmod__ __rdivmod__ __pow__ __rpow__ __matmul__
        __rmatmul__ __neg__ __pos__ __abs__ __float__ __complex__ __array__ __array_wrap__
        __copy__ __deepcopy__ __iter__ __dlpack__ __reduce__ __reduce_ex__ __new__
        __array_prepare__ __buffer__
        """,
    )
)
_IN_PLACE_OPERATOR_HINT = "write x = x + y (a new array) instead of x += y"
for _name, _hint in [
    # {0} is the array (see Rule.hint)
    ("sort", "use {0} = np.sort({0}) (a new array)"),
    ("partition", "use {0} = np.partition({0}, k) (a new array)"),
    ("fill", "use {0} = np.full_like({0}, value) (a new array)"),
    ("put", "build a new array: {0} = {0}.copy(), then {0}[indices] = values"),
    ("resize", "use {0} = np.resize({0}, shape) (a new array)"),
    ("byteswap", "use {0} = {0}.byteswap() (a new array)"),  # with inplace=True
    ("setfield", "build a new array instead of writing a field in place"),
    ("setflags", ""),
    ("itemset", "build a new array: {0} = {0}.copy(), then {0}[index] = value"),
    ("__setitem__", "assign by index: x[i] = v"),
    ("__delitem__", ""),
    ("__setstate__", ""),
    *[
        (f"__i{op}__", _IN_PLACE_OPERATOR_HINT)
        for op in ("add sub mul truediv floordiv mod pow matmul and or xor lshift rshift".split())
    ],
]:
    for _f in _found(_ND, _name):
        writes(_f, 0, hint=_hint)
outside(*_found(_ND, "dump dumps tofile"))
# The members whose result may be a view of the array (x.reshape(...), x.T, x.flat), for the
# alias check; x.flatten() copies, but is counted with them.
facts(
    *[
        optional(_ND, name)
        for name in "reshape T mT transpose ravel squeeze swapaxes view diagonal real imag flatten "
        "flat".split()
    ],
    view=True,
)
# Writing through these views (y.flat[i] = v, y.real[...] = v) changes the array: refused.
for _f in _found(_ND, "flat real imag"):
    facts(
        _f,
        refused_write="build a new array instead: {0} = {0}.copy(), then assign to {0}[...] "
        "directly (or use np.where)",
    )
opaque(
    *_found(_ND, "__array_function__ __array_ufunc__"),
    hint="call the numpy function itself",
)

# ----------------------------------------------------------------------------- ufunc methods

# (method entries count the object first: np.add.at(a, idx, b) writes position 1, `a`)
for _f in _found(np.ufunc, "at"):
    writes(
        _f,
        1,
        hint="compute a new array instead of updating one in place (for unique indices: "
        "a = a.copy(); a[idx] += b)",
    )
pure(*_found(np.ufunc, "reduce accumulate reduceat outer __call__"))
nondiff(*_found(np.ufunc, "resolve_dtypes __repr__ __str__"))
for _f in _found(np.ufunc, "__setattr__ __delattr__"):
    writes(_f, 0)
opaque(*_found(np.ufunc, "__getattribute__"), hint="use the attribute by name: f.attr")

# ----------------------------------------------------------------------------- numpy.random

_DRAWS = """
    beta binomial bytes chisquare choice dirichlet exponential f gamma geometric gumbel
    hypergeometric laplace logistic lognormal logseries multinomial multivariate_normal
    negative_binomial noncentral_chisquare noncentral_f normal pareto permutation poisson
    power random rayleigh standard_cauchy standard_exponential standard_gamma
    standard_normal standard_t triangular uniform vonmises wald weibull zipf
"""
_DRAW_HINT = (
    "pass the random numbers in as an argument, or draw standard ones and scale them "
    "(mu + sigma * z for a normal)"
)
_SHUFFLE_HINT = "use permutation (x = rng.permutation(x)), which returns a new array"
_STATE = "seed get_state set_state"

# The module's functions first: numpy.random's functions are methods of a global
# RandomState, and get entries of their own (position 0 is their first argument).
draws(
    *_found(
        np.random,
        _DRAWS + "rand randn randint random_integers random_sample ranf sample",
    ),
    hint=_DRAW_HINT,
)
for _f in _found(np.random, "shuffle"):
    writes(_f, *_param(_f, "x", 0), hint=_SHUFFLE_HINT)
outside(
    *_found(
        np.random,
        _STATE
        + """ default_rng get_bit_generator set_bit_generator Generator RandomState
        BitGenerator MT19937 PCG64 PCG64DXSM Philox SFC64 SeedSequence""",
    )
)

draws(
    *_found(_GENERATOR, _DRAWS + "integers multivariate_hypergeometric permuted"),
    hint=_DRAW_HINT,
)
draws(
    *_found(
        _RANDOM_STATE,
        _DRAWS + "rand randn randint random_integers random_sample tomaxint",
    ),
    hint=_DRAW_HINT,
)
for _f in _found(_GENERATOR, "shuffle") + _found(_RANDOM_STATE, "shuffle"):
    # Without a signature (numpy 1.26), x is position 1 of Generator.shuffle(rng, x) and
    # position 0 of rng.shuffle(x), the bound method that falls back to this entry.
    _x = _param(_f, "x", 1)
    writes(_f, *(_x if len(_x) == 1 else (0, *_x)), hint=_SHUFFLE_HINT)
outside(*_found(_GENERATOR, "spawn"), *_found(_RANDOM_STATE, _STATE))
