"""Opening batches and asking whether one still takes transactions."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
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


def require_open(session: Session, batch_id: str) -> None:
    status = session.connection().execute(select(Batch.__table__.c.status).where(Batch.__table__.c.id == batch_id)).scalar_one_or_none()
    if status is None:
        raise BatchError(f"batch {batch_id} does not exist")
    if status != "open":
        raise BatchError(f"batch {batch_id[:8]} is closed: nothing more can be posted or voided in it")
