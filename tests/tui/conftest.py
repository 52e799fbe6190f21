"""Fixtures for driving the counter headlessly: one demo database built per run, copied per test."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

from pos.core.settings import Settings
from pos.demo import build_demo
from tests.conftest import make_settings

DEMO_ACCOUNTS = 300
SIZE = (120, 40)


@pytest.fixture(scope="session", autouse=True)
def css_parsed_once_per_run():
    """Every app a test starts parses the same stylesheets again, whole, at each new screen (Textual keeps
    its parse cache per app, and a fresh stylesheet on every reparse). The rules parsed from the same
    text with the same variables are the same, so the run keeps them: a tenth of the run's time."""
    from textual.css.stylesheet import Stylesheet

    parsed: dict[tuple, list] = {}
    parse_rules = Stylesheet._parse_rules

    def parse_rules_once(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):  # noqa: ANN001
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        if key not in parsed:
            parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = parse_rules_once
    yield
    Stylesheet._parse_rules = parse_rules


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (five operators, 300 accounts); argon2 makes building it the slow part."""
    folder = tmp_path_factory.mktemp("demo-template")
    build_demo(make_settings(folder), accounts=DEMO_ACCOUNTS)
    return folder / "pos.db"


def copy_demo(template: Path, tmp_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copy(source, tmp_path / f"pos.db{suffix}")


@pytest.fixture
def demo_settings_for(demo_template: Path, tmp_path: Path):  # noqa: ANN201 - a settings factory
    """Settings on a fresh copy of the demo database, with any sections overridden."""
    copy_demo(demo_template, tmp_path)

    def build(**sections: dict) -> Settings:
        return make_settings(tmp_path, **sections)

    return build


@pytest.fixture
def settings(demo_settings_for) -> Settings:  # noqa: ANN001
    return demo_settings_for()


def _messages_waiting(pilot: Pilot) -> bool:
    """Keys or messages not handled yet: on a loaded machine ``pause`` may take a starved process for an idle one."""
    app = pilot.app
    return any(node.message_queue_size for node in (app, *app.screen.walk_children(with_self=True)))


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message it posted be handled."""
    for _ in range(10):  # a message handled after one round may start another worker (void → list → receipt)
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except WorkerCancelled:  # an exclusive worker (the printer poll) replaced by a newer one
                pass
            except WorkerFailed:  # a refusal that ended while awaited here: the app shows it, tests read that
                pass
        await pilot.pause()
        if not any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in pilot.app.workers) \
                and not _messages_waiting(pilot):
            return


async def burst(pilot: Pilot, *keys: str, settled: bool = True) -> None:
    """Send keys the way a stub scanner does: all queued at once, then wait until they are handled.

    ``pilot.press`` waits for the app to go idle after every key (about 60 ms each). A burst must
    not cross a change of focus: the app hands each key to the widget focused when it arrives.
    ``settled=False`` waits only for the app to go idle, not for its workers (keys that start none).
    """
    app = pilot.app
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
    if settled:
        await settle(pilot)
    else:
        await pilot.pause()


async def sign_in(pilot: Pilot, operator_id: str = "amy", pin: str = "1234") -> None:
    await burst(pilot, *operator_id, "enter")
    await burst(pilot, *pin, "enter")


def screen_text(pilot: Pilot) -> str:
    """What a person would read on the terminal right now, line by line."""
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


def screen_words(pilot: Pilot) -> str:
    """The screen's words in reading order, without borders: a wrapped message reads as one line."""
    return " ".join(re.sub(r"[│╭╮╰╯─▊▎▔▁▏▌]", " ", screen_text(pilot)).split())


def notifications(pilot: Pilot) -> list[tuple[str, str, str]]:
    """(severity, title, message) of every notification on screen, oldest first."""
    return [(n.severity, n.title, n.message) for n in pilot.app._notifications]


def query_database(settings: Settings, sql: str) -> list[tuple]:
    """Rows from the test's database, read outside the app."""
    from sqlalchemy import text

    from pos.core.db import open_database

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.reader() as uow:
            return [tuple(row) for row in uow.execute(text(sql))]
    finally:
        database.dispose()


def audit_entries(settings: Settings, kind: str) -> list:
    from pos.core import audit
    from pos.core.db import open_database

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.reader() as uow:
            return audit.search(uow.session, kind=kind)
    finally:
        database.dispose()


# $200.00, the standard float
STANDARD_FLOAT = {"bill:10000": 1, "bill:2000": 3, "bill:1000": 2, "bill:500": 2, "bill:100": 5, "coin:25": 20}


def open_drawer_for(settings: Settings, operator_id: str = "amy") -> None:
    """Open the operator's drawer through the service, before the app starts (most payment tests need one)."""
    from drawer.sessions import OpenDrawer, open_drawer
    from pos.core.db import open_database

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.unit_of_work() as uow:
            open_drawer(uow, OpenDrawer(operator_id, STANDARD_FLOAT), settings)
    finally:
        database.dispose()


def let_cashiers_void_alone(settings: Settings, up_to_cents: int) -> None:
    """The site's admin lets cashiers void their own payments alone up to a limit (by default they may not)."""
    from pos.core.authority import SetRole, set_role
    from pos.core.db import open_database
    from pos.core.operators import Credentials

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.unit_of_work() as uow:
            set_role(uow, SetRole("cashier", Credentials("ada", "567890"), limits={"void_cents": up_to_cents}),
                     settings)
    finally:
        database.dispose()


def accounts_where(settings: Settings, condition: str, count: int = 1) -> list[tuple]:
    """(account_number, balance_cents, past_due_cents) of accounts matching ``condition``, in number order."""
    rows = query_database(settings, "SELECT account_number, balance_cents, past_due_cents FROM account "
                                    f"WHERE {condition} ORDER BY account_number LIMIT {count}")
    assert len(rows) == count, f"the demo data has fewer than {count} accounts where {condition}"
    return rows


ORDINARY = ("status = 'active' AND NOT cash_only AND arrangement_installment_cents IS NULL "
            "AND past_due_cents = 0 AND balance_cents > 4000")


def count_rows(settings: Settings, table: str) -> int:
    return query_database(settings, f"SELECT count(*) FROM {table}")[0][0]


class KeyCounter:
    """Presses keys one by one as a cashier does, and counts them (the keypress bars are asserted on it)."""

    def __init__(self, pilot: Pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            self.count += 1
        await settle(self.pilot)

    async def type_ahead(self, *keys: str, not_counted: int = 0) -> None:
        """Keys typed faster than the screen answers (a burst); ``not_counted`` of them are outside the bar."""
        await burst(self.pilot, *keys)
        self.count += len(keys) - not_counted


def post_cash_payment(settings: Settings, account_number: str, amount_cents: int, *, operator_id: str = "amy",
                      acknowledged: tuple[str, ...] = ()) -> str:
    """Post an exact cash payment through the service (a payment taken earlier today); returns its receipt."""
    import uuid

    from pos.core.db import open_database
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.tenders import TenderEntry

    database = open_database(settings.database_url(), migrate=False)
    try:
        with database.unit_of_work() as uow:
            posted = post_payment(uow, PostPayment(str(uuid.uuid4()), operator_id,
                                                   (LineEntry(amount_cents, account_number),),
                                                   (TenderEntry("cash", amount_cents),),
                                                   acknowledged=frozenset(acknowledged)), settings)
        return posted.receipt_number
    finally:
        database.dispose()


async def signed_in(pilot: Pilot, operator_id: str = "amy") -> None:
    """Start signed in, without typing at the sign-in screen (its own tests do that; this saves a third of a second).

    The app is told what a successful sign-in tells it: who is now working at the terminal.
    """
    from pos.core.operators import OperatorView
    from pos.tui.screens.signin import SignInScreen

    await settle(pilot)
    [(name, role, may)] = query_database(pilot.app.settings,
                                         "SELECT o.name, o.role, r.may FROM operator o JOIN role_authority r "
                                         f"ON r.role = o.role WHERE o.operator_id = '{operator_id}'")
    pilot.app.post_message(SignInScreen.SignedIn(OperatorView(operator_id, name, role, False, False, 0, None,
                                                              tuple(json.loads(may)))))
    await settle(pilot)
