"""The payment screen: lines to accounts and fee codes, tenders, change in large digits, posted once, printed after.

The screen is kept while the operator is signed in, so a payment interrupted by a lookup or a
phone call is where it was left. What is on it is only a draft: nothing is posted until the
cashier posts it, and every try of one payment carries the same idempotency key, so a repeated
Enter or a retry after an error never posts it twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pos.core.errors import DatabaseUnavailable, InputError, PosError
from pos.core.money import format_cents
from pos.core.tenders import TENDER_LABELS, TenderEntry, TenderError, apply_tenders, refuse_card_number
from pos.tui import entry
from pos.tui.dialogs.choose_tender import ChooseTenderDialog
from pos.tui.dialogs.confirm import ConfirmDialog
from pos.tui.dialogs.text_entry import TextEntryDialog
from pos.tui.print_report import report
from pos.tui.screens.base import CounterScreen, said
from pos.tui.widgets.add_line_box import AddLineBox
from pos.tui.widgets.change_display import ChangeDisplay
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.form_field import FormField
from pos.tui.widgets.line_row import LineRow
from pos.tui.widgets.posted_payment import PostedPayment
from pos.tui.widgets.status_bar import StatusBar
from pos.tui.widgets.tender_row import TenderRow

if TYPE_CHECKING:
    from pos.core.account_views import AccountView, FeeCodeView
    from pos.core.operators import OperatorView
    from pos.core.payments import PaymentPosted, PaymentReview, PaymentWarning
    from pos.core.printing import DrawerKick, JobPrinted
    from pos.core.scanline import StubScanned
    from pos.core.settings import Settings

ENTRY_ACTIONS = {"add_line", "add_tender", "choose_tender", "note", "post", "remove", "new_payment"}
POSTED_ACTIONS = {"next_customer", "print_again", "drawer_for_payment"}
FEE_MATCHES_SHOWN = 6


@dataclass(frozen=True)
class Draft:
    """A payment as typed, checked field by field: what the posting worker turns into ``PostPayment``."""

    lines: tuple[tuple[int | None, str | None, str | None], ...]  # (amount, account number, fee code)
    tenders: tuple[TenderEntry, ...]
    note: str | None = None
    acknowledged: frozenset[str] = field(default_factory=frozenset)


class PaymentScreen(CounterScreen):
    """Enter goes from field to field and posts from the last one; F12 posts from anywhere."""

    BINDINGS = [  # most used first: the footer shows them in this order
        Binding("enter", "next_customer", "Next customer", show=True),
        Binding("f12", "post", "Post", show=True),
        Binding("f6", "add_tender('check')", "Check", show=True),
        Binding("f7", "add_tender('card')", "Card", show=True),
        Binding("f2", "app.lookup", "Lookup", show=True),
        Binding("f3", "add_line", "Line", show=True),
        Binding("f8", "choose_tender", "Tender", show=True),
        Binding("escape", "home", "Home", show=True),
        Binding("f9", "note", "Note", show=True),
        Binding("ctrl+d", "drawer_for_payment", "Open drawer", show=True),
        Binding("f5", "print_again", "Print now", show=True),
        Binding("ctrl+r", "remove", "Remove", show=True),
        Binding("ctrl+n", "new_payment", "New", show=True),
    ]

    @dataclass
    class FeeCodesLoaded(Message):
        fee_codes: list[FeeCodeView]

    @dataclass
    class DrawerChecked(Message):
        open: bool

    @dataclass
    class AccountFetched(Message):
        """An account number typed or a stub scanned on this screen was found."""

        account: AccountView
        stub: StubScanned | None

    @dataclass
    class Reviewed(Message):
        """The service's look at the draft: ``review`` when it would post, else ``error``; and turn-offs pulled."""

        serial: int
        review: PaymentReview | None
        error: PosError | None
        turnoff_accounts: tuple[str, ...]

    @dataclass
    class NeedsConfirmation(Message):
        warnings: list[PaymentWarning]

    @dataclass
    class Posted(Message):
        posted: PaymentPosted
        receipt_text: str
        drawer: DrawerKick

    @dataclass
    class DrawerOpenedForPayment(Message):
        """The cashier opened the drawer for the payment (a no-sale naming its receipt); ``error``: no pulse."""

        receipt_number: str
        slip_number: str
        error: str | None

    @dataclass
    class Printed(Message):
        receipt_number: str
        results: list[JobPrinted]

    @dataclass
    class ChecksToEndorse(Message):
        """Checks of the payment just posted, each to be endorsed on the slip station (number may be None)."""

        receipt_number: str
        checks: list[tuple[str, str | None]]

    @dataclass
    class Endorsed(Message):
        check: str
        error: str | None

    @dataclass
    class NextCustomer(Message):
        """The payment is done: the app opens an empty lookup for the next customer."""

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self.symbol = settings.money.currency_symbol
        self._state = "entry"  # entry | posting | posted
        self._attempt_key: str | None = None  # one per payment: made when it starts, dropped once posted
        self._note: str | None = None
        self._acknowledged: frozenset[str] = frozenset()
        self._fee_codes: list[FeeCodeView] = []
        self._serial = 0  # only the answer to the newest review is shown
        self._review_scheduled = False
        self._reviewed_input: tuple[Draft | None, tuple] | None = None
        self._texts: dict[str, str] = {}
        self._turnoff_now: tuple[str, ...] = ()
        self._posted: PaymentPosted | None = None
        self._print_waiting = False
        self._print_unknown = False  # sent but not confirmed: F5 asks for a REPRINT
        self._drawer: DrawerKick | None = None  # what the drawer did for the payment just posted
        self._shown_on_display: tuple[str, str] | None = None

    # Layout ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with ContentSwitcher(initial="payment-entry", id="payment-views"):
            with Vertical(id="payment-entry"):
                yield Static("", id="drawer-warning", markup=False)
                yield Static("", id="turnoff-banner", markup=False)
                yield AddLineBox(id="add-line")
                yield OptionList(id="fee-matches")
                yield Label("Lines", classes="section-title")
                yield _rows("lines")
                yield Label("Tenders", classes="section-title")
                yield _rows("tenders")
                yield Static("", id="note-line", markup=False)
                yield Static("", id="warnings-line", markup=False)
                with Horizontal(id="totals-row"):
                    yield Static("", id="totals", markup=False)
                    yield ChangeDisplay(currency_symbol=self.symbol, id="entry-change")
                yield Static("Scan a stub or type in the add box, then Enter.", id="payment-message", markup=False)
            yield PostedPayment(currency_symbol=self.symbol, id="payment-posted")
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#fee-matches", OptionList).display = False
        self.query_one("#drawer-warning").display = False
        self.query_one("#turnoff-banner").display = False
        self.set_focus(self.query_one("#add-line", AddLineBox))
        self._load_fee_codes()
        self._show_totals()

    def on_screen_resume(self) -> None:
        self._check_drawer()

    def on_screen_suspend(self) -> None:
        # A posted payment is finished: coming back starts the next one.
        if self._state == "posted":
            self.call_later(self._reset)

    @property
    def posting(self) -> bool:
        """A post is in flight: the screen holds (no key leaves it) until its outcome is shown."""
        return self._state == "posting"

    def _hold(self, holding: bool) -> None:
        self.query_one("#payment-entry").disabled = holding  # nothing typed changes the payment in flight
        self.refresh_bindings()
        self.app.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._state == "posting":
            return False  # Esc and the F-keys wait for the outcome
        if action in ENTRY_ACTIONS:
            return self._state != "posted"
        if action == "next_customer":
            return self._state == "posted"
        if action == "print_again":
            return self._state == "posted" and self._print_waiting
        if action == "drawer_for_payment":
            return self._state == "posted" and self._drawer is not None and self._drawer.failed
        return True

    # What is on the payment ---------------------------------------------------------------------

    def line_rows(self) -> list[LineRow]:
        return list(self.query_one("#lines").query_children(LineRow))

    def tender_rows(self) -> list[TenderRow]:
        return list(self.query_one("#tenders").query_children(TenderRow))

    def form_fields(self) -> list[FormField]:
        """Every field in the order Enter walks them: line amounts, then each tender's fields."""
        fields = [row.amount for row in self.line_rows()]
        for row in self.tender_rows():
            if row.is_auto and row.quiet_amount(self.settings) is None:
                continue  # an automatic cash tender with nothing left to pay
            fields.extend(row.fields)
        return fields

    @property
    def is_empty(self) -> bool:
        return not self.line_rows() and not self.tender_rows()

    @property
    def in_progress(self) -> bool:
        """Something is entered and not posted: closing the drawer now would strand it."""
        return self._state != "posted" and bool(self.line_rows())

    async def add_account(self, account: AccountView, stub: StubScanned | None = None) -> None:
        """Put ``account`` on the payment (a new one if the last was posted): the stub's amount, else the balance."""
        if self._state == "posted":
            await self._reset()
        for row in self.line_rows():
            if row.account is not None and row.account.account_number == account.account_number:
                self._say(f"Account {account.account_number} is already on this payment (line {row.position}).")
                row.amount.enter()
                return
        if stub is not None:
            amount = stub.amount_due_cents
        else:
            amount = account.balance_cents if account.balance_cents > 0 else None
        row = LineRow(position=len(self.line_rows()) + 1, account=account, amount_cents=amount,
                      currency_symbol=self.symbol)
        await self._add_line(row)
        how = "from the scanned stub" if stub is not None else "the balance" if amount is not None else "type it"
        self._say(f"Line {row.position}: account {account.account_number}, amount {how}.")

    async def add_fee(self, fee: FeeCodeView) -> None:
        if self._state == "posted":
            await self._reset()
        row = LineRow(position=len(self.line_rows()) + 1, fee=fee, amount_cents=fee.fixed_amount_cents,
                      currency_symbol=self.symbol)
        await self._add_line(row)
        self._say(f"Line {row.position}: {fee.description}.")

    async def _add_line(self, row: LineRow) -> None:
        if self._attempt_key is None:
            self._attempt_key = str(uuid.uuid4())  # a new payment starts
        await self.query_one("#lines").mount(row)
        if not self.tender_rows() and "cash" in self.settings.tenders.enabled:
            await self.query_one("#tenders").mount(TenderRow("cash", amount_cents=0, auto=True))
        self._recalculate()
        if not row.amount.value:
            row.amount.enter()
        else:
            self._focus_payment_field()

    def _focus_payment_field(self) -> None:
        """The field the cashier most likely types next: the last cash tender, else the first empty field."""
        cash = [row for row in self.tender_rows() if row.tender_type == "cash"]
        empty = next((f for f in self.form_fields() if not f.value.strip()), None)
        if empty is not None and not (cash and empty is cash[-1].amount):
            empty.enter()
        elif cash:
            cash[-1].amount.enter()
        elif self.form_fields():
            self.form_fields()[-1].enter()
        else:
            self.set_focus(self.query_one("#add-line", AddLineBox))

    # Running totals, and the service's review -----------------------------------------------------

    @on(Input.Changed, "FormField")
    def _field_changed(self, event: Input.Changed) -> None:
        event.stop()
        if isinstance(event.input, FormField):
            event.input.mark_refused(False)
        self._acknowledged = frozenset()  # a changed payment is confirmed again
        self._recalculate()

    def _recalculate(self) -> None:
        """Totals and change as the cashier types; then the service's review of what parses."""
        settings = self.settings
        lines = self.line_rows()
        amounts = [_quiet_amount(row.amount, settings) for row in lines]
        total = sum(amount for amount in amounts if amount is not None)
        tenders = self.tender_rows()
        others = sum(row.quiet_amount(settings) or 0 for row in tenders if not row.is_auto)
        for row in tenders:
            row.follow(total - others)
        self._show_totals(total, amounts, tenders)
        if not self._review_scheduled:
            # Once per refresh: a scan types twenty keys between two frames, and only the last state counts.
            self._review_scheduled = True
            self.call_after_refresh(self._start_review)

    def _start_review(self) -> None:
        self._review_scheduled = False
        if self._state != "entry":
            return
        lines = self.line_rows()
        try:
            draft = self._draft()
        except InputError:
            draft = None
        accounts = tuple((row.account, amount) for row in lines
                         if row.account is not None and (amount := _quiet_amount(row.amount, self.settings)))
        if (draft, accounts) == self._reviewed_input:
            return  # what the review depends on has not changed: its answer stands
        self._reviewed_input = (draft, accounts)
        self._serial += 1
        if draft is not None or accounts:
            self._review(self._serial, draft, accounts)
        else:
            self._show_turnoff(())
            self._update("#warnings-line", "")

    def _show_totals(self, total: int = 0, amounts: list[int | None] | None = None,
                     tenders: list[TenderRow] | None = None) -> None:
        money = self._money
        tenders = tenders or []
        entries = []
        for row in tenders:
            amount = row.quiet_amount(self.settings)
            if amount is not None:
                entries.append(TenderEntry(row.tender_type, amount))
        handed = sum(e.amount_cents for e in entries)
        change = self.query_one("#entry-change", ChangeDisplay)
        if amounts is None or not amounts:
            self._update("#totals", "Total —")
            change.clear()
            return
        if any(amount is None for amount in amounts):
            self._update("#totals", f"Total — (a line amount is not complete)    Tendered {money(handed)}")
            change.clear()
            return
        text = f"Total {money(total)}    Tendered {money(handed)}"
        from receipts.display import amount_due, tendered

        self._to_display(*(tendered(total, handed, self.symbol) if handed else amount_due(total, self.symbol)))
        try:
            applied = apply_tenders(total, entries, cash_back_allowed=self.settings.tenders.cash_back_allowed)
        except TenderError as error:
            if handed < total:
                change.show_due(total - handed)
            else:
                change.clear()
                text += f"\n{error.message}"
        else:
            change.show_change(sum(t.change_cents for t in applied))
        self._update("#totals", text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def _review(self, serial: int, draft: Draft | None,
                accounts: tuple[tuple[AccountView, int], ...]) -> None:
        from pos.core.payments import ResolvedLine, review_payment

        turnoff = tuple(account.account_number for account, amount in accounts
                        if ResolvedLine(amount, account.name, account=account).pulls_turnoff)
        review = error = None
        if draft is not None:
            try:
                with self.app.connected_database().reader() as uow:
                    review = review_payment(uow, self._command(draft, "review"), self.settings)
            except PosError as refused:
                error = refused  # shown quietly: the cashier is still typing
        self.post_message(self.Reviewed(serial, review, error, turnoff))

    @on(Reviewed)
    def _reviewed(self, event: Reviewed) -> None:
        if event.serial != self._serial or self._state != "entry":
            return
        turnoff = tuple(dict.fromkeys(event.turnoff_accounts + (event.review.turnoff_accounts if event.review
                                                                 else ())))
        self._show_turnoff(turnoff)
        if event.review is not None and event.review.warnings:
            self._update("#warnings-line",
                         "Posting asks you to confirm: " + "; ".join(w.message for w in event.review.warnings))
        elif event.error is not None and not isinstance(event.error, InputError):
            self._update("#warnings-line", f"Not ready to post: {event.error.message}")
        else:
            self._update("#warnings-line", "")

    def _show_turnoff(self, accounts: tuple[str, ...]) -> None:
        if accounts == self._turnoff_now:
            return
        self._turnoff_now = accounts
        banner = self.query_one("#turnoff-banner", Static)
        banner.display = bool(accounts)
        if accounts:
            banner.update(f"TURN-OFF ORDER MUST BE PULLED: {', '.join(accounts)} "
                          "pays its past-due amount. Tell the field crew now.")

    # Keys of the entry ----------------------------------------------------------------------------

    async def advance_from(self, field_: FormField) -> None:
        """Enter in a field (called by the field at once): check it, then the next field, or post from the last."""
        if self._state != "entry":
            return
        # Keys typed ahead reach the fields before their Changed messages reach this screen: bring the
        # automatic cash tender up to date before deciding where Enter goes.
        self._recalculate()
        stub = entry.scanned_stub(field_.value, self.settings)
        if stub is not None:
            field_.restore()
            self._recalculate()
            self._say("Stub scanned: adding its account…")
            self._fetch_account(stub)
            return
        try:
            entry.check(field_.kind, field_.value, field_.field_name, self.settings)
        except InputError as error:
            self._refuse_field(error, field_)
            return
        fields = self.form_fields()
        after = fields[fields.index(field_) + 1:] if field_ in fields else []
        if after:
            after[0].enter()  # now: keys already typed go to the next field
            last = " posts the payment" if len(after) == 1 else " goes on"
            self._say(f"{after[0].field_name.capitalize()}: type it; Enter{last}.")
        else:
            self.action_post()

    @on(Input.Changed, "#add-line")
    def _add_box_changed(self, event: Input.Changed) -> None:
        event.stop()
        matches = self.query_one("#fee-matches", OptionList)
        text = event.value.strip()
        if not any(ch.isalpha() for ch in text):
            matches.display = False
            return
        found = _fee_matches(self._fee_codes, text)
        matches.clear_options()
        matches.add_options(Option(self._fee_label(fee), id=fee.code) for fee in found)
        matches.display = bool(found)
        matches.styles.height = min(len(found), FEE_MATCHES_SHOWN) or 1
        if found:
            matches.highlighted = 0

    @on(AddLineBox.HighlightMoved)
    def _move_fee_highlight(self, event: AddLineBox.HighlightMoved) -> None:
        matches = self.query_one("#fee-matches", OptionList)
        if matches.display and matches.option_count:
            current = matches.highlighted or 0
            matches.highlighted = max(0, min(matches.option_count - 1, current + event.step))

    @on(Input.Submitted, "#add-line")
    async def _add_line_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if self._state == "posting":
            return
        box = event.input
        text = box.value.strip()
        if not text:
            self._focus_payment_field()
            return
        compact = text.replace("-", "").replace(" ", "")
        if compact.isdigit():
            try:
                refuse_card_number("add line", compact, scan_line=self.settings.scan_line)
            except InputError as error:
                box.clear()
                self.refuse(error)
                return
            box.clear()
            self._say("Looking the account up…")
            self._fetch_account(text)
            return
        matches = self.query_one("#fee-matches", OptionList)
        option = matches.highlighted_option if matches.display else None
        fee = next((f for f in self._fee_codes if option is not None and f.code == option.id), None)
        if fee is None:
            self.refuse(InputError("add line", f"no fee code matches “{text}”; look an account up by name with F2"))
            return
        box.clear()
        matches.display = False
        await self.add_fee(fee)

    def action_add_line(self) -> None:
        self.set_focus(self.query_one("#add-line", AddLineBox))

    async def action_add_tender(self, tender_type: str) -> None:
        if self._state != "entry":
            return
        if tender_type not in self.settings.tenders.enabled:
            self.refuse(InputError("tender", f"{TENDER_LABELS[tender_type]} is not taken at this site"))
            return
        if tender_type == "check":
            cash_only = [row.account.account_number for row in self.line_rows()
                         if row.account is not None and row.account.cash_only]
            if cash_only:
                self.refuse(TenderError(f"Account {cash_only[0]} is cash only: a check cannot be taken"))
                return
        rows = self.tender_rows()
        if tender_type == "cash":
            cash = [row for row in rows if row.tender_type == "cash"]
            if cash:
                cash[-1].amount.enter()
                return
        settings = self.settings
        total = sum(_quiet_amount(row.amount, settings) or 0 for row in self.line_rows())
        others = sum(row.quiet_amount(settings) or 0 for row in rows if not row.is_auto)
        due = total - others
        row = TenderRow(tender_type, amount_cents=due if due > 0 else None)
        first_cash = next((r for r in rows if r.tender_type == "cash"), None)
        # Cash comes last: change is made from it, and it takes what the other tenders leave.
        if tender_type != "cash" and first_cash is not None:
            await self.query_one("#tenders").mount(row, before=first_cash)
        else:
            await self.query_one("#tenders").mount(row)
        self._recalculate()
        row.amount.enter()
        self._say(f"{TENDER_LABELS[tender_type]} added: type its amount, Enter, then "
                  + ("its reference." if row.references else "post."))

    def action_choose_tender(self) -> None:
        async def chosen(tender_type: str | None) -> None:
            if tender_type:
                await self.action_add_tender(tender_type)

        self.app.push_screen(ChooseTenderDialog(list(self.settings.tenders.enabled)), chosen)

    def action_note(self) -> None:
        def noted(text: str | None) -> None:
            if text is None:
                return
            self._note = text or None
            self.query_one("#note-line", Static).update(f"Note: {self._note}" if self._note else "")
            self._recalculate()

        self.app.push_screen(TextEntryDialog(title="Note on this payment", field="note", value=self._note or "",
                                             max_length=500, placeholder="printed on the receipt; never a card "
                                                                         "number"), noted)

    async def action_remove(self) -> None:
        focused = self.focused
        row = None
        for node in focused.ancestors_with_self if focused is not None else ():
            if isinstance(node, (LineRow, TenderRow)):
                row = node
                break
        if row is None:
            self._say("Move to a line or a tender first (Enter or Tab), then ctrl+r removes it.")
            return
        await row.remove()
        for position, line in enumerate(self.line_rows(), start=1):
            line.renumber(position)
        self._recalculate()
        self._say("Removed.")
        self._focus_payment_field()

    def action_new_payment(self) -> None:
        if self.is_empty and self._note is None:
            return

        async def answered(drop: bool | None) -> None:
            if drop:
                await self._reset()

        self.app.push_screen(ConfirmDialog("Drop this payment?",
                                           ["Everything entered on it is dropped. Nothing of it was posted."],
                                           confirm="Drop it", back="Keep it"), answered)

    def action_home(self) -> None:
        self.app.switch_mode("home")

    # Posting ---------------------------------------------------------------------------------------

    def _draft(self) -> Draft:
        """The payment as the service takes it; raises ``InputError`` naming the first field that is wrong."""
        settings = self.settings
        lines = []
        for row in self.line_rows():
            amount = entry.check("amount", row.amount.value, row.amount.field_name, settings)
            lines.append((amount, row.account.account_number if row.account else None,
                          row.fee.code if row.fee else None))
        tenders = []
        for row in self.tender_rows():
            if row.is_auto and row.quiet_amount(settings) is None:
                continue  # nothing left for the automatic cash tender: it is not part of the payment
            tenders.append(row.entry(settings))
        return Draft(tuple(lines), tuple(tenders), self._note, self._acknowledged)

    def _command(self, draft: Draft, key: str):  # noqa: ANN202 - PostPayment, imported in workers only
        from pos.core.payments import LineEntry, PostPayment

        return PostPayment(key, self.operator.operator_id,
                           tuple(LineEntry(amount, account, fee) for amount, account, fee in draft.lines),
                           draft.tenders, draft.note, draft.acknowledged)

    def action_post(self) -> None:
        if self._state != "entry":
            return  # already posting: the key was pressed again
        self._recalculate()  # the fields as they are now, whatever messages are still on their way
        try:
            draft = self._draft()
        except InputError as error:
            self._refuse_field(error, self._field_named(error.field))
            return
        if self._attempt_key is None:
            self._attempt_key = str(uuid.uuid4())
        self._state = "posting"
        self._say("Posting… please wait")
        self._hold(True)
        self._post(self._attempt_key, draft)

    @work(thread=True, exclusive=True, exit_on_error=False, group="post")
    def _post(self, key: str, draft: Draft) -> None:
        from pos.core.payments import PaymentNeedsConfirmation, post_payment
        from pos.core.printing import open_drawer_for_payment, receipt_text

        database = self.app.connected_database()
        try:
            with database.unit_of_work() as uow:
                posted = post_payment(uow, self._command(draft, key), self.settings)
        except PaymentNeedsConfirmation as needs:
            self.post_message(self.NeedsConfirmation(list(needs.warnings)))
            return
        # The cash is in the cashier's hand now: the drawer opens at once, whatever receipts wait.
        drawer = open_drawer_for_payment(self.settings, posted.receipt_number, posted.has_cash)
        with database.reader() as uow:
            text = receipt_text(uow, posted.receipt_number, self.settings)
        self.post_message(self.Posted(posted, text, drawer))

    @on(NeedsConfirmation)
    def _confirm_warnings(self, event: NeedsConfirmation) -> None:
        self._state = "entry"
        self._hold(False)
        kinds = frozenset(w.kind for w in event.warnings)
        self._say("Confirm to post: " + "; ".join(w.message for w in event.warnings))

        def answered(go_ahead: bool | None) -> None:
            if go_ahead:
                self._acknowledged = kinds
                self.action_post()
            else:
                self._say("Not posted. Change the payment, or F12 posts it and asks again.")

        self.app.push_screen(ConfirmDialog("Confirm before posting", [w.message for w in event.warnings],
                                           confirm="Post anyway", back="Back to the payment"), answered)

    @on(Posted)
    def _posted_here(self, event: Posted) -> None:
        posted = event.posted
        self.app.clear_notifications()  # what was refused on the way is no longer news
        self._posted = posted
        self._attempt_key = None  # posted: the next payment gets a new key
        self._state = "posted"
        self._hold(False)
        self._print_waiting = False
        self._print_unknown = False
        from receipts.display import change_due

        self._to_display(*change_due(posted.change_cents, self.symbol))
        self.query_one(PostedPayment).show(posted, event.receipt_text)
        self._drawer = event.drawer
        self._say_drawer(event.drawer)
        self.query_one("#payment-views", ContentSwitcher).current = "payment-posted"
        self.set_focus(None)
        self.refresh_bindings()
        self._print(posted.receipt_number)
        if self.settings.endorsement.enabled:
            self._load_checks(posted.txn_id, posted.receipt_number)
        if posted.drop_advised(self.settings):
            # A blind close stays blind: the prompt says that a drop is due, never what the drawer holds.
            held = ("more cash than the counter keeps" if self.settings.drawer.blind_close else
                    f"{format_cents(posted.cash_in_drawer_cents or 0, symbol=self.symbol)} in cash")
            self.app.notify(f"The drawer holds {held}: make a drop to the safe (F6 on home, then F2). "
                            "Past the till limit cash payments wait for it.", title="Drawer", severity="warning")

    # Check endorsement ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="endorse-load")
    def _load_checks(self, txn_id: str, receipt_number: str) -> None:
        from sqlalchemy import select

        from pos.core.models import PaymentTender

        with self.app.connected_database().reader() as uow:
            rows = uow.session.execute(
                select(PaymentTender.type, PaymentTender.reference).where(
                    PaymentTender.txn_id == txn_id,
                    PaymentTender.type.in_(("check", "money_order", "cashiers_check")))
                .order_by(PaymentTender.position)).all()
        if rows:
            self.post_message(self.ChecksToEndorse(receipt_number, [(TENDER_LABELS.get(t, t), r) for t, r in rows]))

    @on(ChecksToEndorse)
    def _offer_endorsement(self, event: ChecksToEndorse) -> None:
        """One check at a time: insert it, Enter endorses, Esc leaves it to be endorsed by hand."""
        if not event.checks:
            return
        (label, number), rest = event.checks[0], event.checks[1:]
        what = f"{label.lower()} {number}" if number else label.lower()

        def answered(endorse: bool | None) -> None:
            if endorse:
                self._endorse(event.receipt_number, number, what)
            if rest:
                self.post_message(self.ChecksToEndorse(event.receipt_number, rest))

        self.app.push_screen(ConfirmDialog(f"Endorse the {what}",
                                           [f"Put the {what} face down into the printer's slip station.",
                                            "Enter endorses it; Esc skips it (endorse it by hand)."],
                                           confirm="Endorse", back="Skip"), answered)

    @work(thread=True, exclusive=False, exit_on_error=False, group="endorse")
    def _endorse(self, receipt_number: str, check_number: str | None, what: str) -> None:
        from pos.core.clock import business_date
        from pos.core.printing import endorse_check
        from receipts.errors import PrinterError

        try:
            endorse_check(self.settings, receipt_number, check_number,
                          business_date(cutoff=self.settings.terminal.business_day_cutoff))
        except PrinterError as error:
            self.post_message(self.Endorsed(what, error.message))
            return
        self.post_message(self.Endorsed(what, None))

    @on(Endorsed)
    def _endorsed(self, event: Endorsed) -> None:
        if event.error is None:
            self.app.notify(f"The {event.check} is endorsed.", title="Endorsement")
        else:
            self.app.notify(f"The {event.check} was not endorsed: {event.error}. Endorse it by hand.",
                            title="Endorsement", severity="warning")

    # The cash drawer: opened at once for a cash payment; by the cashier's key when the pulse failed ------

    def _say_drawer(self, drawer: DrawerKick) -> None:
        posted = self.query_one(PostedPayment)
        if not drawer.needed:
            posted.say_drawer("")
        elif drawer.opened:
            posted.say_drawer("Drawer opened.")
        else:
            posted.say_drawer(f"The drawer did not open: {drawer.error}. Ctrl+D opens it for receipt "
                              f"{drawer.receipt_number} (recorded as a no-sale for this payment).", failed=True)
            self.app.notify(f"The drawer did not open for receipt {drawer.receipt_number}: {drawer.error}.",
                            title="Drawer", severity="error", markup=False)
        self.refresh_bindings()

    def action_drawer_for_payment(self) -> None:
        if self._state == "posted" and self._drawer is not None and self._drawer.failed:
            self.query_one(PostedPayment).say_drawer("Opening the drawer…", failed=True)
            self._open_drawer_for_payment(self._drawer.receipt_number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="drawer-for-payment")
    def _open_drawer_for_payment(self, receipt_number: str) -> None:
        from drawer.day import OpenForPayment, open_for_payment
        from pos.core.printing import kick_drawer

        with self.app.connected_database().unit_of_work() as uow:
            made = open_for_payment(uow, OpenForPayment(self.operator.operator_id, receipt_number), self.settings)
        self.post_message(self.DrawerOpenedForPayment(receipt_number, made.number, kick_drawer(self.settings)))

    @on(DrawerOpenedForPayment)
    def _drawer_opened_for_payment(self, event: DrawerOpenedForPayment) -> None:
        if self._drawer is None or self._drawer.receipt_number != event.receipt_number:
            return
        from dataclasses import replace

        self._drawer = replace(self._drawer, opened=event.error is None, error=event.error)
        if event.error is None:
            self.query_one(PostedPayment).say_drawer(f"Drawer opened for receipt {event.receipt_number} "
                                                     f"(no-sale slip {event.slip_number}).")
        else:
            self.query_one(PostedPayment).say_drawer(
                f"Recorded on no-sale slip {event.slip_number}, but the pulse did not reach the drawer: "
                f"{event.error}. Open it with its key; Ctrl+D tries again.", failed=True)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _print(self, receipt_number: str) -> None:
        from pos.core.printing import print_waiting

        results = print_waiting(self.app.connected_database(), self.settings)
        self.post_message(self.Printed(receipt_number, results))

    @on(Printed)
    def _printed(self, event: Printed) -> None:
        if self._posted is None or event.receipt_number != self._posted.receipt_number:
            return
        outcome = report(event.results, event.receipt_number,
                         printer_configured=self.settings.printer.backend != "none")
        self._print_waiting = outcome.waiting
        self._print_unknown = outcome.unknown
        text = outcome.text + (" F5 tries now." if outcome.waiting and not outcome.unknown else "")
        self.query_one(PostedPayment).say_printing(text, waiting=outcome.waiting)
        self.refresh_bindings()

    def action_print_again(self) -> None:
        if self._posted is not None and self._print_unknown:
            self.query_one(PostedPayment).say_printing("Printing a REPRINT…")
            self._reprint_unknown(self._posted.receipt_number)
        elif self._posted is not None:
            self.query_one(PostedPayment).say_printing("Trying the printer…")
            self._print(self._posted.receipt_number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _reprint_unknown(self, receipt_number: str) -> None:
        from pos.core.printing import reprint_unknown

        results = reprint_unknown(self.app.connected_database(), self.settings, receipt_number,
                                  self.operator.operator_id)
        self.post_message(self.Printed(receipt_number, results))

    def printer_polled(self, results: list[JobPrinted]) -> None:
        """The app's printer poller printed (or still holds) what waited: say it under the posted payment."""
        if self._posted is not None and self._print_waiting:
            self.post_message(self.Printed(self._posted.receipt_number, results))

    # The customer display: what is due, tendered and the change; never in the way of the payment --------

    def _to_display(self, top: str, bottom: str = "") -> None:
        if self.settings.customer_display.enabled and (top, bottom) != self._shown_on_display:
            self._shown_on_display = (top, bottom)
            self._show_on_display(top, bottom)

    @work(thread=True, exclusive=True, exit_on_error=False, group="display")
    def _show_on_display(self, top: str, bottom: str) -> None:
        from pos.core.printing import show_on_display
        from receipts.errors import DeviceError

        try:
            show_on_display(self.settings, top, bottom)
        except DeviceError:
            pass  # a customer display that fails never stops a payment; the devices screen shows why

    def action_next_customer(self) -> None:
        if self._state == "posted":
            self.post_message(self.NextCustomer())

    # Answers of the other workers -----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="fee-codes")
    def _load_fee_codes(self) -> None:
        import pos.core.payments  # noqa: F401 - loaded now, not when the first payment is posted
        from pos.core.accounts import list_fee_codes

        with self.app.connected_database().reader() as uow:
            fee_codes = list_fee_codes(uow)
        self.post_message(self.FeeCodesLoaded(fee_codes))

    @on(FeeCodesLoaded)
    def _fee_codes_loaded(self, event: FeeCodesLoaded) -> None:
        self._fee_codes = event.fee_codes

    @work(thread=True, exclusive=True, exit_on_error=False, group="drawer")
    def _check_drawer(self) -> None:
        from drawer.sessions import current_drawer

        with self.app.connected_database().reader() as uow:
            drawer = current_drawer(uow, self.settings, self.operator.operator_id)
        self.post_message(self.DrawerChecked(drawer is not None))

    @on(DrawerChecked)
    def _drawer_checked(self, event: DrawerChecked) -> None:
        warning = self.query_one("#drawer-warning", Static)
        warning.display = not event.open
        warning.update("Your drawer is not open on this terminal: nothing can be posted. "
                       "Esc, then F3 on the home screen opens it.")

    @work(thread=True, exclusive=False, exit_on_error=False, group="add-account")
    def _fetch_account(self, text: str) -> None:
        from pos.core.accounts import get_account, lookup
        from pos.core.errors import AccountError

        with self.app.connected_database().reader() as uow:
            result = lookup(uow, text, self.settings)
            account = None
            if result.how in ("number", "scan") and result.single:
                account = get_account(uow, result.matches[0].account_number)
        if account is None:
            raise AccountError(f"account number: {text.strip()} is not in the account master")
        self.post_message(self.AccountFetched(account, result.stub))

    @on(AccountFetched)
    async def _account_fetched(self, event: AccountFetched) -> None:
        if self._state == "posting":
            return
        await self.add_account(event.account, event.stub)

    @on(CounterScreen.WorkFailed)
    def _work_failed(self, event: CounterScreen.WorkFailed) -> None:
        # The app shows the message; this screen says what it means for the payment.
        error = event.error
        message = said(error)
        if event.worker.group == "post":
            self._state = "entry"
            self._hold(False)
            if isinstance(error, DatabaseUnavailable) and error.outcome_known:  # the message says it was not posted
                self._say(f"{message} F12 tries again (the same payment, never twice).")
            elif getattr(error, "outcome_known", True):
                self._say(f"Not posted: {message}. Correct it, then Enter or F12 (the same payment, never twice).")
            else:  # the answer was lost: F12 asks again with the same key, which never posts it twice
                self._say("Whether this payment was posted is not known: the database stopped answering while it "
                          "was saved. Press F12 once the database answers: it finds the payment if it was "
                          "posted, and never posts it twice.")
            field_ = self._field_named(getattr(error, "field", None))
            if field_ is None:
                self._focus_payment_field()
            self._mark(field_)
        elif event.worker.group == "print":
            self._print_waiting = True
            self.query_one(PostedPayment).say_printing(f"Receipt waiting: {message}. F5 tries again.",
                                                       waiting=True)
            self.refresh_bindings()
        elif event.worker.group == "drawer-for-payment":
            self.query_one(PostedPayment).say_drawer(f"The drawer was not opened: {message}.", failed=True)
        elif event.worker.group == "add-account":
            self._say(f"Nothing added: {message}")

    # Helpers ---------------------------------------------------------------------------------------

    async def _reset(self) -> None:
        """An empty payment for the next customer (the last one is posted, or was dropped)."""
        await self.query_one("#lines").remove_children()
        await self.query_one("#tenders").remove_children()
        self._state = "entry"
        self._attempt_key = None
        self._note = None
        self._acknowledged = frozenset()
        self._posted = None
        self._drawer = None
        self._print_waiting = False
        self._print_unknown = False
        self._to_display(self.settings.customer_display.welcome)
        self._reviewed_input = None
        self.query_one("#note-line", Static).update("")
        self._update("#warnings-line", "")
        self.query_one(PostedPayment).clear()
        self._show_turnoff(())
        self._show_totals()
        self.query_one("#payment-views", ContentSwitcher).current = "payment-entry"
        self._say("Scan a stub or type in the add box, then Enter.")
        self.set_focus(self.query_one("#add-line", AddLineBox))
        self.refresh_bindings()

    def _field_named(self, name: str | None) -> FormField | None:
        if not name:
            return None
        wanted = name.lower()
        return next((f for f in self.form_fields() if f.field_name.lower() == wanted), None)

    def _refuse_field(self, error: InputError, field_: FormField | None) -> None:
        """Say what is wrong next to the payment, mark the field, and have the app show it too."""
        if field_ is not None and entry.is_card_number_refusal(error):
            field_.clear()  # a card number is not left on the screen either
        self._mark(field_)
        self._say(f"Not posted: {error.message}")
        self.refuse(error)

    def _mark(self, field_: FormField | None) -> None:
        if field_ is not None:
            field_.mark_refused()
            field_.enter()

    def _say(self, text: str) -> None:
        self._update("#payment-message", text)

    def _update(self, selector: str, text: str) -> None:
        """Change a line of text only when it says something new (it is set at every key typed)."""
        line = self.query_one(selector, Static)
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            line.update(text)

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.symbol)

    def _fee_label(self, fee: FeeCodeView) -> str:
        fixed = self._money(fee.fixed_amount_cents) if fee.fixed_amount_cents is not None else "amount typed"
        return f"{fee.code:<12} {fee.description} ({fixed})"


def _rows(id: str) -> VerticalScroll:
    """A list of rows that scrolls when long; Tab goes through its fields, never to the list itself."""
    rows = VerticalScroll(id=id)
    rows.can_focus = False
    return rows


def _quiet_amount(field_: FormField, settings: Settings) -> int | None:
    try:
        return entry.amount_cents(field_.value, field_.field_name, settings)
    except InputError:
        return None


def _fee_matches(fee_codes: list[FeeCodeView], text: str) -> list[FeeCodeView]:
    """Codes that start with what was typed first, then descriptions with every word typed."""
    wanted = text.strip().upper()
    words = wanted.lower().split()
    by_code = [fee for fee in fee_codes if fee.code.startswith(wanted)]
    by_words = [fee for fee in fee_codes if fee not in by_code
                and all(word in f"{fee.code} {fee.description}".lower() for word in words)]
    return by_code + by_words
