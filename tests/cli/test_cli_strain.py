"""The command line as a new office meets it: flags look like flags, amounts are never cut, a missing or
unmigrated database is refused in words, unknown values list the valid ones, empty results say so."""

from __future__ import annotations

import json
import re
import time

import click
import pytest
import typer
from typer.testing import CliRunner

from pos.cli import common
from pos.cli.main import app
from tests.cli.test_cli import add_admin, config  # noqa: F401 - the fixture: a configuration on a fresh SQLite file
from tests.cli.test_drawer_cli import closed_day  # noqa: F401 - a closed, verified, deposited drawer day
from tests.core.silent_server import silent_server

runner = CliRunner()


def pos(*args: str, input: str | None = None):  # noqa: A002 - mirrors CliRunner
    return runner.invoke(app, list(args), input=input)


def every_command() -> list[list[str]]:
    """The path of every command and group, e.g. ["audit", "show"]."""
    paths: list[list[str]] = []

    def walk(command: click.Command, path: list[str]) -> None:
        paths.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("path", every_command(), ids=lambda path: " ".join(path) or "pos")
def test_boolean_options_show_as_flags_without_a_value(path, monkeypatch):
    monkeypatch.setattr(common.console, "_width", 80)
    shown = pos(*path, "--help")
    assert shown.exit_code == 0, shown.output
    assert "<bool>" not in shown.output


READ_COMMANDS = [
    ["audit", "verify"],
    ["audit", "show"],
    ["operator", "list"],
    ["accounts", "find", "1001"],
    ["feecodes", "list"],
    ["receipt", "waiting"],
    ["receipt", "show", "T01-000001"],
    ["drawer", "list"],
    ["drawer", "history", "--from", "2026-01-01"],
    ["db", "current"],
    ["config", "check"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_command_that_reads_refuses_a_missing_database_and_creates_none(command, config, tmp_path):  # noqa: F811
    refused = pos(*command)
    assert refused.exit_code == 1, refused.output
    assert f"no database at {tmp_path / 'pos.db'}" in refused.output and "pos db upgrade" in refused.output
    assert "Traceback" not in refused.output
    assert not (tmp_path / "pos.db").exists()


@pytest.mark.parametrize("command", [["db", "upgrade"], ["operator", "add", "boss", "--name", "Big Boss",
                                                        "--role", "admin"]], ids=" ".join)
def test_upgrade_and_the_first_operator_may_create_the_database(command, config, tmp_path):  # noqa: F811
    made = pos(*command, input="909192\n909192\n")
    assert made.exit_code == 0, made.output
    assert (tmp_path / "pos.db").exists()


EMPTY = [
    (["operator", "list"], "No operators yet"),
    (["audit", "show"], "No audit entries yet."),
    (["audit", "show", "--kind", "signin_failed"], "No audit entries match."),
    (["feecodes", "list"], "No fee codes yet"),
    (["receipt", "waiting"], "Nothing is waiting for the printer."),
    (["drawer", "list"], "No drawers on"),
    (["drawer", "list", "--all"], "No drawers yet."),
    (["drawer", "history", "--from", "2026-01-01"], "No counted drawers from 2026-01-01"),
    (["accounts", "find", "Nobody Atall"], "No account matches 'Nobody Atall'."),
]


@pytest.mark.parametrize(("command", "words"), EMPTY, ids=lambda value: " ".join(value) if isinstance(value, list)
                         else "")
def test_empty_results_say_so_in_words(command, words, config):  # noqa: F811
    assert pos("db", "upgrade").exit_code == 0
    shown = pos(*command)
    assert shown.exit_code == 0, shown.output
    assert words in shown.stdout
    assert "┏" not in shown.stdout  # no empty table


UNKNOWN = [
    (["audit", "show", "--kind", "nope"], ["--kind", "'nope' is not a kind", "signin_failed", "payment_posted"]),
    (["audit", "show", "--since", "yesterday"], ["--since", "'yesterday' is not a date"]),
    (["audit", "show", "--until", "2026-13-01"], ["--until", "is not a date"]),
    (["drawer", "history", "--from", "24/11/2026"], ["--from", "is not a date"]),
]


@pytest.mark.parametrize(("command", "words"), UNKNOWN, ids=lambda value: " ".join(value) if value and
                         value[0] in ("audit", "drawer") else "")
def test_unknown_values_are_refused_with_the_valid_ones(command, words, config):  # noqa: F811
    assert pos("db", "upgrade").exit_code == 0
    refused = pos(*command)
    assert refused.exit_code == 1, refused.output
    for word in words:
        assert word in refused.output
    assert "Traceback" not in refused.output


def test_config_check_passes_only_on_a_reachable_migrated_database(config, tmp_path):  # noqa: F811
    from pos.core.db import Database, upgrade

    assert pos("db", "upgrade").exit_code == 0
    passed = pos("config", "check")
    assert passed.exit_code == 0 and "Configuration OK" in passed.stdout and "newest migration" in passed.stdout

    behind = tmp_path / "behind.db"
    database = Database(f"sqlite:///{behind}")
    upgrade(database.engine, "0002")
    database.dispose()
    config.write_text(config.read_text().replace(str(tmp_path / "pos.db"), str(behind)))
    common.state.settings = None
    refused = pos("config", "check")
    assert refused.exit_code == 1 and "is at migration 0002" in refused.output and "pos db upgrade" in refused.output


@pytest.mark.parametrize("server", ["refusing", "silent"])
def test_config_check_fails_in_words_when_the_database_does_not_answer(server, tmp_path, monkeypatch):
    def check(url: str):
        file = tmp_path / "pos.toml"
        file.write_text(f'[database]\nurl = "{url}"\nconnect_timeout_seconds = 2\n'
                        f'[security]\naudit_key = "cli-strain-key-0001"\n', encoding="utf-8")
        monkeypatch.setenv("POS_CONFIG", str(file))
        common.state.config = None
        common.state.settings = None
        started = time.monotonic()
        return pos("config", "check"), time.monotonic() - started

    if server == "refusing":
        refused, elapsed = check("postgresql+psycopg://pos@127.0.0.1:9/pos")
    else:
        with silent_server() as url:
            refused, elapsed = check(url)
    assert refused.exit_code == 1, refused.output
    assert "database does not answer" in refused.output and "psycopg" not in refused.output
    assert elapsed < 15


AMOUNT = re.compile(r"-?\$[\d,]+\.\d{2}")


@pytest.mark.parametrize("command", [["drawer", "report", "{session}"], ["drawer", "history", "--from", "{today}"],
                                     ["drawer", "list"]], ids=lambda c: " ".join(c[:2]))
def test_amounts_are_never_cut_or_wrapped_at_80_columns(command, closed_day, monkeypatch):  # noqa: F811
    from pos.core.clock import business_date

    monkeypatch.setattr(common.console, "_width", 80)
    args = [part.format(session=closed_day[:8], today=business_date()) for part in command]
    shown = pos(*args)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "…" not in "".join(line for line in lines if "$" in line)
    assert AMOUNT.search(shown.stdout)
    data = json.dumps(json.loads(pos(*args, "--json").stdout)) if "--json" in str(pos(*args, "--help").output) \
        else ""
    for cents in map(int, re.findall(r'"(?:over_short|expected|counted|opening_float|payments)_cents": (-?\d+)',
                                     data)):
        text = f"${abs(cents) // 100:,}.{abs(cents) % 100:02d}"
        assert text in shown.stdout, f"{text} is not shown whole"
