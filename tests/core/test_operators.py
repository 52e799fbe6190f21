"""Operators: PIN rules, argon2id storage, sign-in with lock-out, unlock and disable, on both engines."""

import pytest
from sqlalchemy import text

from pos.core import audit, operators
from pos.core.errors import AuthError, InputError, OperatorError, PermissionDenied
from pos.core.operators import AddOperator, Credentials, DisableOperator, SetPin, SignIn, UnlockOperator

BOSS = Credentials("boss", "909192")


@pytest.fixture
def staffed(database, settings):
    with database.unit_of_work() as uow:
        operators.add_operator(uow, AddOperator("boss", "Big Boss", "admin", "909192"), settings)
    for operator_id, role, pin in (("sue", "supervisor", "818283"), ("amy", "cashier", "1357"),
                                   ("lee", "lead", "246802")):
        with database.unit_of_work() as uow:
            operators.add_operator(uow, AddOperator(operator_id, operator_id.title(), role, pin, by=BOSS), settings)
    return database


def kinds(database, **filters):
    with database.reader() as uow:
        return [entry.kind for entry in reversed(audit.search(uow.session, **filters))]


def sign_in(database, settings, operator_id, pin):
    with database.unit_of_work() as uow:
        return operators.sign_in(uow, SignIn(operator_id, pin), settings)


def test_pin_is_stored_only_as_an_argon2id_hash(staffed):
    with staffed.reader() as uow:
        stored = uow.execute(text("SELECT pin_hash FROM operator WHERE operator_id = 'amy'")).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "1357" not in stored


def test_first_operator_must_be_supervisor_or_admin(database, settings):
    with database.unit_of_work() as uow, pytest.raises(InputError, match="first operator"):
        operators.add_operator(uow, AddOperator("amy", "Amy", "cashier", "1357"), settings)


def test_adding_after_the_first_needs_a_manager(staffed, settings):
    with staffed.unit_of_work() as uow, pytest.raises(PermissionDenied, match="amy .cashier. may not manage"):
        operators.add_operator(uow, AddOperator("bob", "Bob", "cashier", "1111",
                                                by=Credentials("amy", "1357")), settings)


@pytest.mark.parametrize(("role", "pin", "reason"), [
    ("cashier", "123", "at least 4 digits"), ("lead", "12345", "at least 6 digits"),
    ("supervisor", "12a456", "digits only"), ("cashier", "", "is empty"),
])
def test_pin_rules_by_role(staffed, settings, role, pin, reason):
    with staffed.unit_of_work() as uow, pytest.raises(InputError, match=reason):
        operators.add_operator(uow, AddOperator("newbie", "New", role, pin, by=BOSS), settings)


def test_unknown_role_is_refused(staffed, settings):
    with staffed.unit_of_work() as uow, pytest.raises(InputError, match="role: 'boss' is not a role"):
        operators.add_operator(uow, AddOperator("x", "X", "boss", "123456", by=BOSS), settings)


def test_duplicate_operator_id_is_refused(staffed, settings):
    with staffed.unit_of_work() as uow, pytest.raises(OperatorError, match="already exists"):
        operators.add_operator(uow, AddOperator("AMY", "Amy Again", "cashier", "2468", by=BOSS), settings)


def test_sign_in_success_is_audited_and_resets_failures(staffed, settings):
    with pytest.raises(AuthError):
        sign_in(staffed, settings, "amy", "0000")
    signed = sign_in(staffed, settings, "amy", "1357")
    assert signed.operator.role == "cashier"
    assert signed.operator.failed_signins == 0
    assert kinds(staffed, operator_id="amy")[-2:] == ["signin_failed", "signin"]


def test_unknown_operator_fails_with_the_same_message_and_is_audited(staffed, settings):
    with pytest.raises(AuthError, match="Operator id or PIN is not right"):
        sign_in(staffed, settings, "ghost", "1234")
    assert kinds(staffed, kind="signin_failed") == ["signin_failed"]


def test_five_failures_lock_the_operator_and_the_count_survives_a_restart(staffed, settings):
    for attempt in range(4):
        with pytest.raises(AuthError, match=r"^Operator id or PIN is not right\.$"):
            sign_in(staffed, settings, "amy", "9999")
    staffed.engine.dispose()  # a restart: nothing is kept in memory
    with pytest.raises(AuthError, match=r"^Operator id or PIN is not right\.$"):
        sign_in(staffed, settings, "amy", "9999")
    with pytest.raises(AuthError, match=r"^Operator id or PIN is not right\.$"):
        sign_in(staffed, settings, "amy", "1357")  # even the right PIN
    assert "operator_locked" in kinds(staffed, operator_id="amy")
    with staffed.reader() as uow:
        assert next(o for o in operators.list_operators(uow) if o.operator_id == "amy").locked


def test_lock_threshold_comes_from_configuration(staffed, tmp_path, settings):
    strict = settings.model_copy(update={"security": settings.security.model_copy(update={"max_failed_signins": 2})})
    with pytest.raises(AuthError):
        sign_in(staffed, strict, "amy", "9999")
    with pytest.raises(AuthError):
        sign_in(staffed, strict, "amy", "9999")
    with staffed.reader() as uow:
        assert next(o for o in operators.list_operators(uow) if o.operator_id == "amy").locked


def test_supervisor_unlocks_and_the_operator_signs_in_again(staffed, settings):
    for _ in range(5):
        with pytest.raises(AuthError):
            sign_in(staffed, settings, "amy", "9999")
    with staffed.unit_of_work() as uow:
        operators.unlock_operator(uow, UnlockOperator("amy", Credentials("sue", "818283")), settings)
    assert sign_in(staffed, settings, "amy", "1357").operator.operator_id == "amy"
    with staffed.reader() as uow:
        unlocked = audit.search(uow.session, kind="operator_unlocked")[0]
    assert unlocked.operator_id == "sue" and unlocked.details == {"operator": "amy"}


def test_a_lead_may_not_unlock(staffed, settings):
    with staffed.unit_of_work() as uow, pytest.raises(PermissionDenied):
        operators.unlock_operator(uow, UnlockOperator("amy", Credentials("lee", "246802")), settings)


def test_unlock_with_a_wrong_supervisor_pin_counts_against_the_supervisor(staffed, settings):
    with staffed.unit_of_work() as uow, pytest.raises(AuthError):
        operators.unlock_operator(uow, UnlockOperator("amy", Credentials("sue", "000000")), settings)
    with staffed.reader() as uow:
        sue = [o for o in operators.list_operators(uow) if o.operator_id == "sue"][0]
    assert sue.failed_signins == 1


def test_disabled_operator_cannot_sign_in(staffed, settings):
    with staffed.unit_of_work() as uow:
        operators.disable_operator(uow, DisableOperator("amy", BOSS), settings)
    with pytest.raises(AuthError, match=r"^Operator id or PIN is not right\.$"):
        sign_in(staffed, settings, "amy", "1357")
    assert kinds(staffed, kind="signin_failed")[-1:] == ["signin_failed"]


def test_operator_changes_own_pin_with_the_current_one(staffed, settings):
    with staffed.unit_of_work() as uow:
        operators.set_pin(uow, SetPin("amy", "8642", Credentials("amy", "1357")), settings)
    assert sign_in(staffed, settings, "amy", "8642").operator.operator_id == "amy"
    with pytest.raises(AuthError):
        sign_in(staffed, settings, "amy", "1357")


def test_refused_change_changes_nothing(staffed, settings):
    with staffed.unit_of_work() as uow, pytest.raises(InputError):
        operators.set_pin(uow, SetPin("amy", "12", BOSS), settings)
    assert sign_in(staffed, settings, "amy", "1357").operator.operator_id == "amy"


def test_sign_in_entries_are_the_first_in_the_audit_trail(database, settings):
    with database.unit_of_work() as uow:
        operators.add_operator(uow, AddOperator("boss", "Boss", "admin", "909192"), settings)
    sign_in(database, settings, "boss", "909192")
    with pytest.raises(AuthError):
        sign_in(database, settings, "boss", "111111")
    assert kinds(database) == ["operator_added", "signin", "signin_failed"]
