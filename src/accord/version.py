"""The package version (one place; the root and the run store read it)."""

__version__ = "0.1.0"
