"""Fixtures for driving the counter headlessly: one demo database built per run, copied per test."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot

from pos.core.settings import Settings
from pos.demo import build_demo
from tests.conftest import make_settings

DEMO_ACCOUNTS = 300
SIZE = (120, 40)


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


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message it posted be handled."""
    for _ in range(2):  # a message handled after the first round may start another worker
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def burst(pilot: Pilot, *keys: str) -> None:
    """Send keys the way a stub scanner does: all queued at once, then wait until they are handled.

    ``pilot.press`` waits for the app to go idle after every key (about 60 ms each). A burst must
    not cross a change of focus: the app hands each key to the widget focused when it arrives.
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
    await settle(pilot)


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
