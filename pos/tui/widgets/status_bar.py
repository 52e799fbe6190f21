"""The strip at the top of every signed-in screen: terminal, site, operator, devices and business date."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from pos.core.clock import business_date

ROLE_LABELS = {
    "cashier": "Cashier",
    "csr2": "CSR II",
    "lead": "Lead",
    "supervisor": "Supervisor",
    "admin": "Admin",
}


class StatusBar(Horizontal):
    """Who is working where, and on which business date; the date rolls over at the cut-off."""

    def __init__(self, *, terminal_id: str, site_name: str, operator_name: str, role: str,
                 business_day_cutoff: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.terminal_id = terminal_id
        self.site_name = site_name
        self.operator_name = operator_name
        self.role = role
        self.business_day_cutoff = business_day_cutoff

    def compose(self) -> ComposeResult:
        # The long and the short form: the stylesheet shows one, by the terminal's width.
        yield Label(f"Terminal {self.terminal_id} · {self.site_name}", id="status-site", classes="-long",
                    markup=False)
        yield Label(f"{self.terminal_id} · {self.site_name}", id="status-site-short", classes="-short",
                    markup=False)
        yield Label(f"{self.operator_name} ({ROLE_LABELS.get(self.role, self.role)})", id="status-operator",
                    classes="-long", markup=False)
        yield Label(self.operator_name, id="status-operator-short", classes="-short", markup=False)
        yield Label("", id="status-devices", markup=False)
        yield Label("", id="status-business-date", classes="-long")
        yield Label("", id="status-business-date-short", classes="-short")

    def on_mount(self) -> None:
        if hasattr(self.app, "device_state"):  # the counter app (a bare test app has no poller)
            self.watch(self.app, "device_state", self.show_devices, init=True)
        self._show_business_date()
        # The cut-off can pass while someone stays signed in.
        self.set_interval(30, self._show_business_date)

    def _show_business_date(self) -> None:
        day = business_date(cutoff=self.business_day_cutoff)
        self.query_one("#status-business-date", Label).update(f"Business date {day:%a %Y-%m-%d}")
        self.query_one("#status-business-date-short", Label).update(f"{day:%a %Y-%m-%d}")

    def show_devices(self, state: DeviceLine | None) -> None:
        """The drawer as its sensor reports it, and a printer fault, while there is one to report."""
        label = self.query_one("#status-devices", Label)
        words = state.words() if state is not None else ""
        label.update(f" {words} " if words else "")
        label.display = bool(words)
        label.set_class(state is not None and state.alert, "-alert")


@dataclass(frozen=True)
class DeviceLine:
    """What the printer poller last learnt: the drawer (None: not known) and any printer fault, in brief.

    ``drawer_watched``: the site reads the drawer's sensor, so a drawer not known says "unknown".
    ``printer_fault`` is the brief form ("paper out") so the operator and the date keep their room.
    """

    drawer_open: bool | None = None
    printer_fault: str | None = None
    drawer_watched: bool = False

    @property
    def alert(self) -> bool:
        return bool(self.drawer_open or self.printer_fault)

    def words(self) -> str:
        parts = []
        if self.drawer_open is not None:
            parts.append("Drawer OPEN" if self.drawer_open else "Drawer closed")
        elif self.drawer_watched:
            parts.append("Drawer unknown")
        if self.printer_fault:
            parts.append(f"Printer: {self.printer_fault}")
        return " · ".join(parts)
