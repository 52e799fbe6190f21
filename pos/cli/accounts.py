"""`pos accounts …` and `pos feecodes …`: the account master and fee codes from the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pos.cli.common import (console, database, emit_json, file_progress, operator_or_service, settings, show_table,
                             sub_app)

app = sub_app("Account master: import the ledger's ACCOUNTS_*.csv, look accounts up.")
fee_app = sub_app("Fee codes: permits, licenses, citations and other miscellaneous receivables.")

ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV file.")]
By = Annotated[Optional[str], typer.Option("--by", help="Operator importing by hand (PIN asked; needs import_data). "
                                                      "Without it the import runs as the terminal's service "
                                                      "identity, journaled with the operating-system user.")]


@app.command("import")
def import_(file: ExistingFile, *, by: By = None) -> None:
    """Import (upsert) an account CSV. Any bad row refuses the whole file."""
    from sync.account_master import ImportAccounts, import_accounts

    with database() as db:
        actor = operator_or_service(db, by, "import_data")
        with db.unit_of_work() as uow, file_progress("Importing accounts", file.stat().st_size) as p:
            done = import_accounts(uow, ImportAccounts(file, actor.operator_id, actor.os_user), settings(), on_bytes=p)
    console.print(f"Imported [bold]{done.rows:,}[/] accounts from {file.name}.")


@app.command("find")
def find(
    query: Annotated[str, typer.Argument(help="Account number, scan line, name or address words.")],
    *,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Look an account up the way the counter does."""
    from pos.core.accounts import lookup
    from pos.core.money import format_cents

    with database() as db, db.reader() as uow:
        found = lookup(uow, query, settings())
    if json:
        emit_json(found)
        return
    if not found.matches:
        console.print(f"No account matches {query!r}.")
        return
    table = Table("Account", "Name", "Service address", "Balance", "Status", title=f"Found by {found.how}")
    for match in found.matches:
        table.add_row(match.account_number, match.name, match.service_address, format_cents(match.balance_cents),
                      match.status)
    show_table(table)
    if found.stub:
        console.print(f"Stub amount due: {format_cents(found.stub.amount_due_cents)}")


@app.command("generate")
def generate(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the CSV.")],
    *,
    count: Annotated[int, typer.Option(min=1, help="How many accounts.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Write a synthetic account CSV (for training and benchmarks)."""
    from pos.demo import write_accounts_csv

    write_accounts_csv(file, count, seed=seed)
    console.print(f"Wrote {count:,} accounts to {file}.")


@fee_app.command("import")
def import_fee_codes(file: ExistingFile, *, by: By = None) -> None:
    """Import (upsert) a fee-code CSV: code,description,gl_account,fixed_amount_cents,active."""
    from sync.fee_codes import ImportFeeCodes, import_fee_codes as run_import

    with database() as db:
        actor = operator_or_service(db, by, "import_data")
        with db.unit_of_work() as uow, file_progress("Importing fee codes", file.stat().st_size) as p:
            done = run_import(uow, ImportFeeCodes(file, actor.operator_id, actor.os_user), settings(), on_bytes=p)
    console.print(f"Imported [bold]{done.rows:,}[/] fee codes from {file.name}.")


@fee_app.command("list")
def list_fee_codes(*, json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List fee codes."""
    from pos.core.accounts import list_fee_codes as fetch
    from pos.core.money import format_cents

    with database() as db, db.reader() as uow:
        rows = fetch(uow, active_only=False)
    if json:
        emit_json(rows)
        return
    if not rows:
        console.print("No fee codes yet: import them with `pos feecodes import FILE`.")
        return
    table = Table("Code", "Description", "GL account", "Fixed amount", "Active")
    for row in rows:
        fixed = "" if row.fixed_amount_cents is None else format_cents(row.fixed_amount_cents)
        table.add_row(row.code, row.description, row.gl_account, fixed, "yes" if row.active else "no")
    show_table(table)
