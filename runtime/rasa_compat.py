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
* `model_load_without_training_step`: to load a DIET (or TED) model, Rasa builds it by
  training it for one step on an example, then overwrites the weights with the trained
  ones; the training graph, its kernels and the optimizer then stay in memory for the
  life of the server (docs/benchmarks.md, "Memory", has the size). This builds the
  model by the prediction Rasa makes at load anyway, each weight restored from the
  checkpoint as it is created: the same weights, the same predictions (tested on the
  whole dev set), no training step. `rasa train --finetune` keeps Rasa's way.
* `jax_not_imported`: TensorFlow 2.12 requires jax, and TensorFlow Lite (which Rasa
  imports) imports jax and jaxlib whenever they are installed, for a converter the
  assistant never uses; they take a large part of the Rasa server's resident set
  (docs/benchmarks.md, "Memory"). This module marks jax as absent when it is imported
  before TensorFlow, which TensorFlow Lite handles as jax not being installed.
* `conversation_engine()` reads, without changing, what Rasa keeps on its Sanic app
  (`app.ctx.agent`, the FailSafeTrackerStore's `_tracker_store`): Rasa 3.6 has no API
  to delete one conversation, and a patient must be able to delete theirs.
* `SQLiteTrackerStore`: Rasa's SQL tracker store for one Rasa process writing one SQLite
  file, named by endpoints.yml. It keeps Rasa's table, rows and event format; it changes
  how a turn reads and writes them. Rasa's store opens a new connection for every load
  and save (SQLAlchemy's NullPool for file databases), counts the conversation's stored
  events again on every save to find the new ones, and loads and replays every event of
  the session on every turn, so a turn costs more the longer the conversation (and the
  policies and the action server then go through that whole history too). This one has
  a connection pool; loads, for a turn, the session's start, its last `TURNS_KEPT`
  turns and, before them, the latest event of each kind that holds state (each slot's
  latest SlotSet, the latest bot utterance...), with one indexed query; and saves the
  events after those the same tracker was loaded (or last saved) with. Saving after a
  truncated load is right only while this process is the conversation's only writer:
  the default profile runs one Rasa process, and the prod profile keeps Rasa's
  own load and save on PostgreSQL. A session with a form's loop or a reverted turn is loaded
  whole.
  `retrieve_full_tracker` (Rasa's HTTP API, the privacy commands' SQL) sees everything.
* The callback outbox: both tracker stores of the project (`SQLiteTrackerStore`, and
  `OutboxSQLTrackerStore`, Rasa's `type: SQL` for PostgreSQL in the prod profile) write
  the callback requests of a turn's new events (runtime/outbox.py) in the session that
  saves those events, through the same `_additional_events`: the request and the turn
  that recorded it are committed together or not at all.
"""

from __future__ import annotations

import sys

# `jax_not_imported` (above) has to act before anything imports TensorFlow, hence here,
# before this module's own imports; runtime/rasa_server.py imports this module first.
if "tensorflow" not in sys.modules:
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  # importing it fails

import functools
import importlib.metadata
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import rasa.core.actions.action as rasa_action
import sqlalchemy as sa
import tensorflow as tf
from jsonschema import ValidationError, validators
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel
from tensorflow.lite.python import util as tflite_util

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
    Override("model_load_without_training_step", "rasa", RASA_VERSION, RasaModel, "load"),
    Override("jax_not_imported", "tensorflow", "2.12.0", tflite_util, "_xla_computation"),
    Override("sqlite_store_retrieve", "rasa", RASA_VERSION, SQLTrackerStore, "_retrieve"),
    Override("sqlite_store_save", "rasa", RASA_VERSION, SQLTrackerStore, "save"),
    Override(
        "sqlite_store_new_events", "rasa", RASA_VERSION, SQLTrackerStore, "_additional_events"
    ),
    # The windowed load keeps Rasa's rule for the latest session, from this query.
    Override("sqlite_store_window", "rasa", RASA_VERSION, SQLTrackerStore, "_event_query"),
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


# Rasa's RasaModel.load as imported (a classmethod), before apply() replaces it.
RASA_MODEL_LOAD: Any = RasaModel.__dict__["load"]


def _load_without_training_step(original: Callable[..., RasaModel]) -> Any:
    """RasaModel.load, building the model by a prediction instead of a training step."""

    def load(
        cls: type[RasaModel],
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or predict_data_example is None:  # finetuning trains: Rasa's way
            return original(
                cls,
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        model = cls(*args, **kwargs)
        config = kwargs.get("config", {})
        learning_rate = config.get(LEARNING_RATE, 0.001)
        model.compile(
            optimizer=tf.keras.optimizers.Adam(learning_rate),
            run_eagerly=config.get(RUN_EAGERLY),
        )
        # A checkpoint read before the variables exist restores each one as it is
        # created; the optimizer's state in the checkpoint is not needed to predict.
        model.load_weights(model_file_name).expect_partial()
        # The prediction Rasa makes after loading ("to trace the tf function") creates
        # every variable the predictions use, then computes the labels' embeddings.
        model.run_inference(predict_data_example)
        return model

    load.without_training_step = True  # type: ignore[attr-defined]
    return classmethod(load)


def apply() -> None:
    """Applies the overrides to this process; raises IncompatibleRasa first if needed."""
    check()
    rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_SERVER_TIMEOUT_SECONDS
    rasa_action.RemoteAction._validate_action_result = _validator_built_once()
    # Always Rasa's own load wrapped, so applying twice changes nothing.
    RasaModel.load = _load_without_training_step(RASA_MODEL_LOAD.__func__)


def in_effect() -> list[str]:
    """The patches this process runs with (the store's overrides are a subclass, in effect
    wherever endpoints.yml names it)."""
    names = []
    if getattr(rasa_action.RemoteAction._validate_action_result, "built_once", False):
        names.append("validator_built_once")
    if rasa_action.DEFAULT_REQUEST_TIMEOUT == ACTION_SERVER_TIMEOUT_SECONDS:
        names.append("action_timeout")
    if getattr(RasaModel.load, "without_training_step", False):
        names.append("model_load_without_training_step")
    if sys.modules.get("jax", False) is None:
        names.append("jax_not_imported")
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

# The complete turns (from the action_listen before a user message to the next one) a
# tracker is loaded with, besides the session's start and the state at the first of them.
# RulePolicy compares the conversation's last states with each rule's (a rule without
# `conversation_start` is prefixed by "...", which matches anything before it), and every
# rule of data/rules.yml lies within the turn being answered; the actions read the slots
# and the latest message; the session expires after the last user message. Two earlier
# turns leave room for rules of up to three user messages;
# tests/runtime/test_sqlite_tracker_store.py checks that the trained rules fit.
TURNS_KEPT = 2

# Events whose replay reaches back over the events before them (reverting a user turn or
# an action, a form's loop): a session holding any of them is loaded whole, as Rasa does.
_REPLAYED_WITH_HISTORY = (
    "rewind",
    "undo",
    "active_loop",
    "form",
    "loop_interrupted",
    "form_validation",
)
# Events without a name whose latest one sets part of the tracker's state: the latest
# bot utterance, a restart, a slot reset, a pause, a resume. With each slot's latest
# SlotSet, the latest of each before the window replays the tracker's state as it was
# where the window starts. (The latest user message, and so the session's expiry, is in
# the window.)
_STATE_BEFORE_WINDOW = ("bot", "restart", "reset_slots", "pause", "resume")
# Rasa stores an event's `name` in the `action_name` column (a SlotSet's slot, an
# ActionExecuted's action). This index finds the latest event of each kind before a row,
# the K-th last user message and the action_listen before it in a few B-tree steps,
# whatever the length of the conversation.
_INDEX = "ix_events_sender_type_name"
_CREATE_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {_INDEX} ON events (sender_id, type_name, action_name)"
)


@functools.cache
def _latest_session_window_sql(slot_count: int) -> str:
    """One statement (one snapshot of the file) for the rows a turn is loaded with: every
    row from the action_listen before the TURNS_KEPT-th last user message on, and before
    it the latest row of each kind that holds state, all within the latest session by
    Rasa's rule (timestamp >= the latest session_started's, SQLTrackerStore._event_query).
    With fewer user messages than TURNS_KEPT it is the whole latest session, as Rasa's."""
    # SQLite would otherwise walk back through all the sender's rows for an absent kind.
    by_kind = f"INDEXED BY {_INDEX}"
    kinds = [
        "type_name = 'session_started' AND action_name IS NULL",
        *(f"type_name = '{kind}' AND action_name IS NULL" for kind in _STATE_BEFORE_WINDOW),
        *(f"type_name = '{kind}'" for kind in _REPLAYED_WITH_HISTORY),
        *(f"type_name = 'slot' AND action_name = :slot{n}" for n in range(slot_count)),
    ]
    before_window = "\n        UNION ALL ".join(
        f"SELECT max(id) FROM events {by_kind} WHERE sender_id = :sender AND {kind} "
        "AND id < (SELECT first_id FROM recent)"
        for kind in kinds
    )
    in_session = (
        "(timestamp >= (SELECT started FROM session) OR (SELECT started FROM session) IS NULL)"
    )
    return f"""
    WITH session(started) AS (
        SELECT max(timestamp) FROM events {by_kind}
        WHERE sender_id = :sender AND type_name = 'session_started'
    ), recent(first_id) AS (
        SELECT coalesce(max(id), 0) FROM events {by_kind}
        WHERE sender_id = :sender AND type_name = 'action' AND action_name = 'action_listen'
          AND id < (SELECT id FROM events {by_kind}
                    WHERE sender_id = :sender AND type_name = 'user' AND action_name IS NULL
                    ORDER BY id DESC LIMIT 1 OFFSET :earlier_turns)
    ), state(id) AS (
        {before_window}
    )
    SELECT id, type_name, data FROM events
    WHERE sender_id = :sender AND id >= (SELECT first_id FROM recent) AND {in_session}
    UNION ALL
    SELECT id, type_name, data FROM events WHERE id IN (SELECT id FROM state) AND {in_session}
    ORDER BY id
    """


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
    SQLite file, as for Rasa's `type: SQL` with `dialect: sqlite`.

    `retrieve` (each turn) gives a tracker of the latest session's start, the state
    where its last TURNS_KEPT turns begin and those turns, in their stored order: the
    same slots, latest message, session expiry and rule predictions as Rasa's whole
    session, at a cost per turn that does not grow with the conversation. A session with
    a form's loop or a reverted turn is loaded whole, as Rasa loads it.
    `retrieve_full_tracker` gives every event of every session, as Rasa's does.
    """

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
        with self.engine.begin() as connection:
            connection.exec_driver_sql(_CREATE_INDEX)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        tracker = None
        if fetch_events_from_all_sessions or not self.domain:
            tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        else:
            rows = self._latest_session_rows(sender_id)
            if any(type_name in _REPLAYED_WITH_HISTORY for _, type_name, _ in rows):
                tracker = await super()._retrieve(sender_id, False)
            elif rows:
                events = [json.loads(data) for _, _, data in rows]
                tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if tracker is not None:
            setattr(tracker, _STORED_EVENTS, len(tracker.events))
        return tracker

    def _latest_session_rows(self, sender_id: str) -> list[tuple[int, str, str]]:
        """(id, type_name, data) of the rows a turn needs, in stored order."""
        slots = [slot.name for slot in self.domain.slots]
        sql = _latest_session_window_sql(len(slots))
        parameters: dict[str, Any] = {"sender": sender_id, "earlier_turns": TURNS_KEPT - 1}
        parameters.update({f"slot{n}": name for n, name in enumerate(slots)})
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.exec_driver_sql(sql, parameters)]

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, _STORED_EVENTS, len(tracker.events))

    def _additional_events(
        self, session: sa.orm.Session, tracker: DialogueStateTracker
    ) -> Iterator:
        # A tracker this store loaded or saved: the events after those it held then (with
        # a windowed load, counting the stored rows as Rasa does would be wrong).
        stored = getattr(tracker, _STORED_EVENTS, None)
        if stored is None:
            new_events = super()._additional_events(session, tracker)
        else:
            new_events = itertools.islice(tracker.events, stored, len(tracker.events))
        return _with_callbacks(session, tracker, new_events)
