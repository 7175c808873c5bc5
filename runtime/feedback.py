"""Patients' 👍 / 👎 on the article's answers, kept beside their conversation.

Stored in a `feedback` table of the SAME database as the conversations (Rasa's `events`
table), keyed by the conversation's sender id, rather than as a Rasa event in the
tracker: an event appended from outside a turn would have to take the conversation's
lock, would be replayed into every later tracker (and sent to the action server), and
would be one more thing the policies could be made to read. A row in a table nothing
predicts from cannot change the conversation's context or retrain anything, and
runtime/privacy.py deletes it with the conversation (erase, and the retention purge),
because a "what was missing" comment is a patient's own words about their health.

Nothing here logs a comment.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

RATINGS = ("up", "down")
# The passages an answer served, as the bot event records them (actions/actions.py).
PASSAGES_KEY = "passages"
ANSWER_KEY_CHARS = 12

_METADATA = sa.MetaData()
FEEDBACK = sa.Table(
    "feedback",
    _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Float, nullable=False),
    # One vote per answer and conversation: the answer is named by its passages.
    sa.Column("answer", sa.String(32), nullable=False),
    sa.Column("passages", sa.Text, nullable=False),
    sa.Column("rating", sa.String(8), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    # A comment that described an emergency: answered at once, never shown in reports.
    sa.Column("red_flag", sa.Boolean, nullable=False, default=False),
)


@dataclass(frozen=True)
class Feedback:
    sender_id: str
    passages: tuple[str, ...]
    rating: str
    comment: str | None = None
    red_flag: bool = False
    timestamp: float = 0.0


def answer_key(passages: Iterable[str]) -> str:
    """A short, stable name for the answer that served these passages (fits in a
    Telegram button's 64 bytes of data, whatever the number of passages)."""
    joined = ",".join(sorted(set(passages)))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:ANSWER_KEY_CHARS]


def has_table(connection: sa.engine.Connection, name: str) -> bool:
    return sa.inspect(connection).has_table(name)


def served_answers(engine: sa.engine.Engine, sender_id: str) -> list[tuple[str, ...]] | None:
    """The passages of each answer the conversation was served, None when there is no
    such conversation."""
    with engine.connect() as connection:
        if not has_table(connection, "events"):
            return None
        known = connection.execute(
            sa.text("SELECT 1 FROM events WHERE sender_id = :s LIMIT 1"), {"s": sender_id}
        ).first()
        if known is None:
            return None
        rows = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'bot'"),
            {"s": sender_id},
        )
        answers: list[tuple[str, ...]] = []
        for (data,) in rows:
            passages = _recorded_passages(data)
            if passages:
                answers.append(passages)
        return answers


def _recorded_passages(data: str | None) -> tuple[str, ...]:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return ()
    metadata = event.get("metadata") if isinstance(event, dict) else None
    passages = metadata.get(PASSAGES_KEY) if isinstance(metadata, dict) else None
    if not isinstance(passages, list):
        return ()
    return tuple(str(p) for p in passages if isinstance(p, str))


def was_served(answers: Sequence[tuple[str, ...]], passages: Sequence[str]) -> bool:
    """Whether one answer of the conversation served all these passages."""
    wanted = set(passages)
    return bool(wanted) and any(wanted <= set(served) for served in answers)


def answer_with_key(answers: Sequence[tuple[str, ...]], key: str) -> tuple[str, ...] | None:
    """The served answer a messaging channel's 👍/👎 button names by its key."""
    return next((served for served in answers if answer_key(served) == key), None)


def record(engine: sa.engine.Engine, feedback: Feedback) -> None:
    """Keeps the patient's latest vote on an answer: a changed mind replaces the earlier
    vote (and its comment) instead of counting twice."""
    key = answer_key(feedback.passages)
    with engine.begin() as connection:
        _METADATA.create_all(connection, checkfirst=True)
        connection.execute(
            FEEDBACK.delete().where(
                FEEDBACK.c.sender_id == feedback.sender_id, FEEDBACK.c.answer == key
            )
        )
        connection.execute(
            FEEDBACK.insert().values(
                sender_id=feedback.sender_id,
                timestamp=feedback.timestamp or time.time(),
                answer=key,
                passages=json.dumps(sorted(set(feedback.passages))),
                rating=feedback.rating,
                comment=feedback.comment or None,
                red_flag=feedback.red_flag,
            )
        )


def read_feedback(engine: sa.engine.Engine, since: float, until: float) -> list[Feedback]:
    """The votes given from `since` to `until` (Unix times), for reports."""
    with engine.connect() as connection:
        if not has_table(connection, FEEDBACK.name):
            return []
        query = (
            sa.select(FEEDBACK)
            .where(FEEDBACK.c.timestamp >= since, FEEDBACK.c.timestamp <= until)
            .order_by(FEEDBACK.c.id)
        )
        return [
            Feedback(
                sender_id=row.sender_id,
                passages=tuple(json.loads(row.passages)),
                rating=row.rating,
                comment=row.comment,
                red_flag=bool(row.red_flag),
                timestamp=float(row.timestamp),
            )
            for row in connection.execute(query)
        ]


def erase_feedback(connection: sa.engine.Connection, sender_id: str) -> None:
    """Deletes a conversation's votes (runtime/privacy.py, inside its transaction)."""
    if has_table(connection, FEEDBACK.name):
        connection.execute(FEEDBACK.delete().where(FEEDBACK.c.sender_id == sender_id))


def drop_orphans(connection: sa.engine.Connection) -> None:
    """Deletes votes whose conversation is gone (the retention purge)."""
    if has_table(connection, FEEDBACK.name):
        connection.execute(
            sa.text(
                "DELETE FROM feedback "
                "WHERE sender_id NOT IN (SELECT DISTINCT sender_id FROM events)"
            )
        )
