"""The expected-amount function and the float kept, against straightforward recomputations (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings as hypothesis_settings, strategies as st

from drawer.day import float_from_count
from drawer.journal import MovementEntry, TenderEntry, expected_by_tender
from drawer.sessions import denominations
from pos.core.errors import InputError
from pos.core.settings import Settings

TENDERS = ("cash", "check", "money_order", "card", "ach")
SETTINGS = Settings()
cents = st.integers(min_value=1, max_value=500_000)


@st.composite
def journals(draw):
    """A day as it happened: payments (one to three tenders, cash may make change), voids, movements."""
    float_cents = draw(st.integers(min_value=0, max_value=100_000))
    events = []
    payments: list[list[TenderEntry]] = []
    for number in range(draw(st.integers(min_value=0, max_value=25))):
        choice = draw(st.sampled_from(["payment", "payment", "payment", "void", "drop", "paid_out", "loan",
                                       "no_sale"]))
        if choice == "payment":
            rows = []
            for _ in range(draw(st.integers(min_value=1, max_value=3))):
                tender = draw(st.sampled_from(TENDERS))
                tendered = draw(cents)
                change = draw(st.integers(min_value=0, max_value=tendered - 1)) if tender == "cash" else 0
                rows.append(TenderEntry(tender, tendered, change, False, f"p{number}"))
            payments.append(rows)
            events.append(("payment", rows))
        elif choice == "void" and payments:
            original = payments.pop(draw(st.integers(min_value=0, max_value=len(payments) - 1)))
            rows = [TenderEntry(r.tender, -r.tendered_cents, -r.change_cents, True, f"v{number}") for r in original]
            events.append(("void", rows))
        elif choice in ("drop", "paid_out", "loan", "no_sale"):
            amount = 0 if choice == "no_sale" else draw(cents)
            events.append(("movement", MovementEntry(choice, amount)))
    return float_cents, events


def replay(float_cents, events):
    """What a person with a ledger sheet would do: apply each event to the drawer as it happens."""
    drawer = {"cash": float_cents}
    for kind, event in events:
        if kind in ("payment", "void"):
            for row in event:
                drawer[row.tender] = drawer.get(row.tender, 0) + row.tendered_cents
                drawer["cash"] -= row.change_cents
        else:
            if event.kind in ("drop", "paid_out"):
                drawer["cash"] -= event.amount_cents
            elif event.kind == "loan":
                drawer["cash"] += event.amount_cents
    return drawer


def split(events):
    tenders = [row for kind, rows in events if kind in ("payment", "void") for row in rows]
    movements = [event for kind, event in events if kind == "movement"]
    return tenders, movements


@given(journals())
def test_expected_equals_replaying_the_journal(journal):
    float_cents, events = journal
    tenders, movements = split(events)
    totals = expected_by_tender(float_cents, tenders, movements, TENDERS)
    drawer = replay(float_cents, events)
    assert {name: t.expected_cents for name, t in totals.items()} == {name: drawer.get(name, 0) for name in totals}


@given(journals())
def test_expected_is_the_closeout_formula_of_its_own_figures(journal):
    """float + payments - change - paid-outs - drops + loans - voids, line by line, as the Z report prints it."""
    float_cents, events = journal
    tenders, movements = split(events)
    totals = expected_by_tender(float_cents, tenders, movements, TENDERS)
    moved = {kind: sum(m.amount_cents for m in movements if m.kind == kind) for kind in ("drop", "paid_out", "loan")}
    cash = totals["cash"]
    assert cash.expected_cents == (float_cents + cash.payments_cents - cash.change_cents - moved["paid_out"]
                                   - moved["drop"] + moved["loan"] - cash.voids_cents)
    for name in TENDERS[1:]:
        line = totals[name]
        assert line.expected_cents == line.payments_cents - line.voids_cents and line.change_cents == 0
    assert sum(t.payments_count for t in totals.values()) >= len({r.txn_id for r in tenders if not r.void})


@given(journals(), st.integers(min_value=-50_000, max_value=50_000))
def test_over_short_is_counted_minus_expected_and_sums_over_tenders(journal, difference):
    float_cents, events = journal
    tenders, movements = split(events)
    totals = expected_by_tender(float_cents, tenders, movements, TENDERS)
    counted = {name: t.expected_cents for name, t in totals.items()}
    counted["cash"] += difference
    over_short = {name: counted[name] - totals[name].expected_cents for name in totals}
    assert sum(over_short.values()) == difference == sum(counted.values()) - sum(t.expected_cents
                                                                                 for t in totals.values())


KEYS = [d.key for d in denominations(SETTINGS)]
VALUE = {d.key: d.cents for d in denominations(SETTINGS)}


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), st.integers(min_value=0, max_value=60), max_size=len(KEYS)),
       st.integers(min_value=0, max_value=60_000))
def test_float_kept_is_taken_exactly_from_the_count_or_refused(counts, retained):
    total = sum(VALUE[k] * n for k, n in counts.items())
    try:
        kept = float_from_count(counts, retained, SETTINGS)
    except InputError as refused:
        assert refused.field == "float kept"
        assert not _can_make(counts, retained)
        return
    assert sum(VALUE[k] * n for k, n in kept.items()) == retained <= total
    assert all(0 < n <= counts.get(k, 0) for k, n in kept.items())


def _can_make(counts, amount):
    reachable = {0}
    for key, how_many in counts.items():
        reachable = {r + VALUE[key] * n for r in reachable for n in range(how_many + 1) if r + VALUE[key] * n <= amount}
    return amount in reachable


def test_float_kept_prefers_coin_and_small_bills_over_hundreds():
    counts = {"bill:10000": 3, "bill:2000": 10, "bill:500": 4, "coin:25": 40}
    assert float_from_count(counts, 20000, SETTINGS) == {"coin:25": 40, "bill:500": 2, "bill:2000": 9}
