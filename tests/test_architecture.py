"""Shape of the code: the domain never imports the UI, and the app never calls create_all."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ["pos.core", "pos.core.settings", "pos.core.money", "pos.core.db", "pos.core.models", "pos.core.audit",
          "pos.core.operators", "pos.core.accounts", "pos.core.scanline", "pos.core.clock", "drawer", "receipts",
          "batches", "sync", "sync.account_master", "sync.fee_codes", "pos.demo", "receipts.layout", "receipts.escpos_render",
          "receipts.printers", "receipts.printing", "pos.core.payments", "pos.core.printing", "pos.core.tenders",
          "drawer.sessions", "batches.service", "pos.core.cards", "pos.core.files"]


def test_domain_packages_do_not_import_textual():
    code = ("import sys\n" + "".join(f"import {name}\n" for name in DOMAIN) +
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "print(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_application_code_never_calls_create_all():
    offenders = [str(path.relative_to(ROOT)) for package in ("pos", "drawer", "receipts", "batches", "sync")
                 for path in (ROOT / package).rglob("*.py") if "create_all(" in path.read_text()]
    assert offenders == []


def test_no_float_type_near_money_columns():
    import re

    models = (ROOT / "pos" / "core" / "models.py").read_text()
    assert not re.search(r":\s*(Optional\[)?float\b", models)  # the drawer's float_cents is a cash float
    assert "Float(" not in models and "Numeric(" not in models
