"""Who may do what: rights from the database, sign-in that gives nothing away, the way back from a lock-out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from pos.core import audit, authority, clock, identity, operators
from pos.core.errors import AuthError, InputError, PermissionDenied
from pos.core.operators import AddOperator, Credentials, DisableOperator, SignIn

BOSS = Credentials("boss", "909192")
REFUSED = "Operator id or PIN is not right."


@pytest.fixture
def staffed(database, settings):
    with database.unit_of_work() as uow:
        operators.add_operator(uow, AddOperator("boss", "Big Boss", "admin", "909192"), settings)
    for operator_id, role, pin in (("amy", "cashier", "1357"), ("lee", "lead", "246802"), ("dan", "cashier", "2468"),
                                   ("lou", "cashier", "3579")):
        with database.unit_of_work() as uow:
            operators.add_operator(uow, AddOperator(operator_id, operator_id.title(), role, pin, by=BOSS), settings)
    return database


def sign_in(database, settings, operator_id, pin, tries=1):
    with database.unit_of_work() as uow:
        return operators.sign_in(uow, SignIn(operator_id, pin, tries), settings)


def refusal_of(database, settings, operator_id, pin, tries=1) -> str:
    with pytest.raises(AuthError) as caught:
        sign_in(database, settings, operator_id, pin, tries)
    return caught.value.message


def journal(database, **filters):
    with database.reader() as uow:
        return list(reversed(audit.search(uow.session, **filters)))


# Sign-in gives away nothing ----------------------------------------------------------------------


def test_every_refused_sign_in_reads_the_same(staffed, settings):
    with staffed.unit_of_work() as uow:
        operators.disable_operator(uow, DisableOperator("dan", BOSS), settings)
    strict = settings.model_copy(update={"security": settings.security.model_copy(update={"max_failed_signins": 1})})
    refusal_of(staffed, strict, "lou", "0000")  # lou is now locked
    messages = {
        "unknown id": refusal_of(staffed, settings, "nobody", "1357"),
        "wrong PIN": refusal_of(staffed, settings, "amy", "0000"),
        "disabled": refusal_of(staffed, settings, "dan", "2468"),
        "locked": refusal_of(staffed, settings, "lou", "3579"),
    }
    assert set(messages.values()) == {REFUSED}, messages
    reasons = [entry.details["reason"] for entry in journal(staffed, kind="signin_failed")]
    assert reasons[-4:] == ["unknown operator", "wrong PIN", "disabled", "locked"]  # the journal knows why


def test_after_repeated_tries_the_refusal_says_to_ask_a_supervisor_for_any_id(staffed, settings):
    hint = REFUSED + " If this keeps happening, ask a supervisor."
    assert refusal_of(staffed, settings, "amy", "0000", tries=2) == REFUSED
    assert refusal_of(staffed, settings, "amy", "0000", tries=3) == hint
    assert refusal_of(staffed, settings, "nobody", "0000", tries=3) == hint


class CountingHasher(PasswordHasher):
    """A real argon2id hasher at low cost that counts its verifies."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
        self.verifies = 0

    def verify(self, hash, password):  # noqa: A002, ANN001, ANN201 - the library's own names
        self.verifies += 1
        return super().verify(hash, password)


def test_an_unknown_id_costs_the_same_argon2_verify_as_a_wrong_pin(staffed, settings, monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(operators, "_hasher", lambda: counting)
    operators._dummy_hash.cache_clear()
    monkeypatch.setattr(operators, "_dummy_hash", lambda: counting.hash("0000000000"))
    spent = {}
    for case, operator_id in (("unknown", "nobody"), ("known", "amy")):
        before = counting.verifies
        refusal_of(staffed, settings, operator_id, "0000")
        spent[case] = counting.verifies - before
    assert spent == {"unknown": 1, "known": 1}


# The growing delay -------------------------------------------------------------------------------


def test_the_delay_doubles_with_each_failure_up_to_the_cap(settings):
    slow = settings.model_copy(update={"security": settings.security.model_copy(
        update={"signin_delay_seconds": 0.5, "signin_delay_max_seconds": 3.0})})
    assert [operators.signin_delay_seconds(n, slow) for n in range(6)] == [0.0, 0.5, 1.0, 2.0, 3.0, 3.0]


def test_a_try_before_the_delay_has_passed_is_refused_alike_and_not_counted(staffed, settings, monkeypatch):
    slow = settings.model_copy(update={"security": settings.security.model_copy(
        update={"signin_delay_seconds": 0.5, "signin_delay_max_seconds": 4.0})})
    start = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    moment = [start]
    monkeypatch.setattr(clock, "now", lambda: moment[0])

    def at(seconds: float) -> None:
        moment[0] = start + timedelta(seconds=seconds)

    assert refusal_of(staffed, slow, "amy", "0000") == REFUSED  # failure 1: the next try waits 0.5 s
    at(0.4)
    assert refusal_of(staffed, slow, "amy", "1357") == REFUSED  # the right PIN, too soon
    at(0.5)
    assert refusal_of(staffed, slow, "amy", "0000") == REFUSED  # failure 2: waits 1 s from 0.5
    at(1.4)
    assert refusal_of(staffed, slow, "amy", "1357") == REFUSED
    at(1.5)
    assert sign_in(staffed, slow, "amy", "1357").operator.failed_signins == 0
    reasons = [e.details["reason"] for e in journal(staffed, kind="signin_failed", operator_id="amy")]
    assert reasons == ["wrong PIN", "too soon after a failure", "wrong PIN", "too soon after a failure"]
    failures = [e.details.get("failures") for e in journal(staffed, kind="signin_failed", operator_id="amy")]
    assert failures == [1, None, 2, None]  # a too-early try does not bring the lock-out nearer


# Roles live in the database ----------------------------------------------------------------------


def test_the_environment_cannot_widen_a_cashiers_rights(staffed, settings, monkeypatch, tmp_path):
    from pos.core.settings import load_settings

    monkeypatch.setenv("POS_AUTHORITY__CASHIER__MAY", '["manage_operators"]')
    documented = Path(__file__).resolve().parents[2] / "config" / "pos.toml"
    widened = load_settings(documented, overrides={"database": {"url": settings.database_url()},
                                       "security": {"audit_key": settings.security.audit_key}})
    assert widened.authority["cashier"].may == ["manage_operators"]  # the configuration says so ...
    with staffed.unit_of_work() as uow, pytest.raises(PermissionDenied, match="amy \\(cashier\\) may not"):
        operators.add_operator(uow, AddOperator("eve", "Eve", "admin", "111222", by=Credentials("amy", "1357")),
                               widened)  # ... the database does not
    with staffed.reader() as uow:
        assert not operators.may(uow, "cashier", "manage_operators")


def test_the_configuration_seeds_a_new_database(settings, tmp_path):
    from pos.core.db import open_database

    strict = settings.model_copy(update={
        "authority": {**settings.authority, "lead": settings.authority["lead"].model_copy(update={"void_cents": 123})},
        "security": settings.security.model_copy(update={"pin_min_digits": 5})})
    db = open_database(f"sqlite:///{tmp_path / 'seeded.db'}", role_seed=authority.seed_rows(strict))
    try:
        with db.reader() as uow:
            lead, cashier = authority.rights(uow, "lead"), authority.rights(uow, "cashier")
        assert (lead.void_cents, lead.pin_min_digits, cashier.pin_min_digits) == (123, 6, 5)
        assert lead.changed_by == "configuration"
    finally:
        db.dispose()


def test_seeded_defaults_let_no_cashier_void_alone_and_give_leads_six_digit_pins(staffed):
    with staffed.reader() as uow:
        roles = {r.role: r for r in authority.list_roles(uow)}
    assert list(roles) == ["cashier", "csr2", "lead", "supervisor", "admin"]
    assert roles["cashier"].void_cents == 0
    assert {role: r.pin_min_digits for role, r in roles.items()} == {
        "cashier": 4, "csr2": 4, "lead": 6, "supervisor": 6, "admin": 6}
    assert "manage_roles" in roles["admin"].may and "manage_roles" not in roles["supervisor"].may


def test_an_admin_changes_a_role_and_the_journal_keeps_before_and_after(staffed, settings):
    with staffed.unit_of_work() as uow:
        changed = authority.set_role(uow, authority.SetRole("cashier", BOSS, grant=("read_reports",),
                                                            limits={"void_cents": 1500}, pin_min_digits=6), settings)
    assert "read_reports" in changed.after.may and changed.after.void_cents == 1500
    entry = journal(staffed, kind="role_changed")[-1]
    assert entry.operator_id == "boss" and entry.details["role"] == "cashier"
    assert (entry.details["before"]["void_cents"], entry.details["after"]["void_cents"]) == (0, 1500)
    with staffed.unit_of_work() as uow, pytest.raises(InputError, match="at least 6 digits for the cashier role"):
        operators.add_operator(uow, AddOperator("fay", "Fay", "cashier", "1234", by=BOSS), settings)


def test_only_an_admin_with_the_right_pin_changes_a_role(staffed, settings):
    with staffed.unit_of_work() as uow, pytest.raises(PermissionDenied, match="lee \\(lead\\) may not manage roles"):
        authority.set_role(uow, authority.SetRole("cashier", Credentials("lee", "246802"), grant=("approve",)),
                           settings)
    with staffed.unit_of_work() as uow, pytest.raises(AuthError):
        authority.set_role(uow, authority.SetRole("cashier", Credentials("boss", "000000"), grant=("approve",)),
                           settings)
    with staffed.unit_of_work() as uow, pytest.raises(PermissionDenied, match="Nobody takes the right"):
        authority.set_role(uow, authority.SetRole("admin", BOSS, revoke=("manage_roles",)), settings)
    with staffed.reader() as uow:
        assert "approve" not in authority.rights(uow, "cashier").may
    assert journal(staffed, kind="role_changed") == []


# The way back, and the service identity ----------------------------------------------------------


def test_the_database_owner_recovers_a_locked_out_operator(staffed, settings):
    strict = settings.model_copy(update={"security": settings.security.model_copy(update={"max_failed_signins": 1})})
    refusal_of(staffed, strict, "boss", "000000")
    assert refusal_of(staffed, settings, "boss", "909192") == REFUSED  # locked
    who = identity.require_owner(staffed)  # SQLite: owns the file; PostgreSQL: the connection owns the tables
    with staffed.unit_of_work() as uow:
        operators.recover_operator(uow, operators.RecoverOperator("boss", "135792", who), settings)
    assert sign_in(staffed, settings, "boss", "135792").operator.operator_id == "boss"
    entry = journal(staffed, kind="operator_recovered")[-1]
    assert entry.operator_id == "service:T01" and entry.details == {"operator": "boss", "os_user": who}


def test_the_service_identity_moves_no_cash_and_approves_nothing(staffed, settings):
    service = identity.service_identity(settings)
    assert service.operator_id == "service:T01" and service.journal_details() == {"os_user": identity.os_user()}
    with pytest.raises(PermissionDenied, match="service identity may not open the cash drawer"):
        identity.refuse_service(service, "open the cash drawer")
    with staffed.unit_of_work() as uow, pytest.raises(InputError, match="operator id"):
        operators.authenticate(uow, Credentials(service.operator_id, "1234"), settings, purpose="void approval")
