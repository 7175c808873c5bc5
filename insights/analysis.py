"""Turns the tracker store's events into the report's figures (the shape of insights.json).

What is read, and from which events (docs/insights.md has the details):

- messages: `user` events; a conversation is one sender id, and its channel the sender
  id's prefix (`web:`, `sms:`, `tg:`, `fb:`), else the user event's `input_channel`;
- answers: an answering action (`action_answer_from_article`, or the personal-medical
  one) and what follows it until the next action: the `current_section` slot event gives
  the section, the `bot` event's text the passages quoted (matched against the article,
  unless the bot event records their ids in `metadata.passages`);
- unanswered questions: `user` events with intent `out_of_scope` or `nlu_fallback`, and
  article questions for which the answer action found no passage; redacted, then grouped;
- feedback: the `feedback` table beside the events (runtime/feedback.py: the widget's,
  Telegram's and Messenger's 👍/👎), and the event shapes documented in docs/insights.md;
- callback requests: their outbox table, read by insights/report.py (runtime/outbox.py);
- red flags: `user` events with intent `report_emergency` or `report_self_harm`, counted
  per day. Their text is never read into the report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from content.article import SECTION_TITLES, Article, Passage, load_article
from insights.grouping import group_similar
from insights.redact import redact
from insights.store import Event
from runtime.feedback import Feedback

ANSWER_ACTIONS = ("action_answer_from_article", "action_answer_personal_medical")
# The answer action that replies "out of scope" when the article has no passage.
ARTICLE_ACTION = "action_answer_from_article"
SECTION_SLOT = "current_section"
OUT_OF_SCOPE_INTENT = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"  # the "did you mean ...?" menu
RED_FLAG_INTENTS = ("report_emergency", "report_self_harm")
# The "did you mean" menu offers urgent help when a red flag is among this many intents.
URGENT_AMONG = 3
# The intent and metadata keys feedback may also be recorded under (docs/insights.md).
FEEDBACK_INTENT = "feedback"
FEEDBACK_KEY = "feedback"
PASSAGES_KEY = "passages"

CHANNELS: dict[str, str] = {
    "web": "Website widget",
    "sms": "SMS / WhatsApp",
    "tg": "Telegram",
    "fb": "Messenger",
}
# Rasa's input channel names, for a sender id without one of the prefixes above.
INPUT_CHANNELS: dict[str, str] = {
    "rest": "web",
    "twilio": "sms",
    "telegram": "tg",
    "facebook": "fb",
}
OTHER_CHANNEL = "other"

RATINGS: dict[str, str] = {
    "up": "up",
    "down": "down",
    "\N{THUMBS UP SIGN}": "up",
    "\N{THUMBS DOWN SIGN}": "down",
    "thumbs_up": "up",
    "thumbs_down": "down",
    "positive": "up",
    "negative": "down",
    "helpful": "up",
    "not_helpful": "down",
}
# How a button payload reaches the store ("/show_section{...}"), and the mark the REST
# channel puts before a patient's own typed slash (channels/rest.py).
PAYLOAD_PREFIX = "/"
TYPED_SLASH_GUARD = "\u2060"
MAX_TEXT_CHARS = 300
MAX_PASSAGES = 10
MAX_COMMENTS = 5


def channel_of(sender_id: str, input_channel: str | None = None) -> str:
    prefix = sender_id.split(":", 1)[0] if ":" in sender_id else ""
    if prefix in CHANNELS:
        return prefix
    return INPUT_CHANNELS.get(input_channel or "", input_channel or OTHER_CHANNEL)


def day_of(timestamp: float) -> str:
    """The day (UTC) of a Unix time, as YYYY-MM-DD."""
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date().isoformat()


def days_between(start: float, end: float) -> list[str]:
    first = dt.date.fromisoformat(day_of(start))
    last = dt.date.fromisoformat(day_of(end))
    return [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def shown_text(text: str) -> str:
    """A patient's words as a report may show them: redacted, on one line, bounded."""
    text = " ".join(redact(text.replace(TYPED_SLASH_GUARD, "")).split())
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "\u2026"


def is_payload(text: str) -> bool:
    return text.startswith(PAYLOAD_PREFIX)


def possibly_urgent(event: Event) -> bool:
    """Whether an unclear message's likeliest intents include a red flag: the "did you
    mean...?" menu then offers urgent help first (actions/actions.py)."""
    ranking = event.parse_data.get("intent_ranking")
    names = (
        [str(r.get("name")) for r in ranking if isinstance(r, dict)]
        if isinstance(ranking, list)
        else []
    )
    likeliest = [name for name in names if name != FALLBACK_INTENT][:URGENT_AMONG]
    return any(name in RED_FLAG_INTENTS for name in likeliest)


# --- passages ----------------------------------------------------------------------


class PassageMatcher:
    """Which article passages an answer's text quotes (answers are the article's words)."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.forms: list[tuple[Passage, tuple[str, ...]]] = []
        for passage in article.passages.values():
            alone = passage.standalone()
            forms = {passage.text, *([alone.text] if alone is not None else [])}
            self.forms.append((passage, tuple(f for f in forms if f)))

    def quoted(self, text: str) -> list[Passage]:
        return [p for p, forms in self.forms if any(f in text for f in forms)]

    def served(self, passages: Sequence[Passage]) -> tuple[list[str], list[str]]:
        """(whole sections, single passages) an answer served: a section quoted whole
        counts as the section, and a lead-in quoted with its bullets is not an answer."""
        whole: list[str] = []
        single: list[str] = []
        by_section: dict[str, list[Passage]] = defaultdict(list)
        for passage in passages:
            by_section[passage.section_id].append(passage)
        for section_id, quoted in by_section.items():
            section = self.article.sections.get(section_id)
            if section is not None and {p.id for p in quoted} >= {p.id for p in section.passages}:
                whole.append(section_id)
                continue
            has_bullets = any(p.kind == "bullet" for p in quoted)
            single += [p.id for p in quoted if not (has_bullets and p.is_lead_in)]
        return whole, single


# --- feedback ------------------------------------------------------------------------


def feedback_record(vote: Feedback) -> dict[str, Any]:
    """A vote of the feedback table in the shape the report reads."""
    return {
        "rating": vote.rating,
        PASSAGES_KEY: list(vote.passages),
        "comment": vote.comment,
        "red_flag": vote.red_flag,
    }


def feedback_of(event: Event) -> dict[str, Any] | None:
    """The feedback an event carries: `data.metadata.feedback` on a bot or user event (or
    the user message's metadata), or a user event with intent `feedback` and entities
    `rating`, `passage`, `comment`."""
    holders = [event.metadata, event.parse_data.get("metadata")]
    for holder in holders:
        if isinstance(holder, dict) and isinstance(holder.get(FEEDBACK_KEY), dict):
            return dict(holder[FEEDBACK_KEY])
    if event.type_name != "user" or event.intent_name != FEEDBACK_INTENT:
        return None
    entities = event.parse_data.get("entities")
    found: dict[str, Any] = {PASSAGES_KEY: []}
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        name, value = entity.get("entity"), entity.get("value")
        if name == "rating":
            found["rating"] = value
        elif name == "passage" and isinstance(value, str):
            found[PASSAGES_KEY].append(value)
        elif name == "comment":
            found["comment"] = value
    return found


def rating_of(feedback: dict[str, Any]) -> str | None:
    value = feedback.get("rating")
    return RATINGS.get(value.strip().lower()) if isinstance(value, str) else None


# --- the figures -----------------------------------------------------------------------


@dataclass
class _Answer:
    action: str
    question: Event | None
    section: str | None = None
    texts: list[str] = field(default_factory=list)
    recorded: list[str] | None = None


@dataclass
class Tally:
    """Everything counted while reading the events, before it is shaped for the report."""

    matcher: PassageMatcher
    messages: Counter[tuple[str, str]] = field(default_factory=Counter)  # (day, channel)
    conversations: dict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    senders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sections: Counter[str] = field(default_factory=Counter)
    whole_sections: Counter[str] = field(default_factory=Counter)
    passages: Counter[str] = field(default_factory=Counter)
    passages_recorded: int = 0
    passages_derived: int = 0
    unanswered: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)
    withheld: int = 0
    red_flags: Counter[tuple[str, str]] = field(default_factory=Counter)  # (day, intent)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    first: float | None = None
    last: float | None = None

    def read(self, events: Iterable[Event]) -> None:
        for sender, conversation in groupby(events, key=lambda e: e.sender_id):
            self._conversation(sender, list(conversation))

    def _conversation(self, sender: str, events: list[Event]) -> None:
        users = [e for e in events if e.type_name == "user"]
        input_channel = next(
            (str(e.data["input_channel"]) for e in users if e.data.get("input_channel")), None
        )
        channel = channel_of(sender, input_channel)
        section: str | None = None
        question: Event | None = None
        answer: _Answer | None = None
        in_form = False
        for event in events:
            self.first = min(self.first or event.timestamp, event.timestamp)
            self.last = max(self.last or event.timestamp, event.timestamp)
            kind = event.type_name
            if kind == "action" and answer is not None:
                self._close(answer)
                answer = None
            if kind == "active_loop":
                # A form's questions (the callback request) are answered with a name, a
                # phone number, a time: contact details, never an unanswered question.
                in_form = bool(event.data.get("name"))
            if kind == "user":
                question = event
                self._user(sender, channel, event, in_form)
            elif kind == "action" and event.action_name in ANSWER_ACTIONS:
                answer = _Answer(str(event.action_name), question)
            elif kind == "slot" and event.action_name == SECTION_SLOT:
                value = event.data.get("value")
                section = value if isinstance(value, str) else None
                if answer is not None and section:
                    answer.section = section
            elif kind == "bot" and answer is not None:
                answer.texts.append(event.text)
                recorded = event.metadata.get(PASSAGES_KEY)
                if isinstance(recorded, list):
                    answer.recorded = [str(p) for p in recorded]
            feedback = feedback_of(event) if kind in ("user", "bot") else None
            if feedback is not None:
                feedback.setdefault("_section", section)
                self.feedback.append(feedback)
        if answer is not None:
            self._close(answer)

    def _user(self, sender: str, channel: str, event: Event, in_form: bool = False) -> None:
        day = day_of(event.timestamp)
        self.messages[(day, channel)] += 1
        self.conversations[(day, channel)].add(sender)
        self.senders[channel].add(sender)
        intent = event.intent_name
        if intent in RED_FLAG_INTENTS:
            # Counted, never read: the text stays in the store.
            self.red_flags[(day, str(intent))] += 1
        elif in_form:
            return
        elif intent in (OUT_OF_SCOPE_INTENT, FALLBACK_INTENT) and not is_payload(event.text):
            if intent == FALLBACK_INTENT and possibly_urgent(event):
                # "Did you mean...?" offered urgent help: possibly an emergency, so unread.
                self.withheld += 1
            else:
                reason = "out_of_scope" if intent == OUT_OF_SCOPE_INTENT else "did_you_mean"
                self.unanswered.append((reason, shown_text(event.text)))

    def _close(self, answer: _Answer) -> None:
        if answer.section:
            self.sections[answer.section] += 1
            if answer.recorded is not None:
                self.passages_recorded += 1
                ids = [pid for pid in answer.recorded if pid in self.matcher.article.passages]
                passages = [self.matcher.article.passage(pid) for pid in ids]
            else:
                self.passages_derived += 1
                passages = self.matcher.quoted("\n".join(answer.texts))
            whole, single = self.matcher.served(passages)
            self.whole_sections.update(whole)
            self.passages.update(single)
            return
        question = answer.question
        if (
            answer.action == ARTICLE_ACTION
            and question is not None
            and question.intent_name not in RED_FLAG_INTENTS
            and question.text
            and not is_payload(question.text)
        ):
            self.unanswered.append(("no_passage", shown_text(question.text)))


def section_title(section_id: str) -> str:
    return SECTION_TITLES.get(section_id, section_id)


def excerpt(article: Article, passage_id: str, chars: int = 90) -> str:
    text = article.passages[passage_id].text if passage_id in article.passages else ""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "\u2026"


def summarise(
    events: Iterable[Event],
    since: float,
    until: float,
    article: Article | None = None,
    feedback: Iterable[Feedback] = (),
) -> dict[str, Any]:
    """The report's figures for the events and votes from `since` to `until`
    (insights.json)."""
    article = article or load_article()
    tally = Tally(PassageMatcher(article))
    tally.read(events)
    tally.feedback.extend(feedback_record(vote) for vote in feedback)
    days = days_between(since, until)
    channels = sorted(tally.senders, key=lambda c: (c not in CHANNELS, c))
    per_day = []
    for day in days:
        by_channel = {
            c: {
                "conversations": len(tally.conversations.get((day, c), ())),
                "messages": tally.messages[(day, c)],
            }
            for c in channels
        }
        day_senders = set().union(*(tally.conversations.get((day, c), set()) for c in channels))
        per_day.append(
            {
                "date": day,
                "conversations": len(day_senders),
                "messages": sum(v["messages"] for v in by_channel.values()),
                "by_channel": by_channel,
            }
        )
    return {
        "first_event": _iso(tally.first),
        "last_event": _iso(tally.last),
        "totals": {
            "conversations": sum(len(s) for s in tally.senders.values()),
            "messages": sum(tally.messages.values()),
            "unanswered": len(tally.unanswered) + tally.withheld,
            "red_flags": sum(tally.red_flags.values()),
        },
        "per_day": per_day,
        "per_channel": [
            {
                "channel": c,
                "name": CHANNELS.get(c, c),
                "conversations": len(tally.senders[c]),
                "messages": sum(n for (_, ch), n in tally.messages.items() if ch == c),
            }
            for c in channels
        ],
        "sections": _sections(tally),
        "passages": _passages(tally, article),
        "unanswered": _unanswered(tally),
        "feedback": _feedback(tally.feedback, article),
        "red_flags": {
            "total": sum(tally.red_flags.values()),
            "per_day": [
                {
                    "date": day,
                    **{intent: tally.red_flags[(day, intent)] for intent in RED_FLAG_INTENTS},
                }
                for day in days
            ],
        },
    }


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds")


def _sections(tally: Tally) -> dict[str, Any]:
    known = [s for s in SECTION_TITLES if tally.sections[s]]
    other = [s for s in tally.sections if s not in SECTION_TITLES]
    return {
        "source": "the current_section slot each answer set",
        "questions": [
            {"section": s, "title": section_title(s), "questions": tally.sections[s]}
            for s in sorted([*known, *other], key=lambda s: -tally.sections[s])
        ],
    }


def _passages(tally: Tally, article: Article) -> dict[str, Any]:
    if tally.passages_recorded and not tally.passages_derived:
        source = "recorded"
    elif tally.passages_recorded:
        source = "recorded and answer text"
    else:
        source = "answer text"
    return {
        "source": source,
        "served": [
            {
                "passage": pid,
                "section": pid.split(".", 1)[0],
                "count": n,
                "excerpt": excerpt(article, pid),
            }
            for pid, n in tally.passages.most_common(MAX_PASSAGES)
        ],
        "whole_sections": [
            {"section": s, "title": section_title(s), "count": n}
            for s, n in tally.whole_sections.most_common()
        ],
    }


def _unanswered(tally: Tally) -> dict[str, Any]:
    reasons = Counter(reason for reason, _ in tally.unanswered)
    groups = group_similar([text for _, text in tally.unanswered if text])
    return {
        "total": len(tally.unanswered) + tally.withheld,
        "out_of_scope": reasons["out_of_scope"],
        "did_you_mean": reasons["did_you_mean"],
        "no_passage": reasons["no_passage"],
        "withheld_possible_emergency": tally.withheld,
        "groups": [{"count": g.count, "examples": list(g.examples)} for g in groups],
    }


def _feedback(records: list[dict[str, Any]], article: Article) -> dict[str, Any]:
    ratings = Counter(rating_of(r) or "unrated" for r in records)
    per_section: dict[str, Counter[str]] = defaultdict(Counter)
    per_passage: dict[str, Counter[str]] = defaultdict(Counter)
    comments: dict[str, list[str]] = defaultdict(list)
    for record in records:
        rating = rating_of(record)
        passages = [str(p) for p in record.get(PASSAGES_KEY) or [] if isinstance(p, str)]
        section = record.get("section") or (passages[0].split(".", 1)[0] if passages else None)
        section = section or record.get("_section") or "unknown"
        if rating:
            per_section[str(section)][rating] += 1
        for pid in passages or [""]:
            if rating:
                per_passage[pid][rating] += 1
            comment = record.get("comment")
            # A comment the feedback feature flagged as a red flag is never shown.
            if (
                rating == "down"
                and isinstance(comment, str)
                and comment.strip()
                and not record.get("red_flag")
                and len(comments[pid]) < MAX_COMMENTS
            ):
                comments[pid].append(shown_text(comment))
    most_down = sorted(
        (pid for pid in per_passage if per_passage[pid]["down"]),
        key=lambda pid: (-per_passage[pid]["down"], pid),
    )[:MAX_PASSAGES]
    return {
        "recorded": bool(records),
        "total": len(records),
        "up": ratings["up"],
        "down": ratings["down"],
        "unrated": ratings["unrated"],
        "per_section": [
            {
                "section": s,
                "title": section_title(s),
                "up": per_section[s]["up"],
                "down": per_section[s]["down"],
            }
            for s in sorted(per_section, key=lambda s: -sum(per_section[s].values()))
        ],
        "most_down_passages": [
            {
                "passage": pid or None,
                "excerpt": excerpt(article, pid) if pid else "(no passage named)",
                "down": per_passage[pid]["down"],
                "up": per_passage[pid]["up"],
                "missing": comments[pid],
            }
            for pid in most_down
        ],
    }
