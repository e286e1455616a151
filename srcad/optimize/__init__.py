"""Optimize: clean-ups of generated code, run in the order each `Mode` declares."""
