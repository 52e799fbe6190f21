"""`python -m pos` runs the command line."""

from pos.entry import main

main()
