"""What every CLI command shares: the console, settings, the database and error printing."""

from __future__ import annotations

import json
import re
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


def _flags_take_no_value() -> None:
    """Help shows a flag as a flag: Typer 0.29 labels every bool option ``<bool>``, as if it took a value
    (``--demo <bool>``), while the parser takes it alone. Its type column is left empty for flags."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()


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
def database(*, migrate: bool = True, create: bool = False) -> Iterator[Any]:
    """The configured database. Only commands that may start a counter's database (``create``) make one;
    the others refuse a missing one rather than read an empty database they just made."""
    from pos.core.db import open_configured

    current = settings()
    if migrate:  # every command that may write; `pos db current` only looks
        from pos.core.audit import refuse_default_key

        refuse_default_key(current.security.audit_key)
    db = open_configured(current, migrate=migrate, must_exist=not create)
    try:
        yield db
    finally:
        db.dispose()


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMOUNT = re.compile(r"^\(?-?[^\d\s,.-]{0,3}-?\d{1,3}(,\d{3})*\.\d{2}\)?$")


def show_table(table: Any) -> None:
    """Print a rich table without ever cutting an amount: money columns (those holding amounts) keep
    their full width, right-aligned, and the text columns give way. A table whose amounts cannot all fit
    the terminal is printed as one block per row (heading: value) instead of being cut at the edge."""
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    for column in table.columns:
        cells = [str(cell).strip() for cell in column.cells]
        amounts = [cell for cell in cells if _AMOUNT.match(cell)]
        if amounts:
            column.justify = "right"
        kept = amounts + [cell for cell in cells if _DATE.match(cell)]  # a date cut to "2026-…" is no date
        if kept:
            column.min_width = max(max(len(cell) for cell in kept), column.min_width or 0)
    if not table.row_count or Measurement.get(console, console.options, table).minimum <= console.width:
        console.print(table)
        return
    if table.title:
        console.print(Text(str(table.title), style="bold"))
    for row in range(table.row_count):
        block = Table.grid(padding=(0, 2))
        block.add_column(no_wrap=True)
        block.add_column()
        for column in table.columns:
            value = list(column.cells)[row]
            if str(value).strip():
                block.add_row(Text(str(column.header), style="bold"), value)
        console.print(block)
        console.print()


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


def act_as(db: Any, by: str, permission: str, *, kind: str | None = None,
           details: dict[str, Any] | None = None) -> Any:  # pos.core.identity.Actor
    """Ask ``by``'s PIN (hidden, never an argument), check it and their role's right; journal ``kind`` as them.

    A wrong PIN counts towards the lock-out like a sign-in's. The act itself runs after, as the returned actor.
    """
    from pos.core import identity

    credentials = ask_credentials(by)
    with db.unit_of_work() as uow:
        actor = identity.act_as(uow, credentials, permission, settings())
        if kind is not None:
            identity.record_act(uow, actor, kind, settings(), details)
        uow.commit()
    return actor


def operator_or_service(db: Any, by: str | None, permission: str) -> Any:  # pos.core.identity.Actor
    """``--by``'s operator (PIN and right checked), or, without ``--by``, the terminal's service identity."""
    from pos.core.identity import service_identity

    return act_as(db, by, permission) if by else service_identity(settings())


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
