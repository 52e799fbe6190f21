"""An input of the sign-in screen whose Enter key (shown in the footer) moves the sign-in on."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class SignInField(Input):
    """Enter posts ``Input.Submitted`` in turn with the keys typed before it (a priority binding would not)."""

    BINDINGS = [Binding("enter", "submit", "Sign in", show=True)]
