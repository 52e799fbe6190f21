"""The bank deposit: cash by denomination minus the floats kept, the drawers' drops from the safe, and the checks."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from drawer.day import PAPER_TENDERS, authorised, last_count
from drawer.journal import CASH
from drawer.sessions import DrawerError, counts_json
from pos.core import audit
from pos.core.cards import refuse_card_number
from pos.core.clock import business_date, timestamp
from pos.core.db import UnitOfWork
from pos.core.errors import InputError
from pos.core.models import Deposit, DrawerCount, DrawerMovement, DrawerSession
from pos.core.operators import Credentials
from pos.core.settings import Settings

_BAG = re.compile(r"^[A-Za-z0-9-]{1,40}$")


@dataclass(frozen=True)
class PrepareDeposit:
    supervisor: Credentials
    session_ids: tuple[str, ...]
    bag_number: str


@dataclass(frozen=True)
class DepositPrepared:
    deposit_id: str
    bag_number: str
    cash_cents: int
    items_cents: int
    total_cents: int
    session_ids: tuple[str, ...]
    drops_cents: int = 0  # of cash_cents: what the drawers dropped to the safe during the day


@dataclass(frozen=True)
class DrawerPart:
    """What one closed drawer puts in the bag, and the figures its deposit reconciles with."""

    cash_cents: int  # counted cash minus the float kept
    drops_cents: int
    drop_counts: dict[str, int]  # the drops by denomination, as counted into the drop bags
    items_cents: int
    collections_cents: int
    over_short_cents: int
    paid_outs_cents: int
    loans_cents: int
    float_change_cents: int


def drawer_part(uow: UnitOfWork, session: DrawerSession, count: DrawerCount) -> DrawerPart:
    """The drawer's cash, drops and items for the deposit; reconciles as
    collections + over/short - paid-outs + loans + (float - float kept) = cash + drops + items."""
    moved: dict[str, int] = {"drop": 0, "paid_out": 0, "loan": 0}
    drop_counts: dict[str, int] = {}
    for kind, amount, counts in uow.session.execute(
            select(DrawerMovement.kind, DrawerMovement.amount_cents, DrawerMovement.counts)
            .where(DrawerMovement.session_id == session.id)):
        if kind in moved:
            moved[kind] += int(amount)
        if kind == "drop":
            for key, how_many in json.loads(counts or "{}").items():
                drop_counts[key] = drop_counts.get(key, 0) + int(how_many)
    counted = json.loads(count.counted_by_tender)
    expected = json.loads(count.expected_by_tender)
    banked = (CASH, *PAPER_TENDERS)
    # The journal's expected cash is float + collections - paid-outs - drops + loans: take the rest back out.
    collections = sum(expected.get(t, 0) for t in banked) - session.float_cents + moved["paid_out"] \
        + moved["drop"] - moved["loan"]
    retained = session.retained_float_cents or 0
    return DrawerPart(cash_cents=counted.get(CASH, 0) - retained, drops_cents=moved["drop"], drop_counts=drop_counts,
                      items_cents=sum(item["amount_cents"] for item in json.loads(count.items)
                                      if item["tender"] in PAPER_TENDERS),
                      collections_cents=collections,
                      over_short_cents=sum(counted.get(t, 0) - expected.get(t, 0) for t in banked),
                      paid_outs_cents=moved["paid_out"], loans_cents=moved["loan"],
                      float_change_cents=session.float_cents - retained)


def prepare_deposit(uow: UnitOfWork, command: PrepareDeposit, settings: Settings) -> DepositPrepared:
    """Every drawer named must be closed, verified and not in another deposit; the bag number is new."""
    supervisor = authorised(uow, settings, command.supervisor, "prepare_deposits", purpose="deposit")
    bag = (command.bag_number or "").strip()
    refuse_card_number("bag number", bag)
    if not _BAG.match(bag):
        raise InputError("bag number", "must be 1-40 letters, digits or dashes")
    if not command.session_ids:
        raise InputError("drawers", "choose at least one closed, verified drawer")
    if len(set(command.session_ids)) != len(command.session_ids):
        raise InputError("drawers", "a drawer is listed twice")
    if uow.session.execute(select(Deposit.id).where(Deposit.bag_number == bag)).first() is not None:
        raise InputError("bag number", f"{bag} is already used by another deposit")
    sessions = uow.session.execute(select(DrawerSession).where(DrawerSession.id.in_(command.session_ids))
                                   .with_for_update()).scalars().all()
    found = {s.id: s for s in sessions}
    cash_counts: dict[str, int] = {}
    items_cents = 0
    cash_cents = 0
    drops_cents = 0
    for session_id in command.session_ids:
        session = found.get(session_id)
        who = f"{session.operator_id}'s drawer on {session.terminal_id}" if session else session_id
        if session is None:
            raise InputError("drawers", f"{session_id} is not a drawer session")
        if session.status != "closed":
            raise DrawerError(f"{who} is not closed: it cannot go into a deposit")
        if not session.verified_by:
            raise DrawerError(f"{who} is not verified yet: verify it before the deposit")
        if session.deposit_id:
            raise DrawerError(f"{who} is already in another deposit")
        count = last_count(uow, session.id)
        counted = json.loads(count.cash_counts)
        retained = json.loads(session.retained_counts or "{}")
        for key, how_many in counted.items():
            left = int(how_many) - int(retained.get(key, 0))
            if left:
                cash_counts[key] = cash_counts.get(key, 0) + left
        part = drawer_part(uow, session, count)
        for key, how_many in part.drop_counts.items():  # the drop bags from the safe go into the same bag
            cash_counts[key] = cash_counts.get(key, 0) + how_many
        cash_cents += part.cash_cents + part.drops_cents
        drops_cents += part.drops_cents
        items_cents += part.items_cents
    deposit_id = str(uuid.uuid4())
    uow.session.add(Deposit(id=deposit_id, bag_number=bag,
                            business_date=business_date(cutoff=settings.terminal.business_day_cutoff),
                            terminal_id=settings.terminal.id, prepared_by=supervisor.operator_id,
                            prepared_at=timestamp(), cash_counts=counts_json(cash_counts), cash_cents=cash_cents,
                            items_cents=items_cents, total_cents=cash_cents + items_cents))
    uow.session.flush()
    uow.session.execute(update(DrawerSession).where(DrawerSession.id.in_(command.session_ids))
                        .values(deposit_id=deposit_id))
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="deposit_prepared", operator_id=supervisor.operator_id,
                 details={"deposit": deposit_id, "bag": bag, "sessions": list(command.session_ids),
                          "cash_cents": cash_cents, "drops_cents": drops_cents, "items_cents": items_cents},
                 binds=[("deposit", deposit_id), *(("drawer_session", s) for s in command.session_ids)])
    uow.commit()
    return DepositPrepared(deposit_id, bag, cash_cents, items_cents, cash_cents + items_cents,
                           tuple(command.session_ids), drops_cents)

