"""Normalize: tree rewrites before analysis, into the forms the analyses and rules take."""
