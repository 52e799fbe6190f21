"""ESC/POS rendering of the receipt layout through python-escpos, ready to send to a printer."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from receipts.errors import PrinterError
from receipts.layout import LayoutLine, display_width, layout_lines
from receipts.model import Receipt

if TYPE_CHECKING:
    from escpos.printer import Dummy

BARCODE_HEIGHT_DOTS = 60
# Two dots per module keeps a 10-character CODE128 (about 300 dots) inside a 58 mm head (384 dots).
BARCODE_MODULE_DOTS = 2

_import_lock = threading.Lock()
_escpos: dict[str, Any] = {}


def render_escpos(
    receipt: Receipt,
    columns: int,
    *,
    profile: str = "default",
    symbol: str = "$",
) -> bytes:
    """The receipt as ESC/POS bytes: initialise, the layout, barcode, cut; never a drawer pulse.

    Characters the printer's code pages cannot hold
    print as ``?``. Raises ``PrinterError`` for a profile python-escpos does not know.
    """
    printer = escpos_dummy(profile)
    printer.hw("INIT")
    encodable = EncodableText(printer)
    bold = double_height = False
    for line in layout_lines(receipt, columns, symbol=symbol):
        if (line.bold, line.double_height) != (bold, double_height):
            bold, double_height = line.bold, line.double_height
            printer.set(bold=bold, double_height=double_height, normal_textsize=not double_height)
        if line.barcode is not None and _barcode(printer, line):
            continue
        printer.text(encodable.only(line.text) + "\n")
    printer.cut()
    return printer.output


def text_escpos(text: str, *, profile: str = "default") -> bytes:
    """Plain text (a slip or report already laid out) as ESC/POS: initialise, the lines, feed, partial cut.

    Printed in the profile's fixed code page; what it cannot hold goes out as ``?``. Raises
    ``PrinterError`` for a profile python-escpos does not know.
    """
    printer = escpos_dummy(profile)
    printer.hw("INIT")
    encodable = EncodableText(printer)
    for line in text.splitlines():
        printer.text(encodable.only(line) + "\n")
    printer.cut(mode="PART")
    return printer.output


def _barcode(printer: Dummy, line: LayoutLine) -> bool:
    """Print ``line.barcode`` as CODE128 with its number underneath; False when it cannot be printed."""
    from escpos.exceptions import BarcodeCodeError, BarcodeSizeError, BarcodeTypeError

    if not printer.profile.supports("barcodeB"):
        return False
    # "{B" selects code set B (all printable ASCII); a literal "{" in the data is sent doubled.
    data = "{B" + (line.barcode or "").replace("{", "{{")
    try:
        # _hw_barcode rather than barcode(): the public method print()s to stdout on every call,
        # which would corrupt a CLI's --json output, and may fall back to a slow image render.
        printer._hw_barcode(
            data, "CODE128", height=BARCODE_HEIGHT_DOTS, width=BARCODE_MODULE_DOTS, pos="BELOW",
            font="A", align_ct=True, function_type="B", check=True,
        )
    except (BarcodeCodeError, BarcodeSizeError, BarcodeTypeError):
        return False
    printer.text("\n")
    printer.set(align="left")
    return True


# Code pages the common receipt printers (Epson and its clones) render, best first: CP858 is CP850 with the
# euro sign; CP437 has neither the euro nor most capitals with accents, but every printer has it.
PREFERRED_CODE_PAGES = ("CP858", "CP850", "CP437")


def code_page_for(profile_code_pages: dict[str, str]) -> tuple[str, int]:
    """The code page a job is printed in, and its ``ESC t n`` number, from the profile's table (number → name)."""
    for name in PREFERRED_CODE_PAGES:
        numbers = sorted(int(number) for number, page in profile_code_pages.items() if page == name)
        if numbers:
            return name, numbers[0]
    return "CP437", 0  # a profile that lists nothing: PC437 is every ESC/POS printer's power-on table


class EncodableText:
    """Selects one code page for the whole job and replaces what it cannot print with ``?`` (``??`` when wide).

    Creating it sends ``ESC t n`` for the profile's code page (CP858, else CP850, else CP437) and fixes
    python-escpos to it: left to itself python-escpos picks a code page per character, and the ones it
    picks for accented capitals and the euro sign (13, 15 in its table) print boxes on Epson-class
    printers; a single CJK character would send the whole line as GB18030.
    """

    def __init__(self, printer: Dummy) -> None:
        self.encoding, self.number = code_page_for(printer.profile.profile_data.get("codePages") or {})
        printer.charcode(self.encoding)  # ESC t n at once; every text() after it is encoded in this page only
        self._encoder = printer.magic.encoder
        self._known: dict[str, bool] = {}

    def only(self, text: str) -> str:
        # A wide character stands for two columns in the layout, so it becomes "??" to keep amounts aligned.
        return "".join(ch if self._can_print(ch) else "?" * display_width(ch) for ch in text)

    def _can_print(self, ch: str) -> bool:
        if ch < "\x80":
            return ch >= " "
        if ch not in self._known:
            self._known[ch] = self._encoder.can_encode(self.encoding, ch)
        return self._known[ch]


def escpos_dummy(profile: str) -> Dummy:
    """A python-escpos printer that only collects bytes, with ``profile``'s code pages and abilities."""
    dummy_class = _load_escpos()
    try:
        return dummy_class(profile=profile)
    except (KeyError, LookupError):
        raise PrinterError(
            f"Printer profile '{profile}' is not known to python-escpos; set printer.profile to "
            "'default' or your model (for example TM-T88V, TM-T20II)"
        ) from None


def _load_escpos() -> type[Dummy]:
    """Import python-escpos on first use, without its side effects on the terminal.

    Importing it costs a third of a second (kept off the TUI's start-up), parses its printer
    database and pickles it into a fresh temporary folder on every run unless told where to cache,
    and calls ``logging.basicConfig()``, which would make later warnings write over the TUI.
    """
    with _import_lock:
        if "Dummy" not in _escpos:
            cache = _cache_dir()
            if cache is not None:
                os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
            root = logging.getLogger()
            handlers_before = list(root.handlers)
            from escpos.printer import Dummy

            for handler in root.handlers[:]:
                if handler not in handlers_before:
                    root.removeHandler(handler)
            _escpos["Dummy"] = Dummy
        return _escpos["Dummy"]


def _cache_dir() -> Path | None:
    try:
        import platformdirs

        from pos.core.files import private_dir

        path = platformdirs.user_cache_path("pos", appauthor=False) / "escpos"
        return private_dir(path)
    except OSError:
        return None


def profile_columns(profile: str) -> int:
    """Characters per line of font A in the python-escpos profile, as one of the laid-out widths 32, 42, 48."""
    printer = escpos_dummy(profile)
    try:
        columns = int(printer.profile.profile_data["fonts"]["0"]["columns"])
    except (KeyError, TypeError, ValueError):
        return 42
    return max((width for width in (32, 42, 48) if width <= columns), default=32)
