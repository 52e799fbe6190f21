"""The durable print queue: receipts print after the commit, once; a printer in a fault holds the job until it is ready.

Job states (``print_job.status``): ``pending`` (not tried), ``held`` (the printer reported a fault or
could not be reached: nothing was sent, it prints by itself when the printer is ready), ``failed``
(another printer error: nothing was sent, retried), ``printed``, ``unknown`` (sent but never
confirmed: offered for a REPRINT, never resent by itself), ``reprinted`` (an unknown job a person
reprinted), ``sending`` (claimed by the process sending it now; one left so when a terminal stopped
becomes ``unknown`` when the counter starts again).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select, update

from pos.core.clock import timestamp
from pos.core.db import Database, UnitOfWork
from pos.core.errors import InputError
from pos.core.models import DrawerMovement, Operator, PaymentLine, PaymentTender, PaymentTxn, PrintJob
from pos.core.settings import Settings, user_data_dir
from receipts.drawer_kick import CashDrawer
from receipts.errors import DeviceError, JobOutcomeUnknown, PrinterError, PrinterFault
from receipts.model import Receipt, ReceiptLine, ReceiptTender
from receipts.printers import ReceiptPrinter, make_printer
from receipts.printing import render_job
from receipts.status import PrinterStatus

RETRIED = ("pending", "failed", "held")  # printed by print_waiting without anyone asking
NOT_PRINTED = (*RETRIED, "unknown", "sending")  # "sending": claimed by a process that is sending it now
# One pass over the queue at a time in this process: the payment screen and the printer poller both print.
_queue_lock = threading.Lock()


@dataclass(frozen=True)
class PrintJobView:
    job_id: str
    receipt_number: str
    kind: str
    status: str
    attempts: int
    last_error: str | None
    created_at: str


@dataclass(frozen=True)
class JobPrinted:
    """What one pass over a job did: printed, or why it is still waiting. A print job never opens the drawer."""

    job: PrintJobView
    printed: bool
    error: str | None
    held: bool = False  # nothing was sent: the printer is in a fault or unreachable; it prints when ready
    unknown: bool = False  # sent but not confirmed: a person checks the printer and asks for a reprint
    warning: str | None = None  # printed, but the printer wants attention (paper near end)


def printer_for(settings: Settings) -> ReceiptPrinter | None:
    return make_printer(settings.printer, default_directory=user_data_dir() / "receipts")


def paper_columns(settings: Settings) -> int:
    """Characters per line: ``printer.columns``, or the profile's when it is 0."""
    if settings.printer.columns:
        return settings.printer.columns
    from receipts.escpos_render import profile_columns

    return profile_columns(settings.printer.profile)


def printer_status(settings: Settings, printer: ReceiptPrinter | None = None) -> PrinterStatus | None:
    """The printer's status now (DLE EOT where the transport can ask); None when no printer is configured."""
    try:
        printer = printer if printer is not None else printer_for(settings)
    except PrinterError as error:
        return PrinterStatus.unreachable(error.message)
    if printer is None:
        return None
    return printer.status()


def receipt_for(uow: UnitOfWork, txn_id: str, settings: Settings, *, reprint: bool = False,
                job_id: str | None = None) -> Receipt:
    """Everything a receipt (or void slip) says, read from the posted transaction.

    A reprint says when and by whom it was asked for: from its print job ``job_id``, else the newest reprint.
    """
    txn = uow.session.get(PaymentTxn, txn_id)
    if txn is None:
        raise InputError("receipt", f"transaction {txn_id} does not exist")
    lines = uow.session.execute(select(PaymentLine).where(PaymentLine.txn_id == txn_id)
                                .order_by(PaymentLine.position)).scalars().all()
    tenders = uow.session.execute(select(PaymentTender).where(PaymentTender.txn_id == txn_id)
                                  .order_by(PaymentTender.position)).scalars().all()
    cashier = uow.session.execute(select(Operator.name).where(Operator.operator_id == txn.operator_id)
                                  ).scalar_one_or_none() or txn.operator_id
    voids = None
    if txn.reverses_txn_id:
        voids = uow.session.execute(select(PaymentTxn.receipt_number).where(PaymentTxn.id == txn.reverses_txn_id)
                                    ).scalar_one_or_none()
    # Only the accounts whose own line paid the amount due pull their turn-off order, not every account paid.
    flags = tuple(f"TURN-OFF ORDER PULLED: {line.account_number}" for line in lines
                  if line.turnoff_pulled and line.account_number and txn.kind == "payment")
    approver = None
    if txn.approved_by:
        approver_name = _person_name(uow, txn.approved_by)
        approver = txn.approved_by if approver_name == txn.approved_by else f"{approver_name} ({txn.approved_by})"
    reprinted_at = reprinted_by = None
    if reprint:
        query = select(PrintJob.created_at, PrintJob.requested_by).where(PrintJob.txn_id == txn_id,
                                                                         PrintJob.kind == "reprint")
        query = query.where(PrintJob.id == job_id) if job_id else query.order_by(PrintJob.created_at.desc())
        asked = uow.session.execute(query.limit(1)).first()
        if asked is not None:
            reprinted_at = datetime.fromisoformat(asked[0])
            reprinted_by = f"{_person_name(uow, asked[1])} ({asked[1]})"
    return Receipt(
        kind="void" if txn.kind == "void" else "payment",
        receipt_number=txn.receipt_number, terminal_id=txn.terminal_id, cashier=cashier, cashier_id=txn.operator_id,
        posted_at=datetime.fromisoformat(txn.posted_at), business_date=_as_date(txn.business_date),
        lines=tuple(ReceiptLine(amount_cents=line.amount_cents, account_number=line.account_number,
                                name=line.description if line.account_number else None,
                                service_address=line.service_address, balance_after_cents=line.balance_after_cents,
                                balance_before_cents=None if line.balance_after_cents is None
                                else line.balance_after_cents + line.amount_cents, fee_code=line.fee_code, description=None if line.account_number else line.description)
                    for line in lines),
        tenders=tuple(ReceiptTender(type=t.type, amount_cents=t.amount_cents, tendered_cents=t.tendered_cents,
                                    change_cents=t.change_cents, reference=t.reference, card_type=t.card_type,
                                    card_last4=t.card_last4) for t in tenders),
        total_cents=txn.total_cents, header=receipt_header(settings), footer=tuple(settings.receipt.footer),
        flags=flags, note=txn.note if txn.kind == "payment" else None, voids_receipt_number=voids,
        approved_by=approver, void_reason=txn.note if txn.kind == "void" else None, reprint=reprint,
        reprinted_at=reprinted_at, reprinted_by=reprinted_by, copies=1)


def receipt_header(settings: Settings) -> tuple[str, ...]:
    """The lines at the top of a receipt: ``receipt.header``, or the terminal's site name when none is set."""
    return tuple(settings.receipt.header) or (settings.terminal.site_name,)


def _person_name(uow: UnitOfWork, operator_id: str) -> str:
    return uow.session.execute(select(Operator.name).where(Operator.operator_id == operator_id)
                               ).scalar_one_or_none() or operator_id


def receipt_text(uow: UnitOfWork, receipt_number: str, settings: Settings, *, reprint: bool = False) -> str:
    """The receipt as the customer gets it, for the on-screen preview."""
    from receipts.layout import render_text

    txn_id = uow.session.execute(select(PaymentTxn.id).where(PaymentTxn.receipt_number == receipt_number)
                                 ).scalar_one_or_none()
    if txn_id is None:
        raise InputError("receipt number", f"{receipt_number} is not a posted receipt")
    receipt = receipt_for(uow, txn_id, settings, reprint=reprint)
    return render_text(receipt, paper_columns(settings), symbol=settings.money.currency_symbol)


def _document_number():  # noqa: ANN202 - a SQL expression
    """The receipt number of a receipt's job, or the slip number of a slip's."""
    return func.coalesce(PaymentTxn.receipt_number, DrawerMovement.number)


def _with_numbers(query):  # noqa: ANN001, ANN202 - a select over PrintJob
    return (query.join(PaymentTxn, PaymentTxn.id == PrintJob.txn_id, isouter=True)
            .join(DrawerMovement, DrawerMovement.id == PrintJob.movement_id, isouter=True))


def waiting_jobs(uow: UnitOfWork, settings: Settings, *, statuses: tuple[str, ...] = NOT_PRINTED
                 ) -> list[PrintJobView]:
    """Jobs of this terminal not printed yet (held, failed, unknown …), receipts and slips, oldest first."""
    rows = uow.session.execute(
        _with_numbers(select(PrintJob, _document_number()))
        .where(PrintJob.terminal_id == settings.terminal.id, PrintJob.status.in_(statuses))
        .order_by(PrintJob.created_at, PrintJob.id)).all()
    return [_view(job, number) for job, number in rows]


def queue_slip(uow: UnitOfWork, settings: Settings, movement_id: str, text: str, requested_by: str) -> str:
    """Put a drawer slip (drop, paid-out, loan, no-sale) in the print queue, in the caller's transaction.

    It waits and retries like a receipt: held while the printer is in a fault, printed once by
    itself when it is ready, offered again when its outcome is unknown. Returns the job id.
    """
    import uuid

    job_id = str(uuid.uuid4())
    uow.session.add(PrintJob(id=job_id, txn_id=None, movement_id=movement_id, document=text,
                             terminal_id=settings.terminal.id, kind="slip", copies=1, status="pending", attempts=0,
                             created_at=timestamp(), requested_by=requested_by))
    uow.session.flush()
    return job_id
PRINT_STATES = {"printed": "printed", "reprinted": "printed", "unknown": "unknown"}  # every other status: waiting


def print_states(uow: UnitOfWork, txn_ids: list[str]) -> dict[str, str]:
    """Whether each transaction's paper came out, by its newest print job: ``printed``, ``waiting`` (held,
    failed, pending or being sent: it prints by itself) or ``unknown`` (sent, never confirmed: needs a
    REPRINT). A transaction with no print job is left out (nothing was ever queued for it)."""
    if not txn_ids:
        return {}
    rows = uow.session.execute(select(PrintJob.txn_id, PrintJob.status).where(PrintJob.txn_id.in_(txn_ids))
                               .order_by(PrintJob.created_at, PrintJob.id)).all()
    return {txn_id: PRINT_STATES.get(status, "waiting") for txn_id, status in rows}  # the newest wins


def has_retried_jobs(database: Database, settings: Settings) -> bool:
    """Whether a job waits that the poller prints by itself once the printer is ready."""
    with database.reader() as uow:
        return bool(waiting_jobs(uow, settings, statuses=RETRIED))


def print_waiting(database: Database, settings: Settings, printer: ReceiptPrinter | None = None
                  ) -> list[JobPrinted]:
    """Print every held, failed or pending job of this terminal, oldest first, each at most once.

    A job is sent only to a printer that reports no fault; one sent but not confirmed becomes
    ``unknown`` and is never sent again by itself. The pass stops at a fault of the printer itself
    (paper out, cover open, unreachable, a write that failed), which would stop every job behind it;
    a job that fails for its own reason (it cannot be rendered, or its outcome is unknown) is left
    waiting and the jobs behind it are still tried. Nothing here opens the cash drawer: a cash
    payment's drawer opens at once with ``open_drawer_for_payment``, never with its receipt.
    """
    printer = printer if printer is not None else printer_for(settings)
    if printer is None:
        return []
    with _queue_lock:
        return _print_jobs(database, settings, printer)


def _print_jobs(database: Database, settings: Settings, printer: ReceiptPrinter) -> list[JobPrinted]:
    outcomes: list[JobPrinted] = []
    with database.reader() as uow:
        jobs = waiting_jobs(uow, settings, statuses=RETRIED)
    for job in jobs:
        if not _claim(database, job):
            continue  # another process of this terminal took it after we read the list
        outcome, printer_level = _send_claimed(database, settings, printer, job)
        outcomes.append(outcome)
        if printer_level:
            break
    return outcomes


def _claim(database: Database, job: PrintJobView) -> bool:
    """Mark the job ``sending`` before anything goes to the printer; False when another process has it.

    The counter's poller and `pos receipt print` may read the same list: only one claim succeeds.
    """
    with database.unit_of_work() as uow:
        claimed = uow.session.execute(
            update(PrintJob).where(PrintJob.id == job.job_id, PrintJob.status.in_(RETRIED),
                                   PrintJob.attempts == job.attempts)
            .values(status="sending", attempts=PrintJob.attempts + 1)).rowcount
        uow.commit()
    return bool(claimed)


def _send_claimed(database: Database, settings: Settings, printer: ReceiptPrinter, job: PrintJobView
                  ) -> tuple[JobPrinted, bool]:
    """Send one claimed job; returns what happened and whether it was the printer's fault (stop the pass)."""
    held = unknown = sending = printer_level = False
    warning = error = None
    status = "printed"
    try:
        try:
            with database.reader() as uow:
                escpos, text = _render_claimed(uow, settings, job)
        except Exception as broken:  # noqa: BLE001 - this job's own problem: the jobs behind it still print
            message = getattr(broken, "message", None) or repr(broken)
            _finish(database, job, "failed", f"cannot be laid out for the printer: {message}"[:300])
            return JobPrinted(job, False, f"{job.receipt_number} cannot be laid out for the printer: {message}"), False
        sending = True
        after = printer.send(f"{job.receipt_number}-{job.kind}-{job.job_id[:8]}", escpos, text)
        warning = after.warning if after is not None else None
    except PrinterFault as fault:
        held, status, error, printer_level = True, "held", fault.message, True
    except JobOutcomeUnknown as lost:
        unknown, status, error = True, "unknown", lost.message
    except PrinterError as failure:
        status, error, printer_level = "failed", failure.message, True
    except BaseException as crash:
        # Anything else (a bug, a locked database, Ctrl-C): a job that may have reached the printer
        # becomes unknown (offered for REPRINT); one that did not goes back to waiting as it was.
        _finish(database, job, "unknown" if sending else job.status, f"interrupted: {crash!r}"[:300],
                attempts=None if sending else job.attempts)
        raise
    _finish(database, job, status, (error or warning or "")[:300] or None)
    return JobPrinted(job, error is None, error, held=held, unknown=unknown, warning=warning), printer_level


def _render_claimed(uow: UnitOfWork, settings: Settings, job: PrintJobView) -> tuple[bytes, str]:
    """The job's ESC/POS bytes and text: every copy of a receipt, one void slip, one reprint, or a drawer slip."""
    txn_id, document = uow.session.execute(select(PrintJob.txn_id, PrintJob.document)
                                           .where(PrintJob.id == job.job_id)).one()
    if txn_id is None:
        from receipts.escpos_render import text_escpos

        return text_escpos(document or "", profile=settings.printer.profile), document or ""
    receipt = receipt_for(uow, txn_id, settings, reprint=job.kind == "reprint", job_id=job.job_id)
    copies = settings.receipt.copies if job.kind == "receipt" else 1
    return render_job(replace(receipt, copies=copies), columns=paper_columns(settings),
                      profile=settings.printer.profile, symbol=settings.money.currency_symbol)


def _finish(database: Database, job: PrintJobView, status: str, last_error: str | None, *,
            attempts: int | None = None) -> None:
    """Record how the claimed job ended, unless recovery already moved it on (then it stays as recovery left it)."""
    values = {"status": status, "last_error": last_error, "printed_at": timestamp() if status == "printed" else None}
    if attempts is not None:
        values["attempts"] = attempts
    with database.unit_of_work() as uow:
        uow.session.execute(update(PrintJob).where(PrintJob.id == job.job_id, PrintJob.status == "sending")
                            .values(**values))
        uow.commit()


def recover_interrupted(database: Database, settings: Settings) -> list[str]:
    """Jobs this terminal was sending when it stopped become ``unknown``: offered for a REPRINT, never resent.

    Run when the counter starts, before it prints anything; returns their receipt numbers.
    """
    with database.unit_of_work() as uow:
        rows = uow.session.execute(
            _with_numbers(select(PrintJob.id, _document_number()))
            .where(PrintJob.terminal_id == settings.terminal.id, PrintJob.status == "sending")
            .order_by(PrintJob.created_at)).all()
        if rows:
            uow.session.execute(
                update(PrintJob).where(PrintJob.id.in_([job_id for job_id, _ in rows]), PrintJob.status == "sending")
                .values(status="unknown", last_error="the terminal stopped while sending it: look at the printer"))
        uow.commit()
    return [number for _, number in rows]


def reprint_unknown(database: Database, settings: Settings, receipt_number: str, operator_id: str) -> list[JobPrinted]:
    """A person checked the printer after an unconfirmed job: queue a REPRINT (audited) and print it.

    ``receipt_number`` is a receipt's number, or a drawer slip's (T01-S00012).
    """
    from pos.core.payments import Reprint, reprint

    with database.unit_of_work() as uow:
        if _slip_id(uow, receipt_number) is not None:
            reprint_slip(uow, settings, receipt_number, operator_id)
        else:
            reprint(uow, Reprint(receipt_number, operator_id), settings)  # also marks the unknown copy reprinted
    return print_waiting(database, settings)


def reprint_slip(uow: UnitOfWork, settings: Settings, slip_number: str, operator_id: str) -> str:
    """Queue a drawer slip again, marked REPRINT, with the text it had; audited. Returns the print job id."""
    from pos.core import audit

    movement_id = _slip_id(uow, slip_number)
    if movement_id is None:
        raise InputError("slip number", f"{slip_number} is not a drawer slip")
    document = uow.session.execute(select(PrintJob.document).where(PrintJob.movement_id == movement_id)
                                   .order_by(PrintJob.created_at).limit(1)).scalar_one_or_none()
    if document is None:
        raise InputError("slip number", f"slip {slip_number} was never queued for the printer")
    job_id = queue_slip(uow, settings, movement_id, f"*** REPRINT ***\n{document}", operator_id)
    uow.session.execute(update(PrintJob).where(PrintJob.movement_id == movement_id, PrintJob.status == "unknown")
                        .values(status="reprinted"))
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="slip_reprinted", operator_id=operator_id, details={"slip": slip_number, "job": job_id})
    uow.commit()
    return job_id


def _slip_id(uow: UnitOfWork, slip_number: str) -> str | None:
    return uow.session.execute(select(DrawerMovement.id).where(DrawerMovement.number == slip_number)
                               ).scalar_one_or_none()


@dataclass(frozen=True)
class DrawerKick:
    """What the drawer did for one payment or void, told to the cashier at once."""

    receipt_number: str
    needed: bool  # cash moved and a drawer is connected (cash_drawer.kick is not "none")
    opened: bool  # the pulse reached the printer's drawer port or the serial drawer
    error: str | None = None  # why it could not be delivered: the cashier opens the drawer for this payment

    @property
    def failed(self) -> bool:
        return self.needed and not self.opened


def open_drawer_for_payment(settings: Settings, receipt_number: str, has_cash: bool, *,
                            printer: ReceiptPrinter | None = None, drawer: CashDrawer | None = None) -> DrawerKick:
    """Open the cash drawer for a payment (or void) that moved cash, right after it is committed. Never raises.

    Only the drawer pulse is sent, on its own, whatever receipts wait for the printer: a printer out
    of paper or with its cover open still opens its drawer (a real-time pulse). When the pulse cannot
    be delivered (the printer is unreachable or in an error, the serial drawer is absent) ``error``
    says why, and the cashier opens the drawer for this payment (``drawer.day.open_for_payment``).
    """
    if not has_cash or (settings.cash_drawer.kick == "none" and drawer is None):
        return DrawerKick(receipt_number, needed=False, opened=False)
    opened, error = _open_drawer(settings, printer, drawer)
    return DrawerKick(receipt_number, needed=True, opened=opened, error=error)


def kick_drawer(settings: Settings, printer: ReceiptPrinter | None = None, drawer: CashDrawer | None = None
                ) -> str | None:
    """Open the cash drawer (printer pulse or serial drawer); returns why it failed, or None. Never raises."""
    if settings.cash_drawer.kick == "none" and drawer is None:
        return None
    opened, error = _open_drawer(settings, printer, drawer)
    return error


def _open_drawer(settings: Settings, printer: ReceiptPrinter | None, drawer: CashDrawer | None
                 ) -> tuple[bool, str | None]:
    from receipts.drawer_kick import make_cash_drawer

    try:
        if drawer is None:
            if settings.cash_drawer.kick == "printer" and printer is None:
                printer = printer_for(settings)
            drawer = make_cash_drawer(settings.cash_drawer, printer)
        if drawer is None:
            return False, None
        drawer.open()
    except (PrinterError, DeviceError) as error:
        return False, error.message
    return True, None


@dataclass(frozen=True)
class DeviceState:
    """One configured device on the devices screen and in `pos printer status`."""

    device: str  # printer | cash drawer | customer display | endorsement
    configured: str  # how it is reached, from the configuration
    state: str  # what it says now
    ok: bool


def device_states(settings: Settings, printer: ReceiptPrinter | None = None) -> list[DeviceState]:
    """Every counter device with its live state where it can be asked; never raises."""
    states = []
    status: PrinterStatus | None = None
    try:
        printer = printer if printer is not None else printer_for(settings)
    except PrinterError as error:
        states.append(DeviceState("printer", settings.printer.backend, error.message, False))
        printer = None
    else:
        if printer is None:
            states.append(DeviceState("printer", "none", "no receipt printer configured", False))
        else:
            status = printer.status()
            states.append(DeviceState("printer", printer.name, status.summary, status.fault is None))
    drawer = settings.cash_drawer
    if drawer.kick == "none":
        states.append(DeviceState("cash drawer", "opened by key", "not connected", True))
    else:
        where = f"pin {drawer.pin} of the printer" if drawer.kick == "printer" else f"serial {drawer.serial_port}"
        states.append(DeviceState("cash drawer", where, drawer_state(settings, status), True))
    display = settings.customer_display
    states.append(DeviceState("customer display", display.port if display.enabled else "none",
                              "configured" if display.enabled else "not configured", True))
    endorsement = settings.endorsement
    states.append(DeviceState("endorsement", "slip station" if endorsement.enabled else "none",
                              "on" if endorsement.enabled else "off", True))
    return states


def drawer_state(settings: Settings, status: PrinterStatus | None) -> str:
    """The drawer as its sensor reads through the printer: open, closed, unknown (printer not ready), or not read."""
    drawer = settings.cash_drawer
    if drawer.kick != "printer" or drawer.sensor == "none":
        return "sensor not reported"
    if status is None:
        return "unknown: no printer to read its sensor"
    if status.fault is not None:
        return f"unknown: the printer is {status.fault_brief}"
    opened = status.drawer_open(drawer.sensor)
    return "sensor not reported" if opened is None else "open" if opened else "closed"


def width_ruler(columns: int) -> str:
    """One full line, every column of the paper marked, the last one included: ``....:....1....:....2…``
    (a dot per column, a colon every fifth, the tens digit every tenth). Not a run of digits: a long run
    could hold a Luhn-valid window, which nothing the terminal prints may."""
    return "".join(str(n // 10 % 10) if n % 10 == 0 else ":" if n % 5 == 0 else "." for n in range(1, columns + 1))


def print_test_page(settings: Settings, printer: ReceiptPrinter | None = None) -> PrinterStatus | None:
    """A hardware-check page: width ruler, accents and the euro sign, a barcode; raises ``PrinterError``."""
    from datetime import datetime, timezone

    printer = printer if printer is not None else printer_for(settings)
    if printer is None:
        raise PrinterError("No receipt printer is configured (printer.backend = none)")
    columns = paper_columns(settings)
    now = datetime.now(timezone.utc)
    test = Receipt(kind="payment", receipt_number="TEST", terminal_id=settings.terminal.id, cashier="Hardware check",
                   cashier_id="-", posted_at=now, business_date=now.date(),
                   lines=(ReceiptLine(0, description="Accents: àéîõü ÀÉÎÕÜ ñ ç ß, euro € "),),
                   tenders=(), total_cents=0,
                   header=(settings.terminal.site_name, "PRINTER TEST", width_ruler(columns)),
                   footer=(f"{printer.name}, {columns} columns, profile {settings.printer.profile}",))
    escpos, text = render_job(test, columns=columns, profile=settings.printer.profile,
                              symbol=settings.money.currency_symbol)
    return printer.send(f"test-{now.strftime('%Y%m%d%H%M%S')}", escpos, text)


def show_on_display(settings: Settings, top: str, bottom: str = "") -> None:
    """Two lines on the customer display; raises ``DeviceError`` (callers at a payment ignore it)."""
    from receipts.display import make_customer_display

    display = make_customer_display(settings.customer_display)
    if display is None:
        raise DeviceError("No customer display is configured (customer_display.enabled = false)")
    display.show(top, bottom)


def endorse_check(settings: Settings, receipt_number: str, check_number: str | None, business_date: date,
                  printer: ReceiptPrinter | None = None) -> None:
    """Endorse the check in the slip station; raises ``PrinterError`` with what to do."""
    from receipts.endorse import Endorsement, endorsement_bytes

    endorsement = settings.endorsement
    if not endorsement.enabled:
        raise PrinterError("Check endorsement is not configured (endorsement.enabled = false)")
    printer = printer if printer is not None else printer_for(settings)
    send_slip = getattr(printer, "send_slip", None)
    if send_slip is None:
        raise PrinterError("This printer has no slip station to endorse on: endorse the check by hand")
    send_slip(endorsement_bytes(Endorsement(endorsement.heading, settings.terminal.site_name, endorsement.bank_account,
                                            business_date, receipt_number, check_number),
                                slip_paper=int(endorsement.slip_paper_hex, 16), columns=endorsement.columns))


def _view(job: PrintJob, receipt_number: str) -> PrintJobView:
    return PrintJobView(job.id, receipt_number, job.kind, job.status, job.attempts, job.last_error, job.created_at)


def _as_date(value) -> date:  # noqa: ANN001 - date on both engines through the ORM
    return value if isinstance(value, date) else date.fromisoformat(value)
