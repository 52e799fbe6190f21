"""The ledger's errors: what a supervisor reads when a batch cannot reach the central ledger."""

from __future__ import annotations

from pos.core.errors import PosError


class LedgerError(PosError):
    title = "Central ledger"
