"""Backoff between deliveries and the reading of Retry-After."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
from hypothesis import given, strategies as st

from pos.core.settings import Settings
from sync.sender import backoff_seconds
from sync.transport import retry_after_seconds

SETTINGS = Settings(ledger={"backoff_base_seconds": 2.0, "backoff_max_seconds": 300.0})


@given(st.integers(1, 200), st.floats(0, 1, exclude_max=True), st.none() | st.floats(0, 10_000))
def test_backoff_grows_is_capped_jittered_and_never_undercuts_retry_after(attempts, rand, retry_after):
    wait = backoff_seconds(attempts, SETTINGS, retry_after, rand=lambda: rand)
    ceiling = min(300.0, 2.0 * 2 ** (attempts - 1))
    if retry_after is None:
        assert ceiling / 2 <= wait <= ceiling
    else:
        assert wait >= min(retry_after, 3600.0) and wait <= max(ceiling, min(retry_after, 3600.0))


def test_backoff_doubles_until_the_cap():
    waits = [backoff_seconds(n, SETTINGS, None, rand=lambda: 0.999999) for n in range(1, 12)]
    assert waits[0] < 2.01 and waits[1] < 4.01 and waits[-1] <= 300.0 and waits == sorted(waits)


def reply(value):
    return httpx.Response(429, headers={"Retry-After": value} if value is not None else {})


def test_retry_after_in_seconds_or_as_a_date_and_garbage_ignored():
    assert retry_after_seconds(reply("120")) == 120.0
    later = datetime.now(timezone.utc) + timedelta(seconds=90)
    assert 80 <= retry_after_seconds(reply(format_datetime(later, usegmt=True))) <= 91
    assert retry_after_seconds(reply(format_datetime(datetime(2000, 1, 1, tzinfo=timezone.utc), usegmt=True))) == 0
    assert retry_after_seconds(reply("soon")) is None
    assert retry_after_seconds(reply("-5")) is None
    assert retry_after_seconds(reply(None)) is None
