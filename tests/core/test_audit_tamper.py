"""The tamper bar: every money row and every journal row edited, deleted or inserted by hand shows in verify."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import insert, select, text

from drawer.day import CloseDrawer, CountDrawer, CountItem, MakeDrop, VerifyDrawer, close_drawer, make_drop, \
    save_count, verify_drawer
from drawer.deposit import PrepareDeposit, prepare_deposit
from drawer.sessions import OpenDrawer, open_drawer
from pos.core import audit
from pos.core.errors import AuditError, ConfigError
from pos.core.operators import Credentials
from pos.core.payments import LineEntry, PostPayment, Reprint, VoidPayment, post_payment, reprint, void_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo
from tests.tampering import tamper

FLOAT = {"bill:2000": 5, "bill:1000": 5, "bill:500": 4, "bill:100": 17, "coin:25": 20, "coin:10": 50, "coin:5": 40,
         "coin:1": 100}  # $200.00
SAM = Credentials("sam", "456789")  # supervisor
LENA = Credentials("lena", "345678")  # lead


def run(database, service, command, settings):
    with database.unit_of_work() as uow:
        return service(uow, command, settings)


def pay(database, settings, cents, tender):
    command = PostPayment(str(uuid.uuid4()), "amy", (LineEntry(cents, fee_code="CIT-PARK"),), (tender,))
    return run(database, post_payment, command, settings)


@pytest.fixture
def day(database, settings):
    """A whole drawer day through the services: every money table has rows, and verify says OK."""
    build_demo(settings, accounts=30)
    run(database, open_drawer, OpenDrawer("amy", FLOAT), settings)
    cash = pay(database, settings, 5000, TenderEntry("cash", 5000))
    pay(database, settings, 4000, TenderEntry("check", 4000, "1001"))
    run(database, void_payment, VoidPayment(str(uuid.uuid4()), "amy", cash.receipt_number, "keyed wrong", LENA),
        settings)
    run(database, make_drop, MakeDrop("amy", {"bill:2000": 2}), settings)
    run(database, save_count, CountDrawer("amy", {**FLOAT, "bill:2000": 3}, (CountItem("check", "1001", 4000),), {}),
        settings)
    closed = run(database, close_drawer, CloseDrawer("amy", 0), settings)
    run(database, verify_drawer, VerifyDrawer(SAM, closed.session_id), settings)
    run(database, prepare_deposit, PrepareDeposit(SAM, (closed.session_id,), "BAG-1"), settings)
    outcome = check(database, settings)
    assert outcome.ok, outcome.problem
    assert outcome.money_rows >= 12
    return database


def check(database, settings, anchor=None):
    with database.reader() as uow:
        return audit.verify(uow.session, key=settings.security.audit_key, anchor=anchor)


@contextmanager
def tampered(database):
    """Tamper inside one transaction, verify inside it, then roll everything back: one day serves every case."""
    with database.unit_of_work() as uow:
        if database.is_sqlite:
            uow.execute(text("PRAGMA defer_foreign_keys = ON"))
            for name in uow.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                         "AND name LIKE '%\\_no\\_%' ESCAPE '\\'")).scalars().all():
                uow.execute(text(f'DROP TRIGGER "{name}"'))
        else:  # the examiner is the database owner: foreign keys do not stop a delete
            uow.execute(text("SET LOCAL session_replication_role = replica"))
        yield uow


# (table, column changed, new value expression, unique columns to vary on an inserted copy)
EDITS = [
    ("batch", "status", "'open'", {}),
    ("drawer_session", "over_short_cents", "over_short_cents + 1000", {}),
    ("deposit", "cash_cents", "cash_cents - 1000", {"bag_number": "BAG-FORGED"}),
    ("payment_txn", "total_cents", "total_cents + 1000", {"idempotency_key": "forged", "receipt_number": "T01-999999"}),
    ("payment_line", "amount_cents", "amount_cents + 1000", {}),
    ("payment_tender", "tendered_cents", "COALESCE(tendered_cents, amount_cents) + 1000", {}),
    ("drawer_movement", "amount_cents", "amount_cents + 1000", {"number": "T01-S99999"}),
    ("drawer_count", "counted_cents", "counted_cents + 1000", {"attempt": 9}),
]
TABLES = [edit[0] for edit in EDITS]


def some_row(uow, table_name):
    table = audit.MONEY_TABLES[table_name]
    pk = table.primary_key.columns[0]
    row = uow.session.connection().execute(select(table).order_by(pk).limit(1)).mappings().one()
    return table, pk, row


@pytest.mark.parametrize("table_name, column, value, unique", EDITS, ids=TABLES)
def test_a_money_row_changed_deleted_or_inserted_by_hand_is_named(day, settings, table_name, column, value, unique):
    with tampered(day) as uow:
        _table, pk, row = some_row(uow, table_name)
        uow.execute(text(f"UPDATE {table_name} SET {column} = {value} WHERE {pk.name} = :id"), {"id": row[pk.name]})
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert not outcome.ok and outcome.first_bad_seq is not None
    assert f"{table_name} row {row[pk.name]} was changed after audit entry" in outcome.problem

    with tampered(day) as uow:
        uow.execute(text(f"DELETE FROM {table_name} WHERE {pk.name} = :id"), {"id": row[pk.name]})
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert not outcome.ok
    assert f"{table_name} row {row[pk.name]} was deleted (audit entry" in outcome.problem

    with tampered(day) as uow:
        table, pk, row = some_row(uow, table_name)
        copy = {**dict(row), **unique}
        if isinstance(row[pk.name], int):
            copy.pop(pk.name)
        else:
            copy[pk.name] = str(uuid.uuid4())
        if table_name == "payment_txn":
            copy["reverses_txn_id"] = None  # one void per payment
        if table_name == "drawer_session":
            copy["status"] = "closed"  # the partial unique index holds one open drawer per terminal
        new_id = uow.session.connection().execute(insert(table).values(copy).returning(pk)).scalar_one()
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert not outcome.ok
    assert outcome.problem == f"{table_name} row {new_id} was added outside the terminal: no audit entry binds it"


def test_verify_reads_the_money_in_batches_not_row_by_row(day, settings):
    from sqlalchemy import event

    statements = []

    def counted(*_args):  # noqa: ANN002 - a SQLAlchemy event
        statements.append(1)

    event.listen(day.engine, "before_cursor_execute", counted)
    try:
        whole = check(day, settings)
        queries = len(statements)
        with day.reader() as uow:  # pages of 2 rows: every row still seen once
            paged = audit.verify(uow.session, key=settings.security.audit_key, batch_size=2)
    finally:
        event.remove(day.engine, "before_cursor_execute", counted)
    assert whole.ok and paged.ok and paged.money_rows == whole.money_rows and paged.rows == whole.rows
    assert queries <= 2 * len(audit.MONEY_TABLES) + 5 < whole.money_rows + whole.rows


def test_a_payment_posted_while_verify_runs_is_not_taken_for_tampering(day, settings, monkeypatch):
    reads = audit._stream_rows
    posted = []

    def posting_meanwhile(session, table, batch_size):  # noqa: ANN001, ANN202
        if not posted:  # after the chain was walked, before the money is read: the worst moment
            run(day, open_drawer, OpenDrawer("carl", FLOAT), settings.model_copy(
                update={"terminal": settings.terminal.model_copy(update={"id": "T02"})}))
            posted.append(True)
        return reads(session, table, batch_size)

    monkeypatch.setattr(audit, "_stream_rows", posting_meanwhile)
    outcome = check(day, settings)
    assert posted and outcome.ok, outcome.problem
    monkeypatch.undo()
    assert check(day, settings).money_rows == outcome.money_rows + 2  # the new drawer and its batch, seen next time


def test_every_problem_is_listed_not_only_the_first(day, settings):
    with tampered(day) as uow:
        uow.execute(text("UPDATE payment_tender SET amount_cents = amount_cents + 1"))
        count = uow.execute(text("SELECT count(*) FROM payment_tender")).scalar_one()
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert len([p for p in outcome.problems if p.startswith("payment_tender row")]) == count == 3


# The journal ---------------------------------------------------------------------------------------------


def last_seq(database):
    with database.reader() as uow:
        return uow.execute(text("SELECT max(seq) FROM audit_entry")).scalar_one()


def test_a_journal_entry_changed_deleted_or_inserted_in_the_middle_is_named(day, settings):
    middle = last_seq(day) // 2
    with tampered(day) as uow:
        uow.execute(text("UPDATE audit_entry SET details = '{}' WHERE seq = :s"), {"s": middle})
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert (outcome.first_bad_seq, outcome.problem) == (middle, f"row {middle} was changed after it was written")
    with tampered(day) as uow:
        uow.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": middle})
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert outcome.first_bad_seq == middle and "missing" in outcome.problem
    with tampered(day) as uow:  # an entry forged into a gap made by renumbering the rest
        uow.execute(text("UPDATE audit_entry SET seq = seq + 1000 WHERE seq >= :s"), {"s": middle})
        uow.execute(text("UPDATE audit_entry SET seq = seq - 999 WHERE seq >= 1000"))
        forged = audit.entry_hash("guessed-key-000", seq=middle, at="2026-01-01T00:00:00", terminal_id="T01",
                                  operator_id="amy", approver_id=None, kind="signin", details="{}",
                                  prev_hash="")
        uow.execute(text("INSERT INTO audit_entry (seq, at, terminal_id, operator_id, kind, details, prev_hash, hash) "
                         "VALUES (:s, '2026-01-01T00:00:00', 'T01', 'amy', 'signin', '{}', "
                         "(SELECT hash FROM audit_entry WHERE seq = :p), :h)"), {"s": middle, "p": middle - 1,
                                                                                "h": forged})
        uow.execute(text("UPDATE audit_head SET last_seq = last_seq + 1"))
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert (outcome.first_bad_seq, outcome.problem) == (middle, f"row {middle} was changed after it was written")


def test_the_last_entry_deleted_or_one_forged_onto_the_end_is_named(day, settings):
    end = last_seq(day)
    with tampered(day) as uow:
        uow.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": end})
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert outcome.first_bad_seq == end and "missing" in outcome.problem
    with tampered(day) as uow:  # an entry forged onto the end, the head moved to it
        forged = audit.entry_hash("guessed-key-000", seq=end + 1, at="2026-01-01T00:00:00", terminal_id="T01",
                                  operator_id="amy", approver_id=None, kind="signout", details="{}", prev_hash="")
        uow.execute(text("INSERT INTO audit_entry (seq, at, terminal_id, operator_id, kind, details, prev_hash, hash) "
                         "VALUES (:s, '2026-01-01T00:00:00', 'T01', 'amy', 'signout', '{}', "
                         "(SELECT hash FROM audit_entry WHERE seq = :p), :h)"), {"s": end + 1, "p": end, "h": forged})
        uow.execute(text("UPDATE audit_head SET last_seq = :s, last_hash = :h"), {"s": end + 1, "h": forged})
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert (outcome.first_bad_seq, outcome.problem) == (end + 1, f"row {end + 1} was changed after it was written")


def test_the_end_cut_off_with_the_head_moved_back_is_caught_by_the_money_it_bound(day, settings):
    end = last_seq(day)  # the deposit's entry: it binds the deposit and the drawer it took
    with tampered(day) as uow:
        uow.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": end})
        uow.execute(text("UPDATE audit_head SET last_seq = :s, last_hash = (SELECT hash FROM audit_entry "
                         "WHERE seq = :s)"), {"s": end - 1})
        outcome = audit.verify(uow.session, key=settings.security.audit_key)
    assert not outcome.ok
    assert any(p.startswith("deposit row ") and "added outside the terminal" in p for p in outcome.problems)


def test_the_end_cut_off_with_the_head_moved_back_is_caught_by_the_anchor(day, settings):
    with day.unit_of_work() as uow:  # acts that bind no money: nothing but the anchor shows they are gone
        reprint(uow, Reprint("T01-000002", "amy"), settings)
    with day.unit_of_work() as uow:
        reprint(uow, Reprint("T01-000002", "amy"), settings)
    with day.reader() as uow:
        anchor = audit.head(uow.session)
    short = audit.parse_anchor(f"{anchor.seq}:{anchor.hash[:16]}")
    assert check(day, settings, anchor).ok and check(day, settings, short).ok
    with tampered(day) as uow:
        uow.execute(text("DELETE FROM audit_entry WHERE seq >= :s"), {"s": anchor.seq - 1})
        uow.execute(text("UPDATE audit_head SET last_seq = :s, last_hash = (SELECT hash FROM audit_entry "
                         "WHERE seq = :s)"), {"s": anchor.seq - 2})
        assert audit.verify(uow.session, key=settings.security.audit_key).ok  # what the anchor is for
        outcome = audit.verify(uow.session, key=settings.security.audit_key, anchor=short)
    assert not outcome.ok
    assert outcome.problem == (f"the journal ends at row {anchor.seq - 2} but the anchor {short} was printed when it "
                               f"reached row {anchor.seq}: rows {anchor.seq - 1} to {anchor.seq} were removed")


def test_an_anchor_from_another_journal_is_refused(day, settings):
    with day.reader() as uow:
        anchor = audit.head(uow.session)
    other = audit.Anchor(anchor.seq, "0" * 16 if not anchor.hash.startswith("0" * 16) else "1" * 16)
    outcome = check(day, settings, other)
    assert not outcome.ok and outcome.problem.startswith(f"row {anchor.seq} is not the one the anchor")


@pytest.mark.parametrize("text_given", ["", "12", "x:abcdef0123456789", "0:abcdef0123456789", "5:abc", "5:" + "g" * 16])
def test_a_malformed_anchor_names_the_option(text_given):
    from pos.core.errors import InputError

    with pytest.raises(InputError, match="--anchor"):
        audit.parse_anchor(text_given)


# Database guards -------------------------------------------------------------------------------------------


def test_sqlite_refuses_update_and_delete_on_the_journal_and_posted_money(engine_url, request):
    if not engine_url.startswith("sqlite"):
        pytest.skip("PostgreSQL relies on the terminal role's grants (see test_postgres_terminal_role_*)")
    from sqlalchemy.exc import IntegrityError

    day = request.getfixturevalue("day")
    for table_name in ("audit_entry", "payment_txn", "payment_line", "payment_tender", "drawer_movement",
                       "drawer_count"):
        column = "seq" if table_name == "audit_entry" else "id"
        for statement in (f"UPDATE {table_name} SET {column} = {column}", f"DELETE FROM {table_name}"):
            with day.unit_of_work() as uow, pytest.raises(IntegrityError, match=f"{table_name} is append-only"):
                uow.execute(text(statement))


# The key ---------------------------------------------------------------------------------------------------


def test_verify_with_another_key_says_wrong_key(day, settings):
    with day.reader() as uow:
        outcome = audit.verify(uow.session, key="another-key-entirely")
    assert not outcome.ok and outcome.problem.startswith("wrong key: the audit key does not match")


def test_a_process_with_another_key_refuses_to_write(day, settings):
    before = last_seq(day)
    with day.unit_of_work() as uow, pytest.raises(AuditError, match="does not match the one this database was set up"):
        audit.record(uow.session, key="another-key-entirely", terminal_id="T01", kind="test")
    assert last_seq(day) == before


@pytest.mark.parametrize("key", ["change-this-audit-key", "", "   "])
def test_nothing_is_written_under_the_default_or_an_empty_key(database, key):
    with database.unit_of_work() as uow, pytest.raises(ConfigError, match="security.audit_key"):
        audit.record(uow.session, key=key, terminal_id="T01", kind="test")


def test_the_database_keeps_a_fingerprint_never_the_key(day, settings):
    with day.reader() as uow:
        kept = uow.execute(text("SELECT key_fingerprint FROM audit_head")).scalar_one()
        everything = " ".join(str(v) for row in uow.execute(text("SELECT * FROM audit_entry")).all() for v in row)
    assert kept == audit.key_fingerprint(settings.security.audit_key)
    assert settings.security.audit_key not in kept and settings.security.audit_key not in everything


def test_money_written_before_the_chain_bound_it_is_bound_once_by_the_first_write(database, settings):
    """A database upgraded from an older version: its rows are bound by baseline entries, then guarded."""
    with database.unit_of_work() as uow:  # as an older version left it: rows, and no key fingerprint yet
        uow.execute(text("INSERT INTO batch (id, kind, terminal_id, status, business_date, opened_at, opened_by) "
                         "VALUES ('b-old', 'counter', 'T01', 'closed', '2026-01-05', '2026-01-05T08:00:00', 'amy')"))
        uow.commit()
    with database.unit_of_work() as uow:
        audit.record(uow.session, key=settings.security.audit_key, terminal_id="T01", kind="signin")
        uow.commit()
    outcome = check(database, settings)
    assert outcome.ok and outcome.rows == 2 and outcome.money_rows == 1
    with database.reader() as uow:
        assert [r.kind for r in audit.search(uow.session)] == ["signin", "audit_baseline"]
    with tamper(database) as uow:  # the fingerprint removed to have rows added now bound as "old"
        uow.execute(text("UPDATE audit_head SET key_fingerprint = NULL"))
    with database.unit_of_work() as uow, pytest.raises(AuditError, match="key_fingerprint is missing"):
        audit.record(uow.session, key=settings.security.audit_key, terminal_id="T01", kind="signin")
