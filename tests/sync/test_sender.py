"""The sender against a real reference ledger on 127.0.0.1, with faults injected: every batch lands exactly once."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import text

from sync.outbox import RetryBatch, list_outbox, retry_batch, status
from sync.sender import send_pending
from sync.transport import HttpTransport
from tests.conftest import make_settings
from tests.sync.conftest import TOKEN, close_batch

FAST = {"timeout_seconds": 1.0, "backoff_base_seconds": 0.01, "backoff_max_seconds": 0.05, "poll_seconds": 0.05}


def ledger_settings(tmp_path, engine_url, server, token=TOKEN, **extra):
    return make_settings(tmp_path, engine_url, ledger={"base_url": server.url, "token": token, **FAST, **extra})


def drain(database, settings, *, passes=200, include_held=False, seconds=30):
    """Run passes until nothing is waiting (bounded in count and time)."""
    transport = HttpTransport(settings)
    deadline = time.monotonic() + seconds
    try:
        for _ in range(passes):
            report = send_pending(database, settings, transport, include_held=include_held)
            with database.reader() as uow:
                if status(uow).waiting == 0:
                    return report
            if report.held or time.monotonic() > deadline:
                return report
            time.sleep(0.02)
    finally:
        transport.close()
    return report


def states(database):
    with database.reader() as uow:
        return {e.batch_id: e for e in list_outbox(uow, limit=1000)}


def assert_all_accepted_once(database, server, batch_ids):
    entries = states(database)
    assert {entries[b].status for b in batch_ids} == {"accepted"}
    for batch_id in batch_ids:
        assert server.ledger.accepted_count(batch_id) == 1
        assert entries[batch_id].ledger_ref == server.ledger.batch_status(batch_id)["ledger_ref"]
    with database.reader() as uow:
        assert set(uow.execute(text("SELECT status FROM batch")).scalars()) == {"sent"}


def test_queued_batches_are_accepted_in_order_with_their_ledger_reference(counter, tmp_path, engine_url,
                                                                           ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batches = [close_batch(counter, settings, payments=2, void_one=index == 0) for index in range(3)]
    report = drain(counter, settings)
    assert report.accepted == batches
    assert_all_accepted_once(counter, ledger_server, batches)
    assert [m for m, _ in ledger_server.faults.requests] == ["POST"] * 3
    with counter.reader() as uow:
        kinds = [r[0] for r in uow.execute(text("SELECT kind FROM audit_entry WHERE kind LIKE 'batch_%'"))]
    assert kinds.count("batch_accepted") == 3


def test_server_down_then_up_and_5xx_and_429_retry_until_accepted(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batches = [close_batch(counter, settings) for _ in range(6)]
    ledger_server.stop()
    report = drain(counter, settings, passes=3)
    assert report.retrying and "cannot reach the ledger" in report.errors[0]
    assert {e.status for e in states(counter).values()} == {"queued"}
    ledger_server.start()
    ledger_server.faults.push(("status", 500), ("status", 503), ("status", 429, {"Retry-After": "0"}),
                              ("status", 502))
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, batches)
    with counter.reader() as uow:
        assert status(uow).last_success_at is not None


def test_retry_after_is_honoured(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batch_id = close_batch(counter, settings)
    ledger_server.faults.push(("status", 429, {"Retry-After": "30"}))
    transport = HttpTransport(settings)
    report = send_pending(counter, settings, transport)
    assert report.retrying == [batch_id]
    assert send_pending(counter, settings, transport).next_attempt_at is not None  # waits; nothing sent
    transport.close()
    assert ledger_server.faults.count("POST") == 1
    entry = states(counter)[batch_id]
    from datetime import datetime
    wait = (datetime.fromisoformat(entry.next_attempt_at) - datetime.fromisoformat(entry.last_attempt_at))
    assert 29 <= wait.total_seconds() <= 31


def test_a_timeout_after_the_ledger_committed_is_settled_by_asking_not_by_sending_again(
        counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server, timeout_seconds=0.5)
    batches = [close_batch(counter, settings) for _ in range(3)]
    ledger_server.faults.push(("timeout_after_commit", 1.5))
    report = drain(counter, settings, passes=1)
    assert "did not answer in time" in report.errors[0]
    assert states(counter)[batches[0]].status == "queued"
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, batches)
    assert ledger_server.faults.count("POST") == 3  # the first batch was found by GET, not posted again
    assert ledger_server.faults.count("GET") == 1


def test_a_connection_cut_mid_answer_and_slow_answers_lose_nothing(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batches = [close_batch(counter, settings) for _ in range(4)]
    ledger_server.faults.push(("cut",), ("slow", 0.3), ("cut",))
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, batches)


def test_a_crash_after_sending_is_settled_at_restart(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batch_id = close_batch(counter, settings)

    class Dies(HttpTransport):
        def deliver(self, batch_id, payload):
            super().deliver(batch_id, payload)  # the ledger accepts; the sender dies before writing it down
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        send_pending(counter, settings, Dies(settings))
    assert states(counter)[batch_id].status == "sending"
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, [batch_id])
    assert ledger_server.faults.count("POST") == 1


def test_409_is_a_conflict_never_retried(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batch_id = close_batch(counter, settings)
    with counter.reader() as uow:
        body = json.loads(uow.execute(text("SELECT payload FROM ledger_outbox")).scalar_one())
    body["closed_by"] = "someone-else"
    changed = json.dumps(body).encode()
    assert ledger_server.ledger.submit(changed, body, via="http")[0] == 201
    later = close_batch(counter, settings)
    drain(counter, settings)
    entries = states(counter)
    assert entries[batch_id].status == "conflict" and "409" in entries[batch_id].last_error
    assert entries[later].status == "accepted"  # a conflict does not stop the queue
    with counter.unit_of_work() as uow, pytest.raises(Exception, match="never sent again"):
        retry_batch(uow, RetryBatch(batch_id, "sam"), settings)


def test_422_keeps_every_reason_and_a_corrected_cause_lets_the_same_batch_through(
        counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batch_id = close_batch(counter, settings, payments=2)
    with counter.reader() as uow:
        body = json.loads(uow.execute(text("SELECT payload FROM ledger_outbox")).scalar_one())
    unknown = body["transactions"][1]["lines"][0]["account_number"]
    ledger_server.ledger.db.execute("DELETE FROM account WHERE account_number = ?", (unknown,))
    drain(counter, settings)
    entry = states(counter)[batch_id]
    assert entry.status == "refused"
    assert entry.refusal_reasons == ({"txn_id": body["transactions"][1]["txn_id"],
                                      "reason": f"transactions[1].lines[0].account_number: {unknown} is not in the "
                                                "account master"},)
    with counter.reader() as uow:
        assert uow.execute(text("SELECT status FROM batch")).scalar_one() == "refused"
    ledger_server.ledger.seed_accounts([{"account_number": unknown, "name": "Back", "service_address": "1 Main",
                                         "balance_cents": 0, "past_due_cents": 0, "status": "active",
                                         "cash_only": False, "updated_at": "2026-11-23T08:00:00+00:00"}])
    with counter.unit_of_work() as uow:
        retry_batch(uow, RetryBatch(batch_id, "sam"), settings)
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, [batch_id])


def test_401_holds_sending_until_the_token_is_fixed(counter, tmp_path, engine_url, ledger_server):
    wrong = ledger_settings(tmp_path, engine_url, ledger_server, token="wrong-token")
    batches = [close_batch(counter, wrong) for _ in range(2)]
    report = drain(counter, wrong)
    assert report.held and "401" in report.held and "wrong-token" not in report.held
    assert [e.status for e in states(counter).values()].count("held") == 1
    assert drain(counter, wrong).held  # stays stopped: nothing more is sent
    assert ledger_server.faults.count("POST") == 1
    forbidden = ledger_settings(tmp_path, engine_url, ledger_server, token="forbidden-token")
    assert "403" in drain(counter, forbidden, include_held=True).held
    fixed = ledger_settings(tmp_path, engine_url, ledger_server)
    drain(counter, fixed, include_held=True)
    assert_all_accepted_once(counter, ledger_server, batches)


@pytest.mark.parametrize("fault, words", [
    (("status", 201, {}, b"not json", "text/plain"), "without ledger_ref"),
    (("status", 201, {}, b'{"accepted": 1}', "application/json"), "without ledger_ref"),
    (("status", 200, {}, b'{"ledger_ref": "L-1", "accepted": 7}', "application/json"), "accepting 7"),
    (("status", 302, {"Location": "https://elsewhere.example/v1"}, b"", "text/plain"), "redirecting"),
    (("status", 418, {}, b"", "text/plain"), "418"),
    (("status", 422, {}, b"<html>", "text/html"), "without a list of errors"),
])
def test_bad_replies_are_errors_never_success(counter, tmp_path, engine_url, ledger_server, fault, words):
    settings = ledger_settings(tmp_path, engine_url, ledger_server)
    batch_id = close_batch(counter, settings)
    ledger_server.faults.push(fault)
    report = drain(counter, settings, passes=1)
    assert words in report.errors[0]
    assert states(counter)[batch_id].status == "queued"
    drain(counter, settings)
    assert_all_accepted_once(counter, ledger_server, [batch_id])


def test_the_token_never_appears_in_the_outbox_or_the_audit(counter, tmp_path, engine_url, ledger_server):
    settings = ledger_settings(tmp_path, engine_url, ledger_server, token="wrong-token")
    close_batch(counter, settings)
    drain(counter, settings)
    with counter.reader() as uow:
        dumped = " ".join(str(r) for r in uow.execute(text("SELECT * FROM ledger_outbox")).all())
        dumped += " ".join(str(r) for r in uow.execute(text("SELECT * FROM audit_entry")).all())
        dumped += " ".join(str(r) for r in uow.execute(text("SELECT * FROM ledger_sync_state")).all())
    assert "wrong-token" not in dumped and "good-token" not in dumped
    assert "wrong-token" not in settings.model_dump_json()


def test_fifty_batches_through_a_storm_of_faults_land_exactly_once(counter, tmp_path, engine_url, ledger_server):
    import random

    settings = ledger_settings(tmp_path, engine_url, ledger_server, timeout_seconds=0.4)
    batches = [close_batch(counter, settings) for _ in range(50)]
    rng = random.Random(7)
    kinds = [("status", 500), ("status", 503), ("status", 429, {"Retry-After": "0"}), ("cut",), ("slow", 0.05),
             ("timeout_after_commit", 0.6), ("status", 200, {}, b"<html>ok</html>", "text/html")]
    ledger_server.faults.push(*[rng.choice(kinds) for _ in range(60)])
    started = time.monotonic()
    drain(counter, settings, passes=1000, seconds=90)
    assert time.monotonic() - started < 90
    assert_all_accepted_once(counter, ledger_server, batches)
    assert ledger_server.ledger.accepted_count() == 50
