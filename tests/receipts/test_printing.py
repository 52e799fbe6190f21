"""Printing a committed receipt: drawer first, every copy, reprints, and failures reported instead of raised."""

from __future__ import annotations

import socket

from receipts.errors import PrinterError
from receipts.model import ReceiptTender
from receipts.printers import DRAWER_KICKS_FILE, FilePrinter, NetworkPrinter
from receipts.printing import DrawerPulse, print_receipt
from tests.receipts.conftest import card_payment, split_payment, void_slip


def test_cash_payment_opens_the_drawer_and_prints_the_receipt(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), split_payment(), columns=42, drawer=DrawerPulse(2, 100, 200))
    assert outcome.printed and outcome.drawer_opened and outcome.drawer_error is None
    assert outcome.job_ids == ("T01-000123",)
    assert (tmp_path / DRAWER_KICKS_FILE).read_bytes() == b"\x1bp\x00\x32\x64"
    assert (tmp_path / "T01-000123.escpos").read_bytes().startswith(b"\x1b@")
    assert "TOTAL                              $190.00" in (tmp_path / "T01-000123.txt").read_text(encoding="utf-8")


def test_payment_without_cash_leaves_the_drawer_shut(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), card_payment(), columns=32, drawer=DrawerPulse())
    assert outcome.printed and not outcome.drawer_opened
    assert not (tmp_path / DRAWER_KICKS_FILE).exists()


def test_void_of_a_cash_payment_opens_the_drawer_to_hand_the_cash_back(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), void_slip(), columns=42, drawer=DrawerPulse())
    assert outcome.drawer_opened


def test_reprint_moves_no_cash_and_gets_its_own_job(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), split_payment(reprint=True), columns=42, drawer=DrawerPulse())
    assert not outcome.drawer_opened
    assert outcome.job_ids == ("T01-000123-reprint",)
    assert (tmp_path / "T01-000123-reprint.txt").read_text(encoding="utf-8").startswith(
        "             *** REPRINT ***\n")


def test_each_copy_is_its_own_numbered_job_and_the_drawer_opens_once(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), split_payment(copies=2), columns=32, drawer=DrawerPulse())
    assert outcome.job_ids == ("T01-000123-copy1", "T01-000123-copy2")
    assert "Copy 1 of 2" in (tmp_path / "T01-000123-copy1.txt").read_text(encoding="utf-8")
    assert "Copy 2 of 2" in (tmp_path / "T01-000123-copy2.txt").read_text(encoding="utf-8")
    assert (tmp_path / DRAWER_KICKS_FILE).read_bytes().count(b"\x1bp") == 1


def test_an_unreachable_printer_is_reported_not_raised():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    printer = NetworkPrinter("127.0.0.1", port, timeout_seconds=2)
    receipt = split_payment(tenders=(ReceiptTender("cash", 19000, tendered_cents=20000, change_cents=1000),))
    outcome = print_receipt(printer, receipt, columns=42, drawer=DrawerPulse())
    assert not outcome.printed and outcome.job_ids == ()
    assert isinstance(outcome.error, PrinterError) and f"127.0.0.1:{port}" in str(outcome.error)
    assert not outcome.drawer_opened and isinstance(outcome.drawer_error, PrinterError)
