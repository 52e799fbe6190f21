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
from receipts.printers import kick_bytes

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
    kick_drawer: tuple[int, int, int] | None = None,
    symbol: str = "$",
) -> bytes:
    """The receipt as ESC/POS bytes: initialise, optional drawer pulse, the layout, barcode, cut.

    ``kick_drawer`` is ``(pin, on_ms, off_ms)``. Characters the printer's code pages cannot hold
    print as ``?``. Raises ``PrinterError`` for a profile python-escpos does not know.
    """
    printer = escpos_dummy(profile)
    printer.hw("INIT")
    if kick_drawer is not None:
        printer._raw(kick_bytes(*kick_drawer))
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


class EncodableText:
    """Replaces characters none of the profile's code pages can print with ``?`` (``??`` when wide).

    python-escpos switches code pages by itself for accented letters and the euro sign, but a
    single CJK character makes it send the whole string as GB18030, which a Western printer prints
    as garbage; characters it cannot place at all it already prints as ``?``.
    """

    def __init__(self, printer: Dummy) -> None:
        self._encoder = printer.magic.encoder
        self._known: dict[str, bool] = {}

    def only(self, text: str) -> str:
        # A wide character stands for two columns in the layout, so it becomes "??" to keep amounts aligned.
        return "".join(ch if self._can_print(ch) else "?" * display_width(ch) for ch in text)

    def _can_print(self, ch: str) -> bool:
        if ch < "\x80":
            return ch >= " "
        if ch not in self._known:
            self._known[ch] = any(self._encoder.can_encode(name, ch) for name in self._encoder.codepages)
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
