"""`pos audit verify` and the key's configuration, driven from the command line on both engines."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from pos.cli.main import app
from tests.tampering import tamper

runner = CliRunner()
KEY = "cli-audit-key-4567"


@pytest.fixture
def config(tmp_path, monkeypatch, engine_url):
    file = tmp_path / "pos.toml"
    file.write_text(f'[database]\nurl = "{engine_url}"\n[security]\naudit_key = "{KEY}"\n'
                    f'[printer]\ndirectory = "{tmp_path / "receipts"}"\n', encoding="utf-8")
    monkeypatch.setenv("POS_CONFIG", str(file))
    for name in [n for n in os.environ if n.startswith("POS_") and n != "POS_CONFIG"]:
        monkeypatch.delenv(name)
    fresh()
    return file


def fresh():
    from pos.cli.common import state

    state.config = None
    state.settings = None  # what an earlier CLI call loaded


def pos(*args, input=None):  # noqa: A002 - mirrors CliRunner
    fresh()
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def counter(config):
    """A cash payment posted through the services with the CLI's own settings and database."""
    from drawer.sessions import OpenDrawer, open_drawer
    from pos.cli.common import database, settings
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.tenders import TenderEntry
    from pos.demo import build_demo

    build_demo(settings(), accounts=20)
    with database() as db:
        with db.unit_of_work() as uow:
            open_drawer(uow, OpenDrawer("amy", {"bill:10000": 2}), settings())
        with db.unit_of_work() as uow:
            post_payment(uow, PostPayment(str(uuid.uuid4()), "amy", (pos_line(),), (TenderEntry("cash", 5000),)),
                         settings())
        yield db


def pos_line():
    from pos.core.payments import LineEntry

    return LineEntry(5000, fee_code="CIT-PARK")


def test_a_tender_changed_in_the_database_fails_verify_naming_the_row(counter):
    result = pos("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "OK" in result.stdout and "money rows match" in result.stdout
    with tamper(counter) as uow:
        tender = uow.execute(text("SELECT id FROM payment_tender")).scalar_one()
        uow.execute(text("UPDATE payment_tender SET tendered_cents = 6000"))
    result = pos("audit", "verify")
    assert result.exit_code == 1
    assert f"payment_tender row {tender} was changed after audit entry" in result.output
    assert "Traceback" not in result.output


def test_a_payment_deleted_or_added_by_hand_fails_verify(counter):
    with tamper(counter) as uow:
        txn = uow.execute(text("SELECT id FROM payment_txn")).scalar_one()
        uow.execute(text("DELETE FROM print_job"))
        uow.execute(text("DELETE FROM payment_line"))
        uow.execute(text("DELETE FROM payment_tender"))
        uow.execute(text("DELETE FROM payment_txn"))
    result = pos("audit", "verify")
    assert result.exit_code == 1 and f"payment_txn row {txn} was deleted (audit entry" in result.output


def test_the_anchor_catches_the_end_cut_off_and_the_head_moved_back(counter):
    from pos.core import audit

    with counter.reader() as uow:
        anchor = audit.head(uow.session)
    assert pos("audit", "verify", "--anchor", str(anchor)).exit_code == 0
    with tamper(counter) as uow:  # the last entry (the payment) and its payment rows, all gone
        uow.execute(text("DELETE FROM print_job"))
        for table in ("payment_line", "payment_tender", "payment_txn"):
            uow.execute(text(f"DELETE FROM {table}"))
        uow.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": anchor.seq})
        uow.execute(text("UPDATE audit_head SET last_seq = :s, last_hash = (SELECT hash FROM audit_entry "
                         "WHERE seq = :s)"), {"s": anchor.seq - 1})
        uow.execute(text("UPDATE drawer_session SET cash_cents = float_cents"))  # as it was before
    result = pos("audit", "verify", "--anchor", f"{anchor.seq}:{anchor.hash[:16]}")
    assert result.exit_code == 1
    assert f"the journal ends at row {anchor.seq - 1}" in result.output and "were removed" in result.output
    assert pos("audit", "verify", "--anchor", "12:nothex").exit_code == 1


def test_verify_with_another_key_says_wrong_key(counter, monkeypatch):
    monkeypatch.setenv("POS_SECURITY__AUDIT_KEY", "another-key-entirely")
    result = pos("audit", "verify")
    assert result.exit_code == 1 and "wrong key" in result.output and "row 1" not in result.output


def test_a_command_with_another_key_refuses_to_write(counter, monkeypatch):
    monkeypatch.setenv("POS_SECURITY__AUDIT_KEY", "another-key-entirely")
    result = pos("operator", "add", "zed", "--name", "Zed", "--role", "cashier", "--by", "sam",
                 input="456789\n1357\n1357\n")
    assert result.exit_code == 1
    assert "the audit key does not match the one this database was set up with" in result.output
    assert "zed" not in pos("operator", "list").stdout.split()


def test_the_default_key_is_refused_naming_the_setting(config, monkeypatch):
    monkeypatch.setenv("POS_SECURITY__AUDIT_KEY", "change-this-audit-key")
    result = pos("operator", "list")
    assert result.exit_code == 1
    assert "security.audit_key is still the default" in result.output and "audit_key_file" in result.output
    check = pos("config", "check")
    assert check.exit_code == 1 and "security.audit_key" in check.output


def test_config_show_masks_every_secret(config, tmp_path, monkeypatch):
    monkeypatch.setenv("POS_LEDGER__TOKEN", "ledger-bearer-token-99")
    monkeypatch.setenv("POS_DATABASE__URL", "postgresql+psycopg://pos:db-password-77@db.example:5432/pos")
    result = pos("config", "show")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    for secret in (KEY, "ledger-bearer-token-99", "db-password-77"):
        assert secret not in result.stdout
    assert shown["security"]["audit_key"] == shown["ledger"]["token"] == "********"
    assert shown["database"]["url"] == "postgresql+psycopg://pos:***@db.example:5432/pos"
    assert "db-password-77" not in pos("config", "check").output


def test_the_key_can_come_from_a_file_only_its_owner_reads(config, tmp_path, monkeypatch):
    key_file = tmp_path / "audit.key"
    key_file.write_text("a-key-from-a-file-0042\n", encoding="utf-8")
    key_file.chmod(0o640)
    monkeypatch.setenv("POS_SECURITY__AUDIT_KEY", "change-this-audit-key")
    monkeypatch.setenv("POS_SECURITY__AUDIT_KEY_FILE", str(key_file))
    refused = pos("config", "check")
    assert refused.exit_code == 1
    assert f"audit_key_file: {key_file} may be read by other users (mode 640): chmod 600" in refused.output
    key_file.chmod(0o600)
    assert pos("db", "upgrade").exit_code == 0  # config check also wants the database at the newest migration
    assert pos("config", "check").exit_code == 0
    from pos.cli.common import settings

    assert settings().security.audit_key == "a-key-from-a-file-0042"


def test_pos_run_refuses_to_start_with_the_default_key(tmp_path):
    import subprocess
    import sys

    file = tmp_path / "pos.toml"
    file.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "pos.db"}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    done = subprocess.run([sys.executable, "-m", "pos", "run"], env={**env, "POS_CONFIG": str(file)},
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert "security.audit_key is still the default 'change-this-audit-key'" in done.stderr
    assert not (tmp_path / "pos.db").exists()  # refused before anything was opened
