"""The footer of every counter screen: F1 first, then the keys most used first; rebuilt once per refresh."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


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

    def compose(self) -> ComposeResult:
        """F1 first (it lists every key, also those the footer has no room for), then the keys most used first."""
        from pos.tui.keys import footer_order

        if not self._bindings_ready:
            return
        shown: set[str] = set()
        for _node, binding, enabled, tooltip in footer_order(self.screen):
            if not binding.show or binding.action in shown or binding.key == self.app.COMMAND_PALETTE_BINDING:
                continue
            shown.add(binding.action)
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            disabled=not enabled, tooltip=tooltip).data_bind(compact=Footer.compact)
        self.styles.grid_size_columns = len(shown) + 1
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, _tooltip = palette
                yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                                classes="-command-palette", disabled=not enabled,
                                tooltip=binding.tooltip or binding.description)
