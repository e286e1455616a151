"""The optional comparison libraries (autograd, JAX): imported if installed, else a note.

The harness must run with only numpy and srcad, so nothing here is imported at module
level; `load()` returns what is available and why the rest is not.
"""

from __future__ import annotations

import importlib.metadata
import types


class Backends:
    def __init__(self):
        self.autograd = None  # the autograd module
        self.anp = None  # autograd.numpy
        self.jax = None
        self.jnp = None
        self.notes: dict[str, str] = {}  # library -> why it is skipped

    def load(self, want_jax: bool = True) -> Backends:
        try:
            import autograd
            import autograd.numpy as anp

            self.autograd, self.anp = autograd, anp
        except Exception as exc:  # noqa: BLE001 - any import failure means "skip"
            self.notes["autograd"] = f"autograd not available ({type(exc).__name__}: {exc})"
        if want_jax:
            try:
                import jax

                # Every other column computes in float64; JAX's default float32 would make
                # its results fail the correctness check and its timings incomparable.
                jax.config.update("jax_enable_x64", True)
                jax.config.update("jax_platforms", "cpu")
                import jax.numpy as jnp

                self.jax, self.jnp = jax, jnp
            except Exception as exc:  # noqa: BLE001
                self.notes["jax"] = f"JAX not available ({type(exc).__name__}: {exc})"
        else:
            self.notes["jax"] = "JAX not requested"
        return self


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def rebind(fn, np_module, convert=None):
    """A copy of `fn` whose global `np` is `np_module` (autograd.numpy, jax.numpy).

    Closure cells are copied too, their contents passed through `convert` (for JAX: turn
    captured numpy arrays into device arrays once, instead of on every call).
    """
    closure = None
    if fn.__closure__:
        convert = convert or (lambda value: value)
        closure = tuple(types.CellType(convert(c.cell_contents)) for c in fn.__closure__)
    namespace = dict(fn.__globals__)
    namespace["np"] = np_module
    copy = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, closure)
    copy.__qualname__ = fn.__qualname__
    return copy
