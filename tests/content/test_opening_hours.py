"""Opening hours (content/opening_hours.py), with a fixed clock across a weekend and a
closing time, in the clinic's time zone."""

from __future__ import annotations

from datetime import datetime

import pytest

from content import replies
from content.clinic import Clinic, load_clinic
from content.opening_hours import HoursError, parse_hours
from tests.content.fixed_clock import at, week

HOURS = week(saturday="10:00-14:00")


@pytest.mark.parametrize(
    "moment, expected",
    [
        ("2026-12-02 10:00", "The clinic is open now, until 18:00."),  # Wednesday
        ("2026-12-02 17:59", "The clinic is open now, until 18:00."),
        ("2026-12-02 18:00", "The clinic is closed now; it opens again tomorrow at 09:00."),
        ("2026-12-02 07:30", "The clinic is closed now; it opens again today at 09:00."),
        ("2026-12-04 17:30", "The clinic is closed now; it opens again tomorrow at 10:00."),
        ("2026-12-05 14:00", "The clinic is closed now; it opens again on Monday at 09:00."),
        ("2026-12-06 12:00", "The clinic is closed now; it opens again tomorrow at 09:00."),
    ],
)
def test_open_now_and_when_next_across_a_weekend_and_closing_time(moment, expected):
    assert HOURS is not None
    assert HOURS.status(at(moment)) == expected


def test_the_clinics_time_zone_counts_not_the_servers():
    # 17:30 UTC on a winter Friday is 17:30 in London (closed) but 12:30 in New York.
    utc = datetime.fromisoformat("2026-12-04 17:30+00:00")
    assert HOURS is not None and not HOURS.is_open(utc)
    new_york = parse_hours("America/New_York", {"fri": "09:00-17:00"})
    assert new_york is not None and new_york.is_open(utc)


def test_placeholders_say_nothing_rather_than_guess():
    assert parse_hours("[PLACEHOLDER: time zone]", {"mon": "09:00-18:00"}) is None
    assert parse_hours("Europe/London", "[PLACEHOLDER: opening hours]") is None


@pytest.mark.parametrize(
    "zone, table",
    [
        ("Mars/Olympus", {"mon": "09:00-18:00"}),
        ("Europe/London", {"monday": "09:00-18:00"}),
        ("Europe/London", {"mon": "9-6"}),
        ("Europe/London", {"mon": "18:00-09:00"}),
        ("Europe/London", {"mon": "25:00-26:00"}),
    ],
)
def test_unreadable_hours_stop_the_start_up(zone, table):
    with pytest.raises(HoursError):
        parse_hours(zone, table)


def test_the_contact_reply_says_whether_the_clinic_is_open_and_when_next():
    clinic = Clinic(
        "Citidrips", "+44 20 7946 0000", "1 Clinic St", "https://x.example", hours=HOURS
    )
    saturday_evening = at("2026-12-05 19:00")
    text = replies.clinic_contact(clinic, saturday_evening)
    assert text.startswith("You can contact Citidrips directly:")
    assert "\n\nThe clinic is closed now; it opens again on Monday at 09:00.\n\n" in text
    assert text.endswith(replies.CALLBACK_OFFER)
    # Hours still placeholders: nothing is said about them.
    assert "open" not in replies.clinic_contact(load_clinic(), saturday_evening).lower()
