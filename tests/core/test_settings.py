"""Configuration: the documented default file, environment overrides, refusals that name file and key."""

from pathlib import Path

import pytest

from pos.core.errors import ConfigError
from pos.core.settings import Settings, load_settings

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "config" / "pos.toml"


def test_documented_default_file_equals_built_in_defaults():
    assert load_settings(DEFAULT_FILE).model_dump() == Settings().model_dump()


def test_every_key_of_the_documented_file_is_commented():
    lines = DEFAULT_FILE.read_text().splitlines()
    for index, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[index - 1].startswith("#"), f"key without a comment: {line}"


def test_environment_variable_overrides_the_file(tmp_path, monkeypatch):
    file = tmp_path / "pos.toml"
    file.write_text('[terminal]\nid = "T07"\nsite_name = "East Office"\n')
    monkeypatch.setenv("POS_TERMINAL__ID", "T09")
    loaded = load_settings(file)
    assert loaded.terminal.id == "T09"
    assert loaded.terminal.site_name == "East Office"


def test_pos_config_variable_chooses_the_file(tmp_path, monkeypatch):
    file = tmp_path / "other.toml"
    file.write_text('[terminal]\nsite_name = "North Office"\n')
    monkeypatch.setenv("POS_CONFIG", str(file))
    assert load_settings().terminal.site_name == "North Office"


def test_bad_value_names_file_key_and_reason(tmp_path):
    file = tmp_path / "pos.toml"
    file.write_text("[security]\nmax_failed_signins = 0\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(file)
    message = str(caught.value)
    assert str(file) in message
    assert "security.max_failed_signins" in message
    assert "greater than or equal to 1" in message


def test_unknown_key_is_refused(tmp_path):
    file = tmp_path / "pos.toml"
    file.write_text('[printer]\ncolums = 42\n')
    with pytest.raises(ConfigError, match=r"printer.colums: unknown key"):
        load_settings(file)


def test_broken_toml_names_the_file(tmp_path):
    file = tmp_path / "pos.toml"
    file.write_text("[terminal\nid = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(file)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_bad_environment_value_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("POS_PRINTER__COLUMNS", "40")
    with pytest.raises(ConfigError, match="POS_PRINTER__COLUMNS"):
        load_settings(overrides={})


def test_authority_table_needs_every_role(tmp_path):
    file = tmp_path / "pos.toml"
    file.write_text('[authority.cashier]\nmay = ["take_payments"]\n')
    with pytest.raises(ConfigError, match="authority: .*role 'csr2' has no authority section"):
        load_settings(file)


def test_unknown_permission_is_refused(tmp_path):
    text = DEFAULT_FILE.read_text().replace('may = ["take_payments", "void_own"]', 'may = ["fly"]', 1)
    file = tmp_path / "pos.toml"
    file.write_text(text)
    with pytest.raises(ConfigError, match="unknown permission 'fly'"):
        load_settings(file)


def test_scan_line_layout_must_fit(tmp_path):
    file = tmp_path / "pos.toml"
    file.write_text("[scan_line]\nlength = 15\n")
    with pytest.raises(ConfigError, match="scan_line: .*past the scan line length 15"):
        load_settings(file)
