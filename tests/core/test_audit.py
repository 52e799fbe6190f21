"""Audit trail: gapless, chained, and `verify` names the first row tampered with."""

import pytest
from sqlalchemy import text

from pos.core import audit
from tests.tampering import tamper


def write(database, settings, count):
    for index in range(count):
        with database.unit_of_work() as uow:
            audit.record(uow.session, key=settings.security.audit_key, terminal_id="T01", kind="test",
                         operator_id="amy", details={"n": index, "note": "naïve € ok"})
            uow.commit()


def check(database, settings):
    with database.reader() as uow:
        return audit.verify(uow.session, key=settings.security.audit_key)


def test_untouched_chain_verifies(database, settings):
    write(database, settings, 5)
    outcome = check(database, settings)
    assert outcome.ok and outcome.rows == 5


def test_rolled_back_act_leaves_no_entry_and_no_gap(database, settings):
    write(database, settings, 2)
    with database.unit_of_work() as uow:
        audit.record(uow.session, key=settings.security.audit_key, terminal_id="T01", kind="test")
        # no commit: the act failed
    write(database, settings, 1)
    with database.reader() as uow:
        seqs = [r.seq for r in audit.search(uow.session)]
    assert sorted(seqs) == [1, 2, 3]
    assert check(database, settings).ok


def test_row_edited_by_hand_is_named(database, settings):
    write(database, settings, 5)
    with tamper(database) as uow:
        uow.execute(text("UPDATE audit_entry SET details = :d WHERE seq = 3"), {"d": '{"n":99}'})
    outcome = check(database, settings)
    assert not outcome.ok
    assert outcome.first_bad_seq == 3
    assert "row 3 was changed" in outcome.problem


def test_deleted_middle_row_is_named(database, settings):
    write(database, settings, 5)
    with tamper(database) as uow:
        uow.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    outcome = check(database, settings)
    assert outcome.first_bad_seq == 2 and "missing" in outcome.problem


def test_deleted_last_row_is_named(database, settings):
    write(database, settings, 4)
    with tamper(database) as uow:
        uow.execute(text("DELETE FROM audit_entry WHERE seq = 4"))
    outcome = check(database, settings)
    assert outcome.first_bad_seq == 4 and "missing" in outcome.problem


def test_rows_swapped_out_of_order_are_named(database, settings):
    write(database, settings, 4)
    with tamper(database) as uow:
        uow.execute(text("UPDATE audit_entry SET seq = 100 WHERE seq = 2"))
        uow.execute(text("UPDATE audit_entry SET seq = 2 WHERE seq = 3"))
        uow.execute(text("UPDATE audit_entry SET seq = 3 WHERE seq = 100"))
    outcome = check(database, settings)
    assert not outcome.ok and outcome.first_bad_seq == 2


def test_recomputed_plain_hash_does_not_fool_the_hmac(database, settings):
    write(database, settings, 3)
    with tamper(database) as uow:
        uow.execute(text("UPDATE audit_entry SET kind = 'innocent' WHERE seq = 3"))
        forged = audit.entry_hash("a-guessed-key", seq=3, at="x", terminal_id="T01", operator_id="amy",
                                  approver_id=None, kind="innocent", details="{}", prev_hash="")
        uow.execute(text("UPDATE audit_entry SET hash = :h WHERE seq = 3"), {"h": forged})
    assert check(database, settings).first_bad_seq == 3


def test_wrong_key_fails_verification(database, settings):
    write(database, settings, 1)
    with database.reader() as uow:
        assert not audit.verify(uow.session, key="another-key-entirely").ok


def test_search_filters_by_kind_and_operator(database, settings):
    write(database, settings, 2)
    with database.unit_of_work() as uow:
        audit.record(uow.session, key=settings.security.audit_key, terminal_id="T02", kind="signin",
                     operator_id="bob")
        uow.commit()
    with database.reader() as uow:
        assert [r.kind for r in audit.search(uow.session, operator_id="bob")] == ["signin"]
        assert len(audit.search(uow.session, kind="test")) == 2
        assert [r.terminal_id for r in audit.search(uow.session, terminal_id="T02")] == ["T02"]


@pytest.mark.parametrize("writers", [4])
def test_concurrent_writers_keep_the_sequence_gapless(database, settings, writers):
    import threading

    errors = []

    def work():
        try:
            write(database, settings, 10)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    outcome = check(database, settings)
    assert outcome.ok and outcome.rows == writers * 10


from hypothesis import given, settings as hypothesis_settings, strategies as st  # noqa: E402

from pos.core.errors import InputError  # noqa: E402


@hypothesis_settings(max_examples=300, deadline=None)
@given(seq=st.integers(min_value=1, max_value=10**17), digest=st.text("0123456789abcdef", min_size=16, max_size=64))
def test_an_anchor_as_printed_reads_back_whole_or_shortened(seq, digest):
    printed = f"{seq}:{digest}"
    assert str(audit.parse_anchor(printed)) == printed
    assert audit.parse_anchor(f"  {seq}:{digest.upper()}\n") == audit.Anchor(seq, digest)


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=90))
def test_any_other_anchor_text_is_refused_naming_the_option(typed):
    try:
        anchor = audit.parse_anchor(typed)
    except InputError as error:
        assert error.field == "--anchor"
        return
    assert anchor.seq >= 1 and 16 <= len(anchor.hash) <= 64
