"""`pos operator …`: add, list, set-pin, unlock, disable, and recover (the database owner's way back)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from pos.cli.common import ask_credentials, console, database, emit_json, settings, sub_app

app = sub_app("Operators: who may sign in, with which role and PIN.")

By = Annotated[str, typer.Option("--by", help="Operator id of the supervisor or admin doing this (PIN asked).")]


@app.command("add")
def add(
    operator_id: Annotated[str, typer.Argument(help="New operator id (letters, digits, . _ -).")],
    *,
    name: Annotated[str, typer.Option(help="Full name as printed on receipts.")],
    role: Annotated[str, typer.Option(help="cashier, csr2, lead, supervisor or admin.")],
    by: Annotated[Optional[str], typer.Option("--by", help="Admin or supervisor adding (not for the first).")] = None,
) -> None:
    """Add an operator. The very first one (a supervisor or admin) needs no --by."""
    from pos.core import operators

    with database(create=True) as db:  # the first operator may be added to a new database
        credentials = ask_credentials(by) if by else None
        pin = typer.prompt(f"New PIN for {operator_id}", hide_input=True, confirmation_prompt=True)
        with db.unit_of_work() as uow:
            added = operators.add_operator(
                uow, operators.AddOperator(operator_id, name, role, pin, by=credentials), settings())
    console.print(f"Added [bold]{added.operator.operator_id}[/] ({added.operator.role}).")


@app.command("list")
def list_(*, json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List operators with their role and state."""
    from pos.core import operators

    with database() as db, db.reader() as uow:
        rows = operators.list_operators(uow)
    if json:
        emit_json(rows)
        return
    if not rows:
        console.print("No operators yet: add the first (a supervisor or admin) with `pos operator add`.")
        return
    table = Table("Operator", "Name", "Role", "State", "Failed sign-ins", "Last sign-in")
    for row in rows:
        state = "disabled" if row.disabled else "LOCKED" if row.locked else "active"
        table.add_row(row.operator_id, row.name, row.role, state, str(row.failed_signins), row.last_signin_at or "")
    console.print(table)


@app.command("set-pin")
def set_pin(operator_id: str, *, by: By) -> None:
    """Set an operator's PIN (your own, or anyone's as a supervisor or admin)."""
    from pos.core import operators

    with database() as db:
        credentials = ask_credentials(by, "Current PIN" if by == operator_id else "PIN")
        pin = typer.prompt(f"New PIN for {operator_id}", hide_input=True, confirmation_prompt=True)
        with db.unit_of_work() as uow:
            operators.set_pin(uow, operators.SetPin(operator_id, pin, credentials), settings())
    console.print(f"PIN set for [bold]{operator_id}[/].")


@app.command("unlock")
def unlock(operator_id: str, *, by: By) -> None:
    """Unlock an operator locked out by failed sign-ins (supervisor or admin)."""
    from pos.core import operators

    with database() as db:
        credentials = ask_credentials(by)
        with db.unit_of_work() as uow:
            operators.unlock_operator(uow, operators.UnlockOperator(operator_id, credentials), settings())
    console.print(f"Unlocked [bold]{operator_id}[/].")


@app.command("disable")
def disable(operator_id: str, *, by: By) -> None:
    """Disable an operator for good (their history stays)."""
    from pos.core import operators

    with database() as db:
        credentials = ask_credentials(by)
        with db.unit_of_work() as uow:
            operators.disable_operator(uow, operators.DisableOperator(operator_id, credentials), settings())
    console.print(f"Disabled [bold]{operator_id}[/].")


@app.command("recover")
def recover(operator_id: str) -> None:
    """Give a locked-out operator a new PIN and unlock them: only for the operating-system user who owns the
    database (SQLite: the file's owner; PostgreSQL: run with the owner role's URL). Journaled with the OS user."""
    from pos.core import operators
    from pos.core.identity import require_owner

    with database() as db:
        who = require_owner(db)
        pin = typer.prompt(f"New PIN for {operator_id}", hide_input=True, confirmation_prompt=True)
        with db.unit_of_work() as uow:
            operators.recover_operator(uow, operators.RecoverOperator(operator_id, pin, who), settings())
    console.print(f"Recovered [bold]{operator_id}[/]: unlocked with a new PIN (journaled as {who}).")
