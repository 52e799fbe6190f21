"""Account master import: streaming upsert, all-or-nothing, every bad row reported with line and column."""

import pytest
from sqlalchemy import text

from pos.core import audit
from pos.core.accounts import get_account, search_accounts
from pos.core.errors import ImportRefused
from sync.account_master import ACCOUNT_COLUMNS, ImportAccounts, import_accounts

HEADER = ",".join(ACCOUNT_COLUMNS)
GOOD = [
    '0012345678,Maria Lopez,"12 Oak St, Apt 4",5234,1200,2026-12-05,active,false,,,2026-11-23T08:00:00-08:00',
    '0012345679,José Núñez,77 Elm Ave,0,0,,final,true,,,2026-11-23T08:00:00-08:00',
    '0012345680,Big Oak Bakery,9 Main St,30000,30000,2026-11-01,shutoff_pending,false,2500,2026-12-01,'
    '2026-11-23T08:00:00+00:00',
]


def write(tmp_path, lines, *, name="ACCOUNTS_20261123.csv", newline="\n", bom=False, encoding="utf-8"):
    path = tmp_path / name
    data = newline.join(lines) + newline
    raw = data.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw)
    return path


def run_import(database, settings, path):
    with database.unit_of_work() as uow:
        return import_accounts(uow, ImportAccounts(path, "boss"), settings)


def count(database):
    with database.reader() as uow:
        return uow.execute(text("SELECT count(*) FROM account")).scalar_one()


def refused(database, settings, path):
    with pytest.raises(ImportRefused) as caught:
        run_import(database, settings, path)
    return caught.value


def test_good_file_is_imported_with_every_field(database, settings, tmp_path):
    done = run_import(database, settings, write(tmp_path, [HEADER, *GOOD]))
    assert done.rows == 3
    with database.reader() as uow:
        maria = get_account(uow, "0012345678")
        bakery = get_account(uow, "0012345680")
        jose = get_account(uow, "0012345679")
    assert maria.service_address == "12 Oak St, Apt 4"
    assert (maria.balance_cents, maria.past_due_cents, str(maria.due_date)) == (5234, 1200, "2026-12-05")
    assert bakery.arrangement_installment_cents == 2500 and str(bakery.arrangement_next_due) == "2026-12-01"
    assert jose.name == "José Núñez" and jose.cash_only and jose.due_date is None


def test_import_upserts_by_account_number(database, settings, tmp_path):
    run_import(database, settings, write(tmp_path, [HEADER, *GOOD]))
    changed = GOOD[0].replace("Maria Lopez", "Maria Lopez-Smith").replace(",5234,", ",0,")
    run_import(database, settings, write(tmp_path, [HEADER, changed], name="ACCOUNTS_2.csv"))
    assert count(database) == 3
    with database.reader() as uow:
        assert get_account(uow, "0012345678").balance_cents == 0
        assert [m.account_number for m in search_accounts(uow, "lopez smith")] == ["0012345678"]
        assert search_accounts(uow, "maria lopez")[0].name == "Maria Lopez-Smith"


def test_bom_and_crlf_are_accepted(database, settings, tmp_path):
    assert run_import(database, settings, write(tmp_path, [HEADER, *GOOD], newline="\r\n", bom=True)).rows == 3


def test_a_bad_row_refuses_the_whole_file_and_changes_nothing(database, settings, tmp_path):
    run_import(database, settings, write(tmp_path, [HEADER, GOOD[0]]))
    bad = GOOD[1].replace(",0,0,", ",12.50,0,")
    problem = refused(database, settings, write(tmp_path, [HEADER, GOOD[0].replace("Maria", "Marie"), GOOD[2], bad],
                                                  name="b.csv"))
    assert [(p.line, p.column) for p in problem.problems] == [(4, "balance_cents")]
    assert "nothing was imported" in problem.message
    assert count(database) == 1
    with database.reader() as uow:
        assert get_account(uow, "0012345678").name == "Maria Lopez"
        assert [e.kind for e in audit.search(uow.session)] == ["accounts_imported"]


@pytest.mark.parametrize(("row", "column", "reason"), [
    (GOOD[0].replace("0012345678", "00123X5678"), "account_number", "not digits only"),
    (GOOD[0].replace("Maria Lopez", ""), "name", "is empty"),
    (GOOD[0].replace(",5234,", ",abc,"), "balance_cents", "not a whole number of cents"),
    (GOOD[0].replace(",1200,", ",-5,"), "past_due_cents", "cannot be negative"),
    (GOOD[0].replace("2026-12-05", "12/05/2026"), "due_date", "not a date"),
    (GOOD[0].replace("2026-12-05", "2026-02-30"), "due_date", "not a real date"),
    (GOOD[0].replace(",active,", ",dormant,"), "status", "unknown status 'dormant'"),
    (GOOD[0].replace(",false,", ",maybe,"), "cash_only", "not true or false"),
    (GOOD[0].replace(",false,,,", ",false,2500,,"), "arrangement_next_due", "is empty"),
    (GOOD[0].replace(",false,,,", ",false,,2026-12-01,"), "arrangement_installment_cents", "is empty"),
    (GOOD[0].replace("2026-11-23T08:00:00-08:00", "2026-11-23T08:00:00"), "updated_at", "no UTC offset"),
    (GOOD[0].replace("2026-11-23T08:00:00-08:00", "yesterday"), "updated_at", "not an ISO 8601"),
    (GOOD[0] + ",extra", "(row)", "expected 11 columns, found 12"),
    (GOOD[0].rsplit(",", 1)[0], "(row)", "expected 11 columns, found 10"),
])
def test_each_kind_of_bad_value_is_named(database, settings, tmp_path, row, column, reason):
    problem = refused(database, settings, write(tmp_path, [HEADER, row]))
    assert len(problem.problems) == 1
    assert problem.problems[0].line == 2
    assert problem.problems[0].column == column
    assert reason in problem.problems[0].reason
    assert count(database) == 0


def test_every_bad_row_is_listed_not_just_the_first(database, settings, tmp_path):
    rows = [HEADER, GOOD[0].replace(",active,", ",x,"), GOOD[1], GOOD[2].replace(",30000,30000,", ",1,-1,")]
    problem = refused(database, settings, write(tmp_path, rows))
    assert [(p.line, p.column) for p in problem.problems] == [(2, "status"), (4, "past_due_cents")]


def test_duplicate_account_in_the_file_is_refused(database, settings, tmp_path):
    problem = refused(database, settings, write(tmp_path, [HEADER, GOOD[0], GOOD[1], GOOD[0]]))
    assert [(p.line, p.column) for p in problem.problems] == [(4, "account_number")]
    assert "already on line 2" in problem.problems[0].reason


@pytest.mark.parametrize(("header", "column", "reason"), [
    (HEADER.replace(",cash_only", ""), "cash_only", "missing column"),
    (HEADER + ",notes", "notes", "unexpected column"),
])
def test_missing_or_extra_columns_in_the_header_are_refused(database, settings, tmp_path, header, column, reason):
    problem = refused(database, settings, write(tmp_path, [header, GOOD[0]]))
    assert (problem.problems[0].line, problem.problems[0].column, problem.problems[0].reason) == (1, column, reason)


def test_columns_in_another_order_are_read_by_name(database, settings, tmp_path):
    names = list(ACCOUNT_COLUMNS)
    names[1], names[2] = names[2], names[1]
    row = GOOD[1].split(",")
    row[1], row[2] = row[2], row[1]
    run_import(database, settings, write(tmp_path, [",".join(names), ",".join(row)]))
    with database.reader() as uow:
        assert get_account(uow, "0012345679").name == "José Núñez"


def test_wrong_encoding_is_refused_with_the_line(database, settings, tmp_path):
    path = write(tmp_path, [HEADER, GOOD[0], GOOD[1]], encoding="latin-1")
    problem = refused(database, settings, path)
    assert problem.problems[0].line == 3
    assert "not UTF-8" in problem.problems[0].reason


def test_empty_file_is_refused(database, settings, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty" in refused(database, settings, path).problems[0].reason


def test_short_account_numbers_get_leading_zeros(database, settings, tmp_path):
    run_import(database, settings, write(tmp_path, [HEADER, GOOD[0].replace("0012345678", "12345678")]))
    with database.reader() as uow:
        assert get_account(uow, "0012345678") is not None


def test_progress_is_reported_in_bytes(database, settings, tmp_path):
    path = write(tmp_path, [HEADER, *GOOD])
    seen = []
    with database.unit_of_work() as uow:
        import_accounts(uow, ImportAccounts(path), settings, on_bytes=seen.append)
    assert sum(seen) == path.stat().st_size


@pytest.mark.parametrize(("row", "column", "reason"), [
    (GOOD[0].replace(",5234,", ",١٢٣,"), "balance_cents", "not a whole number of cents"),  # Arabic-Indic digits
    (GOOD[0].replace(",1200,", ",１２００,"), "past_due_cents", "not a whole number of cents"),  # fullwidth
    (GOOD[0].replace("0012345678", "００12345678"), "account_number", "not digits only"),
    (GOOD[0].replace("2026-12-05", "٢٠٢٦-١٢-٠٥"), "due_date", "not a date"),
    (GOOD[0].replace("Maria Lopez", "Maria\x00Lopez"), "(line)", "NUL byte"),
    (GOOD[0].replace("Maria Lopez", '"Maria\nLopez"'), "name", "line break"),
    (GOOD[0].replace('"12 Oak St, Apt 4"', '"12 Oak St\r\nApt 4"'), "service_address", "line break"),
])
def test_unicode_digits_nul_bytes_and_line_breaks_are_refused_with_the_line(database, settings, tmp_path, row,
                                                                           column, reason):
    problem = refused(database, settings, write(tmp_path, [HEADER, GOOD[1], row]))
    assert (problem.problems[0].column, problem.problems[0].line) == (column, 3 if "\n" not in row else 4)
    assert reason in problem.problems[0].reason
    assert count(database) == 0
