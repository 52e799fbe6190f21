"""`pos receipt …`: show a receipt as printed, list and print the jobs waiting for the printer."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from pos.cli.common import console, database, emit_json, err_console, settings, sub_app

app = sub_app("Receipts: preview, and the print queue of this terminal.")


@app.command("show")
def show(receipt_number: Annotated[str, typer.Argument(help="e.g. T01-000123")]) -> None:
    """Print a receipt's text as the customer got it."""
    from pos.core.printing import receipt_text

    with database() as db, db.reader() as uow:
        console.print(receipt_text(uow, receipt_number.upper(), settings()), highlight=False, markup=False)


@app.command("waiting")
def waiting(*, json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Receipts and drawer slips of this terminal that have not printed yet."""
    from pos.core.printing import waiting_jobs

    with database() as db, db.reader() as uow:
        jobs = waiting_jobs(uow, settings())
    if json:
        emit_json(jobs)
        return
    if not jobs:
        console.print("Nothing is waiting for the printer.")
        return
    table = Table("Receipt / slip", "Kind", "Status", "Attempts", "Last error", "Queued at")
    for job in jobs:
        table.add_row(job.receipt_number, job.kind, job.status, str(job.attempts), job.last_error or "",
                      job.created_at[:19])
    console.print(table)


@app.command("print")
def print_jobs() -> None:
    """Print every waiting receipt and slip now (after the printer was fixed); stops at a printer fault."""
    from pos.core.printing import print_waiting, waiting_jobs

    with database() as db:
        outcomes = print_waiting(db, settings())
        with db.reader() as uow:
            sending = [job.receipt_number for job in waiting_jobs(uow, settings(), statuses=("sending",))]
    if not outcomes and sending:
        console.print(f"Nothing more to print here: {', '.join(sending)} is being sent by another process "
                      "(the counter's printer poller); `pos receipt waiting` shows how it ends.")
    elif not outcomes:
        console.print("Nothing is waiting for the printer.")
    for outcome in outcomes:
        if outcome.printed:
            console.print(f"Printed {outcome.job.receipt_number} ({outcome.job.kind}).")
        else:
            err_console.print(f"[bold red]Not printed[/] {outcome.job.receipt_number}: {outcome.error}",
                              highlight=False)
            raise typer.Exit(1)
