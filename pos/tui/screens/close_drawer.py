"""Closing the drawer: a blind count (cash by denomination, checks ticked off, card settlement), over/short,
one recount, a lead's sign-off when beyond tolerance, the float kept, and the Z report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from pos.core.errors import InputError, PermissionDenied
from pos.core.money import format_cents
from pos.tui import entry
from pos.tui.dialogs.approval import Approval, ApprovalDialog
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.count_sheet import CountSheet
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.form_field import FormField
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from drawer.day import CountSaved, DrawerClosed, ItemCheck
    from drawer.report_model import CloseoutReport
    from pos.core.operators import OperatorView
    from pos.core.settings import Settings

TENDER_LABELS = {"cash": "Cash", "check": "Checks", "money_order": "Money orders", "cashiers_check": "Cashier's checks",
                 "card": "Card", "ach": "ACH"}
NOTE_LENGTH = 200


class CloseDrawerScreen(CounterScreen):
    """Stages: count → counted (over/short shown; float kept; sign-off if needed) → closed (Z report)."""

    BINDINGS = [
        Binding("f12", "save", "Save count / close", show=True),
        Binding("f5", "recount", "Recount", show=True),
        Binding("space", "toggle_item", "Item in drawer", show=False),
        Binding("escape", "leave", "Back", show=True),
    ]

    @dataclass
    class Loaded(Message):
        report: CloseoutReport | None
        posted: list[ItemCheck]

    @dataclass
    class Counted(Message):
        saved: CountSaved

    @dataclass
    class Closed(Message):
        closed: DrawerClosed
        report: CloseoutReport

    @dataclass
    class SignOffNeeded(Message):
        why: str
        retained: int
        note: str | None

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self.stage = "loading"
        self.saved: CountSaved | None = None
        self.report: CloseoutReport | None = None
        self.posted: list[ItemCheck] = []
        self.in_drawer: set[int] = set()
        self.extras: list[tuple[str, int]] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with VerticalScroll(id="close-body"):
            yield Label("Close your drawer: count everything in it", classes="screen-title")
            yield Static("", id="close-expected", markup=False)
            with Horizontal(id="close-columns"):
                with Vertical(id="close-cash-column"):
                    yield Label("Cash (bills, coins, rolls)", classes="section-title")
                    yield CountSheet(self.settings, id="close-cash")
                    yield Static("", id="close-cash-total", markup=False)
                with Vertical(id="close-other-column"):
                    yield Label("Checks and money orders taken (Space: in the drawer)", classes="section-title")
                    yield DataTable(id="close-items", cursor_type="row")
                    yield Label("An item in the drawer that is not listed: number, then amount", classes="label")
                    with Horizontal(classes="close-extra"):
                        yield FormField(field_name="extra item number", kind="number", id="extra-number",
                                        max_length=20)
                        yield FormField(field_name="extra item amount", kind="amount", id="extra-amount",
                                        max_length=16)
                    for tender in ("card", "ach"):
                        if tender in self.settings.tenders.enabled:
                            what = "Card terminal settlement total" if tender == "card" else "ACH total"
                            yield Label(what, classes="label")
                            yield FormField("0.00", field_name=f"{tender} total", kind="amount",
                                            id=f"total-{tender}", max_length=16)
            yield Static("", id="close-results", markup=False)
            with Horizontal(id="close-finish"):
                with Vertical():
                    yield Label("Float kept in the drawer for tomorrow", classes="label")
                    yield FormField(field_name="float kept", kind="amount", id="close-float", max_length=16)
                with Vertical():
                    yield Label("Note for the sign-off (what happened)", classes="label")
                    yield FormField(field_name="note", kind="text", id="close-note", max_length=NOTE_LENGTH)
        yield Static("", id="close-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#close-items", DataTable)
        for label, width in (("In", 3), ("Tender", 14), ("Number", 12), ("Amount", 12), ("Receipt", 11)):
            table.add_column(label, width=width, key=label)
        self.query_one("#close-finish").display = False
        self._load()

    # Loading --------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="close-load")
    def _load(self) -> None:
        from drawer.day import posted_items
        from drawer.reports import closeout_report
        from drawer.sessions import current_drawer

        with self.app.connected_database().reader() as uow:
            drawer = current_drawer(uow, self.settings, self.operator.operator_id)
            report = closeout_report(uow, drawer.session_id, self.settings) if drawer else None
            posted = posted_items(uow, drawer.session_id) if drawer else []
        self.post_message(self.Loaded(report, posted))

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        from drawer.sessions import denominations

        self.report = event.report
        if event.report is None:
            self._say("No drawer is open on this terminal for you: nothing to close.")
            return
        self.posted = event.posted
        self.in_drawer = set()
        table = self.query_one("#close-items", DataTable)
        table.clear()
        for index, item in enumerate(self.posted):
            table.add_row("", TENDER_LABELS.get(item.tender, item.tender), item.reference,
                          self._money(item.amount_cents), item.receipt_number or "", key=str(index))
        sheet = self.query_one("#close-cash", CountSheet)
        await sheet.load(denominations(self.settings))
        expected = self.query_one("#close-expected", Static)
        if self.settings.drawer.blind_close:
            expected.update("Blind count: what the drawer should hold is shown once the count is saved (F12).")
        else:
            lines = [f"{TENDER_LABELS.get(t.tender, t.tender)} expected {self._money(t.expected_cents)}"
                     for t in event.report.tenders if t.expected_cents]
            expected.update("Expected: " + "; ".join(lines))
        if event.report.status == "counting":
            self.stage = "counted"
            self._say("Your count is saved. F5 counts again (once), or enter the float kept and F12 closes.")
            self.query_one("#close-finish").display = True
            self._show_saved_from_report(event.report)
            self.query_one("#close-float", FormField).enter()
        else:
            self.stage = "count"
            self._say("Type how many of each, Enter moves down; Space ticks each check in the drawer; "
                      "F12 saves the count.")
            sheet.fields()[0].enter()

    # Counting -------------------------------------------------------------------------------------

    @on(CountSheet.TotalChanged)
    def _cash_total(self, event: CountSheet.TotalChanged) -> None:
        total = event.total_cents
        self.query_one("#close-cash-total", Static).update(
            "Cash counted —" if total is None else f"Cash counted {self._money(total)}")

    async def advance_from(self, field: FormField) -> None:
        sheet = self.query_one("#close-cash", CountSheet)
        if sheet.owns(field):
            try:
                following = sheet.check(field)
            except InputError as error:
                self._refuse(error, field)
                return
            if following is not None:
                following.enter()
            elif self.posted:
                self.query_one("#close-items", DataTable).focus()
            else:
                self._next_total(None)
            return
        if field.id == "extra-number":
            self.query_one("#extra-amount", FormField).enter()
        elif field.id == "extra-amount":
            self._add_extra()
        elif field.id and field.id.startswith("total-"):
            try:
                entry.amount_or_zero(field.value, field.field_name, self.settings)
            except InputError as error:
                self._refuse(error, field)
                return
            self._next_total(field.id)
        elif field.id == "close-float":
            try:
                entry.amount_or_zero(field.value, "float kept", self.settings)
            except InputError as error:
                self._refuse(error, field)
                return
            note_field = self.query_one("#close-note", FormField)
            if self._beyond_tolerance() and not note_field.value.strip():
                note_field.enter()  # the note comes next, not a refusal for a field not reached yet
            else:
                self.action_save()
        elif field.id == "close-note":
            self.action_save()

    def _next_total(self, after: str | None) -> None:
        ids = [f"total-{t}" for t in ("card", "ach") if t in self.settings.tenders.enabled]
        following = ids if after is None else ids[ids.index(after) + 1:]
        if following:
            self.query_one(f"#{following[0]}", FormField).enter()
        else:
            self.action_save()

    @on(DataTable.RowSelected, "#close-items")
    def _items_done(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._next_total(None)

    def action_toggle_item(self) -> None:
        table = self.query_one("#close-items", DataTable)
        if self.focused is not table or not self.posted or self.stage != "count":
            return
        index = table.cursor_row
        if index in self.in_drawer:
            self.in_drawer.discard(index)
        else:
            self.in_drawer.add(index)
        table.update_cell(str(index), "In", "✓" if index in self.in_drawer else "")
        if index + 1 < len(self.posted):
            table.move_cursor(row=index + 1)

    def _add_extra(self) -> None:
        number_field = self.query_one("#extra-number", FormField)
        amount_field = self.query_one("#extra-amount", FormField)
        try:
            number = entry.number(number_field.value, "extra item number")
            amount = entry.amount_cents(amount_field.value, "extra item amount", self.settings)
        except InputError as error:
            self._refuse(error, number_field if error.field == "extra item number" else amount_field)
            return
        self.extras.append((number or "", amount))
        number_field.value = ""
        amount_field.value = ""
        self._say(f"Added check {number} for {self._money(amount)} as found in the drawer "
                  f"({len(self.extras)} not listed).")
        number_field.enter()

    def _count(self):  # noqa: ANN202 - drawer.day.CountDrawer
        from drawer.day import CountDrawer, CountItem

        cash = self.query_one("#close-cash", CountSheet).counts()
        items = [CountItem(self.posted[i].tender, self.posted[i].reference, self.posted[i].amount_cents)
                 for i in sorted(self.in_drawer)]
        items += [CountItem("check", number, amount) for number, amount in self.extras]
        totals = {}
        for tender in ("card", "ach"):
            if tender in self.settings.tenders.enabled:
                field = self.query_one(f"#total-{tender}", FormField)
                totals[tender] = entry.amount_or_zero(field.value, field.field_name, self.settings)
        return CountDrawer(self.operator.operator_id, cash, tuple(items), totals)

    # Saving and closing ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self._busy:
            return
        if self.stage == "count":
            try:
                command = self._count()
            except InputError as error:
                self._refuse(error, next((f for f in self.query(FormField).results(FormField)
                                          if f.field_name == error.field), None))
                return
            self._busy = True
            self._say("Saving the count…")
            self._save_count(command)
        elif self.stage == "counted":
            self._close(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="close-save")
    def _save_count(self, command) -> None:  # noqa: ANN001 - drawer.day.CountDrawer
        from drawer.day import save_count

        with self.app.connected_database().unit_of_work() as uow:
            saved = save_count(uow, command, self.settings)
        self.post_message(self.Counted(saved))

    @on(Counted)
    def _counted(self, event: Counted) -> None:
        self._busy = False
        self.saved = event.saved
        self.stage = "counted"
        saved = event.saved
        lines = ["Tender            Expected      Counted   Over/short"]
        for totals in saved.tenders:
            counted = saved.counted_by_tender.get(totals.tender, 0)
            if not (totals.expected_cents or counted):
                continue
            label = TENDER_LABELS.get(totals.tender, totals.tender)
            lines.append(f"{label:<14}{self._money(totals.expected_cents):>12}"
                         f"{self._money(counted):>13}{self._signed(counted - totals.expected_cents):>13}")
        lines.append(f"{'Total':<14}{self._money(saved.expected_cents):>12}{self._money(saved.counted_cents):>13}"
                     f"{self._signed(saved.over_short_cents):>13}")
        for item in saved.items:
            if item.status != "matched":
                lines.append(f"{item.status.upper()}: {TENDER_LABELS.get(item.tender, item.tender)} {item.reference} "
                             f"{self._money(item.amount_cents)}" + (f" (receipt {item.receipt_number})"
                                                                    if item.receipt_number else ""))
        self._show_results(lines, saved.over_short_cents, saved.within_tolerance)
        self.query_one("#close-finish").display = True
        float_field = self.query_one("#close-float", FormField)
        if not float_field.value:
            kept = min(self.settings.drawer.standard_float_cents, saved.counted_cash_cents)
            float_field.value = f"{kept // 100}.{kept % 100:02d}"
        if saved.next_step == "close":
            self._say("Balanced within tolerance. Check the float kept, then F12 (or Enter) closes the drawer.")
        elif saved.next_step == "recount_or_signoff":
            self._say(f"The drawer is {self._words(saved.over_short_cents)}, beyond the tolerance. F5 counts "
                      "again (once); or write a note and F12 closes with a lead's or supervisor's sign-off.")
        else:
            self._say(f"Still {self._words(saved.over_short_cents)} after the recount: write a note, then F12 "
                      "asks a lead or supervisor to sign off.")
        float_field.enter()

    def _show_saved_from_report(self, report: CloseoutReport) -> None:
        lines = [f"{TENDER_LABELS.get(t.tender, t.tender):<14}expected {self._money(t.expected_cents):>12}"
                 for t in report.tenders if t.expected_cents]
        over_short = report.over_short_cents or 0
        lines.append(f"Counted {self._money(report.counted_cents or 0)}, {self._words(over_short)}")
        self._show_results(lines, over_short, abs(over_short) <= self.settings.drawer.over_short_tolerance_cents)

    def _show_results(self, lines: list[str], over_short: int, within: bool) -> None:
        results = self.query_one("#close-results", Static)
        results.update("\n".join(lines))
        results.set_class(not within, "-beyond")

    def action_recount(self) -> None:
        if self.stage != "counted" or self._busy:
            return
        counts_made = self.saved.attempt if self.saved else (self.report.counts_made if self.report else 0)
        within = self.saved.within_tolerance if self.saved else False
        if within or counts_made >= 2:
            self._say("No recount: " + ("the count is within tolerance." if within else
                                        "the drawer was already recounted; a lead or supervisor signs off."))
            return
        self.stage = "count"
        self.query_one("#close-finish").display = False
        self._say("Recount: correct what you counted, then F12 saves the recount.")
        self.query_one("#close-cash", CountSheet).fields()[0].enter()

    def _beyond_tolerance(self) -> bool:
        """The saved count (or the report of one saved earlier) is over or short beyond the tolerance."""
        if self.saved is not None:
            return not self.saved.within_tolerance
        return self.report is not None and \
            abs(self.report.over_short_cents or 0) > self.settings.drawer.over_short_tolerance_cents

    def _close(self, approval: Approval | None) -> None:
        float_field = self.query_one("#close-float", FormField)
        note_field = self.query_one("#close-note", FormField)
        try:
            retained = entry.amount_or_zero(float_field.value, "float kept", self.settings)
            note = entry.free_text(note_field.value, "note", max_length=NOTE_LENGTH)
        except InputError as error:
            self._refuse(error, float_field if error.field == "float kept" else note_field)
            return
        if self._beyond_tolerance() and not note:
            self._refuse(InputError("note", "is required: say what happened, then a lead or supervisor signs off"),
                         note_field)
            return
        self._busy = True
        self._say("Closing the drawer…")
        self._close_worker(retained, note, approval)

    @work(thread=True, exclusive=True, exit_on_error=False, group="close-close")
    def _close_worker(self, retained: int, note: str | None, approval: Approval | None) -> None:
        try:
            closed = self._close_with(retained, note, approval)
        except PermissionDenied as denied:
            if approval is not None or "approval" not in denied.message:
                raise
            self.post_message(self.SignOffNeeded(denied.message, retained, note))
            return
        self.post_message(closed)

    def _close_with(self, retained: int, note: str | None, approval: Approval | None) -> Closed:
        """The close and its Z report, in a worker thread (this screen's or the sign-off dialog's)."""
        from drawer.day import CloseDrawer, close_drawer
        from drawer.reports import closeout_report
        from pos.core.operators import Credentials

        approver = Credentials(approval.operator_id, approval.pin) if approval else None
        database = self.app.connected_database()
        with database.unit_of_work() as uow:
            closed = close_drawer(uow, CloseDrawer(self.operator.operator_id, retained, approver, note), self.settings)
        with database.reader() as uow:
            report = closeout_report(uow, closed.session_id, self.settings)
        return self.Closed(closed, report)

    @on(SignOffNeeded)
    def _needs_sign_off(self, event: SignOffNeeded) -> None:
        self._busy = False
        why = event.why

        def signed_off(closed: CloseDrawerScreen.Closed | None) -> None:
            if closed is None:
                self._say("Not closed: the over/short needs a lead's or supervisor's sign-off.")
                return
            self.post_message(closed)

        self._say(f"{why}: the lead or supervisor types their operator id and PIN.")
        self.app.push_screen(ApprovalDialog(why, lambda approval: self._close_with(event.retained, event.note, approval),
                                            title="Sign-off needed", group="close-close"), signed_off)

    @on(Closed)
    def _closed(self, event: Closed) -> None:
        """The Z report opens over this screen and goes to the receipt printer; Esc from it goes home."""
        from pos.tui.screens.report_view import ReportViewScreen

        self._busy = False
        self.stage = "closed"
        self.report = event.report
        closed = event.closed
        self.query_one("#close-finish").display = False
        signed = f", signed off by {closed.signed_off_by}" if closed.signed_off_by else ""
        summary = (f"Drawer closed ({self._words(closed.over_short_cents)}{signed}). Float kept "
                   f"{self._money(closed.retained_float_cents)}; to the deposit "
                   f"{self._money(closed.deposit_cash_cents)}.")
        self._say(summary)
        self.app.notify(summary, title="Drawer")
        view = ReportViewScreen(self.settings, event.report)
        self.app.push_screen(view, lambda _: self.action_leave())
        view.call_after_refresh(view.action_print_document)

    def action_leave(self) -> None:
        self.dismiss()
        if self.stage == "closed":
            self.app.switch_mode("home")

    @on(CounterScreen.WorkFailed)
    def _failed(self, event: CounterScreen.WorkFailed) -> None:
        self._busy = False
        self._say(f"Not done: {getattr(event.error, 'message', event.error)}")

    def _refuse(self, error: InputError, field: FormField | None) -> None:
        if field is not None:
            field.refuse(error)
        self._say(f"Not done: {error.message}")
        self.refuse(error)

    def _say(self, text: str) -> None:
        self.query_one("#close-message", Static).update(text)

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.settings.money.currency_symbol)

    def _signed(self, cents: int) -> str:
        return ("+" if cents > 0 else "") + self._money(cents)

    def _words(self, cents: int) -> str:
        if cents == 0:
            return "balanced"
        return f"{'over' if cents > 0 else 'short'} by {self._money(abs(cents))}"
