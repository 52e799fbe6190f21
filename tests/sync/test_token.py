"""Where the bearer token comes from, and what is said when there is none (never the token itself)."""

import pytest

from pos.core.settings import Settings
from sync.errors import LedgerError
from sync.transport import HttpTransport, bearer_token


def test_token_from_settings_then_from_its_file(tmp_path):
    file = tmp_path / "token"
    file.write_text("from-file\n")
    assert bearer_token(Settings(ledger={"token": "inline", "token_file": str(file)})) == "inline"
    assert bearer_token(Settings(ledger={"token_file": str(file)})) == "from-file"


def test_token_from_the_environment(monkeypatch):
    monkeypatch.setenv("POS_LEDGER__TOKEN", "from-env")
    from pos.core.settings import load_settings

    assert bearer_token(load_settings(None)) == "from-env"


def test_no_token_names_the_setting(tmp_path):
    with pytest.raises(LedgerError, match="ledger.token: no bearer token"):
        HttpTransport(Settings())
    with pytest.raises(LedgerError, match="ledger.token_file: cannot read"):
        bearer_token(Settings(ledger={"token_file": str(tmp_path / "missing")}))


def test_the_token_is_masked_when_settings_are_shown():
    settings = Settings(ledger={"token": "very-secret"})
    assert "very-secret" not in settings.model_dump_json() and "very-secret" not in repr(settings)
