"""The default profile's tracker store stores exactly what Rasa's SQL tracker store would
(runtime/rasa_compat.py), with pooled connections and a durable SQLite journal, and loads
a turn's tracker at a cost that does not grow with the conversation, with the same
sessions, slots and rule predictions as Rasa's whole-session load."""

import asyncio
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from runtime.privacy import is_sql_tracker_store
from runtime.rasa_compat import TURNS_KEPT, SQLiteTrackerStore
from runtime.settings import MODEL, ROOT
from runtime.stack import Stack, free_port
from tests.conftest import Patient

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
SESSION_SECONDS = DOMAIN.session_config.session_expiration_time * 60
# The same domain with the context slot in the dialogue states, as a slot that
# influences the conversation would be: states then show a slot's value at every turn.
FEATURIZED = DOMAIN.merge(
    Domain.from_dict({"slots": {"current_section": {"type": "text", "mappings": []}}}),
    override=True,
)


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


# A long conversation: what each turn loads ---------------------------------------------

# (message, intent, action, the section the answer sets or None): answers set the
# context slot, small talk and declined questions leave it as it was.
TURN_KINDS = [
    ("what should I avoid before?", "ask_avoid_before", "action_answer_from_article", "avoid"),
    ("hello", "greet", "utter_greet", None),
    ("how much is it", "out_of_scope", "action_explain_out_of_scope", None),
    ("and after?", "ask_followup", "action_answer_from_article", "aftercare"),
    ("thanks", "thank", "utter_you_are_welcome", None),
]


def what_a_turn_reads(tracker: DialogueStateTracker) -> dict:
    """What Rasa's processor, the policies' defaults and the actions read from a loaded
    tracker besides its last turns."""
    last_user = tracker.get_last_event_for(UserUttered)
    return {
        "slots": tracker.current_slot_values(),
        "latest_message": tracker.latest_message.text if tracker.latest_message else None,
        "last_user_at": last_user.timestamp if last_user else None,  # session expiry
        "latest_action": tracker.latest_action_name,
        "paused": tracker.is_paused(),
        "active_loop": tracker.active_loop_name,
        "followup": tracker.followup_action,
    }


async def long_conversation(
    store: SQLTrackerStore, turns: int, gap_before: int | None = None, first: int = 0
) -> dict:
    """Turns as Rasa's processor makes them, 10 s apart, with a pause longer than the
    session expiry before turn `gap_before`: load the latest session, start a new one if
    it expired, add the turn's events, save. Returns what each turn read and how many
    events it loaded, and the states RulePolicy saw for each prediction."""
    seen: dict[str, list] = {"reads": [], "states": [], "loaded": []}
    for n in range(first, first + turns):
        at = 1_000.0 + 10 * n + (2 * SESSION_SECONDS if gap_before and n >= gap_before else 0)
        tracker = await store.get_or_create_tracker("patient", append_action_listen=False)
        seen["loaded"].append(len(tracker.events))
        last_user = tracker.get_last_event_for(UserUttered)
        new_session = not tracker.applied_events() or (
            last_user is not None and at - last_user.timestamp > SESSION_SECONDS
        )
        if new_session:  # Rasa's action_session_start, stamped as Rasa stamps it
            tracker.update(ActionExecuted("action_session_start", timestamp=at - 0.6))
            tracker.update(SessionStarted(timestamp=at - 0.5))
            tracker.update(ActionExecuted("action_listen", timestamp=at - 0.4))
        seen["reads"].append(what_a_turn_reads(tracker))
        text, intent, action, section = TURN_KINDS[n % len(TURN_KINDS)]
        tracker.update(UserUttered(text, intent={"name": intent, "confidence": 0.9}, timestamp=at))
        if new_session:  # a slot set once, long before the last turns
            tracker.update(SlotSet("session_started_metadata", {"n": n}, timestamp=at + 0.05))
        seen["states"].append(tracker.past_states(store.domain))
        tracker.update(ActionExecuted(action, timestamp=at + 0.1))
        if section:
            tracker.update(SlotSet("current_section", section, timestamp=at + 0.2))
        tracker.update(BotUttered(f"reply {n}", timestamp=at + 0.3))
        seen["states"].append(tracker.past_states(store.domain))
        tracker.update(ActionExecuted("action_listen", timestamp=at + 0.4))
        await store.save(tracker)
    return seen


def test_a_long_conversation_is_stored_and_read_as_by_rasas_own_store(tmp_path):
    rasa_db, project_db = tmp_path / "rasa.db", tmp_path / "project.db"
    rasa_store = SQLTrackerStore(FEATURIZED, dialect="sqlite", db=str(rasa_db))
    store = SQLiteTrackerStore(domain=FEATURIZED, db=str(project_db))
    expected = run(long_conversation(rasa_store, 150, gap_before=90))
    actual = run(long_conversation(store, 150, gap_before=90))

    # The same rows, sessions and slots included (the turns' events depend on what each
    # turn loaded: a wrong session or a missing slot would show here).
    assert stored_rows(project_db) == stored_rows(rasa_db)
    assert [r[1] for r in stored_rows(project_db)].count("session_started") == 2
    assert actual["reads"] == expected["reads"]
    # (The callback form's slots stay unset throughout.)
    assert set_slots(actual["reads"][89]["slots"]) == {
        "current_section": "aftercare",
        "session_started_metadata": {"n": 0},  # set 89 turns before
    }
    # The pause expired the session: the first turn after it starts without context.
    assert set_slots(actual["reads"][90]["slots"]) == {}
    # RulePolicy sees the same last states, slots included: all of them but the first
    # (where the loaded window begins, a conversation start) are the tail of Rasa's.
    assert any(state.get("slots") for states in actual["states"] for state in states)
    for ours, rasas in zip(actual["states"], expected["states"], strict=True):
        assert ours[1:] == rasas[len(rasas) - len(ours) + 1 :]
    # ...while Rasa replays the whole session at every turn.
    assert max(expected["loaded"]) > 350
    assert max(actual["loaded"]) <= 3 + 6 * TURNS_KEPT


def test_a_turn_loads_a_bounded_window_of_a_300_event_conversation(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    run(long_conversation(store, 70))
    assert len(stored_rows(db)) > 300
    tracker = run(store.retrieve("patient"))
    # The session's start, then the last TURNS_KEPT turns (each from its action_listen).
    assert isinstance(tracker.events[0], SessionStarted)
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert [u.text for u in users] == [TURN_KINDS[n % 5][0] for n in range(70)][-TURNS_KEPT:]
    assert len(tracker.events) <= 3 + 6 * TURNS_KEPT
    assert tracker.get_slot("session_started_metadata") == {"n": 0}  # set at turn 0
    # Rasa's HTTP API and the privacy commands still see every event of every session.
    assert len(run(store.retrieve_full_tracker("patient")).events) == len(stored_rows(db))


def test_a_session_with_a_forms_loop_is_loaded_whole_as_rasa_loads_it(tmp_path):
    # A form's loop is replayed from the turn it started (its trigger message, whether
    # it was interrupted): such a session is loaded as Rasa loads it, before and after
    # the loop ends, until the session expires.
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    rasa_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    run(long_conversation(store, 30))

    def loop_turn(loop: str | None, at: float) -> None:
        tracker = run(store.retrieve("patient"))
        tracker.update(UserUttered("call me back", {"name": "ask_contact"}, timestamp=at))
        tracker.update(ActionExecuted("callback_form", timestamp=at + 0.1))
        tracker.update(ActiveLoop(loop, timestamp=at + 0.2))
        tracker.update(ActionExecuted("action_listen", timestamp=at + 0.3))
        run(store.save(tracker))

    loop_turn("callback_form", 1_400)
    run(long_conversation(store, 5, first=41))
    ours, rasas = run(store.retrieve("patient")), run(rasa_store.retrieve("patient"))
    assert ours.active_loop_name == "callback_form"
    assert list(ours.events) == list(rasas.events) and len(ours.events) > 150
    loop_turn(None, 1_500)
    ours, rasas = run(store.retrieve("patient")), run(rasa_store.retrieve("patient"))
    assert ours.active_loop_name is None
    assert list(ours.events) == list(rasas.events)


def sqlite_steps_of_a_load(store: SQLiteTrackerStore, sender: str) -> int:
    """SQLite virtual-machine steps (in thousands) to load a turn's tracker: the work of
    the query, whatever the machine's speed."""
    steps = []
    raw = store.engine.raw_connection()  # the pool's one connection, which loads use
    raw.dbapi_connection.set_progress_handler(lambda: steps.append(1), 1000)
    raw.close()
    try:
        run(store.retrieve(sender))
    finally:
        raw = store.engine.raw_connection()
        raw.dbapi_connection.set_progress_handler(None, 1000)
        raw.close()
    return len(steps)


def test_the_work_of_a_load_does_not_grow_with_the_conversation(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    run(long_conversation(store, 20))
    short = sqlite_steps_of_a_load(store, "patient")
    run(long_conversation(store, 400, first=20))  # the same conversation, 420 turns
    assert len(stored_rows(db)) > 1_800
    assert sqlite_steps_of_a_load(store, "patient") <= short + 2


def turns_spanned(rule: list[dict]) -> int:
    """The user turns a rule's states reach into: one per state after action_listen, and
    the previous turn when it starts after another action."""
    actions = [state.get("prev_action", {}).get("action_name") for state in rule]
    return actions.count("action_listen") + (actions[0] != "action_listen")


def test_the_trained_rules_fit_in_the_turns_a_tracker_is_loaded_with():
    # RulePolicy matches a rule against as many of the conversation's last states as the
    # rule has (its "..." prefix matches anything before): a loaded tracker holds the
    # last TURNS_KEPT turns and the turn being answered. A longer rule, or another
    # policy, needs TURNS_KEPT (runtime/rasa_compat.py) raised.
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert [policy["name"] for policy in config["policies"]] == ["RulePolicy"]
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`")
    with tarfile.open(MODEL) as model:
        member = next(m for m in model.getmembers() if m.name.endswith("/rule_policy.json"))
        lookup = json.load(model.extractfile(member))["lookup"]
    rules = [json.loads(key) for key in lookup["rules"]]
    assert rules and max(turns_spanned(rule) for rule in rules) <= TURNS_KEPT + 1
    # No rule starts at the conversation's start (a state without a previous action),
    # which the start of a loaded window would look like.
    assert all("prev_action" in rule[0] for rule in rules)


def test_connections_are_pooled_and_keep_a_durable_write_ahead_log(tmp_path):
    db = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain=DOMAIN, db=str(db))
    opened = []
    sa.event.listen(store.engine, "connect", lambda connection, record: opened.append(connection))
    run(conversations(store, db))
    # The store's start-up (its index) may already have opened the pool's connection.
    assert len(opened) <= 1, "every load and save should reuse the pooled connection"
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


# A long conversation through the real server -------------------------------------------

RASA_SQL_ENDPOINTS = """\
action_endpoint:
  url: http://127.0.0.1:${ACTION_SERVER_PORT}/webhook
tracker_store:
  type: SQL
  dialect: sqlite
  db: ${TRACKER_DB}
"""
# Messages that leave the context slot as it is (small talk, declined questions).
UNRELATED = [
    "hello",
    "thanks a lot",
    "are you a real person?",
    "how much does a session cost?",
    "what's the weather like today",
]


@pytest.fixture(scope="module")
def rasa_sql_server(stack, tmp_path_factory):
    """A second Rasa server, the same model and action server, with Rasa's own `type: SQL`
    tracker store on SQLite."""
    var = tmp_path_factory.mktemp("rasa-sql")
    (var / "endpoints.yml").write_text(RASA_SQL_ENDPOINTS, encoding="utf-8")
    server = Stack(
        rasa_port=free_port(),
        action_port=stack.action_port,
        web_port=stack.web_port,
        tracker_db=var / "tracker.db",
        log_dir=var / "log",
        extra_env={
            "BOT_RATE_LIMIT_PER_IP": "0/60",
            "BOT_RATE_LIMIT_PER_SENDER": "0/60",
            "RASA_ENDPOINTS": str(var / "endpoints.yml"),
        },
    )
    try:
        server.start_rasa()
        yield server
    finally:
        server.stop()


def age(db: Path, conversation_id: str, seconds: float) -> None:
    """Moves a conversation `seconds` into the past, as a patient's pause would: the
    timestamp column (sessions) and the events' own timestamps (session expiry)."""
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE events SET timestamp = timestamp - :s, data = json_set(data, "
            "'$.timestamp', json_extract(data, '$.timestamp') - :s) WHERE sender_id = :id",
            {"s": seconds, "id": conversation_id},
        )


def comparable_rows(db: Path, conversation_id: str) -> list:
    """The stored rows without what differs between two runs: times and message ids."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT type_name, intent_name, action_name, data FROM events "
            "WHERE sender_id = ? ORDER BY id",
            (conversation_id,),
        ).fetchall()
    comparable = []
    for type_name, intent, action, data in rows:
        event = json.loads(data)
        event.pop("timestamp"), event.pop("message_id", None)
        event.get("parse_data", {}).pop("message_id", None)
        comparable.append((type_name, intent, action, event))
    return comparable


def set_slots(slots: dict) -> dict:
    return {name: value for name, value in slots.items() if value is not None}


def answer(reply: list) -> list:
    """A webhook reply without the conversation's id."""
    return [{k: v for k, v in message.items() if k != "recipient_id"} for message in reply]


def fresh_answer(url: str, *messages: str) -> list:
    """The answer to the last message of a new conversation."""
    patient = Patient(url)
    return [answer(patient.say(message)) for message in messages][-1]


@pytest.mark.server
def test_a_long_conversation_is_answered_and_stored_as_with_rasas_own_store(
    stack, rasa_sql_server
):
    ours, rasas = Patient(stack.rest_url), Patient(rasa_sql_server.rest_url)
    rasas.sender, rasas.conversation_id = ours.sender, ours.conversation_id
    # A follow-up whose answer depends on the context slot: after the aftercare section
    # it says the guide's caffeine advice is for before the treatment; without context it
    # is that advice. ("and after?" names its section, so it is answered the same with or
    # without context; alcohol is not in the article, so it is declined either way.)
    follow_up = "and coffee?"
    with_context = fresh_answer(stack.rest_url, "What should I do after the treatment?", follow_up)
    without_context = fresh_answer(stack.rest_url, follow_up)
    assert with_context != without_context

    def say(message: str) -> list:
        reply = answer(ours.say(message))
        assert reply == answer(rasas.say(message)), f"turn {message!r}"
        return reply

    say("What should I do after the treatment?")
    for n in range(100):
        say(UNRELATED[n % len(UNRELATED)])
    assert say(follow_up) == with_context  # 101 turns later, the same context
    for n in range(20):
        say(["What should I avoid before the treatment?", "and after?", "thanks"][n % 3])
    # More than the session expiry (60 minutes) without a message: a new session, which
    # starts without the last answer's section.
    for server in (stack, rasa_sql_server):
        age(server.tracker_db, ours.conversation_id, SESSION_SECONDS + 60)
    assert say(follow_up) == without_context
    for n in range(27):
        say(["which areas can you treat?", "what about my hands?", "hi"][n % 3])

    stored = comparable_rows(stack.tracker_db, ours.conversation_id)
    assert stored == comparable_rows(rasa_sql_server.tracker_db, ours.conversation_id)
    assert sum(row[0] == "user" for row in stored) == 150
    assert sum(row[0] == "session_started" for row in stored) == 2
    assert any(row[0] == "slot" for row in stored)
