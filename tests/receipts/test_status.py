"""DLE EOT answers decoded per the Epson reference into what the cashier must do."""

import pytest

from receipts.status import PrinterStatus, decode_status, status_query


def test_status_queries_are_dle_eot_n():
    assert [status_query(n) for n in (1, 2, 3, 4)] == [b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x03",
                                                       b"\x10\x04\x04"]


def test_a_ready_printer_has_no_fault_and_no_warning():
    status = decode_status({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12})
    assert status.fault is None and status.warning is None and status.summary == "Ready"


def test_paper_end_is_read_from_the_offline_cause_and_the_roll_sensor():
    assert decode_status({1: 0x1A, 2: 0x32, 4: 0x72}).fault == "the printer is out of paper: put a new roll in"
    assert decode_status({4: 0x72}).paper_out  # roll sensor alone (bits 5-6)


def test_cover_open_comes_before_paper_end():
    assert decode_status({1: 0x1A, 2: 0x36, 4: 0x72}).fault == "the printer cover is open: close it"


def test_offline_without_a_named_cause():
    assert decode_status({1: 0x1A, 2: 0x12, 4: 0x12}).fault.startswith("the printer is offline")


def test_paper_near_end_prints_and_warns():
    status = decode_status({1: 0x12, 2: 0x12, 4: 0x1E})
    assert status.fault is None
    assert status.warning == "the printer's paper is nearly out: change the roll soon"


def test_error_cause_names_the_autocutter():
    assert "autocutter" in decode_status({1: 0x1A, 2: 0x52, 3: 0x1A}).fault


@pytest.mark.parametrize(("byte", "sensor", "open_"), [
    (0x16, "open_when_high", True), (0x12, "open_when_high", False),
    (0x12, "open_when_low", True), (0x16, "open_when_low", False), (0x16, "none", None)])
def test_drawer_sensor_reads_pin_3_the_way_the_site_says(byte, sensor, open_):
    assert decode_status({1: byte}).drawer_open(sensor) is open_


def test_a_byte_that_is_not_a_status_answer_is_refused():
    with pytest.raises(ValueError):
        decode_status({1: 0xFF})


def test_an_unreachable_printer_is_a_fault_naming_the_reason():
    status = PrinterStatus.unreachable("connection refused")
    assert status.fault == "the printer is unreachable (connection refused): check its power and cable"
    assert status.drawer_open("open_when_high") is None


@pytest.mark.parametrize(("answers", "brief"), [
    ({1: 0x1A, 2: 0x32}, "paper out"), ({1: 0x1A, 2: 0x16}, "cover open"), ({1: 0x1A, 3: 0x32}, "error"),
    ({1: 0x1A}, "offline"), ({1: 0x12}, None)])
def test_the_fault_in_brief_for_the_status_bar(answers, brief):
    assert decode_status(answers).fault_brief == brief
    assert PrinterStatus.unreachable("connection refused").fault_brief == "unreachable"


def test_the_drawer_sensor_is_not_believed_while_the_printer_is_in_a_fault():
    assert decode_status({1: 0x1E, 2: 0x32}).drawer_open("open_when_high") is None  # paper out
    assert decode_status({1: 0x1A, 2: 0x32}).drawer_open("open_when_low") is None
