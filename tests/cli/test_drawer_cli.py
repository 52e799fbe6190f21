"""`pos drawer list|report|history|deposit` on a real database after a drawer day built through the services."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from typer.testing import CliRunner

from pos.cli.main import app
from tests.cli.test_cli import config  # noqa: F401 - the fixture: a configuration on a fresh SQLite file

runner = CliRunner()
FLOAT = {"bill:2000": 5, "bill:1000": 5, "bill:500": 4, "bill:100": 30}  # $200.00


def pos(*args):
    return runner.invoke(app, list(args))


@pytest.fixture
def closed_day(config, tmp_path, monkeypatch):  # noqa: F811 - the imported fixture
    from drawer.day import CloseDrawer, CountDrawer, CountItem, MakeDrop, VerifyDrawer, close_drawer, make_drop, \
        save_count, verify_drawer
    from drawer.deposit import PrepareDeposit, prepare_deposit
    from drawer.sessions import OpenDrawer, open_drawer
    from pos.cli.common import database, settings
    from pos.core.operators import Credentials
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.tenders import TenderEntry
    from pos.demo import build_demo

    monkeypatch.setenv("POS_PRINTER__DIRECTORY", str(tmp_path / "receipts"))
    current = settings()
    build_demo(current, accounts=20)
    with database() as db:
        def run(service, command):
            with db.unit_of_work() as uow:
                return service(uow, command, current)

        run(open_drawer, OpenDrawer("amy", FLOAT))
        for cents, tender in ((2500, TenderEntry("cash", 2500)), (4000, TenderEntry("check", 4000, "1001"))):
            run(post_payment, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(cents, fee_code="CIT-PARK"),),
                                          (tender,)))
        run(make_drop, MakeDrop("amy", {"bill:2000": 1}))
        run(save_count, CountDrawer("amy", {**FLOAT, "bill:500": 5}, (CountItem("check", "1001", 4000),)))
        closed = run(close_drawer, CloseDrawer("amy", 20000))
        run(verify_drawer, VerifyDrawer(Credentials("sam", "456789"), closed.session_id))
        run(prepare_deposit, PrepareDeposit(Credentials("sam", "456789"), (closed.session_id,), "BAG-77"))
    return closed.session_id


def test_list_shows_the_days_drawers_with_their_deposit(closed_day):
    shown = pos("drawer", "list")
    assert shown.exit_code == 0, shown.output
    assert closed_day[:8] in shown.stdout and "BAG-77" in shown.stdout and "closed" in shown.stdout
    [drawer] = json.loads(pos("drawer", "list", "--json").stdout)
    assert (drawer["status"], drawer["verified_by"], drawer["over_short_cents"]) == ("closed", "sam", 0)


def test_report_prints_tables_and_writes_csv_pdf_and_the_z_report(closed_day, tmp_path):
    out_csv, out_pdf = tmp_path / "z.csv", tmp_path / "z.pdf"
    shown = pos("drawer", "report", closed_day[:8], "--csv", str(out_csv), "--pdf", str(out_pdf), "--print")
    assert shown.exit_code == 0, shown.output
    for words in ("$200.00", "$25.00", "$40.00", "1001", "matched", "Printed on the receipt printer", "BAG-77"):
        assert words in shown.stdout
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert rows and {"section", "amount_cents"} <= set(rows[0])
    assert out_pdf.read_bytes().startswith(b"%PDF")
    assert list((tmp_path / "receipts").glob("closeout-T01-*.txt"))


def test_history_totals_over_short_per_cashier_and_refuses_a_bad_date(closed_day, tmp_path):
    from pos.core.clock import business_date

    today = str(business_date())
    shown = pos("drawer", "history", "--from", today, "--csv", str(tmp_path / "h.csv"))
    assert shown.exit_code == 0, shown.output
    assert "amy" in shown.stdout and "total" in shown.stdout
    assert (tmp_path / "h.csv").read_text().count("\n") == 2
    refused = pos("drawer", "history", "--from", "24/11/2026")
    assert refused.exit_code == 1 and "--from" in refused.output and "is not a date" in refused.output


def test_deposit_slip_shows_cash_checks_and_totals(closed_day, tmp_path):
    shown = pos("drawer", "deposit", "BAG-77", "--pdf", str(tmp_path / "d.pdf"))
    assert shown.exit_code == 0, shown.output
    assert "BAG-77" in shown.stdout and "1001" in shown.stdout
    # $25.00 cash and a $40.00 check collected: the $20.00 drop reaches the bank with the $5.00 left in the drawer.
    assert "DEPOSIT TOTAL                             $65.00" in shown.stdout
    assert "Cash from drops                         $20.00" in shown.stdout
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    missing = pos("drawer", "report", "zzzzzz")
    assert missing.exit_code == 1 and "no drawer session starts with zzzzzz" in missing.output


def test_report_of_an_uncounted_blind_drawer_shows_no_expected_cash(config, tmp_path, monkeypatch):  # noqa: F811
    from drawer.sessions import OpenDrawer, open_drawer
    from pos.cli.common import database, settings
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.tenders import TenderEntry
    from pos.demo import build_demo

    monkeypatch.setenv("POS_PRINTER__DIRECTORY", str(tmp_path / "receipts"))
    current = settings()
    assert current.drawer.blind_close
    build_demo(current, accounts=20)
    with database() as db:
        with db.unit_of_work() as uow:
            session_id = open_drawer(uow, OpenDrawer("amy", FLOAT), current).drawer.session_id
        with db.unit_of_work() as uow:
            post_payment(uow, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(23796, fee_code="CIT-PARK"),),
                                          (TenderEntry("cash", 23796),)), current)
    shown = pos("drawer", "report", session_id[:8], "--print")
    assert shown.exit_code == 0, shown.output
    assert "437.96" not in shown.output and "blind" in shown.output
    printed = "".join(path.read_text() for path in (tmp_path / "receipts").glob("closeout-*.txt"))
    assert printed and "437.96" not in printed
