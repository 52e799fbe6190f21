"""Exchange with the central billing ledger: the account master and fee codes coming in."""
