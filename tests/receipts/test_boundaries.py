"""The receipts package stays on the domain side: it never imports the TUI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_receipt_modules_do_not_import_textual_even_after_rendering():
    code = (
        "import sys\n"
        "import receipts.layout, receipts.escpos_render, receipts.printers, receipts.printing\n"
        "from tests.receipts.conftest import split_payment\n"
        "receipts.escpos_render.render_escpos(split_payment(), 42)\n"
        "print(','.join(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""
