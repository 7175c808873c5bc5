"""channels/formatting.py: splitting answers to each channel's limit, numbered options."""

from __future__ import annotations

import pytest

from channels.formatting import (
    MESSENGER_LIMIT,
    NUMBERED_INTRO,
    TELEGRAM_LIMIT,
    TWILIO_SMS_LIMIT,
    TWILIO_WHATSAPP_LIMIT,
    fits_quick_replies,
    numbered_options,
    option_number,
    split_text,
    utf16_length,
)
from content.replies import DISCLAIMER, with_disclaimer
from tests.channels.harness import ARTICLE, BUTTONS, WHOLE_ARTICLE, words

LONGEST_ANSWER = with_disclaimer(max((s.full_text() for s in ARTICLE.sections.values()), key=len))


# --- formatting: splitting ---------------------------------------------------------------


@pytest.mark.parametrize(
    "limit", [TWILIO_SMS_LIMIT, TWILIO_WHATSAPP_LIMIT, MESSENGER_LIMIT, TELEGRAM_LIMIT, 700, 300]
)
def test_splitting_keeps_every_word_and_the_disclaimer_within_the_limit(limit):
    parts = split_text(WHOLE_ARTICLE, limit)
    assert len(parts) > 1
    assert all(len(part) <= limit for part in parts)
    assert words(" ".join(parts)) == words(WHOLE_ARTICLE)
    assert any(DISCLAIMER in part for part in parts)
    assert parts[-1].endswith(DISCLAIMER)


def test_a_text_that_fits_is_sent_whole():
    answer = with_disclaimer(ARTICLE.section("what_is").full_text())
    assert split_text(answer, TWILIO_SMS_LIMIT) == [answer]
    assert split_text(LONGEST_ANSWER, MESSENGER_LIMIT) == [LONGEST_ANSWER]


def test_the_longest_answer_takes_two_sms_split_before_the_disclaimer():
    assert len(LONGEST_ANSWER) > TWILIO_SMS_LIMIT
    body, disclaimer = split_text(LONGEST_ANSWER, TWILIO_SMS_LIMIT)
    assert disclaimer == DISCLAIMER and f"{body}\n\n{disclaimer}" == LONGEST_ANSWER


def test_splitting_prefers_paragraph_boundaries():
    first = "Mesotherapy is a treatment. " * 5
    second = "It is done in a clinic."
    text = f"{first.strip()}\n\n{second}\n\n{DISCLAIMER}"
    assert split_text(text, 200) == [f"{first.strip()}\n\n{second}", DISCLAIMER]


def test_a_long_bullet_list_is_split_between_bullets():
    bullets = "\n".join(f"- Bullet number {n} says something useful." for n in range(30))
    parts = split_text(f"Before the treatment:\n{bullets}", 200)
    assert all(part.startswith(("Before", "- ")) for part in parts)
    assert all(part.endswith("useful.") for part in parts[1:])


def test_a_long_paragraph_is_split_between_sentences():
    paragraph = " ".join(f"Sentence {n} is about mesotherapy." for n in range(40))
    parts = split_text(paragraph, 150)
    assert len(parts) > 1
    assert all(part.endswith(".") and len(part) <= 150 for part in parts)
    assert words(" ".join(parts)) == words(paragraph)


def test_only_a_word_longer_than_the_limit_is_cut():
    url = "https://example.com/" + "x" * 120
    parts = split_text(f"See {url} for more.", 50)
    assert all(len(part) <= 50 for part in parts)
    assert "".join(parts).replace(" ", "") == f"See{url}formore."
    assert parts[0] == "See"  # the short word was not glued to a piece of the long one


def test_telegram_limit_is_counted_in_utf16_units():
    text = " ".join(["💉 needle"] * 1000)  # each emoji is 2 UTF-16 units
    parts = split_text(text, TELEGRAM_LIMIT, utf16_length)
    assert all(utf16_length(part) <= TELEGRAM_LIMIT for part in parts)
    assert words(" ".join(parts)) == words(text)


def test_empty_text_gives_no_message():
    assert split_text(" \n\n ", 100) == []


# --- formatting: numbered options ----------------------------------------------------------


def test_buttons_become_numbered_options_after_the_text():
    text = numbered_options(with_disclaimer("Mesotherapy is..."), [b["title"] for b in BUTTONS])
    assert text == (
        f"Mesotherapy is...\n\n{DISCLAIMER}\n\n{NUMBERED_INTRO}\n"
        "1. What is mesotherapy?\n2. What should I avoid before?\n3. Aftercare"
    )


@pytest.mark.parametrize(
    "reply,number",
    [
        ("2", 2),
        (" 2 ", 2),
        ("\t12\n", 12),
        ("2 please", None),
        ("two", None),
        ("", None),
        ("-1", None),
    ],
)
def test_a_reply_of_just_a_number_picks_an_option(reply, number):
    assert option_number(reply) == number


def test_messenger_quick_replies_fit_only_13_titles_of_20_characters():
    assert fits_quick_replies([{"title": "x" * 20, "payload": "/p"}] * 13)
    assert not fits_quick_replies([{"title": "x" * 20, "payload": "/p"}] * 14)
    assert not fits_quick_replies([{"title": "x" * 21, "payload": "/p"}])
