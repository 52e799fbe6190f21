"""`python -m pos` runs the command line."""

from pos.cli.main import run

run()
