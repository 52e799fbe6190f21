"""Every key reachable at 80x24: F1 leads every footer, and its panel lists every key of the screen."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from pos.tui.app import make_app
from pos.tui.dialogs.keys_help import KeysHelpDialog
from tests.tui.conftest import burst, open_drawer_for, settle, signed_in

NARROW = (80, 24)


def declared_keys(screen) -> set[tuple[str, str]]:
    """(key, description) of every binding the screen's classes declare (shown in the footer or not)."""
    found = set()
    for klass in type(screen).__mro__:
        if klass.__module__.startswith("pos.tui"):
            for binding in klass.__dict__.get("BINDINGS", ()):
                for key in binding.key.split(","):
                    found.add((key.strip(), binding.description))
    return found


async def assert_f1_leads_and_lists_every_key(pilot) -> None:
    screen = pilot.app.screen
    await pilot.pause()
    keys = list(screen.query_one(Footer).query(FooterKey))
    assert keys and keys[0].key == "f1", f"{screen}: {[k.key for k in keys]}"
    assert keys[0].region.right <= NARROW[0] and keys[0].region.width > 0  # on screen, not scrolled away

    await pilot.press("f1")
    await settle(pilot)
    panel = pilot.app.screen
    assert isinstance(panel, KeysHelpDialog), f"F1 on {screen} opened {panel}"
    listed = {(key.key, key.description) for key in panel.keys}
    for key, description in declared_keys(screen):
        assert (key, description) in listed, f"{key} ({description}) is not in the keys panel of {screen}"
    lines = " ".join(str(line.content) for line in panel.query(".keys-line"))
    for _, description in declared_keys(screen):
        assert description in lines
    await pilot.press("escape")
    await settle(pilot)
    assert pilot.app.screen is screen


async def test_every_screen_has_f1_first_in_its_footer_and_a_panel_of_all_its_keys(settings):
    open_drawer_for(settings, "sam")
    async with make_app(settings).run_test(size=NARROW) as pilot:
        await settle(pilot)
        await assert_f1_leads_and_lists_every_key(pilot)  # sign-in
        await signed_in(pilot, "sam")
        for mode in ("home", "lookup", "payment", "payments", "drawer", "drawer_day", "devices", "supervisor"):
            await pilot.app.switch_mode(mode)
            await settle(pilot)
            await assert_f1_leads_and_lists_every_key(pilot)
        await pilot.app.switch_mode("drawer_day")
        await settle(pilot)
        await pilot.press("f8")  # the close: its own screen
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "CloseDrawerScreen"
        await assert_f1_leads_and_lists_every_key(pilot)


async def test_dialogs_have_f1_too(settings):
    from pos.tui.dialogs.approval import ApprovalDialog
    from pos.tui.dialogs.choose_tender import ChooseTenderDialog
    from pos.tui.dialogs.confirm import ConfirmDialog
    from pos.tui.dialogs.count_cash import CountCashDialog
    from pos.tui.dialogs.paid_out import PaidOutDialog
    from pos.tui.dialogs.text_entry import TextEntryDialog

    async with make_app(settings).run_test(size=NARROW) as pilot:
        await signed_in(pilot, "amy")
        for dialog in (ApprovalDialog("A test approval", lambda approval: approval),
                       ConfirmDialog("Sure?", ["A line"]), ChooseTenderDialog(["cash", "check"]),
                       TextEntryDialog(title="A note", field="note"), PaidOutDialog(settings),
                       CountCashDialog(settings, title="Drop", help_text="Count it")):
            await pilot.app.push_screen(dialog)
            await settle(pilot)
            await assert_f1_leads_and_lists_every_key(pilot)
            await pilot.press("escape")
            await settle(pilot)


async def test_f1_again_closes_the_panel(settings):
    async with make_app(settings).run_test(size=NARROW) as pilot:
        await signed_in(pilot)
        await burst(pilot, "f1")
        assert isinstance(pilot.app.screen, KeysHelpDialog)
        await pilot.press("f1")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, KeysHelpDialog)
