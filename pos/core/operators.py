"""Operators: adding them, PINs (argon2id), sign-in with a growing delay and lock-out, unlock, recover, disable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from pos.core import audit, clock
from pos.core.authority import rights
from pos.core.cards import find_card_number, refuse_card_number
from pos.core.clock import timestamp
from pos.core.db import UnitOfWork
from pos.core.errors import AuthError, InputError, OperatorError, PermissionDenied
from pos.core.models import Operator
from pos.core.settings import ROLES, Settings

# One answer for every refused sign-in (unknown id, wrong PIN, locked, disabled, too soon): ids stay secret.
WRONG_CREDENTIALS = "Operator id or PIN is not right."
ASK_A_SUPERVISOR = " If this keeps happening, ask a supervisor."
HINT_AFTER_TRIES = 3


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


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when there is no real hash to check, so every refusal costs the same time.
    return hash_pin("0000000000")


def refusal(tries: int = 1) -> AuthError:
    """The words of every refused sign-in; after a few tries in a row at one prompt, where to turn."""
    return AuthError(WRONG_CREDENTIALS + (ASK_A_SUPERVISOR if tries >= HINT_AFTER_TRIES else ""))


def signin_delay_seconds(failures: int, settings: Settings) -> float:
    """How long after the last failure the next try is heard: base × 2^(failures-1), capped."""
    if failures <= 0:
        return 0.0
    base = settings.security.signin_delay_seconds
    return min(base * 2 ** min(failures - 1, 32), settings.security.signin_delay_max_seconds)


@dataclass(frozen=True)
class OperatorView:
    operator_id: str
    name: str
    role: str
    locked: bool
    disabled: bool
    failed_signins: int
    last_signin_at: str | None
    may: tuple[str, ...] = ()  # the role's stored rights when signed in, for what a screen offers

    @classmethod
    def of(cls, row: Operator, *, may: tuple[str, ...] = ()) -> "OperatorView":
        return cls(row.operator_id, row.name, row.role, row.locked, row.disabled, row.failed_signins,
                   row.last_signin_at, may)


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
    tries: int = 1  # tries in a row at this prompt, this one included: only the hint depends on it


@dataclass(frozen=True)
class RecoverOperator:
    """The owner of the database (checked by the caller) gives a locked-out operator a new PIN."""

    operator_id: str
    new_pin: str
    os_user: str


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


def check_pin(pin: str, role: str, uow: UnitOfWork) -> str:
    """Digits only, at least the role's stored minimum (4 for cashiers, 6 for leads and up unless changed)."""
    if not pin:
        raise InputError("PIN", "is empty")
    if not pin.isascii() or not pin.isdigit():
        raise InputError("PIN", "must be digits only")
    minimum = rights(uow, role).pin_min_digits
    if len(pin) < minimum:
        raise InputError("PIN", f"must be at least {minimum} digits for the {role} role")
    if len(pin) > 12:
        raise InputError("PIN", "must be at most 12 digits")
    return pin


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError("role", f"{role!r} is not a role; roles are {', '.join(ROLES)}")
    return role


def may(uow: UnitOfWork, role: str, permission: str) -> bool:
    """Whether ``role`` may, by the rights stored in the database (never the configuration's)."""
    return permission in rights(uow, role).may


# Services --------------------------------------------------------------------------------------


def sign_in(uow: UnitOfWork, command: SignIn, settings: Settings) -> OperatorSignedIn:
    """Check the PIN; count failures (they survive restarts), slow them down, lock after too many."""
    row = _authenticate(uow, command.operator_id, command.pin, settings, purpose="sign-in", tries=command.tries)
    row.last_signin_at = timestamp()
    _audit(uow, settings, "signin", row.operator_id)
    uow.commit()
    return OperatorSignedIn(OperatorView.of(row, may=rights(uow, row.role).may))


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
    pin = check_pin(command.pin, role, uow)
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
    check_pin(command.new_pin, row.role, uow)
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


def recover_operator(uow: UnitOfWork, command: RecoverOperator, settings: Settings) -> OperatorChanged:
    """The way back from a lock-out: a new PIN, unlocked, journaled as the terminal's service identity with
    the operating-system user. Only the owner of the database may call this (``identity.require_owner``)."""
    target_id = check_operator_id(command.operator_id)
    row = _require(uow, target_id)
    if row.disabled:
        raise OperatorError(f"operator {target_id} is disabled for good; add a new operator instead")
    check_pin(command.new_pin, row.role, uow)
    row.pin_hash = hash_pin(command.new_pin)
    row.pin_changed_at = timestamp()
    row.locked = False
    row.failed_signins = 0
    row.last_failed_at = None
    _audit(uow, settings, "operator_recovered", f"service:{settings.terminal.id}",
           details={"operator": target_id, "os_user": command.os_user})
    uow.commit()
    return OperatorChanged(OperatorView.of(row), "recovered")


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


def _authenticate(uow: UnitOfWork, operator_id: str, pin: str, settings: Settings, *, purpose: str,
                  tries: int = 1) -> Operator:
    """Return the operator if the PIN is right; otherwise record the failure, commit it, and refuse.

    Every refusal has the same words and costs one argon2 verify, whatever the reason: an unknown id,
    a disabled or locked operator, a try before the growing delay has passed, or a wrong PIN.
    """
    if find_card_number(operator_id):  # like any failure, at the same cost, but nothing journaled: never kept
        pin_matches(_dummy_hash(), pin)
        raise AuthError(WRONG_CREDENTIALS)
    wanted = check_operator_id(operator_id)
    if not pin:
        raise InputError("PIN", "is empty")
    row = _find(uow, wanted)
    moment = clock.now()
    reason = None
    if row is None:
        pin_matches(_dummy_hash(), pin)
        reason = "unknown operator"
    elif row.disabled or row.locked:
        pin_matches(row.pin_hash, pin)
        reason = "disabled" if row.disabled else "locked"
    elif _too_soon(row, moment, settings):
        pin_matches(row.pin_hash, pin)
        reason = "too soon after a failure"
    elif not pin_matches(row.pin_hash, pin):
        row.failed_signins += 1
        row.last_failed_at = timestamp(moment)
        _audit(uow, settings, "signin_failed", wanted,
               details={"reason": "wrong PIN", "for": purpose, "failures": row.failed_signins})
        if row.failed_signins >= settings.security.max_failed_signins:
            row.locked = True
            _audit(uow, settings, "operator_locked", wanted, details={"failures": row.failed_signins})
        uow.commit()
        raise refusal(tries)
    if reason is not None:
        _audit(uow, settings, "signin_failed", wanted, details={"reason": reason, "for": purpose})
        uow.commit()
        raise refusal(tries)
    if _hasher().check_needs_rehash(row.pin_hash):
        row.pin_hash = hash_pin(pin)
    row.failed_signins = 0
    row.last_failed_at = None
    return row


def _too_soon(row: Operator, moment: datetime, settings: Settings) -> bool:
    if not row.failed_signins or not row.last_failed_at:
        return False
    wait = signin_delay_seconds(row.failed_signins, settings)
    return moment < datetime.fromisoformat(row.last_failed_at) + timedelta(seconds=wait)


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
    if not may(uow, actor.role, permission):
        raise PermissionDenied(f"Operator {actor.operator_id} ({actor.role}) may not {permission.replace('_', ' ')}")
    return actor
