"""The callback outbox (runtime/outbox.py): written by the tracker store in the turn's own
transaction, once per request, never with a value the form would refuse; erased and
purged with the conversation; the same table on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from sqlalchemy.dialects import postgresql, sqlite

from runtime import outbox
from runtime.privacy import erase, purge
from runtime.rasa_compat import OutboxSQLTrackerStore, SQLiteTrackerStore
from runtime.settings import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def callback_request(key: str = "a1b2c3", **fields: str) -> dict[str, str]:
    return {
        "id": key,
        "name": "Ana Lima",
        "contact": "+44 20 7946 0958",
        "contact_kind": "phone",
        "preferred_time": "weekday mornings",
        "requested_at": "2026-12-02T10:00:00+00:00",
        **fields,
    }


def rows(engine: sa.engine.Engine) -> list[dict]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(sa.select(outbox.outbox)).mappings()]


async def submit(store, sender: str, value: dict) -> None:
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    tracker.update(UserUttered("yes", intent={"name": "nlu_fallback", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_submit_callback"))
    tracker.update(SlotSet(outbox.REQUEST_SLOT, value))
    tracker.update(SlotSet(outbox.REQUEST_SLOT, None))
    tracker.update(BotUttered("Thank you, your request has been passed to the clinic."))
    await store.save(tracker)
    # Saved again later in the same turn (Rasa does): still one request.
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)


@pytest.fixture(params=["sqlite_store", "sql_store"])
def store(request, tmp_path):
    db = tmp_path / "tracker.db"
    if request.param == "sqlite_store":
        return SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    return OutboxSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))


def test_a_submitted_request_is_queued_once_with_the_conversation(store):
    asyncio.run(submit(store, "web:alice", callback_request()))
    queued = rows(store.engine)
    assert len(queued) == 1
    row = queued[0]
    assert (row["request_key"], row["sender_id"], row["state"], row["attempts"]) == (
        "a1b2c3",
        "web:alice",
        outbox.PENDING,
        0,
    )
    assert (row["name"], row["contact"], row["preferred_time"]) == (
        "Ana Lima",
        "+44 20 7946 0958",
        "weekday mornings",
    )
    with store.engine.connect() as connection:
        kinds = [r[0] for r in connection.execute(sa.text("SELECT type_name FROM events"))]
    assert "slot" in kinds and "bot" in kinds


def test_a_request_the_form_would_refuse_is_not_stored(store):
    asyncio.run(
        submit(store, "web:eve", callback_request("k1", name="Eve\r\nBcc: all@example.com"))
    )
    asyncio.run(submit(store, "web:eve", callback_request("k2", contact="not a number")))
    asyncio.run(submit(store, "web:eve", callback_request("k3", preferred_time="x" * 5000)))
    asyncio.run(submit(store, "web:eve", callback_request("bad key\r\n")))
    assert rows(store.engine) == []


def test_the_request_and_its_turn_are_committed_together(tmp_path):
    """A turn whose events cannot be stored leaves no request behind (and the reverse)."""
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(tmp_path / "tracker.db"))

    class Unstorable(BotUttered):
        def as_dict(self):
            raise RuntimeError("the database went away mid-save")

    async def failing_turn() -> None:
        tracker = await store.get_or_create_tracker("web:bob", append_action_listen=False)
        tracker.update(SlotSet(outbox.REQUEST_SLOT, callback_request("k9")))
        tracker.update(Unstorable("..."))
        await store.save(tracker)

    with pytest.raises(RuntimeError):
        asyncio.run(failing_turn())
    assert rows(store.engine) == []


def test_erasing_a_conversation_erases_its_callback_requests(tmp_path):
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(tmp_path / "tracker.db"))
    asyncio.run(submit(store, "web:alice", callback_request("k1")))
    asyncio.run(submit(store, "web:bob", callback_request("k2", name="Bob")))
    erase(store.engine, "web:alice")
    assert [r["sender_id"] for r in rows(store.engine)] == ["web:bob"]
    # Nothing of the erased request is left in the file (secure_delete, vacuum).
    data = (tmp_path / "tracker.db").read_bytes()
    assert b"Ana Lima" not in data and b"Bob" in data


def test_the_retention_purge_removes_old_requests_with_their_conversations(tmp_path):
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(tmp_path / "tracker.db"))
    asyncio.run(submit(store, "web:old", callback_request("k1")))
    asyncio.run(submit(store, "web:new", callback_request("k2", name="Bob")))
    long_ago = time.time() - 40 * 86400
    with store.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE events SET timestamp = :t WHERE sender_id = 'web:old'"),
            {"t": long_ago},
        )
        # A request whose conversation was erased some other way still goes by its age.
        connection.execute(
            outbox.outbox.insert().values(
                request_key="orphan",
                sender_id="web:gone",
                created_at=long_ago,
                name="Old",
                contact="+44 20 7946 0000",
                contact_kind="phone",
                preferred_time="any",
                state=outbox.DELIVERED,
                attempts=1,
                next_attempt_at=long_ago,
            )
        )
    assert purge(store.engine, 30) == 1
    assert [r["sender_id"] for r in rows(store.engine)] == ["web:new"]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_the_table_is_the_same_on_sqlite_and_postgresql(dialect):
    ddl = str(sa.schema.CreateTable(outbox.outbox).compile(dialect=dialect))
    assert "CREATE TABLE callback_outbox" in ddl
    assert "UNIQUE (request_key)" in ddl
    for index in outbox.outbox.indexes:
        assert "CREATE INDEX" in str(sa.schema.CreateIndex(index).compile(dialect=dialect))


def test_creating_the_table_twice_or_concurrently_is_harmless(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    outbox.ensure_outbox(engine)
    outbox.ensure_outbox(engine)
    assert sa.inspect(engine).has_table(outbox.TABLE)
