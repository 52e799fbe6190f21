"""The `pos` command line: setup, batch work and reports."""
