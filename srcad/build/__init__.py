"""The driver of code generation: the cache and its guards, one analysis shared by both
modes, the forward and reverse assemblers, calls to other user functions, and the `Mode`
enum whose members declare their optimizer passes.

    modes.py     Mode, Spec, each mode's passes
    cache.py     Generated, the cache and its guards, pending (recursive) generations
    binder.py    names in generated code for the objects it needs
    driver.py    generate(): parse -> fence -> normalize -> analyze -> assemble -> emit
    analysis.py  Unit (a function being generated) and Facts (its analyses)
    reverse.py   grad / value_and_grad / vjp functions from the reverse sweeps
    forward.py   jvp functions from the forward transform
    calls.py     calls to user functions, custom rules and checkpoints
    dispatch.py  calls whose target is only known at run time: one site per call
    purity.py    which expressions dead-code elimination may drop
"""

from . import dispatch
from .cache import Generated, pending_cells
from .driver import generate
from .modes import Mode, Spec

__all__ = ["dispatch", "Generated", "Mode", "Spec", "generate", "pending_cells"]
