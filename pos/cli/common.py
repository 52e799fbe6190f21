"""What every CLI command shares: the console, settings, the database and error printing."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import typer
from rich.console import Console
from typer.core import TyperGroup

from pos.core.errors import ImportRefused, PosError

console = Console()
err_console = Console(stderr=True)


class _State:
    config: Path | None = None
    demo = False  # --demo: the demo counter's database, printer folder and reports folder
    settings = None


state = _State()


def settings():  # noqa: ANN201 - pos.core.settings.Settings
    if state.settings is None:
        from pos.core.settings import load_settings

        state.settings = load_settings(state.config)
        if state.demo:
            from pos.demo import demo_settings

            state.settings = demo_settings(state.settings)
    return state.settings


@contextmanager
def database(*, migrate: bool = True) -> Iterator[Any]:
    from pos.core.db import open_database

    current = settings()
    db = open_database(current.database_url(), busy_timeout_ms=current.database.busy_timeout_ms, migrate=migrate)
    try:
        yield db
    finally:
        db.dispose()


def print_error(error: PosError) -> None:
    err_console.print(f"[bold red]{error.title}:[/] {error.message}", highlight=False, soft_wrap=True)
    if isinstance(error, ImportRefused):
        for problem in error.problems:
            err_console.print(f"  line {problem.line}, column {problem.column}: {problem.reason}", highlight=False,
                              soft_wrap=True)


class PosGroup(TyperGroup):
    """Prints a PosError with rich on stderr and exits 1, without a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PosError as error:
            print_error(error)
            raise typer.Exit(1) from None
        except Exception as error:
            if not type(error).__module__.startswith("sqlalchemy"):
                raise
            print_error(_database_failure(error))  # the driver's text and SQL go to the log file only
            raise typer.Exit(1) from None


def _database_failure(error: Exception) -> PosError:
    from sqlalchemy.exc import DBAPIError

    from pos.core.db import unavailable
    from pos.core.errors import DatabaseError
    from pos.core.logs import logger

    translated = unavailable(error, None) if isinstance(error, DBAPIError) else None
    if translated is not None:
        return translated
    logger("cli").error("database error", exc_info=error)
    return DatabaseError("The database refused this command; the detail is in the log file. Check that "
                         "`pos db upgrade` was run against this database; nothing was changed.")


def sub_app(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, cls=PosGroup, no_args_is_help=True, add_completion=False)


def ask_credentials(by: str, prompt: str = "PIN"):  # noqa: ANN201 - operators.Credentials
    from pos.core.operators import Credentials

    pin = typer.prompt(f"{prompt} for {by}", hide_input=True)
    return Credentials(by, pin)


def emit_json(value: Any) -> None:
    def convert(item: Any) -> Any:
        if is_dataclass(item):
            return asdict(item)
        return str(item)

    sys.stdout.write(json.dumps(value, default=convert, indent=2) + "\n")


@contextmanager
def file_progress(description: str, total_bytes: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar over bytes read; yields the callback to feed it."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err_console, transient=False) as progress:
        task = progress.add_task(description, total=total_bytes)
        pending = [0]

        def advance(size: int) -> None:
            pending[0] += size
            if pending[0] >= 262_144:
                progress.advance(task, pending[0])
                pending[0] = 0

        yield advance
        progress.advance(task, pending[0])
