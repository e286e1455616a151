"""What every builtin, every function of math and every method of list, dict and tuple does,
for those without derivative rules (see `srcad.rules.effects_numpy` for the classes).

Most builtins are declared in `srcad.rules.nondiff` (dict, zip, enumerate and reversed are pure
without a rule: normalization rewrites the loops over zip, enumerate and reversed, and a call
left to them whose result carries a derivative is refused; map and filter are opaque). Here
are the rest: sorted and iter are opaque (they may call a key or a callable iterator), next
advances its iterator, so it writes its argument.
"""

from __future__ import annotations

import builtins
import math

from .effects_numpy import _found
from .registry import facts, nondiff, opaque, outside, pure, writes

# ----------------------------------------------------------------------------- builtins

# srcad.rules.nondiff declares most builtins (len, dict, zip, map, open, setattr...); here
# are the rest.
# Exceptions and warnings: constructing one reads its arguments into a message.
nondiff(
    *[
        value
        for name, value in vars(builtins).items()
        if not name.startswith("_") and isinstance(value, type) and issubclass(value, BaseException)
    ]
)
nondiff(*_found(builtins, "bytearray bytes dir object"))
pure(*_found(builtins, "memoryview"))
opaque(
    *_found(builtins, "sorted iter aiter anext"),
    hint="it may call a function srcad does not see (a key, a callable iterator): write "
    "the loop, or sort with np.sort",
)
opaque(
    *_found(builtins, "classmethod staticmethod property super"),
    hint="call the function itself",
)
for _f in _found(builtins, "next"):
    writes(_f, 0, hint="index the sequence, or loop over it with for")
# print has a zero-derivative entry too (nondiff.py); it acts outside the program.
outside(*_found(builtins, "print exit quit copyright credits license"))

# ----------------------------------------------------------------------------- math

nondiff(*_found(math, "lcm"))
pure(*_found(math, "dist fsum nextafter prod sumprod fma"))

# ----------------------------------------------------------------------------- list, dict, tuple

_COMPARISONS = "__eq__ __ne__ __lt__ __le__ __gt__ __ge__"
_OBJECT = "__repr__ __sizeof__ __class_getitem__"

nondiff(*_found(list, f"count index __contains__ __len__ __new__ {_COMPARISONS} {_OBJECT}"))
pure(*_found(list, "copy __add__ __mul__ __rmul__ __getitem__ __iter__ __reversed__"))
for _name, _hint in [
    ("append", ""),
    ("extend", ""),
    ("insert", ""),
    ("pop", ""),
    ("remove", "build a new list: [v for v in l if v != x]"),
    ("reverse", "use l[::-1] or reversed(l), which make new sequences"),
    ("sort", "use sorted(l) or np.sort"),
    ("clear", "bind a new list: l = []"),
    ("__setitem__", "assign by index: l[i] = v"),
    ("__delitem__", "build a new list without the item"),
    ("__iadd__", "write l = l + other"),
    ("__imul__", "write l = l * n"),
    ("__init__", ""),
]:
    for _f in _found(list, _name):
        writes(_f, 0, hint=_hint)

nondiff(*_found(dict, f"__contains__ __len__ __new__ {_COMPARISONS} {_OBJECT}"))
pure(*_found(dict, "copy get items keys values fromkeys __getitem__ __iter__ __reversed__"))
pure(*_found(dict, "__or__ __ror__"))
for _name, _hint in [
    ("clear", "bind a new dict: d = {}"),
    ("pop", ""),
    ("popitem", ""),
    ("setdefault", "test for the key and assign: if k not in d: d[k] = v"),
    ("update", "assign the keys one by one, or build a new dict: {**d, **other}"),
    ("__setitem__", "assign by key: d[k] = v"),
    ("__delitem__", ""),
    ("__ior__", "write d = d | other"),
    ("__init__", ""),
]:
    for _f in _found(dict, _name):
        writes(_f, 0, hint=_hint)

nondiff(
    *_found(
        tuple,
        f"count index __contains__ __len__ __hash__ __repr__ __class_getitem__ {_COMPARISONS}",
    )
)
pure(*_found(tuple, "__add__ __mul__ __rmul__ __getitem__ __iter__ __getnewargs__ __new__"))

# Dynamic attribute access on any of them: unknowable.
opaque(
    *_found(list, "__getattribute__"),
    *_found(dict, "__getattribute__"),
    *_found(tuple, "__getattribute__"),
    hint="name the attribute in the source (obj.attr)",
)

# The methods whose arguments (and their derivatives) go into the object they change: activity
# analysis passes a derivative from the arguments to the list or dict.
facts(list.append, list.extend, list.insert, dict.update, stores=True)
