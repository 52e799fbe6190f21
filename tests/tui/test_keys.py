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
