"""Fee code import: upsert by code, all-or-nothing."""

import pytest

from pos.core.accounts import list_fee_codes
from pos.core.errors import ImportRefused
from sync.fee_codes import ImportFeeCodes, import_fee_codes

HEADER = "code,description,gl_account,fixed_amount_cents,active"


def run(database, settings, tmp_path, lines, name="fees.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with database.unit_of_work() as uow:
        return import_fee_codes(uow, ImportFeeCodes(path), settings)


def test_fee_codes_are_imported_and_updated(database, settings, tmp_path):
    run(database, settings, tmp_path, [HEADER, "PERMIT-BKF,Backflow permit,4010-200,10000,true",
                                       "CIT-PARK,Parking citation,4030-100,,true"])
    run(database, settings, tmp_path, [HEADER, "permit-bkf,Backflow device permit,4010-200,12000,true",
                                       "OLD,Retired fee,4999-000,,false"], name="2.csv")
    with database.reader() as uow:
        codes = {f.code: f for f in list_fee_codes(uow, active_only=False)}
        active = [f.code for f in list_fee_codes(uow)]
    assert codes["PERMIT-BKF"].fixed_amount_cents == 12000
    assert codes["CIT-PARK"].fixed_amount_cents is None
    assert "OLD" not in active and not codes["OLD"].active


@pytest.mark.parametrize(("row", "column"), [
    ("BAD CODE,Desc,4010,,true", "code"),
    ("OK,,4010,,true", "description"),
    ("OK,Desc,,,true", "gl_account"),
    ("OK,Desc,4010,12.00,true", "fixed_amount_cents"),
    ("OK,Desc,4010,,sometimes", "active"),
])
def test_bad_fee_code_rows_are_named_and_nothing_changes(database, settings, tmp_path, row, column):
    with pytest.raises(ImportRefused) as caught:
        run(database, settings, tmp_path, [HEADER, "GOOD,Good fee,4010,100,true", row])
    assert (caught.value.problems[0].line, caught.value.problems[0].column) == (3, column)
    with database.reader() as uow:
        assert list_fee_codes(uow, active_only=False) == []


@pytest.mark.parametrize(("row", "column", "reason"), [
    ("OK,Desc,4010,0,true", "fixed_amount_cents", "more than zero"),
    ("OK,Desc,4010,١٢٣,true", "fixed_amount_cents", "not a whole number"),
    ('OK,"Backflow\npermit",4010,,true', "description", "line break"),
    ("OK,Back\x00flow,4010,,true", "(line)", "NUL byte"),
])
def test_a_zero_fixed_fee_unicode_digits_nul_and_line_breaks_are_refused(database, settings, tmp_path, row, column,
                                                                         reason):
    with pytest.raises(ImportRefused) as caught:
        run(database, settings, tmp_path, [HEADER, "GOOD,Good fee,4010,100,true", row])
    first = caught.value.problems[0]
    assert (first.column, first.line) == (column, 3 if "\n" not in row else 4)
    assert reason in first.reason
    with database.reader() as uow:
        assert list_fee_codes(uow, active_only=False) == []
