"""The hardware check from the command line against a simulated printer, drawer and display."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pos.cli.main import app
from tests.receipts.printer_sim import NetworkPrinterSim, SerialDeviceSim

runner = CliRunner()


@pytest.fixture
def sim():
    printer = NetworkPrinterSim()
    yield printer
    printer.close()


def configure(tmp_path, monkeypatch, text: str) -> None:
    file = tmp_path / "pos.toml"
    file.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "pos.db"}"\n[security]\naudit_key = "cli-test-key-123"\n'
                    + text, encoding="utf-8")
    monkeypatch.setenv("POS_CONFIG", str(file))
    from pos.cli.common import state

    state.config = None
    state.settings = None


def printer_section(sim) -> str:
    return (f'[printer]\nbackend = "network"\nport = {sim.port}\nstatus_timeout_seconds = 0.5\n'
            f'[cash_drawer]\nsensor = "open_when_high"\n')


def test_printer_status_lists_every_device_and_the_printer_fault(tmp_path, monkeypatch, sim):
    configure(tmp_path, monkeypatch, printer_section(sim))
    sim.paper_out = True
    result = runner.invoke(app, ["printer", "status", "--json"])
    assert result.exit_code == 1
    states = json.loads(result.stdout)
    assert states[0]["device"] == "printer" and "out of paper" in states[0]["state"].lower()
    sim.clear_faults()
    sim.drawer_pin3_high = True
    result = runner.invoke(app, ["printer", "status"])
    assert result.exit_code == 0, result.output
    assert "Ready" in result.stdout and "open" in result.stdout


@pytest.mark.parametrize("fault", ["paper_out", "cover_open", "unreachable"])
def test_printer_status_says_the_drawer_is_unknown_while_the_printer_is_faulted_or_unreachable(tmp_path, monkeypatch,
                                                                                            sim, fault):
    configure(tmp_path, monkeypatch, printer_section(sim))
    if fault == "unreachable":
        sim.power_off()
    else:
        setattr(sim, fault, True)
    result = runner.invoke(app, ["printer", "status", "--json"])
    assert result.exit_code == 1
    drawer = next(state for state in json.loads(result.stdout) if state["device"] == "cash drawer")
    assert drawer["state"].startswith("unknown") and "closed" not in drawer["state"]
    result = runner.invoke(app, ["printer", "status"])
    assert "unknown" in result.stdout and "closed" not in result.stdout


def test_printer_test_prints_the_check_page_once(tmp_path, monkeypatch, sim):
    configure(tmp_path, monkeypatch, printer_section(sim))
    result = runner.invoke(app, ["printer", "test"])
    assert result.exit_code == 0, result.output
    assert "confirmed" in result.stdout and sim.printed.count(b"PRINTER TEST") == 1


def test_printer_test_refuses_a_printer_with_its_cover_open(tmp_path, monkeypatch, sim):
    configure(tmp_path, monkeypatch, printer_section(sim))
    sim.cover_open = True
    result = runner.invoke(app, ["printer", "test"])
    assert result.exit_code == 1 and "cover is open" in result.stderr


def kick_as_admin():
    """`pos drawer kick` is an operator's act: an admin is added, then opens the drawer with their PIN."""
    added = runner.invoke(app, ["operator", "add", "boss", "--name", "Boss", "--role", "admin"],
                          input="909192\n909192\n")
    assert added.exit_code == 0, added.output
    return runner.invoke(app, ["drawer", "kick", "--by", "boss"], input="909192\n")


def test_drawer_kick_pulses_the_printer(tmp_path, monkeypatch, sim):
    configure(tmp_path, monkeypatch, printer_section(sim))
    result = kick_as_admin()
    assert result.exit_code == 0, result.output
    sim.wait_quiet()
    assert b"\x1bp\x00\x32\x64" in sim.printed


def test_drawer_kick_without_a_printer_says_to_use_the_key(tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch, '[printer]\nbackend = "none"\n')
    result = kick_as_admin()
    assert result.exit_code == 1 and "open it with its key" in result.stderr


def test_display_test_shows_on_the_pole_display(tmp_path, monkeypatch):
    display = SerialDeviceSim()
    try:
        configure(tmp_path, monkeypatch, f'[customer_display]\nenabled = true\nport = "{display.port}"\n')
        result = runner.invoke(app, ["display", "test"])
        assert result.exit_code == 0, result.output
        assert b"DISPLAY TEST" in display.wait_for(49) and b"Welcome" in display.received
    finally:
        display.close()


def test_display_test_without_a_display_is_refused(tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch, "")
    result = runner.invoke(app, ["display", "test"])
    assert result.exit_code == 1 and "No customer display is configured" in result.stderr
