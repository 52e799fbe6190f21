"""Roles and their limits as the database holds them: seeded from the configuration once, set by an admin."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from pos.core.clock import timestamp
from pos.core.errors import InputError, OperatorError, PermissionDenied
from pos.core.models import RoleAuthority
from pos.core.settings import PERMISSIONS, ROLES

if TYPE_CHECKING:
    from pos.core.db import UnitOfWork
    from pos.core.operators import Credentials
    from pos.core.settings import Settings

LIMITS = ("void_cents", "refund_cents", "paid_out_cents", "fee_reversal_cents", "over_short_cents")
PIN_DIGITS_RANGE = (4, 12)
SEEDED_BY = "configuration"


@dataclass(frozen=True)
class RoleRights:
    """What one role may do, and the largest amounts it may do or accept alone (cents)."""

    role: str
    may: tuple[str, ...]
    void_cents: int
    refund_cents: int
    paid_out_cents: int
    fee_reversal_cents: int
    over_short_cents: int
    pin_min_digits: int
    changed_at: str
    changed_by: str

    @classmethod
    def of(cls, row: RoleAuthority) -> "RoleRights":
        return cls(row.role, tuple(json.loads(row.may)), row.void_cents, row.refund_cents, row.paid_out_cents,
                   row.fee_reversal_cents, row.over_short_cents, row.pin_min_digits, row.changed_at, row.changed_by)


@dataclass(frozen=True)
class SetRole:
    """Change one role: only what is given changes. ``grant``/``revoke`` name permissions."""

    role: str
    by: Credentials
    grant: tuple[str, ...] = ()
    revoke: tuple[str, ...] = ()
    limits: dict[str, int] = field(default_factory=dict)
    pin_min_digits: int | None = None


@dataclass(frozen=True)
class RoleChanged:
    before: RoleRights
    after: RoleRights
    by: str


def seed_rows(settings: Settings | None) -> list[dict[str, Any]]:
    """The rows a new database starts with: the configuration's authority table and PIN lengths."""
    from pos.core.settings import SecuritySettings, _default_authority

    authority = settings.authority if settings is not None else _default_authority()
    security = settings.security if settings is not None else SecuritySettings()
    stamp = timestamp()
    rows = []
    for role in ROLES:
        section = authority[role]
        short = security.pin_min_digits if role in ("cashier", "csr2") else security.pin_min_digits_lead
        rows.append({"role": role, "may": json.dumps(list(section.may)), "pin_min_digits": short,
                     "changed_at": stamp, "changed_by": SEEDED_BY,
                     **{limit: getattr(section, limit) for limit in LIMITS}})
    return rows


def rights(uow: UnitOfWork, role: str) -> RoleRights:
    """The stored rights of ``role``; the configuration is not consulted."""
    row = uow.session.get(RoleAuthority, role)
    if row is None:
        raise OperatorError(f"role {role!r} has no rights in this database; an admin sets them with `pos role set`")
    return RoleRights.of(row)


def may(uow: UnitOfWork, role: str, permission: str) -> bool:
    return permission in rights(uow, role).may


def list_roles(uow: UnitOfWork) -> list[RoleRights]:
    rows = uow.session.execute(select(RoleAuthority)).scalars().all()
    order = {role: index for index, role in enumerate(ROLES)}
    return sorted((RoleRights.of(row) for row in rows), key=lambda r: order.get(r.role, len(order)))


def set_role(uow: UnitOfWork, command: SetRole, settings: Settings) -> RoleChanged:
    """An admin (``manage_roles``, PIN checked) changes a role's rights or limits; journaled before and after."""
    from pos.core.operators import _audit, _authorize

    if command.role not in ROLES:
        raise InputError("role", f"{command.role!r} is not a role; roles are {', '.join(ROLES)}")
    for name in (*command.grant, *command.revoke):
        if name not in PERMISSIONS:
            raise InputError("permission", f"{name!r} is not a permission; permissions are {', '.join(PERMISSIONS)}")
    both = set(command.grant) & set(command.revoke)
    if both:
        raise InputError("permission", f"{sorted(both)[0]} is both granted and revoked")
    for name, cents in command.limits.items():
        if name not in LIMITS:
            raise InputError("limit", f"{name!r} is not a limit; limits are {', '.join(LIMITS)}")
        if not isinstance(cents, int) or isinstance(cents, bool) or cents < 0:
            raise InputError(name, "must be a whole number of cents, zero or more")
        if cents > settings.money.max_amount_cents:
            raise InputError(name, f"is more than the maximum amount {settings.money.max_amount_cents} cents")
    low, high = PIN_DIGITS_RANGE
    if command.pin_min_digits is not None and not low <= command.pin_min_digits <= high:
        raise InputError("PIN minimum", f"must be {low} to {high} digits")
    if not (command.grant or command.revoke or command.limits or command.pin_min_digits is not None):
        raise InputError("role", "nothing to change: name a permission to grant or revoke, a limit or a PIN length")
    actor = _authorize(uow, command.by, "manage_roles", settings)
    row = uow.session.get(RoleAuthority, command.role, with_for_update=True)
    if row is None:
        raise OperatorError(f"role {command.role!r} has no rights in this database")
    before = RoleRights.of(row)
    granted = [name for name in PERMISSIONS if (name in before.may or name in command.grant)
               and name not in command.revoke]
    if command.role == actor.role and "manage_roles" in command.revoke:
        raise PermissionDenied("Nobody takes the right to manage roles from their own role")
    row.may = json.dumps(granted)
    for name, cents in command.limits.items():
        setattr(row, name, cents)
    if command.pin_min_digits is not None:
        row.pin_min_digits = command.pin_min_digits
    row.changed_at = timestamp()
    row.changed_by = actor.operator_id
    after = RoleRights.of(row)
    _audit(uow, settings, "role_changed", actor.operator_id,
           details={"role": command.role, "before": _described(before), "after": _described(after)})
    uow.commit()
    return RoleChanged(before, after, actor.operator_id)


def _described(rights_of: RoleRights) -> dict[str, Any]:
    return {"may": list(rights_of.may), "pin_min_digits": rights_of.pin_min_digits,
            **{limit: getattr(rights_of, limit) for limit in LIMITS}}
