"""The tracker store of the default profile: Rasa's SQL tracker store, for one Rasa
process writing one SQLite file.

After NLU, Rasa 3.6's SQLTrackerStore is the largest cost of a turn, and it runs on the
event loop where every conversation waits (docs/benchmark-latest.md):
* SQLAlchemy 1.4 gives a file database a NullPool, so every load and every save opens
  a new connection and closes it again;
* every save counts the conversation's stored events again (a COUNT with a sub-query)
  to find the new ones, although the same turn loaded them moments before.

This store keeps Rasa's table, queries and event format (scripts/privacy.py and Rasa's
own SQLTrackerStore read the same file) and changes only that: a connection pool, and a
save that starts after the events the same tracker was loaded (or last saved) with. That
is only right while this process is the conversation's only writer: the default profile
runs one Rasa process (Rasa refuses SANIC_WORKERS > 1 without a shared lock store), and
the scale-out profile (endpoints.prod.yml) keeps Rasa's SQLTrackerStore on PostgreSQL.
A tracker the store did not load or save itself is counted as Rasa does.

It also sets SQLite's write-ahead log, which makes a durable commit about three times
cheaper on this disk; on a NullPool that setting would run again for every connection and
cost more than it saves (the benchmark measured 51 msg/s that way, 66 with the pool). The
benchmark's `rasa-sql-tracker-store` experiment keeps this store honest against Rasa's own.
"""
from __future__ import annotations

import itertools
import sqlite3
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

# Set on the tracker object, not kept in a dict of the store: Rasa loads a fresh tracker
# for every turn, so a count can never outlive the tracker it describes.
_STORED_EVENTS = "_events_in_sqlite_tracker_store"


def _sqlite_settings(connection: Any, _record: Any) -> None:
    # Write-ahead log: the default rollback journal makes each commit wait for several
    # fsyncs, and every conversation waits with it. synchronous stays FULL, so a
    # committed turn survives a crash or a power loss.
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
    """`type: stores.sqlite_tracker_store.SQLiteTrackerStore` in endpoints.yml, with `db:`
    the SQLite file, as for Rasa's `type: SQL` with `dialect: sqlite`."""

    def __init__(self, *args: Any, dialect: Text = "sqlite", **kwargs: Any) -> None:
        if dialect != "sqlite":
            raise RasaException(
                f"SQLiteTrackerStore keeps conversations in SQLite only (got dialect '{dialect}'); "
                "for PostgreSQL use Rasa's `type: SQL` (endpoints.prod.yml)."
            )
        super().__init__(*args, dialect=dialect, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        # One event loop uses the pool, so it rarely holds more than one connection;
        # check_same_thread is off because a pooled connection may be returned to the
        # pool from another thread than the one that opened it.
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}
        )
        sa.event.listen(self.engine, "connect", _sqlite_settings)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None:
            setattr(tracker, _STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, _STORED_EVENTS, len(tracker.events))

    def _additional_events(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, _STORED_EVENTS, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))
