"""Signing out by key, by the command palette and after the idle time; nothing of the session survives."""

from __future__ import annotations

from pos.tui.app import make_app
from pos.tui.screens.home import HomeScreen
from pos.tui.screens.signin import SignInScreen
from tests.tui.conftest import SIZE, audit_entries, burst, query_database, screen_text, screen_words, settle, sign_in


async def test_sign_out_key_returns_to_sign_in_and_is_audited(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)

        assert isinstance(pilot.app.screen, SignInScreen)
        assert pilot.app.operator is None
        assert "Amy Cashier signed out." in screen_text(pilot)
    [entry] = audit_entries(settings, "signout")
    assert (entry.operator_id, entry.terminal_id, entry.details) == ("amy", "T01", {"reason": "signed out"})


async def test_sign_out_works_from_the_middle_of_a_lookup(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await burst(pilot, *"garcia", "enter")
        await pilot.press("ctrl+o")
        await settle(pilot)

        assert isinstance(pilot.app.screen, SignInScreen)


async def test_command_palette_signs_out(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+p")
        await burst(pilot, *"sign out")
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(pilot.app.screen, SignInScreen)
    assert len(audit_entries(settings, "signout")) == 1


async def test_idle_terminal_signs_out_and_audits_reason_idle(demo_settings_for):
    settings = demo_settings_for(terminal={"idle_signout_seconds": 1})
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

        for _ in range(50):  # the timer fires after 1 s; a busy machine may run it a little later
            await pilot.pause(0.1)
            if isinstance(pilot.app.screen, SignInScreen):
                break
        await settle(pilot)

        assert isinstance(pilot.app.screen, SignInScreen)
        assert "Amy Cashier was signed out after 1 second without a key." in screen_words(pilot)
    [entry] = audit_entries(settings, "signout")
    assert (entry.operator_id, entry.details) == ("amy", {"reason": "idle"})


async def test_keys_pressed_keep_the_operator_signed_in(demo_settings_for):
    settings = demo_settings_for(terminal={"idle_signout_seconds": 3})
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        for _ in range(8):  # 4 s in all, longer than the idle time, but never 3 s without a key (even on a busy CI)
            await pilot.pause(0.5)
            await pilot.press("end")

        assert isinstance(pilot.app.screen, HomeScreen)


async def test_idle_sign_out_is_off_when_the_setting_is_zero(demo_settings_for):
    settings = demo_settings_for(terminal={"idle_signout_seconds": 0})
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.pause(1.2)

        assert isinstance(pilot.app.screen, HomeScreen)
        assert pilot.app._idle_timer is None


async def test_nothing_of_the_last_session_is_shown_to_the_next_operator(settings):
    [(number, name)] = query_database(settings, "SELECT account_number, name FROM account ORDER BY id LIMIT 1")
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot, "amy", "1234")
        await burst(pilot, *number, "enter")
        assert name in screen_text(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)

        await sign_in(pilot, "carl", "2345")
        await pilot.press("f2")  # the lookup screen, which kept Amy's card while she was signed in
        await pilot.pause()

        shown = screen_text(pilot)
        assert "Carl CSR II" in shown
        assert name not in shown and number not in shown


async def test_quit_is_offered_only_while_nobody_is_signed_in(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        assert "ctrl+q" in pilot.app.screen.active_bindings
        await sign_in(pilot)
        await pilot.press("ctrl+q")

        assert pilot.app.is_running and isinstance(pilot.app.screen, HomeScreen)
        assert "ctrl+q" not in pilot.app.screen.active_bindings
