"""Opening batches and asking whether one still takes transactions."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session

from pos.core.clock import timestamp
from pos.core.errors import PosError
from pos.core.models import Batch

BATCH_KINDS = ("counter", "mail", "night_drop", "phone", "lockbox")


class BatchError(PosError):
    title = "Batch"


def open_batch(session: Session, *, kind: str, terminal_id: str, operator_id: str, business_date: date) -> Batch:
    """A new open batch, in the caller's transaction."""
    if kind not in BATCH_KINDS:
        raise BatchError(f"batch kind: {kind!r} is not one of {', '.join(BATCH_KINDS)}")
    batch = Batch(id=str(uuid.uuid4()), kind=kind, terminal_id=terminal_id, status="open",
                  business_date=business_date, opened_at=timestamp(), opened_by=operator_id)
    session.add(batch)
    return batch
