"""A cash count by denomination: one field per bill, coin and roll, Enter moves down, the total updates as you type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Input, Label

from pos.core.errors import InputError
from pos.core.money import format_cents
from pos.tui import entry
from pos.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from drawer.sessions import Denomination
    from pos.core.settings import Settings


class CountSheet(Grid):
    """The screen owning the sheet handles Enter (``advance_from``) and asks ``next_field`` where to go."""

    @dataclass
    class TotalChanged(Message):
        """The running total (``None`` while a count is not a whole number)."""

        sheet: "CountSheet"
        total_cents: int | None

    def __init__(self, settings: Settings, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="count-sheet")
        self.settings = settings
        self.denominations: list[Denomination] = []

    async def load(self, denominations: list[Denomination]) -> None:
        self.denominations = list(denominations)
        await self.remove_children()
        widgets = []
        prefix = self.id or "sheet"
        for index, denomination in enumerate(self.denominations):
            widgets.append(Label(denomination.label, classes="count-label"))
            widgets.append(FormField("0", field_name=f"{denomination.label} count", kind="count",
                                     id=f"{prefix}-count-{index}", classes="count-field", max_length=24))
            widgets.append(Label("", id=f"{prefix}-subtotal-{index}", classes="count-subtotal"))
        await self.mount_all(widgets)
        self.recount()

    def fields(self) -> list[FormField]:
        return list(self.query(".count-field").results(FormField))

    def first(self) -> FormField | None:
        fields = self.fields()
        return fields[0] if fields else None

    def owns(self, field: FormField) -> bool:
        return field in self.fields()

    def check(self, field: FormField) -> FormField | None:
        """Check one field (Enter in it); returns the next field of the sheet, or None after the last.

        Raises ``InputError`` naming the field.
        """
        fields = self.fields()
        index = fields.index(field)
        entry.count(field.value, field.field_name, self.denominations[index].cents, self.settings)
        return fields[index + 1] if index + 1 < len(fields) else None

    def counts(self) -> dict[str, int]:
        """Count per denomination key, as the services keep it; raises ``InputError`` naming the field."""
        counts: dict[str, int] = {}
        for denomination, field in zip(self.denominations, self.fields()):
            how_many = entry.count(field.value, field.field_name, denomination.cents, self.settings)
            if how_many:
                counts[denomination.key] = how_many
        return counts

    def total(self) -> int | None:
        try:
            counts = self.counts()
        except InputError:
            return None
        by_key = {d.key: d.cents for d in self.denominations}
        return sum(by_key[key] * how_many for key, how_many in counts.items())

    def reset(self) -> None:
        for field in self.fields():
            field.value = "0"
        self.recount()

    @on(Input.Changed, ".count-field")
    def _count_changed(self, event: Input.Changed) -> None:
        event.stop()
        if isinstance(event.input, FormField):
            event.input.mark_refused(False)
        self.recount()

    def recount(self) -> None:
        """Each line's subtotal and the running total; a count that is not a number yet shows as —."""
        prefix = self.id or "sheet"
        total: int | None = 0
        for index, field in enumerate(self.fields()):
            cents = self.denominations[index].cents
            subtotal = self.query_one(f"#{prefix}-subtotal-{index}", Label)
            try:
                how_many = entry.count(field.value, field.field_name, cents, self.settings)
            except InputError:
                total = None
                subtotal.update("—")
                continue
            subtotal.update(format_cents(how_many * cents, symbol=self.settings.money.currency_symbol)
                            if how_many else "")
            if total is not None:
                total += how_many * cents
        self.post_message(self.TotalChanged(self, total))
