"""The live state of each configured counter device, one line each (the devices screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

if TYPE_CHECKING:
    from pos.core.printing import DeviceState


class DeviceStatus(Static):
    """Set ``states`` (attributes down); it shows them, a device in trouble marked with !!."""

    def show(self, states: list[DeviceState]) -> None:
        lines = [f"{'  ' if state.ok else '!!'} {state.device:<17} {state.state}  ({state.configured})"
                 for state in states]
        self.update("\n".join(lines))
