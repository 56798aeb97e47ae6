"""Times are stored in UTC and shown in the viewer's or the station's zone."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(value) -> str | None:
    """A date or time as ISO 8601 text, None as None (for JSON)."""
    return value.isoformat() if value is not None else None


def as_date(value) -> date:
    """A date, also from the ISO text SQLite answers date arithmetic with."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def day_from(errors, field: str, value, message) -> date | None:
    """The date typed into ``field`` (ISO, or a date already), or None with ``message`` added to
    ``errors`` (a core.errors.FieldErrors) when it is not one."""
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.add(field, message)
        return None


def local_time_text(moment: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    """A moment as a person at the place reads it: "2027-03-15 09:00"."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def local_date(moment: datetime, zone: ZoneInfo = DEFAULT_ZONE):
    return moment.astimezone(zone).date()


def parse_moment(value, zone: ZoneInfo = DEFAULT_ZONE):
    """An ISO 8601 text as an aware datetime; without an offset it is a local time in ``zone``.
    Empty gives None; text that is not a time is returned as it is, for the service to refuse."""
    if value is None or isinstance(value, datetime):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


class UTCDateTime(TypeDecorator):
    """A timestamp that is always aware UTC in Python, whatever the database keeps.

    SQLite has no time zones; PostgreSQL gets ``timestamptz``. Naive values are refused, so a
    local time can never be stored by mistake.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is stored")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
