"""Gradient flow made visible (`srcad.trace_grad`): the recorder instrumented backward code
calls (`record`) and the report it becomes (`report`, `plot`).

This package imports nothing above the runtime's layer; `srcad.traced` holds the public
`trace_grad`.
"""
