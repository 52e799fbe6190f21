"""Everything the terminal writes is private to its owner: files 0600, folders 0700 (issue 10, point 11)."""

import os
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from pos.core.db import open_database
from pos.core.files import private_dir, write_private
from pos.core.settings import Settings

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The most careless umask a service could run with: nothing is private unless the terminal makes it so."""
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def test_a_new_database_and_its_wal_and_shm_are_private_in_a_private_folder(tmp_path, open_umask):
    folder = tmp_path / "data" / "pos"
    database = open_database(f"sqlite:///{folder / 'pos.db'}")
    try:
        with database.unit_of_work() as uow:
            uow.execute(text("SELECT count(*) FROM operator"))
        files = {path.name: mode(path) for path in folder.iterdir()}
    finally:
        database.dispose()
    assert files == {"pos.db": 0o600, "pos.db-wal": 0o600, "pos.db-shm": 0o600}
    assert (mode(folder), mode(folder.parent)) == (0o700, 0o700)


def test_an_existing_readable_database_is_made_private_when_opened(tmp_path, open_umask):
    first = open_database(f"sqlite:///{tmp_path / 'pos.db'}")
    first.dispose()
    os.chmod(tmp_path / "pos.db", 0o644)
    again = open_database(f"sqlite:///{tmp_path / 'pos.db'}")
    again.dispose()
    assert mode(tmp_path / "pos.db") == 0o600


def test_receipt_files_and_the_drawer_kick_file_are_private(tmp_path, open_umask):
    from pos.core.printing import printer_for

    printer = printer_for(Settings(printer={"backend": "file", "directory": str(tmp_path / "receipts")}))
    printer.send("T01-000001-receipt-1", b"\x1b@receipt", "receipt")
    printer.kick_drawer(2, 100, 100)
    folder = tmp_path / "receipts"
    assert mode(folder) == 0o700
    assert {path.name: mode(path) for path in folder.iterdir()} == {
        "T01-000001-receipt-1.escpos": 0o600, "T01-000001-receipt-1.txt": 0o600, "drawer-kicks.escpos": 0o600}


def test_a_report_pdf_is_private_and_a_rewritten_one_is_made_private_again(tmp_path, open_umask):
    from drawer.paper import save_pdf

    settings = Settings(drawer={"reports_dir": str(tmp_path / "reports")})
    path = save_pdf(settings, "closeout-T01-2026-11-29", b"%PDF-1.4 one")
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)
    os.chmod(path, 0o644)
    assert mode(save_pdf(settings, "closeout-T01-2026-11-29", b"%PDF-1.4 two")) == 0o600


def test_the_demo_folder_database_and_receipts_are_private(tmp_path, open_umask):
    from pos.core.printing import printer_for
    from pos.demo import build_demo, demo_settings

    folder = tmp_path / "demo"
    settings = demo_settings(Settings(security={"audit_key": "test-audit-key-0123"}), folder)
    build_demo(settings, accounts=20)
    printer_for(settings).send("T01-000001-receipt-1", b"\x1b@", "receipt")
    assert mode(folder) == 0o700
    for path in folder.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_written_files_and_folders_made_for_them_are_private(tmp_path, open_umask):
    written = write_private(tmp_path / "out" / "slip.pdf", b"%PDF")
    assert (mode(written), mode(written.parent)) == (0o600, 0o700)


def test_an_existing_folder_keeps_the_mode_the_site_gave_it(tmp_path, open_umask):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    os.chmod(shared, 0o750)
    private_dir(shared / "receipts")
    assert (mode(shared), mode(shared / "receipts")) == (0o750, 0o700)
