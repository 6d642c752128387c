"""Readers of the shipped, read-only data: country boundaries and cited reference tables."""
