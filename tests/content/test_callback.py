"""The callback request's checks and the "when will they call" wording (content/callback.py),
with a fixed clock across a weekend and a closing time."""

from __future__ import annotations

from datetime import datetime

import pytest

from content import callback, replies
from content.clinic import Clinic
from tests.content.fixed_clock import at, week

HOURS = week(saturday="13:00-16:00")


@pytest.mark.parametrize(
    "moment, expected",
    [
        # Wednesday 2 December 2026
        ("2026-12-02 10:00", "during opening hours today (the clinic is open until 18:00)"),
        ("2026-12-02 17:59", "during opening hours today (the clinic is open until 18:00)"),
        ("2026-12-02 18:00", "when the clinic next opens, tomorrow morning (from 09:00)"),
        ("2026-12-02 07:30", "when the clinic next opens, this morning (from 09:00)"),
        # Friday after closing: Saturday opens in the afternoon
        ("2026-12-04 17:00", "when the clinic next opens, tomorrow afternoon (from 13:00)"),
        ("2026-12-05 09:00", "when the clinic next opens, this afternoon (from 13:00)"),
        # Saturday after closing, and Sunday: Monday morning
        ("2026-12-05 16:00", "when the clinic next opens, on Monday morning (from 09:00)"),
        ("2026-12-06 12:00", "when the clinic next opens, tomorrow morning (from 09:00)"),
    ],
)
def test_when_the_clinic_calls_across_a_weekend_and_a_closing_time(moment, expected):
    assert callback.when_the_clinic_calls(HOURS, at(moment)) == expected


def test_the_clinics_time_zone_decides_not_the_servers():
    # 17:30 UTC on a winter Friday is after closing in London.
    utc = datetime.fromisoformat("2026-12-04 17:30+00:00")
    assert "tomorrow afternoon" in callback.when_the_clinic_calls(HOURS, utc)


def test_without_opening_hours_the_confirmation_promises_no_day():
    assert callback.when_the_clinic_calls(None, at("2026-12-05 16:00")) == (
        "as soon as they can, during opening hours"
    )


def test_the_confirmation_names_the_clinic_and_when_it_calls_and_the_emergency_number():
    clinic = Clinic("Citidrips", "+44 1", "1 Street", "https://book", "999", hours=HOURS)
    text = replies.callback_confirmation(clinic, at("2026-12-05 16:00"))
    assert "passed to Citidrips" in text
    assert "on Monday morning (from 09:00)" in text
    assert "call 999" in text


@pytest.mark.parametrize("name", ["Ana", "  Jean-Luc   Picard ", "O'Brien", "Zoë Ñúñez", "李雷"])
def test_names_people_have_are_accepted(name):
    check = callback.check_name(name)
    assert check.problem is None and check.value == " ".join(name.split())


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: everyone@example.com",
        "Eve\nSubject: hi",
        "Eve\x00",
        "Eve\u202e",  # a bidi override hides what the clinic reads
        "x" * (callback.MAX_NAME_CHARS + 1),
        "12345",
        "what is mesotherapy?",
        "",
    ],
)
def test_names_that_could_break_out_of_their_field_or_are_not_names_are_refused(name):
    check = callback.check_name(name)
    assert check.value is None and check.problem


@pytest.mark.parametrize(
    "contact, kept",
    [
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("020 7946 0958", "020 7946 0958"),
        ("(555) 010-2345", "(555) 010-2345"),
        ("+1.555.010.2345", "+1.555.010.2345"),
        ("0049 30 123456", "0049 30 123456"),
        ("ana@example.com", "ana@example.com"),
        ("  ana.b+clinic@mail.example.co.uk ", "ana.b+clinic@mail.example.co.uk"),
    ],
)
def test_phone_numbers_in_international_forms_and_email_addresses_are_accepted(contact, kept):
    check = callback.check_contact(contact)
    assert (check.value, check.problem) == (kept, None)


@pytest.mark.parametrize(
    "contact",
    [
        "12345",  # too few digits
        "+44 20 7946 0958 1234 5678",  # more than 15 digits
        "44+20",
        "call me maybe",
        "ana@",
        "ana@example",
        "ana@@example.com",
        "ana example@example.com",
        "ana@example.com\r\nBcc: x@example.com",
        "a" * 250 + "@example.com",
    ],
)
def test_contacts_that_are_neither_a_phone_number_nor_an_email_address_are_refused(contact):
    check = callback.check_contact(contact)
    assert check.value is None and check.problem


def test_the_preferred_time_is_free_text_on_one_line_and_length_limited():
    assert callback.check_time(" weekday   mornings ").value == "weekday mornings"
    assert callback.check_time("x" * callback.MAX_TIME_CHARS).value is not None
    assert callback.check_time("x" * (callback.MAX_TIME_CHARS + 1)).value is None
    assert callback.check_time("mornings\r\nBcc: x@example.com").value is None


@pytest.mark.parametrize("answer", ["yes", "Yes!", "yeah", "OK", "sure", "yes please"])
def test_a_clear_yes_is_consent(answer):
    assert callback.consent_of(answer) is True


@pytest.mark.parametrize("answer", ["no", "No.", "nope", "no thanks", "don't"])
def test_a_clear_no_is_refusal(answer):
    assert callback.consent_of(answer) is False


@pytest.mark.parametrize("answer", ["maybe", "what for?", "yes no", "", "call me later"])
def test_anything_else_is_asked_again_never_taken_as_consent(answer):
    assert callback.consent_of(answer) is None


@pytest.mark.parametrize(
    "text",
    [
        "cancel",
        "Stop",
        "never mind",
        "nevermind",
        "Never mind.",
        "forget it",
        "quit",
        "no, stop",
        "cancel the callback",
        "stop asking",
        "I changed my mind",
        "i don't want a callback anymore",
        "I don\u2019t want to be contacted",
    ],
)
def test_cancelling_is_recognised_by_its_words(text):
    assert callback.is_cancel(text)


@pytest.mark.parametrize(
    "text",
    ["Zed Quill", "Stopford", "Cancelo", "Quinn Exeter", "no", "weekday mornings", "stop@x.com"],
)
def test_names_and_answers_never_read_as_cancelling(text):
    assert not callback.is_cancel(text)
