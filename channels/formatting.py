"""Shaping the bot's replies for messaging channels: splitting and numbered options.

Plain functions without any channel library, so they can be unit-tested on their own.

The article's answers are up to ~1,500 characters, end with a disclaimer paragraph and
may contain "- " bullet lines. Every channel has a per-message limit, and SMS/WhatsApp
cannot show buttons, so:

* `split_text` cuts a long text into messages that fit a limit, preferring paragraph,
  then line (bullet), then sentence, then word boundaries. No text is ever dropped, so
  the disclaimer always reaches the patient.
* `numbered_options` turns buttons into "Reply with a number:" lines, and
  `option_number` recognises the patient's "2" reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# Per-message limits, in the unit each provider counts (see `utf16_length`).
TWILIO_SMS_LIMIT = 1600
TWILIO_WHATSAPP_LIMIT = 4096
MESSENGER_LIMIT = 2000
TELEGRAM_LIMIT = 4096

# Messenger quick replies: at most 13 of them, each title at most 20 characters.
MESSENGER_MAX_QUICK_REPLIES = 13
MESSENGER_MAX_QUICK_REPLY_TITLE = 20

NUMBERED_INTRO = "Reply with a number:"
# The text of a message that carries buttons but no text of its own.
CHOOSE_PROMPT = "Please choose:"

Measure = Callable[[str], int]
Button = dict[str, Any]

# Boundaries to split at, from the most to the least natural. Each pattern matches the
# whitespace between two pieces, so pieces never lose or gain a character.
_BOUNDARIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraphs (the disclaimer is one)
    re.compile(r"\n\s*"),  # lines: every "- " bullet is a line of its own
    re.compile(r"(?<=[.!?…])\s+"),  # sentences
    re.compile(r"\s+"),  # words
)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """Cut `text` into stripped parts of at most `limit` (as `measure`d) each.

    Parts are packed greedily, so a text that fits is returned whole, and splits fall
    at the most natural boundary available. A word is cut only when it alone exceeds
    the limit. Joining the parts gives back the text up to whitespace.
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    text = text.strip()
    if not text:
        return []
    parts = (part.strip() for part in _split(text, limit, measure, level=0))
    return [part for part in parts if part]


def _split(text: str, limit: int, measure: Measure, level: int) -> list[str]:
    if measure(text) <= limit:
        return [text]
    if level == len(_BOUNDARIES):
        return _cut(text, limit, measure)

    parts: list[str] = []
    current = ""
    for separator, piece in _pieces(text, _BOUNDARIES[level]):
        candidate = current + separator + piece if current else piece
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        # The piece alone may still be too long: split it at a finer boundary and
        # keep packing after its last part.
        smaller = _split(piece, limit, measure, level + 1)
        parts.extend(smaller[:-1])
        current = smaller[-1]
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, boundary: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """Yield (whitespace before the piece, piece) for each piece between boundaries."""
    start, separator = 0, ""
    for match in boundary.finditer(text):
        yield separator, text[start : match.start()]
        separator, start = match.group(), match.end()
    yield separator, text[start:]


def _cut(word: str, limit: int, measure: Measure) -> list[str]:
    """Last resort for a single word longer than the limit: cut it between characters."""
    parts: list[str] = []
    current = ""
    for char in word:
        if current and measure(current + char) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return parts


def button_titles(buttons: Sequence[Button]) -> list[str]:
    return [" ".join(str(button.get("title", "")).split()) for button in buttons]


def button_payloads(buttons: Sequence[Button]) -> list[str]:
    """What choosing each button sends to the bot (its payload, else its title)."""
    return [str(button.get("payload") or button.get("title", "")) for button in buttons]


def numbered_options(text: str, titles: Sequence[str]) -> str:
    """Append the buttons' titles as numbered options, for channels without buttons."""
    options = "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))
    block = f"{NUMBERED_INTRO}\n{options}"
    text = text.strip()
    return f"{text}\n\n{block}" if text else block


def option_number(reply: str) -> int | None:
    """The option a reply picks ("2", " 2 ") or None if the reply is not just a number."""
    match = re.fullmatch(r"\s*(\d{1,3})\s*", reply or "")
    return int(match.group(1)) if match else None


def fits_quick_replies(
    buttons: Sequence[Button],
    max_count: int = MESSENGER_MAX_QUICK_REPLIES,
    max_title: int = MESSENGER_MAX_QUICK_REPLY_TITLE,
) -> bool:
    """Whether Messenger can show these buttons as quick replies without cutting titles."""
    titles = button_titles(buttons)
    return 0 < len(titles) <= max_count and all(0 < len(title) <= max_title for title in titles)
