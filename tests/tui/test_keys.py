"""Keyboard only: every key the counter defines is in the footer, and the palette reaches the rest."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from pos.tui.app import make_app
from tests.tui.conftest import SIZE, burst, settle, sign_in


def our_bindings(screen) -> dict:
    """key → binding, for every active binding declared in pos.tui (Textual's own keys left out)."""
    found = {}
    for key, active in screen.active_bindings.items():
        declared_here = any(
            klass.__module__.startswith("pos.tui") and active.binding in klass.__dict__.get("BINDINGS", ())
            for klass in type(active.node).__mro__
        )
        if declared_here:
            found[key] = active.binding
    return found


async def footer_keys(pilot) -> dict[str, str]:
    await pilot.pause()
    footer = pilot.app.screen.query_one(Footer)
    return {key.key: key.description for key in footer.query(FooterKey)}


async def assert_all_in_footer(pilot, *expected_keys: str) -> None:
    bindings = our_bindings(pilot.app.screen)
    shown = await footer_keys(pilot)
    assert set(expected_keys) <= set(bindings), f"{pilot.app.screen}: {sorted(bindings)}"
    for key, binding in bindings.items():
        assert binding.show, f"{key} ({binding.description}) is hidden on {pilot.app.screen}"
        assert shown.get(key) == binding.description, f"{key} is not in the footer of {pilot.app.screen}"


async def test_every_binding_of_every_screen_is_shown_in_the_footer(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await assert_all_in_footer(pilot, "enter", "ctrl+q")  # sign-in, operator id
        await burst(pilot, *"amy", "enter")
        await assert_all_in_footer(pilot, "enter", "ctrl+q")  # sign-in, PIN
        await burst(pilot, *"1234", "enter")
        await assert_all_in_footer(pilot, "enter", "f2", "ctrl+o")  # home
        await burst(pilot, *"garcia", "enter")
        await assert_all_in_footer(pilot, "enter", "f2", "escape", "ctrl+o")  # lookup, results
        await pilot.press("enter")
        await settle(pilot)
        await assert_all_in_footer(pilot, "f2", "escape", "ctrl+o")  # lookup, account card
        await pilot.press("escape", "escape")
        await assert_all_in_footer(pilot, "enter", "f2", "escape", "ctrl+o")  # lookup, the box


async def test_command_palette_key_is_shown_and_offers_the_counters_commands(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        assert pilot.app.screen.query_one(Footer).show_command_palette

        titles = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]

        assert {"Account lookup", "Home", "Sign out"} <= set(titles)
        assert "Quit" not in titles


async def test_command_palette_opens_the_lookup_screen(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+p")
        await burst(pilot, *"account lookup")
        await pilot.press("enter")
        await settle(pilot)

        assert pilot.app.screen.__class__.__name__ == "LookupScreen"


async def test_every_binding_of_the_counter_screens_and_dialogs_is_shown_in_the_footer(settings):
    from pos.core.scanline import make_scan_line
    from tests.tui.conftest import ORDINARY, accounts_where, open_drawer_for, signed_in

    [(number, balance, _)] = accounts_where(settings, ORDINARY)
    open_drawer_for(settings)  # the count sheet's keys: see test_drawer
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await assert_all_in_footer(pilot, "enter", "f2", "f4", "f5", "ctrl+o")  # home, drawer open
        await pilot.press("f4")
        await settle(pilot)
        await assert_all_in_footer(pilot, "enter", "f2", "f3", "f6", "f7", "f8", "f9", "f12", "ctrl+r", "ctrl+n",
                                   "escape")  # an empty payment, the add box
        await burst(pilot, *make_scan_line(number, balance, settings.scan_line), "enter")
        await assert_all_in_footer(pilot, "enter", "f12", "ctrl+r")  # a payment's field
        for key in ("f8", "f9", "ctrl+n"):  # the tender chooser, the note, "drop this payment?"
            await pilot.press(key)
            await settle(pilot)
            await assert_all_in_footer(pilot, "escape")
            await pilot.press("escape")
        await pilot.press("enter")
        await settle(pilot)
        await assert_all_in_footer(pilot, "enter", "f2", "escape")  # posted
        await pilot.press("escape", "f5")
        await settle(pilot)
        await assert_all_in_footer(pilot, "enter", "f5", "f8", "escape")  # today's payments
        await pilot.press("f8")
        await assert_all_in_footer(pilot, "enter", "escape")  # the void's reason

        titles = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert {"Payment", "Today's payments", "Open drawer"} <= titles
