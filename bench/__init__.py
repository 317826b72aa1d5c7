"""Benchmarks: commands, not tests. Each prints a table and the command that made it."""
