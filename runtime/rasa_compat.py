"""Every override of Rasa's internals, in one place, each guarded by the pinned version.

Rasa 3.6 has no setting for any of these. Each override names the library version it
was written against and the attribute it replaces; `apply()` refuses to start when the
installed version differs or the attribute is gone, because an override silently
applied to code it was not written for is worse than none. It is called explicitly by
runtime/rasa_server.py, the process that starts Rasa, and nowhere else.

The overrides:
* `validator_built_once`: RemoteAction._validate_action_result calls
  jsonschema.validate(), which checks Rasa's large events schema against its
  meta-schema on every custom-action answer; a validator built once does the same check
  (docs/benchmarks.md has the measured cost).
* `action_timeout`: Rasa waits up to 5 minutes for the action server; the REST channel
  answers the patient long before that, and this bounds the turn left in the background.
* `conversation_engine()` reads, without changing, what Rasa keeps on its Sanic app
  (`app.ctx.agent`, the FailSafeTrackerStore's `_tracker_store`): Rasa 3.6 has no API
  to delete one conversation, and a patient must be able to delete theirs.
* `SQLiteTrackerStore`: Rasa's SQL tracker store for one Rasa process writing one SQLite
  file, named by endpoints.yml. Rasa's store opens a new connection for every load and
  save (SQLAlchemy's NullPool for file databases) and counts the conversation's stored
  events again on every save to find the new ones. This one keeps Rasa's table, queries
  and event format and changes only that: a connection pool, and a save that starts
  after the events the same tracker was loaded (or last saved) with. That is right only
  while this process is the conversation's only writer: the default profile runs one
  Rasa process, and the prod profile keeps Rasa's own save on PostgreSQL.
* The callback outbox: both tracker stores of the project (`SQLiteTrackerStore`, and
  `OutboxSQLTrackerStore`, Rasa's `type: SQL` for PostgreSQL in the prod profile) write
  the callback requests of a turn's new events (runtime/outbox.py) in the session that
  saves those events, through the same `_additional_events`: the request and the turn
  that recorded it are committed together or not at all.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import rasa.core.actions.action as rasa_action
import sqlalchemy as sa
from jsonschema import ValidationError, validators
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from runtime.outbox import enqueue, ensure_outbox, requests_in

RASA_VERSION = "3.6.21"
ACTION_SERVER_TIMEOUT_SECONDS = 20


class IncompatibleRasa(RuntimeError):
    """An override's target changed: the pinned versions were moved without review."""


@dataclass(frozen=True)
class Override:
    name: str
    package: str
    version: str
    target: object  # the module or class that owns the replaced attribute
    attribute: str


OVERRIDES: tuple[Override, ...] = (
    Override(
        "validator_built_once",
        "rasa",
        RASA_VERSION,
        rasa_action.RemoteAction,
        "_validate_action_result",
    ),
    Override("action_timeout", "rasa", RASA_VERSION, rasa_action, "DEFAULT_REQUEST_TIMEOUT"),
    Override("sqlite_store_retrieve", "rasa", RASA_VERSION, SQLTrackerStore, "_retrieve"),
    Override("sqlite_store_save", "rasa", RASA_VERSION, SQLTrackerStore, "save"),
    Override(
        "sqlite_store_new_events", "rasa", RASA_VERSION, SQLTrackerStore, "_additional_events"
    ),
)


def check(overrides: tuple[Override, ...] = OVERRIDES) -> None:
    """Raises unless every override's package has its pinned version and its target."""
    problems = []
    for override in overrides:
        installed = importlib.metadata.version(override.package)
        if installed != override.version:
            problems.append(
                f"{override.name}: written for {override.package} {override.version}, "
                f"found {installed}"
            )
        if not hasattr(override.target, override.attribute):
            problems.append(f"{override.name}: {override.attribute} no longer exists")
    if problems:
        raise IncompatibleRasa(
            "Rasa overrides (runtime/rasa_compat.py) do not fit the installed libraries: "
            + "; ".join(problems)
        )


def _validator_built_once() -> Callable[[rasa_action.RemoteAction, dict[str, Any]], bool]:
    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: rasa_action.RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += ". Failed to validate Action server response from API."
            raise

    _validate_action_result.built_once = True  # type: ignore[attr-defined]
    return _validate_action_result


def apply() -> None:
    """Applies the overrides to this process; raises IncompatibleRasa first if needed."""
    check()
    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_SERVER_TIMEOUT_SECONDS
    rasa_action.RemoteAction._validate_action_result = _validator_built_once()


def in_effect() -> list[str]:
    """The patches this process runs with (the store's overrides are a subclass, in effect
    wherever endpoints.yml names it)."""
    names = []
    if getattr(rasa_action.RemoteAction._validate_action_result, "built_once", False):
        names.append("validator_built_once")
    if rasa_action.DEFAULT_REQUEST_TIMEOUT == ACTION_SERVER_TIMEOUT_SECONDS:
        names.append("action_timeout")
    return names


def conversation_engine(app: Any) -> sa.engine.Engine | None:
    """The SQL engine of the running server's tracker store, or None (no SQL store)."""
    store = getattr(getattr(app.ctx, "agent", None), "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore):
        store = store._tracker_store
    return store.engine if isinstance(store, SQLTrackerStore) else None


# Set on the tracker object, not kept in a dict of the store: Rasa loads a fresh tracker
# for every turn, so a count can never outlive the tracker it describes.
_STORED_EVENTS = "_events_in_sqlite_tracker_store"


def _sqlite_settings(connection: Any, _record: Any) -> None:
    # Write-ahead log: the default rollback journal makes each commit wait for several
    # fsyncs, and every conversation waits with it. synchronous stays FULL, so a
    # committed turn survives a crash or a power loss. Set per connection, which is
    # why the store needs a pool (on a NullPool this would run for every load and save).
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        # Deleted rows are overwritten, not left in free pages (runtime/privacy.py).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def _with_callbacks(
    session: sa.orm.Session, tracker: DialogueStateTracker, new_events: Iterator
) -> Iterator:
    """The new events, after queueing the callback requests among them in the session."""
    events = list(new_events)
    for request in requests_in(events):
        enqueue(session.connection(), tracker.sender_id, request)
    return iter(events)


class OutboxSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store (`type: runtime.rasa_compat.OutboxSQLTrackerStore` with the
    keys of `type: SQL`, endpoints.prod.yml) plus the callback outbox."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        check()
        super().__init__(*args, **kwargs)
        ensure_outbox(self.engine)

    def _additional_events(
        self, session: sa.orm.Session, tracker: DialogueStateTracker
    ) -> Iterator:
        return _with_callbacks(session, tracker, super()._additional_events(session, tracker))


class SQLiteTrackerStore(SQLTrackerStore):
    """`type: runtime.rasa_compat.SQLiteTrackerStore` in endpoints.yml, with `db:` the
    SQLite file, as for Rasa's `type: SQL` with `dialect: sqlite`."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, dialect: str = "sqlite", **kwargs: Any) -> None:
        if dialect != "sqlite":
            raise RasaException(
                f"SQLiteTrackerStore keeps conversations in SQLite only (got dialect "
                f"'{dialect}'); for PostgreSQL use Rasa's `type: SQL` (endpoints.prod.yml)."
            )
        check()
        super().__init__(*args, dialect=dialect, **kwargs)
        ensure_outbox(self.engine)
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
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None:
            setattr(tracker, _STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, _STORED_EVENTS, len(tracker.events))

    def _additional_events(
        self, session: sa.orm.Session, tracker: DialogueStateTracker
    ) -> Iterator:
        stored = getattr(tracker, _STORED_EVENTS, None)
        if stored is None:
            new_events = super()._additional_events(session, tracker)
        else:
            new_events = itertools.islice(tracker.events, stored, len(tracker.events))
        return _with_callbacks(session, tracker, new_events)
