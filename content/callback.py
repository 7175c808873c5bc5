"""A patient's callback request: what is asked, what is accepted, and when the clinic calls.

Rasa-free: the form's validation action (actions/) and the mailer (runtime/mailer.py) both
read these rules, so a value that passed the form is exactly what reaches the clinic.
A value that could break out of its field (line breaks and other control characters, which
is how a header is injected into an e-mail) is refused, never silently altered.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from content.opening_hours import OpeningHours, day_words

MAX_NAME_CHARS = 80
MAX_CONTACT_CHARS = 254  # the longest e-mail address SMTP accepts
MAX_TIME_CHARS = 200

PHONE = "phone"
EMAIL = "email"
# The slot that carries a submitted request from the action server to the tracker store,
# which writes it to the outbox (actions/callback.py, runtime/outbox.py).
REQUEST_SLOT = "callback_request"

# A permissive international number: an optional +, then digits with the spaces, dots,
# dashes, slashes and brackets people type; 7 to 15 digits (E.164's maximum).
_PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-/]+$")
# Syntax only (one @, a dotted domain, no spaces); whether it exists the clinic finds out.
_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$"
)
_LETTER = re.compile(r"[^\W\d_]")

YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "ok",
    "okay",
    "sure",
    "of course",
    "please do",
    "i agree",
    "yes please",
    "yes you may",
    "yes, you may",
    "that's fine",
    "fine",
    "agreed",
}
NO = {
    "no",
    "n",
    "nope",
    "no thanks",
    "no thank you",
    "don't",
    "do not",
    "i don't agree",
    "no, thanks",
    "no you may not",
    "not ok",
    "no way",
}


@dataclass(frozen=True)
class Check:
    """The value to keep, or the reason it was refused (what to tell the patient)."""

    value: str | None
    problem: str | None = None


def _has_control_characters(text: str) -> bool:
    # Cc: line breaks, tabs, NUL...; Cf: invisible format characters (bidi overrides).
    return any(unicodedata.category(char) in ("Cc", "Cf") for char in text)


def check_name(text: str) -> Check:
    name = " ".join(text.split()) if not _has_control_characters(text.strip()) else None
    if name is None:
        return Check(None, "Please type your name on one line, without special characters.")
    if not name or not _LETTER.search(name):
        return Check(None, "Sorry, I didn't get your name. What name should the clinic ask for?")
    if len(name) > MAX_NAME_CHARS or any(char in name for char in "?@<>{}[]\\|;:=/"):
        return Check(
            None,
            f"Please give just the name the clinic should ask for (up to {MAX_NAME_CHARS} "
            "characters).",
        )
    return Check(name)


def contact_kind(contact: str) -> str:
    return EMAIL if "@" in contact else PHONE


def check_contact(text: str) -> Check:
    contact = text.strip()
    if _has_control_characters(contact) or len(contact) > MAX_CONTACT_CHARS:
        contact = ""
    if "@" in contact:
        if _EMAIL.match(contact):
            return Check(contact)
        return Check(None, "That e-mail address doesn't look complete. Could you type it again?")
    digits = sum(char.isdigit() for char in contact)
    if contact and _PHONE_CHARS.match(contact) and 7 <= digits <= 15 and "+" not in contact[1:]:
        return Check(" ".join(contact.split()))
    return Check(
        None,
        "Sorry, that doesn't look like a phone number or an e-mail address. Please type one, "
        "for example +44 20 7946 0958 or name@example.com.",
    )


def check_time(text: str) -> Check:
    if _has_control_characters(text.strip()):
        return Check(None, "Please describe the time that suits you on one line.")
    when = " ".join(text.split())
    if not when:
        return Check(None, "When would suit you best for the call?")
    if len(when) > MAX_TIME_CHARS:
        return Check(
            None,
            f"Please keep it short (up to {MAX_TIME_CHARS} characters), e.g. 'weekday mornings'.",
        )
    return Check(when)


def consent_of(text: str) -> bool | None:
    """True for a clear yes, False for a clear no, None when the answer is neither."""
    answer = " ".join(re.sub(r"[.!]+$", "", text.strip().lower()).split())
    answer = answer.replace("\u2019", "'")
    if answer in YES:
        return True
    if answer in NO:
        return False
    return None


# Stopping the request, said in the form's place of an answer. Matched on the words, not
# left to the intent classifier alone: a name it has never seen ("Zed Quill") can look
# to it like "quit", and a name must never end the request.
_CANCEL = re.compile(
    r"^(?:(?:no,? |ok,? |actually,? |please )?(?:cancel|stop|quit|exit|abort|never ?mind|"
    r"forget (?:it|that|this|the (?:call ?back|request))|scrap (?:it|that)|drop it)"
    r"(?: (?:it|this|that|please|the (?:call ?back|request)|asking))*[.!]*"
    r"|i(?:'ve| have)? changed my mind.*"
    r"|i (?:don't|do not) want (?:a|the|to be) ?(?:call ?back|called|contacted).*)$"
)


def is_cancel(text: str) -> bool:
    """Whether the patient is stopping the callback request."""
    words = " ".join(text.strip().lower().replace("\u2019", "'").split())
    return bool(_CANCEL.match(words))


CONSENT_UNCLEAR = "Please answer yes or no: may the clinic contact you about this request?"


def when_the_clinic_calls(hours: OpeningHours | None, now: datetime) -> str:
    """When the patient can expect the call, from the opening hours (a fixed clock in tests)."""
    if hours is None:
        return "as soon as they can, during opening hours"
    closes = hours.closes_at(now)
    if closes is not None:
        return f"during opening hours today (the clinic is open until {closes:%H:%M})"
    local = now.astimezone(hours.zone)
    opens = hours.next_opening(local)
    if opens is None:
        return "as soon as they can"
    part = "morning" if opens.hour < 12 else "afternoon" if opens.hour < 17 else "evening"
    day = day_words(opens, local.date(), today="this")
    return f"when the clinic next opens, {day} {part} (from {opens:%H:%M})"
