"""Time at the counter: timestamps with offset and the business date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def now() -> datetime:
    """The local time, aware, to the microsecond."""
    return datetime.now().astimezone()


def timestamp(moment: datetime | None = None) -> str:
    """ISO 8601 with offset, as the ledger contract wants."""
    return (moment or now()).isoformat(timespec="microseconds")


def business_date(moment: datetime | None = None, cutoff: str = "23:59") -> date:
    """Today, or tomorrow once the nightly cut-off (local HH:MM) has passed."""
    moment = moment or now()
    hour, minute = (int(part) for part in cutoff.split(":"))
    if moment.time() > time(hour, minute, 59, 999999):
        return moment.date() + timedelta(days=1)
    return moment.date()
