"""The drawer day's documents: Z report, deposit slip and movement slips as receipt text, ESC/POS, PDF and CSV."""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from drawer.report_model import (
    MOVEMENT_LABELS,
    TENDER_LABELS,
    CloseoutReport,
    CountedItem,
    DenominationCount,
    DepositSlip,
    Movement,
    MovementSlip,
    OverShortRow,
    TenderFigures,
)
from pos.core.money import format_cents
from receipts.layout import MIN_COLUMNS, clean_text, display_width, wrap_text

NOT_COUNTED = "not counted"
BLIND = "shown after the count (blind close)"
CLOSEOUT_TITLE = "DRAWER CLOSEOUT (Z)"
DEPOSIT_TITLE = "BANK DEPOSIT SLIP"
MOVEMENT_TITLES = {"drop": "DRAWER DROP", "paid_out": "PAID-OUT", "loan": "DRAWER LOAN", "no_sale": "NO-SALE"}
# Cash leaving the drawer prints with a minus so a reader can add the column in their head.
_CASH_OUT = {"drop", "paid_out"}
_CASH_IN = {"loan"}
_ITEM_STATUS = {
    "matched": "matched",
    "missing": "MISSING - posted, not in drawer",
    "extra": "EXTRA - in drawer, not posted",
}
_MOVEMENT_TOTALS = (("drop", "Drops"), ("paid_out", "Paid-outs"), ("loan", "Loans"), ("no_sale", "No-sales"))
_INDENT = "  "


# --- receipt-printer text ------------------------------------------------------------------------------------


def closeout_text(report: CloseoutReport, columns: int, *, symbol: str = "$") -> str:
    """The Z report as it prints on a receipt printer ``columns`` wide, every line at most that wide."""
    sheet = _Sheet(columns, symbol)
    counted = _is_counted(report)
    sheet.centre(report.site_name)
    sheet.centre(CLOSEOUT_TITLE)
    sheet.rule("=")
    sheet.field("Terminal", report.terminal_id)
    sheet.field("Cashier", _person(report.operator_name, report.operator_id))
    sheet.field("Business date", report.business_date.isoformat())
    sheet.field("Session", report.session_id)
    sheet.field("Batch", report.batch_id)
    sheet.field("Opened", _moment(report.opened_at))
    sheet.field("Closed", _moment(report.closed_at) if report.closed_at else "not closed yet")
    sheet.field("Status", _status(report))
    sheet.rule()
    sheet.pair("Opening float", sheet.money(report.opening_float_cents))

    sheet.heading("MOVEMENTS")
    for movement in report.movements:
        _movement_lines(sheet, movement, report)
    if report.movements:
        sheet.rule(".")
        for kind, label in _MOVEMENT_TOTALS:
            of_kind = [m for m in report.movements if m.kind == kind]
            if of_kind:
                total = sum(m.amount_cents for m in of_kind)
                sheet.pair(f"{label} ({len(of_kind)})", _movement_amount(sheet, kind, total))
    else:
        sheet.text("None")

    sheet.heading("PAYMENTS")
    voided_cents = sum(void.amount_cents for void in report.voids)
    sheet.pair(f"Payments ({report.payments_count})", sheet.money(report.payments_cents))
    sheet.pair(f"Voided ({len(report.voids)})", sheet.money(-voided_cents))
    sheet.pair("Net payments", sheet.money(report.payments_cents - voided_cents))

    sheet.heading("TENDERS")
    for figures in report.tenders:
        _tender_lines(sheet, figures, counted)
    if not report.tenders:
        sheet.text(BLIND if report.expected_cents is None else "None")

    sheet.heading("VOIDS")
    for void in report.voids:
        sheet.pair(f"{void.receipt_number} voids {void.voids_receipt_number}", sheet.money(void.amount_cents))
        sheet.text(void.reason, indent=_INDENT)
        sheet.text(_by(void.operator_id, void.approved_by), indent=_INDENT)
    if not report.voids:
        sheet.text("None")

    sheet.heading("CASH COUNT")
    if counted and report.cash_counts:
        for line in report.cash_counts:
            sheet.pair(_denomination(line), sheet.money(line.total_cents))
        sheet.pair("Total cash", sheet.money(sum(line.total_cents for line in report.cash_counts)))
    else:
        sheet.text(NOT_COUNTED)

    sheet.heading("CHECKS AND MONEY ORDERS")
    if counted and report.items:
        for item in report.items:
            _item_lines(sheet, item)
        sheet.rule(".")
        for status in ("matched", "missing", "extra"):
            of_status = [item for item in report.items if item.status == status]
            if of_status:
                sheet.pair(f"{status.capitalize()} ({len(of_status)})",
                           sheet.money(sum(item.amount_cents for item in of_status)))
    elif counted:
        sheet.text("None")
    else:
        sheet.text(NOT_COUNTED)

    sheet.heading("TOTALS")
    sheet.pair("Expected", _expected(report, sheet.money))
    sheet.pair("Counted", _shown(report.counted_cents, counted, sheet.money))
    sheet.pair("Over/short", _shown_over_short(report.over_short_cents, counted, sheet.money))
    sheet.pair("Counts made", _counts_made(report.counts_made))

    sheet.heading("SIGN-OFF")
    sheet.field("Closed by", report.closed_by or "not closed yet")
    sheet.field("Signed off by", report.signed_off_by or "not signed off")
    if report.signoff_note:
        sheet.text(f"Note: {report.signoff_note}", indent=_INDENT)
    sheet.field("Verified by", report.verified_by or "not verified")
    if report.verified_at:
        sheet.field("Verified at", _moment(report.verified_at))

    sheet.heading("DEPOSIT")
    if report.retained_float_cents is None:
        sheet.pair("Retained float", "not set")
    else:
        sheet.pair("Retained float", sheet.money(report.retained_float_cents))
    for line in report.retained_counts:
        sheet.pair(_denomination(line), sheet.money(line.total_cents), indent=_INDENT)
    sheet.pair("Deposit cash",
               "not set" if report.deposit_cash_cents is None else sheet.money(report.deposit_cash_cents))
    sheet.field("Deposit bag", report.deposit_bag or "not assigned")

    sheet.heading("APPROVALS")
    for approval in report.approvals:
        sheet.text(f"{_moment(approval.at, report.business_date)} {approval.what}")
        sheet.text(f"{approval.operator_id} approved by {approval.approver_id}", indent=_INDENT)
        if approval.note:
            sheet.text(f"Note: {approval.note}", indent=_INDENT)
    if not report.approvals:
        sheet.text("None")

    _audit_head_text(sheet, report.audit_head)
    sheet.rule("=")
    sheet.signature("Cashier")
    sheet.signature("Supervisor")
    return sheet.render()


def deposit_slip_text(slip: DepositSlip, columns: int, *, symbol: str = "$") -> str:
    """The bank deposit slip as it prints on a receipt printer ``columns`` wide."""
    sheet = _Sheet(columns, symbol)
    sheet.centre(slip.site_name)
    sheet.centre(DEPOSIT_TITLE)
    sheet.rule("=")
    sheet.field("Bag", slip.bag_number)
    sheet.field("Deposit", slip.deposit_id)
    sheet.field("Business date", slip.business_date.isoformat())
    sheet.field("Prepared", _moment(slip.prepared_at))
    sheet.field("Prepared by", slip.prepared_by)

    sheet.heading(f"DRAWERS ({len(slip.drawers)})")
    for drawer in slip.drawers:
        sheet.text(f"{drawer.terminal_id} {drawer.operator_id} {drawer.business_date.isoformat()}")
        sheet.text(f"Session {drawer.session_id}", indent=_INDENT)
        sheet.pair("Cash", sheet.money(drawer.cash_cents), indent=_INDENT)
        sheet.pair("Cash from drops", sheet.money(drawer.drops_cents), indent=_INDENT)
        sheet.pair("Checks & money orders", sheet.money(drawer.items_cents), indent=_INDENT)
    if not slip.drawers:
        sheet.text("None")

    sheet.heading("CASH")
    for line in slip.cash:
        sheet.pair(_denomination(line), sheet.money(line.total_cents))
    if not slip.cash:
        sheet.text("None")

    sheet.heading(f"CHECKS & MONEY ORDERS ({len(slip.items)})")
    for item in slip.items:
        sheet.pair(_item_label(item.tender, item.reference), sheet.money(item.amount_cents))
        origin = item.terminal_id if not item.receipt_number else f"{item.terminal_id}, receipt {item.receipt_number}"
        sheet.text(origin, indent=_INDENT)
    if not slip.items:
        sheet.text("None")

    sheet.heading("TOTALS")
    sheet.pair("Cash", sheet.money(slip.cash_cents))
    sheet.pair("of it from drops", sheet.money(slip.of_drawers("drops_cents")), indent=_INDENT)
    sheet.pair("Checks & money orders", sheet.money(slip.items_cents))
    sheet.rule(".")
    sheet.pair("DEPOSIT TOTAL", sheet.money(slip.total_cents))

    sheet.heading("RECONCILIATION")
    for label, value in _reconciliation(slip):
        sheet.pair(label, sheet.money(value))
    sheet.rule(".")
    sheet.pair("= Deposit", sheet.money(slip.of_drawers("reconciled_cents")))
    sheet.text(_reconciles(slip, sheet.money))
    _audit_head_text(sheet, slip.audit_head)
    sheet.rule("=")
    sheet.signature("Prepared by")
    sheet.signature("Verified by")
    sheet.signature("Bank")
    return sheet.render()


def _reconciliation(slip: DepositSlip) -> list[tuple[str, int]]:
    """The day's collections and what took cash away or brought it in, down to the deposit."""
    return [("Collections", slip.of_drawers("collections_cents")),
            ("Over (+) / short (-)", slip.of_drawers("over_short_cents")),
            ("Paid-outs", -slip.of_drawers("paid_outs_cents")),
            ("Change loans", slip.of_drawers("loans_cents")),
            ("Float in less float kept", slip.of_drawers("float_change_cents"))]


def _reconciles(slip: DepositSlip, money: Callable[[int], str]) -> str:
    difference = slip.total_cents - slip.of_drawers("reconciled_cents")
    if not difference:
        return "Reconciles with the deposit"
    return f"DOES NOT RECONCILE: the deposit differs by {money(difference)}."


def movement_slip_text(slip: MovementSlip, columns: int, *, symbol: str = "$") -> str:
    """The slip printed for a drop, paid-out, loan or no-sale, ``columns`` wide."""
    sheet = _Sheet(columns, symbol)
    movement = slip.movement
    sheet.centre(slip.site_name)
    sheet.centre(MOVEMENT_TITLES.get(movement.kind, _movement_label(movement.kind).upper()))
    sheet.rule("=")
    sheet.field("Slip", movement.number)
    sheet.field("Kind", _movement_label(movement.kind))
    sheet.field("Time", _moment(movement.at))
    sheet.field("Terminal", slip.terminal_id)
    sheet.field("Cashier", _person(slip.operator_name, slip.operator_id))
    if movement.operator_id != slip.operator_id:
        sheet.field("Entered by", movement.operator_id)
    sheet.field("Reason", movement.reason)
    if movement.note:
        sheet.text(f"Note: {movement.note}")
    sheet.field("Approved by", movement.approved_by or "not required")
    if movement.counts:
        sheet.heading("COUNT")
        for line in movement.counts:
            sheet.pair(_denomination(line), sheet.money(line.total_cents))
    sheet.rule()
    if movement.kind == "no_sale":
        sheet.pair("Amount", "no cash moved")
    else:
        sheet.pair(_movement_amount_label(movement.kind), sheet.money(movement.amount_cents))
    if slip.cash_in_drawer_cents is not None:
        sheet.pair("Cash in drawer after", sheet.money(slip.cash_in_drawer_cents))
    sheet.rule("=")
    sheet.signature("Cashier")
    if movement.kind == "paid_out":
        sheet.signature("Received by")
    elif movement.kind == "drop":
        sheet.signature("Witness")
    elif movement.kind == "loan":
        sheet.signature("Issued by")
    if movement.approved_by:
        sheet.signature("Approved by")
    return sheet.render()


# --- ESC/POS -------------------------------------------------------------------------------------------------


def document_escpos(text: str, *, profile: str = "default") -> bytes:
    """``text`` (one of the documents above) as ESC/POS: initialise, the lines, feed, partial cut.

    Characters none of the profile's code pages can print go out as ``?``. Raises ``PrinterError``
    for a profile python-escpos does not know.
    """
    # One renderer for plain text, shared with slips printed from the print queue.
    from receipts.escpos_render import text_escpos

    return text_escpos(text, profile=profile)


# --- PDF -----------------------------------------------------------------------------------------------------


def closeout_pdf(report: CloseoutReport, *, symbol: str = "$") -> bytes:
    """The Z report as a Letter-size PDF: identity, movements, tenders, counts, totals, sign-off, approvals."""
    counted = _is_counted(report)

    def money(cents: int) -> str:
        return format_cents(cents, symbol=symbol)

    pdf = _new_pdf(f"Drawer closeout (Z) {report.terminal_id} {report.business_date.isoformat()}")
    pdf.title_block("Drawer closeout (Z)", report.site_name)
    pdf.pairs([
        ("Terminal", report.terminal_id),
        ("Cashier", _person(report.operator_name, report.operator_id)),
        ("Business date", report.business_date.isoformat()),
        ("Session", report.session_id),
        ("Batch", report.batch_id),
        ("Opened", _moment(report.opened_at)),
        ("Closed", _moment(report.closed_at) if report.closed_at else "not closed yet"),
        ("Status", _status(report)),
    ])

    voided_cents = sum(void.amount_cents for void in report.voids)
    pdf.heading("Float and payments")
    pdf.pairs([
        ("Opening float", money(report.opening_float_cents)),
        (f"Payments ({report.payments_count})", money(report.payments_cents)),
        (f"Voided ({len(report.voids)})", money(-voided_cents)),
        ("Net payments", money(report.payments_cents - voided_cents)),
    ], money=True)

    pdf.heading("Movements")
    pdf.table_of(
        ("Slip", "Time", "Kind", "Reason", "By", "Approved by", "Amount"),
        [(m.number, _moment(m.at, report.business_date), _movement_label(m.kind),
          m.reason + (f" ({m.note})" if m.note else ""), m.operator_id, m.approved_by or "",
          "no cash" if m.kind == "no_sale" else _signed_movement(m.kind, m.amount_cents, symbol))
         for m in report.movements],
        widths=(14, 9, 10, 30, 9, 11, 15), align="LLLLLLR",
    )

    pdf.heading("Tenders")
    pdf.table_of(
        ("Tender", "Pmts", "Payments", "Change", "Voids", "Voided", "Expected", "Counted", "Over/short"),
        [(_tender_label(t.tender), str(t.payments_count), money(t.payments_cents), money(-t.change_cents),
          str(t.voids_count), money(-t.voids_cents), money(t.expected_cents),
          _shown(t.counted_cents, counted, money), _shown_over_short(t.over_short_cents, counted, money))
         for t in report.tenders],
        widths=(16, 7, 13, 11, 7, 11, 13, 13, 17), align="LRRRRRRRR",
    )

    pdf.heading("Voids")
    pdf.table_of(
        ("Receipt", "Voids", "Reason", "By", "Approved by", "Amount"),
        [(v.receipt_number, v.voids_receipt_number, v.reason, v.operator_id, v.approved_by or "",
          money(v.amount_cents)) for v in report.voids],
        widths=(15, 15, 32, 10, 12, 16), align="LLLLLR",
    )

    pdf.heading("Cash count")
    if counted:
        rows = [(line.label, str(line.count), money(line.total_cents)) for line in report.cash_counts]
        if rows:
            rows.append(("Total cash", "", money(sum(line.total_cents for line in report.cash_counts))))
        pdf.table_of(("Denomination", "Count", "Total"), rows, widths=(50, 20, 30), align="LRR")
    else:
        pdf.paragraph(NOT_COUNTED)

    pdf.heading("Checks and money orders")
    if counted:
        pdf.table_of(
            ("Tender", "Reference", "Receipt", "Status", "Amount"),
            [(_tender_label(i.tender), i.reference, i.receipt_number or "", _ITEM_STATUS.get(i.status, i.status),
              money(i.amount_cents)) for i in report.items],
            widths=(18, 20, 17, 30, 15), align="LLLLR",
        )
    else:
        pdf.paragraph(NOT_COUNTED)

    pdf.heading("Totals")
    pdf.pairs([
        ("Expected", _expected(report, money)),
        ("Counted", _shown(report.counted_cents, counted, money)),
        ("Over/short", _shown_over_short(report.over_short_cents, counted, money)),
        ("Counts made", _counts_made(report.counts_made)),
    ], money=True)

    pdf.heading("Sign-off and deposit")
    pdf.pairs([
        ("Closed by", report.closed_by or "not closed yet"),
        ("Signed off by", report.signed_off_by or "not signed off"),
        ("Sign-off note", report.signoff_note or ""),
        ("Verified by", report.verified_by or "not verified"),
        ("Verified at", _moment(report.verified_at) if report.verified_at else ""),
        ("Retained float", "not set" if report.retained_float_cents is None else money(report.retained_float_cents)),
        ("Deposit cash", "not set" if report.deposit_cash_cents is None else money(report.deposit_cash_cents)),
        ("Deposit bag", report.deposit_bag or "not assigned"),
    ])
    if report.retained_counts:
        pdf.table_of(("Float kept", "Count", "Total"),
                     [(line.label, str(line.count), money(line.total_cents)) for line in report.retained_counts],
                     widths=(50, 20, 30), align="LRR")

    pdf.heading("Approvals")
    pdf.table_of(
        ("Time", "What", "By", "Approver", "Note"),
        [(_moment(a.at, report.business_date), a.what, a.operator_id, a.approver_id, a.note or "")
         for a in report.approvals],
        widths=(12, 30, 12, 14, 32), align="LLLLL",
    )
    if report.audit_head:
        pdf.pairs([(AUDIT_HEAD_LABEL, report.audit_head)])
    pdf.signatures(("Cashier", "Supervisor"))
    return pdf.bytes()


def deposit_slip_pdf(slip: DepositSlip, *, symbol: str = "$") -> bytes:
    """The bank deposit slip as a Letter-size PDF with cash by denomination, each item, totals and signatures."""

    def money(cents: int) -> str:
        return format_cents(cents, symbol=symbol)

    pdf = _new_pdf(f"Bank deposit slip {slip.bag_number}")
    pdf.title_block(f"Bank deposit slip - bag {slip.bag_number}", slip.site_name)
    pdf.pairs([
        ("Bag", slip.bag_number),
        ("Deposit", slip.deposit_id),
        ("Business date", slip.business_date.isoformat()),
        ("Prepared", _moment(slip.prepared_at)),
        ("Prepared by", slip.prepared_by),
    ])
    pdf.heading("Drawers")
    pdf.table_of(
        ("Session", "Terminal", "Cashier", "Date", "Cash", "Checks & MOs"),
        [(d.session_id, d.terminal_id, d.operator_id, d.business_date.isoformat(), money(d.cash_cents),
          money(d.items_cents)) for d in slip.drawers],
        widths=(22, 12, 14, 16, 18, 18), align="LLLLRR",
    )
    pdf.heading("Cash")
    rows = [(line.label, str(line.count), money(line.cents), money(line.total_cents)) for line in slip.cash]
    pdf.table_of(("Denomination", "Count", "Value", "Total"), rows, widths=(40, 20, 20, 20), align="LRRR")
    pdf.heading("Checks and money orders")
    pdf.table_of(
        ("Tender", "Reference", "Terminal", "Receipt", "Amount"),
        [(_tender_label(i.tender), i.reference, i.terminal_id, i.receipt_number or "", money(i.amount_cents))
         for i in slip.items],
        widths=(22, 26, 14, 20, 18), align="LLLLR",
    )
    pdf.heading("Totals")
    pdf.pairs([
        ("Cash", money(slip.cash_cents)),
        ("of it from drops", money(slip.of_drawers("drops_cents"))),
        (f"Checks & money orders ({len(slip.items)})", money(slip.items_cents)),
        ("Deposit total", money(slip.total_cents)),
    ], money=True)
    pdf.heading("Reconciliation")
    pdf.pairs([*((label, money(value)) for label, value in _reconciliation(slip)),
               ("= Deposit", money(slip.of_drawers("reconciled_cents")))], money=True)
    pdf.paragraph(_reconciles(slip, money))
    if slip.audit_head:
        pdf.pairs([(AUDIT_HEAD_LABEL, slip.audit_head)])
    pdf.signatures(("Prepared by", "Verified by", "Bank"))
    return pdf.bytes()


# --- CSV -----------------------------------------------------------------------------------------------------

CLOSEOUT_CSV_COLUMNS = ("session_id", "business_date", "terminal_id", "operator_id", "section", "item",
                        "reference", "tender", "detail", "count", "amount_cents", "amount")
OVER_SHORT_CSV_COLUMNS = ("business_date", "session_id", "terminal_id", "operator_id", "operator_name",
                          "expected_cents", "counted_cents", "over_short_cents", "cash_over_short_cents",
                          "expected", "counted", "over_short", "cash_over_short", "result",
                          "signed_off_by", "verified_by")


def closeout_csv(report: CloseoutReport) -> str:
    """The Z report's figures in long form, one row per figure, for a spreadsheet to filter and pivot.

    Sections: ``float``, ``movement``, ``payments``, ``tender``, ``void``, ``cash_count``,
    ``counted_item``, ``retained_count``, ``total``. Amounts are as the report holds them (movements,
    change and voids positive; over/short negative when short) in cents and formatted. Figures not
    known yet (counted, over/short while the drawer is open or counting) have an empty amount and
    ``not counted`` in ``detail``. Summing ``amount_cents`` over a section and item gives the report's
    figure: e.g. ``tender``/``expected`` sums to the total expected. Section ``audit`` holds the audit
    chain's head when the report was made (``reference``: SEQ:HASH, for `pos audit verify --anchor`).
    """
    counted = _is_counted(report)
    rows: list[tuple[object, ...]] = []

    def add(section: str, item: str, amount_cents: int | None, *, reference: str = "", tender: str = "",
            detail: str = "", count: int | None = None) -> None:
        rows.append((section, item, reference, tender, detail, "" if count is None else count,
                     "" if amount_cents is None else amount_cents,
                     "" if amount_cents is None else format_cents(amount_cents)))

    def maybe(amount_cents: int | None) -> tuple[int | None, str]:
        if not counted or amount_cents is None:
            return None, NOT_COUNTED
        return amount_cents, ""

    add("float", "opening_float", report.opening_float_cents, tender="cash")
    for m in report.movements:
        add("movement", m.kind, m.amount_cents, reference=m.number, tender="cash",
            detail=_join(m.reason, m.note, f"approved by {m.approved_by}" if m.approved_by else None), count=1)
    add("payments", "payments", report.payments_cents, count=report.payments_count)
    for t in report.tenders:
        add("tender", "payments", t.payments_cents, tender=t.tender, count=t.payments_count)
        add("tender", "change", t.change_cents, tender=t.tender)
        add("tender", "voids", t.voids_cents, tender=t.tender, count=t.voids_count)
        add("tender", "expected", t.expected_cents, tender=t.tender)
        amount, detail = maybe(t.counted_cents)
        add("tender", "counted", amount, tender=t.tender, detail=detail)
        amount, detail = maybe(t.over_short_cents)
        add("tender", "over_short", amount, tender=t.tender, detail=detail or _over_short_word(amount or 0))
    for v in report.voids:
        add("void", "void", v.amount_cents, reference=v.receipt_number, count=1,
            detail=_join(f"voids {v.voids_receipt_number}", v.reason,
                         f"approved by {v.approved_by}" if v.approved_by else None))
    if counted:
        for line in report.cash_counts:
            add("cash_count", line.label, line.total_cents, reference=line.key, tender="cash", count=line.count)
        for i in report.items:
            add("counted_item", i.status, i.amount_cents, reference=i.reference, tender=i.tender,
                detail=f"receipt {i.receipt_number}" if i.receipt_number else "", count=1)
    for line in report.retained_counts:
        add("retained_count", line.label, line.total_cents, reference=line.key, tender="cash", count=line.count)
    add("total", "expected", report.expected_cents, detail="" if report.expected_cents is not None else BLIND)
    amount, detail = maybe(report.counted_cents)
    add("total", "counted", amount, detail=detail)
    amount, detail = maybe(report.over_short_cents)
    add("total", "over_short", amount, detail=detail or _over_short_word(amount or 0))
    add("total", "retained_float", report.retained_float_cents, tender="cash")
    add("total", "deposit_cash", report.deposit_cash_cents, tender="cash", reference=report.deposit_bag or "")
    if report.audit_head:
        add("audit", "chain_head", None, reference=report.audit_head)

    identity = (report.session_id, report.business_date.isoformat(), report.terminal_id, report.operator_id)
    return _csv(CLOSEOUT_CSV_COLUMNS, (identity + row for row in rows))


def over_short_csv(rows: Sequence[OverShortRow]) -> str:
    """A cashier's over/short history, one row per closed drawer, in cents and formatted."""
    return _csv(OVER_SHORT_CSV_COLUMNS, (
        (row.business_date.isoformat(), row.session_id, row.terminal_id, row.operator_id, row.operator_name,
         row.expected_cents, row.counted_cents, row.over_short_cents, row.cash_over_short_cents,
         format_cents(row.expected_cents), format_cents(row.counted_cents), format_cents(row.over_short_cents),
         format_cents(row.cash_over_short_cents), _over_short_word(row.over_short_cents),
         row.signed_off_by or "", row.verified_by or "")
        for row in rows
    ))


# --- shared wording ------------------------------------------------------------------------------------------


AUDIT_HEAD_LABEL = "Audit chain head"


def _audit_head_text(sheet: _Sheet, head: str | None) -> None:
    if head:
        sheet.rule()
        sheet.field(AUDIT_HEAD_LABEL, head)
        sheet.text("Check it with: pos audit verify --anchor followed by this head")


def _is_counted(report: CloseoutReport) -> bool:
    # A count saved during "counting" is still blind: nobody sees counted or over/short until the close.
    return report.status == "closed"


def _status(report: CloseoutReport) -> str:
    if report.status == "closed":
        if report.forced:
            return f"FORCE-CLOSED by {report.closed_by}" if report.closed_by else "FORCE-CLOSED"
        return "CLOSED"
    return f"{report.status.upper()} - NOT CLOSED YET"


def _person(name: str, operator_id: str) -> str:
    return name if not operator_id or name == operator_id else f"{name} ({operator_id})"


def _moment(at: str | None, day: date | None = None) -> str:
    """``HH:MM`` on ``day``, else ``YYYY-MM-DD HH:MM``; a value that is not ISO prints as stored."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if day is not None and moment.date() == day:
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def _over_short_word(cents: int) -> str:
    return "SHORT" if cents < 0 else "OVER" if cents > 0 else "BALANCED"


def _counts_made(counts: int) -> str:
    if counts == 0:
        return "0 (not counted)"
    if counts == 1:
        return "1"
    return f"{counts} (recount)"


def _tender_label(tender: str) -> str:
    return TENDER_LABELS.get(tender, tender.replace("_", " ").capitalize())


def _movement_label(kind: str) -> str:
    return MOVEMENT_LABELS.get(kind, kind.replace("_", " ").capitalize())


def _movement_amount_label(kind: str) -> str:
    return {"drop": "Amount dropped", "paid_out": "Amount paid out", "loan": "Amount loaned"}.get(kind, "Amount")


def _signed_movement(kind: str, cents: int, symbol: str) -> str:
    if kind in _CASH_OUT:
        return format_cents(-cents, symbol=symbol)
    if kind in _CASH_IN:
        return "+" + format_cents(cents, symbol=symbol)
    return format_cents(cents, symbol=symbol)


def _movement_amount(sheet: _Sheet, kind: str, cents: int) -> str:
    return "no cash" if kind == "no_sale" else _signed_movement(kind, cents, sheet.symbol)


def _denomination(line: DenominationCount) -> str:
    return f"{line.count} x {line.label}"


def _item_label(tender: str, reference: str) -> str:
    return f"{_tender_label(tender)} #{reference}" if reference else _tender_label(tender)


def _by(operator_id: str, approved_by: str | None) -> str:
    return f"By {operator_id}, approved by {approved_by}" if approved_by else f"By {operator_id}"


def _join(*parts: str | None) -> str:
    return "; ".join(part for part in parts if part)


def _expected(report: CloseoutReport, money: Callable[[int], str]) -> str:
    return BLIND if report.expected_cents is None else money(report.expected_cents)


def _shown(cents: int | None, counted: bool, money: Callable[[int], str]) -> str:
    return money(cents) if counted and cents is not None else NOT_COUNTED


def _shown_over_short(cents: int | None, counted: bool, money: Callable[[int], str]) -> str:
    """``SHORT -$2.00``, ``OVER +$1.50``, ``BALANCED $0.00``: the word, so nobody has to notice a sign."""
    if not counted or cents is None:
        return NOT_COUNTED
    plus = "+" if cents > 0 else ""
    return f"{_over_short_word(cents)} {plus}{money(cents)}"


def _movement_lines(sheet: _Sheet, movement: Movement, report: CloseoutReport) -> None:
    sheet.pair(f"{movement.number} {_movement_label(movement.kind)}",
               _movement_amount(sheet, movement.kind, movement.amount_cents))
    sheet.text(f"{_moment(movement.at, report.business_date)} {movement.reason}", indent=_INDENT)
    if movement.note:
        sheet.text(f"Note: {movement.note}", indent=_INDENT)
    if movement.operator_id != report.operator_id or movement.approved_by:
        sheet.text(_by(movement.operator_id, movement.approved_by), indent=_INDENT)


def _tender_lines(sheet: _Sheet, figures: TenderFigures, counted: bool) -> None:
    sheet.text(_tender_label(figures.tender))
    sheet.pair(f"Payments ({figures.payments_count})", sheet.money(figures.payments_cents), indent=_INDENT)
    if figures.change_cents:
        sheet.pair("Change", sheet.money(-figures.change_cents), indent=_INDENT)
    sheet.pair(f"Voids ({figures.voids_count})", sheet.money(-figures.voids_cents), indent=_INDENT)
    sheet.pair("Expected", sheet.money(figures.expected_cents), indent=_INDENT)
    sheet.pair("Counted", _shown(figures.counted_cents, counted, sheet.money), indent=_INDENT)
    sheet.pair("Over/short", _shown_over_short(figures.over_short_cents, counted, sheet.money), indent=_INDENT)


def _item_lines(sheet: _Sheet, item: CountedItem) -> None:
    sheet.pair(_item_label(item.tender, item.reference), sheet.money(item.amount_cents))
    status = _ITEM_STATUS.get(item.status, item.status)
    if item.status == "matched" and item.receipt_number:
        sheet.text(f"{status}, receipt {item.receipt_number}", indent=_INDENT)
        return
    # A missing or extra item is what the supervisor looks for: its status gets a line of its own.
    sheet.text(status, indent=_INDENT)
    if item.receipt_number:
        sheet.text(f"receipt {item.receipt_number}", indent=_INDENT)


# --- the receipt-width page ----------------------------------------------------------------------------------


class _Sheet:
    """Lines fitted to a receipt ``columns`` wide by display width; text wraps, money is never cut."""

    def __init__(self, columns: int, symbol: str) -> None:
        if not isinstance(columns, int) or isinstance(columns, bool) or columns < MIN_COLUMNS:
            raise ValueError(f"columns must be an int of at least {MIN_COLUMNS}, got {columns!r}")
        self.columns = columns
        self.symbol = symbol
        self.lines: list[str] = []

    def money(self, cents: int) -> str:
        return format_cents(cents, symbol=self.symbol)

    def render(self) -> str:
        return "".join(line.rstrip() + "\n" for line in self.lines)

    def rule(self, char: str = "-") -> None:
        self.lines.append(char * self.columns)

    def blank(self) -> None:
        self.lines.append("")

    def heading(self, title: str) -> None:
        self.rule()
        self.text(title)

    def text(self, text: str, *, indent: str = "") -> None:
        self.lines.extend(wrap_text(text, self.columns, indent))

    def centre(self, text: str) -> None:
        for line in wrap_text(text, self.columns):
            self.lines.append(" " * ((self.columns - display_width(line)) // 2) + line)

    def pair(self, label: str, value: str, *, indent: str = "") -> None:
        """``label`` left and ``value`` (money) flush right; when both do not fit, the value gets its own line."""
        if self._one_line(label, value, indent):
            return
        # Still flush right, so an amount stays in the column a reader scans; a too-long one splits, never cut.
        for piece in wrap_text(value, self.columns):
            self.lines.append(" " * (self.columns - display_width(piece)) + piece)

    def field(self, label: str, value: str, *, indent: str = "") -> None:
        """``label`` left and a text ``value`` right; a value too long for that wraps under the label instead."""
        if not self._one_line(label, value, indent):
            self.lines.extend(wrap_text(value, self.columns, indent + _INDENT))

    def _one_line(self, label: str, value: str, indent: str) -> bool:
        """Put the label's lines down, ending with the value when it fits beside the last; False when it did not."""
        value = clean_text(value).strip()
        left = wrap_text(label, self.columns, indent)
        if left and display_width(left[-1]) + 1 + display_width(value) <= self.columns:
            last = left.pop()
            left.append(last + " " * (self.columns - display_width(last) - display_width(value)) + value)
            self.lines.extend(left)
            return True
        self.lines.extend(left)
        return False

    def signature(self, label: str) -> None:
        self.blank()
        self.blank()
        lines = wrap_text(label, self.columns)
        last = lines.pop() if lines else ""
        self.lines.extend(lines)
        room = self.columns - display_width(last) - 1
        if room < 8:
            self.lines.append(last)
            last, room = "", self.columns
        self.lines.append(f"{last} {'_' * room}" if last else "_" * room)


# --- PDF page ------------------------------------------------------------------------------------------------

# Windows-1252 rather than fpdf2's Latin-1 default: the core fonts then also hold the euro sign, dashes and
# curly quotes, and nothing has to be embedded.
_PDF_ENCODING = "windows-1252"
_FONT = "Helvetica"


def _pdf_text(text: str) -> str:
    """``text`` as the core fonts can show it: accents kept, other letters stripped of marks, the rest ``?``."""
    out = []
    for ch in unicodedata.normalize("NFC", str(text)):
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch).startswith("C"):
            out.append("?")
        elif _encodes(ch):
            out.append(ch)
        else:
            # "ő" has no Windows-1252 code but its base letter does; a reader prefers "o" to "?".
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(_encodes(c) and not unicodedata.category(c).startswith("C")
                                            for c in base) else "?")
    return "".join(out)


def _encodes(ch: str) -> bool:
    try:
        ch.encode(_PDF_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def _pdf_class():
    # fpdf2 is imported on first use: it takes most of a second, which the TUI's start-up should not pay.
    from fpdf import FPDF

    class Pdf(FPDF):
        def __init__(self, document_title: str) -> None:
            super().__init__(orientation="P", unit="mm", format="Letter")
            self.core_fonts_encoding = _PDF_ENCODING
            self.document_title = _pdf_text(document_title)
            self.set_title(self.document_title)
            self.set_margins(15, 15, 15)
            self.set_auto_page_break(auto=True, margin=18)
            self.add_page()
            self.set_font(_FONT, size=10)

        def footer(self) -> None:
            self.set_y(-13)
            self.set_font(_FONT, size=8)
            self.cell(0, 5, f"{self.document_title} - page {self.page_no()} of {{nb}}", align="C")

        def title_block(self, title: str, subtitle: str) -> None:
            self.set_font(_FONT, style="B", size=16)
            self.multi_cell(0, 8, _pdf_text(title), align="L", new_x="LMARGIN", new_y="NEXT")
            self.set_font(_FONT, size=12)
            self.multi_cell(0, 6, _pdf_text(subtitle), align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)
            self.set_font(_FONT, size=10)

        def heading(self, text: str) -> None:
            # Keep a heading with at least the first rows of its table rather than alone at a page's foot.
            if self.will_page_break(25):
                self.add_page()
            self.ln(2)
            self.set_font(_FONT, style="B", size=12)
            self.cell(0, 7, _pdf_text(text), new_x="LMARGIN", new_y="NEXT")
            self.set_font(_FONT, size=10)

        def paragraph(self, text: str) -> None:
            self.multi_cell(0, 5, _pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")

        def pairs(self, rows: Iterable[tuple[str, str]], *, money: bool = False) -> None:
            # An empty value (no note, not verified yet) would only be an empty box.
            rows = [(label, value) for label, value in rows if value]
            with self.table(col_widths=(40, 60), width=self.epw * 0.7, align="LEFT",
                            text_align=("LEFT", "RIGHT" if money else "LEFT"), first_row_as_headings=False,
                            line_height=5.5, borders_layout="HORIZONTAL_LINES") as table:
                for label, value in rows:
                    row = table.row()
                    row.cell(_pdf_text(label))
                    row.cell(_pdf_text(value))
            self.ln(2)

        def table_of(self, headings: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[float],
                     align: str) -> None:
            """A table whose headings repeat across page breaks; ``align`` has an ``L`` or ``R`` per column."""
            if not rows:
                self.paragraph("None")
                return
            aligns = tuple("RIGHT" if code == "R" else "LEFT" for code in align)
            self.set_font(_FONT, size=9)
            with self.table(col_widths=tuple(widths), text_align=aligns, line_height=5,
                            borders_layout="SINGLE_TOP_LINE") as table:
                for cells in (headings, *rows):
                    row = table.row()
                    for cell in cells:
                        row.cell(_pdf_text(cell))
            self.set_font(_FONT, size=10)
            self.ln(2)

        def signatures(self, labels: Sequence[str]) -> None:
            if self.will_page_break(14 * len(labels)):
                self.add_page()
            for label in labels:
                self.ln(9)
                self.cell(35, 5, _pdf_text(label))
                self.cell(90, 5, "", border="B", new_x="LMARGIN", new_y="NEXT")

        def bytes(self) -> bytes:
            return bytes(self.output())

    return Pdf


def _new_pdf(document_title: str):
    return _pdf_class()(document_title)


# --- CSV -----------------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Columns this module fills itself: cents and formatted money ("-$2.00" must stay a number to a spreadsheet).
_OUR_COLUMNS = {"count", "amount_cents", "amount", "expected_cents", "counted_cents", "over_short_cents",
                "cash_over_short_cents", "expected", "counted", "over_short", "cash_over_short", "result",
                "business_date", "section"}


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    guarded = [name not in _OUR_COLUMNS for name in columns]
    for row in rows:
        writer.writerow([_guard(value) if guard else value for value, guard in zip(row, guarded, strict=True)])
    return buffer.getvalue()


def _guard(value: object) -> object:
    # Names, reasons and references come from people; a spreadsheet would run "=HYPERLINK(...)" as a formula.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
