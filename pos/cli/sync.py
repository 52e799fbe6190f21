"""`pos sync …` and `pos ledger serve`: batches to the central ledger, its account master back, a reference ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pos.cli.common import console, database, emit_json, err_console, settings, sub_app

app = sub_app("Ledger sync: send closed batches to the central ledger, pull its account master.")
ledger_app = sub_app("A reference central ledger (for the demo and tests).")
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _say(result) -> None:  # noqa: ANN001 - sync.runner.SyncPass
    sent = result.sent
    for batch in sent.accepted:
        console.print(f"Batch {batch}: accepted by the ledger.")
    for batch in sent.refused:
        err_console.print(f"Batch {batch}: refused by the ledger (see `pos sync show {batch}`).")
    for batch in sent.conflicts:
        err_console.print(f"Batch {batch}: the ledger holds a different batch under this id; it needs a person.")
    if sent.held:
        err_console.print(f"[bold red]Sending is stopped:[/] {sent.held}", highlight=False)
    elif sent.retrying and sent.errors:
        err_console.print(f"Will try again at {sent.next_attempt_at[:19]}: {sent.errors[-1]}", highlight=False)
    if sent.busy:
        err_console.print("Another sender is working on the outbox; nothing was sent from here.")
    if result.accounts is not None:
        console.print(f"Pulled {result.accounts.accounts:,} accounts in {result.accounts.pages} pages"
                      f" and {result.fee_codes.fee_codes} fee codes.")
    if result.accounts_file:
        console.print(f"Imported {result.accounts_file}.")
    if result.pull_error:
        err_console.print(f"Account pull failed: {result.pull_error}", highlight=False)


@app.command("run")
def run(
    *,
    follow: Annotated[bool, typer.Option("--follow", help="Keep running until SIGTERM or Ctrl-C.")] = False,
    pull: Annotated[bool, typer.Option("--pull", help="Also pull the account master and fee codes now.")] = False,
) -> None:
    """Send the batches that are due (a held batch is tried again: run this after fixing the token)."""
    from sync.runner import follow as follow_loop, run_pass

    with database() as db:
        if not follow:
            result = run_pass(db, settings(), include_held=True, pull=pull)
            _say(result)
            if result.sent.held or result.pull_error:
                raise typer.Exit(1)
            return
        import signal
        import threading

        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        console.print("Sending to the ledger until stopped (SIGTERM or Ctrl-C).")
        passes = follow_loop(db, settings(), stop, _say)
        console.print(f"Stopped cleanly after {passes} passes.")


@app.command("status")
def status(*, json: Json = False) -> None:
    """The outbox: batches waiting, refused or in conflict; the last success and error."""
    from sync.outbox import list_outbox, status as sync_status

    with database() as db, db.reader() as uow:
        summary = sync_status(uow)
        entries = list_outbox(uow, limit=1000)
    if json:
        emit_json({"status": summary, "batches": entries})
        return
    console.print(f"Waiting: {summary.waiting}   accepted: {summary.counts['accepted']}   refused: "
                  f"{summary.counts['refused']}   conflict: {summary.counts['conflict']}   held: {summary.counts['held']}")
    console.print(f"Last success: {summary.last_success_at or 'never'}")
    if summary.last_error:
        console.print(f"Last error ({(summary.last_error_at or '')[:19]}): {summary.last_error}", highlight=False)
    table = Table("Batch", "Date", "Txns", "Status", "Tries", "Ledger ref / reason")
    for entry in entries:
        note = entry.ledger_ref or (entry.refusal_reasons[0]["reason"] if entry.refusal_reasons else
                                    entry.last_error or "")
        table.add_row(entry.batch_id, entry.business_date, str(entry.transactions), entry.status,
                      str(entry.attempts), note)
    console.print(table)


@app.command("show")
def show(batch: Annotated[str, typer.Argument(help="Batch id.")]) -> None:
    """One batch: its state, every refusal reason, and the body exactly as sent."""
    from sync.outbox import get_entry, payload_of

    with database() as db, db.reader() as uow:
        entry = get_entry(uow, batch)
        payload = payload_of(uow, batch)
    console.print(f"Batch {entry.batch_id}: {entry.status} after {entry.attempts} tries"
                  + (f", ledger reference {entry.ledger_ref}" if entry.ledger_ref else ""))
    for reason in entry.refusal_reasons:
        console.print(f"  {reason['reason']}", highlight=False, markup=False, soft_wrap=True)
    if entry.last_error and not entry.refusal_reasons:
        console.print(f"  {entry.last_error}", highlight=False, markup=False, soft_wrap=True)
    console.print(payload.decode("utf-8"), highlight=False, markup=False, soft_wrap=True)


@app.command("retry")
def retry(
    batch: Annotated[str, typer.Argument(help="Batch id.")],
    *,
    operator: Annotated[Optional[str], typer.Option("--operator", help="Operator id for the audit trail.")] = None,
) -> None:
    """Send a refused or held batch again (after its cause was corrected) at the next `pos sync run`."""
    from sync.outbox import RetryBatch, retry_batch

    with database() as db, db.unit_of_work() as uow:
        entry = retry_batch(uow, RetryBatch(batch, operator), settings())
    console.print(f"Batch {entry.batch_id} is {entry.status} again: it goes with the next `pos sync run`.")


@app.command("pull")
def pull() -> None:
    """Pull the account master (from the saved cursor) and the fee codes now."""
    from sync.runner import pull_now

    with database() as db:
        accounts, fee_codes, file = pull_now(db, settings())
    if accounts is not None:
        console.print(f"Pulled {accounts.accounts:,} accounts in {accounts.pages} pages and "
                      f"{fee_codes.fee_codes} fee codes.")
    else:
        console.print(f"Imported {file}." if file else "No new ACCOUNTS_*.csv in the inbox folder.")


@ledger_app.command("serve")
def serve(
    *,
    db: Annotated[Path, typer.Option("--database", dir_okay=False, help="The ledger's own SQLite file.")],
    token: Annotated[list[str], typer.Option("--token", envvar="LEDGER_TOKENS",
                                             help="A bearer token that may call (repeat for more).")],
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8700,
    accounts: Annotated[Optional[Path], typer.Option("--accounts", exists=True, dir_okay=False,
                                                     help="Seed the account master from an ACCOUNTS csv.")] = None,
    fee_codes: Annotated[Optional[Path], typer.Option("--fee-codes", exists=True, dir_okay=False,
                                                      help="Seed the fee codes from a CSV.")] = None,
    drop_folder: Annotated[Optional[Path], typer.Option("--drop-folder", file_okay=False,
                                                        help="Also import PAY_*.csv files dropped here.")] = None,
) -> None:
    """Serve the ledger contract on HOST:PORT over its own database (seed it with --accounts/--fee-codes)."""
    import threading

    import uvicorn

    from sync.reference_ledger import ReferenceLedger, create_app

    ledger = ReferenceLedger(db)
    if accounts:
        console.print(f"Seeded {ledger.seed_accounts_csv(accounts):,} accounts.")
    if fee_codes:
        console.print(f"Seeded {ledger.seed_fee_codes_csv(fee_codes)} fee codes.")
    stop = threading.Event()
    if drop_folder:
        def importer() -> None:
            while not stop.wait(1.0):
                for name, outcome in ledger.import_folder(drop_folder):
                    console.print(f"{name}: {outcome}")

        threading.Thread(target=importer, daemon=True).start()
    try:
        uvicorn.run(create_app(ledger, tokens=token), host=host, port=port, log_level="warning")
    finally:
        stop.set()
        ledger.close()
