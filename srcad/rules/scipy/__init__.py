"""Rules for scipy, imported the first time srcad meets one of scipy's functions (see
`srcad.rules.template._LAZY_RULES`), so that ``import srcad`` never imports scipy."""

from . import integrate, linalg, signal  # noqa: F401 - imported for their registrations
