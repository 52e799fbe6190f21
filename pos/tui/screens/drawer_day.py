"""The cashier's drawer between payments: drops, paid-outs, loans and no-sales, and the way to the close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from pos.core.errors import PermissionDenied
from pos.core.money import format_cents
from pos.tui.dialogs.approval import Approval, ApprovalDialog
from pos.tui.dialogs.count_cash import CountCashDialog
from pos.tui.dialogs.paid_out import PaidOutDialog, PaidOutEntry
from pos.tui.dialogs.text_entry import TextEntryDialog
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from drawer.day import MovementMade
    from drawer.report_model import CloseoutReport
    from pos.core.operators import OperatorView
    from pos.core.settings import Settings

KIND_LABELS = {"drop": "Drop", "paid_out": "Paid-out", "loan": "Loan", "no_sale": "No-sale"}


class DrawerDayScreen(CounterScreen):
    """What moved in and out of the drawer today. Expected amounts stay hidden until the close count is saved."""

    BINDINGS = [  # most used first: the footer shows them in this order
        Binding("f2", "drop", "Drop", show=True),
        Binding("f8", "close_drawer", "Close drawer", show=True),
        Binding("f3", "paid_out", "Paid-out", show=True),
        Binding("f7", "no_sale", "No-sale", show=True),
        Binding("f6", "loan", "Loan", show=True),
        Binding("f5", "print_slip", "Print now", show=True),
        Binding("escape", "app.home", "Home", show=True),
    ]

    @dataclass
    class Loaded(Message):
        report: CloseoutReport | None

    @dataclass
    class Moved(Message):
        made: MovementMade
        printing: str  # what the print queue did with the slip (printed, or why it waits)
        kick_error: str | None

    @dataclass
    class SlipPrinted(Message):
        number: str
        printing: str  # what to tell the cashier ("" when the Moved message says it)
        waiting: bool  # the slip still waits: F5 tries the printer now
        unknown: bool  # sent but not confirmed: F5 prints it again marked REPRINT

    @dataclass
    class ApprovalNeeded(Message):
        why: str
        retry: Callable[[Approval], object]

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self.report: CloseoutReport | None = None
        self._busy = False
        self._slip: tuple[str, bool] | None = None  # the last slip still waiting: (number, outcome unknown)

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with Vertical(id="drawer-day-body"):
            yield Label("Your drawer today", classes="screen-title")
            yield Static("Loading…", id="drawer-day-summary", markup=False)
            yield DataTable(id="movements", cursor_type="row", zebra_stripes=True)
            yield Static("F2 drop to the safe · F3 paid-out · F6 change loan · F7 no-sale · F8 close the drawer",
                         id="drawer-day-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#movements", DataTable)
        for label, width in (("Slip", 12), ("Time", 6), ("What", 9), ("Amount", 12), ("Reason", 34),
                             ("Approved by", 12)):
            table.add_column(label, width=width, key=label)
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="drawer-day-load")
    def _load(self) -> None:
        from drawer.reports import closeout_report
        from drawer.sessions import current_drawer

        with self.app.connected_database().reader() as uow:
            drawer = current_drawer(uow, self.settings, self.operator.operator_id)
            report = closeout_report(uow, drawer.session_id, self.settings) if drawer else None
        self.post_message(self.Loaded(report))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.report = event.report
        summary = self.query_one("#drawer-day-summary", Static)
        table = self.query_one("#movements", DataTable)
        table.clear()
        report = event.report
        if report is None:
            summary.update("No drawer is open on this terminal for you. F3 on the home screen opens one.")
            return
        state = "being counted for close (F8 goes on with it)" if report.status == "counting" else "open"
        summary.update(f"Drawer {state} since {_clock(report.opened_at)}; opening float "
                       f"{self._money(report.opening_float_cents)}; {_count(report.payments_count, 'payment')}; "
                       f"{_count(len(report.voids), 'void')}; {_count(len(report.movements), 'slip')} "
                       "(drops, paid-outs, loans, no-sales).")
        for movement in report.movements:
            sign = {"drop": "-", "paid_out": "-", "loan": "+"}.get(movement.kind, "")
            amount = f"{sign}{self._money(movement.amount_cents)}" if movement.kind != "no_sale" else ""
            table.add_row(movement.number, _clock(movement.at), KIND_LABELS.get(movement.kind, movement.kind),
                          amount, movement.reason + (f" ({movement.note})" if movement.note else ""),
                          movement.approved_by or "", key=movement.number)

    # Actions -------------------------------------------------------------------------------------

    def _ready(self) -> bool:
        if self.report is None or self.report.status != "open":
            self._say("Only an open drawer takes drops, paid-outs, loans and no-sales.")
            return False
        return not self._busy

    def action_drop(self) -> None:
        if not self._ready():
            return

        def counted(result: tuple[dict[str, int], str | None] | None) -> None:
            if result is not None:
                self._run("drop", counts=result[0])

        self.app.push_screen(CountCashDialog(self.settings, title="Drop to the safe",
                                             help_text="Count what goes into the drop bag. Enter moves down; "
                                                       "F12 or Enter on the last line makes the drop."), counted)

    def action_loan(self) -> None:
        if not self._ready():
            return

        def counted(result: tuple[dict[str, int], str | None] | None) -> None:
            if result is not None:
                self._run("loan", counts=result[0], note=result[1])

        self.app.push_screen(CountCashDialog(self.settings, title="Change loan into the drawer", with_note=True,
                                             help_text="Count the change brought in. Enter moves down."), counted)

    def action_paid_out(self) -> None:
        if not self._ready():
            return

        def entered(result: PaidOutEntry | None) -> None:
            if result is not None:
                self._run("paid_out", paid_out=result)

        self.app.push_screen(PaidOutDialog(self.settings), entered)

    def action_no_sale(self) -> None:
        if not self._ready():
            return

        def given(reason: str | None) -> None:
            if reason:
                self._run("no_sale", reason=reason)

        self.app.push_screen(TextEntryDialog(title="Open the drawer without a sale", field="reason",
                                             required=True, max_length=200,
                                             lines=["Say why: it is recorded in the audit trail."]), given)

    def action_close_drawer(self) -> None:
        if self.report is None:
            self._say("No drawer is open on this terminal for you.")
            return
        if self._payment_in_progress():
            from drawer.sessions import DrawerError  # not at import: the app starts without SQLAlchemy

            error = DrawerError("A payment is half-entered on the payment screen: post it or clear it (F4, then "
                                "Ctrl+N) before closing the drawer")
            self._say(f"Not closed: {error.message}")
            self.refuse(error)
            return
        from pos.tui.screens.close_drawer import CloseDrawerScreen

        self.app.push_screen(CloseDrawerScreen(self.settings, self.operator))

    def _payment_in_progress(self) -> bool:
        """The payment screen (kept while signed in) holds lines or tenders not posted yet."""
        from pos.tui.screens.payment import PaymentScreen

        try:
            stack = self.app.get_screen_stack("payment")
        except KeyError:  # the payment screen was never opened
            return False
        return any(isinstance(screen, PaymentScreen) and screen.in_progress for screen in stack)

    def _run(self, kind: str, **values: object) -> None:
        self._busy = True
        self._say("Recording…")
        self._move(kind, values, None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="drawer-move")
    def _move(self, kind: str, values: dict, approver: Approval | None) -> None:
        try:
            moved = self._move_with(kind, values, approver)
        except PermissionDenied as denied:
            if approver is not None or "approval" not in denied.message:
                raise
            self.post_message(self.ApprovalNeeded(denied.message, lambda given: self._move_with(kind, values, given)))
            return
        self.post_message(moved)

    def _move_with(self, kind: str, values: dict, approver: Approval | None) -> Moved:
        """Record the movement, then kick the drawer and print its slip: in a worker thread (this
        screen's or the approval dialog's)."""
        from drawer import day
        from pos.core.operators import Credentials
        from pos.core.printing import kick_drawer, print_waiting
        from pos.tui.print_report import report

        operator = self.operator.operator_id
        credentials = Credentials(approver.operator_id, approver.pin) if approver else None
        if kind == "drop":
            command, service = day.MakeDrop(operator, values["counts"]), day.make_drop
        elif kind == "loan":
            command, service = day.MakeLoan(operator, values["counts"], values.get("note")), day.make_loan
        elif kind == "paid_out":
            entered: PaidOutEntry = values["paid_out"]  # type: ignore[assignment]
            command = day.MakePaidOut(operator, entered.amount_cents, entered.reason_code, entered.note, credentials)
            service = day.make_paid_out
        else:
            command, service = day.OpenNoSale(operator, values["reason"], credentials), day.open_no_sale
        database = self.app.connected_database()
        with database.unit_of_work() as uow:
            made = service(uow, command, self.settings)
        # After the commit: the drawer, then the slip from the print queue (it was queued with the movement,
        # so a printer in a fault holds it and it prints by itself later); neither failing undoes the movement.
        kick_error = kick_drawer(self.settings)
        results = print_waiting(database, self.settings)
        outcome = report(results, made.number, what="Slip", printer_configured=self.settings.printer.backend != "none")
        self.post_message(self.SlipPrinted(made.number, "", outcome.waiting, _unknown(results, made.number)))
        return self.Moved(made, outcome.text, kick_error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print_slip":
            return self._slip is not None
        return True

    def action_print_slip(self) -> None:
        """Try the printer now for a slip that waits; a slip that may not have printed comes out marked REPRINT."""
        if self._slip is not None:
            self._say("Trying the printer…")
            self._print_slip(*self._slip)

    @work(thread=True, exclusive=True, exit_on_error=False, group="slip-print")
    def _print_slip(self, number: str, unknown: bool) -> None:
        from pos.core.printing import print_waiting, reprint_unknown
        from pos.tui.print_report import report

        database = self.app.connected_database()
        results = (reprint_unknown(database, self.settings, number, self.operator.operator_id) if unknown
                   else print_waiting(database, self.settings))
        outcome = report(results, number, what="Slip", printer_configured=self.settings.printer.backend != "none")
        self.post_message(self.SlipPrinted(number, outcome.text, outcome.waiting, _unknown(results, number)))

    @on(SlipPrinted)
    def _slip_printed(self, event: SlipPrinted) -> None:
        self._slip = (event.number, event.unknown) if event.waiting else None
        if event.printing:
            self._say(event.printing)
        self.refresh_bindings()

    @on(ApprovalNeeded)
    def _ask_approval(self, event: ApprovalNeeded) -> None:
        self._say(f"{event.why}: the approver types their operator id and PIN.")

        def approved(moved: DrawerDayScreen.Moved | None) -> None:
            if moved is None:
                self._busy = False
                self._say("Not done: it needs approval.")
                return
            self.post_message(moved)

        self.app.push_screen(ApprovalDialog(event.why, event.retry, group="drawer-move"), approved)

    @on(Moved)
    def _moved(self, event: Moved) -> None:
        self._busy = False
        made = event.made
        what = KIND_LABELS[made.kind]
        text = f"{what} recorded on slip {made.number}"
        if made.kind != "no_sale":
            text += f": {self._money(made.amount_cents)}"
        if made.approved_by:
            text += f", approved by {made.approved_by}"
        text += "."
        if event.printing:
            text += f" {event.printing}"
        if event.kick_error:
            text += f" The drawer did not kick open: {event.kick_error}. Open it with its key."
        self._say(text)
        self.reload()

    @on(CounterScreen.WorkFailed)
    def _failed(self, event: CounterScreen.WorkFailed) -> None:
        self._busy = False
        self._say(f"Not done: {getattr(event.error, 'message', event.error)}")

    def _say(self, text: str) -> None:
        self.query_one("#drawer-day-message", Static).update(text)

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.settings.money.currency_symbol)


def _unknown(results: list, number: str) -> bool:
    """The slip itself was sent but not confirmed (another job's trouble is not this slip's)."""
    return any(result.unknown and result.job.receipt_number == number for result in results)


def _clock(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%H:%M")
    except ValueError:
        return stamp


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
