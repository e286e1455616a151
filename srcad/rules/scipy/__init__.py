"""Rules for scipy, registered when srcad first meets a scipy function (or when this package
is imported). `import srcad` never imports scipy; scipy is the optional extra `srcad[scipy]`.
"""

from . import integrate, linalg, signal, special, stats  # noqa: F401 - their registrations
