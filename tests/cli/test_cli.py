"""The `pos` command line, driven as an administrator would with its real database."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pos.cli.main import app
from pos.demo import write_accounts_csv

runner = CliRunner()


@pytest.fixture
def config(tmp_path, monkeypatch):
    file = tmp_path / "pos.toml"
    file.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "pos.db"}"\n'
                    f'[printer]\ndirectory = "{tmp_path / "receipts"}"\n'
                    f'[security]\naudit_key = "cli-test-key-123"\nsignin_delay_seconds = 0\n', encoding="utf-8")
    monkeypatch.setenv("POS_CONFIG", str(file))
    from pos.cli.common import state

    state.config = None
    state.settings = None  # what an earlier test's CLI call loaded
    return file


def pos(*args, input=None):  # noqa: A002 - mirrors CliRunner
    return runner.invoke(app, list(args), input=input)


def add_admin():
    result = pos("operator", "add", "boss", "--name", "Big Boss", "--role", "admin", input="909192\n909192\n")
    assert result.exit_code == 0, result.output


def test_operator_add_and_list(config):
    add_admin()
    result = pos("operator", "add", "amy", "--name", "Amy", "--role", "cashier", "--by", "boss",
                 input="909192\n1357\n1357\n")
    assert result.exit_code == 0, result.output
    listed = json.loads(pos("operator", "list", "--json").stdout)
    assert [(o["operator_id"], o["role"]) for o in listed] == [("amy", "cashier"), ("boss", "admin")]


def test_short_pin_is_refused_with_field_and_reason(config):
    add_admin()
    result = pos("operator", "add", "lee", "--name", "Lee", "--role", "lead", "--by", "boss",
                 input="909192\n1234\n1234\n")
    assert result.exit_code == 1
    assert "PIN: must be at least 6 digits for the lead role" in result.output
    assert "Traceback" not in result.output


def test_unlock_needs_a_supervisor_pin(config):
    add_admin()
    pos("operator", "add", "amy", "--name", "Amy", "--role", "cashier", "--by", "boss", input="909192\n1357\n1357\n")
    from pos.cli.common import database, settings  # same configuration as the CLI
    from pos.core import operators

    with database() as db:
        for _ in range(5):
            with db.unit_of_work() as uow, pytest.raises(Exception):
                operators.sign_in(uow, operators.SignIn("amy", "0000"), settings())
    assert "LOCKED" in pos("operator", "list").stdout
    assert pos("operator", "unlock", "amy", "--by", "boss", input="000000\n").exit_code == 1
    result = pos("operator", "unlock", "amy", "--by", "boss", input="909192\n")
    assert result.exit_code == 0, result.output
    assert "LOCKED" not in pos("operator", "list").stdout


def test_audit_verify_catches_a_row_edited_by_hand(config, tmp_path):
    add_admin()
    assert "OK" in pos("audit", "verify").stdout
    import sqlite3

    with sqlite3.connect(tmp_path / "pos.db") as connection:
        connection.execute("DROP TRIGGER audit_entry_no_update")  # what an examiner with the file can do
        connection.execute("UPDATE audit_entry SET operator_id = 'someone' WHERE seq = 1")
    result = pos("audit", "verify")
    assert result.exit_code == 1
    assert "row 1 was changed" in result.output


def test_audit_show_filters_by_kind(config):
    add_admin()
    rows = json.loads(pos("audit", "show", "--kind", "operator_added", "--json").stdout)
    assert [r["kind"] for r in rows] == ["operator_added"]


def test_accounts_import_and_find(config, tmp_path):
    path = write_accounts_csv(tmp_path / "ACCOUNTS.csv", 200)
    assert pos("db", "upgrade").exit_code == 0  # an import never creates the database
    result = pos("accounts", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported 200 accounts" in result.stdout
    found = json.loads(pos("accounts", "find", "0001000007", "--json").stdout)
    assert found["how"] == "number" and found["matches"][0]["account_number"] == "0001000007"


def test_bad_account_file_lists_each_bad_row_and_exits_1(config, tmp_path):
    path = write_accounts_csv(tmp_path / "ACCOUNTS.csv", 5)
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",active,", ",sleeping,").replace(",final,", ",sleeping,")
    lines[2] = lines[2].replace(",shutoff_pending,", ",sleeping,").replace(",closed,", ",sleeping,")
    lines[2] = lines[2].replace(",locked_off,", ",sleeping,")
    path.write_text("\n".join(lines) + "\n")
    assert pos("db", "upgrade").exit_code == 0
    result = pos("accounts", "import", str(path))
    assert result.exit_code == 1
    assert "line 3, column status: unknown status 'sleeping'" in result.output
    assert "nothing was imported" in result.output


def test_bad_configuration_stops_with_file_key_and_reason(tmp_path, monkeypatch):
    file = tmp_path / "pos.toml"
    file.write_text('[terminal]\nid = "not valid"\n')
    monkeypatch.setenv("POS_CONFIG", str(file))
    result = subprocess.run([sys.executable, "-m", "pos", "config", "check"], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{file}: terminal.id:" in result.stderr
    assert "Traceback" not in result.stderr


def test_fee_codes_import_and_list(config, tmp_path):
    from pos.demo import write_fee_codes_csv

    path = write_fee_codes_csv(tmp_path / "fees.csv")
    assert pos("db", "upgrade").exit_code == 0
    assert pos("feecodes", "import", str(path)).exit_code == 0
    codes = json.loads(pos("feecodes", "list", "--json").stdout)
    assert {"PERMIT-BKF", "CIT-PARK", "BKF-TEST", "RECONNECT", "DEPOSIT"} <= {c["code"] for c in codes}


def test_receipt_show_waiting_and_print(config, tmp_path):
    import uuid

    from sqlalchemy import text

    from drawer.sessions import OpenDrawer, open_drawer
    from pos.cli.common import database, settings
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.tenders import TenderEntry
    from pos.demo import build_demo

    build_demo(settings(), accounts=20)
    with database() as db:
        with db.unit_of_work() as uow:
            open_drawer(uow, OpenDrawer("amy", {"bill:10000": 2}), settings())
        with db.reader() as uow:
            number = uow.execute(text("SELECT account_number FROM account WHERE cash_only = false LIMIT 1")).scalar()
        with db.unit_of_work() as uow:
            post_payment(uow, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(1500, number),),
                                          (TenderEntry("cash", 2000),),
                                          acknowledged=frozenset({"overpayment", "below_installment",
                                                                  "inactive_account"})), settings())
    shown = pos("receipt", "show", "t01-000001")
    assert shown.exit_code == 0, shown.output
    assert "T01-000001" in shown.stdout and "Change" in shown.stdout
    assert [j["receipt_number"] for j in json.loads(pos("receipt", "waiting", "--json").stdout)] == ["T01-000001"]
    assert "Printed T01-000001" in pos("receipt", "print").stdout
    assert json.loads(pos("receipt", "waiting", "--json").stdout) == []


def test_the_demo_prints_on_the_printer_the_site_configured(tmp_path):
    from pos.core.settings import Settings
    from pos.demo import demo_settings

    filed = demo_settings(Settings(), tmp_path)
    assert (filed.printer.backend, filed.printer.directory) == ("file", str(tmp_path / "receipts"))
    assert filed.database_url() == f"sqlite:///{tmp_path / 'pos.db'}"
    networked = demo_settings(Settings(printer={"backend": "network", "host": "127.0.0.1", "port": 9101}), tmp_path)
    assert (networked.printer.backend, networked.printer.port) == ("network", 9101)
    assert networked.drawer.reports_dir == str(tmp_path / "reports")


def test_dash_dash_demo_reads_the_demo_counters_database(config, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    built = pos("demo", "--no-tui", "--accounts", "20")
    assert built.exit_code == 0, built.output
    assert str(tmp_path / "data" / "pos" / "demo" / "pos.db") in built.stdout.replace("\n", "")
    demo_operators = {row["operator_id"] for row in json.loads(pos("--demo", "operator", "list", "--json").stdout)}
    assert {"amy", "sam", "lena"} <= demo_operators
    own = pos("operator", "list", "--json")  # the site's own database is another one, not made yet
    assert own.exit_code == 1 and "no database at" in own.output


def test_receipt_waiting_lists_a_drawer_slip_and_receipt_print_prints_it(config, tmp_path):
    from drawer.day import MakeLoan, make_loan
    from drawer.sessions import OpenDrawer, open_drawer
    from pos.cli.common import database, settings
    from pos.demo import build_demo

    build_demo(settings(), accounts=20)
    with database() as db:
        with db.unit_of_work() as uow:
            open_drawer(uow, OpenDrawer("amy", {"bill:10000": 2}), settings())
        with db.unit_of_work() as uow:
            loan = make_loan(uow, MakeLoan("amy", {"coin:25": 4}), settings())
    [job] = json.loads(pos("receipt", "waiting", "--json").stdout)
    assert (job["receipt_number"], job["kind"], job["status"]) == (loan.number, "slip", "pending")
    assert f"Printed {loan.number} (slip)" in pos("receipt", "print").stdout
    assert json.loads(pos("receipt", "waiting", "--json").stdout) == []
