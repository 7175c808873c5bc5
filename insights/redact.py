"""Removes phone numbers and e-mail addresses from patients' words before a report shows them.

Over-redaction is the safe side: any run of 7 or more digits (with spaces, dots, dashes,
slashes or brackets between them) counts as a phone number, unless it is a calendar date
(2025-03-14, 14/03/2025). Other personal details (names, addresses) are not recognised:
docs/insights.md says who may read the report.
"""

from __future__ import annotations

import datetime as dt
import re

EMAIL_MARK = "[email]"
PHONE_MARK = "[phone]"

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# A digit, then digits with at most three separators between them; an optional leading
# "+" or "(" ("+44 20 7946 0000", "(555) 123-4567", "07700 900123", "+44 (0)20 7946 0000").
PHONE = re.compile(r"(?<![\w+])(?:\+|\()?\d(?:[ \t.\-/()]{0,3}\d)+\)?(?!\w)")
MIN_PHONE_DIGITS = 7
DATE = re.compile(r"(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})")


def is_date(text: str) -> bool:
    """Whether `text` is a real calendar date, year first or last (day or month first)."""
    match = DATE.fullmatch(text)
    if match is None:
        return False
    a, b, c = (int(part) for part in match.groups())
    first, last = match.group(1), match.group(3)
    if len(first) == 4:
        readings = [(a, b, c)]
    elif len(last) in (2, 4) and len(first) <= 2:
        year = c if len(last) == 4 else 2000 + c
        readings = [(year, b, a), (year, a, b)]
    else:
        return False
    for year, month, day in readings:
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if sum(c.isdigit() for c in text) < MIN_PHONE_DIGITS or is_date(text):
        return text
    return PHONE_MARK


def redact(text: str) -> str:
    """`text` with each e-mail address and phone number replaced by a marker."""
    return PHONE.sub(_phone, EMAIL.sub(EMAIL_MARK, text))
