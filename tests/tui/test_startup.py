"""The first frame comes fast: nothing that talks to the database or hashes PINs is imported for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "sqlmodel", "argon2", "alembic", "pos.core.db", "pos.core.operators", "pos.core.accounts")


def test_starting_the_app_imports_no_database_or_hashing_module():
    code = ("import sys\nimport pos.tui.app\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""
