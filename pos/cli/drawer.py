"""`pos drawer …`: the day's drawers, closeout (Z) reports, over/short history, deposit slips, the cash drawer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pos.cli.common import console, database, emit_json, settings, show_table, sub_app
from pos.core.errors import InputError
from pos.core.files import write_private

app = sub_app("Drawer: the day's drawers, closeout (Z) reports, over/short history, deposit slips, the drawer kick.")


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _money(cents: int | None) -> str:
    from pos.core.money import format_cents

    return "" if cents is None else format_cents(cents, symbol=settings().money.currency_symbol)


@app.command("list")
def list_drawers(
    *,
    day: Annotated[Optional[str], typer.Option("--date", help="Business date (YYYY-MM-DD); default today.")] = None,
    all_days: Annotated[bool, typer.Option("--all", help="Every day, newest first.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Drawer sessions of every terminal: status, over/short, sign-off, verification, deposit."""
    from drawer.reports import list_drawers as drawers_of
    from pos.core.clock import business_date

    when = None if all_days else (_day(day, "--date") or business_date(cutoff=settings().terminal.business_day_cutoff))
    with database() as db, db.reader() as uow:
        found = drawers_of(uow, business_day=when)
    if json:
        emit_json(found)
        return
    if not found:
        console.print(f"No drawers on {when}." if when else "No drawers yet.")
        return
    table = Table(title=f"Drawers {when or '(all days)'}")
    table.add_column("Session", no_wrap=True, min_width=8)
    if when is None:
        table.add_column("Date", no_wrap=True)
    for heading in ("Terminal", "Cashier", "Status", "Over/short", "Signed off", "Verified"):
        table.add_column(heading)
    table.add_column("Deposit", no_wrap=True)
    for drawer in found:
        day_cell = [] if when is not None else [str(drawer.business_date)]
        table.add_row(drawer.session_id[:8], *day_cell, drawer.terminal_id, drawer.operator_id,
                      drawer.status + (" (forced)" if drawer.forced else ""), _money(drawer.over_short_cents),
                      drawer.signed_off_by or "", drawer.verified_by or "", drawer.deposit_bag or "")
    show_table(table)


@app.command("report")
def report(
    session: Annotated[str, typer.Argument(help="Drawer session id, or its first 6+ characters (pos drawer list).")],
    *,
    csv: Annotated[Optional[Path], typer.Option("--csv", dir_okay=False, help="Also write the report as CSV.")] = None,
    pdf: Annotated[Optional[Path], typer.Option("--pdf", dir_okay=False, help="Also write the report as PDF.")] = None,
    print_it: Annotated[bool, typer.Option("--print", help="Also print it on the receipt printer (Z report).")]
    = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """The closeout (Z) report of one drawer session: float, movements, tenders, voids, count, over/short."""
    from drawer.documents import closeout_csv, closeout_pdf, closeout_text
    from drawer.paper import print_document
    from drawer.reports import closeout_report, find_session
    from pos.core.printing import paper_columns

    current = settings()
    with database() as db, db.reader() as uow:
        found = closeout_report(uow, find_session(uow, session), current)
    symbol = current.money.currency_symbol
    if json:
        emit_json(found)
    else:
        _print_report(found)
    if csv is not None:
        write_private(csv, closeout_csv(found).encode("utf-8"))
        console.print(f"CSV written: {csv}")
    if pdf is not None:
        write_private(pdf, closeout_pdf(found, symbol=symbol))
        console.print(f"PDF written: {pdf}")
    if print_it:
        error = print_document(current, f"closeout-{found.terminal_id}-{found.business_date}-{found.session_id[:8]}",
                               closeout_text(found, paper_columns(current), symbol=symbol))
        console.print("Printed on the receipt printer." if error is None else f"[red]Not printed:[/] {error}")


def _print_report(found) -> None:  # noqa: ANN001 - drawer.report_model.CloseoutReport
    counted = found.status == "closed"
    head = Table.grid(padding=(0, 2))
    head.add_row("Drawer", f"{found.session_id} on {found.terminal_id}, {found.business_date}")
    head.add_row("Cashier", f"{found.operator_name} ({found.operator_id})")
    forced = f" (force-closed by {found.closed_by})" if found.forced else ""
    head.add_row("Status", found.status + forced)
    head.add_row("Opened / closed", f"{found.opened_at[:19]} / {(found.closed_at or 'not yet')[:19]}")
    head.add_row("Opening float", _money(found.opening_float_cents))
    head.add_row("Payments", f"{found.payments_count}, {_money(found.payments_cents)}")
    console.print(head)
    tenders = Table("Tender", "Payments", "Tendered", "Change", "Voids", "Voided", "Expected", "Counted", "Over/short",
                    title="By tender")
    for line in found.tenders:
        if not (line.payments_count or line.expected_cents or line.voids_count or (line.counted_cents or 0)):
            continue
        tenders.add_row(line.tender, str(line.payments_count), _money(line.payments_cents), _money(line.change_cents),
                        str(line.voids_count), _money(line.voids_cents), _money(line.expected_cents),
                        _money(line.counted_cents) if counted else "not counted",
                        _money(line.over_short_cents) if counted else "")
    expected = "blind" if found.expected_cents is None else _money(found.expected_cents)  # shown after the count
    tenders.add_row("total", "", "", "", "", "", expected,
                    _money(found.counted_cents) if counted else "", _money(found.over_short_cents) if counted else "")
    show_table(tenders)
    if found.movements:
        moves = Table("Slip", "Time", "What", "Amount", "Reason", "Approved by", title="Drops, paid-outs, loans")
        for move in found.movements:
            moves.add_row(move.number, move.at[11:16], move.kind, _money(move.amount_cents), move.reason,
                          move.approved_by or "")
        show_table(moves)
    if found.voids:
        voids = Table("Void", "Voids", "Amount", "By", "Approved by", "Reason", title="Voids")
        for void in found.voids:
            voids.add_row(void.receipt_number, void.voids_receipt_number, _money(void.amount_cents), void.operator_id,
                          void.approved_by or "", void.reason)
        show_table(voids)
    if counted:
        cash = Table("Denomination", "Count", "Total", title="Cash counted")
        for line in found.cash_counts:
            cash.add_row(line.label, str(line.count), _money(line.total_cents))
        show_table(cash)
        if found.items:
            items = Table("Tender", "Number", "Amount", "Status", "Receipt", title="Checks and money orders")
            for item in found.items:
                items.add_row(item.tender, item.reference, _money(item.amount_cents), item.status,
                              item.receipt_number or "")
            show_table(items)
    tail = Table.grid(padding=(0, 2))
    tail.add_row("Counts made", str(found.counts_made))
    if found.signed_off_by:
        tail.add_row("Signed off by", f"{found.signed_off_by}: {found.signoff_note or ''}")
    tail.add_row("Verified by", f"{found.verified_by} at {found.verified_at[:19]}" if found.verified_by else "not yet")
    if found.retained_float_cents is not None:
        tail.add_row("Float kept", _money(found.retained_float_cents))
    if found.deposit_cash_cents is not None:
        tail.add_row("Cash to deposit", _money(found.deposit_cash_cents) + (f" (bag {found.deposit_bag})"
                                                                             if found.deposit_bag else ""))
    console.print(tail)


@app.command("history")
def history(
    *,
    start: Annotated[str, typer.Option("--from", help="First business date (YYYY-MM-DD).")],
    end: Annotated[Optional[str], typer.Option("--to", help="Last business date (default: today).")] = None,
    operator: Annotated[Optional[str], typer.Option("--operator", help="Only this cashier.")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", dir_okay=False, help="Also write CSV.")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Over/short history per cashier over a date range, with each cashier's total."""
    from drawer.documents import over_short_csv
    from drawer.reports import over_short_history
    from pos.core.clock import business_date

    first = _day(start, "--from")
    last = _day(end, "--to") or business_date(cutoff=settings().terminal.business_day_cutoff)
    with database() as db, db.reader() as uow:
        rows = over_short_history(uow, start=first, end=last, operator_id=operator)
    if json:
        emit_json(rows)
    elif not rows:
        console.print(f"No counted drawers from {first} to {last}" + (f" for {operator}." if operator else "."))
    else:
        table = Table("Date", "Cashier", "Terminal", "Expected", "Counted", "Over/short", "Cash over/short",
                      "Signed off", "Verified", title=f"Over/short {first} to {last}")
        totals: dict[str, int] = {}
        for row in rows:
            totals[row.operator_id] = totals.get(row.operator_id, 0) + row.over_short_cents
            table.add_row(str(row.business_date), f"{row.operator_name} ({row.operator_id})", row.terminal_id,
                          _money(row.expected_cents), _money(row.counted_cents), _money(row.over_short_cents),
                          _money(row.cash_over_short_cents), row.signed_off_by or "", row.verified_by or "")
        for operator_id, total in sorted(totals.items()):
            table.add_row("total", operator_id, "", "", "", _money(total), "", "", "", style="bold")
        show_table(table)
    if csv is not None:
        write_private(csv, over_short_csv(rows).encode("utf-8"))
        console.print(f"CSV written: {csv}")


@app.command("deposit")
def deposit(
    bag: Annotated[str, typer.Argument(help="Bag number of the deposit (or its id).")],
    *,
    pdf: Annotated[Optional[Path], typer.Option("--pdf", dir_okay=False, help="Also write the slip as PDF.")] = None,
    print_it: Annotated[bool, typer.Option("--print", help="Also print it on the receipt printer.")] = False,
) -> None:
    """Show a deposit slip: cash by denomination, checks, totals."""
    from drawer.documents import deposit_slip_pdf, deposit_slip_text
    from drawer.paper import print_document
    from drawer.reports import deposit_slip
    from pos.core.printing import paper_columns

    current = settings()
    with database() as db, db.reader() as uow:
        slip = deposit_slip(uow, bag, current)
    symbol = current.money.currency_symbol
    console.print(deposit_slip_text(slip, 48, symbol=symbol), highlight=False, markup=False)
    if pdf is not None:
        write_private(pdf, deposit_slip_pdf(slip, symbol=symbol))
        console.print(f"PDF written: {pdf}")
    if print_it:
        error = print_document(current, f"DEPOSIT-{slip.bag_number}",
                               deposit_slip_text(slip, paper_columns(current), symbol=symbol))
        console.print("Printed on the receipt printer." if error is None else f"[red]Not printed:[/] {error}")
