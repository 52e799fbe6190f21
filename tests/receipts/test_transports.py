"""ESC/POS transports through python-escpos against a simulated printer on a real socket or pseudo-terminal."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest

from pos.core.settings import CashDrawerSettings, CustomerDisplaySettings, PrinterSettings
from receipts.display import make_customer_display
from receipts.drawer_kick import SerialDrawer, make_cash_drawer
from receipts.endorse import Endorsement, endorsement_bytes
from receipts.errors import DeviceError, JobOutcomeUnknown, PrinterError, PrinterFault
from receipts.transports import EscposPrinter, make_escpos_printer
from tests.receipts.printer_sim import NetworkPrinterSim, SerialDeviceSim, SerialPrinterSim


@pytest.fixture
def network_sim():
    sim = NetworkPrinterSim()
    yield sim
    sim.close()


@pytest.fixture
def serial_sim():
    sim = SerialPrinterSim()
    yield sim
    sim.close()


def network(sim, **options) -> EscposPrinter:
    return make_escpos_printer(PrinterSettings(backend="network", port=sim.port, timeout_seconds=2,
                                               status_timeout_seconds=0.5, **options))


def test_a_ready_printer_is_asked_then_sent_the_job_once(network_sim):
    after = network(network_sim).send("job", b"RECEIPT-1\n", "x")
    assert after.fault is None and network_sim.count("RECEIPT-1") == 1
    assert network_sim.status_queries == 8  # DLE EOT 1-4 before and after


@pytest.mark.parametrize(("state", "words"), [
    ("paper_out", "out of paper"), ("cover_open", "cover is open"), ("offline", "offline")])
def test_a_printer_in_a_fault_is_sent_nothing(network_sim, state, words):
    setattr(network_sim, state, True)
    with pytest.raises(PrinterFault) as raised:
        network(network_sim).send("job", b"RECEIPT-2\n", "x")
    assert words in raised.value.message
    network_sim.clear_faults()
    assert network_sim.count("RECEIPT-2") == 0  # nothing waits in its buffer to print later


def test_paper_near_end_prints_and_warns(network_sim):
    network_sim.near_end = True
    after = network(network_sim).send("job", b"RECEIPT-3\n", "x")
    assert network_sim.count("RECEIPT-3") == 1 and "nearly out" in after.warning


def test_an_unreachable_printer_is_a_fault_with_the_reason(network_sim):
    network_sim.power_off()
    with pytest.raises(PrinterFault) as raised:
        network(network_sim).send("job", b"x", "x")
    assert "unreachable: connection refused" in raised.value.message
    assert network(network_sim).status().summary.startswith("The printer is unreachable (connection refused)")


def test_a_connection_dropped_mid_job_is_an_unknown_outcome(network_sim):
    network_sim.drop_after = 10
    with pytest.raises(JobOutcomeUnknown) as raised:
        network(network_sim).send("job", b"RECEIPT-4\n" + b"." * 200_000, "x")
    assert "may not have printed" in raised.value.message


def test_a_slow_printer_within_the_time_out_prints(network_sim):
    network_sim.answer_delay = 0.1
    network(network_sim).send("job", b"RECEIPT-5\n", "x")
    assert network_sim.count("RECEIPT-5") == 1


def test_a_printer_too_slow_to_answer_is_held_when_status_is_required(network_sim):
    network_sim.answer_delay = 1.0
    with pytest.raises(PrinterFault) as raised:
        network(network_sim, require_status=True).send("job", b"RECEIPT-6\n", "x")
    assert "no answer to a status request within 0.5 s" in raised.value.message


def test_a_printer_that_never_answers_status_is_sent_the_job_unasked_unless_required(network_sim):
    network_sim.silent = True
    network(network_sim).send("job", b"RECEIPT-7\n", "x")
    network_sim.wait_quiet()  # the simulator reads on its own thread
    assert network_sim.count("RECEIPT-7") == 1
    with pytest.raises(PrinterFault):
        network(network_sim, require_status=True).send("job", b"RECEIPT-8\n", "x")


def test_the_drawer_opens_with_esc_p_when_ready_and_a_real_time_pulse_while_out_of_paper(network_sim):
    printer = network(network_sim)
    printer.kick_drawer(5, 100, 200)
    network_sim.wait_quiet()
    assert b"\x1bp\x01\x32\x64" in network_sim.printed
    network_sim.paper_out = True
    printer.kick_drawer(2, 200, 200)
    network_sim.wait_quiet()
    assert network_sim.realtime_pulses == [b"\x10\x14\x01\x00\x02"]
    network_sim.clear_faults()
    assert network_sim.printed.count(b"\x1bp") == 1  # no ESC p waited in the buffer to fire later


def test_drawer_sensor_is_reported_from_the_printer_status(network_sim):
    network_sim.drawer_pin3_high = True
    assert network(network_sim).status().drawer_open("open_when_high") is True


def test_serial_printer_on_a_pseudo_terminal_is_asked_and_sent_the_job(serial_sim):
    printer = make_escpos_printer(PrinterSettings(backend="serial", serial_port=serial_sim.port, serial_flow="none",
                                                  status_timeout_seconds=0.5))
    assert printer.status().summary == "Ready"
    serial_sim.cover_open = True
    with pytest.raises(PrinterFault):
        printer.send("job", b"SERIAL-1\n", "x")
    serial_sim.clear_faults()
    printer.send("job", b"SERIAL-1\n", "x")
    assert serial_sim.count("SERIAL-1") == 1


def test_serial_printer_flow_control_reaches_pyserial(serial_sim):
    device = make_escpos_printer(PrinterSettings(backend="serial", serial_port=serial_sim.port,
                                                 serial_flow="xonxoff", serial_baud=19200))._make_device()
    assert (device.baudrate, device.xonxoff, device.dsrdtr) == (19200, True, False)


def test_a_missing_serial_port_is_unreachable():
    printer = make_escpos_printer(PrinterSettings(backend="serial", serial_port="/dev/no-such-tty", serial_flow="none"))
    assert printer.status().reachable is False
    with pytest.raises(PrinterFault, match="is unreachable"):
        printer.send("job", b"x", "x")


def test_usb_backend_builds_python_escpos_usb_with_the_ids_and_endpoints():
    from escpos.printer import Usb

    printer = make_escpos_printer(PrinterSettings(backend="usb", usb_vendor_id="04b8", usb_product_id="0202",
                                                  usb_in_endpoint=0x81, usb_out_endpoint=0x02))
    device = printer._make_device()
    assert isinstance(device, Usb)
    assert (device.usb_args, device.in_ep, device.out_ep) == ({"idVendor": 0x04B8, "idProduct": 0x0202}, 0x81, 2)
    assert printer.name == "USB 04b8:0202"


def test_usb_without_pyusb_says_what_to_install():
    pytest.importorskip("escpos.printer")
    try:
        import usb  # noqa: F401
        pytest.skip("pyusb is installed here")
    except ImportError:
        pass
    printer = make_escpos_printer(PrinterSettings(backend="usb", usb_vendor_id="04b8", usb_product_id="0202"))
    assert "needs pyusb" in printer.status().problem


def test_a_bad_usb_id_is_refused():
    with pytest.raises(PrinterError, match="hexadecimal USB id"):
        make_escpos_printer(PrinterSettings(backend="usb", usb_vendor_id="epson", usb_product_id="0202"))


def test_cups_without_pycups_says_what_to_install():
    try:
        import cups  # noqa: F401
        pytest.skip("pycups is installed here")
    except ImportError:
        pass
    printer = make_escpos_printer(PrinterSettings(backend="cups", queue="receipts"))
    with pytest.raises(PrinterError) as raised:
        printer.send("job", b"x", "x")
    assert "pycups" in raised.value.message


def _fake_lp(folder, exit_code: int = 0) -> None:
    """An lp and lpstat pair on PATH that behave as CUPS's do for one queue, 'receipts'."""
    scripts = {
        "lpstat": '#!/bin/sh\ncase "$1" in\n -e) echo receipts;;\n -v) echo "device for receipts: socket://x";;\n'
                  ' -d) echo "system default destination: receipts";;\nesac\n',
        "lp": f'#!/bin/sh\ncat >> "{folder}/spooled"\nexit {exit_code}\n',
    }
    for name, body in scripts.items():
        path = folder / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_lp_backend_pipes_the_job_to_the_lp_command(tmp_path, monkeypatch):
    _fake_lp(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    printer = make_escpos_printer(PrinterSettings(backend="lp", queue="receipts"))
    after = printer.send("job", b"LP-RECEIPT\n", "x")
    assert after.reported is False
    assert b"LP-RECEIPT\n" in (tmp_path / "spooled").read_bytes()


def test_lp_backend_failure_and_missing_lp_are_errors_a_person_can_act_on(tmp_path, monkeypatch):
    _fake_lp(tmp_path, exit_code=1)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(JobOutcomeUnknown, match="lp exited with status 1"):
        make_escpos_printer(PrinterSettings(backend="lp", queue="receipts")).send("job", b"x", "x")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PrinterError, match="lp command is not installed"):
        make_escpos_printer(PrinterSettings(backend="lp", queue="receipts")).send("job", b"x", "x")


def test_serial_drawer_gets_its_open_command():
    sim = SerialDeviceSim()
    try:
        drawer = make_cash_drawer(CashDrawerSettings(kick="serial", serial_port=sim.port, open_command_hex="1b7000"),
                                  None)
        assert isinstance(drawer, SerialDrawer)
        drawer.open()
        assert sim.wait_for(3) == b"\x1bp\x00"
    finally:
        sim.close()


def test_a_serial_drawer_that_is_missing_says_to_use_the_key():
    with pytest.raises(DeviceError, match="open it with its key"):
        SerialDrawer("/dev/no-such-tty", 9600, b"\x07").open()


def test_pole_display_shows_two_lines_of_twenty_characters():
    sim = SerialDeviceSim()
    try:
        display = make_customer_display(CustomerDisplaySettings(enabled=True, port=sim.port))
        display.show("TOTAL        $123.45", "Crème brûlée 10 €")
        received = sim.wait_for(49)
        assert received.startswith(b"\x1b@\x1f\x01\x0c\x0b")
        assert received.endswith(b"TOTAL        $123.45\x1f$\x01\x02Creme brulee 10 EUR ")
    finally:
        sim.close()


def test_a_missing_pole_display_fails_quietly_as_a_device_error():
    display = make_customer_display(CustomerDisplaySettings(enabled=True, port="/dev/no-such-tty"))
    with pytest.raises(DeviceError, match="customer display"):
        display.show("Welcome")
    assert make_customer_display(CustomerDisplaySettings(enabled=False)) is None


def test_endorsement_goes_to_the_slip_station_and_ejects(serial_sim):
    printer = make_escpos_printer(PrinterSettings(backend="serial", serial_port=serial_sim.port, serial_flow="none",
                                                  status_timeout_seconds=0.5))
    endorsement = Endorsement("FOR DEPOSIT ONLY", "Riverbend Water District", "Acct 000123456789",
                              date(2024, 3, 5), "T01-000123", "1234")
    serial_sim.paper_out = True  # the roll is out: the slip station still endorses
    printer.send_slip(endorsement_bytes(endorsement))
    serial_sim.wait_quiet()
    serial_sim.clear_faults()
    assert serial_sim.printed == bytearray(
        b"\x1b@\x1bc0\x04\x1bf\x01\x00FOR DEPOSIT ONLY\nRiverbend Water District\nAcct 000123456789\n"
        b"2024-03-05  Receipt T01-000123\nCheck #1234\n\x0c\x1bc0\x01")
