"""The status bar during a printer fault: the operator and the business date stay, at 80 to 120 columns."""

from __future__ import annotations

import pytest

from pos.core.clock import business_date
from pos.tui.app import make_app
from tests.tui.conftest import screen_text, signed_in
from tests.tui.test_devices import printer_settings, sim, wait_for_words  # noqa: F401 - fixture


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
@pytest.mark.parametrize("fault", ["paper_out", "unreachable"])
async def test_a_printer_fault_in_the_status_bar_keeps_the_operator_and_the_business_date(demo_settings_for, sim,
                                                                                          size, fault):
    settings = demo_settings_for(printer=printer_settings(sim), cash_drawer={"sensor": "open_when_high"})
    if fault == "unreachable":
        sim.power_off()
    else:
        sim.paper_out = True
    brief = "paper out" if fault == "paper_out" else "unreachable"
    async with make_app(settings).run_test(size=size) as pilot:
        await signed_in(pilot)
        await wait_for_words(pilot, f"Printer: {brief}")
        bar = screen_text(pilot).splitlines()[0]
        assert ("Amy Cashier (Cashier)" if size[0] >= 100 else "Amy Cashier") in bar
        assert f"{business_date(cutoff=settings.terminal.business_day_cutoff):%a %Y-%m-%d}" in bar
        assert f"Drawer unknown · Printer: {brief}" in bar  # the sensor says nothing while the printer is down
        assert bar.lstrip().startswith("T")  # the site's line gives way first (cut short), it does not push
