"""The Z report and the deposit slip carry the audit chain's head, and that head verifies as an anchor."""

from __future__ import annotations

import io
import re

import pypdf
from sqlalchemy import text

from drawer.documents import closeout_csv, closeout_pdf, closeout_text, deposit_slip_pdf, deposit_slip_text
from drawer.reports import closeout_report, deposit_slip
from pos.core import audit
from tests.core.test_audit_tamper import day  # noqa: F401 - the fixture: a whole drawer day through the services


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_z_report_and_deposit_slip_print_the_chain_head_on_paper_pdf_and_csv(day, settings):  # noqa: F811
    with day.reader() as uow:
        session_id = uow.execute(text("SELECT id FROM drawer_session")).scalar_one()
        bag = uow.execute(text("SELECT bag_number FROM deposit")).scalar_one()
        report = closeout_report(uow, session_id, settings)
        slip = deposit_slip(uow, bag, settings)
        head = audit.head(uow.session)
    assert report.audit_head == slip.audit_head == f"{head.seq}:{head.hash}"
    for printed in (closeout_text(report, 80), deposit_slip_text(slip, 80)):
        assert re.search(rf"Audit chain head\n +{head.seq}:{head.hash}\n", printed)
    narrow = closeout_text(report, 32)  # a 58 mm roll: the hash wraps, and is all there
    assert head.hash in "".join(line.strip() for line in narrow.split("Audit chain head")[1].splitlines()[:4])
    for data in (closeout_pdf(report), deposit_slip_pdf(slip)):
        assert head.hash[:16] in pdf_text(data).replace("\n", "")
    assert f",audit,chain_head,{head.seq}:{head.hash}," in closeout_csv(report)
    with day.reader() as uow:
        assert audit.verify(uow.session, key=settings.security.audit_key,
                            anchor=audit.parse_anchor(report.audit_head)).ok
