"""``python -m accord`` runs the command line."""

from accord.cli import run

run()
