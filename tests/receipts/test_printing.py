"""Printing a committed receipt: every copy, reprints, failures reported instead of raised; never a drawer pulse."""

from __future__ import annotations

import socket

from receipts.errors import PrinterError
from receipts.model import ReceiptTender
from receipts.printers import DRAWER_KICKS_FILE, FilePrinter, NetworkPrinter
from receipts.printing import print_receipt
from tests.receipts.conftest import card_payment, split_payment, void_slip


def test_a_cash_receipt_prints_without_a_drawer_pulse(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), split_payment(), columns=42)
    assert outcome.printed
    assert outcome.job_ids == ("T01-000123",)
    assert not (tmp_path / DRAWER_KICKS_FILE).exists()
    assert b"\x1bp" not in (tmp_path / "T01-000123.escpos").read_bytes()
    assert (tmp_path / "T01-000123.escpos").read_bytes().startswith(b"\x1b@")
    assert "TOTAL                              $190.00" in (tmp_path / "T01-000123.txt").read_text(encoding="utf-8")


def test_receipts_say_whether_they_moved_cash(tmp_path):
    assert split_payment().opens_drawer and void_slip().opens_drawer
    assert not card_payment().opens_drawer and not split_payment(reprint=True).opens_drawer


def test_reprint_moves_no_cash_and_gets_its_own_job(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), split_payment(reprint=True), columns=42)
    assert outcome.job_ids == ("T01-000123-reprint",)
    assert (tmp_path / "T01-000123-reprint.txt").read_text(encoding="utf-8").startswith(
        "             *** REPRINT ***\n")


def test_each_copy_is_its_own_numbered_job(tmp_path):
    outcome = print_receipt(FilePrinter(tmp_path), split_payment(copies=2), columns=32)
    assert outcome.job_ids == ("T01-000123-copy1", "T01-000123-copy2")
    assert "Copy 1 of 2" in (tmp_path / "T01-000123-copy1.txt").read_text(encoding="utf-8")
    assert "Copy 2 of 2" in (tmp_path / "T01-000123-copy2.txt").read_text(encoding="utf-8")
    assert not (tmp_path / DRAWER_KICKS_FILE).exists()


def test_an_unreachable_printer_is_reported_not_raised():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    printer = NetworkPrinter("127.0.0.1", port, timeout_seconds=2)
    receipt = split_payment(tenders=(ReceiptTender("cash", 19000, tendered_cents=20000, change_cents=1000),))
    outcome = print_receipt(printer, receipt, columns=42)
    assert not outcome.printed and outcome.job_ids == ()
    assert isinstance(outcome.error, PrinterError) and f"127.0.0.1:{port}" in str(outcome.error)
