"""One spec per derivative rule: domain, shapes (broadcasting pairs included), options.

The entries live in tests/specs/<family>.py, one module per rule family; `test_rules.py` runs
`srcad.check_grads` over every entry, in both modes, at order 2, plus a k=3-directions check;
a completeness test fails when a registered rule has no spec.
"""

from __future__ import annotations

import importlib
import operator
import pkgutil

import specs
from specs import RuleSpec

from srcad.build.inner_transforms import pullback_of
from srcad.rules.template import present

SPECS: list[RuleSpec] = []
for _module in sorted(m.name for m in pkgutil.iter_modules(specs.__path__)):
    SPECS.extend(importlib.import_module(f"specs.{_module}").SPECS)
# Specs of functions the installed numpy (or Python) lacks, declared with `optional` as their
# rules are: neither is registered here.
SPECS = [s for s in SPECS if present(s.primitive)]

# Operators and helpers whose rules are exercised through other entries.
# pullback_of: the record a vjp inside differentiated code returns, checked by calls of it
# against finite differences at order 2 in tests/test_transforms_inside.py
COVERED_ELSEWHERE = {operator.getitem, pullback_of}


def spec_name(spec: RuleSpec) -> str:
    return getattr(spec.primitive, "__name__", repr(spec.primitive))
