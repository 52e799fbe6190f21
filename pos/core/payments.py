"""Counter payments: review, post once (gapless receipt numbers), void with approval, list, reprint."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from drawer.journal import add_cash, cash_delta_cents
from drawer.sessions import DrawerError, current_drawer
from pos.core import audit
from pos.core.account_views import AccountView
from pos.core.accounts import get_account
from pos.core.authority import rights
from pos.core.clock import business_date, timestamp
from pos.core.db import UnitOfWork
from pos.core.errors import InputError, PermissionDenied, PosError
from pos.core.models import Batch, FeeCode, Operator, PaymentLine, PaymentTender, PaymentTxn, PrintJob
from pos.core.money import format_cents, parse_cents
from pos.core.operators import Credentials, authenticate, role_of
from pos.core.settings import Settings
from pos.core.tenders import (AppliedTender, TenderEntry, TenderError, apply_tenders, check_tender, drop_zero_cash,
                              refuse_card_number)


class PaymentError(PosError):
    title = "Payment"


@dataclass(frozen=True)
class LineEntry:
    """One line as entered: an account payment, or a fee code (``amount_cents`` None takes its fixed amount)."""

    amount_cents: int | None
    account_number: str | None = None
    fee_code: str | None = None


@dataclass(frozen=True)
class PaymentWarning:
    """Something the cashier must acknowledge with a key before the payment posts."""

    kind: str  # overpayment | below_installment | inactive_account
    account_number: str
    message: str


class PaymentNeedsConfirmation(PosError):
    title = "Confirm"

    def __init__(self, warnings: list[PaymentWarning]) -> None:
        super().__init__("; ".join(w.message for w in warnings))
        self.warnings = warnings


@dataclass(frozen=True)
class PostPayment:
    idempotency_key: str  # one per payment attempt: the same key never posts twice
    operator_id: str
    lines: tuple[LineEntry, ...]
    tenders: tuple[TenderEntry, ...]
    note: str | None = None
    acknowledged: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ResolvedLine:
    amount_cents: int
    description: str
    account: AccountView | None = None
    fee_code: str | None = None
    gl_account: str | None = None

    @property
    def balance_after_cents(self) -> int | None:
        return None if self.account is None else self.account.balance_cents - self.amount_cents

    @property
    def past_due_paid_cents(self) -> int | None:
        """How much of the account's past-due amount this line pays (a void gives exactly this back)."""
        if self.account is None:
            return None
        return min(max(self.account.past_due_cents, 0), self.amount_cents)

    @property
    def pulls_turnoff(self) -> bool:
        account = self.account
        return (account is not None and account.status == "shutoff_pending" and account.past_due_cents > 0
                and self.amount_cents >= account.past_due_cents)


@dataclass(frozen=True)
class PaymentReview:
    """What a payment would post: totals, tenders applied, change, warnings and turn-off orders to pull."""

    lines: tuple[ResolvedLine, ...]
    tenders: tuple[AppliedTender, ...]
    total_cents: int
    change_cents: int
    warnings: tuple[PaymentWarning, ...]
    turnoff_accounts: tuple[str, ...]


@dataclass(frozen=True)
class PaymentPosted:
    txn_id: str
    receipt_number: str
    total_cents: int
    change_cents: int
    turnoff_accounts: tuple[str, ...]
    print_job_id: str
    has_cash: bool
    replayed: bool = False
    cash_in_drawer_cents: int | None = None  # expected cash after this payment, for the drop prompt

    def drop_advised(self, settings: Settings) -> bool:
        """The drawer now holds more cash than the site wants at the counter: ask for a drop."""
        prompt = settings.drawer.drop_prompt_cents
        return bool(prompt) and self.cash_in_drawer_cents is not None and self.cash_in_drawer_cents > prompt


@dataclass(frozen=True)
class VoidPayment:
    idempotency_key: str
    operator_id: str
    receipt_number: str
    reason: str
    approver: Credentials | None = None  # single use: checked for this one void, never kept


@dataclass(frozen=True)
class PaymentVoided:
    txn_id: str
    receipt_number: str
    voided_receipt_number: str
    total_cents: int
    approved_by: str | None
    print_job_id: str
    has_cash: bool
    replayed: bool = False


@dataclass(frozen=True)
class Reprint:
    receipt_number: str
    operator_id: str


@dataclass(frozen=True)
class PaymentSummary:
    """One row of the drawer's payment list."""

    txn_id: str
    receipt_number: str
    kind: str
    posted_at: str
    operator_id: str
    total_cents: int
    accounts: tuple[str, ...]
    tender_types: tuple[str, ...]
    voided_by: str | None = None
    voids: str | None = None
    batch_open: bool = True
    print_state: str | None = None  # printed, waiting, unknown (needs a reprint): see printing.print_states
    terminal_id: str = ""
    business_date: date | None = None


# Reviewing ------------------------------------------------------------------------------------


def review_payment(uow: UnitOfWork, command: PostPayment, settings: Settings) -> PaymentReview:
    """Check every field and rule without writing anything; raises naming the field and the reason."""
    if not command.lines:
        raise PaymentError("Add a line: an account payment or a fee code")
    if not command.tenders:
        raise TenderError("Add a tender: cash, check, card …")
    maximum = settings.money.max_amount_cents
    resolved: list[ResolvedLine] = []
    seen_accounts: set[str] = set()
    for position, entry in enumerate(command.lines, start=1):
        field_name = f"line {position} amount"
        if entry.account_number:
            refuse_card_number(f"line {position} account", entry.account_number)  # before a message quotes it
            account = get_account(uow, _padded(entry.account_number, settings.lookup.account_number_length))
            if account is None:
                raise InputError(f"line {position} account", f"{entry.account_number} is not in the account master")
            if account.account_number in seen_accounts:
                raise InputError(f"line {position} account", f"{account.account_number} is already on this payment")
            seen_accounts.add(account.account_number)
            amount = _line_amount(entry.amount_cents, field_name, maximum)
            resolved.append(ResolvedLine(amount, account.name, account=account))
        elif entry.fee_code:
            refuse_card_number(f"line {position} fee code", entry.fee_code)
            fee = uow.session.get(FeeCode, entry.fee_code.strip().upper())
            if fee is None or not fee.active:
                raise InputError(f"line {position} fee code", f"{entry.fee_code} is not an active fee code")
            if fee.fixed_amount_cents is not None:
                if entry.amount_cents not in (None, fee.fixed_amount_cents):
                    raise InputError(field_name, f"{fee.description} is fixed at {format_cents(fee.fixed_amount_cents)}")
                amount = fee.fixed_amount_cents
            else:
                amount = _line_amount(entry.amount_cents, field_name, maximum)
            resolved.append(ResolvedLine(amount, fee.description, fee_code=fee.code, gl_account=fee.gl_account))
        else:
            raise InputError(f"line {position}", "needs an account number or a fee code")
    total = sum(line.amount_cents for line in resolved)
    if total > maximum:
        raise InputError("total", f"{format_cents(total)} is above the maximum of {format_cents(maximum)}")
    entries = [check_tender(entry, settings) for entry in drop_zero_cash(total, command.tenders)]
    if any(e.type == "check" for e in entries):
        for line in resolved:
            if line.account is not None and line.account.cash_only:
                raise TenderError(f"Account {line.account.account_number} is cash only: a check cannot be taken")
    applied = apply_tenders(total, entries, cash_back_allowed=settings.tenders.cash_back_allowed)
    if command.note:
        refuse_card_number("note", command.note)
        if len(command.note) > 500:
            raise InputError("note", "is longer than 500 characters")
    warnings = tuple(_warnings(resolved))
    return PaymentReview(tuple(resolved), tuple(applied), total, sum(t.change_cents for t in applied), warnings,
                         tuple(line.account.account_number for line in resolved if line.pulls_turnoff))


def _padded(number: str, length: int) -> str:
    """An account number typed short gets its leading zeros, to the configured length (as lookup pads it)."""
    digits = number.strip()
    return digits.zfill(length) if digits.isascii() and digits.isdigit() else number


def _line_amount(amount: int | None, field_name: str, maximum: int) -> int:
    if amount is None:
        raise InputError(field_name, "is empty")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise InputError(field_name, "must be whole cents")
    if amount <= 0:
        raise InputError(field_name, "must be more than zero")
    if amount > maximum:
        raise InputError(field_name, f"{format_cents(amount)} is above the maximum of {format_cents(maximum)}")
    return amount


def _warnings(lines: list[ResolvedLine]) -> list[PaymentWarning]:
    found = []
    for line in lines:
        account = line.account
        if account is None:
            continue
        number = account.account_number
        if account.status in ("final", "closed"):
            found.append(PaymentWarning("inactive_account", number,
                                        f"Account {number} is {account.status_label.lower()}"))
        if line.amount_cents > max(account.balance_cents, 0):
            credit = line.amount_cents - max(account.balance_cents, 0)
            found.append(PaymentWarning("overpayment", number,
                                        f"{format_cents(line.amount_cents)} is more than the balance "
                                        f"{format_cents(account.balance_cents)} of {number}: "
                                        f"{format_cents(credit)} becomes a credit"))
        installment = account.arrangement_installment_cents
        if installment is not None and line.amount_cents < installment:
            found.append(PaymentWarning("below_installment", number,
                                        f"{format_cents(line.amount_cents)} is below the arrangement installment "
                                        f"{format_cents(installment)} of {number}"))
    return found


# Posting --------------------------------------------------------------------------------------


def post_payment(uow: UnitOfWork, command: PostPayment, settings: Settings) -> PaymentPosted:
    """Post in one transaction: payment, lines, tenders, receipt number, audit entry and print job.

    The idempotency key is unique in the database: a second post of the same attempt fails to insert
    and reports the first one instead. A retry is also recognised before the review, so a payment whose
    answer was lost is reported as posted rather than warned about again (its balance already changed).
    """
    replay = _posted_with_key(uow, command.idempotency_key)
    if replay is not None:
        return replay
    review = review_payment(uow, command, settings)
    pending = [w for w in review.warnings if w.kind not in command.acknowledged]
    if pending:
        raise PaymentNeedsConfirmation(pending)
    drawer = current_drawer(uow, settings, command.operator_id, batch_must_be_open=True)
    if drawer is None:
        raise DrawerError("Open your drawer on this terminal before taking a payment")
    takes_cash = any(t.type == "cash" for t in review.tenders)
    cash_after = None
    delta = cash_delta_cents((t.type, t.tendered_cents if t.tendered_cents is not None else t.amount_cents,
                              t.change_cents) for t in review.tenders)
    if takes_cash or delta:
        cash_after = add_cash(uow, drawer.session_id, delta)  # rolled back with the payment if refused
        limit = settings.drawer.till_limit_cents
        if takes_cash and limit and cash_after - delta > limit:
            held = "more cash than" if settings.drawer.blind_close else f"{format_cents(cash_after - delta)}, over"
            raise DrawerError(f"The drawer holds {held} the till limit of "
                              f"{format_cents(limit)}: make a drop to the safe before taking more cash")
    txn_id = str(uuid.uuid4())
    receipt_number = next_receipt_number(uow, settings.terminal.id)
    try:
        _insert(uow, PaymentTxn, [dict(
        id=txn_id, idempotency_key=command.idempotency_key, batch_id=drawer.batch_id,
        drawer_session_id=drawer.session_id, terminal_id=settings.terminal.id, receipt_number=receipt_number,
        kind="payment", posted_at=timestamp(), business_date=business_date(cutoff=settings.terminal.business_day_cutoff),
        operator_id=command.operator_id, approved_by=None, reverses_txn_id=None, total_cents=review.total_cents,
        change_cents=review.change_cents, turnoff_pulled=bool(review.turnoff_accounts),
        note=(command.note or "").strip() or None)])
    except IntegrityError:
        return _replay(uow, command.idempotency_key)
    _add_lines_and_tenders(uow, txn_id, review.lines, review.tenders, sign=1)
    paid = [{"a": line.amount_cents, "n": line.account.account_number} for line in review.lines if line.account]
    if paid:
        uow.session.connection().execute(_PAY_ACCOUNT, paid)
    job_id = _print_job(uow, txn_id, "receipt", settings, command.operator_id)
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="payment_posted", operator_id=command.operator_id,
                 details={"receipt": receipt_number, "txn": txn_id, "total_cents": review.total_cents,
                          "tenders": [t.type for t in review.tenders],
                          "acknowledged": sorted(w.kind for w in review.warnings),
                          "turnoff_pulled": list(review.turnoff_accounts)},
                 binds=_payment_binds(txn_id, drawer.session_id if cash_after is not None else None))
    try:
        uow.commit()
    except IntegrityError:
        return _replay(uow, command.idempotency_key)
    return PaymentPosted(txn_id, receipt_number, review.total_cents, review.change_cents, review.turnoff_accounts,
                         job_id, takes_cash, cash_in_drawer_cents=cash_after)


_BUMP_RECEIPT = text("UPDATE receipt_counter SET last_number = last_number + 1 WHERE terminal_id = :t "
                     "RETURNING last_number")
_FIRST_RECEIPT = text("INSERT INTO receipt_counter (terminal_id, last_number) VALUES (:t, 0) "
                      "ON CONFLICT (terminal_id) DO NOTHING")
_PAY_ACCOUNT = text("UPDATE account SET balance_cents = balance_cents - :a, pending_cents = pending_cents + :a, "
                    "past_due_cents = CASE WHEN past_due_cents > :a THEN past_due_cents - :a ELSE 0 END "
                    "WHERE account_number = :n")
_UNPAY_ACCOUNT = text("UPDATE account SET balance_cents = balance_cents + :a, pending_cents = pending_cents - :a, "
                      "past_due_cents = past_due_cents + :p WHERE account_number = :n")
_INSERTS: dict[str, object] = {}


def next_receipt_number(uow: UnitOfWork, terminal_id: str) -> str:
    """The terminal's next number, taken inside the posting transaction (rolled back with it)."""
    connection = uow.session.connection()
    number = connection.execute(_BUMP_RECEIPT, {"t": terminal_id}).scalar_one_or_none()
    if number is None:
        connection.execute(_FIRST_RECEIPT, {"t": terminal_id})
        number = connection.execute(_BUMP_RECEIPT, {"t": terminal_id}).scalar_one()
    return f"{terminal_id}-{number:06d}"


def _insert(uow: UnitOfWork, table, rows: list[dict]) -> None:  # noqa: ANN001 - a SQLModel table class
    """Core INSERT of plain rows: the posting path builds no ORM objects (they cost more than the commit)."""
    if rows:
        statement = _INSERTS.get(table.__tablename__)
        if statement is None:
            statement = _INSERTS[table.__tablename__] = insert(table.__table__)
        uow.session.connection().execute(statement, rows)


def _add_lines_and_tenders(uow: UnitOfWork, txn_id: str, lines, tenders, *, sign: int) -> None:  # noqa: ANN001
    _insert(uow, PaymentLine, [dict(
        txn_id=txn_id, position=position, account_number=line.account.account_number if line.account else None,
        fee_code=line.fee_code, gl_account=line.gl_account, description=line.description,
        service_address=line.account.service_address if line.account else None, amount_cents=sign * line.amount_cents,
        balance_after_cents=line.balance_after_cents if sign > 0 else None,
        turnoff_pulled=sign > 0 and line.pulls_turnoff,
        past_due_paid_cents=line.past_due_paid_cents if sign > 0 else None)
        for position, line in enumerate(lines, start=1)])
    _insert(uow, PaymentTender, [dict(
        txn_id=txn_id, position=position, type=tender.type, amount_cents=sign * tender.amount_cents,
        tendered_cents=None if tender.tendered_cents is None else sign * tender.tendered_cents,
        change_cents=sign * tender.change_cents, reference=tender.reference, card_type=tender.card_type,
        card_last4=tender.card_last4)
        for position, tender in enumerate(tenders, start=1)])


def _print_job(uow: UnitOfWork, txn_id: str, kind: str, settings: Settings, operator_id: str) -> str:
    job_id = str(uuid.uuid4())
    _insert(uow, PrintJob, [dict(id=job_id, txn_id=txn_id, terminal_id=settings.terminal.id, kind=kind,
                                 copies=settings.receipt.copies if kind == "receipt" else 1, status="pending",
                                 attempts=0, last_error=None, created_at=timestamp(), printed_at=None,
                                 requested_by=operator_id)])
    return job_id


def _replay(uow: UnitOfWork, key: str) -> PaymentPosted:
    """The attempt was posted before (or by a concurrent submission): report that payment, post nothing."""
    uow.session.rollback()
    replay = _posted_with_key(uow, key)
    if replay is None:
        raise PaymentError("The payment could not be posted (a conflicting write); nothing was posted: try again")
    return replay


_TXN_WITH_KEY = text("SELECT id FROM payment_txn WHERE idempotency_key = :k")


def _posted_with_key(uow: UnitOfWork, key: str) -> PaymentPosted | None:
    # Asked before every post, and nearly always answered "no": one prebuilt statement, no ORM query.
    found = uow.session.connection().execute(_TXN_WITH_KEY, {"k": key}).scalar_one_or_none()
    if found is None:
        return None
    txn = uow.session.get(PaymentTxn, found)
    if txn is None or txn.kind != "payment":
        return None
    job_id = uow.session.execute(select(PrintJob.id).where(PrintJob.txn_id == txn.id, PrintJob.kind == "receipt")
                                 ).scalars().first()
    accounts = tuple(uow.session.execute(select(PaymentLine.account_number).where(
        PaymentLine.txn_id == txn.id, PaymentLine.account_number.is_not(None), PaymentLine.turnoff_pulled)
        .order_by(PaymentLine.position)).scalars()) if txn.turnoff_pulled else ()
    has_cash = uow.session.execute(select(PaymentTender.id).where(PaymentTender.txn_id == txn.id,
                                                                  PaymentTender.type == "cash")).first() is not None
    return PaymentPosted(txn.id, txn.receipt_number, txn.total_cents, txn.change_cents, accounts, job_id or "",
                         has_cash, replayed=True)


# Voiding --------------------------------------------------------------------------------------


def void_payment(uow: UnitOfWork, command: VoidPayment, settings: Settings) -> PaymentVoided:
    """A new transaction pointing at the original, within the open batch; approval where the rules say."""
    existing = uow.session.execute(select(PaymentTxn).where(PaymentTxn.idempotency_key == command.idempotency_key)
                                   ).scalar_one_or_none()
    if existing is not None and existing.kind == "void":
        original = uow.session.get(PaymentTxn, existing.reverses_txn_id)
        return PaymentVoided(existing.id, existing.receipt_number, original.receipt_number if original else "",
                             existing.total_cents, existing.approved_by, "", _has_cash(uow, existing.id), True)
    reason = (command.reason or "").strip()
    if not reason:
        raise InputError("void reason", "is required")
    refuse_card_number("void reason", reason)
    refuse_card_number("receipt number", command.receipt_number)
    original = uow.session.execute(select(PaymentTxn).where(PaymentTxn.receipt_number == command.receipt_number)
                                   ).scalar_one_or_none()
    if original is None:
        raise InputError("receipt number", f"{command.receipt_number} is not a posted receipt")
    if original.kind != "payment":
        raise PaymentError(f"Receipt {original.receipt_number} is a {original.kind}, not a payment")
    already = uow.session.execute(select(PaymentTxn.receipt_number).where(PaymentTxn.reverses_txn_id == original.id)
                                  ).scalar_one_or_none()
    if already is not None:
        raise PaymentError(f"Receipt {original.receipt_number} was already voided by receipt {already}")
    batch = uow.session.get(Batch, original.batch_id, with_for_update={"read": True})
    if batch is None or batch.status != "open":
        raise PaymentError(f"The batch of receipt {original.receipt_number} is closed: a void is no longer "
                           "possible; tell a supervisor, who corrects it with the central billing office")
    role = role_of(uow, command.operator_id)
    authority = rights(uow, role)
    own = original.operator_id == command.operator_id
    alone = (("void_own" in authority.may and own) or "void_any" in authority.may) \
        and original.total_cents <= authority.void_cents
    approved_by = None
    if not alone:
        if command.approver is None:
            whose = "your own payment" if own else f"{original.operator_id}'s payment"
            raise PermissionDenied(f"Voiding {whose} of {format_cents(original.total_cents)} needs a lead's or "
                                   "supervisor's approval")
        approver = authenticate(uow, command.approver, settings, purpose="void approval")
        if approver.operator_id in (command.operator_id, original.operator_id):
            raise PermissionDenied("Nobody approves their own void")
        approver_authority = rights(uow, approver.role)
        if "approve" not in approver_authority.may:
            raise PermissionDenied(f"{approver.operator_id} ({approver.role}) may not approve voids")
        if original.total_cents > approver_authority.void_cents:
            raise PermissionDenied(f"{approver.operator_id} may approve voids up to "
                                   f"{format_cents(approver_authority.void_cents)} only")
        approved_by = approver.operator_id
    lines = uow.session.execute(select(PaymentLine).where(PaymentLine.txn_id == original.id)
                                .order_by(PaymentLine.position)).scalars().all()
    tenders = uow.session.execute(select(PaymentTender).where(PaymentTender.txn_id == original.id)
                                  .order_by(PaymentTender.position)).scalars().all()
    txn_id = str(uuid.uuid4())
    receipt_number = next_receipt_number(uow, settings.terminal.id)
    void = PaymentTxn(id=txn_id, idempotency_key=command.idempotency_key, batch_id=original.batch_id,
                      drawer_session_id=original.drawer_session_id, terminal_id=settings.terminal.id,
                      receipt_number=receipt_number, kind="void", posted_at=timestamp(),
                      business_date=business_date(cutoff=settings.terminal.business_day_cutoff),
                      operator_id=command.operator_id, approved_by=approved_by, reverses_txn_id=original.id,
                      total_cents=-original.total_cents, change_cents=-original.change_cents, note=reason)
    uow.session.add(void)
    uow.session.flush()
    for line in lines:
        uow.session.add(PaymentLine(txn_id=txn_id, position=line.position, account_number=line.account_number,
                                    fee_code=line.fee_code, gl_account=line.gl_account, description=line.description,
                                    service_address=line.service_address, amount_cents=-line.amount_cents))
        if line.account_number:
            # Undo exactly what the payment changed: its amount on the balance, and the past-due it paid.
            uow.session.execute(_UNPAY_ACCOUNT, {"a": line.amount_cents, "p": line.past_due_paid_cents or 0,
                                                 "n": line.account_number})
    for tender in tenders:
        uow.session.add(PaymentTender(txn_id=txn_id, position=tender.position, type=tender.type,
                                      amount_cents=-tender.amount_cents,
                                      tendered_cents=None if tender.tendered_cents is None else -tender.tendered_cents,
                                      change_cents=-tender.change_cents, reference=tender.reference,
                                      card_type=tender.card_type, card_last4=tender.card_last4))
    handed_back = 0
    if original.drawer_session_id:
        handed_back = cash_delta_cents((t.type, t.tendered_cents if t.tendered_cents is not None else t.amount_cents,
                                        t.change_cents) for t in tenders)
        if handed_back:
            left = add_cash(uow, original.drawer_session_id, -handed_back)  # rolled back with the void if refused
            if left < 0:
                holds = "less" if settings.drawer.blind_close else f"only {format_cents(left + handed_back)}"
                raise DrawerError(f"Voiding receipt {original.receipt_number} hands back "
                                  f"{format_cents(handed_back)} in cash, but the drawer should hold {holds}: "
                                  "make a change loan first, then void; nothing was voided")
    job_id = _print_job(uow, txn_id, "void_slip", settings, command.operator_id)
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="payment_voided", operator_id=command.operator_id, approver_id=approved_by,
                 details={"receipt": receipt_number, "voids": original.receipt_number, "txn": txn_id,
                          "total_cents": -original.total_cents, "reason": reason},
                 binds=_payment_binds(txn_id, original.drawer_session_id if original.drawer_session_id and handed_back
                                      else None))
    uow.commit()
    return PaymentVoided(txn_id, receipt_number, original.receipt_number, -original.total_cents, approved_by, job_id,
                         any(t.type == "cash" for t in tenders))


def _payment_binds(txn_id: str, drawer_session_id: str | None) -> list[tuple]:
    """The rows a posting or a void writes, bound into its audit entry: the cash it moved included."""
    binds: list[tuple] = [("payment_txn", txn_id), ("payment_line", "txn_id", txn_id),
                          ("payment_tender", "txn_id", txn_id)]
    if drawer_session_id:
        binds.append(("drawer_session", drawer_session_id))
    return binds


def _has_cash(uow: UnitOfWork, txn_id: str) -> bool:
    return uow.session.execute(select(PaymentTender.id).where(PaymentTender.txn_id == txn_id,
                                                              PaymentTender.type == "cash")).first() is not None


# Reprints and lists ---------------------------------------------------------------------------


def reprint(uow: UnitOfWork, command: Reprint, settings: Settings) -> str:
    """Queue a REPRINT of a receipt (or void slip); audited. Returns the print job id."""
    txn = uow.session.execute(select(PaymentTxn).where(PaymentTxn.receipt_number == command.receipt_number)
                              ).scalar_one_or_none()
    if txn is None:
        raise InputError("receipt number", f"{command.receipt_number} is not a posted receipt")
    job_id = _print_job(uow, txn.id, "reprint", settings, command.operator_id)
    # A copy whose outcome was unknown is answered by this reprint: it leaves the waiting list.
    uow.session.execute(update(PrintJob).where(PrintJob.txn_id == txn.id, PrintJob.status == "unknown")
                        .values(status="reprinted"))
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="receipt_reprinted", operator_id=command.operator_id,
                 details={"receipt": txn.receipt_number, "job": job_id})
    uow.commit()
    return job_id


def list_payments(uow: UnitOfWork, *, drawer_session_id: str | None = None, batch_id: str | None = None,
                  search: str | None = None, limit: int = 500, settings: Settings | None = None
                  ) -> list[PaymentSummary]:
    """Newest first; ``search`` matches a receipt number, an account number or an amount."""
    query = select(PaymentTxn).order_by(PaymentTxn.posted_at.desc(), PaymentTxn.receipt_number.desc()).limit(limit)
    if drawer_session_id:
        query = query.where(PaymentTxn.drawer_session_id == drawer_session_id)
    if batch_id:
        query = query.where(PaymentTxn.batch_id == batch_id)
    wanted = (search or "").strip()
    if wanted:
        refuse_card_number("search", wanted)
        conditions = [PaymentTxn.receipt_number == wanted.upper(),
                      PaymentTxn.id.in_(select(PaymentLine.txn_id).where(
                          PaymentLine.account_number == _padded(wanted, _account_length(settings))))]
        try:
            cents = parse_cents(wanted, field="search")
            conditions.append(PaymentTxn.total_cents.in_([cents, -cents]))
        except InputError:
            pass
        query = query.where(or_(*conditions))
    txns = uow.session.execute(query).scalars().all()
    return _summaries(uow, txns)


def _account_length(settings: Settings | None) -> int:
    from pos.core.settings import LookupSettings

    return (settings.lookup if settings is not None else LookupSettings()).account_number_length


def _summaries(uow: UnitOfWork, txns: list[PaymentTxn]) -> list[PaymentSummary]:
    if not txns:
        return []
    ids = [t.id for t in txns]
    accounts: dict[str, list[str]] = {}
    for txn_id, number in uow.session.execute(select(PaymentLine.txn_id, PaymentLine.account_number)
                                              .where(PaymentLine.txn_id.in_(ids)).order_by(PaymentLine.position)):
        if number:
            accounts.setdefault(txn_id, []).append(number)
    kinds: dict[str, list[str]] = {}
    for txn_id, kind in uow.session.execute(select(PaymentTender.txn_id, PaymentTender.type)
                                            .where(PaymentTender.txn_id.in_(ids)).order_by(PaymentTender.position)):
        kinds.setdefault(txn_id, []).append(kind)
    voided_by = dict(uow.session.execute(select(PaymentTxn.reverses_txn_id, PaymentTxn.receipt_number)
                                         .where(PaymentTxn.reverses_txn_id.in_(ids))).all())
    originals = dict(uow.session.execute(select(PaymentTxn.id, PaymentTxn.receipt_number).where(
        PaymentTxn.id.in_([t.reverses_txn_id for t in txns if t.reverses_txn_id]))).all())
    open_batches = set(uow.session.execute(select(Batch.id).where(Batch.id.in_({t.batch_id for t in txns}),
                                                                  Batch.status == "open")).scalars())
    from pos.core.printing import print_states

    printed = print_states(uow, ids)
    return [PaymentSummary(t.id, t.receipt_number, t.kind, t.posted_at, t.operator_id, t.total_cents,
                           tuple(accounts.get(t.id, ())), tuple(kinds.get(t.id, ())), voided_by.get(t.id),
                           originals.get(t.reverses_txn_id) if t.reverses_txn_id else None,
                           t.batch_id in open_batches, printed.get(t.id), t.terminal_id, t.business_date)
            for t in txns]


def find_payments(uow: UnitOfWork, *, receipt_number: str | None = None, account_number: str | None = None,
                  amount_cents: int | None = None, business_date: date | None = None,
                  terminal_id: str | None = None, limit: int = 500) -> list[PaymentSummary]:
    """Any terminal's payments and voids, newest first, narrowed by every criterion given (a supervisor
    finding a receipt to read or reprint). An amount finds a payment and its void alike."""
    query = select(PaymentTxn).order_by(PaymentTxn.posted_at.desc(), PaymentTxn.receipt_number.desc()).limit(limit)
    if receipt_number and receipt_number.strip():
        refuse_card_number("receipt number", receipt_number)
        query = query.where(PaymentTxn.receipt_number == receipt_number.strip().upper())
    if account_number and account_number.strip():
        refuse_card_number("account number", account_number)
        wanted = account_number.strip()
        query = query.where(PaymentTxn.id.in_(select(PaymentLine.txn_id).where(
            PaymentLine.account_number.in_({wanted, wanted.zfill(10)}))))
    if amount_cents is not None:
        query = query.where(PaymentTxn.total_cents.in_([amount_cents, -amount_cents]))
    if business_date is not None:
        query = query.where(PaymentTxn.business_date == business_date)
    if terminal_id and terminal_id.strip():
        query = query.where(PaymentTxn.terminal_id == terminal_id.strip().upper())
    return _summaries(uow, uow.session.execute(query).scalars().all())


@dataclass(frozen=True)
class TurnoffPulled:
    """One line of the field list: a shut-off account whose own payment covered its past-due amount."""

    account_number: str
    receipt_number: str
    posted_at: str
    amount_cents: int


def turnoff_orders_pulled(uow: UnitOfWork, *, business_day) -> list[TurnoffPulled]:  # noqa: ANN001 - a date
    """The field list of a business date: only the accounts whose line pulled the order, voided payments left out."""
    voided = select(PaymentTxn.reverses_txn_id).where(PaymentTxn.reverses_txn_id.is_not(None))
    rows = uow.session.execute(
        select(PaymentLine.account_number, PaymentTxn.receipt_number, PaymentTxn.posted_at, PaymentLine.amount_cents)
        .join(PaymentTxn, PaymentTxn.id == PaymentLine.txn_id)
        .where(PaymentLine.turnoff_pulled, PaymentTxn.kind == "payment", PaymentTxn.business_date == business_day,
               PaymentTxn.id.not_in(voided))
        .order_by(PaymentTxn.posted_at, PaymentLine.position)).all()
    return [TurnoffPulled(*row) for row in rows]


def operator_name(uow: UnitOfWork, operator_id: str) -> str:
    name = uow.session.execute(select(Operator.name).where(Operator.operator_id == operator_id)).scalar_one_or_none()
    return name or operator_id
