"""Today's payments on this drawer (a lead's or supervisor's: every terminal's, any day): search by receipt,
account or amount; read, reprint or void one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from pos.core.errors import InputError, PermissionDenied
from pos.core.money import format_cents
from pos.core.tenders import TENDER_LABELS
from pos.tui import entry
from pos.tui.dialogs.approval import Approval, ApprovalDialog
from pos.tui.dialogs.text_entry import TextEntryDialog
from pos.tui.print_report import report
from pos.tui.screens.base import CounterScreen, said
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.payments_table import PaymentsTable
from pos.tui.widgets.receipt_preview import ReceiptPreview
from pos.tui.widgets.search_box import SearchBox
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from pos.core.operators import OperatorView
    from pos.core.payments import PaymentSummary, PaymentVoided
    from pos.core.printing import JobPrinted
    from pos.core.settings import Settings

VOID_REASON_LENGTH = 200


class PaymentsScreen(CounterScreen):
    """Kept while signed in; reloaded each time it is shown (payments were taken in between), and
    opened afresh (no search) each time F5 opens it.
    """

    SIDE_BY_SIDE = 134  # columns from which the list and the receipt fit side by side; below, one above the other

    BINDINGS = [  # most used first: the footer shows them in this order
        Binding("f5", "reprint", "Reprint", show=True),
        Binding("escape", "back", "Back", show=True),
        Binding("f8", "void", "Void", show=True),
    ]

    @dataclass
    class Listed(Message):
        serial: int
        drawer_open: bool
        search: str
        summaries: list[PaymentSummary]
        every_terminal: bool = False

    @dataclass
    class ReceiptRead(Message):
        serial: int
        receipt_number: str
        text: str

    @dataclass
    class ApprovalNeeded(Message):
        """The void needs a lead's or supervisor's approval (``why`` is the service's reason)."""

        receipt_number: str
        reason: str
        key: str
        why: str

    @dataclass
    class Voided(Message):
        voided: PaymentVoided
        drawer_error: str | None = None  # the pulse for the cash handed back did not reach the drawer

    @dataclass
    class Printed(Message):
        receipt_number: str
        what: str
        results: list[JobPrinted]

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self._serial = 0
        self._preview_serial = 0
        self._search = ""
        self._void_keys: dict[str, str] = {}  # receipt → the key of the void being tried, until it is voided
        self._done = ""  # what was just done, said again with the print report that follows it
        # A lead or supervisor finds any terminal's receipt of any day, to read or reprint it
        # (the stored rights read at sign-in; the services check again).
        self.every_terminal = "read_reports" in operator.may

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with Vertical(id="payments-body"):
            yield SearchBox(id="payments-search")
            yield Static("Loading today's payments…", id="payments-status", markup=False)
            with Horizontal(id="payments-views"):
                yield PaymentsTable(id="payments-table")
                yield ReceiptPreview(id="payments-receipt")
            yield Static("", id="payments-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#payments-table", PaymentsTable).focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= self.SIDE_BY_SIDE, "-side-by-side")

    def on_screen_resume(self) -> None:
        self._reload()

    def start_afresh(self) -> None:
        """Opened again with F5: the last search is forgotten, the whole list shows, the list has the focus."""
        self._search = ""
        self.query_one("#payments-search", SearchBox).value = ""
        self.query_one("#payments-table", PaymentsTable).focus()
        self._reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reprint", "void"):
            return self.query_one("#payments-table", PaymentsTable).selected is not None
        return True

    # Listing -------------------------------------------------------------------------------------

    def _reload(self) -> None:
        self._serial += 1
        self._list(self._serial, self._search)

    @on(Input.Submitted, "#payments-search")
    def _searched(self, event: Input.Submitted) -> None:
        event.stop()
        self._search = event.value.strip()
        event.input.select_all()  # the next scan replaces it
        self._reload()

    def on_key(self, event: events.Key) -> None:
        """A receipt scanned (or typed) while the list has the focus goes to the search box."""
        if not event.is_printable or event.character is None:
            return
        # The box never lets a printable key through: every one that arrives here was meant for it.
        event.stop()
        box = self.query_one("#payments-search", SearchBox)
        if self.focused is not box:
            box.value = ""
            self.set_focus(box)
        box.insert_text_at_cursor(event.character)

    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def _list(self, serial: int, search: str) -> None:
        from drawer.sessions import current_drawer
        from pos.core.clock import business_date
        from pos.core.payments import find_payments, list_payments

        with self.app.connected_database().reader() as uow:
            if self.every_terminal:
                criteria = (entry.payment_search(search, self.settings) if search else
                            {"business_date": business_date(cutoff=self.settings.terminal.business_day_cutoff)})
                summaries = find_payments(uow, **criteria)
                self.post_message(self.Listed(serial, True, search, summaries, every_terminal=True))
                return
            drawer = current_drawer(uow, self.settings, self.operator.operator_id)
            summaries = [] if drawer is None else list_payments(uow, drawer_session_id=drawer.session_id,
                                                                search=search or None, settings=self.settings)
        self.post_message(self.Listed(serial, drawer is not None, search, summaries))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        if event.serial != self._serial:
            return
        table = self.query_one("#payments-table", PaymentsTable)
        chosen = table.selected
        table.show(event.summaries, currency_symbol=self.settings.money.currency_symbol)
        if chosen is not None and not event.search:
            table.select_receipt(chosen.receipt_number)  # a reload keeps the row the cashier was on
        count = len(event.summaries)
        noun = "payment" if count == 1 else "payments"
        if not event.drawer_open:
            status = "Your drawer is not open on this terminal: no payments to list."
        elif event.search:
            status = f"{count} {noun} found for “{event.search}”. Empty search and Enter lists them all."
        elif event.every_terminal:
            status = (f"{count} {noun} today on every terminal, newest first. Search by receipt, account, amount "
                      "(12.34), date (YYYY-MM-DD) or terminal.")
        else:
            status = f"{count} {noun} on this drawer today, newest first. ↑↓ choose; typing searches."
        self.query_one("#payments-status", Static).update(status)
        if not event.summaries:
            self.query_one("#payments-receipt", ReceiptPreview).clear()
        elif event.search:
            table.focus()  # found: the keys of the payment act on it at once
        self.refresh_bindings()

    @on(PaymentsTable.ReceiptHighlighted)
    def _highlighted(self, event: PaymentsTable.ReceiptHighlighted) -> None:
        self._preview_serial += 1
        self._read_receipt(self._preview_serial, event.receipt_number)
        self.refresh_bindings()

    @on(PaymentsTable.ReceiptChosen)
    def _chosen(self, event: PaymentsTable.ReceiptChosen) -> None:
        self.query_one("#payments-receipt", ReceiptPreview).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="receipt")
    def _read_receipt(self, serial: int, receipt_number: str) -> None:
        from pos.core.printing import receipt_text

        with self.app.connected_database().reader() as uow:
            text = receipt_text(uow, receipt_number, self.settings)
        self.post_message(self.ReceiptRead(serial, receipt_number, text))

    @on(ReceiptRead)
    def _receipt_read(self, event: ReceiptRead) -> None:
        if event.serial == self._preview_serial:
            self.query_one("#payments-receipt", ReceiptPreview).show(event.text)

    def action_back(self) -> None:
        """One Esc leaves the list, from wherever the focus is."""
        self.app.switch_mode("home")

    # Reprint -------------------------------------------------------------------------------------

    def action_reprint(self) -> None:
        summary = self.query_one("#payments-table", PaymentsTable).selected
        if summary is None:
            return
        self._say(f"Reprinting receipt {summary.receipt_number}…")
        self._reprint(summary.receipt_number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _reprint(self, receipt_number: str) -> None:
        from pos.core.payments import Reprint, reprint
        from pos.core.printing import print_waiting

        database = self.app.connected_database()
        with database.unit_of_work() as uow:
            reprint(uow, Reprint(receipt_number, self.operator.operator_id), self.settings)
        self.post_message(self.Printed(receipt_number, "Reprint of", print_waiting(database, self.settings)))

    @on(Printed)
    def _printed(self, event: Printed) -> None:
        outcome = report(event.results, event.receipt_number, what=event.what,
                         printer_configured=self.settings.printer.backend != "none")
        words = [self._done, outcome.text]
        self._done = ""
        self._say(" ".join(word for word in words if word))

    # Void ----------------------------------------------------------------------------------------

    def action_void(self) -> None:
        summary = self.query_one("#payments-table", PaymentsTable).selected
        if summary is None:
            return
        number = summary.receipt_number

        def reasoned(reason: str | None) -> None:
            if not reason:
                self._say("Not voided.")
                return
            key = self._void_keys.setdefault(number, str(uuid.uuid4()))
            self._say(f"Voiding receipt {number}…")
            self._void(number, reason, key)

        self.app.push_screen(TextEntryDialog(title=f"Void receipt {number}", field="void reason", required=True,
                                             max_length=VOID_REASON_LENGTH, lines=[self._describe(summary)],
                                             placeholder="why this payment is voided"), reasoned)

    @work(thread=True, exclusive=True, exit_on_error=False, group="void")
    def _void(self, receipt_number: str, reason: str, key: str) -> None:
        try:
            voided = self._void_with(receipt_number, reason, key, None)
        except PermissionDenied as denied:
            self.post_message(self.ApprovalNeeded(receipt_number, reason, key, denied.message))
            return
        self._after_void(voided)

    def _void_with(self, receipt_number: str, reason: str, key: str, approval: Approval | None) -> PaymentVoided:
        """The void, in a worker thread (this screen's or the approval dialog's)."""
        from pos.core.operators import Credentials
        from pos.core.payments import VoidPayment, void_payment

        # The PIN goes into this one call and is not kept anywhere after it.
        approver = None if approval is None else Credentials(approval.operator_id, approval.pin)
        command = VoidPayment(key, self.operator.operator_id, receipt_number, reason, approver)
        with self.app.connected_database().unit_of_work() as uow:
            return void_payment(uow, command, self.settings)

    @work(thread=True, exclusive=True, exit_on_error=False, group="void-slip")
    def _after_void(self, voided: PaymentVoided) -> None:
        from pos.core.printing import open_drawer_for_payment, print_waiting

        drawer = open_drawer_for_payment(self.settings, voided.receipt_number, voided.has_cash)  # at once
        self.post_message(self.Voided(voided, drawer.error if drawer.failed else None))
        self.post_message(self.Printed(voided.receipt_number, "Void slip",
                                       print_waiting(self.app.connected_database(), self.settings)))

    @on(ApprovalNeeded)
    def _ask_approval(self, event: ApprovalNeeded) -> None:
        self._say(f"{event.why}: the approver types their operator id and PIN.")

        def approved(voided: PaymentVoided | None) -> None:
            if voided is None:
                self._say(f"Not voided: receipt {event.receipt_number} needs approval.")
                return
            self._after_void(voided)

        self.app.push_screen(ApprovalDialog(event.why, lambda approval: self._void_with(
            event.receipt_number, event.reason, event.key, approval), group="void"), approved)

    @on(Voided)
    def _voided(self, event: Voided) -> None:
        voided = event.voided
        self._void_keys.pop(voided.voided_receipt_number, None)
        approved = f", approved by {voided.approved_by}" if voided.approved_by else ""
        self._done = (f"Receipt {voided.voided_receipt_number} voided by void receipt {voided.receipt_number}"
                      f"{approved}.")
        if event.drawer_error:
            self._done += f" The drawer did not open: {event.drawer_error}. Open it with its key to hand the cash back."
            self.app.notify(f"The drawer did not open for void {voided.receipt_number}: {event.drawer_error}.",
                            title="Drawer", severity="error", markup=False)
        self._say(self._done)
        self._reload()

    @on(CounterScreen.WorkFailed)
    def _work_failed(self, event: CounterScreen.WorkFailed) -> None:
        # The app shows the message; this line says what did not happen.
        error = event.error
        message = said(error)
        if event.worker.group == "void":
            self._say(f"Not voided: {message}")
        elif event.worker.group == "print":
            self._say(f"Not reprinted: {message}")
        elif event.worker.group == "list":
            box = self.query_one("#payments-search", SearchBox)
            if isinstance(error, InputError) and entry.is_card_number_refusal(error):
                box.clear()  # not left on the screen either
            self._search = ""
            box.focus()

    def _describe(self, summary: PaymentSummary) -> str:
        money = format_cents(summary.total_cents, symbol=self.settings.money.currency_symbol)
        tenders = ", ".join(TENDER_LABELS.get(t, t) for t in summary.tender_types)
        accounts = ", ".join(summary.accounts) or "fee codes"
        return f"{money} · {accounts} · {tenders} · by {summary.operator_id}"

    def _say(self, text: str) -> None:
        self.query_one("#payments-message", Static).update(text)
