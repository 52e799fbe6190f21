"""Lookup: exact number, scan line with mod-10 check digit, ranked name and address search."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.core.accounts import lookup, search_accounts
from pos.core.errors import AccountError, InputError, ScanLineError
from pos.core.scanline import luhn_check_digit, luhn_valid, make_scan_line, parse_scan_line
from pos.core.settings import ScanLineSettings
from sync.account_master import ImportAccounts, import_accounts

ROWS = [
    ("0012345678", "Maria Lopez", "12 Oak St", "5234", "active"),
    ("0012345679", "Mario Lopes", "400 Oakwood Dr", "100", "active"),
    ("0012345680", "Oakley Smith", "9 Main St", "0", "shutoff_pending"),
    ("0012345681", "Ana Smithers", "77 Lopez Canyon Rd", "0", "active"),
    ("0012345682", "Zoë Müller", "5 Elm Ct", "0", "active"),
]


@pytest.fixture
def accounts(database, settings, tmp_path):
    path = tmp_path / "ACCOUNTS.csv"
    lines = ["account_number,name,service_address,balance_cents,past_due_cents,due_date,status,cash_only,"
             "arrangement_installment_cents,arrangement_next_due,updated_at"]
    for number, name, address, balance, status in ROWS:
        lines.append(f"{number},{name},{address},{balance},0,,{status},false,,,2026-11-23T08:00:00+00:00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with database.unit_of_work() as uow:
        import_accounts(uow, ImportAccounts(path), settings)
    return database


def find(database, settings, entry):
    with database.reader() as uow:
        return lookup(uow, entry, settings)


def test_exact_number_finds_one_account(accounts, settings):
    found = find(accounts, settings, "0012345680")
    assert found.how == "number" and [m.name for m in found.matches] == ["Oakley Smith"]


def test_number_without_leading_zeros_is_padded(accounts, settings):
    assert find(accounts, settings, "12345678").matches[0].name == "Maria Lopez"


def test_unknown_full_number_finds_nothing(accounts, settings):
    assert find(accounts, settings, "0099999999").matches == []


def test_part_of_a_name_finds_by_prefix(accounts, settings):
    names = [m.name for m in find(accounts, settings, "lop").matches]
    assert set(names) >= {"Maria Lopez", "Mario Lopes", "Ana Smithers"}


def test_several_tokens_must_all_match(accounts, settings):
    assert [m.name for m in find(accounts, settings, "maria lop").matches] == ["Maria Lopez"]


def test_part_of_an_address_finds_the_account(accounts, settings):
    assert [m.name for m in find(accounts, settings, "oakwood").matches] == ["Mario Lopes"]
    assert [m.name for m in find(accounts, settings, "9 main").matches] == ["Oakley Smith"]


def test_name_matches_rank_above_address_matches(accounts, settings):
    names = [m.name for m in find(accounts, settings, "lopez").matches]
    assert names[0] == "Maria Lopez"
    assert "Ana Smithers" in names


def test_accents_do_not_matter(accounts, settings):
    assert [m.name for m in find(accounts, settings, "zoe muller").matches] == ["Zoë Müller"]


def test_search_text_with_quotes_and_operators_is_taken_as_words(accounts):
    with accounts.reader() as uow:
        assert search_accounts(uow, 'smith" OR *') == []
        assert [m.name for m in search_accounts(uow, "NEAR(oakley)")] == []
        assert [m.name for m in search_accounts(uow, "(oakley) & !smith:*")] == ["Oakley Smith"]


def test_scan_line_finds_the_account_and_the_amount_due(accounts, settings):
    line = make_scan_line("0012345678", 5234, settings.scan_line)
    found = find(accounts, settings, line)
    assert found.how == "scan" and found.matches[0].name == "Maria Lopez"
    assert found.stub.amount_due_cents == 5234


def test_scan_line_with_a_bad_check_digit_is_refused_with_that_reason(accounts, settings):
    line = make_scan_line("0012345678", 5234, settings.scan_line)
    broken = line[:-1] + str((int(line[-1]) + 1) % 10)
    with pytest.raises(ScanLineError, match="check digit is wrong"):
        find(accounts, settings, broken)


def test_scan_line_for_an_unknown_account_is_refused(accounts, settings):
    with pytest.raises(AccountError, match="not in the account master"):
        find(accounts, settings, make_scan_line("0077777777", 100, settings.scan_line))


def test_empty_entry_is_refused(accounts, settings):
    with pytest.raises(InputError, match="lookup"):
        find(accounts, settings, "  ")


def test_luhn_known_values():
    assert luhn_check_digit("7992739871") == 3
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(min_value=0, max_value=10**10 - 1))
def test_made_scan_lines_parse_back(account, amount):
    layout = ScanLineSettings()
    stub = parse_scan_line(make_scan_line(account, amount, layout), layout)
    assert (stub.account_number, stub.amount_due_cents) == (account, amount)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 10**9), st.integers(0, 19),
       st.integers(1, 9))
def test_any_single_digit_error_is_caught(account, amount, position, delta):
    layout = ScanLineSettings()
    line = make_scan_line(account, amount, layout)
    changed = line[:position] + str((int(line[position]) + delta) % 10) + line[position + 1:]
    with pytest.raises(ScanLineError):
        parse_scan_line(changed, layout)


def test_scan_line_layout_comes_from_configuration():
    layout = ScanLineSettings(length=18, account_start=8, account_length=8, amount_start=0, amount_length=8,
                              check_digit_position=17)
    line = make_scan_line("12345678", 4200, layout)
    assert line.startswith("00004200")
    assert parse_scan_line(line, layout).account_number == "12345678"


def test_alerts_name_what_must_not_be_missed_with_amounts():
    from datetime import date

    from pos.core.account_views import AccountView

    account = AccountView("0012345680", "Big Oak Bakery", "9 Main St", 30000, 18751, date(2026, 11, 1),
                          "shutoff_pending", True, 2500, date(2026, 12, 1), "2026-11-23T08:00:00+00:00")
    alerts = account.alerts()
    assert [a.kind for a in alerts] == ["shutoff_pending", "cash_only", "arrangement", "past_due"]
    assert [a.severity for a in alerts] == ["danger", "danger", "warning", "warning"]
    assert alerts[2].text == "PAYMENT ARRANGEMENT: $25.00 due 2026-12-01"
    assert alerts[3].text == "PAST DUE: $187.51"


def test_common_prefix_over_many_accounts_still_returns_a_full_ranked_page(database, settings, tmp_path):
    from pos.core import accounts as accounts_module
    from pos.demo import write_accounts_csv

    path = write_accounts_csv(tmp_path / "ACCOUNTS.csv", 3000)
    with database.unit_of_work() as uow:
        import_accounts(uow, ImportAccounts(path), settings)
    with database.reader() as uow:
        every = search_accounts(uow, "a", limit=50)
        capped_page = accounts_module.SEARCH_CANDIDATES
        assert len(every) == 50
        assert capped_page < 3000  # so the cap was exercised
        named = search_accounts(uow, "smith", limit=500)
    assert named and all("smith" in m.name.lower() or "smith" in m.service_address.lower() for m in named)
