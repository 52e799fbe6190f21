"""A drawer document on screen (Z report, deposit slip): read it, print it on the receipt printer, keep it as PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Static

from drawer.report_model import CloseoutReport, DepositSlip
from pos.core.errors import PosError
from pos.tui.screens.base import CounterScreen, said
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.receipt_preview import ReceiptPreview

if TYPE_CHECKING:
    from pathlib import Path

    from pos.core.settings import Settings


@dataclass(frozen=True)
class Document:
    """What the screen shows and prints: ``name`` names the printed job and the PDF file."""

    title: str
    name: str
    text: str
    pdf: Callable[[], bytes]  # built only when the PDF is asked for (F11), in a worker thread

    @classmethod
    def of(cls, source: Document | CloseoutReport | DepositSlip, settings: Settings) -> Document:
        if isinstance(source, Document):
            return source
        if isinstance(source, CloseoutReport):
            return closeout_document(source, settings)
        if isinstance(source, DepositSlip):
            return deposit_document(source, settings)
        raise TypeError(f"not a drawer document: {type(source).__name__}")


def closeout_document(report: CloseoutReport, settings: Settings) -> Document:
    from drawer.documents import closeout_pdf, closeout_text
    from pos.core.printing import paper_columns

    symbol = settings.money.currency_symbol
    return Document(
        title=f"Closeout report: {report.operator_name}'s drawer on {report.terminal_id}, {report.business_date}",
        name=f"closeout-{report.terminal_id}-{report.business_date}-{report.session_id[:8]}",
        text=closeout_text(report, paper_columns(settings), symbol=symbol),
        pdf=lambda: closeout_pdf(report, symbol=symbol))


def deposit_document(slip: DepositSlip, settings: Settings) -> Document:
    from drawer.documents import deposit_slip_pdf, deposit_slip_text
    from pos.core.printing import paper_columns

    symbol = settings.money.currency_symbol
    return Document(
        title=f"Deposit slip: bag {slip.bag_number}, {slip.business_date}",
        name=f"deposit-{slip.bag_number}-{slip.business_date}",
        text=deposit_slip_text(slip, paper_columns(settings), symbol=symbol),
        pdf=lambda: deposit_slip_pdf(slip, symbol=symbol))


class ReportViewScreen(CounterScreen):
    """Pushed over the screen that asked for it; Esc goes back there. ↑↓ PgUp PgDn scroll the document."""

    BINDINGS = [
        Binding("f9", "print_document", "Print", show=True),
        Binding("f11", "save_pdf", "Save PDF", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    @dataclass
    class Printed(Message):
        """The document went to the receipt printer, or ``error`` says why it did not."""

        error: str | None

    @dataclass
    class Saved(Message):
        path: Path

    def __init__(self, settings: Settings, document: Document | CloseoutReport | DepositSlip) -> None:
        super().__init__()
        self.settings = settings
        self.document = Document.of(document, settings)

    def compose(self) -> ComposeResult:
        with Vertical(id="report-body"):
            yield Label(self.document.title, id="report-title", classes="screen-title", markup=False)
            yield ReceiptPreview(id="report-text")
            yield Static("F9 prints it on the receipt printer, F11 keeps it as a PDF, Esc goes back.",
                         id="report-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        preview = self.query_one("#report-text", ReceiptPreview)
        preview.show(self.document.text)
        preview.focus()

    def action_back(self) -> None:
        self.dismiss()

    # Printing --------------------------------------------------------------------------------------

    def action_print_document(self) -> None:
        self._say("Printing…")
        self._print(self.document)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _print(self, document: Document) -> None:
        from drawer.paper import print_document

        self.post_message(self.Printed(print_document(self.settings, document.name, document.text)))

    @on(Printed)
    def _printed(self, event: Printed) -> None:
        if event.error is None:
            self._say("Printed on the receipt printer.")
            self.notify(f"{self.document.title} printed.", title="Printer", markup=False)
        else:
            self._say(f"Not printed: {event.error}. F9 prints it again once the printer is ready.")
            self.notify(f"Not printed: {event.error}.", title="Printer", severity="warning", markup=False)

    # PDF -------------------------------------------------------------------------------------------

    def action_save_pdf(self) -> None:
        self._say("Saving the PDF…")
        self._save(self.document)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pdf")
    def _save(self, document: Document) -> None:
        from drawer.paper import reports_dir, save_pdf

        data = document.pdf()
        try:
            path = save_pdf(self.settings, document.name, data)
        except OSError as error:
            raise PosError(f"Cannot save the PDF in {reports_dir(self.settings)}: {error.strerror or error}",
                           title="PDF") from None
        self.post_message(self.Saved(path))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self._say(f"Saved as {event.path}")
        self.notify(f"Saved as {event.path}", title="PDF", markup=False)

    @on(CounterScreen.WorkFailed)
    def _work_failed(self, event: CounterScreen.WorkFailed) -> None:
        # The app shows the error itself; this line says what did not happen.
        message = said(event.error)
        what = "Not saved" if event.worker.group == "pdf" else "Not printed"
        self._say(f"{what}: {message}")

    def _say(self, text: str) -> None:
        self.query_one("#report-message", Static).update(text)
