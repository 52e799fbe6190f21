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


# Every setting through its POS_ environment variable -------------------------------------------

_STRING_CANDIDATES = ("Changed 9", "T99", "22:30", "1B70", "05", "changed-audit-key-9")


class _PrivateFile(str):
    """A setting that names a file read at load (the audit key file): the test writes it, mode 600, first."""

    content = "changed-audit-key-9"


def _valid(model: type, field_name: str, value: object) -> bool:
    """Whether ``value`` is a valid value of the field (checked on the section itself, not through the environment)."""
    from pydantic import ValidationError

    defaults = model().model_dump()
    try:
        model.model_validate({**defaults, field_name: value})
    except ValidationError:
        return False
    return True


def _non_default(model: type, field_name: str, default: object) -> object:
    """A valid value of the field that differs from its default, as Python data."""
    import typing

    from pydantic import SecretStr

    annotation = model.model_fields[field_name].annotation
    if typing.get_origin(annotation) is typing.Literal:
        candidates = [choice for choice in typing.get_args(annotation) if choice != default]
    elif isinstance(default, bool):
        candidates = [not default]
    elif isinstance(default, int):
        candidates = [default + 1, default - 1, default + 100]
    elif isinstance(default, float):
        candidates = [default + 0.5, default / 2]
    elif isinstance(default, str):
        candidates = list(_STRING_CANDIDATES)
    elif isinstance(default, SecretStr):
        candidates = [SecretStr(text) for text in _STRING_CANDIDATES]
    elif isinstance(default, list):
        candidates = [default[:-1], default[::-1], [*default, _STRING_CANDIDATES[0]]]
    elif isinstance(default, dict):
        candidates = [dict(list(default.items())[:1])]
    else:
        raise AssertionError(f"{model.__name__}.{field_name}: no test value for {type(default).__name__}")
    for candidate in candidates:
        if candidate != default and _valid(model, field_name, candidate):
            return candidate
    raise AssertionError(f"{model.__name__}.{field_name}: no valid non-default test value")


def _every_setting():
    """(environment variable, path of keys, value) for every leaf setting, recursively."""
    from pydantic import BaseModel

    from pos.core.settings import RoleAuthority

    def leaves(model: type, instance: BaseModel, path: tuple[str, ...]):
        for name in type(instance).model_fields:
            default = getattr(instance, name)
            if isinstance(default, BaseModel):
                yield from leaves(type(default), default, (*path, name))
            elif model.__name__ == "SecuritySettings" and name == "audit_key_file":
                yield path + (name,), _PrivateFile("audit.key")
            elif model is Settings and name == "authority":
                for role, authority in default.items():
                    yield from leaves(RoleAuthority, authority, (*path, name, role))
            else:
                yield path + (name,), _non_default(type(instance), name, default)

    yield from leaves(Settings, Settings(), ())


def _env_text(value: object) -> str:
    import json

    from pydantic import SecretStr

    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


SETTINGS_BY_ENV = [("POS_" + "__".join(part.upper() for part in path), path, value)
                   for path, value in _every_setting()]


def test_every_setting_is_listed_for_the_environment_test():
    names = {name for name, _, _ in SETTINGS_BY_ENV}
    assert {"POS_PRINTER__COLUMNS", "POS_CASH_DRAWER__PIN", "POS_AUTHORITY__CASHIER__VOID_CENTS",
            "POS_TENDERS__ENABLED", "POS_DRAWER__PAID_OUT_REASONS"} <= names
    assert len(SETTINGS_BY_ENV) > 100


@pytest.mark.parametrize(("variable", "path", "value"), SETTINGS_BY_ENV, ids=[name for name, _, _ in SETTINGS_BY_ENV])
def test_every_setting_can_be_set_from_the_environment(variable, path, value, tmp_path, monkeypatch):
    empty = tmp_path / "pos.toml"
    empty.write_text("")
    if isinstance(value, _PrivateFile):
        key_file = tmp_path / value
        key_file.write_text(value.content + "\n")
        key_file.chmod(0o600)
        value = str(key_file)
    monkeypatch.setenv(variable, _env_text(value))
    loaded = load_settings(empty)
    found = loaded
    for part in path:
        found = found[part] if isinstance(found, dict) else getattr(found, part)
    assert found == value
    if path == ("security", "audit_key_file"):
        assert loaded.security.audit_key == _PrivateFile.content


def test_documented_examples_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("POS_PRINTER__COLUMNS", "48")
    monkeypatch.setenv("POS_CASH_DRAWER__PIN", "5")
    loaded = load_settings(overrides={})
    assert (loaded.printer.columns, loaded.cash_drawer.pin) == (48, 5)


def test_one_role_authority_from_the_environment_keeps_the_file_and_the_other_roles(tmp_path, monkeypatch):
    file = tmp_path / "pos.toml"
    file.write_text(Path(DEFAULT_FILE).read_text())
    built_in = Settings().authority  # before the variable is set: Settings() itself reads the environment
    monkeypatch.setenv("POS_AUTHORITY__CASHIER__PAID_OUT_CENTS", "2500")
    loaded = load_settings(file)
    assert loaded.authority["cashier"].paid_out_cents == 2500
    assert loaded.authority["cashier"].may == built_in["cashier"].may
    assert loaded.authority["lead"] == built_in["lead"]


def test_a_literal_number_from_the_environment_still_refuses_a_wrong_one(monkeypatch):
    monkeypatch.setenv("POS_CASH_DRAWER__PIN", "3")
    with pytest.raises(ConfigError, match=r"POS_CASH_DRAWER__PIN.*cash_drawer.pin"):
        load_settings(overrides={})


def test_a_list_from_the_environment_that_is_not_json_is_refused_naming_the_section(monkeypatch):
    monkeypatch.setenv("POS_TENDERS__ENABLED", "cash")
    with pytest.raises(ConfigError, match=r"tenders.*JSON"):
        load_settings(overrides={})
