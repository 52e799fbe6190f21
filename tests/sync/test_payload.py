"""The batch body and the file-drop records, exactly as LEDGER_API.md says; the contract's rules as a checker."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from sqlalchemy import text

from drawer.day import CloseDrawer, CountDrawer, close_drawer, save_count
from drawer.sessions import OpenDrawer, open_drawer
from pos.core.payments import LineEntry, PostPayment, post_payment
from pos.core.tenders import TenderEntry
from sync import filedrop
from pos.core.cards import find_card_number
from sync.contract import check_batch, looks_like_card_number
from sync.outbox import get_entry, payload_of
from tests.sync.conftest import ACK, FLOAT, active_accounts, close_batch


def body_of(database, batch_id):
    with database.reader() as uow:
        return payload_of(uow, batch_id)


def test_closing_a_drawer_queues_its_batch_with_the_body_frozen(counter, settings):
    with counter.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", FLOAT), settings)
    account = active_accounts(counter, 1)[0]
    with counter.unit_of_work() as uow:
        post_payment(uow, PostPayment("k1", "amy", (LineEntry(1500, account_number=account),),
                                      (TenderEntry("cash", 2000),), acknowledged=ACK), settings)
    with counter.unit_of_work() as uow:
        save_count(uow, CountDrawer("amy", {**FLOAT, "bill:1000": 6, "bill:500": 5}, (), {}), settings)
    with counter.unit_of_work() as uow:
        closed = close_drawer(uow, CloseDrawer("amy", 20000), settings)
    raw = body_of(counter, closed.batch_id)
    body = json.loads(raw)
    assert check_batch(body) == []
    assert body["batch_kind"] == "counter" and body["closed_by"] == "amy"
    txn = body["transactions"][0]
    # The cash applied, not the $20 handed over; no change or tendered amounts leave the terminal.
    assert txn["tenders"] == [{"type": "cash", "amount_cents": 1500, "reference": None, "card_last4": None}]
    assert txn["lines"] == [{"account_number": account, "fee_code": None, "gl_account": None, "amount_cents": 1500}]
    assert body["control"] == {"count": 1, "total_cents": 1500}
    with counter.reader() as uow:
        assert uow.execute(text("SELECT status FROM batch")).scalar_one() == "queued"
        assert get_entry(uow, closed.batch_id).status == "queued"
        kinds = [r[0] for r in uow.execute(text("SELECT kind FROM audit_entry ORDER BY seq"))]
    assert kinds.index("batch_queued") > kinds.index("batch_closed")
    assert raw == json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_a_void_is_negative_and_names_its_payment_and_cards_carry_last4_and_auth(counter, settings):
    batch_id = close_batch(counter, settings, payments=2, void_one=True, card=True)
    body = json.loads(body_of(counter, batch_id))
    assert check_batch(body) == []
    payment, _, void = body["transactions"]
    assert void["kind"] == "void" and void["reverses_txn_id"] == payment["txn_id"]
    assert [line["amount_cents"] for line in void["lines"]] == [-line["amount_cents"] for line in payment["lines"]]
    assert void["tenders"][0]["amount_cents"] == -payment["tenders"][0]["amount_cents"] < 0
    assert payment["tenders"][0]["card_last4"] == "4242" and payment["tenders"][0]["reference"] == "AUTH01"
    fee_line = payment["lines"][1]
    assert fee_line["fee_code"] == "CIT-PARK" and fee_line["gl_account"]
    assert body["control"]["count"] == 3
    assert body["control"]["total_cents"] == sum(l["amount_cents"] for t in body["transactions"] for l in t["lines"])


def test_file_drop_records_quote_end_in_newline_and_hash_the_lines(counter, settings):
    batch_id = close_batch(counter, settings, payments=2)
    body = json.loads(body_of(counter, batch_id))
    body["closed_by"] = 'o,"x"'  # a field that must be quoted as RFC 4180 says
    data = filedrop.render(body)
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\n")
    lines = data.decode().split("\n")[:-1]
    assert lines[0].startswith(f"H,{batch_id},counter,T01,") and ',"o,""x""",' in lines[0]
    assert [line[0] for line in lines] == ["H", "D", "D", "P", "D", "D", "P", "T"]
    head = "".join(line + "\n" for line in lines[:-1]).encode()
    assert lines[-1] == f"T,2,{body['control']['total_cents']},{hashlib.sha256(head).hexdigest()}"
    assert lines[1].count(",") == 11 and lines[3].count(",") == 5 and lines[3].endswith(",,")  # empty, not null
    parsed = filedrop.parse(data)
    assert parsed["transactions"] == body["transactions"] and parsed["closed_by"] == 'o,"x"'
    assert filedrop.file_name(body) == f"PAY_T01_{body['business_date']}_{batch_id}.csv"


def test_a_changed_file_fails_its_trailer_hash(counter, settings):
    data = filedrop.render(json.loads(body_of(counter, close_batch(counter, settings))))
    with pytest.raises(Exception, match="sha256"):
        filedrop.parse(data.replace(b",500\n", b",501\n", 1))


def _valid(counter, settings):
    return json.loads(body_of(counter, close_batch(counter, settings, payments=2, void_one=True, card=True)))


@pytest.mark.parametrize("change, path", [
    (lambda b: b["transactions"][0]["lines"][0].update(amount_cents=42.0), "transactions[0].lines[0].amount_cents"),
    (lambda b: b["transactions"][0]["lines"][0].update(amount_cents="42"), "transactions[0].lines[0].amount_cents"),
    (lambda b: b["transactions"][0]["lines"][0].update(amount_cents=True), "transactions[0].lines[0].amount_cents"),
    (lambda b: b["transactions"][0]["lines"][0].update(amount_cents=0), "transactions[0].lines[0].amount_cents"),
    (lambda b: b["control"].update(count=5), "control.count"),
    (lambda b: b["control"].update(total_cents=1), "control.total_cents"),
    (lambda b: b.update(extra=1), "extra"),
    (lambda b: b["transactions"][0].pop("approved_by"), "transactions[0].approved_by"),
    (lambda b: b["transactions"][0]["tenders"][0].update(amount_cents=1), "transactions[0].tenders"),
    (lambda b: b["transactions"][0]["tenders"][0].update(card_last4=None), "transactions[0].tenders[0].card_last4"),
    (lambda b: b["transactions"][0]["tenders"][0].update(reference="4111 1111 1111 1111"),
     "transactions[0].tenders[0].reference"),
    (lambda b: b["transactions"][2].update(reverses_txn_id=None), "transactions[2].reverses_txn_id"),
    (lambda b: b["transactions"][0].update(reverses_txn_id=b["transactions"][1]["txn_id"]),
     "transactions[0].reverses_txn_id"),
    (lambda b: b["transactions"][2]["lines"][0].update(amount_cents=5), "transactions[2].lines[0].amount_cents"),
])
def test_the_checker_refuses_each_broken_rule_naming_the_field(counter, settings, change, path):
    body = _valid(counter, settings)
    broken = copy.deepcopy(body)
    change(broken)
    reasons = [p.reason for p in check_batch(broken)]
    assert any(r.startswith(f"{path}:") for r in reasons), reasons


def test_an_empty_batch_is_a_valid_body():
    body = {"batch_id": "0b5e8f0a-3c1d-4f6e-9a2b-1c2d3e4f5a6b", "batch_kind": "counter", "terminal_id": "T01",
            "business_date": "2026-11-23", "opened_at": "2026-11-23T08:00:00+00:00",
            "closed_at": "2026-11-23T17:00:00+00:00", "closed_by": "amy", "control": {"count": 0, "total_cents": 0},
            "transactions": []}
    assert check_batch(body) == []
    assert filedrop.parse(filedrop.render(body))["control"] == {"count": 0, "total_cents": 0}


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12), min_size=1, max_size=6))
def test_any_field_text_survives_quoting(fields):
    record = ",".join(filedrop.quote(f) for f in fields) + "\n"
    data = record.encode()
    data += f"T,0,0,{hashlib.sha256(data).hexdigest()}\n".encode()
    assert filedrop.split_records(data)[0] == fields


def test_ids_whose_digits_pass_luhn_are_not_taken_for_card_numbers(counter, settings):
    body = _valid(counter, settings)
    lucky = "1d590365-9527-428a-aef2-842ae45ef83c"  # 5903659527428 passes the Luhn check
    old = body["transactions"][0]["txn_id"]
    body["transactions"][0]["txn_id"] = lucky
    body["transactions"][2]["reverses_txn_id"] = lucky
    assert check_batch(body) == [], old
    body["transactions"][0]["operator"] = "4111-1111-1111-1111"
    assert [p.reason for p in check_batch(body)] == ["transactions[0].operator: looks like a full card number"]


# The counter's guard (rule 6) and the contract's checker take the same texts for card numbers: a batch is never
# refused before sending for a text the counter let through, and nothing the guard calls a card number passes.
_TEXTS = ("4111111111111111-1", "ref 4111\u20101111\u20101111\u20101111", "AUTH 4111 1111 1111 1111 ok",
          "12345678-000123", "T01-000123", "CHK 1001", "4111111111111112")


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(_TEXTS),
                 st.text(alphabet="0123456789 -\u2010\u00a0x", min_size=12, max_size=24)))
def test_the_checker_takes_a_text_for_a_card_number_exactly_when_the_counters_guard_does(text_):
    assert looks_like_card_number(text_) == find_card_number(text_)


def test_a_card_number_inside_a_longer_reference_is_refused_by_the_checker(counter, settings):
    body = _valid(counter, settings)
    body["transactions"][0]["tenders"][0]["reference"] = "4111111111111111-1"  # a card number, then "-1"
    assert [p.reason for p in check_batch(body)] == [
        "transactions[0].tenders[0].reference: looks like a full card number"]
