"""Reads the events of the tracker store that an endpoints file names (SQLite or PostgreSQL).

Rasa's SQL tracker store keeps every event of every conversation in one `events` table:
sender_id, type_name, timestamp, intent_name, action_name and the event as JSON in `data`.
Only reading happens here, and only of what the store still holds: the retention purge
(runtime/privacy.py) has already deleted older conversations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# The events a report reads; the others (featurization, session starts...) carry nothing.
KINDS = ("user", "bot", "action", "slot", "active_loop")


@dataclass(frozen=True)
class Event:
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    data: dict[str, Any]

    @property
    def metadata(self) -> dict[str, Any]:
        value = self.data.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def parse_data(self) -> dict[str, Any]:
        value = self.data.get("parse_data")
        return value if isinstance(value, dict) else {}

    @property
    def text(self) -> str:
        value = self.data.get("text")
        return value if isinstance(value, str) else ""


def holds_events(engine: sa.engine.Engine) -> bool:
    """Whether the store has an events table (without creating an SQLite file)."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:" and not Path(database).exists():
            return False
    return sa.inspect(engine).has_table("events")


def read_events(engine: sa.engine.Engine, since: float, until: float) -> Iterator[Event]:
    """The events from `since` to `until` (Unix times), by conversation, in stored order."""
    if not holds_events(engine):
        return
    query = sa.text(
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
        "WHERE timestamp >= :since AND timestamp <= :until AND type_name IN :kinds "
        "ORDER BY sender_id, id"
    ).bindparams(sa.bindparam("kinds", expanding=True))
    params = {"since": since, "until": until, "kinds": list(KINDS)}
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True).execute(query, params)
        for sender_id, type_name, timestamp, intent_name, action_name, data in rows:
            yield Event(
                sender_id=str(sender_id),
                type_name=str(type_name),
                timestamp=float(timestamp),
                intent_name=intent_name,
                action_name=action_name,
                data=_json(data),
            )


def _json(data: str | None) -> dict[str, Any]:
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
