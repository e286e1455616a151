"""Regression cases: programs that once made a srcad test fail, kept verbatim."""
