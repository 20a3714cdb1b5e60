"""CLI commands: run (placeholder until its module lands)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
