"""The callback outbox: patients' callback requests, waiting to be e-mailed to the clinic.

It is a table in the conversations' own database (the tracker store's: SQLite by default,
PostgreSQL in the prod profile). The tracker store writes a request in the same
transaction as the turn that recorded it (runtime/rasa_compat.py), so a request exists
exactly when the conversation says it was passed on; the deliverer (runtime/mailer.py)
then sends it and marks it delivered. Erasure and the retention purge delete its rows
with the conversation's (runtime/privacy.py): they are health data.

Rows hold the patient's name and phone or e-mail: nothing here logs a row's values.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from content.callback import REQUEST_SLOT, check_contact, check_name, check_time, contact_kind

logger = logging.getLogger(__name__)

TABLE = "callback_outbox"
PENDING = "pending"
DELIVERED = "delivered"

metadata = sa.MetaData()
outbox = sa.Table(
    TABLE,
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # The idempotency key: one row per request however often a turn is saved, and the
    # e-mail's Message-ID, so a retried delivery is recognisably the same request.
    sa.Column("request_key", sa.String(64), nullable=False, unique=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("contact", sa.Text, nullable=False),
    sa.Column("contact_kind", sa.String(8), nullable=False),
    sa.Column("preferred_time", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("delivered_at", sa.Float, nullable=True),
    # An exception's class name only, never a server's reply (it may quote the address).
    sa.Column("last_error", sa.String(80), nullable=True),
)


@dataclass(frozen=True)
class CallbackRow:
    id: int
    request_key: str
    sender_id: str
    created_at: float
    name: str
    contact: str
    contact_kind: str
    preferred_time: str
    state: str
    attempts: int
    next_attempt_at: float


def ensure_outbox(engine: sa.engine.Engine) -> None:
    """Creates the table (and its indexes) where it is missing, on any SQL dialect.

    Several processes may start at once (Rasa replicas, the deliverer): when another one
    created the table between our check and our CREATE, that is success too.
    """
    try:
        metadata.create_all(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        if not sa.inspect(engine).has_table(TABLE):
            raise


def has_outbox(connection: sa.engine.Connection) -> bool:
    return bool(sa.inspect(connection).has_table(TABLE))


def requests_in(events: Iterable[Any]) -> list[Mapping[str, Any]]:
    """The callback requests a batch of Rasa events records (set on the request slot)."""
    found = []
    for event in events:
        if (
            getattr(event, "type_name", None) != "slot"
            or getattr(event, "key", None) != REQUEST_SLOT
        ):
            continue
        value = getattr(event, "value", None)
        if isinstance(value, Mapping):
            found.append(value)
    return found


def enqueue(
    connection: sa.engine.Connection,
    sender_id: str,
    request: Mapping[str, Any],
    now: float | None = None,
) -> bool:
    """Adds a request in the caller's transaction; False when it is already there or is
    not a valid request (checked again here: the store never holds what the form refused)."""
    key = str(request.get("id") or "")
    name = check_name(str(request.get("name") or "")).value
    contact = check_contact(str(request.get("contact") or "")).value
    when = check_time(str(request.get("preferred_time") or "")).value
    if not (key.isalnum() and len(key) <= 64 and name and contact and when):
        logger.warning("callback.outbox.refused")
        return False
    exists = connection.execute(sa.select(outbox.c.id).where(outbox.c.request_key == key)).first()
    if exists is not None:
        return False
    now = time.time() if now is None else now
    connection.execute(
        outbox.insert().values(
            request_key=key,
            sender_id=sender_id,
            created_at=now,
            name=name,
            contact=contact,
            contact_kind=contact_kind(contact),
            preferred_time=when,
            state=PENDING,
            attempts=0,
            next_attempt_at=now,
        )
    )
    logger.info("callback.outbox.queued key=%s", key[:8])
    return True


def due(engine: sa.engine.Engine, now: float, limit: int = 50) -> list[CallbackRow]:
    query = (
        sa.select(outbox)
        .where(outbox.c.state == PENDING, outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return [_row(row) for row in connection.execute(query).mappings()]


def claim(engine: sa.engine.Engine, row: CallbackRow, now: float, lease_seconds: float) -> bool:
    """Takes the row for one delivery attempt. Only one deliverer wins a row: the update
    matches only while the row is as it was read (optimistic, on every dialect)."""
    with engine.begin() as connection:
        result = connection.execute(
            outbox.update()
            .where(
                outbox.c.id == row.id,
                outbox.c.state == PENDING,
                outbox.c.attempts == row.attempts,
                outbox.c.next_attempt_at <= now,
            )
            .values(attempts=row.attempts + 1, next_attempt_at=now + lease_seconds)
        )
    return result.rowcount == 1


def mark_delivered(engine: sa.engine.Engine, row_id: int, now: float) -> None:
    with engine.begin() as connection:
        connection.execute(
            outbox.update()
            .where(outbox.c.id == row_id)
            .values(state=DELIVERED, delivered_at=now, last_error=None)
        )


def retry_later(engine: sa.engine.Engine, row_id: int, at: float, error: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            outbox.update()
            .where(outbox.c.id == row_id, outbox.c.state == PENDING)
            .values(next_attempt_at=at, last_error=error[:80])
        )


def erase_sender(connection: sa.engine.Connection, sender_id: str) -> int:
    if not has_outbox(connection):
        return 0
    result = connection.execute(outbox.delete().where(outbox.c.sender_id == sender_id))
    return int(result.rowcount)


def purge_older_than(connection: sa.engine.Connection, cutoff: float) -> int:
    if not has_outbox(connection):
        return 0
    result = connection.execute(outbox.delete().where(outbox.c.created_at < cutoff))
    return int(result.rowcount)


def delivery_states(engine: sa.engine.Engine, since: float, until: float) -> dict[str, Any]:
    """Counts only (no name, no contact): requests by delivery state, for the report."""
    with engine.connect() as connection:
        if not has_outbox(connection):
            return {"recorded": False, "total": 0, "by_state": {}, "retrying": 0}
        rows = connection.execute(
            sa.select(outbox.c.state, outbox.c.attempts).where(
                outbox.c.created_at >= since, outbox.c.created_at <= until
            )
        ).all()
    by_state: dict[str, int] = {}
    for state, _ in rows:
        by_state[state] = by_state.get(state, 0) + 1
    return {
        "recorded": bool(rows),
        "total": len(rows),
        "by_state": dict(sorted(by_state.items(), key=lambda item: -item[1])),
        # Pending requests that already failed at least once: the mail server needs a look.
        "retrying": sum(1 for state, attempts in rows if state == PENDING and attempts > 0),
    }


def _row(row: Mapping[str, Any]) -> CallbackRow:
    return CallbackRow(**{field: row[field] for field in CallbackRow.__dataclass_fields__})
