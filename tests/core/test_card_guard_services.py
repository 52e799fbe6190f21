"""Rule 6 at every door: each text field of each command and import refuses an embedded card number.

One counter is set up once (SQLite); each (command, field) pair then gets card numbers embedded in
random text, and each must be refused naming the field, with nothing written to the journal. The
guard itself gets 500 examples per kind of field in ``test_cards.py``; here a few per pair prove
that every door calls it.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import text

from drawer.day import (CloseDrawer, CountDrawer, CountItem, ForceClose, MakeLoan, MakePaidOut, OpenNoSale,
                        close_drawer, force_close, make_loan, make_paid_out, open_no_sale, save_count)
from drawer.deposit import PrepareDeposit, prepare_deposit
from drawer.sessions import OpenDrawer, open_drawer
from pos.core import operators
from pos.core.accounts import lookup, search_accounts
from pos.core.errors import AuthError, ImportRefused, InputError
from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, VoidPayment, list_payments, post_payment, void_payment
from pos.core.scanline import looks_like_scan_line
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from sync.account_master import ACCOUNT_COLUMNS, ImportAccounts, import_accounts
from sync.csvfile import CARD_NUMBER
from sync.fee_codes import FEE_CODE_COLUMNS, ImportFeeCodes, import_fee_codes
from tests.conftest import make_settings
from tests.core.test_cards import card_numbers

EXAMPLES_PER_PAIR = 12
SAM = Credentials("sam", "456789")
ADA = Credentials("ada", "567890")
ACKNOWLEDGED = frozenset({"overpayment", "below_installment", "inactive_account", "past_due_short"})
_surround = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
embedded = st.tuples(_surround, card_numbers(), _surround).map("".join)


@dataclass
class Counter:
    """One counter's day, far enough along that every command has something to act on."""

    settings: object  # terminal T01: amy's open drawer, with one posted payment
    other: object  # terminal T02: carl's drawer, counted and waiting to close
    spare: object  # terminal T03: no drawer
    database: object
    account: str
    receipt: str
    carls_session: str
    folder: Path

    def run(self, service: Callable, command, settings=None):  # noqa: ANN001, ANN201
        with self.database.unit_of_work() as uow:
            return service(uow, command, settings or self.settings)

    def journal_size(self) -> int:
        with self.database.reader() as uow:
            return uow.execute(text("SELECT count(*) FROM audit_entry")).scalar_one()


@pytest.fixture(scope="module")
def counter(tmp_path_factory) -> Counter:
    from pos.core.db import open_database

    folder = tmp_path_factory.mktemp("card-guard")
    settings = make_settings(folder)
    other = make_settings(folder, terminal={"id": "T02"})
    spare = make_settings(folder, terminal={"id": "T03"})
    build_demo(settings, accounts=40)
    database = open_database(settings.database_url())
    with database.reader() as uow:
        account = uow.execute(text("SELECT account_number FROM account WHERE status = 'active' AND cash_only = false "
                                   "ORDER BY account_number LIMIT 1")).scalar_one()
    day = Counter(settings, other, spare, database, account, "", "", folder)
    day.run(open_drawer, OpenDrawer("amy", {"bill:10000": 2}))
    posted = day.run(post_payment, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(1000, account),),
                                               (TenderEntry("cash", 1000),), acknowledged=ACKNOWLEDGED))
    day.receipt = posted.receipt_number
    opened = day.run(open_drawer, OpenDrawer("carl", {"bill:10000": 2}), other)
    day.run(save_count, CountDrawer("carl", {"bill:10000": 2}), other)
    day.carls_session = opened.drawer.session_id
    yield day
    database.dispose()


def pay(day: Counter, *, note=None, tender=None, line=None):  # noqa: ANN001, ANN201
    command = PostPayment(str(uuid.uuid4()), "amy", (line or LineEntry(1000, day.account),),
                          (tender or TenderEntry("cash", 1000),), note, ACKNOWLEDGED)
    return day.run(post_payment, command)


def listed(day: Counter, value: str):  # noqa: ANN201
    with day.database.reader() as uow:
        return list_payments(uow, search=value)


def looked_up(day: Counter, value: str):  # noqa: ANN201
    with day.database.reader() as uow:
        return lookup(uow, value, day.settings)


def searched(day: Counter, value: str):  # noqa: ANN201
    with day.database.reader() as uow:
        return search_accounts(uow, value)


COMMANDS: dict[tuple[str, str], Callable[[Counter, str], object]] = {
    ("post payment", "note"): lambda d, t: pay(d, note=t),
    ("post payment", "check number"): lambda d, t: pay(d, tender=TenderEntry("check", 1000, t)),
    ("post payment", "money order number"): lambda d, t: pay(d, tender=TenderEntry("money_order", 1000, t)),
    ("post payment", "authorisation code"): lambda d, t: pay(d, tender=TenderEntry("card", 1000, t, "VISA", "1111")),
    ("post payment", "card type"): lambda d, t: pay(d, tender=TenderEntry("card", 1000, "A1B2C3", t, "1111")),
    ("post payment", "trace number"): lambda d, t: pay(d, tender=TenderEntry("ach", 1000, t)),
    ("post payment", "line 1 account"): lambda d, t: pay(d, line=LineEntry(1000, t)),
    ("post payment", "line 1 fee code"): lambda d, t: pay(d, line=LineEntry(None, fee_code=t)),
    ("void payment", "void reason"): lambda d, t: d.run(void_payment, VoidPayment(str(uuid.uuid4()), "amy",
                                                                                   d.receipt, t, SAM)),
    ("void payment", "receipt number"): lambda d, t: d.run(void_payment, VoidPayment(str(uuid.uuid4()), "amy", t,
                                                                                      "wrong account", SAM)),
    ("list payments", "search"): listed,
    ("no-sale", "reason"): lambda d, t: d.run(open_no_sale, OpenNoSale("amy", t)),
    ("paid-out", "note"): lambda d, t: d.run(make_paid_out, MakePaidOut("amy", 100, "petty_cash", t)),
    ("paid-out", "reason code"): lambda d, t: d.run(make_paid_out, MakePaidOut("amy", 100, t)),
    ("change loan", "note"): lambda d, t: d.run(make_loan, MakeLoan("amy", {"coin:25": 4}, t)),
    ("open drawer", "reason"): lambda d, t: d.run(open_drawer, OpenDrawer("lena", {"bill:100": 1}, t), d.spare),
    ("count drawer", "item 1 number"): lambda d, t: d.run(
        save_count, CountDrawer("carl", {"bill:10000": 2}, (CountItem("check", t, 1000),)), d.other),
    ("close drawer", "note"): lambda d, t: d.run(close_drawer, CloseDrawer("carl", 0, None, t), d.other),
    ("force close", "note"): lambda d, t: d.run(force_close, ForceClose(SAM, d.carls_session,
                                                                        CountDrawer("sam", {}), 0, t)),
    ("prepare deposit", "bag number"): lambda d, t: d.run(prepare_deposit,
                                                          PrepareDeposit(SAM, (d.carls_session,), t)),
    ("add operator", "operator id"): lambda d, t: d.run(operators.add_operator,
                                                        operators.AddOperator(t, "New Cashier", "cashier", "2468",
                                                                              ADA)),
    ("add operator", "name"): lambda d, t: d.run(operators.add_operator,
                                                 operators.AddOperator("newbie", t, "cashier", "2468", ADA)),
    ("set PIN", "operator id"): lambda d, t: d.run(operators.set_pin, operators.SetPin(t, "2468", ADA)),
    ("account lookup", "lookup"): looked_up,
    ("account search", "search"): searched,
}


@pytest.mark.parametrize(("command", "field"), sorted(COMMANDS))
@hypothesis_settings(max_examples=EXAMPLES_PER_PAIR, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=embedded)
def test_a_card_number_in_any_field_of_any_command_is_refused_and_nothing_is_journaled(counter, command, field,
                                                                                      typed):
    if field == "lookup" and looks_like_scan_line(typed, counter.settings.scan_line):
        return  # a whole stub's digits are read as a stub, never stored; the guard is for everything else
    before = counter.journal_size()
    with pytest.raises(InputError) as refused:
        COMMANDS[command, field](counter, typed)
    assert (refused.value.field, "full card number" in refused.value.reason) == (field, True)
    assert counter.journal_size() == before


@hypothesis_settings(max_examples=EXAMPLES_PER_PAIR * 2, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=embedded)
def test_a_card_number_as_the_sign_in_id_gets_the_usual_refusal_and_is_never_journaled(counter, typed):
    before = counter.journal_size()
    with pytest.raises(AuthError) as refused:
        counter.run(operators.sign_in, operators.SignIn(typed, "1234"))
    assert str(refused.value) == operators.WRONG_CREDENTIALS
    assert counter.journal_size() == before


# Imports: every column of each file --------------------------------------------------------------

GOOD_ACCOUNT = ["0009000001", "Card Guard", "1 Test St", "1000", "0", "2026-12-01", "active", "false", "", "",
                "2026-11-29T08:00:00+00:00"]
GOOD_FEE_CODE = ["CARD-TEST", "Card guard test", "4999-100", "500", "true"]


def imported(counter: Counter, kind: str, column: str, value: str) -> ImportRefused:
    columns, good, service, command = {
        "accounts": (ACCOUNT_COLUMNS, GOOD_ACCOUNT, import_accounts, ImportAccounts),
        "fee codes": (FEE_CODE_COLUMNS, GOOD_FEE_CODE, import_fee_codes, ImportFeeCodes),
    }[kind]
    row = list(good)
    row[columns.index(column)] = value
    path = counter.folder / f"{kind.replace(' ', '_')}-{uuid.uuid4().hex[:8]}.csv"
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerow(good)
            writer.writerow(row)
        with pytest.raises(ImportRefused) as refused:
            counter.run(service, command(path, "ada"))
    finally:
        path.unlink()  # a card number planted on purpose is not left behind
    return refused.value


IMPORT_FIELDS = [("accounts", column) for column in ACCOUNT_COLUMNS] + [("fee codes", c) for c in FEE_CODE_COLUMNS]


@pytest.mark.parametrize(("kind", "column"), IMPORT_FIELDS)
@hypothesis_settings(max_examples=EXAMPLES_PER_PAIR // 2, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=embedded)
def test_a_card_number_in_any_column_of_an_import_refuses_the_file_naming_line_and_column(counter, kind, column,
                                                                                         typed):
    before = counter.journal_size()
    refused = imported(counter, kind, column, typed)
    card_problems = [(p.column, p.reason) for p in refused.problems if p.reason == CARD_NUMBER]
    assert card_problems == [(column, CARD_NUMBER)]
    assert all(typed.strip() not in str(problem) for problem in refused.problems)
    assert counter.journal_size() == before


def test_the_cli_find_refuses_a_card_number_without_echoing_it(counter, monkeypatch):
    from typer.testing import CliRunner

    from pos.cli.common import state
    from pos.cli.main import app

    config = counter.folder / "pos.toml"
    config.write_text(f'[database]\nurl = "{counter.settings.database_url()}"\n'
                      f'[printer]\ndirectory = "{counter.folder / "receipts"}"\n'
                      f'[security]\naudit_key = "{counter.settings.security.audit_key}"\n', encoding="utf-8")
    monkeypatch.setenv("POS_CONFIG", str(config))
    monkeypatch.setattr(state, "config", None)
    monkeypatch.setattr(state, "settings", None)
    for typed in ("card 4111 1111 1111 1111", "4111111111111111-1", "smith 5500-0000-0000-0004"):
        result = CliRunner().invoke(app, ["accounts", "find", typed])
        assert result.exit_code == 1
        assert "lookup: looks like a full card number" in result.output
        assert typed not in result.output
