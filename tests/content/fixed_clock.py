"""A fixed clock and one clinic week for the opening-hours and callback tests: the week
of Wednesday 2 December 2026 in London, late on Thursdays, short on Saturdays, closed on
Sundays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from content.opening_hours import OpeningHours, parse_hours

LONDON = ZoneInfo("Europe/London")


def week(saturday: str) -> OpeningHours:
    hours = parse_hours(
        "Europe/London",
        {
            "mon": "09:00-18:00",
            "tue": "09:00-18:00",
            "wed": "09:00-18:00",
            "thu": "09:00-20:00",
            "fri": "09:00-17:00",
            "sat": saturday,
            "sun": "closed",
        },
    )
    assert hours is not None
    return hours


def at(text: str) -> datetime:
    """A local time in London: "2026-12-02 10:00" is a Wednesday morning."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)
