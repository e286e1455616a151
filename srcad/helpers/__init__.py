"""Run-time helpers for rule families, one module per family.

`srcad.runtime` re-exports every public function defined here, so generated code calls them
as ``rt.<name>``. Each helper takes the number of leading direction axes of its derivative
argument (``batch``) where that matters.
"""
