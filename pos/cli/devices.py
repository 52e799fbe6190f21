"""`pos printer test|status`, `pos display test`, `pos drawer kick`: the hardware check from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from pos.cli.common import act_as, console, database, emit_json, err_console, settings, sub_app

printer_app = sub_app("Receipt printer: status (DLE EOT) and a test page.")
display_app = sub_app("Customer display: show a test text.")


@printer_app.command("status")
def printer_status(*, json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Ask every configured device its state now (the printer answers DLE EOT); exit 1 when the printer is not ready."""
    from pos.core.printing import device_states

    states = device_states(settings())
    if json:
        emit_json(states)
    else:
        table = Table("Device", "Connection", "State")
        for state in states:
            table.add_row(state.device, state.configured, state.state if state.ok else f"[bold red]{state.state}[/]")
        console.print(table)
    if not states[0].ok:
        raise typer.Exit(1)


@printer_app.command("test")
def printer_test() -> None:
    """Print a test page: the width ruler, accented letters and the euro sign, the printer's name."""
    from pos.core.printing import print_test_page

    status = print_test_page(settings())
    console.print("Test page sent; the printer confirmed it." if status is not None and status.reported
                  else "Test page sent.")
    if status is not None and status.warning:
        err_console.print(f"[bold yellow]Warning:[/] {status.warning}", highlight=False)


@display_app.command("test")
def display_test(
    *,
    text: Annotated[str, typer.Option("--text", help="First line to show (20 characters).")] = "",
) -> None:
    """Show a test text on the customer display, then the welcome line is up to the counter."""
    from pos.core.printing import show_on_display

    current = settings()
    show_on_display(current, text or "DISPLAY TEST", current.customer_display.welcome)
    console.print(f"Shown on the customer display ({current.customer_display.port}).")


def drawer_kick(
    *,
    by: Annotated[str, typer.Option("--by", help="Operator opening the drawer (PIN asked; needs kick_drawer).")],
) -> None:
    """Open the cash drawer (printer pulse or serial drawer), as a hardware check; journaled with who did it."""
    from pos.core.errors import PosError
    from pos.core.printing import kick_drawer

    current = settings()
    if current.cash_drawer.kick == "none":
        raise PosError("No cash drawer is connected (cash_drawer.kick = none)", "Drawer")
    with database() as db:
        act_as(db, by, "kick_drawer", kind="drawer_kick", details={"via": "command line"})
    error = kick_drawer(current)
    if error is not None:
        raise PosError(error, "Drawer")
    console.print("Drawer pulse sent.")
