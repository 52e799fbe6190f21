"""The sign-in screen: masked PIN, the reason for a refusal, lock-out, and what home shows after."""

from __future__ import annotations

from pos.core.clock import business_date
from pos.tui.app import make_app
from pos.tui.screens.home import HomeScreen
from pos.tui.screens.signin import SignInScreen
from tests.tui.conftest import SIZE, burst, audit_entries, notifications, screen_text, screen_words, settle, sign_in


async def test_sign_in_shows_home_with_terminal_site_operator_and_business_date(settings):
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(*"amy", "enter", *"1234", "enter")  # at a cashier's pace, key by key
        await settle(pilot)

        assert isinstance(pilot.app.screen, HomeScreen)
        shown = screen_text(pilot)
        assert "Terminal T01" in shown
        assert "Riverbend Water District" in shown
        assert "Amy Cashier (Cashier)" in shown
        assert business_date(cutoff=settings.terminal.business_day_cutoff).isoformat() in shown


async def test_id_and_pin_typed_in_one_burst_sign_in(settings):
    # A fast typist or badge reader: the PIN digits are queued for the id field before Enter moves on.
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await burst(pilot, *"amy", "enter", *"1234", "enter")

        assert isinstance(pilot.app.screen, HomeScreen)
        assert "Amy Cashier (Cashier)" in screen_text(pilot)


async def test_sign_in_is_recorded_in_the_audit_trail(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot, "carl", "2345")

    entries = audit_entries(settings, "signin")
    assert [(e.operator_id, e.terminal_id) for e in entries] == [("carl", "T01")]


async def test_home_has_the_lookup_box_focused_so_typing_starts_a_lookup(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot)

        assert pilot.app.focused is not None and pilot.app.focused.id == "home-lookup"


async def test_pin_is_masked_while_typed(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await pilot.press(*"amy", "enter", *"9081")

        assert "9081" not in screen_text(pilot)
        assert pilot.app.screen.query_one("#pin").password is True


async def test_wrong_pin_shows_the_reason_and_clears_the_pin(settings):
    # Toasts off: the reason on screen must be the sign-in screen's own line.
    async with make_app(settings).run_test(size=SIZE, notifications=False) as pilot:
        await sign_in(pilot, "amy", "9999")

        screen = pilot.app.screen
        assert isinstance(screen, SignInScreen)
        assert "Operator id or PIN is not right." in screen_words(pilot)
        assert "tries left" not in screen_words(pilot)  # nothing tells whether the id exists
        assert screen.query_one("#pin").value == ""
        assert screen.focused is screen.query_one("#pin")
        assert ("error", "Sign-in refused") in [(severity, title) for severity, title, _ in notifications(pilot)]


async def test_retyping_the_pin_after_a_refusal_signs_in(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await sign_in(pilot, "amy", "9999")
        await pilot.press(*"1234", "enter")
        await settle(pilot)

        assert isinstance(pilot.app.screen, HomeScreen)


async def test_five_wrong_pins_lock_the_operator(settings):
    async with make_app(settings).run_test(size=SIZE, notifications=True) as pilot:
        await burst(pilot, *"amy", "enter")
        for _ in range(5):
            await burst(pilot, *"9999", "enter")
        await burst(pilot, *"1234", "enter")  # the right PIN no longer helps

        assert isinstance(pilot.app.screen, SignInScreen)
        assert message_line(pilot) == ("Operator id or PIN is not right. If this keeps happening, ask a "
                                       "supervisor.")  # the same words as for an unknown id
    assert [e.operator_id for e in audit_entries(settings, "operator_locked")] == ["amy"]
    assert query_locked(settings, "amy")


async def test_an_unknown_id_reads_like_a_wrong_pin_and_repeated_tries_get_the_hint(settings):
    async with make_app(settings).run_test(size=SIZE, notifications=False) as pilot:
        await burst(pilot, *"nobody", "enter", *"1234", "enter")
        first = message_line(pilot)
        await burst(pilot, *"1234", "enter")
        await burst(pilot, *"1234", "enter")

        assert first == "Operator id or PIN is not right."
        assert message_line(pilot) == "Operator id or PIN is not right. If this keeps happening, ask a supervisor."


async def test_empty_operator_id_is_refused_naming_the_field(settings):
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)

        screen = pilot.app.screen
        assert "operator id: is empty" in message_line(pilot)
        assert screen.focused is screen.query_one("#operator-id")


async def test_a_database_that_cannot_be_reached_is_reported_not_crashed_on(tmp_path):
    from tests.conftest import make_settings

    unreachable = make_settings(tmp_path, url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    async with make_app(unreachable).run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot)

        assert isinstance(pilot.app.screen, SignInScreen)
        assert "database does not answer" in message_line(pilot) and "refuses connections" in message_line(pilot)
        assert "psycopg" not in message_line(pilot)
        assert "Database not answering" in [title for _, title, _ in notifications(pilot)]


def message_line(pilot) -> str:
    """The reason shown under the fields."""
    return str(pilot.app.screen.query_one("#signin-message").content)


def query_locked(settings, operator_id: str) -> bool:
    from tests.tui.conftest import query_database

    [(locked,)] = query_database(settings, f"SELECT locked FROM operator WHERE operator_id = '{operator_id}'")
    return bool(locked)
