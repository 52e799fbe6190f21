"""A blind close stays blind in every document: slips and the closeout report before the count (both engines)."""

from __future__ import annotations

import uuid

import pytest

from drawer.day import CountDrawer, MakeDrop, MakeLoan, MakePaidOut, make_drop, make_loan, make_paid_out, save_count
from drawer.documents import closeout_csv, closeout_pdf, closeout_text, movement_slip_text
from drawer.reports import closeout_report, movement_slip
from drawer.sessions import OpenDrawer, open_drawer
from pos.core.payments import LineEntry, PostPayment, post_payment
from pos.core.tenders import TenderEntry
from pos.demo import build_demo

FLOAT = {"bill:2000": 5, "bill:1000": 5, "bill:500": 4, "bill:100": 17, "coin:25": 20, "coin:10": 50, "coin:5": 40,
         "coin:1": 100}  # $200.00


def with_blind(settings, blind: bool):
    data = settings.model_dump()
    data["drawer"]["blind_close"] = blind
    return type(settings)(**data)


@pytest.fixture
def day(database, settings):
    build_demo(settings, accounts=20)
    with database.unit_of_work() as uow:
        open_drawer(uow, OpenDrawer("amy", FLOAT), settings)
    with database.unit_of_work() as uow:
        post_payment(uow, PostPayment(str(uuid.uuid4()), "amy", (LineEntry(23796, fee_code="CIT-PARK"),),
                                      (TenderEntry("cash", 23796),)), settings)  # expected cash $437.96
    return database


def test_slips_of_a_blind_drawer_never_say_what_it_holds(day, settings):
    blind = with_blind(settings, True)
    moves = [(make_drop, MakeDrop("amy", {"bill:2000": 1})), (make_paid_out, MakePaidOut("amy", 1000, "petty_cash")),
             (make_loan, MakeLoan("amy", {"bill:1000": 1}))]
    for service, command in moves:
        with day.unit_of_work() as uow:
            made = service(uow, command, blind)
        with day.reader() as uow:
            slip = movement_slip(uow, made.movement_id, blind)
            sighted = movement_slip(uow, made.movement_id, with_blind(settings, False))
        assert slip.cash_in_drawer_cents is None
        for columns in (32, 42, 48):
            text = movement_slip_text(slip, columns)
            assert "Cash in drawer" not in text and "417.96" not in text and "407.96" not in text
        assert sighted.cash_in_drawer_cents == made.cash_in_drawer_cents  # a sighted site still prints it
        assert "Cash in drawer after" in movement_slip_text(sighted, 42)


def test_an_uncounted_blind_drawers_report_shows_no_expected_figure_until_the_count(day, settings):
    blind = with_blind(settings, True)
    with day.reader() as uow:
        session_id = uow.session.execute(__import__("sqlalchemy").text("SELECT id FROM drawer_session")).scalar_one()
        report = closeout_report(uow, session_id, blind)
    assert report.expected_cents is None and report.tenders == ()
    for rendered in (closeout_text(report, 42), closeout_csv(report)):
        assert "437.96" not in rendered and "43796" not in rendered
    assert "shown after the count (blind close)" in closeout_text(report, 42)
    assert closeout_pdf(report)  # renders without the figure
    with day.unit_of_work() as uow:
        save_count(uow, CountDrawer("amy", {"bill:10000": 4, "bill:2000": 1, "bill:1000": 1}), blind)
    with day.reader() as uow:
        counted = closeout_report(uow, session_id, blind)
    assert counted.expected_cents == 43796
    assert "$437.96" in closeout_text(counted, 42)
