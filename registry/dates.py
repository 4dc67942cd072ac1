"""Calendar days, the registry's one set of date helpers: days as stored (ISO-8601 text), days as
people read them (German ``TT.MM.JJJJ``), whole months added to a day, and midnight of a day.
Today is ``registry.clock.today()`` (the one clock tests may shift). Standard library only."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

GERMANY = ZoneInfo("Europe/Berlin")
"""Where people read the registry's times (stored times are UTC)."""


def day(value: object) -> date | None:
    """A stored day: a ``date`` (of a ``datetime``, its day) or ISO text, of which the first ten
    characters count (so a timestamp gives its day); None for nothing. Malformed text raises
    ``ValueError``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def parse_date(value: object) -> date | None:
    """A day someone entered: a ``date`` or exactly an ISO date (``JJJJ-MM-TT``, blanks around
    it allowed); None for anything else, for the caller to report."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def iso(value: date | datetime | None) -> str:
    """A day (or a time) as stored: ISO-8601 text; '' for nothing."""
    return value.isoformat() if value is not None else ""


def german(value: date | datetime) -> str:
    """A day as people read it: ``TT.MM.JJJJ``."""
    return f"{value:%d.%m.%Y}"


def local_day(value: object) -> date | None:
    """The day people in Germany see: a stored day as it is, a timestamp with a time zone on
    the German calendar (20 minutes before midnight UTC in winter is already the next day)."""
    if isinstance(value, str) and len(value) > 10:
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            stamp = None
        if stamp is not None and stamp.tzinfo is not None:
            return in_germany(stamp).date()
    if isinstance(value, datetime) and value.tzinfo is not None:
        return in_germany(value).date()
    return day(value)


def in_germany(value: datetime) -> datetime:
    """A moment on Germany's clock (a moment without a time zone is taken as it is)."""
    return value.astimezone(GERMANY) if value.tzinfo is not None else value


def german_time(value: datetime) -> str:
    """A moment as people read it: German date and the clock time in Germany."""
    return in_germany(value).strftime("%d.%m.%Y, %H:%M Uhr")


def clock_time(value: datetime) -> str:
    """The clock time of a moment in Germany: ``HH:MM``."""
    return in_germany(value).strftime("%H:%M")


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months; the day is clamped to the end of a shorter month."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month0 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def midnight(value: date) -> datetime:
    """The start of a day, UTC (the clock's zone)."""
    return datetime.combine(value, time(0), tzinfo=UTC)
