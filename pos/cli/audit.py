"""`pos audit …`: verify the chain, list and filter entries."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from pos.cli.common import console, database, emit_json, err_console, settings, sub_app

app = sub_app("Audit trail: every sensitive act, chained so that tampering shows.")


@app.command("verify")
def verify(
    *,
    anchor: Annotated[Optional[str], typer.Option(
        "--anchor", metavar="SEQ:HASH",
        help="A chain head printed on a Z report or deposit slip: prove the journal still reaches it.")] = None,
) -> None:
    """Check every entry of the chain and every money row it binds; say OK or name each bad row."""
    from pos.core import audit

    anchored = audit.parse_anchor(anchor) if anchor is not None else None
    with database() as db, db.reader() as uow:
        outcome = audit.verify(uow.session, key=settings().security.audit_key, anchor=anchored)
    if outcome.ok:
        reaches = f"; it reaches the anchor {anchored}" if anchored else ""
        console.print(f"[bold green]OK[/]: {outcome.rows:,} entries, chain intact; {outcome.money_rows:,} money rows "
                      f"match what the chain bound{reaches}.")
        return
    err_console.print(f"[bold red]TAMPERED[/]: {outcome.problem} (checked {outcome.rows:,} entries)",
                      highlight=False, soft_wrap=True)
    for problem in outcome.problems[1:]:
        err_console.print(f"  also: {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command("show")
def show(
    *,
    kind: Annotated[Optional[str], typer.Option(help="Only this kind, e.g. signin_failed.")] = None,
    operator: Annotated[Optional[str], typer.Option(help="Only acts by or approved by this operator.")] = None,
    terminal: Annotated[Optional[str], typer.Option(help="Only this terminal.")] = None,
    since: Annotated[Optional[str], typer.Option(help="From this date or time (ISO 8601).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Before this date or time (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(help="Most entries shown, newest first.")] = 50,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List audit entries, newest first."""
    from pos.core import audit
    from pos.core.errors import InputError

    since, until = _moment(since, "--since"), _moment(until, "--until")
    with database() as db, db.reader() as uow:
        if kind is not None:
            kinds = audit.known_kinds(uow.session)
            if kind not in kinds:
                raise InputError("--kind", f"{kind!r} is not a kind of audit entry; valid kinds: {', '.join(kinds)}")
        rows = audit.search(uow.session, kind=kind, operator_id=operator, terminal_id=terminal, since=since,
                            until=until, limit=limit)
    if json:
        emit_json(rows)
        return
    if not rows:
        console.print("No audit entries match." if any((kind, operator, terminal, since, until))
                      else "No audit entries yet.")
        return
    table = Table("#", "When", "Terminal", "Operator", "Approver", "Kind", "Details")
    for row in rows:
        details = ", ".join(f"{k}={v}" for k, v in row.details.items())
        table.add_row(str(row.seq), row.at[:19], row.terminal_id, row.operator_id or "", row.approver_id or "",
                      row.kind, details)
    console.print(table)


def _moment(text: str | None, field: str) -> str | None:
    """An ISO 8601 date or date and time, as the trail stores it; anything else is refused naming the option."""
    if text is None:
        return None
    from datetime import date, datetime

    from pos.core.errors import InputError

    try:
        return datetime.fromisoformat(text).isoformat() if "T" in text or " " in text else \
            date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(field, f"{text!r} is not a date (YYYY-MM-DD) or a date and time "
                                "(YYYY-MM-DDTHH:MM)") from None
