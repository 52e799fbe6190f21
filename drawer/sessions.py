"""Opening a drawer: count the float by denomination, compare with what the last close left."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select

from batches.service import open_batch
from pos.core import audit
from pos.core.cards import refuse_card_number
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
    counts: dict[str, int]  # denomination key (see ``denominations``) → how many
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
    status: str = "open"  # open, or counting (the close count is saved; no more payments)

    @classmethod
    def of(cls, row: DrawerSession) -> "DrawerView":
        return cls(row.id, row.batch_id, row.terminal_id, row.operator_id, row.business_date, row.opened_at,
                   row.float_cents, row.expected_float_cents, row.status)


@dataclass(frozen=True)
class DrawerOpened:
    drawer: DrawerView
    difference_cents: int


@dataclass(frozen=True)
class Denomination:
    """A bill, coin or roll the drawer is counted in; ``key`` keeps a $1 bill apart from a $1 coin."""

    key: str  # "bill:2000", "coin:25", "roll:1000"
    label: str  # "$20.00 bills"
    cents: int


def denominations(settings: Settings) -> list[Denomination]:
    """Every counted denomination, bills first, as the count screens show them."""
    found: list[Denomination] = []
    symbol = settings.money.currency_symbol
    for kind, plural, values in (("bill", "bills", settings.denominations.bills_cents),
                                 ("coin", "coins", settings.denominations.coins_cents),
                                 ("roll", "rolls", settings.denominations.rolls_cents)):
        found.extend(Denomination(f"{kind}:{cents}", f"{format_cents(cents, symbol=symbol)} {plural}", cents)
                     for cents in values)
    return found


def count_total(counts: dict[str, int], settings: Settings) -> int:
    """Sum of a count by denomination key; refuses unknown denominations and negative or fractional counts."""
    known = {d.key: d for d in denominations(settings)}
    total = 0
    for key, how_many in counts.items():
        denomination = known.get(key)
        if denomination is None:
            raise InputError("denomination", f"{key!r} is not a configured denomination")
        if not isinstance(how_many, int) or isinstance(how_many, bool) or how_many < 0:
            raise InputError(f"{denomination.label} count", "must be a whole number, zero or more")
        total += denomination.cents * how_many
    return total


def counts_json(counts: dict[str, int]) -> str:
    """A count as stored: denomination key → how many, zeros left out, in a stable order."""
    return json.dumps({key: how_many for key, how_many in sorted(counts.items()) if how_many})


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
                   _DRAWER.opened_at, _DRAWER.float_cents, _DRAWER.expected_float_cents, _DRAWER.status, _BATCH.status)
            .join_from(DrawerSession.__table__, Batch.__table__, _BATCH.id == _DRAWER.batch_id)
            .where(_DRAWER.terminal_id == bindparam("terminal"), _DRAWER.operator_id == bindparam("operator"),
                   _DRAWER.status.in_(("open", "counting"))))
# Posting holds a share lock on the batch until it commits: a close (which locks the batch for update)
# waits for the payment, or the payment sees the closed batch. SQLite's writers are serialised anyway.
_CURRENT_FOR_POSTING = _CURRENT.with_for_update(read=True, of=Batch.__table__)


def current_drawer(uow: UnitOfWork, settings: Settings, operator_id: str, *, batch_must_be_open: bool = False
                   ) -> DrawerView | None:
    """This operator's drawer on this terminal (open, or being counted for close).

    With ``batch_must_be_open`` (posting), refuse a drawer being counted or a closed batch, and hold the
    batch until the transaction ends.
    """
    statement = _CURRENT_FOR_POSTING if batch_must_be_open else _CURRENT
    row = uow.session.connection().execute(statement, {"terminal": settings.terminal.id,
                                                       "operator": operator_id}).first()
    if row is None:
        return None
    if batch_must_be_open and row[-2] != "open":
        raise DrawerError("Your drawer is being counted for close: nothing more can be posted in it")
    if batch_must_be_open and row[-1] != "open":
        raise DrawerError("This drawer's counter batch is closed: nothing more can be posted in it")
    return DrawerView(*row[:-1])


def open_drawer(uow: UnitOfWork, command: OpenDrawer, settings: Settings) -> DrawerOpened:
    """One open session per terminal and per cashier; a float that differs needs a reason (audited)."""
    float_cents = count_total(command.counts, settings)
    terminal = settings.terminal.id
    open_here = uow.session.execute(
        select(DrawerSession).where(DrawerSession.status.in_(("open", "counting")),
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
    refuse_card_number("reason", reason)
    if difference and not reason:
        raise InputError("reason", f"the float counted {format_cents(float_cents)} differs from the "
                                   f"{format_cents(expected)} expected by {format_cents(difference)}: say why")
    today = business_date(cutoff=settings.terminal.business_day_cutoff)
    batch = open_batch(uow.session, kind="counter", terminal_id=terminal, operator_id=command.operator_id,
                       business_date=today)
    row = DrawerSession(id=str(uuid.uuid4()), terminal_id=terminal, operator_id=command.operator_id,
                        batch_id=batch.id, status="open", business_date=today, opened_at=timestamp(),
                        float_cents=float_cents, cash_cents=float_cents, float_counts=counts_json(command.counts),
                        expected_float_cents=expected, float_difference_reason=reason if difference else None)
    uow.session.add(row)
    uow.session.flush()
    details = {"session": row.id, "batch": batch.id, "float_cents": float_cents, "expected_cents": expected}
    if difference:
        details.update(difference_cents=difference, reason=reason)
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=terminal, kind="drawer_opened",
                 operator_id=command.operator_id, details=details,
                 binds=[("batch", batch.id), ("drawer_session", row.id)])
    if difference:
        audit.record(uow.session, key=settings.security.audit_key, terminal_id=terminal,
                     kind="float_difference", operator_id=command.operator_id, details=details)
    uow.commit()
    return DrawerOpened(DrawerView.of(row), difference)
