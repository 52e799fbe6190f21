"""`pos role …`: what each role may do and its limits, as the database holds them; changed by an admin."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from pos.cli.common import ask_credentials, console, database, emit_json, settings, sub_app

app = sub_app("Roles: rights and limits from the database (the configuration only seeds a new database).")

Cents = Annotated[Optional[int], typer.Option(min=0, help="Cents.")]


@app.command("list")
def list_(*, json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Each role's rights, limits and shortest PIN, and who last changed them."""
    from pos.core.authority import list_roles
    from pos.core.money import format_cents

    with database() as db, db.reader() as uow:
        roles = list_roles(uow)
    if json:
        emit_json(roles)
        return
    table = Table("Role", "May", "Void", "Refund", "Paid-out", "Fee reversal", "Over/short", "PIN digits",
                  "Changed by")
    for role in roles:
        table.add_row(role.role, ", ".join(role.may), format_cents(role.void_cents), format_cents(role.refund_cents),
                      format_cents(role.paid_out_cents), format_cents(role.fee_reversal_cents),
                      format_cents(role.over_short_cents), str(role.pin_min_digits),
                      f"{role.changed_by} {role.changed_at[:19]}")
    console.print(table)


@app.command("set")
def set_(
    role: Annotated[str, typer.Argument(help="cashier, csr2, lead, supervisor or admin.")],
    *,
    by: Annotated[str, typer.Option("--by", help="Admin changing the role (PIN asked; needs manage_roles).")],
    grant: Annotated[Optional[list[str]], typer.Option("--grant", help="Permission to add (repeatable).")] = None,
    revoke: Annotated[Optional[list[str]], typer.Option("--revoke", help="Permission to take away (repeatable).")]
    = None,
    void_cents: Cents = None,
    refund_cents: Cents = None,
    paid_out_cents: Cents = None,
    fee_reversal_cents: Cents = None,
    over_short_cents: Cents = None,
    pin_min_digits: Annotated[Optional[int], typer.Option(help="Shortest PIN for the role (4-12).")] = None,
) -> None:
    """Change a role's rights or limits with an admin's PIN; journaled with before and after."""
    from pos.core.authority import SetRole, set_role

    limits = {name: value for name, value in (("void_cents", void_cents), ("refund_cents", refund_cents),
                                              ("paid_out_cents", paid_out_cents),
                                              ("fee_reversal_cents", fee_reversal_cents),
                                              ("over_short_cents", over_short_cents)) if value is not None}
    with database() as db:
        credentials = ask_credentials(by)
        with db.unit_of_work() as uow:
            changed = set_role(uow, SetRole(role, credentials, tuple(grant or ()), tuple(revoke or ()), limits,
                                            pin_min_digits), settings())
    console.print(f"Role [bold]{role}[/] changed by {changed.by}: may {', '.join(changed.after.may) or 'nothing'}.")
