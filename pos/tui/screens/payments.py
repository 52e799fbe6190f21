"""Today's payments on this drawer: search by receipt, account or amount; read, reprint or void one."""

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

from pos.core.errors import AuthError, InputError, PermissionDenied
from pos.core.money import format_cents
from pos.core.tenders import TENDER_LABELS
from pos.tui import entry
from pos.tui.dialogs.approval import Approval, ApprovalDialog
from pos.tui.dialogs.text_entry import TextEntryDialog
from pos.tui.print_report import report
from pos.tui.screens.base import CounterScreen
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
    """Kept while signed in; reloaded each time it is shown (payments were taken in between)."""

    BINDINGS = [
        Binding("f5", "reprint", "Reprint", show=True),
        Binding("f8", "void", "Void", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    @dataclass
    class Listed(Message):
        serial: int
        drawer_open: bool
        search: str
        summaries: list[PaymentSummary]

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
        self._void_tried: tuple[str, str, str] | None = None  # receipt, reason, key: never the approver's PIN
        self._done = ""  # what was just done, said again with the print report that follows it

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

    def on_screen_resume(self) -> None:
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
        from pos.core.payments import list_payments

        with self.app.connected_database().reader() as uow:
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
        """Receipt → list → search box → home."""
        table = self.query_one("#payments-table", PaymentsTable)
        box = self.query_one("#payments-search", SearchBox)
        if self.focused is self.query_one("#payments-receipt", ReceiptPreview):
            table.focus()
        elif self.focused is not box:
            box.focus()
        else:
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
            self._void_tried = (number, reason, key)
            self._void(number, reason, key, None)

        self.app.push_screen(TextEntryDialog(title=f"Void receipt {number}", field="void reason", required=True,
                                             max_length=VOID_REASON_LENGTH, lines=[self._describe(summary)],
                                             placeholder="why this payment is voided"), reasoned)

    @work(thread=True, exclusive=True, exit_on_error=False, group="void")
    def _void(self, receipt_number: str, reason: str, key: str, approval: Approval | None) -> None:
        from pos.core.operators import Credentials
        from pos.core.payments import VoidPayment, void_payment
        from pos.core.printing import print_waiting

        # The PIN goes into this one call and is not kept anywhere after it.
        approver = None if approval is None else Credentials(approval.operator_id, approval.pin)
        command = VoidPayment(key, self.operator.operator_id, receipt_number, reason, approver)
        database = self.app.connected_database()
        try:
            with database.unit_of_work() as uow:
                voided = void_payment(uow, command, self.settings)
        except PermissionDenied as denied:
            if approver is not None:
                raise
            self.post_message(self.ApprovalNeeded(receipt_number, reason, key, denied.message))
            return
        self.post_message(self.Voided(voided))
        self.post_message(self.Printed(voided.receipt_number, "Void slip", print_waiting(database, self.settings)))

    @on(ApprovalNeeded)
    def _ask_approval(self, event: ApprovalNeeded) -> None:
        self._say(f"{event.why}: the approver types their operator id and PIN.")

        def approved(approval: Approval | None) -> None:
            if approval is None:
                self._say(f"Not voided: receipt {event.receipt_number} needs approval.")
                return
            self._say(f"Voiding receipt {event.receipt_number} with {approval.operator_id}'s approval…")
            self._void_tried = (event.receipt_number, event.reason, event.key)
            self._void(event.receipt_number, event.reason, event.key, approval)

        self.app.push_screen(ApprovalDialog(event.why), approved)

    @on(Voided)
    def _voided(self, event: Voided) -> None:
        voided = event.voided
        self._void_keys.pop(voided.voided_receipt_number, None)
        approved = f", approved by {voided.approved_by}" if voided.approved_by else ""
        self._done = (f"Receipt {voided.voided_receipt_number} voided by void receipt {voided.receipt_number}"
                      f"{approved}.")
        self._say(self._done)
        self._reload()

    @on(CounterScreen.WorkFailed)
    def _work_failed(self, event: CounterScreen.WorkFailed) -> None:
        # The app shows the message; this line says what did not happen.
        error = event.error
        message = getattr(error, "message", None) or str(error)
        if event.worker.group == "void":
            self._say(f"Not voided: {message}")
            if isinstance(error, (AuthError, PermissionDenied)) and self._void_tried is not None:
                receipt_number, reason, key = self._void_tried
                self.post_message(self.ApprovalNeeded(receipt_number, reason, key, f"{message}. Try again, or Esc"))
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
