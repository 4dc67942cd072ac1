"""The registry's one set of date helpers (registry.dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from registry import clock, dates


def test_day_reads_stored_days_dates_and_timestamps() -> None:
    assert dates.day("2026-03-31") == date(2026, 3, 31)
    assert dates.day("2026-03-31T23:59:00+00:00") == date(2026, 3, 31)
    assert dates.day(date(2026, 1, 2)) == date(2026, 1, 2)
    assert dates.day(datetime(2026, 1, 2, 10, 30, tzinfo=UTC)) == date(2026, 1, 2)
    assert dates.day(None) is None
    assert dates.day("") is None
    with pytest.raises(ValueError):
        dates.day("31.03.2026")


def test_parse_date_takes_exact_iso_days_only() -> None:
    assert dates.parse_date(" 2026-02-28 ") == date(2026, 2, 28)
    assert dates.parse_date(date(2026, 2, 28)) == date(2026, 2, 28)
    assert dates.parse_date("2026-02-30") is None
    assert dates.parse_date("28.02.2026") is None
    assert dates.parse_date(20260228) is None
    assert dates.parse_date(None) is None


def test_iso_and_german() -> None:
    assert dates.iso(date(2026, 7, 4)) == "2026-07-04"
    assert dates.iso(None) == ""
    assert dates.german(date(2026, 7, 4)) == "04.07.2026"
    assert dates.german(datetime(2026, 12, 24, 18, 0, tzinfo=UTC)) == "24.12.2026"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 6, 1), -36, date(2023, 6, 1)),
        (date(2026, 6, 1), 0, date(2026, 6, 1)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(
    start: date, months: int, expected: date
) -> None:
    assert dates.add_months(start, months) == expected


def test_midnight_is_the_start_of_the_day_in_utc() -> None:
    assert dates.midnight(date(2026, 5, 1)) == datetime(2026, 5, 1, tzinfo=UTC)


def test_today_comes_from_the_one_clock() -> None:
    assert dates.iso(clock.today()) == clock.now_iso()[:10]


def test_the_portal_date_filter_shows_german_days() -> None:
    """The portal's Jinja filter ``de_date`` renders through registry.dates."""
    from portal.base import portal_template_config

    engine = portal_template_config().engine_instance
    template = engine.engine.from_string("{{ a | de_date }}|{{ b | de_date }}|{{ c | de_date }}")
    text = template.render(a="2026-07-04T10:00:00+00:00", b=date(2026, 1, 2), c=None)
    assert text == "04.07.2026|02.01.2026|"


def test_a_timestamp_shortly_before_midnight_utc_is_the_next_day_in_germany() -> None:
    from portal.labels import de_date, de_datetime

    assert dates.local_day("2026-12-05T23:40:00+00:00") == date(2026, 12, 6)
    assert de_date("2026-12-05T23:40:00+00:00") == "06.12.2026"
    assert de_datetime("2026-12-05T23:40:00+00:00") == "06.12.2026, 00:40 Uhr"
    assert de_date("2026-12-05") == "05.12.2026"  # a stored day stays that day


def test_the_clock_time_is_germany_s() -> None:
    assert dates.clock_time(datetime(2026, 12, 5, 20, 45, tzinfo=UTC)) == "21:45"
    assert dates.clock_time(datetime(2026, 7, 5, 20, 45, tzinfo=UTC)) == "22:45"  # summer time
