"""The footer of every counter screen: the keys of what has the focus, rebuilt once per refresh."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class CounterFooter(Footer):
    """Textual's footer rebuilds its keys each time the bindings change; a scan or a form moving the
    focus changes them several times between two frames. Only the last set is ever seen, so it is
    built once, after the refresh, from the bindings active then.
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
