"""The sync package sits below the drawer and batches: it imports neither, nor any face (textual, TUI, CLI)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYNC = ["sync.contract", "sync.payload", "sync.filedrop", "sync.outbox", "sync.transport", "sync.sender",
        "sync.pending", "sync.pull", "sync.runner", "sync.reference_ledger", "sync.account_master", "sync.fee_codes"]


def test_sync_imports_no_drawer_batches_or_faces():
    code = ("import sys\n" + "".join(f"import {name}\n" for name in SYNC) +
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'drawer', 'batches') "
            "or m.startswith(('pos.tui', 'pos.cli')))\nprint(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""
