"""Build a bank deposit: tick the closed, verified drawers that go in the bag, then type the bag number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pos.core.errors import InputError
from pos.core.money import format_cents
from pos.tui.screens.base import CounterScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.dialog_field import DialogField
from pos.tui.widgets.drawer_choice import DrawerChoice
from pos.tui.keys import HELP_BINDING

if TYPE_CHECKING:
    from drawer.reports import DrawerSummary

BAG_LENGTH = 40


@dataclass(frozen=True)
class DepositChoice:
    """The drawers that go into the bag, and its number; the PIN is asked after."""

    session_ids: tuple[str, ...]
    bag_number: str


class DepositDialog(ModalScreen[DepositChoice | None]):
    """Every drawer waiting for a deposit starts chosen; Space unchooses one. Enter in the bag number answers."""

    BINDINGS = [HELP_BINDING, Binding("escape", "back", "Back", show=True)]

    def __init__(self, candidates: list[DrawerSummary]) -> None:
        super().__init__(classes="dialog-screen")
        self.candidates = list(candidates)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="deposit-dialog"):
            yield Label("Prepare the bank deposit", classes="dialog-title")
            yield Static("Closed, verified drawers not yet deposited. ↑↓ move, Space chooses or unchooses, "
                         "Enter goes on to the bag number.", classes="dialog-line", markup=False)
            yield DrawerChoice(*((_describe(s), s.session_id, True) for s in self.candidates),
                               id="deposit-drawers")
            yield Label("Bag number", classes="dialog-label")
            yield DialogField(id="deposit-bag", restrict=r"[A-Za-z0-9-]*", max_length=BAG_LENGTH,
                              placeholder="the number printed on the deposit bag")
            yield Static("", id="dialog-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        choice = self.query_one("#deposit-drawers", DrawerChoice)
        choice.highlighted = 0
        choice.focus()

    @on(Input.Submitted, "#deposit-bag")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        chosen = tuple(self.query_one("#deposit-drawers", DrawerChoice).selected)
        bag = event.value.strip()
        if not chosen:
            self._refuse(InputError("drawers", "choose at least one drawer (Space)"), "#deposit-drawers")
            return
        if not bag:
            self._refuse(InputError("bag number", "is required"), "#deposit-bag")
            return
        # In the order listed, not the order ticked: the slip lists them the same way every time.
        order = [s.session_id for s in self.candidates]
        self.dismiss(DepositChoice(tuple(sorted(chosen, key=order.index)), bag))

    def _refuse(self, error: InputError, field: str) -> None:
        self.query_one("#dialog-message", Static).update(error.message)
        self.post_message(CounterScreen.Refused(error))
        self.set_focus(self.query_one(field))

    def action_back(self) -> None:
        self.dismiss(None)


def _describe(summary: DrawerSummary) -> str:
    closed = ""
    if summary.closed_at:
        try:
            closed = f", closed {datetime.fromisoformat(summary.closed_at).astimezone():%H:%M}"
        except ValueError:
            closed = f", closed {summary.closed_at}"
    # The drops come first after the cashier: they go into the bag too, and a narrow screen cuts the end.
    drops = f" · {format_cents(summary.drops_cents)} in drops" if summary.drops_cents else ""
    return (f"{summary.terminal_id} · {summary.operator_name}{drops} · {summary.business_date}{closed} · "
            f"verified by {summary.verified_by}")
