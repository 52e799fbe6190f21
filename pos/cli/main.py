"""The `pos` command: one sub-app per module, errors printed plainly."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from pos.cli import accounts, audit, devices, operators, receipts, roles
from pos.cli import drawer as drawer_cli
from pos.cli import sync as sync_cli
from pos.cli.common import (PosGroup, console, database, err_console, print_error, settings, show_table, state,
                            sub_app)
from pos.core.errors import PosError

app = typer.Typer(help="pos: the cashiering terminal for utility customer-service counters.", cls=PosGroup,
                  no_args_is_help=True, add_completion=False)
db_app = sub_app("Database: migrations.")
config_app = sub_app("Configuration: check and show what the terminal will use.")
app.add_typer(operators.app, name="operator")
app.add_typer(roles.app, name="role")
app.add_typer(audit.app, name="audit")
app.add_typer(accounts.app, name="accounts")
app.add_typer(accounts.fee_app, name="feecodes")
app.add_typer(receipts.app, name="receipt")
app.add_typer(drawer_cli.app, name="drawer")
app.add_typer(devices.printer_app, name="printer")
app.add_typer(devices.display_app, name="display")
app.add_typer(sync_cli.app, name="sync")
app.add_typer(sync_cli.ledger_app, name="ledger")
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")


@app.callback()
def main(
    *,
    config: Annotated[Optional[Path], typer.Option("--config", envvar="POS_CONFIG", dir_okay=False,
                                                   help="Configuration file (default: POS_CONFIG, then the "
                                                        "user config folder, then built-in defaults).")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Work on the demo counter's database (what `pos demo` "
                                                      "built), its receipts and reports folders.")] = False,
) -> None:
    state.config = config
    state.demo = demo
    state.settings = None


@app.command("run")
def run_counter() -> None:
    """Start the counter (full-screen) with this terminal's configuration."""
    from pos.entry import start_counter

    start_counter(settings())


@app.command("demo")
def demo(
    *,
    reset: Annotated[bool, typer.Option("--reset", help="Delete the demo database and start over.")] = False,
    accounts_count: Annotated[int, typer.Option("--accounts", min=1, help="Demo accounts to create.")] = 5000,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Only create the demo data.")] = False,
) -> None:
    """Start the demo counter on an embedded SQLite database with synthetic accounts."""
    import shutil

    from pos.demo import DEMO_OPERATORS, build_demo, demo_dir, demo_settings

    folder = demo_dir()
    if reset and folder.exists():
        shutil.rmtree(folder)
    demo_config = settings() if state.demo else demo_settings(settings(), folder)
    with console.status("Preparing the demo database…"):
        created = build_demo(demo_config, accounts=accounts_count,
                             progress=lambda message: console.log(message))
    console.print(f"Demo database: {demo_config.database_url()} ({'created' if created else 'existing'})")
    from rich.table import Table

    table = Table("Operator id", "PIN", "Role", "Name", title="Demo operators")
    for person in DEMO_OPERATORS:
        table.add_row(person.operator_id, person.pin, person.role, person.name)
    console.print(table)
    from pos.core.money import format_cents
    from pos.demo import sample_stubs

    stubs = Table(title="Sample bill stubs: type a scan line into the lookup box as a scanner would")
    stubs.add_column("Scan line", no_wrap=True, min_width=21)
    for heading in ("Account", "Name", "Amount due", "Kind"):
        stubs.add_column(heading)
    for stub in sample_stubs(demo_config):
        stubs.add_row(stub.scan_line, stub.account_number, stub.name, format_cents(stub.amount_due_cents), stub.label)
    show_table(stubs)
    if no_tui:
        return
    if sys.stdin.isatty():
        typer.prompt("Note an operator id and PIN, then press Enter to start the counter", default="",
                     show_default=False, prompt_suffix=" ")
    from pos.entry import start_counter

    start_counter(demo_config)


@app.command("bench")
def bench(
    *,
    accounts_count: Annotated[int, typer.Option("--accounts", min=1000, help="Accounts generated for the import "
                                                                           "and search rows.")] = 1_000_000,
    samples: Annotated[int, typer.Option(min=10, help="Lookups timed per row.")] = 2000,
    postgres: Annotated[Optional[str], typer.Option(
        "--postgres", envvar="POS_BENCH_POSTGRES_URL",
        help="PostgreSQL URL for the many-terminals row (a scratch schema is created and dropped).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Measure import, lookup, search, cold start and posting against the raw SQLite floor."""
    from pos.bench import print_table, run_benchmarks

    results = run_benchmarks(accounts=accounts_count, samples=samples, console=err_console, postgres_url=postgres)
    if json:
        from pos.cli.common import emit_json

        emit_json(results)
        return
    print_table(results, console)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    from pos.core.db import current_revision

    with database(create=True) as db:
        console.print(f"Database at revision [bold]{current_revision(db.engine)}[/]: {settings().database_url()}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's migration revision without changing anything."""
    from pos.core.db import current_revision, missing_database
    from pos.core.errors import DatabaseError

    missing = missing_database(settings().database_url())
    if missing:
        raise DatabaseError(missing)
    with database(migrate=False, create=True) as db:  # an empty database is an answer here, not a refusal
        console.print(current_revision(db.engine) or "empty (no migrations applied)")


@config_app.command("check")
def config_check() -> None:
    """Load the configuration, reach the database and check its migrations; exit 1 on the first problem."""
    from sqlalchemy.engine import make_url

    from pos.core.db import current_revision, head_revision
    from pos.core.errors import DatabaseError

    current = settings()
    from pos.core.settings import secret_problems

    problems = secret_problems(current)
    if problems:
        for problem in problems:
            err_console.print(f"[bold red]Configuration error:[/] {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    shown_url = make_url(current.database_url()).render_as_string(hide_password=True)
    with database(migrate=False) as db:
        revision = current_revision(db.engine)
    head = head_revision()
    if revision != head:
        raise DatabaseError(f"the database at {shown_url} is at migration {revision}, this version needs {head}: "
                            "run `pos db upgrade`")
    console.print(f"Configuration OK: terminal {current.terminal.id} at {current.terminal.site_name}; "
                  f"database {shown_url} reachable, at the newest migration ({head})")


@config_app.command("show")
def config_show() -> None:
    """Print the configuration in effect, as JSON, every secret masked."""
    import json

    from pos.core.settings import shown_settings

    console.print_json(json.dumps(shown_settings(settings()), default=str))


def run() -> None:
    """Console-script entry point."""
    from pos.core.logs import configure_logging

    configure_logging()
    try:
        app()
    except PosError as error:  # raised outside a command, e.g. while reading settings in the callback
        print_error(error)
        raise SystemExit(1) from None


__all__ = ["app", "run"]

drawer_cli.app.command("kick")(devices.drawer_kick)
