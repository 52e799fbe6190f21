"""The drawer day: drops, paid-outs, loans and no-sales; the close count, recount and sign-off; verification."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select, update

from drawer.journal import CASH, TenderTotals, add_cash, cash_in_drawer_cents, expected_by_tender, load_journal
from drawer.sessions import DrawerError, count_total, counts_json, denominations
from pos.core import audit
from pos.core.authority import rights
from pos.core.clock import timestamp
from pos.core.db import UnitOfWork
from pos.core.errors import InputError, PermissionDenied
from pos.core.models import Batch, DrawerCount, DrawerMovement, DrawerSession
from pos.core.money import format_cents
from pos.core.operators import Credentials, OperatorView, authenticate, may, role_of
from pos.core.payments import next_receipt_number
from pos.core.settings import Settings
from pos.core.tenders import check_reference, reference_key, refuse_card_number
from sync.outbox import enqueue_batch

PAPER_TENDERS = ("check", "money_order", "cashiers_check")
TOTAL_TENDERS = ("card", "ach")  # counted as one total: the card terminal's settlement, the ACH batch
NOTE_LENGTH = 200


# Commands and what happened ---------------------------------------------------------------------


@dataclass(frozen=True)
class MakeDrop:
    operator_id: str
    counts: dict[str, int]  # denomination key → how many go to the safe


@dataclass(frozen=True)
class MakeLoan:
    operator_id: str
    counts: dict[str, int]
    note: str | None = None


@dataclass(frozen=True)
class MakePaidOut:
    operator_id: str
    amount_cents: int
    reason_code: str
    note: str | None = None
    approver: Credentials | None = None


@dataclass(frozen=True)
class OpenNoSale:
    operator_id: str
    reason: str
    approver: Credentials | None = None


@dataclass(frozen=True)
class OpenForPayment:
    """The drawer did not open by itself for a payment that moved cash: the cashier opens it for that payment."""

    operator_id: str
    receipt_number: str


@dataclass(frozen=True)
class MovementMade:
    movement_id: str
    number: str
    kind: str
    amount_cents: int
    approved_by: str | None
    cash_in_drawer_cents: int
    session_id: str


@dataclass(frozen=True)
class CountItem:
    """A check, money order or cashier's check found in the drawer."""

    tender: str
    reference: str
    amount_cents: int


@dataclass(frozen=True)
class CountDrawer:
    """The cashier's count at close (or a supervisor's, with ``session_id``, to force-close it)."""

    operator_id: str
    cash_counts: dict[str, int]
    items: tuple[CountItem, ...] = ()
    totals: dict[str, int] = field(default_factory=dict)  # card settlement, ACH total


@dataclass(frozen=True)
class CloseDrawer:
    operator_id: str
    retained_float_cents: int
    approver: Credentials | None = None  # a lead's or supervisor's PIN when the over/short is beyond tolerance
    note: str | None = None


@dataclass(frozen=True)
class ForceClose:
    """A supervisor closes a drawer the cashier left open, with a count of their own."""

    supervisor: Credentials
    session_id: str
    count: CountDrawer
    retained_float_cents: int
    note: str


@dataclass(frozen=True)
class VerifyDrawer:
    supervisor: Credentials
    session_id: str


@dataclass(frozen=True)
class ItemCheck:
    tender: str
    reference: str
    amount_cents: int
    status: Literal["matched", "missing", "extra"]
    receipt_number: str | None


@dataclass(frozen=True)
class CountSaved:
    """The count against what the journal says; ``next_step`` is what the close needs now."""

    session_id: str
    attempt: int
    tenders: tuple[TenderTotals, ...]
    counted_by_tender: dict[str, int]
    over_short_by_tender: dict[str, int]
    expected_cents: int
    counted_cents: int
    over_short_cents: int
    items: tuple[ItemCheck, ...]
    within_tolerance: bool
    next_step: Literal["close", "recount_or_signoff", "signoff"]
    counted_cash_cents: int


@dataclass(frozen=True)
class DrawerClosed:
    session_id: str
    batch_id: str
    over_short_cents: int
    retained_float_cents: int
    deposit_cash_cents: int
    signed_off_by: str | None
    forced: bool


@dataclass(frozen=True)
class DrawerVerified:
    session_id: str
    verified_by: str
    verified_at: str


# During the day -----------------------------------------------------------------------------------


def make_drop(uow: UnitOfWork, command: MakeDrop, settings: Settings) -> MovementMade:
    """Cash from the drawer to the safe, counted by denomination; no more than the drawer should hold."""
    amount = count_total(command.counts, settings)
    if amount <= 0:
        raise InputError("drop count", "is empty: count what goes to the safe")
    session = _own_open_session(uow, settings, command.operator_id)
    cash = cash_in_drawer_cents(uow, session.id)
    if amount > cash:
        raise InputError("drop count", f"{_money(amount, settings)} is more than the {_held(cash, settings)}"
                                       "cash the drawer should hold")
    return _record(uow, settings, session, "drop", amount, counts=command.counts, reason="Drop to safe",
                   cash_before=cash)


def make_loan(uow: UnitOfWork, command: MakeLoan, settings: Settings) -> MovementMade:
    """Extra change brought into the drawer, counted by denomination."""
    amount = count_total(command.counts, settings)
    if amount <= 0:
        raise InputError("loan count", "is empty: count the change brought in")
    note = _note("note", command.note, required=False)
    session = _own_open_session(uow, settings, command.operator_id)
    cash = cash_in_drawer_cents(uow, session.id)
    return _record(uow, settings, session, "loan", amount, counts=command.counts, reason="Change loan",
                   note=note, cash_before=cash)


def make_paid_out(uow: UnitOfWork, command: MakePaidOut, settings: Settings) -> MovementMade:
    """Cash out with a configured reason code; above the operator's paid-out authority it needs approval."""
    refuse_card_number("reason code", command.reason_code)  # before the refusal below quotes it
    label = settings.drawer.paid_out_reasons.get(command.reason_code)
    if label is None:
        raise InputError("reason code", f"{command.reason_code!r} is not one of "
                                        f"{', '.join(settings.drawer.paid_out_reasons)}")
    amount = command.amount_cents
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InputError("amount", "must be more than zero")
    if amount > settings.money.max_amount_cents:
        raise InputError("amount", f"is more than the maximum {_money(settings.money.max_amount_cents, settings)}")
    note = _note("note", command.note, required=False)
    session = _own_open_session(uow, settings, command.operator_id)
    cash = cash_in_drawer_cents(uow, session.id)
    if amount > cash:
        raise InputError("amount", f"{_money(amount, settings)} is more than the {_held(cash, settings)}cash "
                                   "the drawer should hold")
    limit = rights(uow, role_of(uow, command.operator_id)).paid_out_cents
    approved_by = None
    if amount > limit:
        approved_by = _approval(uow, settings, command.approver, command.operator_id,
                                what=f"A paid-out of {_money(amount, settings)}",
                                limit_of=lambda role: rights(uow, role).paid_out_cents, amount=amount)
    return _record(uow, settings, session, "paid_out", amount, reason=label, reason_code=command.reason_code,
                   note=note, approved_by=approved_by, cash_before=cash)


def open_no_sale(uow: UnitOfWork, command: OpenNoSale, settings: Settings) -> MovementMade:
    """The drawer opened without a sale: a reason always, a lead's PIN where the site says so; audited."""
    reason = _note("reason", command.reason, required=True)
    session = _own_open_session(uow, settings, command.operator_id)
    approved_by = None
    if settings.drawer.no_sale_needs_approval:
        approved_by = _approval(uow, settings, command.approver, command.operator_id, what="A no-sale open",
                                limit_of=None)
    cash = cash_in_drawer_cents(uow, session.id)
    return _record(uow, settings, session, "no_sale", 0, reason=reason, approved_by=approved_by, cash_before=cash)


def open_for_payment(uow: UnitOfWork, command: OpenForPayment, settings: Settings) -> MovementMade:
    """A no-sale whose reason is the payment's receipt: its cash was taken but the pulse never reached the drawer.

    No approval: the payment is the reason. Only a cash payment or void of the cashier's own open drawer.
    """
    from pos.core.models import PaymentTender, PaymentTxn

    session = _own_open_session(uow, settings, command.operator_id)
    number = (command.receipt_number or "").strip().upper()
    txn = uow.session.execute(select(PaymentTxn).where(PaymentTxn.receipt_number == number)).scalar_one_or_none()
    if txn is None or txn.drawer_session_id != session.id:
        raise InputError("receipt number", f"{number or '(empty)'} is not a payment of your open drawer")
    has_cash = uow.session.execute(select(PaymentTender.id).where(PaymentTender.txn_id == txn.id,
                                                                  PaymentTender.type == CASH).limit(1)).first()
    if has_cash is None:
        raise InputError("receipt number", f"{number} moved no cash: the drawer stays shut (F7 on the drawer "
                                           "day screen is a no-sale with a reason)")
    cash = cash_in_drawer_cents(uow, session.id)
    return _record(uow, settings, session, "no_sale", 0, reason=f"Drawer for receipt {number} (did not open by itself)",
                   cash_before=cash)


def _record(uow: UnitOfWork, settings: Settings, session: DrawerSession, kind: str, amount: int, *,
            reason: str, cash_before: int, counts: dict[str, int] | None = None, reason_code: str | None = None,
            note: str | None = None, approved_by: str | None = None) -> MovementMade:
    terminal = settings.terminal.id
    serial = int(next_receipt_number(uow, f"{terminal}/slip").rsplit("-", 1)[1])
    number = f"{terminal}-S{serial:05d}"
    movement_id = str(uuid.uuid4())
    uow.session.add(DrawerMovement(id=movement_id, session_id=session.id, number=number, kind=kind, at=timestamp(),
                                   amount_cents=amount, counts=counts_json(counts) if counts else None,
                                   reason_code=reason_code, reason=reason, note=note,
                                   operator_id=session.operator_id, approved_by=approved_by))
    sign = {"drop": -1, "paid_out": -1, "loan": 1, "no_sale": 0}[kind]
    cash_after = add_cash(uow, session.id, sign * amount) if sign else cash_before
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=terminal, kind=kind,
                 operator_id=session.operator_id, approver_id=approved_by,
                 details={"session": session.id, "slip": number, "amount_cents": amount, "reason": reason,
                          **({"note": note} if note else {}), "cash_after_cents": cash_after},
                 binds=[("drawer_movement", movement_id), ("drawer_session", session.id)])
    from drawer.paper import queue_movement_slip  # the slip waits for the printer like a receipt

    queue_movement_slip(uow, settings, movement_id, session.operator_id)
    uow.commit()
    return MovementMade(movement_id, number, kind, amount, approved_by, cash_after, session.id)


# Close -------------------------------------------------------------------------------------------


def save_count(uow: UnitOfWork, command: CountDrawer, settings: Settings) -> CountSaved:
    """Save the cashier's count (blind by default) and compare it with the journal.

    The first count stops the drawer taking payments (it is 'counting'); beyond the tolerance one recount
    is offered, and after that the close needs a lead's or supervisor's sign-off.
    """
    session = _own_session(uow, settings, command.operator_id, statuses=("open", "counting"))
    if session.counts_made >= 2:
        raise DrawerError("The drawer was already recounted: a lead or supervisor must sign off the close")
    saved = _save_count(uow, settings, session, command, counted_by=command.operator_id)
    uow.commit()
    return saved


def close_drawer(uow: UnitOfWork, command: CloseDrawer, settings: Settings) -> DrawerClosed:
    """Close after the count: keep ``retained_float_cents`` for tomorrow, the rest goes to the deposit."""
    session = _own_session(uow, settings, command.operator_id, statuses=("counting",),
                           missing="Count your drawer before closing it")
    count = last_count(uow, session.id)
    note = _note("note", command.note, required=False)
    signed_off_by = None
    if abs(count.over_short_cents) > settings.drawer.over_short_tolerance_cents:
        if not note:
            words = _over_short_words(count.over_short_cents, settings)
            raise InputError("note", f"is required: the drawer is {words}")
        signed_off_by = _approval(uow, settings, command.approver, command.operator_id,
                                  what=f"A close {_over_short_words(count.over_short_cents, settings)}",
                                  limit_of=lambda role: rights(uow, role).over_short_cents,
                                  amount=abs(count.over_short_cents))
    closed = _close(uow, settings, session, count, retained_cents=command.retained_float_cents,
                    closed_by=command.operator_id, signed_off_by=signed_off_by, note=note, forced=False)
    uow.commit()
    return closed


def force_close(uow: UnitOfWork, command: ForceClose, settings: Settings) -> DrawerClosed:
    """A supervisor counts and closes a drawer left open (the cashier gone home), in one audited step.

    The drawer and its batch are locked first, so a payment racing the close either committed before
    (and is in the count's expected amounts) or is refused after; none is lost.
    """
    supervisor = authorised(uow, settings, command.supervisor, "verify_drawers", purpose="force close")
    note = _note("note", command.note, required=True)
    session = _lock(uow, command.session_id)
    if session is None:
        raise InputError("drawer", f"{command.session_id} is not a drawer session")
    if session.status == "closed":
        raise DrawerError(f"{session.operator_id}'s drawer on {session.terminal_id} is already closed")
    if session.operator_id == supervisor.operator_id:
        raise PermissionDenied("Close your own drawer from the drawer screen, not by force")
    count = _save_count(uow, settings, session, command.count, counted_by=supervisor.operator_id, forced=True)
    if abs(count.over_short_cents) > rights(uow, supervisor.role).over_short_cents:
        raise PermissionDenied(f"{supervisor.operator_id} may accept an over/short up to "
                               f"{_money(rights(uow, supervisor.role).over_short_cents, settings)} only")
    row = last_count(uow, session.id)
    signed_off = supervisor.operator_id if not count.within_tolerance else None
    closed = _close(uow, settings, session, row, retained_cents=command.retained_float_cents,
                    closed_by=supervisor.operator_id, signed_off_by=signed_off, note=note, forced=True)
    uow.commit()
    return closed


def verify_drawer(uow: UnitOfWork, command: VerifyDrawer, settings: Settings) -> DrawerVerified:
    """A supervisor confirms a closed drawer's count; nobody verifies their own drawer."""
    supervisor = authorised(uow, settings, command.supervisor, "verify_drawers", purpose="drawer verification")
    session = _lock(uow, command.session_id)
    if session is None:
        raise InputError("drawer", f"{command.session_id} is not a drawer session")
    if session.status != "closed":
        raise DrawerError(f"{session.operator_id}'s drawer on {session.terminal_id} is not closed yet")
    if session.verified_by:
        raise DrawerError(f"This drawer was already verified by {session.verified_by}")
    if session.operator_id == supervisor.operator_id:
        raise PermissionDenied("Nobody verifies their own drawer")
    at = timestamp()
    uow.session.execute(update(DrawerSession).where(DrawerSession.id == session.id)
                        .values(verified_by=supervisor.operator_id, verified_at=at))
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="drawer_verified", operator_id=supervisor.operator_id,
                 details={"session": session.id, "cashier": session.operator_id, "terminal": session.terminal_id,
                          "over_short_cents": session.over_short_cents}, binds=[("drawer_session", session.id)])
    uow.commit()
    return DrawerVerified(session.id, supervisor.operator_id, at)


def _save_count(uow: UnitOfWork, settings: Settings, session: DrawerSession, command: CountDrawer, *,
                counted_by: str, forced: bool = False) -> CountSaved:
    cash_cents = count_total(command.cash_counts, settings)
    items = _check_items(command.items, settings)
    totals = _check_totals(command.totals, settings)
    tenders, movements = load_journal(uow, session.id)
    expected = expected_by_tender(session.float_cents, tenders, movements, settings.tenders.enabled)
    posted = _posted_items(uow, session.id)
    matched = match_items(items, posted)
    counted: dict[str, int] = {}
    for name in expected:
        if name == CASH:
            counted[name] = cash_cents
        elif name in PAPER_TENDERS:
            counted[name] = sum(item.amount_cents for item in items if item.tender == name)
        else:
            counted[name] = totals.get(name, 0)
    over_short = {name: counted[name] - expected[name].expected_cents for name in expected}
    expected_cents = sum(t.expected_cents for t in expected.values())
    counted_cents = sum(counted.values())
    difference = counted_cents - expected_cents
    attempt = session.counts_made + 1
    count_id = str(uuid.uuid4())
    uow.session.add(DrawerCount(
        id=count_id, session_id=session.id, attempt=attempt, counted_by=counted_by, at=timestamp(),
        cash_counts=counts_json(command.cash_counts),
        items=json.dumps([{"tender": i.tender, "reference": i.reference, "amount_cents": i.amount_cents}
                          for i in items]),
        counted_by_tender=json.dumps(counted, sort_keys=True),
        expected_by_tender=json.dumps({n: t.expected_cents for n, t in expected.items()}, sort_keys=True),
        counted_cents=counted_cents, expected_cents=expected_cents, over_short_cents=difference))
    uow.session.execute(update(DrawerSession).where(DrawerSession.id == session.id).values(
        status="counting", counts_made=attempt, expected_cents=expected_cents, counted_cents=counted_cents,
        over_short_cents=difference))
    uow.session.flush()
    within = abs(difference) <= settings.drawer.over_short_tolerance_cents
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="drawer_counted", operator_id=counted_by,
                 details={"session": session.id, "attempt": attempt, "counted_cents": counted_cents,
                          "expected_cents": expected_cents, "over_short_cents": difference,
                          "over_short_by_tender": {n: v for n, v in over_short.items() if v},
                          "forced": forced}, binds=[("drawer_count", count_id), ("drawer_session", session.id)])
    next_step = "close" if within else ("recount_or_signoff" if attempt == 1 else "signoff")
    return CountSaved(session.id, attempt, tuple(expected.values()), counted, over_short, expected_cents,
                      counted_cents, difference, tuple(matched), within, next_step, cash_cents)


def _close(uow: UnitOfWork, settings: Settings, session: DrawerSession, count: DrawerCount, *, retained_cents: int,
           closed_by: str, signed_off_by: str | None, note: str | None, forced: bool) -> DrawerClosed:
    cash_counts = {k: int(v) for k, v in json.loads(count.cash_counts).items()}
    counted_cash = json.loads(count.counted_by_tender).get(CASH, 0)
    if not isinstance(retained_cents, int) or isinstance(retained_cents, bool) or retained_cents < 0:
        raise InputError("float kept", "must be zero or more")
    if retained_cents > counted_cash:
        raise InputError("float kept", f"{_money(retained_cents, settings)} is more than the "
                                       f"{_money(counted_cash, settings)} cash counted")
    retained_counts = float_from_count(cash_counts, retained_cents, settings)
    at = timestamp()
    uow.session.execute(update(DrawerSession).where(DrawerSession.id == session.id).values(
        status="closed", closed_at=at, closed_by=closed_by, forced=forced, signed_off_by=signed_off_by,
        signoff_note=note, retained_float_cents=retained_cents, retained_counts=counts_json(retained_counts)))
    uow.session.execute(update(Batch).where(Batch.id == session.batch_id).values(
        status="closed", closed_at=at, closed_by=closed_by))
    details = {"session": session.id, "batch": session.batch_id, "cashier": session.operator_id,
               "over_short_cents": count.over_short_cents, "retained_float_cents": retained_cents,
               "deposit_cash_cents": counted_cash - retained_cents, "forced": forced}
    if note:
        details["note"] = note
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="drawer_force_closed" if forced else "drawer_closed", operator_id=closed_by,
                 approver_id=signed_off_by if signed_off_by != closed_by else None, details=details,
                 binds=[("drawer_session", session.id)])
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="batch_closed", operator_id=closed_by, details={"batch": session.batch_id, "kind": "counter"},
                 binds=[("batch", session.batch_id)])
    enqueue_batch(uow, session.batch_id, settings)
    return DrawerClosed(session.id, session.batch_id, count.over_short_cents, retained_cents,
                        counted_cash - retained_cents, signed_off_by, forced)


def float_from_count(cash_counts: dict[str, int], retained_cents: int, settings: Settings) -> dict[str, int]:
    """Which bills and coins stay as tomorrow's float: loose coin, then bills up to $20, then rolls, then the
    large bills (a change fund needs small money; the bank takes the big bills).

    Raises ``InputError`` when the counted cash cannot make the amount exactly.
    """
    def preference(denomination) -> tuple[int, int]:  # noqa: ANN001 - Denomination
        kind = denomination.key.split(":")[0]
        group = {"coin": 0, "bill": 1 if denomination.cents <= 2000 else 3, "roll": 2}[kind]
        return group, denomination.cents

    pieces = tuple((d.key, d.cents, cash_counts[d.key]) for d in sorted(denominations(settings), key=preference)
                   if cash_counts.get(d.key))
    found = _make_amount(pieces, retained_cents)
    if found is None:
        raise InputError("float kept", f"{_money(retained_cents, settings)} cannot be made exactly from the cash "
                                       "counted")
    return found


def _make_amount(pieces: tuple[tuple[str, int, int], ...], amount: int) -> dict[str, int] | None:
    """Take ``amount`` from the pieces in their order, as many of each as fit, backing off where needed."""
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def take(index: int, rest: int) -> tuple[tuple[str, int], ...] | None:
        if rest == 0:
            return ()
        if index == len(pieces):
            return None
        key, cents, available = pieces[index]
        for how_many in range(min(available, rest // cents), -1, -1):
            found = take(index + 1, rest - how_many * cents)
            if found is not None:
                return ((key, how_many), *found) if how_many else found
        return None

    result = take(0, amount)
    return None if result is None else dict(result)


# Items and totals -------------------------------------------------------------------------------


def _check_items(items: tuple[CountItem, ...], settings: Settings) -> list[CountItem]:
    checked = []
    seen: set[tuple[str, str]] = set()
    for position, item in enumerate(items, start=1):
        name = f"item {position}"
        if item.tender not in PAPER_TENDERS:
            raise InputError(f"{name} tender", f"{item.tender!r} is not a check, money order or cashier's check")
        reference = check_reference(f"{name} number", item.reference, required=True)  # as a payment takes it
        if not isinstance(item.amount_cents, int) or item.amount_cents <= 0:
            raise InputError(f"{name} amount", "must be more than zero")
        if item.amount_cents > settings.money.max_amount_cents:
            raise InputError(f"{name} amount", "is more than the maximum amount")
        if (item.tender, reference_key(reference)) in seen:
            raise InputError(f"{name} number", f"{reference} is listed twice")
        seen.add((item.tender, reference_key(reference)))
        checked.append(CountItem(item.tender, reference, item.amount_cents))
    return checked


def _check_totals(totals: dict[str, int], settings: Settings) -> dict[str, int]:
    for name, cents in totals.items():
        if name not in TOTAL_TENDERS:
            raise InputError(f"{name} total", "is not a tender counted as one total (card, ach)")
        if not isinstance(cents, int) or isinstance(cents, bool) or cents < 0:
            raise InputError(f"{name} total", "must be zero or more")
        if cents > settings.money.max_amount_cents:
            raise InputError(f"{name} total", "is more than the maximum amount")
    return dict(totals)


def posted_items(uow: UnitOfWork, session_id: str) -> list[ItemCheck]:
    """The checks and money orders the drawer took and did not void, as the close lists them."""
    return [ItemCheck(t, r, a, "missing", n) for t, r, a, n in _posted_items(uow, session_id)]


def _posted_items(uow: UnitOfWork, session_id: str) -> list[tuple[str, str, int, str]]:
    from pos.core.models import PaymentTender, PaymentTxn

    voided = select(PaymentTxn.reverses_txn_id).where(PaymentTxn.drawer_session_id == session_id,
                                                      PaymentTxn.kind == "void")
    rows = uow.session.execute(
        select(PaymentTender.type, PaymentTender.reference, PaymentTender.amount_cents, PaymentTxn.receipt_number)
        .join(PaymentTxn, PaymentTxn.id == PaymentTender.txn_id)
        .where(PaymentTxn.drawer_session_id == session_id, PaymentTxn.kind == "payment",
               PaymentTender.type.in_(PAPER_TENDERS), PaymentTxn.id.not_in(voided))
        .order_by(PaymentTxn.posted_at, PaymentTender.position)).all()
    return [(t, r or "", int(a), n) for t, r, a, n in rows]


def match_items(items: list[CountItem], posted: list[tuple[str, str, int, str]]) -> list[ItemCheck]:
    """Each counted item against the posted ones: by tender, number and amount; leftovers are named."""
    remaining = list(posted)
    checks: list[ItemCheck] = []
    for item in items:
        key = reference_key(item.reference)
        found = next((p for p in remaining if p[0] == item.tender and reference_key(p[1]) == key
                      and p[2] == item.amount_cents), None)
        if found is None:
            checks.append(ItemCheck(item.tender, item.reference, item.amount_cents, "extra", None))
        else:
            remaining.remove(found)
            checks.append(ItemCheck(item.tender, item.reference, item.amount_cents, "matched", found[3]))
    checks.extend(ItemCheck(t, r, a, "missing", n) for t, r, a, n in remaining)
    return checks


# Guards --------------------------------------------------------------------------------------------


def _lock(uow: UnitOfWork, session_id: str) -> DrawerSession | None:
    """The session's batch, then the session row, locked for the rest of the transaction.

    The batch first: a payment takes a share lock on the batch and then (through its foreign key) on the
    session, so both take them in the same order and neither waits for the other in a cycle.
    SQLite has no row locks; its writers already run one at a time (BEGIN IMMEDIATE).
    """
    batch_id = uow.session.execute(select(DrawerSession.batch_id).where(DrawerSession.id == session_id)
                                   ).scalar_one_or_none()
    if batch_id is None:
        return None
    uow.session.execute(select(Batch.id).where(Batch.id == batch_id).with_for_update())
    return uow.session.execute(select(DrawerSession).where(DrawerSession.id == session_id)
                               .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()


def _own_session(uow: UnitOfWork, settings: Settings, operator_id: str, *, statuses: tuple[str, ...],
                 missing: str = "Open your drawer on this terminal first") -> DrawerSession:
    found = uow.session.execute(
        select(DrawerSession.id).where(DrawerSession.terminal_id == settings.terminal.id,
                                       DrawerSession.operator_id == operator_id,
                                       DrawerSession.status.in_(("open", "counting")))).scalar_one_or_none()
    session = _lock(uow, found) if found else None
    if session is None or session.status not in statuses:
        if session is not None and session.status == "counting":
            raise DrawerError("Your drawer is being counted for close: finish the close first")
        raise DrawerError(missing)
    return session


def _own_open_session(uow: UnitOfWork, settings: Settings, operator_id: str) -> DrawerSession:
    return _own_session(uow, settings, operator_id, statuses=("open",))


def last_count(uow: UnitOfWork, session_id: str) -> DrawerCount:
    return uow.session.execute(select(DrawerCount).where(DrawerCount.session_id == session_id)
                               .order_by(DrawerCount.attempt.desc()).limit(1)).scalar_one()


def authorised(uow: UnitOfWork, settings: Settings, credentials: Credentials, permission: str, *,
                purpose: str) -> OperatorView:
    person = authenticate(uow, credentials, settings, purpose=purpose)
    if not may(uow, person.role, permission):
        raise PermissionDenied(f"{person.operator_id} ({person.role}) may not {permission.replace('_', ' ')}")
    return person


def _approval(uow: UnitOfWork, settings: Settings, approver: Credentials | None, operator_id: str, *, what: str,
              limit_of, amount: int | None = None) -> str:  # noqa: ANN001 - role -> cents, or None
    """A lead's or supervisor's PIN at this terminal, not the operator's own, within the approver's limit."""
    if approver is None:
        raise PermissionDenied(f"{what} needs a lead's or supervisor's approval")
    person = authenticate(uow, approver, settings, purpose="approval")
    if person.operator_id == operator_id:
        raise PermissionDenied("Nobody approves their own override")
    if not may(uow, person.role, "approve"):
        raise PermissionDenied(f"{person.operator_id} ({person.role}) may not approve overrides")
    if limit_of is not None and amount is not None and amount > limit_of(person.role):
        raise PermissionDenied(f"{person.operator_id} may approve up to {_money(limit_of(person.role), settings)} "
                               "only")
    return person.operator_id


def _note(field_name: str, value: str | None, *, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise InputError(field_name, "is required")
        return None
    refuse_card_number(field_name, text)
    if len(text) > NOTE_LENGTH:
        raise InputError(field_name, f"is longer than {NOTE_LENGTH} characters")
    return text


def _money(cents: int, settings: Settings) -> str:
    return format_cents(cents, symbol=settings.money.currency_symbol)


def _held(cents: int, settings: Settings) -> str:
    """The drawer's expected cash for a message, followed by a space; nothing under a blind close."""
    return "" if settings.drawer.blind_close else f"{_money(cents, settings)} "


def _over_short_words(cents: int, settings: Settings) -> str:
    return f"{'over' if cents > 0 else 'short'} by {_money(abs(cents), settings)}"
