"""Batches: groups of transactions balanced, closed and sent to the ledger as one unit."""
