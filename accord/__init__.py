"""Accord: build, run and measure cross-functional partnerships."""

__version__ = "0.1.0"
