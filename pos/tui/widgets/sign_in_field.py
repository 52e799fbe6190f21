"""An input of the sign-in screen whose Enter key (shown in the footer) moves the sign-in on."""

from __future__ import annotations

from textual.binding import Binding

from pos.tui.widgets.dialog_field import DialogField


class SignInField(DialogField):
    """A dialog field whose Enter reads "Sign in": keys typed ahead of Enter follow the focus (see DialogField)."""

    BINDINGS = [Binding("enter", "submit", "Sign in", show=True)]
