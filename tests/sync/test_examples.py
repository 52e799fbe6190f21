"""The example files under config/examples import as they are, and the README documents every column."""

from __future__ import annotations

from pathlib import Path

from pos.core.accounts import get_account, list_fee_codes
from sync.account_master import ACCOUNT_COLUMNS, ImportAccounts, import_accounts
from sync.fee_codes import FEE_CODE_COLUMNS, ImportFeeCodes, import_fee_codes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "config" / "examples"


def test_the_example_account_master_imports(database, settings):
    [path] = EXAMPLES.glob("ACCOUNTS_*.csv")
    with database.unit_of_work() as uow:
        imported = import_accounts(uow, ImportAccounts(path), settings)
    assert imported.rows == 5
    with database.reader() as uow:
        accented = get_account(uow, "0001000035")
        arrangement = get_account(uow, "0001000000")
    assert accented.name == "Núñez, María José" and accented.status == "final"
    assert arrangement.status == "shutoff_pending"


def test_the_example_fee_codes_import(database, settings):
    with database.unit_of_work() as uow:
        imported = import_fee_codes(uow, ImportFeeCodes(EXAMPLES / "FEE_CODES.csv"), settings)
    assert imported.rows == 4
    with database.reader() as uow:
        codes = {fee.code: fee for fee in list_fee_codes(uow, active_only=False)}
    assert codes["RECON-AH"].fixed_amount_cents == 15000 and codes["CIT-PARK"].fixed_amount_cents is None
    assert not codes["OLD-FEE"].active


def test_the_readme_documents_every_column_of_both_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    office = readme[readme.index("## Setting up an office"):]
    for column in (*ACCOUNT_COLUMNS, *FEE_CODE_COLUMNS):
        assert f"| `{column}` |" in office, f"{column} is not documented in the README's office setup"
    for example in EXAMPLES.iterdir():
        assert f"config/examples/{example.name}" in office
