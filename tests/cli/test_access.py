"""The Access bar: every command that changes data or moves cash, without a PIN, with a wrong PIN, by a role
that lacks the right, and by one that has it: refused, refused, refused, done and journaled."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from pos.cli.main import app
from pos.demo import write_accounts_csv, write_fee_codes_csv

runner = CliRunner()
PINS = {"boss": "909192", "sue": "818283", "lee": "246802", "amy": "1357", "ned": "2468", "dot": "3579"}


@pytest.fixture
def config(tmp_path, monkeypatch):
    file = tmp_path / "pos.toml"
    file.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "pos.db"}"\n'
                    f'[printer]\nbackend = "file"\ndirectory = "{tmp_path / "receipts"}"\n'
                    f'[security]\naudit_key = "cli-test-key-123"\nsignin_delay_seconds = 0\n', encoding="utf-8")
    monkeypatch.setenv("POS_CONFIG", str(file))
    from pos.cli.common import state

    state.config = None
    state.settings = None
    return file


def pos(*args, input=None):  # noqa: A002 - mirrors CliRunner
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def staff(config, tmp_path):
    """An admin, a supervisor, a lead, cashiers (ned locked out); an accounts and a fee-code file."""
    assert pos("operator", "add", "boss", "--name", "Boss", "--role", "admin",
               input="909192\n909192\n").exit_code == 0
    for operator_id, role in (("sue", "supervisor"), ("lee", "lead"), ("amy", "cashier"), ("ned", "cashier"),
                              ("dot", "cashier")):
        pin = PINS[operator_id]
        added = pos("operator", "add", operator_id, "--name", operator_id.title(), "--role", role, "--by", "boss",
                    input=f"909192\n{pin}\n{pin}\n")
        assert added.exit_code == 0, added.output
    from pos.cli.common import database, settings
    from pos.core.errors import AuthError
    from pos.core.operators import SignIn, sign_in

    with database() as db:
        for _ in range(settings().security.max_failed_signins):
            with db.unit_of_work() as uow, pytest.raises(AuthError):
                sign_in(uow, SignIn("ned", "0000"), settings())
    write_accounts_csv(tmp_path / "ACCOUNTS_1.csv", 20)
    write_fee_codes_csv(tmp_path / "FEES.csv")
    return tmp_path


def journal(kind: str) -> list[dict]:
    shown = pos("audit", "show", "--kind", kind, "--json")
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.stdout)


@dataclass(frozen=True)
class Act:
    name: str
    args: tuple[str, ...]  # "{tmp}" stands for the test's folder; --by is added per case
    after_pin: str  # what the command asks after the PIN (new PINs)
    lacking: str  # an operator whose role lacks the right
    right: str  # one whose role has it
    kind: str  # the journal entry the act writes


ACTS = [
    Act("operator add", ("operator", "add", "eve", "--name", "Eve", "--role", "cashier"), "4321\n4321\n",
        "lee", "boss", "operator_added"),
    Act("operator set-pin", ("operator", "set-pin", "amy"), "8642\n8642\n", "lee", "sue", "pin_set"),
    Act("operator unlock", ("operator", "unlock", "ned"), "", "lee", "sue", "operator_unlocked"),
    Act("operator disable", ("operator", "disable", "dot"), "", "lee", "boss", "operator_disabled"),
    Act("role set", ("role", "set", "cashier", "--paid-out-cents", "1500"), "", "sue", "boss", "role_changed"),
    Act("accounts import", ("accounts", "import", "{tmp}/ACCOUNTS_1.csv"), "", "lee", "sue", "accounts_imported"),
    Act("feecodes import", ("feecodes", "import", "{tmp}/FEES.csv"), "", "lee", "sue", "fee_codes_imported"),
    Act("drawer kick", ("drawer", "kick"), "", "amy", "lee", "drawer_kick"),
]


@pytest.mark.parametrize("act", ACTS, ids=[act.name for act in ACTS])
def test_an_act_needs_the_pin_and_the_right_of_the_operator_it_names(staff, act):
    args = [part.replace("{tmp}", str(staff)) for part in act.args]
    cases = (("no PIN", act.right, ""), ("wrong PIN", act.right, "000000\n" + act.after_pin),
             ("lacking the right", act.lacking, f"{PINS[act.lacking]}\n{act.after_pin}"))
    for case, by, typed in cases:
        result = pos(*args, "--by", by, input=typed)
        assert result.exit_code != 0, f"{act.name}, {case}: {result.output}"
        assert "Traceback" not in result.output
        assert journal(act.kind) == [] or act.kind == "operator_added" and len(journal(act.kind)) == 6, case
    done = pos(*args, "--by", act.right, input=f"{PINS[act.right]}\n{act.after_pin}")
    assert done.exit_code == 0, done.output
    assert journal(act.kind)[0]["operator_id"] == act.right


def test_a_wrong_pin_and_a_missing_right_are_told_plainly(staff):
    wrong = pos("drawer", "kick", "--by", "lee", input="000000\n")
    assert "Sign-in refused: Operator id or PIN is not right." in wrong.stderr
    lacking = pos("drawer", "kick", "--by", "amy", input="1357\n")
    assert "Not allowed: Operator amy (cashier) may not kick drawer" in lacking.stderr


def test_the_pin_is_never_an_argument(staff):
    result = pos("drawer", "kick", "--by", "lee", "--pin", "246802")
    assert result.exit_code == 2 and "No such option: --pin" in result.output


def test_an_unattended_import_runs_as_the_service_identity_with_the_os_user(staff):
    from pos.core.identity import os_user

    result = pos("accounts", "import", str(staff / "ACCOUNTS_1.csv"))
    assert result.exit_code == 0, result.output
    [entry] = journal("accounts_imported")
    assert entry["operator_id"] == "service:T01" and entry["details"]["os_user"] == os_user()


def test_roles_are_listed_from_the_database(staff):
    listed = json.loads(pos("role", "list", "--json").stdout)
    cashier = next(role for role in listed if role["role"] == "cashier")
    assert (cashier["void_cents"], cashier["pin_min_digits"], cashier["changed_by"]) == (0, 4, "configuration")


def test_the_database_owner_recovers_a_locked_out_operator(staff):
    from pos.core.identity import os_user

    result = pos("operator", "recover", "ned", input="97531\n97531\n")
    assert result.exit_code == 0, result.output
    [entry] = journal("operator_recovered")
    assert (entry["operator_id"], entry["details"]) == ("service:T01", {"operator": "ned", "os_user": os_user()})
    assert pos("drawer", "kick", "--by", "ned", input="97531\n").exit_code == 1  # signs in, but lacks the right
    assert "may not kick drawer" in pos("drawer", "kick", "--by", "ned", input="97531\n").stderr
