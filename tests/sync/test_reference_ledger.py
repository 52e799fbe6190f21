"""The reference ledger over real HTTP on 127.0.0.1: it enforces what the contract says the ledger enforces."""

from __future__ import annotations

import copy
import json
import uuid

import httpx
import pytest

from tests.sync.conftest import TOKEN, close_batch

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def sqlite_only(engine_url):
    if not engine_url.startswith("sqlite"):
        pytest.skip("the reference ledger keeps its own SQLite file; once is enough")


@pytest.fixture
def body(sqlite_only, counter, settings):
    batch_id = close_batch(counter, settings, payments=2, void_one=True, card=True)
    with counter.reader() as uow:
        from sync.outbox import payload_of

        return json.loads(payload_of(uow, batch_id))


def post(server, payload, *, key=None, content_type="application/json", token=TOKEN):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    batch_id = key if key is not None else json.loads(raw).get("batch_id", "")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type, "Idempotency-Key": batch_id}
    return httpx.post(f"{server.url}/v1/payment-batches", content=raw, headers=headers)


def test_accept_replay_and_conflict(body, ledger_server):
    raw = json.dumps(body, separators=(",", ":")).encode()
    first = post(ledger_server, raw)
    assert first.status_code == 201 and first.json()["accepted"] == 3
    again = post(ledger_server, raw)
    assert again.status_code == 200 and again.json() == first.json()
    changed = copy.deepcopy(body)
    changed["closed_by"] = "bob"
    assert post(ledger_server, changed).status_code == 409
    found = httpx.get(f"{ledger_server.url}/v1/payment-batches/{body['batch_id']}", headers=AUTH)
    assert found.json() == {"batch_id": body["batch_id"], "status": "accepted",
                            "ledger_ref": first.json()["ledger_ref"]}
    assert httpx.get(f"{ledger_server.url}/v1/payment-batches/{uuid.uuid4()}", headers=AUTH).status_code == 404


@pytest.mark.parametrize("how, status, reason", [
    (dict(token="nope"), 401, "Authorization"),
    (dict(key=""), 422, "Idempotency-Key: is required"),
    (dict(key=str(uuid.uuid4())), 422, "Idempotency-Key: must equal"),
    (dict(content_type="text/plain"), 422, "Content-Type"),
])
def test_headers_are_enforced(body, ledger_server, how, status, reason):
    reply = post(ledger_server, body, **how)
    assert reply.status_code == status
    assert reply.json()["errors"][0]["reason"].startswith(reason)
    assert ledger_server.ledger.accepted_count() == 0


def test_money_must_be_json_integers_and_not_json_is_refused(body, ledger_server):
    raw = json.dumps(body).replace(f'"amount_cents": {body["transactions"][0]["lines"][0]["amount_cents"]}',
                                   f'"amount_cents": {body["transactions"][0]["lines"][0]["amount_cents"]}.0', 1)
    reply = post(ledger_server, raw.encode())
    assert reply.status_code == 422
    assert "transactions[0].lines[0].amount_cents: is not a JSON integer" in [e["reason"] for e in reply.json()["errors"]]
    assert post(ledger_server, b"{not json", key=body["batch_id"]).status_code == 422


def test_every_problem_is_listed_with_its_transaction(body, ledger_server):
    broken = copy.deepcopy(body)
    broken["transactions"][0]["lines"][0]["account_number"] = "9999999999"
    broken["transactions"][1]["lines"][1]["fee_code"] = "NO-SUCH"
    reply = post(ledger_server, broken)
    assert reply.status_code == 422
    errors = reply.json()["errors"]
    assert {"txn_id": body["transactions"][0]["txn_id"],
            "reason": "transactions[0].lines[0].account_number: 9999999999 is not in the account master"} in errors
    assert any(e["reason"].startswith("transactions[1].lines[1].fee_code: NO-SUCH") for e in errors)
    assert ledger_server.ledger.accepted_count() == 0
    assert post(ledger_server, body).status_code == 201  # a refusal does not use up the key


def test_txn_ids_and_receipts_are_never_used_twice_and_a_payment_is_undone_once(body, ledger_server):
    assert post(ledger_server, body).status_code == 201
    again = copy.deepcopy(body)
    again["batch_id"] = str(uuid.uuid4())
    reasons = [e["reason"] for e in post(ledger_server, again).json()["errors"]]
    assert "transactions[0].txn_id: was already used" in reasons
    assert any(r.startswith("transactions[0].receipt_number:") for r in reasons)
    reversal = {**copy.deepcopy(body["transactions"][2]), "txn_id": str(uuid.uuid4()), "kind": "reversal",
                "receipt_number": "T01-999999"}  # the payment voided in the first batch
    later = {**copy.deepcopy(body), "batch_id": str(uuid.uuid4()), "transactions": [reversal],
             "control": {"count": 1, "total_cents": sum(l["amount_cents"] for l in reversal["lines"])}}
    reasons = [e["reason"] for e in post(ledger_server, later).json()["errors"]]
    assert reasons == ["transactions[0].reverses_txn_id: that payment was already undone"]


def test_accounts_are_paged_from_a_cursor_and_fee_codes_listed(sqlite_only, ledger_server):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 7, **({"since": cursor} if cursor else {})}
        page = httpx.get(f"{ledger_server.url}/v1/accounts", params=params, headers=AUTH).json()
        if not page["accounts"]:
            assert page["next_cursor"] is None
            break
        assert len(page["accounts"]) <= 7 and page["next_cursor"]
        seen += [a["account_number"] for a in page["accounts"]]
        cursor, pages = page["next_cursor"], pages + 1
    assert len(seen) == len(set(seen)) == 40 and pages == 6
    default = httpx.get(f"{ledger_server.url}/v1/accounts", headers=AUTH).json()
    assert len(default["accounts"]) == 40
    assert set(default["accounts"][0]) == {"account_number", "name", "service_address", "balance_cents",
                                           "past_due_cents", "due_date", "status", "cash_only", "arrangement",
                                           "updated_at"}
    assert httpx.get(f"{ledger_server.url}/v1/accounts", params={"limit": "x"}, headers=AUTH).status_code == 422
    assert httpx.get(f"{ledger_server.url}/v1/accounts", params={"since": "zz"}, headers=AUTH).status_code == 422
    fees = httpx.get(f"{ledger_server.url}/v1/fee-codes", headers=AUTH).json()["fee_codes"]
    assert any(f["code"] == "CIT-PARK" for f in fees)
