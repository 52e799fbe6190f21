"""Receipts shared by the receipt tests: a split payment on two accounts and a fee, a card payment, a void."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

from receipts.model import Receipt, ReceiptLine, ReceiptTender

PACIFIC = timezone(timedelta(hours=-8))
HEADER = ("Riverbend Water District", "200 Main Street", "Riverbend, CA 95000", "Tarifa € 1,50")
FOOTER = ("Thank you", "Pay online: riverbend.example")


def split_payment(**changes) -> Receipt:
    """Cash and check over two accounts (one with a long name and address) and a fee code."""
    receipt = Receipt(
        kind="payment",
        receipt_number="T01-000123",
        terminal_id="T01",
        cashier="Ann Lee",
        cashier_id="A100",
        posted_at=datetime(2024, 3, 5, 14, 7, tzinfo=PACIFIC),
        business_date=date(2024, 3, 5),
        lines=(
            ReceiptLine(12000, account_number="0012345678",
                        name="José Núñez de la Fuente y Castellanos-Ortiz",
                        service_address="12345 North Riverbend Industrial Parkway, Unit 17B",
                        balance_after_cents=1550, balance_before_cents=13550),
            ReceiptLine(4500, account_number="0098765432", name="Zoë Müller", service_address="8 Elm St",
                        balance_after_cents=0, balance_before_cents=4500),
            ReceiptLine(2500, fee_code="BKFLOW", description="Backflow test fee"),
        ),
        tenders=(
            ReceiptTender("cash", 10000, tendered_cents=12000, change_cents=2000),
            ReceiptTender("check", 9000, reference="1234"),
        ),
        total_cents=19000,
        header=HEADER,
        footer=FOOTER,
        flags=("TURN-OFF ORDER PULLED: 0012345678",),
    )
    return dataclasses.replace(receipt, **changes)


def card_payment(**changes) -> Receipt:
    receipt = Receipt(
        kind="payment",
        receipt_number="T02-000045",
        terminal_id="T02",
        cashier="Bo Chen",
        cashier_id="B200",
        posted_at=datetime(2024, 3, 6, 9, 30, tzinfo=PACIFIC),
        business_date=date(2024, 3, 6),
        lines=(ReceiptLine(8231, account_number="0055512345", name="Maria Lopez",
                           service_address="77 River Rd", balance_after_cents=-1000,
                           balance_before_cents=7231),),
        tenders=(ReceiptTender("card", 8231, reference="123456", card_type="VISA", card_last4="1234"),),
        total_cents=8231,
        header=("Riverbend Water District",),
        footer=("Thank you",),
    )
    return dataclasses.replace(receipt, **changes)


def void_slip(**changes) -> Receipt:
    receipt = Receipt(
        kind="void",
        receipt_number="T01-000130",
        terminal_id="T01",
        cashier="Ann Lee",
        cashier_id="A100",
        posted_at=datetime(2024, 3, 5, 15, 42, tzinfo=PACIFIC),
        business_date=date(2024, 3, 5),
        lines=(ReceiptLine(-4500, account_number="0098765432", name="Zoë Müller", service_address="8 Elm St"),),
        tenders=(ReceiptTender("cash", -4500),),
        total_cents=-4500,
        header=("Riverbend Water District",),
        footer=("Keep this slip",),
        void_reason="Keyed to the wrong account",
        voids_receipt_number="T01-000120",
        approved_by="L300",
    )
    return dataclasses.replace(receipt, **changes)
