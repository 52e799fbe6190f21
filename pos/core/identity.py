"""Who acts: an operator proven by their PIN and role, or the terminal's service identity for unattended work."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from pos.core import audit
from pos.core.errors import PermissionDenied

if TYPE_CHECKING:
    from pos.core.db import Database, UnitOfWork
    from pos.core.operators import Credentials
    from pos.core.settings import Settings

SERVICE_PREFIX = "service:"


@dataclass(frozen=True)
class Actor:
    """Made only by ``act_as`` (PIN and right checked) or ``service_identity``; journaled as it is."""

    operator_id: str
    role: str | None
    os_user: str | None = None

    @property
    def is_service(self) -> bool:
        return self.operator_id.startswith(SERVICE_PREFIX)

    def journal_details(self) -> dict[str, Any]:
        """What the journal adds about the actor: the operating-system user behind the service identity."""
        return {"os_user": self.os_user} if self.is_service else {}


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container with an unnamed uid)
        return f"uid {os.getuid()}"


def service_identity(settings: Settings) -> Actor:
    """The terminal itself, for work nobody signs in for (the nightly account-master import, the ledger sync)."""
    return Actor(f"{SERVICE_PREFIX}{settings.terminal.id}", None, os_user())


def act_as(uow: UnitOfWork, credentials: Credentials, permission: str, settings: Settings) -> Actor:
    """The operator behind ``credentials`` if the PIN is right and their role has ``permission``.

    A wrong PIN counts and locks like a sign-in's (the failure is committed); the caller commits the act.
    """
    from pos.core.operators import _authorize

    row = _authorize(uow, credentials, permission, settings)
    return Actor(row.operator_id, row.role)


def refuse_service(actor: Actor, what: str) -> None:
    """The service identity moves no cash and approves nothing."""
    if actor.is_service:
        raise PermissionDenied(f"The terminal's service identity may not {what}: an operator does it with their PIN")


def record_act(uow: UnitOfWork, actor: Actor, kind: str, settings: Settings,
               details: dict[str, Any] | None = None) -> None:
    """Journal an act in the caller's transaction, naming the actor (and the OS user of the service identity)."""
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id, kind=kind,
                 operator_id=actor.operator_id, details={**(details or {}), **actor.journal_details()})


def require_owner(database: Database) -> str:
    """The operating-system user, if they own the database; else refuse (``pos operator recover``).

    SQLite: the caller's user owns the database file. PostgreSQL: the connection's role owns the
    ``operator`` table (the owner role that runs migrations, not the terminal's everyday role).
    """
    who = os_user()
    if database.is_sqlite:
        path = make_url(database.url).database
        if not path or path == ":memory:":
            return who
        owner = Path(path).stat().st_uid
        if owner != os.geteuid():
            raise PermissionDenied(f"Only the owner of the database file may recover an operator ({who} is not)")
        return who
    with database.engine.connect() as connection:
        owns = connection.execute(text(
            "SELECT pg_catalog.pg_get_userbyid(c.relowner) = current_user FROM pg_catalog.pg_class c "
            "WHERE c.oid = to_regclass('operator')")).scalar()
    if not owns:
        raise PermissionDenied("Only the database's owner role may recover an operator: connect with the owner "
                               "role's URL (POS_DATABASE__URL) to do it")
    return who
