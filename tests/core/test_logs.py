"""The log file: rotated, private, and never holding a card number."""

from __future__ import annotations

import logging
import stat

from hypothesis import given, strategies as st

from pos.core.logs import MASK, configure_logging, logger, redact
from pos.core.scanline import luhn_check_digit

VISA = "4111111111111111"


def test_the_log_is_private_in_the_user_state_folder_and_masks_card_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = configure_logging()
    assert path.is_relative_to(tmp_path / "state")
    logger("test").warning("declined card %s for account 0000012345 and amount 4111", "4111 1111 1111 1111")
    logging.getLogger("pos").handlers[-1].flush()
    written = path.read_text()
    assert MASK in written and "4111 1111 1111 1111" not in written
    assert "0000012345" in written  # an account number is not a card number
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_log_rotates(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = configure_logging()
    handler = logging.getLogger("pos").handlers[-1]
    handler.maxBytes = 2_000
    for number in range(60):
        logger("test").info("line %d %s", number, "x" * 80)
    rotated = path.with_name(path.name + ".1")
    assert rotated.exists() and stat.S_IMODE(rotated.stat().st_mode) == 0o600


@given(st.text(alphabet="0123456789", min_size=12, max_size=18))
def test_every_luhn_valid_13_to_19_digit_run_is_masked(body):
    number = body + str(luhn_check_digit(body))
    assert redact(f"card {number} ok") == f"card {MASK} ok"
    spaced = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    assert redact(spaced) == MASK


def test_other_numbers_stay():
    assert redact("4291417776317066") == "4291417776317066"  # no 13-19 digit window of it passes the Luhn check
    assert redact("T01-000001 4111") == "T01-000001 4111"
