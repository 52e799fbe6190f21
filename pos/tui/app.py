"""The counter application: its screens, global keys, and the one place errors show."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from textual import events, on, work
from textual._time import get_time  # the clock of events' ``time``: keys are compared with screen changes on it
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from pos.core.errors import PosError
from pos.tui.screens.base import CounterScreen
from pos.tui.screens.devices import DevicesScreen
from pos.tui.screens.drawer import OpenDrawerScreen
from pos.tui.screens.drawer_day import DrawerDayScreen
from pos.tui.screens.home import HomeScreen
from pos.tui.screens.lookup import LookupScreen
from pos.tui.screens.payment import PaymentScreen
from pos.tui.screens.payments import PaymentsScreen
from pos.tui.screens.signin import SignInScreen
from pos.tui.screens.supervisor import SupervisorScreen
from pos.tui.widgets.status_bar import DeviceLine

if TYPE_CHECKING:
    from pos.core.db import Database
    from pos.core.operators import OperatorView
    from pos.core.printing import JobPrinted
    from pos.core.settings import Settings
    from receipts.status import PrinterStatus

# Kept while the operator is signed in (an interrupted payment is where it was left); dropped at sign-out.
SIGNED_IN_MODES = {"home": HomeScreen, "lookup": LookupScreen, "payment": PaymentScreen,
                   "payments": PaymentsScreen, "drawer": OpenDrawerScreen,
                   "drawer_day": DrawerDayScreen, "devices": DevicesScreen,
                   "supervisor": SupervisorScreen}
NAVIGATION = ("sign_out", "lookup", "home", "payment", "payments", "open_drawer", "drawer_day", "devices",
              "supervisor")


@dataclass
class PrinterPolled(Message):
    """The printer poller's answer: the printer's status, and what it printed of the held receipts."""

    status: PrinterStatus | None
    results: list[JobPrinted]


class PosApp(App[None]):
    """One terminal. Signed out it shows only the sign-in screen; signed in, the counter's screens."""

    CSS_PATH = "pos.tcss"
    TITLE = "pos"
    MODES = {"signin": SignInScreen}
    DEFAULT_MODE = "signin"
    NOTIFICATION_TIMEOUT = 10
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f1", "keys_help", "Keys", show=True, priority=True),
        Binding("ctrl+o", "sign_out", "Sign out", show=True, priority=True),
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
        Binding("f10", "devices", "Devices", show=True),
    ]

    device_state: reactive[DeviceLine | None] = reactive(None)  # the drawer sensor and any printer fault

    def __init__(self, settings: Settings, *, database: Database | None = None,
                 hold_terminal: bool | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.operator: OperatorView | None = None
        self._database = database
        self._owns_database = database is None
        # A real counter holds its terminal id (one process per terminal) and signs out on a hang-up.
        self._hold_terminal = self._owns_database if hold_terminal is None else hold_terminal
        self._lease_keeper = None
        self._database_lock = threading.Lock()
        self._open_failure: tuple[float, PosError | None] = (0.0, None)  # the last failed open, and when
        self._last_key_at = time.monotonic()
        self._idle_timer: Timer | None = None
        self._poll_timer: Timer | None = None
        self._printer_fault: str | None = None
        self._drawer_open_since: float | None = None
        self._drawer_warned = False
        self._interrupted: list[str] | None = None  # receipts found half-sent at start, until the cashier is told
        self._screen_shown_at = 0.0  # when the screen now on top was pushed, popped or switched to

    # The database: opened in a thread once the sign-in screen is up ----------------------------

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)

    def on_ready(self) -> None:
        if self._hold_terminal:
            _on_hang_up(self._hang_up)
        self.call_after_refresh(self._open_database)

    @work(thread=True, exclusive=True, exit_on_error=False, group="database")
    def _open_database(self) -> None:
        from pos.core.lease import TerminalBusy

        try:
            self.connected_database()
        except TerminalBusy as error:  # another process runs this terminal: this one does not start
            self.call_from_thread(self.exit, None, 1, f"{error.title}: {error.message}")

    def connected_database(self) -> Database:
        """The open database, for worker threads only: waits for it to open, and retries a failed open.

        A caller that waited while another attempt failed gets that failure at once, rather than waiting a
        whole connect time-out again on a database that just did not answer.
        """
        asked_at = time.monotonic()
        with self._database_lock:
            if self._database is None:
                from pos.core.db import open_configured

                failed_at, failure = self._open_failure
                if failure is not None and failed_at >= asked_at:
                    raise failure
                try:
                    self._database = open_configured(self.settings)
                except PosError as error:
                    self._open_failure = (time.monotonic(), error)
                    raise
            if self._hold_terminal and self._lease_keeper is None:  # before anyone signs in here
                from pos.core.lease import LeaseKeeper, take_lease

                lease = take_lease(self._database, self.settings)
                self._lease_keeper = LeaseKeeper(
                    self._database, lease, self.settings,
                    on_lost=lambda: self.call_from_thread(self._hang_up, "terminal taken over")).start()
            if self._interrupted is None:  # once, before this counter prints anything
                self._interrupted = _recover_print_jobs(self._database, self.settings)
            return self._database

    def on_unmount(self) -> None:
        if self._lease_keeper is not None:
            self._lease_keeper.stop()  # the terminal id is free again
            self._lease_keeper = None
        if self._hold_terminal:
            _on_hang_up(None)
        if self._owns_database and self._database is not None:
            self._database.dispose()

    def _hang_up(self, reason: str) -> None:
        """The window closed or the process was told to stop: sign the operator out (journaled), then exit."""
        operator, self.operator = self.operator, None
        if operator is not None:
            from pos.core.operators import SignOut, sign_out

            try:
                with self.connected_database().unit_of_work() as uow:  # now, not in a worker: the process ends
                    sign_out(uow, SignOut(operator.operator_id, reason), self.settings)
            except PosError:
                pass  # the database is gone too; the process still ends
        self.exit(return_code=1)

    # Signing in and out ------------------------------------------------------------------------

    @on(SignInScreen.SignedIn)
    def _begin_session(self, event: SignInScreen.SignedIn) -> None:
        if self.operator is not None:
            return
        self.operator = event.operator
        operator, settings = event.operator, self.settings
        for mode, screen_class in SIGNED_IN_MODES.items():
            self.add_mode(mode, lambda screen_class=screen_class: screen_class(settings, operator))
        self.switch_mode("home")
        self.clear_notifications()  # a refusal shown before this sign-in is no longer news
        self._tell_interrupted()
        self._last_key_at = time.monotonic()
        self._watch_idle()
        self._poll_timer = self.set_interval(self.settings.printer.poll_seconds, self._tick_printer_poll)
        self.refresh_bindings()

    def post_in_flight(self) -> bool:
        """A payment is being posted on the screen shown: it holds until the outcome is on screen."""
        return isinstance(self.screen, PaymentScreen) and self.screen.posting

    async def action_sign_out(self) -> None:
        if self.post_in_flight():
            self.notify("Posting… please wait: sign out once the payment's outcome is shown.", title="Posting",
                        markup=False)
            return
        await self._end_session("signed out")

    async def _end_session(self, reason: str) -> None:
        """Take everything of the session off the screen, then record the sign-out with its reason."""
        operator = self.operator
        if operator is None:
            return
        self.operator = None
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        self.device_state = None  # read afresh by the next session's poller
        if self._interrupted:
            self._interrupted = []  # the cashier who was signed in was told
        await self.switch_mode("signin")
        for mode in SIGNED_IN_MODES:
            await self.remove_mode(mode)
        self.clear_notifications()
        self._record_sign_out(operator.operator_id, reason)
        if reason == "idle":
            idle_for = _duration(self.settings.terminal.idle_signout_seconds)
            message = f"{operator.name} was signed out after {idle_for} without a key."
        else:
            message = f"{operator.name} signed out."
        sign_in_screen = self.screen_stack[0]
        if isinstance(sign_in_screen, SignInScreen):
            sign_in_screen.reset(message)
        self.refresh_bindings()

    @work(thread=True, exclusive=False, exit_on_error=False, group="signout")
    def _record_sign_out(self, operator_id: str, reason: str) -> None:
        from pos.core.operators import SignOut, sign_out

        with self.connected_database().unit_of_work() as uow:
            sign_out(uow, SignOut(operator_id, reason), self.settings)

    def _tell_interrupted(self) -> None:
        """Receipts that were being sent when the counter last stopped: the cashier looks at the printer."""
        numbers = self._interrupted or []
        if not numbers:
            return
        which = f"Receipt {numbers[0]} was" if len(numbers) == 1 else f"Receipts {', '.join(numbers)} were"
        self.notify(f"{which} being sent when the counter stopped and may not have printed. Look at the printer: "
                    "F5 on today's payments prints a REPRINT of any that did not come out.",
                    title="Printer", severity="warning", markup=False, timeout=60)

    # Idle sign-out: no key for terminal.idle_signout_seconds -----------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                self._last_key_at = time.monotonic()
            if _is_function_key(event.key) and event.time < self._screen_shown_at:
                # Typed for the screen shown before this one (a dialog opened or closed, a screen changed
                # while the key waited in the queue, or on its way back up from that screen's widgets,
                # where the app would run the new screen's binding): it acts on nothing.
                self.log.info(f"key {event.key} typed before {self.screen} was shown: dropped")
                return
        await super().on_event(event)

    def _screen_changed(self, screen: Screen) -> None:
        self._screen_shown_at = get_time()  # the clock of every event's ``time``

    def _watch_idle(self) -> None:
        seconds = self.settings.terminal.idle_signout_seconds
        if seconds and self.operator is not None:
            self._idle_timer = self.set_timer(seconds, self._check_idle)

    async def _check_idle(self) -> None:
        self._idle_timer = None
        if self.operator is None:
            return
        seconds = self.settings.terminal.idle_signout_seconds
        idle = time.monotonic() - self._last_key_at
        if self.post_in_flight():  # never in the middle of a post: look again shortly after it
            self._idle_timer = self.set_timer(min(seconds, 5), self._check_idle)
        elif idle >= seconds:
            await self._end_session("idle")
        else:
            self._idle_timer = self.set_timer(seconds - idle, self._check_idle)

    # The printer poller: held receipts print once the printer is ready; the drawer sensor is watched -----

    def _tick_printer_poll(self) -> None:
        """Start a poll unless the last one still waits on a slow printer (polls never pile up)."""
        if not any(worker.group == "printer-poll" and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for worker in self.workers):
            self._poll_printer()

    @work(thread=True, exit_on_error=False, group="printer-poll")
    def _poll_printer(self) -> None:
        from pos.core.printing import has_retried_jobs, print_waiting, printer_status

        settings = self.settings
        try:
            database = self.connected_database()
            waiting = has_retried_jobs(database, settings)
            watch_drawer = settings.cash_drawer.kick == "printer" and settings.cash_drawer.sensor != "none"
            fault_shown = self.device_state is not None and self.device_state.printer_fault is not None
            if not waiting and not watch_drawer and not fault_shown:  # nothing to learn from the printer
                return
            status = printer_status(settings)
            results = print_waiting(database, settings) if waiting and status and status.fault is None else []
        except Exception as error:  # noqa: BLE001 - a poll that fails is tried again at the next tick, quietly
            from pos.core.logs import logger

            logger("printer").warning("printer poll failed: %r", error)
            return
        self.post_message(PrinterPolled(status, results))

    @on(PrinterPolled)
    def _printer_polled(self, event: PrinterPolled) -> None:
        if self.operator is None:  # a poll that ended after the sign-out
            return
        status, settings = event.status, self.settings
        fault = status.fault if status is not None else None
        if fault and fault != self._printer_fault and not event.results:
            self.notify(f"Receipts wait because {fault}. They print by themselves once the printer is ready.",
                        title="Printer", severity="warning", markup=False)
        self._printer_fault = fault
        printed = [result.job.receipt_number for result in event.results if result.printed]
        if printed:
            slips = {result.job.receipt_number for result in event.results if result.job.kind == "slip"}
            what = "Slip" if set(printed) <= slips else "Receipt" if not slips & set(printed) else "Printed:"
            self.notify(f"{what} {', '.join(printed)} printed.", title="Printer", markup=False)
        if event.results and isinstance(self.screen, PaymentScreen):
            self.screen.printer_polled(event.results)
        opened = status.drawer_open(settings.cash_drawer.sensor) if status is not None else None
        watched = settings.cash_drawer.kick == "printer" and settings.cash_drawer.sensor != "none"
        brief = status.fault_brief if status is not None else None
        self.device_state = DeviceLine(opened, brief, watched)  # every status bar watches it
        if not opened:
            self._drawer_open_since, self._drawer_warned = None, False
        elif self._drawer_open_since is None:
            self._drawer_open_since = time.monotonic()
        limit = settings.cash_drawer.open_warning_seconds
        if opened and limit and not self._drawer_warned and time.monotonic() - self._drawer_open_since >= limit:
            self._drawer_warned = True
            self.notify(f"The cash drawer has been open for more than {_duration(limit)}: close it.",
                        title="Drawer", severity="warning", markup=False)

    # Screens and keys --------------------------------------------------------------------------

    @on(HomeScreen.LookupRequested)
    async def _look_up_from_home(self, event: HomeScreen.LookupRequested) -> None:
        await self.switch_mode("lookup")
        lookup = self.screen_stack[0]
        if isinstance(lookup, LookupScreen):
            lookup.look_up(event.entry)

    @on(LookupScreen.PaymentRequested)
    async def _pay_from_lookup(self, event: LookupScreen.PaymentRequested) -> None:
        await self.switch_mode("payment")
        payment = self.screen_stack[0]
        if isinstance(payment, PaymentScreen):
            await payment.add_account(event.account, event.stub)

    @on(PaymentScreen.NextCustomer)
    async def _next_customer(self) -> None:
        await self.switch_mode("lookup")
        lookup = self.screen_stack[0]
        if isinstance(lookup, LookupScreen):
            lookup.action_new_lookup()

    @on(OpenDrawerScreen.DrawerOpened)
    async def _drawer_opened(self, event: OpenDrawerScreen.DrawerOpened) -> None:
        self.clear_notifications()  # what was refused on the way is no longer news
        self._tell_interrupted()  # but not the receipts that may not have printed (told for the last time)
        self._interrupted = []
        await self.switch_mode("home")
        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.drawer_opened(event.kick_error, event.difference_cents)

    def action_keys_help(self) -> None:
        """F1: every key of the screen shown now; F1 again (or Esc) closes it."""
        from pos.tui.dialogs.keys_help import KeysHelpDialog

        if isinstance(self.screen, KeysHelpDialog):
            self.screen.dismiss(None)
        else:
            self.push_screen(KeysHelpDialog(self.screen))

    def action_lookup(self) -> None:
        self.switch_mode("lookup")

    def action_home(self) -> None:
        self.switch_mode("home")

    def action_payment(self) -> None:
        self.switch_mode("payment")

    async def action_payments(self) -> None:
        await self.switch_mode("payments")
        payments = self.screen_stack[0]
        if isinstance(payments, PaymentsScreen):
            payments.start_afresh()  # the last search is forgotten

    def action_open_drawer(self) -> None:
        self.switch_mode("drawer")

    def action_drawer_day(self) -> None:
        self.switch_mode("drawer_day")

    def action_devices(self) -> None:
        self.switch_mode("devices")

    def action_supervisor(self) -> None:
        self.switch_mode("supervisor")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NAVIGATION:
            if action != "sign_out" and self.post_in_flight():
                return False  # the payment screen holds until the post's outcome is shown
            return self.operator is not None
        if action == "quit":
            # Nobody leaves the program signed in: sign out first.
            return self.operator is None
        return True

    def action_help_quit(self) -> None:
        if self.operator is not None:
            self.notify("Sign out first (ctrl+o); then ctrl+q closes the program.", title="Signed in")
        else:
            super().action_help_quit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.operator is None:
            yield SystemCommand("Quit", "Close the counter program (ctrl+q)", self.action_quit)
        else:
            yield SystemCommand("Account lookup", "Find an account by number, name, address or stub (F2 on home)",
                                self.action_lookup)
            yield SystemCommand("Home", "Back to the home screen", self.action_home)
            yield SystemCommand("Payment", "The payment being taken, as it was left (F4 on home)", self.action_payment)
            yield SystemCommand("Today's payments", "This drawer's payments: read, reprint, void (F5 on home)",
                                self.action_payments)
            yield SystemCommand("Open drawer", "Count the float and open your drawer (F3 on home)",
                                self.action_open_drawer)
            yield SystemCommand("Drawer day", "Drops, paid-outs, loans, no-sales and the close (F6 on home)",
                                self.action_drawer_day)
            yield SystemCommand("Devices", "Printer, drawer, display: live state and hardware check (F10)",
                                self.action_devices)
            yield SystemCommand("Supervisor: drawers", "Every terminal's drawers: Z reports, verify, force close, "
                                "deposit", self.action_supervisor)
            yield SystemCommand("Sign out", "Sign out of this terminal (ctrl+o)", self.action_sign_out)
        if screen.query("HelpPanel"):
            yield SystemCommand("Keys", "Hide the keys panel", self.action_hide_help_panel)
        else:
            yield SystemCommand("Keys", "Show every key of this screen", self.action_show_help_panel)

    # The one place errors are shown ------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._show_failure(event.worker.error)

    @on(CounterScreen.WorkFailed)
    def _screen_work_failed(self, event: CounterScreen.WorkFailed) -> None:
        self._show_failure(event.error)

    @on(CounterScreen.Refused)
    def _screen_refused(self, event: CounterScreen.Refused) -> None:
        self._show_failure(event.error)

    def _show_failure(self, error: BaseException) -> None:
        if isinstance(error, PosError):
            self.notify(error.message, title=error.title, severity="error", markup=False)
        else:
            # The driver's or Python's own text (SQL, parameters, class names) is for the log file, not a person.
            from pos.core.logs import logger

            logger("tui").error("unexpected error on screen %s", type(self.screen).__name__, exc_info=error)
            self.notify("Something went wrong that the counter does not know how to explain; the detail is in "
                        "the log file. Call a supervisor if it happens again.", title="Unexpected error",
                        severity="error", markup=False)


def _is_function_key(key: str) -> bool:
    """F1…F24, with or without shift/ctrl: the keys that act on a screen (letters and Enter type ahead)."""
    name = key.rsplit("+", 1)[-1]
    return name.startswith("f") and name[1:].isdigit()


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def make_app(settings: Settings, *, database: Database | None = None, hold_terminal: bool | None = None) -> PosApp:
    """The counter for ``settings``; tests may hand over a database that is already open (and then the app
    holds no terminal lease and leaves signals alone unless ``hold_terminal``)."""
    return PosApp(settings, database=database, hold_terminal=hold_terminal)


def _on_hang_up(handler) -> None:  # noqa: ANN001 - (reason) -> None, or None to restore the defaults
    """SIGHUP (the terminal window closed) and SIGTERM call ``handler`` on the app's event loop."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    for number, reason in ((signal.SIGHUP, "hang-up"), (signal.SIGTERM, "terminated")):
        if handler is None:
            loop.remove_signal_handler(number)
        else:
            loop.add_signal_handler(number, handler, reason)


def _recover_print_jobs(database: Database, settings: Settings) -> list[str]:
    """Before this counter prints anything: jobs it was sending when it last stopped become ``unknown``."""
    from pos.core.printing import recover_interrupted

    return recover_interrupted(database, settings)
