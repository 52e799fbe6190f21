"""The printer's real-time status (DLE EOT), decoded per the Epson ESC/POS reference into what a cashier must do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DLE_EOT = b"\x10\x04"
# n=1 printer, n=2 offline cause, n=3 error cause, n=4 roll paper sensor.
STATUS_QUERIES = (1, 2, 3, 4)
# Every DLE EOT answer has bit 0 = 0, bit 1 = 1, bit 4 = 1 and bit 7 = 0; anything else is not an answer.
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12

DrawerSensor = Literal["none", "open_when_high", "open_when_low"]


def status_query(n: int) -> bytes:
    """``DLE EOT n``: a real-time request the printer answers even while offline."""
    return DLE_EOT + bytes((n,))


def is_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_BITS


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said (or why it said nothing). ``fault`` is why nothing may be sent now."""

    reachable: bool = True
    reported: bool = True  # False: this transport cannot ask (file, lp, CUPS): assumed ready
    online: bool = True
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    feeding: bool = False  # paper being fed with the feed button
    error: str | None = None  # "autocutter", "unrecoverable", "recoverable", "head temperature"
    drawer_pin3_high: bool | None = None  # the drawer kick-out connector's sensor level
    problem: str | None = None  # why the printer could not be asked (unreachable, no answer)

    @classmethod
    def unreachable(cls, problem: str) -> PrinterStatus:
        return cls(reachable=False, online=False, problem=problem)

    @classmethod
    def not_reported(cls) -> PrinterStatus:
        return cls(reported=False)

    @property
    def fault(self) -> str | None:
        """Why a receipt must wait, in the cashier's words and with what to do; None when it may print."""
        if not self.reachable:
            return f"the printer is unreachable ({self.problem}): check its power and cable"
        if self.cover_open:
            return "the printer cover is open: close it"
        if self.paper_out:
            return "the printer is out of paper: put a new roll in"
        if self.error:
            return f"the printer reports an error ({self.error}): switch it off and on"
        if self.feeding:
            return "paper is being fed with the feed button"
        if not self.online:
            return "the printer is offline: check it is switched on and its light is steady"
        return None

    @property
    def fault_brief(self) -> str | None:
        """The fault in two or three words, for the status bar of every screen; None when it may print."""
        if self.fault is None:
            return None
        if not self.reachable:
            return "unreachable"
        if self.cover_open:
            return "cover open"
        if self.paper_out:
            return "paper out"
        if self.error:
            return "error"
        if self.feeding:
            return "feeding paper"
        return "offline"

    @property
    def slip_fault(self) -> str | None:
        """Why the slip station cannot print now (the roll's paper does not matter to it)."""
        if not self.reachable or self.cover_open or self.error:
            return self.fault
        return None

    @property
    def warning(self) -> str | None:
        if self.fault is None and self.paper_near_end:
            return "the printer's paper is nearly out: change the roll soon"
        return None

    def drawer_open(self, sensor: DrawerSensor) -> bool | None:
        """Whether the drawer is open, when the printer reports its sensor and the site says how it reads.

        None (unknown) while the printer is in a fault or unreachable: its answer then says nothing
        the cashier may rely on, and "closed" would hide a drawer left open.
        """
        if sensor == "none" or self.drawer_pin3_high is None or self.fault is not None:
            return None
        return self.drawer_pin3_high if sensor == "open_when_high" else not self.drawer_pin3_high

    @property
    def summary(self) -> str:
        """One line for the devices screen and `pos printer status`."""
        if not self.reported:
            return "ready (this connection does not report the printer's status)"
        fault = self.fault
        if fault:
            return fault[0].upper() + fault[1:]
        return "Ready; paper nearly out" if self.paper_near_end else "Ready"


def decode_status(answers: dict[int, int]) -> PrinterStatus:
    """The status from the answer byte to each ``DLE EOT n`` asked (any of n = 1, 2, 3, 4).

    Raises ``ValueError`` for a byte that is not a status answer (its fixed bits are wrong).
    """
    for n, value in answers.items():
        if not is_status_byte(value):
            raise ValueError(f"0x{value:02X} is not an answer to DLE EOT {n}")
    printer = answers.get(1, 0x12)
    offline = answers.get(2, 0x12)
    error = answers.get(3, 0x12)
    paper = answers.get(4, 0x12)
    error_kind = None
    if error & 0x08:
        error_kind = "autocutter"
    elif error & 0x20:
        error_kind = "unrecoverable"
    elif error & 0x40:
        error_kind = "head temperature"
    elif error & 0x04:
        error_kind = "recoverable"
    elif offline & 0x40:
        error_kind = "error"
    return PrinterStatus(
        online=not printer & 0x08,
        cover_open=bool(offline & 0x04),
        paper_out=bool(offline & 0x20) or bool(paper & 0x60),
        paper_near_end=bool(paper & 0x0C),
        feeding=bool(offline & 0x08),
        error=error_kind,
        drawer_pin3_high=bool(printer & 0x04) if 1 in answers else None,
    )
