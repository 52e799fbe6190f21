"""Account lookup: one box for number, name, address or stub; ranked results; the account card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, Input, Static
from textual.worker import Worker

from pos.core.errors import InputError
from pos.core.tenders import refuse_card_number
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.account_card import AccountCard
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.lookup_box import LookupBox
from pos.tui.widgets.results_table import ResultsTable
from pos.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from pos.core.account_views import AccountMatch, AccountView
    from pos.core.operators import OperatorView
    from pos.core.scanline import StubScanned
    from pos.core.settings import Settings


class LookupScreen(CounterScreen):
    """Kept while the operator is signed in, so an interrupted lookup is where it was left."""

    BINDINGS = [
        Binding("f2", "new_lookup", "New lookup", show=True),
        Binding("f4", "pay", "Pay", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    @dataclass
    class MatchesFound(Message):
        """A name or address search (or a number not on file) found ``matches``, best first."""

        serial: int
        entry: str
        matches: list[AccountMatch]

    @dataclass
    class AccountFound(Message):
        """One account was found exactly (by number, by a scanned stub, or picked from the results)."""

        serial: int
        account: AccountView
        stub: StubScanned | None
        from_results: bool

    @dataclass
    class PaymentRequested(Message):
        """The cashier takes a payment for the account on the card (with the stub it was scanned from)."""

        account: AccountView
        stub: StubScanned | None

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self._serial = 0  # only the newest lookup's answer is shown
        self._worker: Worker | None = None

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with Vertical(id="lookup-body"):
            yield LookupBox(id="lookup-box")
            yield Static("Scan a stub or type, then Enter.", id="lookup-status", markup=False)
            with ContentSwitcher(initial="results", id="lookup-views"):
                yield ResultsTable(id="results")
                yield AccountCard(currency_symbol=self.settings.money.currency_symbol, id="account")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.query_one("#lookup-box", LookupBox).focus()

    # What the cashier does ---------------------------------------------------------------------

    def look_up(self, entry: str) -> None:
        """Look ``entry`` up as if it had been typed here (the home screen hands its entry over)."""
        box = self.query_one("#lookup-box", LookupBox)
        box.value = entry
        self.set_focus(box)
        self._start(entry)

    @on(Input.Submitted, "#lookup-box")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._start(event.value)

    @on(ResultsTable.AccountChosen)
    def _chosen(self, event: ResultsTable.AccountChosen) -> None:
        self._serial += 1
        self._say(f"Opening account {event.account_number}…")
        self._worker = self._open_account(self._serial, event.account_number)

    def on_key(self, event: events.Key) -> None:
        """A key typed or scanned while the list or the card has the focus starts a new entry.

        The box itself never lets a printable key through, so every one that arrives here was
        meant for it; the Enter that ends a scan then reaches the box's binding, now focused.
        """
        if not event.is_printable or event.character is None:
            return
        event.stop()
        box = self.query_one("#lookup-box", LookupBox)
        if self.focused is not box:
            box.value = ""
            self.set_focus(box)
        box.insert_text_at_cursor(event.character)

    def action_new_lookup(self) -> None:
        """The next customer: an empty box, and the last customer's list or card off the screen."""
        self._serial += 1  # an answer still on its way is for the last customer
        box = self.query_one("#lookup-box", LookupBox)
        box.clear()
        self.set_focus(box)
        self.query_one("#results", ResultsTable).clear()
        self.query_one("#lookup-views", ContentSwitcher).current = "results"
        self._say("Scan a stub or type, then Enter.")

    def action_pay(self) -> None:
        """The account on the card goes onto the payment; without a card, the payment screen as it was left."""
        card = self.query_one("#account", AccountCard)
        if self.query_one("#lookup-views", ContentSwitcher).current == "account" and card.account is not None:
            self.post_message(self.PaymentRequested(card.account, card.stub))
        else:
            self.app.switch_mode("payment")

    def action_back(self) -> None:
        """Card → the results it came from → the lookup box → home."""
        views = self.query_one("#lookup-views", ContentSwitcher)
        table = self.query_one("#results", ResultsTable)
        box = self.query_one("#lookup-box", LookupBox)
        if views.current == "account" and self.query_one("#account", AccountCard).has_class("-from-results"):
            views.current = "results"
            table.focus()
            self._say_matches(table.row_count)
        elif self.focused is not box:
            box.focus()
        else:
            self.app.switch_mode("home")

    # Work in a thread --------------------------------------------------------------------------

    def _start(self, entry: str) -> None:
        self._serial += 1
        # Whatever was on screen belongs to the last customer: take it away before looking up.
        self.query_one("#results", ResultsTable).clear()
        self.query_one("#lookup-views", ContentSwitcher).current = "results"
        box = self.query_one("#lookup-box", LookupBox)
        try:
            refuse_card_number("lookup", entry, scan_line=self.settings.scan_line)
        except InputError as error:
            box.clear()  # a card number is neither looked up, nor left on the screen
            self._say("Nothing looked up: a card number is never typed here.")
            self.refuse(error)
            return
        # The entry stays readable, and the next key or scan replaces it instead of adding to it.
        box.select_all()
        self._say("Looking up…")
        self._worker = self._look_up(self._serial, entry)

    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def _look_up(self, serial: int, entry: str) -> None:
        from pos.core.accounts import get_account, lookup

        database = self.app.connected_database()
        with database.reader() as uow:
            result = lookup(uow, entry, self.settings)
            account = None
            if result.how in ("number", "scan") and result.single:
                account = get_account(uow, result.matches[0].account_number)
        if account is not None:
            self.post_message(self.AccountFound(serial, account, result.stub, from_results=False))
        else:
            self.post_message(self.MatchesFound(serial, entry.strip(), result.matches))

    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def _open_account(self, serial: int, account_number: str) -> None:
        from pos.core.accounts import require_account

        with self.app.connected_database().reader() as uow:
            account = require_account(uow, account_number)
        self.post_message(self.AccountFound(serial, account, None, from_results=True))

    # Answers -----------------------------------------------------------------------------------

    @on(MatchesFound)
    def _show_matches(self, event: MatchesFound) -> None:
        if event.serial != self._serial:
            return
        table = self.query_one("#results", ResultsTable)
        table.show(event.matches, currency_symbol=self.settings.money.currency_symbol)
        self.query_one("#lookup-views", ContentSwitcher).current = "results"
        if event.matches:
            table.focus()
            self._say_matches(len(event.matches))
        else:
            self._say(f"No account matches “{event.entry}”. Check the spelling, or try the street or number.")

    @on(AccountFound)
    async def _show_account(self, event: AccountFound) -> None:
        if event.serial != self._serial:
            return
        card = self.query_one("#account", AccountCard)
        await card.show(event.account, event.stub)
        card.set_class(event.from_results, "-from-results")
        self.query_one("#lookup-views", ContentSwitcher).current = "account"
        card.focus()
        how = "scanned stub" if event.stub else "from the list" if event.from_results else "account number"
        self._say(f"Account {event.account.account_number} ({how}). Esc goes back.")

    @on(CounterScreen.WorkFailed)
    def _nothing_opened(self, event: CounterScreen.WorkFailed) -> None:
        # The app shows the reason; this line only says that nothing is open.
        if event.worker is not self._worker:
            return
        self._say("Nothing opened: see the message, correct the entry and press Enter.")
        self.query_one("#lookup-box", LookupBox).focus()

    def _say_matches(self, count: int) -> None:
        limit = self.settings.lookup.result_limit
        more = f" (the first {limit}: add a word to narrow)" if count >= limit else ""
        noun = "account matches" if count == 1 else "accounts match"
        self._say(f"{count} {noun}, best first{more}. ↑↓ choose, Enter opens.")

    def _say(self, text: str) -> None:
        self.query_one("#lookup-status", Static).update(text)
