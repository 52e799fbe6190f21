"""What every counter screen shares: failures and refusals travel up to the app, which shows them in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from pos.core.errors import PosError


def said(error: BaseException) -> str:
    """What a person reads about ``error``: a PosError's message; anything else only points to the log file
    (the app writes its detail there), never the driver's text with its SQL."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    return "something went wrong that the counter does not know how to explain (the detail is in the log file)"


class CounterScreen(Screen[None]):
    """A screen whose workers' failures travel up as ``WorkFailed``; the app shows them in one place."""

    @dataclass
    class WorkFailed(Message):
        """A worker of this screen raised ``error``; nothing it was doing took effect."""

        worker: Worker
        error: BaseException

    @dataclass
    class Refused(Message):
        """What was typed was refused before any work started (``error`` names the field); nothing changed."""

        error: PosError

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged does not bubble, so the app would never see a screen's failures.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.post_message(self.WorkFailed(event.worker, event.worker.error))

    def refuse(self, error: PosError) -> None:
        """Have the app show ``error`` where every error is shown."""
        self.post_message(self.Refused(error))
