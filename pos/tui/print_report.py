"""What a pass over the print queue did, in the words the cashier reads under a payment or a reprint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos.core.printing import JobPrinted


@dataclass(frozen=True)
class PrintReport:
    text: str
    waiting: bool  # something is still waiting for the printer: the retry key is offered


def report(results: list[JobPrinted], receipt_number: str, *, what: str = "Receipt") -> PrintReport:
    """``results`` of ``print_waiting``; the sentence is about ``receipt_number`` and anything still waiting."""
    if not results:
        return PrintReport(f"{what} waiting: no receipt printer is configured on this terminal", True)
    failed = next((result for result in results if not result.printed), None)
    if failed is not None:
        return PrintReport(f"{what} waiting: {failed.error}", True)
    ours = [result for result in results if result.job.receipt_number == receipt_number]
    words = [f"{what} {receipt_number} printed." if ours else f"{what} {receipt_number}: nothing was waiting."]
    for result in ours:
        if result.drawer_error:
            words.append(f"The drawer did not open: {result.drawer_error}. Open it with its key.")
        elif result.drawer_opened:
            words.append("Drawer opened.")
    return PrintReport(" ".join(words), False)
