"""A supervisor closes a drawer its cashier left open: their own count, the float kept, a note, their PIN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from pos.core.errors import InputError
from pos.core.money import format_cents
from pos.core.tenders import TENDER_LABELS, refuse_card_number
from pos.tui import entry
from pos.tui.dialogs.approval import ApprovalDialog
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.count_sheet import CountSheet
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.form_field import FormField
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from drawer.day import CountDrawer, CountItem, ItemCheck
    from drawer.report_model import CloseoutReport
    from drawer.reports import DrawerSummary
    from drawer.sessions import Denomination
    from pos.core.operators import OperatorView
    from pos.core.settings import Settings
    from pos.tui.dialogs.approval import Approval

NOTE_LENGTH = 200  # drawer.day.NOTE_LENGTH
PAPER_TENDERS = ("check", "money_order", "cashiers_check")
# What a supervisor types in the item's tender field: the word, or its short form.
TENDER_WORDS = {"check": "check", "c": "check", "chk": "check",
                "money order": "money_order", "mo": "money_order", "m": "money_order",
                "cashier's check": "cashiers_check", "cashiers check": "cashiers_check", "cc": "cashiers_check",
                "k": "cashiers_check"}
TENDER_SHORT = {"check": "check", "money_order": "mo", "cashiers_check": "cc"}


class ForceCloseScreen(CounterScreen):
    """Pushed from the supervisor's list; dismissed with the closeout report once closed, or None (Esc).

    Enter moves down: the cash sheet, the card and ACH totals, the items (an empty number ends them),
    the float kept, the note; Enter in the note (or F12) asks for the supervisor's PIN and closes.
    """

    BINDINGS = [
        Binding("f8", "remove_item", "Remove last item", show=True),
        Binding("f12", "force_close", "Force close", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    @dataclass
    class Loaded(Message):
        denominations: list[Denomination]
        posted: list[ItemCheck]

    @dataclass
    class ForceClosed(Message):
        report: CloseoutReport

    def __init__(self, settings: Settings, operator: OperatorView, drawer: DrawerSummary) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self.drawer = drawer
        self.items: list[CountItem] = []
        self._force_closing = False

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        drawer = self.drawer
        paper = [TENDER_SHORT[t] for t in PAPER_TENDERS if t in self.settings.tenders.enabled]
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        yield Label(f"Force close {drawer.operator_name}'s drawer on {drawer.terminal_id} "
                    f"({drawer.status}, business date {drawer.business_date})", classes="screen-title",
                    id="force-title", markup=False)
        with Horizontal(id="force-body"):
            with Vertical(id="force-cash"):
                yield Label("Cash in the drawer", classes="section-title")
                yield CountSheet(self.settings, id="force-sheet")
                yield Static("", id="force-cash-total", markup=False)
            with VerticalScroll(id="force-rest"):
                yield Label("Card settlement total (the card terminal's report)", classes="section-title")
                yield FormField("0.00", field_name="card total", kind="amount", id="force-card", max_length=16)
                yield Label("ACH total", classes="section-title")
                yield FormField("0.00", field_name="ACH total", kind="amount", id="force-ach", max_length=16)
                yield Label(f"Checks and money orders: tender ({', '.join(paper)}), number, amount",
                            classes="section-title")
                with Horizontal(id="force-item-entry"):
                    yield FormField("check", field_name="item tender", kind="text", id="force-item-tender",
                                    max_length=16)
                    yield FormField("", field_name="item number", kind="number", id="force-item-number",
                                    max_length=24, placeholder="number")
                    yield FormField("", field_name="item amount", kind="amount", id="force-item-amount",
                                    max_length=16, placeholder="amount")
                yield Static("Counted: none", id="force-items", markup=False)
                yield Static("Posted on this drawer: loading…", id="force-posted", markup=False)
                yield Label("Float kept in the drawer for tomorrow", classes="section-title")
                yield FormField(self._plain(self.settings.drawer.standard_float_cents), field_name="float kept",
                                kind="amount", id="force-float", max_length=16)
                yield Label("Note (required): why the drawer is force-closed", classes="section-title")
                yield FormField("", field_name="note", kind="text", id="force-note", max_length=NOTE_LENGTH,
                                placeholder="e.g. cashier went home ill")
        yield Static("Count the cash, Enter moves down. Each check: Enter on its amount adds it, an empty number "
                     "goes on. F12 asks your PIN and closes the drawer.",
                     id="force-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        from drawer.day import posted_items
        from drawer.sessions import denominations

        with self.app.connected_database().reader() as uow:
            posted = posted_items(uow, self.drawer.session_id)
        self.post_message(self.Loaded(denominations(self.settings), posted))

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        await self.sheet.load(event.denominations)
        if event.posted:
            lines = [self._item_line(p.tender, p.reference, p.amount_cents) + f"  receipt {p.receipt_number}"
                     for p in event.posted]
            self.query_one("#force-posted", Static).update("Posted on this drawer:\n" + "\n".join(lines))
        else:
            self.query_one("#force-posted", Static).update("Posted on this drawer: no checks or money orders")
        first = self.sheet.first()
        if first is not None:
            first.enter()

    @property
    def sheet(self) -> CountSheet:
        return self.query_one("#force-sheet", CountSheet)

    def field(self, name: str) -> FormField:
        return self.query_one(f"#force-{name}", FormField)

    @on(CountSheet.TotalChanged)
    def _total_changed(self, event: CountSheet.TotalChanged) -> None:
        total = event.total_cents
        self.query_one("#force-cash-total", Static).update(
            "Cash counted —" if total is None else f"Cash counted {self._money(total)}")

    # Enter, field by field -------------------------------------------------------------------------

    async def advance_from(self, field: FormField) -> None:
        try:
            if self.sheet.owns(field):
                following = self.sheet.check(field)
                (following or self.field("card")).enter()
            elif field.id == "force-card":
                self._total(field)
                self.field("ach").enter()
            elif field.id == "force-ach":
                self._total(field)
                self.field("item-tender").enter()
            elif field.id == "force-item-tender":
                self._tender(field)
                self.field("item-number").enter()
            elif field.id == "force-item-number":
                if not field.value.strip():
                    self.field("float").enter()
                else:
                    entry.number(field.value, "item number")
                    self.field("item-amount").enter()
            elif field.id == "force-item-amount":
                self._add_item()
            elif field.id == "force-float":
                self._total(field)
                self.field("note").enter()
            elif field.id == "force-note":
                self.action_force_close()
        except InputError as error:
            self._refuse(error, field)

    def _total(self, field: FormField) -> int:
        return entry.amount_or_zero(field.value, field.field_name, self.settings)

    def _tender(self, field: FormField) -> str:
        refuse_card_number(field.field_name, field.value)
        word = " ".join(field.value.strip().lower().replace("’", "'").split())
        tender = TENDER_WORDS.get(word) or TENDER_WORDS.get(word.replace("'", ""))
        enabled = [t for t in PAPER_TENDERS if t in self.settings.tenders.enabled]
        if tender is None or tender not in enabled:
            raise InputError(field.field_name, f"type one of {', '.join(TENDER_SHORT[t] for t in enabled)}")
        return tender

    def _add_item(self) -> None:
        from drawer.day import CountItem

        tender = self._tender(self.field("item-tender"))
        number_field, amount_field = self.field("item-number"), self.field("item-amount")
        try:
            reference = entry.number(number_field.value, "item number")
        except InputError as error:
            self._refuse(error, number_field)
            return
        amount = entry.amount_cents(amount_field.value, "item amount", self.settings)
        if any(item.tender == tender and item.reference == reference for item in self.items):
            self._refuse(InputError("item number", f"{TENDER_LABELS[tender]} {reference} is listed already"),
                         number_field)
            return
        self.items.append(CountItem(tender, reference or "", amount))
        number_field.value = ""
        amount_field.value = ""
        self._show_items()
        self._say(f"Added {self._item_line(tender, reference or '', amount)}. Next item, or Enter on an empty "
                  "number goes on.")
        number_field.enter()

    def action_remove_item(self) -> None:
        if self.items:
            removed = self.items.pop()
            self._show_items()
            self._say(f"Removed {self._item_line(removed.tender, removed.reference, removed.amount_cents)}.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_item":
            return bool(self.items)
        return True

    def _show_items(self) -> None:
        if self.items:
            total = sum(item.amount_cents for item in self.items)
            lines = [self._item_line(i.tender, i.reference, i.amount_cents) for i in self.items]
            noun = "item" if len(self.items) == 1 else "items"
            text = "\n".join([f"Counted: {len(self.items)} {noun}, {self._money(total)}", *lines])
        else:
            text = "Counted: none"
        self.query_one("#force-items", Static).update(text)
        self.refresh_bindings()

    # Closing ----------------------------------------------------------------------------------------

    def action_force_close(self) -> None:
        from drawer.day import CountDrawer

        if self._force_closing or not self.sheet.denominations:
            return
        field: FormField | None = None
        try:
            try:
                counts = self.sheet.counts()
            except InputError as error:
                field = next((f for f in self.sheet.fields() if f.field_name == error.field), None)
                raise
            field = self.field("card")
            card = self._total(field)
            field = self.field("ach")
            ach = self._total(field)
            for name in ("item-number", "item-amount"):
                field = self.field(name)
                if field.value.strip():
                    raise InputError("item", "is half entered: Enter on its amount adds it, or clear the number")
            field = self.field("float")
            kept = self._total(field)
            field = self.field("note")
            note = entry.free_text(field.value, "note", max_length=NOTE_LENGTH, required=True)
        except InputError as error:
            self._refuse(error, field)
            return
        enabled = self.settings.tenders.enabled
        totals = {name: cents for name, cents in (("card", card), ("ach", ach)) if name in enabled}
        count = CountDrawer(self.operator.operator_id, counts, tuple(self.items), totals)
        drawer = self.drawer
        why = (f"Force close {drawer.operator_name}'s drawer on {drawer.terminal_id}: cash "
               f"{self._money(self.sheet.total() or 0)}, float kept {self._money(kept)}.")

        def approved(closed: ForceCloseScreen.ForceClosed | None) -> None:
            if closed is None:
                self._say("Not closed: the close needs your PIN. F12 asks again.")
                return
            self.post_message(closed)

        self.app.push_screen(ApprovalDialog(why, lambda approval: self._force(approval, count, kept, note or ""),
                                            title="Force close: supervisor's PIN", who="Supervisor",
                                            operator_id=self.operator.operator_id, group="force-close"), approved)

    def _force(self, approval: Approval, count: CountDrawer, kept: int, note: str) -> ForceClosed:
        """In the approval dialog's worker thread."""
        from dataclasses import replace

        from drawer.day import ForceClose, force_close
        from drawer.reports import closeout_report
        from pos.core.operators import Credentials

        database = self.app.connected_database()
        # The PIN goes into this one call and is not kept anywhere after it.
        command = ForceClose(Credentials(approval.operator_id, approval.pin), self.drawer.session_id,
                             replace(count, operator_id=approval.operator_id), kept, note)
        with database.unit_of_work() as uow:
            force_close(uow, command, self.settings)
        with database.reader() as uow:
            report = closeout_report(uow, self.drawer.session_id, self.settings)
        return self.ForceClosed(report)

    @on(ForceClosed)
    def _force_closed(self, event: ForceClosed) -> None:
        self._force_closing = False
        self.dismiss(event.report)

    @on(CounterScreen.WorkFailed)
    def _not_closed(self, event: CounterScreen.WorkFailed) -> None:
        self._force_closing = False
        error = event.error
        self._say(f"Not closed: {getattr(error, 'message', error)}")
        names = {"float kept": "float", "note": "note", "card total": "card", "ach total": "ach"}
        name = names.get(getattr(error, "field", None) or "")
        if name:
            self.field(name).mark_refused()
            self.field(name).enter()

    def action_back(self) -> None:
        self.dismiss(None)

    def _refuse(self, error: InputError, field: FormField | None) -> None:
        if field is not None:
            field.refuse(error)
        self._say(f"Not closed: {error.message}")
        self.refuse(error)

    def _say(self, text: str) -> None:
        self.query_one("#force-message", Static).update(text)

    def _item_line(self, tender: str, reference: str, cents: int) -> str:
        return f"{TENDER_LABELS.get(tender, tender)} {reference} {self._money(cents)}"

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.settings.money.currency_symbol)

    @staticmethod
    def _plain(cents: int) -> str:
        return f"{cents // 100}.{cents % 100:02d}"
