"""`pos drawer …`: closeout reports, over/short history, and the cash drawer itself."""

from __future__ import annotations

from pos.cli.common import sub_app

app = sub_app("Drawer: closeout (Z) reports, over/short history, opening the cash drawer.")
