"""Builds the drawer day's read models from the database: closeout (Z) report, deposit slip, slips, history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from drawer.day import posted_items
from drawer.journal import expected_by_tender, load_journal
from drawer.report_model import (Approval, CloseoutReport, CountedItem, DenominationCount, DepositDrawer,
                                 DepositItem, DepositSlip, Movement, MovementSlip, OverShortRow, TenderFigures,
                                 VoidLine)
from drawer.sessions import denominations
from pos.core import audit
from pos.core.db import UnitOfWork
from pos.core.errors import InputError
from pos.core.models import Deposit, DrawerCount, DrawerMovement, DrawerSession, Operator, PaymentTxn
from pos.core.settings import Settings


@dataclass(frozen=True)
class DrawerSummary:
    """One line of the supervisor's list of the day's drawers."""

    session_id: str
    terminal_id: str
    operator_id: str
    operator_name: str
    business_date: date
    status: str
    opened_at: str
    closed_at: str | None
    over_short_cents: int | None
    forced: bool
    signed_off_by: str | None
    verified_by: str | None
    deposit_bag: str | None
    drops_cents: int = 0  # cash this drawer dropped to the safe: it goes into the drawer's deposit


def list_drawers(uow: UnitOfWork, *, business_day: date | None = None, status: str | None = None,
                 operator_id: str | None = None) -> list[DrawerSummary]:
    """Drawer sessions of any terminal, newest first; filtered by business date, status, cashier."""
    query = (select(DrawerSession, Operator.name, Deposit.bag_number)
             .join(Operator, Operator.operator_id == DrawerSession.operator_id, isouter=True)
             .join(Deposit, Deposit.id == DrawerSession.deposit_id, isouter=True))
    if business_day is not None:
        query = query.where(DrawerSession.business_date == business_day)
    if status is not None:
        query = query.where(DrawerSession.status == status)
    if operator_id is not None:
        query = query.where(DrawerSession.operator_id == operator_id)
    rows = uow.session.execute(query.order_by(DrawerSession.opened_at.desc())).all()
    drops = dict(uow.session.execute(
        select(DrawerMovement.session_id, func.sum(DrawerMovement.amount_cents))
        .where(DrawerMovement.kind == "drop", DrawerMovement.session_id.in_([s.id for s, _, _ in rows]))
        .group_by(DrawerMovement.session_id)).all()) if rows else {}
    return [DrawerSummary(s.id, s.terminal_id, s.operator_id, name or s.operator_id, _day(s.business_date), s.status,
                          s.opened_at, s.closed_at, s.over_short_cents, s.forced, s.signed_off_by, s.verified_by,
                          bag, int(drops.get(s.id) or 0)) for s, name, bag in rows]


def find_session(uow: UnitOfWork, reference: str) -> str:
    """A session id from a full id or its first characters (as reports and screens show them)."""
    text = (reference or "").strip().lower()
    if len(text) < 6:
        raise InputError("drawer", "give the session id or at least its first 6 characters")
    found = uow.session.execute(select(DrawerSession.id).where(DrawerSession.id.startswith(text))
                                .limit(2)).scalars().all()
    if not found:
        raise InputError("drawer", f"no drawer session starts with {text}")
    if len(found) > 1:
        raise InputError("drawer", f"more than one drawer session starts with {text}: give more characters")
    return found[0]


def closeout_report(uow: UnitOfWork, session_id: str, settings: Settings) -> CloseoutReport:
    """Everything about one drawer session, as the Z report prints it."""
    session = uow.session.get(DrawerSession, session_id)
    if session is None:
        raise InputError("drawer", f"{session_id} is not a drawer session")
    labels = _labels(settings)
    tenders, movement_entries = load_journal(uow, session.id)
    expected = expected_by_tender(session.float_cents, tenders, movement_entries, settings.tenders.enabled)
    count = uow.session.execute(select(DrawerCount).where(DrawerCount.session_id == session.id)
                                .order_by(DrawerCount.attempt.desc()).limit(1)).scalar_one_or_none()
    counted = json.loads(count.counted_by_tender) if count else {}
    # A blind close: until the count is saved, no report says what the drawer should hold, whoever asks.
    blind = settings.drawer.blind_close and count is None
    figures = () if blind else tuple(TenderFigures(t.tender, t.payments_count, t.payments_cents, t.change_cents, t.voids_count,
                                  t.voids_cents, t.expected_cents,
                                  counted.get(t.tender) if count else None,
                                  counted.get(t.tender, 0) - t.expected_cents if count else None)
                    for t in expected.values())
    movements = tuple(_movement(m, labels) for m in uow.session.execute(
        select(DrawerMovement).where(DrawerMovement.session_id == session.id)
        .order_by(DrawerMovement.at, DrawerMovement.number)).scalars())
    txns = uow.session.execute(select(PaymentTxn).where(PaymentTxn.drawer_session_id == session.id)
                               .order_by(PaymentTxn.posted_at)).scalars().all()
    by_id = {t.id: t for t in txns}
    payments = [t for t in txns if t.kind == "payment"]
    voids = tuple(VoidLine(t.receipt_number, by_id[t.reverses_txn_id].receipt_number if t.reverses_txn_id in by_id
                           else "", -t.total_cents, t.operator_id, t.approved_by, t.note or "")
                  for t in txns if t.kind == "void")
    items = _items(uow, session.id, count)
    approvals = [Approval(m.at, f"{m.kind.replace('_', '-')} {m.number}", m.operator_id, m.approved_by, m.reason)
                 for m in movements if m.approved_by]
    approvals += [Approval(t.posted_at, f"void {t.receipt_number}", t.operator_id, t.approved_by, t.note)
                  for t in txns if t.kind == "void" and t.approved_by]
    if session.signed_off_by:
        approvals.append(Approval(session.closed_at or "", "over/short sign-off", session.closed_by or "",
                                  session.signed_off_by, session.signoff_note))
    if session.forced:
        approvals.append(Approval(session.closed_at or "", "force close", session.operator_id,
                                  session.closed_by or "", session.signoff_note))
    deposit_bag = None
    if session.deposit_id:
        deposit_bag = uow.session.get(Deposit, session.deposit_id).bag_number
    name = _name(uow, session.operator_id)
    cash_counted = counted.get("cash") if count else None
    return CloseoutReport(
        site_name=settings.terminal.site_name, session_id=session.id, terminal_id=session.terminal_id,
        operator_id=session.operator_id, operator_name=name, business_date=_day(session.business_date),
        status=session.status, opened_at=session.opened_at, closed_at=session.closed_at, batch_id=session.batch_id,
        opening_float_cents=session.float_cents, movements=movements, payments_count=len(payments),
        payments_cents=sum(t.total_cents for t in payments), tenders=figures, voids=voids,
        cash_counts=_counts(json.loads(count.cash_counts) if count else {}, labels), items=items,
        counts_made=session.counts_made,
        expected_cents=None if blind else sum(t.expected_cents for t in expected.values()),
        counted_cents=count.counted_cents if count else None,
        over_short_cents=count.counted_cents - sum(t.expected_cents for t in expected.values()) if count else None,
        closed_by=session.closed_by, forced=session.forced, signed_off_by=session.signed_off_by,
        signoff_note=session.signoff_note, verified_by=session.verified_by, verified_at=session.verified_at,
        retained_float_cents=session.retained_float_cents,
        retained_counts=_counts(json.loads(session.retained_counts or "{}"), labels),
        deposit_cash_cents=(cash_counted - (session.retained_float_cents or 0))
        if session.status == "closed" and cash_counted is not None else None,
        deposit_bag=deposit_bag, approvals=tuple(sorted(approvals, key=lambda a: a.at)),
        audit_head=_audit_head(uow))


def deposit_slip(uow: UnitOfWork, deposit_id: str, settings: Settings) -> DepositSlip:
    deposit = uow.session.get(Deposit, deposit_id)
    if deposit is None:
        found = uow.session.execute(select(Deposit).where(Deposit.bag_number == deposit_id)).scalar_one_or_none()
        if found is None:
            raise InputError("deposit", f"{deposit_id} is neither a deposit nor a bag number")
        deposit = found
    labels = _labels(settings)
    sessions = uow.session.execute(select(DrawerSession).where(DrawerSession.deposit_id == deposit.id)
                                   .order_by(DrawerSession.terminal_id, DrawerSession.opened_at)).scalars().all()
    drawers = []
    items: list[DepositItem] = []
    for session in sessions:
        count = uow.session.execute(select(DrawerCount).where(DrawerCount.session_id == session.id)
                                    .order_by(DrawerCount.attempt.desc()).limit(1)).scalar_one()
        counted_items = json.loads(count.items)
        receipts = {(i.tender, i.reference, i.amount_cents): i.receipt_number
                    for i in posted_items(uow, session.id)}
        items += [DepositItem(i["tender"], i["reference"], i["amount_cents"], session.terminal_id,
                              receipts.get((i["tender"], i["reference"], i["amount_cents"])))
                  for i in counted_items]
        from drawer.deposit import drawer_part

        part = drawer_part(uow, session, count)
        drawers.append(DepositDrawer(session.id, session.terminal_id, session.operator_id,
                                     _day(session.business_date), part.cash_cents, part.items_cents,
                                     drops_cents=part.drops_cents, collections_cents=part.collections_cents,
                                     over_short_cents=part.over_short_cents, paid_outs_cents=part.paid_outs_cents,
                                     loans_cents=part.loans_cents, float_change_cents=part.float_change_cents))
    return DepositSlip(deposit.id, deposit.bag_number, settings.terminal.site_name, _day(deposit.business_date),
                       deposit.prepared_at, deposit.prepared_by, tuple(drawers),
                       _counts(json.loads(deposit.cash_counts), labels), tuple(items), deposit.cash_cents,
                       deposit.items_cents, deposit.total_cents, _audit_head(uow))


def list_deposits(uow: UnitOfWork) -> list[tuple[str, str, date, int]]:
    rows = uow.session.execute(select(Deposit.id, Deposit.bag_number, Deposit.business_date, Deposit.total_cents)
                               .order_by(Deposit.prepared_at.desc())).all()
    return [(i, bag, _day(day), total) for i, bag, day, total in rows]


def movement_slip(uow: UnitOfWork, movement_id: str, settings: Settings) -> MovementSlip:
    row = uow.session.get(DrawerMovement, movement_id)
    if row is None:
        raise InputError("slip", f"{movement_id} is not a drawer movement")
    session = uow.session.get(DrawerSession, row.session_id)
    cash = None
    if not (settings.drawer.blind_close and session.counts_made == 0):  # a blind count stays blind
        tenders, movements = load_journal(uow, session.id)
        cash = expected_by_tender(session.float_cents, tenders, movements, ["cash"])["cash"].expected_cents
    return MovementSlip(settings.terminal.site_name, session.terminal_id, session.operator_id,
                        _name(uow, session.operator_id), _movement(row, _labels(settings)), cash)


def over_short_history(uow: UnitOfWork, *, start: date, end: date, operator_id: str | None = None
                       ) -> list[OverShortRow]:
    """Closed drawers between two business dates (inclusive), per cashier, oldest first."""
    if end < start:
        raise InputError("to", f"{end} is before {start}")
    query = (select(DrawerSession, Operator.name).join(Operator, Operator.operator_id == DrawerSession.operator_id,
                                                       isouter=True)
             .where(DrawerSession.status == "closed", DrawerSession.business_date >= start,
                    DrawerSession.business_date <= end))
    if operator_id:
        query = query.where(DrawerSession.operator_id == operator_id)
    rows = []
    for session, name in uow.session.execute(query.order_by(DrawerSession.operator_id, DrawerSession.business_date,
                                                            DrawerSession.closed_at)).all():
        count = uow.session.execute(select(DrawerCount).where(DrawerCount.session_id == session.id)
                                    .order_by(DrawerCount.attempt.desc()).limit(1)).scalar_one()
        counted = json.loads(count.counted_by_tender)
        expected = json.loads(count.expected_by_tender)
        rows.append(OverShortRow(_day(session.business_date), session.id, session.terminal_id, session.operator_id,
                                 name or session.operator_id, count.expected_cents, count.counted_cents,
                                 count.over_short_cents, counted.get("cash", 0) - expected.get("cash", 0),
                                 session.signed_off_by, session.verified_by))
    return rows


def _audit_head(uow: UnitOfWork) -> str | None:
    """Printed on the paper, the head anchors the chain outside the database: cutting its end then shows."""
    head = audit.head(uow.session)
    return str(head) if head else None


def _items(uow: UnitOfWork, session_id: str, count: DrawerCount | None) -> tuple[CountedItem, ...]:
    posted = posted_items(uow, session_id)
    if count is None:
        return tuple(CountedItem(p.tender, p.reference, p.amount_cents, "missing", p.receipt_number) for p in posted)
    from drawer.day import CountItem, match_items

    counted = [CountItem(i["tender"], i["reference"], i["amount_cents"]) for i in json.loads(count.items)]
    matched = match_items(counted, [(p.tender, p.reference, p.amount_cents, p.receipt_number) for p in posted])
    return tuple(CountedItem(m.tender, m.reference, m.amount_cents, m.status, m.receipt_number) for m in matched)


def _movement(row: DrawerMovement, labels: dict[str, tuple[str, int]]) -> Movement:
    return Movement(row.number, row.at, row.kind, row.amount_cents, row.reason, row.note, row.operator_id,
                    row.approved_by, _counts(json.loads(row.counts or "{}"), labels))


def _labels(settings: Settings) -> dict[str, tuple[str, int]]:
    return {d.key: (d.label, d.cents) for d in denominations(settings)}


def _counts(counts: dict[str, int], labels: dict[str, tuple[str, int]]) -> tuple[DenominationCount, ...]:
    ordered = [key for key in labels if counts.get(key)] + [key for key in counts if key not in labels]
    result = []
    for key in ordered:
        label, cents = labels.get(key, (key, int(key.split(":")[-1])))
        result.append(DenominationCount(key, label, cents, int(counts[key])))
    return tuple(result)


def _name(uow: UnitOfWork, operator_id: str) -> str:
    return uow.session.execute(select(Operator.name).where(Operator.operator_id == operator_id)
                               ).scalar_one_or_none() or operator_id


def _day(value) -> date:  # noqa: ANN001 - date on both engines through the ORM
    return value if isinstance(value, date) else date.fromisoformat(value)


__all__ = ["DrawerSummary", "closeout_report", "deposit_slip", "find_session", "list_deposits", "list_drawers",
           "movement_slip", "over_short_history"]
