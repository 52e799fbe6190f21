"""The supervisor's drawers: every terminal's drawers of the day; read the Z report, verify, force close, deposit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Static

from pos.core.errors import PermissionDenied
from pos.core.money import format_cents
from pos.tui.dialogs.approval import ApprovalDialog
from pos.tui.dialogs.deposit import DepositChoice, DepositDialog
from pos.tui.screens.base import CounterScreen, said
from pos.tui.screens.force_close import ForceCloseScreen
from pos.tui.screens.report_view import ReportViewScreen
from pos.tui.widgets.counter_footer import CounterFooter
from pos.tui.widgets.drawers_table import DrawersTable
from pos.tui.widgets.status_bar import ROLE_LABELS, StatusBar

if TYPE_CHECKING:
    from drawer.day import DrawerVerified
    from drawer.deposit import DepositPrepared
    from drawer.report_model import CloseoutReport, DepositSlip
    from drawer.reports import DrawerSummary
    from pos.core.operators import OperatorView
    from pos.core.settings import Settings
    from pos.tui.dialogs.approval import Approval

# What each act needs, in words for the refusal.
WHAT = {"verify_drawers": "verify drawers or force-close them", "prepare_deposits": "prepare deposits",
        "read_reports": "read other cashiers' closeout reports"}


class SupervisorScreen(CounterScreen):
    """Kept while signed in; reloaded each time it is shown. Anyone may read the list; the acts need the
    supervisor's permissions, and each asks their PIN again."""

    BINDINGS = [  # most used first: the footer shows them in this order
        Binding("f2", "report", "Report", show=True),
        Binding("f3", "verify", "Verify", show=True),
        Binding("f5", "deposit", "Deposit", show=True),
        Binding("f6", "toggle_days", "All days/today", show=True),
        Binding("f4", "force_close", "Force close", show=True),
        Binding("escape", "app.home", "Home", show=True),
    ]

    @dataclass
    class Listed(Message):
        serial: int
        all_days: bool
        summaries: list[DrawerSummary]

    @dataclass
    class ReportRead(Message):
        report: CloseoutReport

    @dataclass
    class Verified(Message):
        verified: DrawerVerified
        summary: DrawerSummary

    @dataclass
    class DepositCandidates(Message):
        summaries: list[DrawerSummary]

    @dataclass
    class DepositMade(Message):
        prepared: DepositPrepared
        slip: DepositSlip

    def __init__(self, settings: Settings, operator: OperatorView) -> None:
        super().__init__()
        self.settings = settings
        self.operator = operator
        self.all_days = False
        self._serial = 0

    def compose(self) -> ComposeResult:
        terminal = self.settings.terminal
        yield StatusBar(terminal_id=terminal.id, site_name=terminal.site_name, operator_name=self.operator.name,
                        role=self.operator.role, business_day_cutoff=terminal.business_day_cutoff)
        with Vertical(id="supervisor-body"):
            yield Label("Drawers of every terminal", classes="screen-title")
            yield Static("Loading the drawers…", id="supervisor-status", markup=False)
            yield DrawersTable(id="supervisor-drawers")
            yield Static("", id="supervisor-message", markup=False)
        yield CounterFooter(compact=True)

    def on_mount(self) -> None:
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def table(self) -> DrawersTable:
        return self.query_one("#supervisor-drawers", DrawersTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("report", "verify", "force_close"):
            return True if self.table.selected is not None else None  # shown, dimmed, until a drawer is listed
        return True

    # Listing -----------------------------------------------------------------------------------------

    def reload(self) -> None:
        self._serial += 1
        self._list(self._serial, self.all_days)

    def action_toggle_days(self) -> None:
        self.all_days = not self.all_days
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def _list(self, serial: int, all_days: bool) -> None:
        from drawer.reports import list_drawers
        from pos.core.clock import business_date

        with self.app.connected_database().reader() as uow:
            if all_days:
                summaries = list_drawers(uow)
            else:
                today = business_date(cutoff=self.settings.terminal.business_day_cutoff)
                # A drawer still open from an earlier day is the one that most needs the supervisor.
                found = {s.session_id: s for s in list_drawers(uow, business_day=today)}
                for status in ("open", "counting"):
                    found.update((s.session_id, s) for s in list_drawers(uow, status=status))
                summaries = sorted(found.values(), key=lambda s: s.opened_at, reverse=True)
        self.post_message(self.Listed(serial, all_days, summaries))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        if event.serial != self._serial:
            return
        self.table.show(event.summaries, currency_symbol=self.settings.money.currency_symbol)
        count = len(event.summaries)
        noun = "drawer" if count == 1 else "drawers"
        waiting = sum(1 for s in event.summaries if s.status != "closed")
        unverified = sum(1 for s in event.summaries if s.status == "closed" and not s.verified_by)
        scope = "on every day" if event.all_days else "today (and any left open)"
        notes = [f"{count} {noun} {scope}", f"{waiting} not closed", f"{unverified} to verify"]
        self.query_one("#supervisor-status", Static).update(
            ", ".join(notes) + f". F6 shows {'today' if event.all_days else 'every day'}.")
        self.refresh_bindings()

    # The closeout report -----------------------------------------------------------------------------

    @on(DrawersTable.ReportRequested)
    def _report_requested(self, event: DrawersTable.ReportRequested) -> None:
        self.action_report()

    def action_report(self) -> None:
        summary = self.table.selected
        if summary is None:
            return
        own_and_closed = summary.operator_id == self.operator.operator_id and summary.status == "closed"
        if not own_and_closed and not self._permitted("read_reports"):
            return
        self._say(f"Reading the closeout report of {summary.operator_name}'s drawer…")
        self._read_report(summary.session_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def _read_report(self, session_id: str) -> None:
        from drawer.reports import closeout_report

        with self.app.connected_database().reader() as uow:
            report = closeout_report(uow, session_id, self.settings)
        self.post_message(self.ReportRead(report))

    @on(ReportRead)
    def _report_read(self, event: ReportRead) -> None:
        self._say("")
        self.app.push_screen(ReportViewScreen(self.settings, event.report))

    # Verify ------------------------------------------------------------------------------------------

    def action_verify(self) -> None:
        summary = self.table.selected
        if summary is None or not self._permitted("verify_drawers"):
            return
        who = self._who(summary)
        if summary.status != "closed":
            self._refused(f"{who} is {summary.status}, not closed: only a closed drawer is verified "
                          "(F4 force-closes it).")
            return
        if summary.verified_by:
            self._refused(f"{who} was already verified by {summary.verified_by}.")
            return
        if summary.operator_id == self.operator.operator_id:
            self._refused("Nobody verifies their own drawer: another supervisor does.", permission=True)
            return
        over_short = summary.over_short_cents or 0
        why = (f"Verify {who}: {'balanced' if not over_short else ('over' if over_short > 0 else 'short')}"
               f"{'' if not over_short else ' by ' + self._money(abs(over_short))}.")

        def approved(verified: SupervisorScreen.Verified | None) -> None:
            if verified is None:
                self._say(f"Not verified: {who} needs your PIN.")
                return
            self.post_message(verified)

        self.app.push_screen(ApprovalDialog(why, lambda approval: self._verify(approval, summary),
                                            title="Verify the drawer: supervisor's PIN", who="Supervisor",
                                            operator_id=self.operator.operator_id, group="verify"), approved)

    def _verify(self, approval: Approval, summary: DrawerSummary) -> Verified:
        """In the approval dialog's worker thread."""
        from drawer.day import VerifyDrawer, verify_drawer
        from pos.core.operators import Credentials

        # The PIN goes into this one call and is not kept anywhere after it.
        command = VerifyDrawer(Credentials(approval.operator_id, approval.pin), summary.session_id)
        with self.app.connected_database().unit_of_work() as uow:
            verified = verify_drawer(uow, command, self.settings)
        return self.Verified(verified, summary)

    @on(Verified)
    def _verified(self, event: Verified) -> None:
        self._say(f"{self._who(event.summary)} verified by {event.verified.verified_by}.")
        self.reload()

    # Force close -------------------------------------------------------------------------------------

    def action_force_close(self) -> None:
        summary = self.table.selected
        if summary is None or not self._permitted("verify_drawers"):
            return
        if summary.status == "closed":
            self._refused(f"{self._who(summary)} is already closed.")
            return
        if summary.operator_id == self.operator.operator_id:
            self._refused("Close your own drawer from the drawer screen, not by force.", permission=True)
            return

        def closed(report: CloseoutReport | None) -> None:
            if report is None:
                self._say(f"Not closed: {self._who(summary)} is still {summary.status}.")
                return
            self._say(f"{self._who(summary)} was force-closed by {report.closed_by}.")
            self.reload()
            self.app.push_screen(ReportViewScreen(self.settings, report))

        self.app.push_screen(ForceCloseScreen(self.settings, self.operator, summary), closed)

    # Deposit -----------------------------------------------------------------------------------------

    def action_deposit(self) -> None:
        if not self._permitted("prepare_deposits"):
            return
        self._say("Finding the drawers waiting for a deposit…")
        self._find_candidates()

    @work(thread=True, exclusive=True, exit_on_error=False, group="deposit-candidates")
    def _find_candidates(self) -> None:
        from drawer.reports import list_drawers

        with self.app.connected_database().reader() as uow:
            summaries = [s for s in list_drawers(uow, status="closed") if s.verified_by and not s.deposit_bag]
        summaries.sort(key=lambda s: (s.business_date, s.terminal_id, s.opened_at))
        self.post_message(self.DepositCandidates(summaries))

    @on(DepositCandidates)
    def _choose_drawers(self, event: DepositCandidates) -> None:
        if not event.summaries:
            self._say("No closed, verified drawer waits for a deposit: verify the closed drawers first (F3).")
            return
        self._say("")

        def chosen(choice: DepositChoice | None) -> None:
            if choice is None:
                self._say("No deposit prepared.")
                return
            count = len(choice.session_ids)
            why = f"Deposit bag {choice.bag_number}: {count} drawer{'s' if count != 1 else ''}."

            def approved(made: SupervisorScreen.DepositMade | None) -> None:
                if made is None:
                    self._say(f"No deposit prepared: bag {choice.bag_number} needs your PIN.")
                    return
                self.post_message(made)

            self.app.push_screen(ApprovalDialog(why, lambda approval: self._deposit(approval, choice),
                                                title="Deposit: supervisor's PIN", who="Supervisor",
                                                operator_id=self.operator.operator_id, group="deposit"), approved)

        self.app.push_screen(DepositDialog(event.summaries), chosen)

    def _deposit(self, approval: Approval, choice: DepositChoice) -> DepositMade:
        """In the approval dialog's worker thread."""
        from drawer.deposit import PrepareDeposit, prepare_deposit
        from drawer.reports import deposit_slip
        from pos.core.operators import Credentials

        database = self.app.connected_database()
        command = PrepareDeposit(Credentials(approval.operator_id, approval.pin), choice.session_ids,
                                 choice.bag_number)
        with database.unit_of_work() as uow:
            prepared = prepare_deposit(uow, command, self.settings)
        with database.reader() as uow:
            slip = deposit_slip(uow, prepared.deposit_id, self.settings)
        return self.DepositMade(prepared, slip)

    @on(DepositMade)
    def _deposit_made(self, event: DepositMade) -> None:
        prepared = event.prepared
        self._say(f"Deposit prepared in bag {prepared.bag_number}: {self._money(prepared.total_cents)} "
                  f"(cash {self._money(prepared.cash_cents)}, of it {self._money(prepared.drops_cents)} from drops; "
                  f"items {self._money(prepared.items_cents)}).")
        self.reload()
        view = ReportViewScreen(self.settings, event.slip)
        self.app.push_screen(view)
        # The slip goes into the bag on paper and is kept as a PDF: both at once, F9 and F11 do it again.
        view.call_after_refresh(view.action_print_document)
        view.call_after_refresh(view.action_save_pdf)

    # Refusals ----------------------------------------------------------------------------------------

    @on(CounterScreen.WorkFailed)
    def _work_failed(self, event: CounterScreen.WorkFailed) -> None:
        # The app shows the message; this line says what did not happen.
        message = said(event.error)
        what = {"verify": "Not verified", "deposit": "No deposit prepared", "report": "No report",
                "deposit-candidates": "No deposit prepared", "list": "Not listed"}.get(event.worker.group or "")
        if what:
            self._say(f"{what}: {message}")
        if event.worker.group in ("verify", "deposit"):
            self.reload()  # someone else may have acted on the drawer meanwhile

    def _permitted(self, permission: str) -> bool:
        """Whether the signed-in operator may; if not, say so (nothing is asked, nothing changes)."""
        if permission in self.operator.may:  # the stored rights read at sign-in; the services check again
            return True
        role = ROLE_LABELS.get(self.operator.role, self.operator.role).lower()
        self._refused(f"{self.operator.name} ({role}) may not {WHAT[permission]}: a supervisor signs in to do it.",
                      permission=True)
        return False

    def _refused(self, message: str, *, permission: bool = False) -> None:
        from drawer.sessions import DrawerError

        self._say(f"Refused: {message}")
        self.refuse(PermissionDenied(message) if permission else DrawerError(message))

    def _who(self, summary: DrawerSummary) -> str:
        return f"{summary.operator_name}'s drawer on {summary.terminal_id}"

    def _say(self, text: str) -> None:
        self.query_one("#supervisor-message", Static).update(text)

    def _money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.settings.money.currency_symbol)
