"""Python operators, mapped to the primitives whose rules differentiate them.

``a * b`` differentiates like ``np.multiply(a, b)``; ``a + b`` on lists or tuples is
concatenation, with a rule of its own. The rules themselves live in the numpy tables.
"""

from __future__ import annotations

import gast
import numpy as np

from .. import runtime as rt

BINARY = {
    gast.Add: np.add,
    gast.Sub: np.subtract,
    gast.Mult: np.multiply,
    gast.Div: np.true_divide,
    gast.Pow: np.power,
    gast.MatMult: np.matmul,
    gast.Mod: np.mod,
    gast.FloorDiv: np.floor_divide,
}

UNARY = {gast.USub: np.negative, gast.Not: np.logical_not, gast.Invert: np.invert}

_SEQUENCES = ("list", "tuple")


def binary(op, kinds: dict, node: gast.BinOp):
    """The primitive for `node`'s operator, given what the analysis knows of the operands."""
    left = _kind(node.left, kinds)
    right = _kind(node.right, kinds)
    if isinstance(op, gast.Add) and (left in _SEQUENCES or right in _SEQUENCES):
        return rt.concat
    if isinstance(op, gast.Mult) and (left in _SEQUENCES or right in _SEQUENCES):
        return rt.repeat_sequence
    return BINARY.get(type(op))


def unary(op):
    return UNARY.get(type(op))


def _kind(node, kinds):
    if isinstance(node, gast.Name):
        return kinds.get(node.id)
    if isinstance(node, gast.Tuple):
        return "tuple"
    return None
