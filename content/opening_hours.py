"""The clinic's opening hours (clinic.yml): is it open now, and when will it next be?

The hours are a weekly table in the clinic's own time zone:

    time_zone: Europe/London
    opening_hours:
      mon: "09:00-18:00"
      sat: "10:00-14:00"
      sun: closed

Days left out are closed. While the clinic has not provided its hours (placeholders),
nothing is said about them rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class HoursError(ValueError):
    """clinic.yml's opening hours cannot be read: the server refuses to start."""


@dataclass(frozen=True)
class OpeningHours:
    zone: ZoneInfo
    # weekday (0 = Monday) -> (opens, closes), absent when closed
    week: dict[int, tuple[time, time]]

    def is_open(self, moment: datetime) -> bool:
        return self.closes_at(moment) is not None

    def closes_at(self, moment: datetime) -> time | None:
        """When the clinic closes today if it is open at `moment`, else None."""
        local = moment.astimezone(self.zone)
        span = self.week.get(local.weekday())
        if span is None or not span[0] <= local.time() < span[1]:
            return None
        return span[1]

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next time the clinic opens after `moment` (None if it never does)."""
        local = moment.astimezone(self.zone)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            span = self.week.get(day.weekday())
            if span is None:
                continue
            opens = datetime.combine(day, span[0], tzinfo=self.zone)
            if opens > local:
                return opens
        return None

    def status(self, moment: datetime) -> str:
        """One sentence for a patient: open now until when, or when it opens next."""
        closes = self.closes_at(moment)
        if closes is not None:
            return f"The clinic is open now, until {closes:%H:%M}."
        local = moment.astimezone(self.zone)
        opens = self.next_opening(local)
        if opens is None:
            return "The clinic has no opening hours listed."
        day = day_words(opens, local.date(), today="today")
        return f"The clinic is closed now; it opens again {day} at {opens:%H:%M}."


def day_words(opens: datetime, seen_from: date, *, today: str) -> str:
    """The day of `opens` as a patient says it, seen from `seen_from`: the word given
    for that same day ("today", "this"), "tomorrow", or "on Monday" within the week."""
    days = (opens.date() - seen_from).days
    if days == 0:
        return today
    if days == 1:
        return "tomorrow"
    return f"on {DAY_NAMES[opens.weekday()]}"


def parse_hours(zone_name: object, table: object) -> OpeningHours | None:
    """The opening hours, or None while clinic.yml still has placeholders for them."""
    if _placeholder(zone_name) or _placeholder(table):
        return None
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(
            f"time_zone {zone_name!r} is not a time zone (e.g. Europe/London)"
        ) from None
    if not isinstance(table, dict) or not set(table) <= set(DAYS):
        raise HoursError(f"opening_hours must map {', '.join(DAYS)} to 'HH:MM-HH:MM' or closed")
    week = {}
    for day, value in table.items():
        if str(value).strip().lower() == "closed":
            continue
        match = SPAN.match(str(value))
        if not match:
            raise HoursError(f"opening_hours.{day}: {value!r} is not 'HH:MM-HH:MM' or closed")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        try:
            opens, closes = time(h1, m1), time(h2, m2)
        except ValueError:
            raise HoursError(f"opening_hours.{day}: {value!r} is not a time of day") from None
        if not opens < closes:
            raise HoursError(f"opening_hours.{day}: {value!r} closes before it opens")
        week[DAYS.index(day)] = (opens, closes)
    return OpeningHours(zone, week)


def _placeholder(value: object) -> bool:
    return "[PLACEHOLDER" in str(value)
