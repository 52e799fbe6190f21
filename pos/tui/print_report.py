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
    unknown: bool = False  # sent but not confirmed: the retry key asks for a REPRINT


def report(results: list[JobPrinted], receipt_number: str, *, what: str = "Receipt",
           printer_configured: bool = True) -> PrintReport:
    """``results`` of ``print_waiting``; the sentence is about ``receipt_number`` and anything still waiting."""
    if not results and not printer_configured:
        return PrintReport(f"{what} waiting: no receipt printer is configured on this terminal.", True)
    if not results:  # the printer poller (or `pos receipt print`) took it first: it reports on it itself
        return PrintReport(f"{what} {receipt_number} is being printed, or was, from the print queue.", False)
    failed = next((result for result in results if not result.printed), None)
    if failed is not None and failed.unknown:
        return PrintReport(f"{what} {failed.job.receipt_number} may not have printed: {failed.error}. Look at the "
                           "printer; if it did not come out, F5 prints a REPRINT.", True, unknown=True)
    if failed is not None and failed.held and " is unreachable" in (failed.error or ""):
        return PrintReport(f"{what} waiting: {failed.error}. It prints by itself once the printer answers.", True)
    if failed is not None and failed.held:
        return PrintReport(f"{what} waiting because {failed.error.split(': ', 1)[-1]}. It prints by itself once "
                           "the printer is ready.", True)
    if failed is not None:
        return PrintReport(f"{what} waiting: {failed.error}. It is tried again by itself.", True)
    ours = [result for result in results if result.job.receipt_number == receipt_number]
    words = [f"{what} {receipt_number} printed." if ours else f"{what} {receipt_number}: nothing was waiting."]
    for result in ours:
        if result.warning:
            words.append(f"Note: {result.warning}.")
    return PrintReport(" ".join(words), False)
