"""The suite writes only into its own temporary folder, and what it leaves there is scanned for card numbers."""

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import platformdirs
import pytest

from pos.core.settings import Settings, user_data_dir
from tests import suite_home



def inside(path: Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_home_the_xdg_folders_and_tmp_are_the_suites_own():
    for path in (Path.home(), user_data_dir(), Path(platformdirs.user_config_dir("pos")),
                 Path(platformdirs.user_cache_dir("pos")), Path(platformdirs.user_state_dir("pos")),
                 Path(tempfile.gettempdir())):
        assert inside(path, suite_home.ROOT), path


def test_a_subprocess_inherits_the_suites_home():
    shown = subprocess.run([sys.executable, "-c", "import platformdirs, tempfile; "
                            "print(platformdirs.user_data_dir('pos')); print(tempfile.gettempdir())"],
                           capture_output=True, text=True, check=True)
    assert all(inside(Path(line), suite_home.ROOT) for line in shown.stdout.splitlines())


def test_a_receipt_with_no_printer_folder_configured_lands_in_the_suites_home():
    """The $15.00 receipt of the CLI test used to land in ~/.local/share/pos/receipts of whoever ran the suite."""
    from pos.core.printing import printer_for

    settings = Settings(printer={"backend": "file", "directory": ""})
    printer = printer_for(settings)
    printer.send("suite-home-check", b"\x1b@", "a receipt")
    written = user_data_dir() / "receipts" / "suite-home-check.txt"
    assert written.read_text(encoding="utf-8") == "a receipt"
    assert inside(written, suite_home.ROOT)
    written.unlink()
    (written.parent / "suite-home-check.escpos").unlink()


def test_the_real_folders_listing_sees_a_new_file(tmp_path):
    before = suite_home._listing([tmp_path])
    (tmp_path / "receipts").mkdir()
    (tmp_path / "receipts" / "T01-000001.txt").write_text("x", encoding="utf-8")
    after = suite_home._listing([tmp_path])
    assert [path for path, seen in after.items() if before.get(path) != seen] == [
        str(tmp_path / "receipts" / "T01-000001.txt")]


# The scan at the end of the run ------------------------------------------------------------------


@pytest.fixture
def planted(tmp_path):
    """A folder for files planted with a card number on purpose; removed after the test, or the scan at the end
    of the run would (rightly) find them."""
    folder = tmp_path / "planted"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder)


def test_the_scan_finds_a_card_number_in_a_database_column_and_names_it(planted):
    database = planted / "pos.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE payment_txn (id TEXT, note TEXT, total_cents INTEGER)")
        connection.execute("INSERT INTO payment_txn VALUES ('9f1c2a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f', 'fine', 1500)")
        connection.execute("INSERT INTO payment_txn VALUES ('x', 'card 4111 1111 1111 1111 exp 12/27', 1500)")
    connection.close()
    assert suite_home.scan_for_card_numbers(planted) == [f"{database}: table payment_txn, column note"]


def test_the_scan_finds_a_card_number_in_a_receipt_and_in_a_compressed_pdf(planted):
    (planted / "receipts").mkdir()
    (planted / "receipts" / "T01-000001.txt").write_text("Check 4111111111111111-1\n", encoding="utf-8")
    stream = zlib.compress(b"BT (Note: 5500-0000-0000-0004) Tj ET")
    (planted / "closeout.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> stream\n" + stream + b"\nendstream\n")
    assert suite_home.scan_for_card_numbers(planted) == [f"{planted / 'closeout.pdf'}: its text",
                                                          f"{planted / 'receipts' / 'T01-000001.txt'}: its text"]


def test_the_scan_leaves_hashes_uuids_account_numbers_and_dates_alone(tmp_path):
    (tmp_path / "audit.log").write_text(
        "hash 4111111111111111aa0f3c9e2b7d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6 "
        "id 41111111-1111-1111-a111-111111111111 account 0001000000 at 2026-11-29 22:30:01 "
        "receipt T01-000001 phone (555) 010-0100 amount $1,234.56\n", encoding="utf-8")
    page = zlib.compress(b"BT 1 0 0 1 72 700 Tm 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 re (Total $1,234.56) Tj ET")
    (tmp_path / "z.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> stream\n" + page + b"\nendstream\n")
    assert suite_home.scan_for_card_numbers(tmp_path) == []
