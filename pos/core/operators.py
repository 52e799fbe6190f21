"""Operators: adding them, PINs (argon2id), sign-in with lock-out, unlock, disable."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from pos.core import audit
from pos.core.cards import find_card_number, refuse_card_number
from pos.core.clock import timestamp
from pos.core.db import UnitOfWork
from pos.core.errors import AuthError, InputError, OperatorError, PermissionDenied
from pos.core.models import Operator
from pos.core.settings import ROLES, Settings

LEAD_AND_ABOVE = ("lead", "supervisor", "admin")
WRONG_CREDENTIALS = "Operator id or PIN is not right"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # OWASP password storage cheat sheet: argon2id, m=19 MiB, t=2, p=1.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16,
                          type=Type.ID)


def hash_pin(pin: str) -> str:
    return _hasher().hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher().verify(pin_hash, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class OperatorView:
    operator_id: str
    name: str
    role: str
    locked: bool
    disabled: bool
    failed_signins: int
    last_signin_at: str | None

    @classmethod
    def of(cls, row: Operator) -> "OperatorView":
        return cls(row.operator_id, row.name, row.role, row.locked, row.disabled, row.failed_signins,
                   row.last_signin_at)


# Commands --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """Who is acting, proven by their PIN at this terminal."""

    operator_id: str
    pin: str


@dataclass(frozen=True)
class AddOperator:
    operator_id: str
    name: str
    role: str
    pin: str
    by: Credentials | None = None  # None only while no operator exists yet


@dataclass(frozen=True)
class SetPin:
    operator_id: str
    new_pin: str
    by: Credentials


@dataclass(frozen=True)
class UnlockOperator:
    operator_id: str
    by: Credentials


@dataclass(frozen=True)
class DisableOperator:
    operator_id: str
    by: Credentials


@dataclass(frozen=True)
class SignIn:
    operator_id: str
    pin: str


@dataclass(frozen=True)
class SignOut:
    operator_id: str
    reason: str = "signed out"


# Events ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatorAdded:
    operator: OperatorView


@dataclass(frozen=True)
class OperatorSignedIn:
    operator: OperatorView


@dataclass(frozen=True)
class OperatorChanged:
    operator: OperatorView
    what: str


# Validation ------------------------------------------------------------------------------------


def check_operator_id(operator_id: str) -> str:
    value = (operator_id or "").strip()
    if not value:
        raise InputError("operator id", "is empty")
    refuse_card_number("operator id", value)
    if len(value) > 32:
        raise InputError("operator id", "is longer than 32 characters")
    if not all(ch.isalnum() or ch in "._-" for ch in value):
        raise InputError("operator id", "may hold only letters, digits, dot, dash and underscore")
    return value.lower()


def check_pin(pin: str, role: str, settings: Settings) -> str:
    if not pin:
        raise InputError("PIN", "is empty")
    if not pin.isascii() or not pin.isdigit():
        raise InputError("PIN", "must be digits only")
    minimum = settings.security.pin_min_digits_lead if role in LEAD_AND_ABOVE else settings.security.pin_min_digits
    if len(pin) < minimum:
        raise InputError("PIN", f"must be at least {minimum} digits for the {role} role")
    if len(pin) > 12:
        raise InputError("PIN", "must be at most 12 digits")
    return pin


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError("role", f"{role!r} is not a role; roles are {', '.join(ROLES)}")
    return role


def may(settings: Settings, role: str, permission: str) -> bool:
    return permission in settings.role(role).may


# Services --------------------------------------------------------------------------------------


def sign_in(uow: UnitOfWork, command: SignIn, settings: Settings) -> OperatorSignedIn:
    """Check the PIN; count failures (they survive restarts) and lock after too many."""
    row = _authenticate(uow, command.operator_id, command.pin, settings, purpose="sign-in")
    row.last_signin_at = timestamp()
    _audit(uow, settings, "signin", row.operator_id)
    uow.commit()
    return OperatorSignedIn(OperatorView.of(row))


def sign_out(uow: UnitOfWork, command: SignOut, settings: Settings) -> None:
    _audit(uow, settings, "signout", command.operator_id, details={"reason": command.reason})
    uow.commit()


def add_operator(uow: UnitOfWork, command: AddOperator, settings: Settings) -> OperatorAdded:
    operator_id = check_operator_id(command.operator_id)
    name = (command.name or "").strip()
    if not name:
        raise InputError("name", "is empty")
    refuse_card_number("name", name)
    if len(name) > 80:
        raise InputError("name", "is longer than 80 characters")
    role = check_role(command.role)
    pin = check_pin(command.pin, role, settings)
    existing = uow.session.execute(select(func.count()).select_from(Operator)).scalar_one()
    actor_id: str | None = None
    if existing == 0 and command.by is None:
        if role not in ("supervisor", "admin"):
            raise InputError("role", "the first operator must be a supervisor or an admin")
    else:
        actor = _authorize(uow, command.by, "manage_operators", settings)
        actor_id = actor.operator_id
    if _find(uow, operator_id) is not None:
        raise OperatorError(f"operator id: {operator_id} already exists")
    stamp = timestamp()
    row = Operator(operator_id=operator_id, name=name, role=role, pin_hash=hash_pin(pin), created_at=stamp,
                   pin_changed_at=stamp)
    uow.session.add(row)
    _audit(uow, settings, "operator_added", actor_id, details={"operator": operator_id, "role": role})
    uow.commit()
    return OperatorAdded(OperatorView.of(row))


def set_pin(uow: UnitOfWork, command: SetPin, settings: Settings) -> OperatorChanged:
    target_id = check_operator_id(command.operator_id)
    if check_operator_id(command.by.operator_id) == target_id:
        actor = _authenticate(uow, command.by.operator_id, command.by.pin, settings, purpose="PIN change")
    else:
        actor = _authorize(uow, command.by, "manage_operators", settings)
    row = _require(uow, target_id)
    check_pin(command.new_pin, row.role, settings)
    if pin_matches(row.pin_hash, command.new_pin):
        raise InputError("new PIN", "is the same as the current PIN")
    row.pin_hash = hash_pin(command.new_pin)
    row.pin_changed_at = timestamp()
    _audit(uow, settings, "pin_set", actor.operator_id, details={"operator": target_id})
    uow.commit()
    return OperatorChanged(OperatorView.of(row), "PIN set")


def unlock_operator(uow: UnitOfWork, command: UnlockOperator, settings: Settings) -> OperatorChanged:
    target_id = check_operator_id(command.operator_id)
    actor = _authorize(uow, command.by, "unlock_operators", settings)
    row = _require(uow, target_id)
    if actor.operator_id == target_id:
        raise PermissionDenied("Nobody unlocks themselves")
    if not row.locked and row.failed_signins == 0:
        raise OperatorError(f"operator {target_id} is not locked")
    row.locked = False
    row.failed_signins = 0
    _audit(uow, settings, "operator_unlocked", actor.operator_id, details={"operator": target_id})
    uow.commit()
    return OperatorChanged(OperatorView.of(row), "unlocked")


def disable_operator(uow: UnitOfWork, command: DisableOperator, settings: Settings) -> OperatorChanged:
    target_id = check_operator_id(command.operator_id)
    actor = _authorize(uow, command.by, "manage_operators", settings)
    row = _require(uow, target_id)
    if actor.operator_id == target_id:
        raise PermissionDenied("Nobody disables themselves")
    if row.disabled:
        raise OperatorError(f"operator {target_id} is already disabled")
    row.disabled = True
    _audit(uow, settings, "operator_disabled", actor.operator_id, details={"operator": target_id})
    uow.commit()
    return OperatorChanged(OperatorView.of(row), "disabled")


def list_operators(uow: UnitOfWork) -> list[OperatorView]:
    rows = uow.session.execute(select(Operator).order_by(Operator.operator_id)).scalars()
    return [OperatorView.of(row) for row in rows]


def count_operators(uow: UnitOfWork) -> int:
    return uow.session.execute(select(func.count()).select_from(Operator)).scalar_one()


# Internals -------------------------------------------------------------------------------------


def _find(uow: UnitOfWork, operator_id: str) -> Operator | None:
    return uow.session.execute(
        select(Operator).where(Operator.operator_id == operator_id).with_for_update()
    ).scalar_one_or_none()


def _require(uow: UnitOfWork, operator_id: str) -> Operator:
    row = _find(uow, operator_id)
    if row is None:
        raise OperatorError(f"operator id: {operator_id} does not exist")
    return row


def _audit(uow: UnitOfWork, settings: Settings, kind: str, operator_id: str | None,
           details: dict | None = None, approver_id: str | None = None) -> None:
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id, kind=kind,
                 operator_id=operator_id, approver_id=approver_id, details=details)


def _authenticate(uow: UnitOfWork, operator_id: str, pin: str, settings: Settings, *, purpose: str) -> Operator:
    """Return the operator if the PIN is right; otherwise record the failure, commit it, and refuse."""
    if find_card_number(operator_id):
        raise AuthError(WRONG_CREDENTIALS)  # like any failure, but nothing journaled: a card number is never kept
    wanted = check_operator_id(operator_id)
    if not pin:
        raise InputError("PIN", "is empty")
    row = _find(uow, wanted)
    if row is None:
        _audit(uow, settings, "signin_failed", wanted, details={"reason": "unknown operator", "for": purpose})
        uow.commit()
        raise AuthError(WRONG_CREDENTIALS)
    if row.disabled:
        _audit(uow, settings, "signin_failed", wanted, details={"reason": "disabled", "for": purpose})
        uow.commit()
        raise AuthError(f"Operator {wanted} is disabled")
    if row.locked:
        _audit(uow, settings, "signin_failed", wanted, details={"reason": "locked", "for": purpose})
        uow.commit()
        raise AuthError(f"Operator {wanted} is locked after too many failed sign-ins; a supervisor must unlock")
    if not pin_matches(row.pin_hash, pin):
        row.failed_signins += 1
        limit = settings.security.max_failed_signins
        _audit(uow, settings, "signin_failed", wanted,
               details={"reason": "wrong PIN", "for": purpose, "failures": row.failed_signins})
        if row.failed_signins >= limit:
            row.locked = True
            _audit(uow, settings, "operator_locked", wanted, details={"failures": row.failed_signins})
            uow.commit()
            raise AuthError(f"Operator {wanted} is now locked after {limit} failed sign-ins; "
                            f"a supervisor must unlock")
        uow.commit()
        left = limit - row.failed_signins
        raise AuthError(f"{WRONG_CREDENTIALS}; {left} {'try' if left == 1 else 'tries'} left before lock-out")
    if _hasher().check_needs_rehash(row.pin_hash):
        row.pin_hash = hash_pin(pin)
    row.failed_signins = 0
    return row


def authenticate(uow: UnitOfWork, credentials: Credentials, settings: Settings, *, purpose: str) -> OperatorView:
    """Check someone's PIN at this terminal (an approval, say): failures count and lock like sign-in's."""
    return OperatorView.of(_authenticate(uow, credentials.operator_id, credentials.pin, settings, purpose=purpose))


def role_of(uow: UnitOfWork, operator_id: str) -> str:
    row = _find(uow, operator_id)
    if row is None:
        raise OperatorError(f"operator id: {operator_id} does not exist")
    return row.role


def _authorize(uow: UnitOfWork, credentials: Credentials | None, permission: str, settings: Settings) -> Operator:
    if credentials is None:
        raise PermissionDenied(f"this needs an operator with the {permission} permission")
    actor = _authenticate(uow, credentials.operator_id, credentials.pin, settings, purpose=permission)
    if not may(settings, actor.role, permission):
        raise PermissionDenied(f"Operator {actor.operator_id} ({actor.role}) may not {permission.replace('_', ' ')}")
    return actor
