"""ESC/POS rendering: initialise, styled layout, CODE128 receipt number, cut, drawer pulse, safe encoding."""

from __future__ import annotations

import re

import pytest

from receipts.errors import PrinterError
from receipts.escpos_render import render_escpos
from receipts.layout import render_text
from receipts.model import ReceiptLine
from tests.receipts.conftest import card_payment, split_payment, void_slip

ESC, GS = b"\x1b", b"\x1d"


def test_output_starts_by_initialising_the_printer():
    assert render_escpos(split_payment(), 42).startswith(ESC + b"@")


def test_output_ends_with_a_full_cut():
    assert render_escpos(split_payment(), 42).endswith(GS + b"V\x00")


def test_receipt_number_is_printed_as_a_code128_barcode_with_the_number_below():
    out = render_escpos(split_payment(), 42)
    data = b"{BT01-000123"
    assert GS + b"k\x49" + bytes([len(data)]) + data in out
    assert GS + b"H\x02" in out  # human-readable number under the bars
    assert b"T01-000123\n" in out  # and in the identity block


def test_a_profile_without_barcodes_prints_the_number_as_text():
    out = render_escpos(split_payment(), 32, profile="simple")
    assert GS + b"k" not in out
    assert b"           T01-000123\n" in out


def test_header_and_total_are_bold_and_double_height():
    out = render_escpos(split_payment(), 42)
    double_bold = rb"\x1b!\x10\x1bE\x01"
    assert re.search(double_bold + rb"(\x1bt.)?\s+Riverbend Water District\n", out)
    assert re.search(double_bold + rb"TOTAL\s+\$190\.00\n", out)


def test_every_text_line_of_the_layout_is_in_the_escpos_output():
    receipt = card_payment(reprint=True)
    out = render_escpos(receipt, 32)
    for row in render_text(receipt, 32).splitlines():
        assert row.encode("ascii") + b"\n" in out


def test_a_receipt_never_carries_a_drawer_pulse():
    assert ESC + b"p" not in render_escpos(split_payment(), 42)
    assert ESC + b"p" not in render_escpos(void_slip(), 42)


def test_unencodable_characters_print_as_question_marks_instead_of_crashing():
    line = ReceiptLine(100, account_number="1", name="Snow ☃ 中文 Ok")
    out = render_escpos(split_payment(lines=(line,), total_cents=100), 32)
    assert b"  Snow ? ???? Ok\n" in out  # wide characters keep their two columns
    assert "中".encode("gb18030") not in out


def test_accented_letters_and_the_euro_sign_are_encoded_not_replaced():
    out = render_escpos(split_payment(), 42)
    assert b"Jos?" not in out and b"Zo? M" not in out and b"Tarifa ? 1,50" not in out
    assert ESC + b"t" in out  # a code page was selected for them


ACCENTED = "õ À É Î Õ Ü ñ ç ß €"
# The same letters in PC858 (Epson's table 19), byte by byte: what an Epson-class printer prints as letters.
ACCENTED_PC858 = b"\xe4 \xb7 \x90 \xd7 \xe5 \x9a \xa4 \x87 \xe1 \xd5"


def test_the_default_profile_prints_in_pc858_selected_once_right_after_initialising():
    receipt = split_payment(lines=(ReceiptLine(100, account_number="1", name=ACCENTED),), total_cents=100)
    out = render_escpos(receipt, 42)
    assert out.startswith(ESC + b"@" + ESC + b"t\x13")  # ESC t 19: PC858, before any text
    assert out.count(ESC + b"t") == 1  # never switched to another table mid-receipt (13, 15 printed boxes)
    assert b"  " + ACCENTED_PC858 + b"\n" in out
    assert ACCENTED_PC858 == ACCENTED.encode("cp858")


def test_a_profile_without_pc858_or_pc850_prints_in_pc437_and_what_it_lacks_as_question_marks():
    receipt = split_payment(lines=(ReceiptLine(100, account_number="1", name=ACCENTED),), total_cents=100)
    out = render_escpos(receipt, 42, profile="TM-U220")  # its profile lists PC437 only
    assert out.startswith(ESC + b"@" + ESC + b"t\x00") and out.count(ESC + b"t") == 1
    assert b"  ? ? \x90 ? ? \x9a \xa4 \x87 \xe1 ?\n" in out


@pytest.mark.parametrize(("pages", "chosen"), [
    ({"0": "CP437", "2": "CP850", "19": "CP858", "53": "CP858"}, ("CP858", 19)),
    ({"0": "CP437", "2": "CP850"}, ("CP850", 2)),
    ({"0": "CP437"}, ("CP437", 0)),
    ({}, ("CP437", 0)),
])
def test_the_code_page_is_chosen_per_profile(pages, chosen):
    from receipts.escpos_render import code_page_for

    assert code_page_for(pages) == chosen


def test_void_slip_renders_with_its_negative_total():
    out = render_escpos(void_slip(), 48)
    assert re.search(rb"TOTAL VOIDED\s+-\$45\.00\n", out)
    assert b"VOID of receipt T01-000120" in out


def test_an_unknown_printer_profile_is_a_printer_error_naming_it():
    with pytest.raises(PrinterError, match="'no-such-model'"):
        render_escpos(split_payment(), 42, profile="no-such-model")


def test_rendering_writes_nothing_to_stdout_or_stderr(capfd):
    render_escpos(split_payment(), 42)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
