"""Opening a drawer: count the float by denomination, compare with what the last close left."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select

from batches.service import open_batch
from pos.core import audit
from pos.core.clock import business_date, timestamp
from pos.core.db import UnitOfWork
from pos.core.errors import InputError, PosError
from pos.core.models import Batch, DrawerSession
from pos.core.money import format_cents
from pos.core.settings import Settings


class DrawerError(PosError):
    title = "Drawer"


@dataclass(frozen=True)
class OpenDrawer:
    operator_id: str
    counts: dict[int, int]  # denomination in cents (bill, coin or roll) → how many
    difference_reason: str | None = None


@dataclass(frozen=True)
class DrawerView:
    session_id: str
    batch_id: str
    terminal_id: str
    operator_id: str
    business_date: date
    opened_at: str
    float_cents: int
    expected_float_cents: int

    @classmethod
    def of(cls, row: DrawerSession) -> "DrawerView":
        return cls(row.id, row.batch_id, row.terminal_id, row.operator_id, row.business_date, row.opened_at,
                   row.float_cents, row.expected_float_cents)


@dataclass(frozen=True)
class DrawerOpened:
    drawer: DrawerView
    difference_cents: int


def denominations(settings: Settings) -> list[tuple[str, int]]:
    """(label, cents) for every counted denomination, bills first, as the count screen shows them."""
    found: list[tuple[str, int]] = []
    for cents in settings.denominations.bills_cents:
        found.append((f"{format_cents(cents)} bills", cents))
    for cents in settings.denominations.coins_cents:
        found.append((f"{format_cents(cents)} coins", cents))
    for cents in settings.denominations.rolls_cents:
        found.append((f"{format_cents(cents)} rolls", cents))
    return found


def count_total(counts: dict[int, int], settings: Settings) -> int:
    """Sum of a count by denomination; refuses unknown denominations and negative counts."""
    known = {cents for _, cents in denominations(settings)}
    total = 0
    for cents, how_many in counts.items():
        if cents not in known:
            raise InputError("denomination", f"{format_cents(cents)} is not a configured denomination")
        if not isinstance(how_many, int) or isinstance(how_many, bool) or how_many < 0:
            raise InputError(f"{format_cents(cents)} count", "must be a whole number, zero or more")
        total += cents * how_many
    return total


def expected_float_cents(uow: UnitOfWork, settings: Settings) -> int:
    """What the last close on this terminal left in the drawer, or the site's standard float."""
    last = uow.session.execute(
        select(DrawerSession.retained_float_cents)
        .where(DrawerSession.terminal_id == settings.terminal.id, DrawerSession.status == "closed")
        .order_by(DrawerSession.closed_at.desc()).limit(1)
    ).scalar_one_or_none()
    return settings.drawer.standard_float_cents if last is None else last


_DRAWER = DrawerSession.__table__.c
_BATCH = Batch.__table__.c
_CURRENT = (select(_DRAWER.id, _DRAWER.batch_id, _DRAWER.terminal_id, _DRAWER.operator_id, _DRAWER.business_date,
                   _DRAWER.opened_at, _DRAWER.float_cents, _DRAWER.expected_float_cents, _BATCH.status)
            .join_from(DrawerSession.__table__, Batch.__table__, _BATCH.id == _DRAWER.batch_id)
            .where(_DRAWER.terminal_id == bindparam("terminal"), _DRAWER.operator_id == bindparam("operator"),
                   _DRAWER.status == "open"))


def current_drawer(uow: UnitOfWork, settings: Settings, operator_id: str, *, batch_must_be_open: bool = False
                   ) -> DrawerView | None:
    """This operator's open drawer on this terminal; with ``batch_must_be_open``, refuse a closed batch."""
    row = uow.session.connection().execute(_CURRENT, {"terminal": settings.terminal.id,
                                                      "operator": operator_id}).first()
    if row is None:
        return None
    if batch_must_be_open and row[-1] != "open":
        raise DrawerError("This drawer's counter batch is closed: nothing more can be posted in it")
    return DrawerView(*row[:-1])


def open_drawer(uow: UnitOfWork, command: OpenDrawer, settings: Settings) -> DrawerOpened:
    """One open session per terminal and per cashier; a float that differs needs a reason (audited)."""
    float_cents = count_total(command.counts, settings)
    terminal = settings.terminal.id
    open_here = uow.session.execute(
        select(DrawerSession).where(DrawerSession.status == "open",
                                    (DrawerSession.terminal_id == terminal)
                                    | (DrawerSession.operator_id == command.operator_id))
    ).scalars().first()
    if open_here is not None:
        if open_here.terminal_id == terminal and open_here.operator_id == command.operator_id:
            raise DrawerError("Your drawer on this terminal is already open")
        if open_here.terminal_id == terminal:
            raise DrawerError(f"Terminal {terminal} already has an open drawer ({open_here.operator_id}'s)")
        raise DrawerError(f"You already have an open drawer on terminal {open_here.terminal_id}")
    expected = expected_float_cents(uow, settings)
    difference = float_cents - expected
    reason = (command.difference_reason or "").strip() or None
    if difference and not reason:
        raise InputError("reason", f"the float counted {format_cents(float_cents)} differs from the "
                                   f"{format_cents(expected)} expected by {format_cents(difference)}: say why")
    today = business_date(cutoff=settings.terminal.business_day_cutoff)
    batch = open_batch(uow.session, kind="counter", terminal_id=terminal, operator_id=command.operator_id,
                       business_date=today)
    row = DrawerSession(id=str(uuid.uuid4()), terminal_id=terminal, operator_id=command.operator_id,
                        batch_id=batch.id, status="open", business_date=today, opened_at=timestamp(),
                        float_cents=float_cents, float_counts=json.dumps({str(k): v for k, v in
                                                                          sorted(command.counts.items()) if v}),
                        expected_float_cents=expected, float_difference_reason=reason if difference else None)
    uow.session.add(row)
    uow.session.flush()
    details = {"session": row.id, "batch": batch.id, "float_cents": float_cents, "expected_cents": expected}
    if difference:
        details.update(difference_cents=difference, reason=reason)
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=terminal, kind="drawer_opened",
                 operator_id=command.operator_id, details=details)
    if difference:
        audit.record(uow.session, key=settings.security.audit_key, terminal_id=terminal,
                     kind="float_difference", operator_id=command.operator_id, details=details)
    uow.commit()
    return DrawerOpened(DrawerView.of(row), difference)
