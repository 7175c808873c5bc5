"""The default profile's tracker store stores exactly what Rasa's SQL tracker store would
(runtime/rasa_compat.py), with pooled connections and a durable SQLite journal."""

import asyncio
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from runtime.privacy import is_sql_tracker_store
from runtime.rasa_compat import SQLiteTrackerStore
from runtime.settings import ROOT
from tests.conftest import Patient

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def run(coroutine):
    return asyncio.run(coroutine)


def stored_rows(db: Path) -> list:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, intent_name, action_name, data FROM events ORDER BY id"
        ).fetchall()


def user_turn(tracker: DialogueStateTracker, text: str, intent: str, at: float) -> None:
    tracker.update(UserUttered(text, intent={"name": intent, "confidence": 0.9}, timestamp=at))
    tracker.update(ActionExecuted("action_answer_from_article", timestamp=at + 0.1))
    tracker.update(SlotSet("current_section", intent, timestamp=at + 0.2))
    tracker.update(BotUttered(f"answer to {text}", timestamp=at + 0.3))
    tracker.update(ActionExecuted("action_listen", timestamp=at + 0.4))


async def conversations(store: SQLTrackerStore, db: Path) -> list:
    """Turns as Rasa's processor makes them: load (or create) the latest session, add the
    turn's events, save. Returns the stored rows after every save."""
    snapshots = []

    async def turn(
        sender: str, text: str, intent: str, at: float, new_session: bool = False
    ) -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        if new_session or not tracker.events:
            tracker.update(SessionStarted(timestamp=at - 0.5))
            tracker.update(ActionExecuted("action_listen", timestamp=at - 0.4))
        user_turn(tracker, text, intent, at)
        await store.save(tracker)
        snapshots.append(stored_rows(db))
        return tracker

    await turn("alice", "hello", "greet", 10)
    await turn("bob", "what is mesotherapy", "ask_what_is", 11)
    await turn("alice", "which areas", "ask_areas", 20)
    tracker = await turn("alice", "can I drink coffee", "ask_avoid_before", 30)
    # The same tracker saved again later in the turn: only what came after is new.
    user_turn(tracker, "and alcohol", "ask_avoid_before", 31)
    await store.save(tracker)
    snapshots.append(stored_rows(db))
    # A new session starts within a turn; the next turn loads that session only.
    await turn("alice", "hi again", "greet", 100, new_session=True)
    await turn("alice", "aftercare", "ask_aftercare", 110)
    # A tracker the store neither loaded nor saved (built by hand): counted as Rasa does.
    loaded = await store.retrieve("bob")
    rebuilt = DialogueStateTracker.from_events("bob", list(loaded.events), DOMAIN.slots)
    user_turn(rebuilt, "who is it for", "ask_suitability", 120)
    await store.save(rebuilt)
    snapshots.append(stored_rows(db))
    return snapshots


def test_it_stores_exactly_what_rasas_sql_tracker_store_stores(tmp_path):
    rasa_db, project_db = tmp_path / "rasa.db", tmp_path / "project.db"
    expected = run(
        conversations(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(rasa_db)), rasa_db)
    )
    actual = run(conversations(SQLiteTrackerStore(domain=DOMAIN, db=str(project_db)), project_db))
    assert len(expected) == 8 and len(expected[-1]) > 30
    assert actual == expected


def statements_run_during(store: SQLTrackerStore, coroutine) -> list:
    statements = []

    def record(_connection, _cursor, statement, *_):
        statements.append(statement.lower())

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        run(coroutine)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    return statements


def test_a_turn_saves_its_new_events_without_counting_the_stored_ones_again(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    run(conversations(store, db))

    async def a_turn():
        tracker = await store.retrieve("alice")
        user_turn(tracker, "does it hurt", "ask_how_it_works", 300)
        await store.save(tracker)

    statements = statements_run_during(store, a_turn())
    assert sum("insert into events" in s for s in statements) == 5
    assert not [s for s in statements if "count(" in s]

    async def a_hand_built_tracker():
        tracker = DialogueStateTracker.from_events(
            "alice", list((await store.retrieve("alice")).events), DOMAIN.slots
        )
        user_turn(tracker, "is it safe", "ask_suitability", 310)
        await store.save(tracker)

    assert [s for s in statements_run_during(store, a_hand_built_tracker()) if "count(" in s]


def test_a_full_tracker_of_every_session_saves_only_its_new_events(tmp_path):
    # Rasa's own count covers the latest session only, so it would store the earlier
    # sessions' events a second time.
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    run(conversations(store, db))
    before = stored_rows(db)
    full = run(store.retrieve_full_tracker("alice"))
    assert len(full.events) > len(run(store.retrieve("alice")).events)
    user_turn(full, "thank you", "thank", 400)
    run(store.save(full))
    assert stored_rows(db)[: len(before)] == before and len(stored_rows(db)) == len(before) + 5


def test_a_restarted_server_reads_the_conversation_back_and_continues_it(tmp_path):
    db = tmp_path / "tracker.db"
    first = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    run(conversations(first, db))
    before = run(first.retrieve("alice"))
    first.engine.dispose()

    restarted = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    after = run(restarted.retrieve("alice"))
    assert list(after.events) == list(before.events)
    assert after.get_slot("current_section") == "ask_aftercare"
    rows = len(stored_rows(db))
    user_turn(after, "when can I exercise", "ask_aftercare", 200)
    run(restarted.save(after))
    assert len(stored_rows(db)) == rows + 5


def test_a_conversation_erased_between_turns_starts_again_empty(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    run(conversations(store, db))
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM events WHERE sender_id = 'alice'")
    assert run(store.retrieve("alice")) is None


def test_connections_are_pooled_and_keep_a_durable_write_ahead_log(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    opened = []
    sa.event.listen(store.engine, "connect", lambda connection, record: opened.append(connection))
    run(conversations(store, db))
    assert len(opened) == 1, "every load and save should reuse the pooled connection"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_another_database_than_sqlite_is_refused_clearly():
    with pytest.raises(RasaException, match="SQLite only.*type: SQL"):
        SQLiteTrackerStore(domain=DOMAIN, dialect="postgresql", db="rasa")


def test_endpoints_yml_creates_this_store_not_rasas_in_memory_fallback(tmp_path, monkeypatch):
    # Rasa replaces a custom store it cannot import by an in-memory one, with only a
    # warning: conversations would then be lost on every restart.
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("ACTION_SERVER_PORT", "5055")
    endpoints = read_endpoints_from_path(str(ROOT / "endpoints.yml"))
    store = create_tracker_store(endpoints.tracker_store, DOMAIN)
    assert isinstance(store, SQLiteTrackerStore)
    assert Path(store.engine.url.database) == tmp_path / "tracker.db"


def test_privacy_commands_know_both_sql_stores():
    assert is_sql_tracker_store("SQL")
    assert is_sql_tracker_store("runtime.rasa_compat.SQLiteTrackerStore")
    assert not is_sql_tracker_store("redis")
    assert not is_sql_tracker_store("runtime.no_such_module.Store")


@pytest.mark.server
def test_the_running_server_keeps_conversations_in_this_store(stack):
    patient = Patient(stack.rest_url)
    patient.say("hello")
    with sqlite3.connect(stack.tracker_db) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", (patient.conversation_id,)
        ).fetchone()[0]
    assert stored > 3
