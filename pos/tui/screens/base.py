"""What every counter screen shares: a worker that failed is reported up to the app, which shows it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState


class CounterScreen(Screen[None]):
    """A screen whose workers' failures travel up as ``WorkFailed``; the app shows them in one place."""

    @dataclass
    class WorkFailed(Message):
        """A worker of this screen raised ``error``; nothing it was doing took effect."""

        worker: Worker
        error: BaseException

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged does not bubble, so the app would never see a screen's failures.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.post_message(self.WorkFailed(event.worker, event.worker.error))
