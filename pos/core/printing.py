"""The durable print queue: receipts print after the commit, and a printer failure leaves the job waiting."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select, update

from pos.core.clock import timestamp
from pos.core.db import Database, UnitOfWork
from pos.core.errors import InputError
from pos.core.models import Operator, PaymentLine, PaymentTender, PaymentTxn, PrintJob
from pos.core.settings import Settings, user_data_dir
from receipts.model import Receipt, ReceiptLine, ReceiptTender
from receipts.printers import ReceiptPrinter, make_printer
from receipts.printing import DrawerPulse, print_receipt


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
    """What one pass over a job did: printed, or why it is still waiting; and whether the drawer opened."""

    job: PrintJobView
    printed: bool
    error: str | None
    drawer_opened: bool
    drawer_error: str | None


def printer_for(settings: Settings) -> ReceiptPrinter | None:
    return make_printer(settings.printer, default_directory=user_data_dir() / "receipts")


def receipt_for(uow: UnitOfWork, txn_id: str, settings: Settings, *, reprint: bool = False) -> Receipt:
    """Everything a receipt (or void slip) says, read from the posted transaction."""
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
    flags = tuple(f"TURN-OFF ORDER PULLED: {line.account_number}" for line in lines
                  if txn.turnoff_pulled and line.account_number and txn.kind == "payment")
    return Receipt(
        kind="void" if txn.kind == "void" else "payment",
        receipt_number=txn.receipt_number, terminal_id=txn.terminal_id, cashier=cashier, cashier_id=txn.operator_id,
        posted_at=datetime.fromisoformat(txn.posted_at), business_date=_as_date(txn.business_date),
        lines=tuple(ReceiptLine(amount_cents=line.amount_cents, account_number=line.account_number,
                                name=line.description if line.account_number else None,
                                service_address=line.service_address, balance_after_cents=line.balance_after_cents,
                                fee_code=line.fee_code, description=None if line.account_number else line.description)
                    for line in lines),
        tenders=tuple(ReceiptTender(type=t.type, amount_cents=t.amount_cents, tendered_cents=t.tendered_cents,
                                    change_cents=t.change_cents, reference=t.reference, card_type=t.card_type,
                                    card_last4=t.card_last4) for t in tenders),
        total_cents=txn.total_cents, header=tuple(settings.receipt.header), footer=tuple(settings.receipt.footer),
        flags=flags, note=txn.note if txn.kind == "payment" else None, voids_receipt_number=voids,
        approved_by=txn.approved_by, reprint=reprint, copies=1)


def receipt_text(uow: UnitOfWork, receipt_number: str, settings: Settings, *, reprint: bool = False) -> str:
    """The receipt as the customer gets it, for the on-screen preview."""
    from receipts.layout import render_text

    txn_id = uow.session.execute(select(PaymentTxn.id).where(PaymentTxn.receipt_number == receipt_number)
                                 ).scalar_one_or_none()
    if txn_id is None:
        raise InputError("receipt number", f"{receipt_number} is not a posted receipt")
    receipt = receipt_for(uow, txn_id, settings, reprint=reprint)
    return render_text(receipt, settings.printer.columns, symbol=settings.money.currency_symbol)


def waiting_jobs(uow: UnitOfWork, settings: Settings) -> list[PrintJobView]:
    """Jobs of this terminal not printed yet, oldest first."""
    rows = uow.session.execute(
        select(PrintJob, PaymentTxn.receipt_number).join(PaymentTxn, PaymentTxn.id == PrintJob.txn_id)
        .where(PrintJob.terminal_id == settings.terminal.id, PrintJob.status.in_(("pending", "failed")))
        .order_by(PrintJob.created_at, PrintJob.id)).all()
    return [_view(job, number) for job, number in rows]


def print_waiting(database: Database, settings: Settings, printer: ReceiptPrinter | None = None) -> list[JobPrinted]:
    """Print every waiting job of this terminal, oldest first; stop at the first printer failure.

    A job's cash drawer kick goes with its first attempt only, so a retry never opens the drawer again.
    """
    printer = printer if printer is not None else printer_for(settings)
    outcomes: list[JobPrinted] = []
    if printer is None:
        return outcomes
    with database.reader() as uow:
        jobs = waiting_jobs(uow, settings)
    for job in jobs:
        with database.reader() as uow:
            txn_id = uow.session.execute(select(PrintJob.txn_id).where(PrintJob.id == job.job_id)).scalar_one()
            receipt = receipt_for(uow, txn_id, settings, reprint=job.kind == "reprint")
        kick = None
        if settings.cash_drawer.kick == "printer" and job.attempts == 0 and job.kind != "reprint":
            kick = DrawerPulse(settings.cash_drawer.pin, settings.cash_drawer.on_ms, settings.cash_drawer.off_ms)
        copies = settings.receipt.copies if job.kind == "receipt" else 1
        outcome = print_receipt(printer, replace(receipt, copies=copies), columns=settings.printer.columns,
                                profile=settings.printer.profile, symbol=settings.money.currency_symbol,
                                drawer=kick, job_id=f"{job.receipt_number}-{job.kind}-{job.job_id[:8]}")
        error = None if outcome.error is None else outcome.error.message
        with database.unit_of_work() as uow:
            uow.session.execute(update(PrintJob).where(PrintJob.id == job.job_id).values(
                status="printed" if error is None else "failed", attempts=PrintJob.attempts + 1,
                last_error=None if error is None else error[:300],
                printed_at=timestamp() if error is None else None))
            uow.commit()
        outcomes.append(JobPrinted(job, error is None, error, outcome.drawer_opened,
                                   None if outcome.drawer_error is None else outcome.drawer_error.message))
        if error is not None:
            break
    return outcomes


def kick_drawer(settings: Settings, printer: ReceiptPrinter | None = None) -> str | None:
    """Open the cash drawer through the printer; returns why it failed, or None. Never raises."""
    from receipts.errors import PrinterError

    if settings.cash_drawer.kick != "printer":
        return None
    printer = printer if printer is not None else printer_for(settings)
    if printer is None:
        return "No printer is configured to open the drawer"
    try:
        printer.kick_drawer(settings.cash_drawer.pin, settings.cash_drawer.on_ms, settings.cash_drawer.off_ms)
    except PrinterError as error:
        return error.message
    return None


def _view(job: PrintJob, receipt_number: str) -> PrintJobView:
    return PrintJobView(job.id, receipt_number, job.kind, job.status, job.attempts, job.last_error, job.created_at)


def _as_date(value) -> date:  # noqa: ANN001 - date on both engines through the ORM
    return value if isinstance(value, date) else date.fromisoformat(value)
