"""pos: the cashiering terminal for utility customer-service counters."""

__version__ = "0.1.0"
