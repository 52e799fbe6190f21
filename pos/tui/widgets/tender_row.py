"""One tender of a payment: its amount and, by type, the check number or the card's type, last four and code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from pos.core.errors import InputError
from pos.core.money import format_plain
from pos.core.tenders import TENDER_LABELS, TenderEntry
from pos.tui import entry
from pos.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from pos.core.settings import Settings

# type → [(field name, kind, label, placeholder)] after the amount
REFERENCES: dict[str, list[tuple[str, str, str, str]]] = {
    "cash": [],
    "check": [("check number", "number", "check no.", "digits")],
    "money_order": [("money order number", "number", "money order no.", "digits")],
    "cashiers_check": [("cashier's check number", "number", "check no.", "digits")],
    "card": [("card type", "card-type", "type", "VISA, MC…"), ("last four digits", "last4", "last four", "1234"),
             ("authorisation code", "authorisation", "auth code", "from the card terminal")],
    "ach": [("trace number", "optional-number", "trace no.", "optional")],
}
AMOUNT_FIELDS = {"cash": "cash tendered", "check": "check amount", "money_order": "money order amount",
                 "cashiers_check": "cashier's check amount", "card": "card amount", "ach": "ACH amount"}


class TenderRow(Horizontal):
    """How the customer pays, one tender. For cash the amount is what was handed over.

    A cash tender the screen filled in (``auto_text``) follows the amount still due until the
    cashier types over it.
    """

    def __init__(self, tender_type: str, *, amount_cents: int | None = None, auto: bool = False) -> None:
        super().__init__(classes="tender-row")
        self.tender_type = tender_type
        prefill = "" if amount_cents is None else format_plain(amount_cents)
        self.auto_text: str | None = prefill if auto else None
        self.amount = FormField(prefill, field_name=AMOUNT_FIELDS[tender_type],
                                kind="cash-amount" if tender_type == "cash" else "amount", placeholder="amount",
                                classes="tender-amount")
        self.references = [FormField(field_name=name, kind=kind, placeholder=placeholder, classes=f"ref-{kind}")
                           for name, kind, _, placeholder in REFERENCES[tender_type]]
        self._reference_labels = [label for _, _, label, _ in REFERENCES[tender_type]]

    def compose(self) -> ComposeResult:
        yield Label(TENDER_LABELS[self.tender_type], classes="tender-type")
        yield Label("tendered" if self.tender_type == "cash" else "amount", classes="field-label")
        yield self.amount
        for label, field in zip(self._reference_labels, self.references, strict=True):
            yield Label(label, classes="field-label")
            yield field

    @property
    def fields(self) -> list[FormField]:
        return [self.amount, *self.references]

    @property
    def is_auto(self) -> bool:
        """Filled in by the screen and not typed over: it follows what is still due."""
        return self.auto_text is not None and self.amount.value == self.auto_text

    def follow(self, due_cents: int) -> None:
        """An automatic cash tender takes the amount still due (nothing, when other tenders cover it)."""
        if not self.is_auto:
            return
        text = format_plain(max(due_cents, 0))
        self.auto_text = text
        if self.amount.value != text:
            self.amount.value = text
            self.amount.value_on_focus = text  # a stub scanned into it next puts this back
            if self.amount.has_focus:
                self.amount.select_all()  # what the cashier types next replaces it

    def quiet_amount(self, settings: Settings) -> int | None:
        """The amount if it is a valid one now, else None (for the running totals, while typing)."""
        try:
            return entry.amount_cents(self.amount.value, self.amount.field_name, settings)
        except InputError:  # not an amount yet
            return None

    def entry(self, settings: Settings) -> TenderEntry:
        """The tender as the service takes it; raises ``InputError`` naming the first bad field."""
        amount = entry.check(self.amount.kind, self.amount.value, self.amount.field_name, settings)
        values = {field.kind: entry.check(field.kind, field.value, field.field_name, settings)
                  for field in self.references}
        if self.tender_type == "card":
            return TenderEntry("card", amount, values["authorisation"], values["card-type"], values["last4"])
        reference = next(iter(values.values()), None)
        return TenderEntry(self.tender_type, amount, reference)
