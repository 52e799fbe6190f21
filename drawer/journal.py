"""What a drawer should hold: its journal (payments, voids, drops, paid-outs, loans) and the expected amounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import text

from pos.core.db import UnitOfWork

CASH = "cash"
MOVEMENT_SIGN = {"drop": -1, "paid_out": -1, "loan": 1, "no_sale": 0}


@dataclass(frozen=True)
class TenderEntry:
    """One tender row of a posted payment (``void`` False) or of a void (``void`` True, amounts negative)."""

    tender: str
    tendered_cents: int  # what was handed over in that tender (negative on a void)
    change_cents: int  # cash handed back (negative on a void); change always comes out of the cash
    void: bool
    txn_id: str = ""


@dataclass(frozen=True)
class MovementEntry:
    kind: str  # drop, paid_out, loan, no_sale
    amount_cents: int  # >= 0


@dataclass(frozen=True)
class TenderTotals:
    tender: str
    payments_count: int
    payments_cents: int
    change_cents: int
    voids_count: int
    voids_cents: int  # >= 0: what left the drawer in this tender with the voids
    expected_cents: int


def expected_by_tender(float_cents: int, tenders: Iterable[TenderEntry], movements: Iterable[MovementEntry],
                       tender_types: Sequence[str]) -> dict[str, TenderTotals]:
    """Per tender: expected = float + payments in that tender - change given - paid-outs - drops + loans - voids.

    The float, change, drops, paid-outs and loans are cash. Every tender in ``tender_types`` gets a line,
    and so does any tender that appears in the journal.
    """
    payments: dict[str, int] = {}
    payment_txns: dict[str, set[str]] = {}
    voids: dict[str, int] = {}
    void_txns: dict[str, set[str]] = {}
    change = 0
    void_change = 0
    for entry in tenders:
        if entry.void:
            voids[entry.tender] = voids.get(entry.tender, 0) - entry.tendered_cents
            void_txns.setdefault(entry.tender, set()).add(entry.txn_id)
            void_change -= entry.change_cents
        else:
            payments[entry.tender] = payments.get(entry.tender, 0) + entry.tendered_cents
            payment_txns.setdefault(entry.tender, set()).add(entry.txn_id)
            change += entry.change_cents
    cash_moved = {kind: 0 for kind in MOVEMENT_SIGN}
    for movement in movements:
        cash_moved[movement.kind] += movement.amount_cents
    names = list(dict.fromkeys([*tender_types, *payments, *voids]))
    totals: dict[str, TenderTotals] = {}
    for name in names:
        paid = payments.get(name, 0)
        voided = voids.get(name, 0)
        if name == CASH:
            # A voided payment's change comes back into the drawer: the cash that left is tendered - change.
            voided -= void_change
            expected = (float_cents + paid - change - cash_moved["paid_out"] - cash_moved["drop"]
                        + cash_moved["loan"] - voided)
            given = change
        else:
            expected = paid - voided
            given = 0
        totals[name] = TenderTotals(name, len(payment_txns.get(name, ())), paid, given,
                                    len(void_txns.get(name, ())), voided, expected)
    return totals


_TENDERS = text(
    "SELECT t.kind, pt.type, COALESCE(pt.tendered_cents, pt.amount_cents), pt.change_cents, t.id "
    "FROM payment_tender pt JOIN payment_txn t ON t.id = pt.txn_id "
    "WHERE t.drawer_session_id = :s ORDER BY t.posted_at, pt.position")
_MOVEMENTS = text("SELECT kind, amount_cents FROM drawer_movement WHERE session_id = :s ORDER BY at")
_CASH = text("SELECT cash_cents FROM drawer_session WHERE id = :s")
_ADD_CASH = text("UPDATE drawer_session SET cash_cents = cash_cents + :d WHERE id = :s RETURNING cash_cents")


def load_journal(uow: UnitOfWork, session_id: str) -> tuple[list[TenderEntry], list[MovementEntry]]:
    connection = uow.session.connection()
    tenders = [TenderEntry(tender, int(tendered), int(change), kind == "void", txn_id)
               for kind, tender, tendered, change, txn_id in connection.execute(_TENDERS, {"s": session_id})]
    movements = [MovementEntry(kind, int(amount)) for kind, amount in connection.execute(_MOVEMENTS,
                                                                                          {"s": session_id})]
    return tenders, movements


def cash_in_drawer_cents(uow: UnitOfWork, session_id: str) -> int:
    """Expected cash now, as kept by ``add_cash`` (one row read: the till limit asks before every cash payment)."""
    return int(uow.session.connection().execute(_CASH, {"s": session_id}).scalar_one())


def add_cash(uow: UnitOfWork, session_id: str, delta_cents: int) -> int:
    """Cash into (or out of, negative) the drawer, in the caller's transaction; returns what it holds now."""
    return int(uow.session.connection().execute(_ADD_CASH, {"d": delta_cents, "s": session_id}).scalar_one())


def cash_delta_cents(tenders: Iterable[tuple[str, int, int]]) -> int:
    """What a payment's tenders (type, tendered, change) leave in the cash drawer: cash in, change out."""
    return sum((tendered if tender == CASH else 0) - change for tender, tendered, change in tenders)
