"""The bank deposit: cash by denomination minus the floats kept, and the checks, from closed verified drawers."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from drawer.day import PAPER_TENDERS, authorised, last_count
from drawer.sessions import DrawerError, counts_json
from pos.core import audit
from pos.core.cards import refuse_card_number
from pos.core.clock import business_date, timestamp
from pos.core.db import UnitOfWork
from pos.core.errors import InputError
from pos.core.models import Deposit, DrawerSession
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
        cash_cents += json.loads(count.counted_by_tender).get("cash", 0) - (session.retained_float_cents or 0)
        items_cents += sum(item["amount_cents"] for item in json.loads(count.items)
                           if item["tender"] in PAPER_TENDERS)
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
                          "cash_cents": cash_cents, "items_cents": items_cents})
    uow.commit()
    return DepositPrepared(deposit_id, bag, cash_cents, items_cents, cash_cents + items_cents,
                           tuple(command.session_ids))

