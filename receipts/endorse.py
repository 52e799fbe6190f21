"""Check endorsement on a slip station: "For deposit only", the site, the bank account, the date and receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from receipts.display import fit

INITIALISE = b"\x1b\x40"
ROLL = b"\x1b\x63\x30\x01"  # ESC c 0 1: back to the roll paper
EJECT = b"\x0c"  # FF in slip mode: print what is buffered and eject the check
WAIT_FOR_SLIP_MINUTES = 1  # ESC f: how long the printer waits for the check to be inserted


@dataclass(frozen=True)
class Endorsement:
    """What is printed on the back of one check."""

    heading: str
    site_name: str
    bank_account: str
    business_date: date
    receipt_number: str
    check_number: str | None = None

    def lines(self) -> list[str]:
        lines = [self.heading, self.site_name]
        if self.bank_account:
            lines.append(self.bank_account)
        lines.append(f"{self.business_date.isoformat()}  Receipt {self.receipt_number}")
        if self.check_number:
            lines.append(f"Check #{self.check_number}")
        return lines


def endorsement_bytes(endorsement: Endorsement, *, slip_paper: int = 0x04, columns: int = 40) -> bytes:
    """ESC/POS for the slip station: select the slip, wait for the check, print, eject, back to the roll."""
    body = b"".join(fit(line, columns).rstrip() + b"\n" for line in endorsement.lines())
    return (INITIALISE + b"\x1b\x63\x30" + bytes((slip_paper,)) + b"\x1b\x66" + bytes((WAIT_FOR_SLIP_MINUTES, 0))
            + body + EJECT + ROLL)
