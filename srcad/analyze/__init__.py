"""Analyze: what the normalized code does, read off its tree; nothing is changed."""
