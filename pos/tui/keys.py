"""Every key of a screen, in the order the footer shows them: F1 first, then by how often the key is used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.dom import DOMNode

HELP_KEY = "f1"
# Every dialog declares it too: a modal screen does not pass keys on to the app's bindings.
HELP_BINDING = Binding(HELP_KEY, "app.keys_help", "Keys", show=True, priority=True)


@dataclass(frozen=True)
class KeyHelp:
    """One key: how it is written, what it does, whether it acts now (some act only on a chosen row)."""

    key: str
    display: str
    description: str
    enabled: bool
    shown: bool  # shown in the footer when there is room


def declared_here(node: DOMNode, binding: Binding) -> bool:
    """Whether the counter declared the binding (Textual's own keys, like an input's ctrl+a, are left out)."""
    return any(klass.__module__.startswith("pos.tui") and binding in klass.__dict__.get("BINDINGS", ())
               for klass in type(node).__mro__)


def _rank(node: DOMNode) -> int:
    """The focused field's keys (Enter) come first, then the screen's, then the app's (sign-out, devices)."""
    if isinstance(node, App):
        return 2
    if isinstance(node, Screen):
        return 1
    return 0


def footer_order(screen: Screen) -> list[tuple[DOMNode, Binding, bool, str]]:
    """The active bindings as the footer shows them: F1 first, then each node's keys in the order it
    declares them (every BINDINGS list is written most used first)."""
    active = list(screen.active_bindings.values())
    ordered = sorted(enumerate(active), key=lambda item: (item[1][1].key != HELP_KEY, _rank(item[1][0]), item[0]))
    return [entry for _, entry in ordered]


def keys_of(screen: Screen) -> list[KeyHelp]:
    """Every key of ``screen``, shown in the footer or not, including the screen's keys that do not
    act right now (they act once a row is chosen, say)."""
    app = screen.app
    found: list[KeyHelp] = []
    seen: set[str] = set()
    for node, binding, enabled, _tooltip in footer_order(screen):
        if binding.key in seen or not (binding.show or declared_here(node, binding)):
            continue
        seen.add(binding.key)
        for other in _also_bound(screen, node, binding):  # the same key on the screen, for another moment
            found.append(KeyHelp(other.key, app.get_key_display(other), other.description or other.action,
                                 False, other.show))
        found.append(KeyHelp(binding.key, app.get_key_display(binding), binding.description or binding.action,
                             enabled, binding.show))
    for bindings in screen._bindings.key_to_bindings.values():  # the screen's keys that do not act now
        for binding in bindings:
            if binding.key not in seen and declared_here(screen, binding):
                seen.add(binding.key)
                found.append(KeyHelp(binding.key, app.get_key_display(binding),
                                     binding.description or binding.action, False, binding.show))
    return found


def _also_bound(screen: Screen, node: DOMNode, binding: Binding) -> list[Binding]:
    """The screen's own binding of a key a focused field binds too (Enter: "Add" in a field, "Next
    customer" once the payment is posted): both are listed."""
    if node is screen:
        return []
    return [other for other in screen._bindings.key_to_bindings.get(binding.key, [])
            if other.description != binding.description and declared_here(screen, other)]
