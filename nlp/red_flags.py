"""Recognises messages that describe a medical emergency, whatever NLU says."""
from __future__ import annotations

import re
from typing import List, Pattern

from nlp.terms import RED_FLAG_PATTERNS

_COMPILED: List[Pattern[str]] = [re.compile(p, re.IGNORECASE) for p in RED_FLAG_PATTERNS]


def _normalise(text: str) -> str:
    # Curly apostrophes from phone keyboards would otherwise break "can't".
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())


def matching_red_flag(text: str) -> str | None:
    """The first red-flag pattern the message matches, or None."""
    normalised = _normalise(text or "")
    for pattern in _COMPILED:
        if pattern.search(normalised):
            return pattern.pattern
    return None


def is_red_flag(text: str) -> bool:
    return matching_red_flag(text) is not None
