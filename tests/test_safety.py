"""Safe in front of patients: admin API, CORS, bad input, abuse, faults, restarts, privacy, load.

Every test talks to real Rasa and action servers over HTTP and reads the real tracker store.
"""

from __future__ import annotations

import http.server
import json
import sqlite3
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt
import pytest
import requests

from content.article import load_article
from runtime.settings import ROOT, VENV_BIN, ServeSettings
from tests.conftest import Patient, make_stack

pytestmark = pytest.mark.server
ARTICLE = load_article()
UNAVAILABLE = "I can't answer right now"
JWT_SECRET = "test-secret-" + "x" * 40


@pytest.fixture(scope="module")
def tolerant_stack(tmp_path_factory):
    """No rate limits and a short answer timeout: for faults, restarts and load."""
    with make_stack(
        tmp_path_factory,
        "tolerant",
        BOT_RATE_LIMIT_PER_IP="0/60",
        BOT_RATE_LIMIT_PER_SENDER="0/60",
        BOT_ANSWER_TIMEOUT_SECONDS="3",
    ) as running:
        yield running


def stored_events(stack, sender):
    with sqlite3.connect(stack.tracker_db) as db:
        rows = db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [(kind, json.loads(data)) for kind, data in rows]


def user_texts(stack, sender):
    return [data.get("text") for kind, data in stored_events(stack, sender) if kind == "user"]


# 1. Only the channels are public --------------------------------------------------

ADMIN_CALLS = [
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/train"),
    ("POST", "/model/parse"),
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/messages"),
]


@pytest.mark.parametrize("method, path", ADMIN_CALLS)
def test_admin_api_is_off_by_default(stack, method, path):
    response = requests.request(
        method, f"http://127.0.0.1:{stack.rasa_port}{path}", json={"text": "hi"}, timeout=10
    )
    assert response.status_code in (401, 403, 404, 405)


@pytest.fixture(scope="module")
def api_stack(tmp_path_factory):
    with make_stack(
        tmp_path_factory, "api", RASA_ENABLE_API="1", RASA_JWT_SECRET=JWT_SECRET
    ) as running:
        yield running


def test_enabled_admin_api_requires_a_jwt_in_the_authorization_header(api_stack):
    base = f"http://127.0.0.1:{api_stack.rasa_port}"
    for method, path in ADMIN_CALLS:
        response = requests.request(method, base + path, json={"text": "hi"}, timeout=10)
        assert response.status_code in (401, 403), (method, path, response.status_code)
    forged = jwt.encode(
        {"user": {"username": "x", "role": "admin"}}, "wrong-secret" * 4, algorithm="HS256"
    )
    response = requests.post(
        base + "/model/parse",
        json={"text": "hi"},
        headers={"Authorization": f"Bearer {forged}"},
        timeout=10,
    )
    assert response.status_code in (401, 403)
    token = jwt.encode(
        {"user": {"username": "ops", "role": "admin"}}, JWT_SECRET, algorithm="HS256"
    )
    response = requests.post(
        base + "/model/parse",
        json={"text": "What is mesotherapy?"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.json()["intent"]["name"] == "ask_what_is"


def test_the_jwt_secret_is_not_on_any_command_line(api_stack):
    # `ps` shows every process's command line to every user of the machine.
    for process in api_stack.processes.values():
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
        assert JWT_SECRET not in cmdline


def test_the_action_server_gets_no_secret(api_stack):
    environ = Path(f"/proc/{api_stack.processes['actions'].pid}/environ").read_bytes()
    assert JWT_SECRET.encode() not in environ


def test_admin_api_refuses_to_start_without_a_strong_secret():
    from runtime.stack import http_api_args

    with pytest.raises(RuntimeError, match="RASA_JWT_SECRET"):
        http_api_args(ServeSettings(enable_api=True, jwt_secret="short"))
    assert http_api_args(ServeSettings()) == []


# 2. CORS ----------------------------------------------------------------------------


def test_cors_allows_the_page_origin_and_never_echoes_another(stack):
    url = stack.rest_url
    body = {"sender": str(uuid.uuid4()), "message": "hello"}
    allowed = requests.post(url, json=body, headers={"Origin": stack.page_origin}, timeout=30)
    assert allowed.headers.get("Access-Control-Allow-Origin") == stack.page_origin
    for origin in ("http://evil.example", "null"):
        response = requests.post(url, json=body, headers={"Origin": origin}, timeout=30)
        assert response.headers.get("Access-Control-Allow-Origin") in (None, stack.page_origin)
        preflight = requests.options(
            url, headers={"Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=10
        )
        assert preflight.headers.get("Access-Control-Allow-Origin") in (None, stack.page_origin)
        assert "*" not in (preflight.headers.get("Access-Control-Allow-Origin") or "")


# 3. Bad input -----------------------------------------------------------------------

BAD_REQUESTS = [
    (b"{not json", 400),
    (b'["sender", "message"]', 400),
    (b'{"message": "hi"}', 400),
    (b'{"sender": "a"}', 400),
    (b'{"sender": 123, "message": "hi"}', 400),
    (b'{"sender": "a", "message": ["hi"]}', 400),
    (b'{"sender": "a", "message": null}', 400),
    (b'{"sender": "a", "message": ""}', 400),
    (b'{"sender": "a", "message": "  \\n\\t "}', 400),
    (b'{"sender": "../../etc/passwd", "message": "hi"}', 400),
    (b'{"sender": "a", "message": "\xff\xfe caf\xe9"}', 400),
    (b"", 400),
]


@pytest.mark.parametrize("body, status", BAD_REQUESTS)
def test_malformed_requests_get_a_clear_4xx(stack, body, status):
    response = requests.post(
        stack.rest_url, data=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == status
    assert response.json()["error"]


@pytest.mark.parametrize(
    "message",
    [
        "hello\x00\x07 what is mesotherapy?",
        "\U0001f600\U0001f489 what is mesotherapy? "
        "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
        "<script>alert(1)</script><img src=x onerror=alert(2)>",
        "\u202egnp.exe what is it",
        "x" * 2000,
    ],
)
def test_odd_but_valid_messages_get_a_polite_reply(stack, message):
    response = requests.post(
        stack.rest_url, json={"sender": str(uuid.uuid4()), "message": message}, timeout=30
    )
    assert response.status_code == 200
    replies = response.json()
    assert replies and all(isinstance(r.get("text"), str) and r["text"] for r in replies)
    assert real_answer(response)


def test_overlong_message_is_refused_politely_without_nlu(stack):
    sender = str(uuid.uuid4())
    for size in (2001, 200_000):
        response = requests.post(
            stack.rest_url,
            json={"sender": sender, "message": "What is mesotherapy? " + "a" * size},
            timeout=30,
        )
        assert response.status_code == 200
        assert "too long" in response.json()[0]["text"]
    assert user_texts(stack, f"web:{sender}") == [], (
        "an over-long message must never reach NLU or the store"
    )


def test_an_overlong_message_describing_an_emergency_still_gets_urgent_advice(stack):
    text = "sorry for the long story " * 200 + "and now my throat is closing, i cant breathe"
    response = requests.post(
        stack.rest_url, json={"sender": str(uuid.uuid4()), "message": text}, timeout=30
    )
    assert len(text) > 2000
    assert response.json()[0]["custom"] == {"kind": "urgent"}


def test_server_still_answers_after_all_the_bad_input(stack):
    assert ARTICLE.passage("what_is.p1").text in Patient(stack.rest_url).text(
        "What is mesotherapy?"
    )


# 4. Abuse ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def strict_stack(tmp_path_factory):
    with make_stack(
        tmp_path_factory, "strict", BOT_RATE_LIMIT_PER_SENDER="3/60", BOT_RATE_LIMIT_PER_IP="8/60"
    ) as running:
        yield running


def test_rate_limits_per_sender_and_per_client_address(strict_stack):
    def send(sender):
        return requests.post(
            strict_stack.rest_url, json={"sender": sender, "message": "hello"}, timeout=30
        ).status_code

    greedy = str(uuid.uuid4())
    assert [send(greedy) for _ in range(4)] == [200, 200, 200, 429]
    assert send(str(uuid.uuid4())) == 200, "one noisy conversation must not block another"
    assert [send(str(uuid.uuid4())) for _ in range(4)] == [200, 200, 200, 429]


# 5. Action server down or slow -----------------------------------------------------


class SlowActionServer(http.server.BaseHTTPRequestHandler):
    delay = 6.0

    def do_POST(self):
        time.sleep(self.delay)
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_action_server_down_gets_a_polite_reply_and_recovers(tolerant_stack):
    patient = Patient(tolerant_stack.rest_url)
    patient.say("What should I avoid before the treatment?")
    tolerant_stack.stop_one("actions")
    try:
        started = time.monotonic()
        text = patient.text("and after?")
        assert time.monotonic() - started < 6
        assert UNAVAILABLE in text
    finally:
        tolerant_stack.start_action_server()
    assert ARTICLE.passage("aftercare.item1").text in patient.text("and after?")


def test_slow_action_server_gets_a_polite_reply_in_bounded_time_and_recovers(tolerant_stack):
    patient = Patient(tolerant_stack.rest_url)
    patient.say("What areas does it treat?")
    tolerant_stack.stop_one("actions")
    slow = http.server.ThreadingHTTPServer(
        ("127.0.0.1", tolerant_stack.action_port), SlowActionServer
    )
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        text = patient.text("what about hands?")
        assert time.monotonic() - started < 6
        assert UNAVAILABLE in text
        time.sleep(SlowActionServer.delay)  # let the background turn finish
    finally:
        slow.shutdown()
        slow.server_close()
        tolerant_stack.start_action_server()
    assert ARTICLE.passage("areas.hands").text in patient.text("what about hands?")


# 6. Nothing lost on restart ---------------------------------------------------------


def test_restart_loses_no_event_and_keeps_the_context(tolerant_stack):
    patient = Patient(tolerant_stack.rest_url)
    patient.say("hello")
    patient.say("What should I avoid before the treatment?")
    before = stored_events(tolerant_stack, patient.conversation_id)
    tolerant_stack.stop_one("rasa")
    tolerant_stack.start_rasa()
    assert stored_events(tolerant_stack, patient.conversation_id)[: len(before)] == before
    assert ARTICLE.passage("aftercare.item1").text in patient.text("and after?")
    assert user_texts(tolerant_stack, patient.conversation_id) == [
        "hello",
        "What should I avoid before the treatment?",
        "and after?",
    ]


# 7. Privacy -------------------------------------------------------------------------


def test_message_text_is_not_written_to_the_logs(stack):
    secret = f"zebra-{uuid.uuid4().hex[:8]}"
    Patient(stack.rest_url).say(f"I'm on warfarin, my code is {secret}, can I have it?")
    time.sleep(1)
    logs = "".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*.log"))
    assert logs, "the servers should have written some logs"
    assert secret not in logs
    assert stack.env()["RASA_TELEMETRY_ENABLED"] == "false"


def privacy_command(stack, *args):
    env = {**stack.env(), "TRACKER_DB": str(stack.tracker_db)}
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "scripts.privacy", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def database_bytes(stack) -> bytes:
    """The SQLite file and its write-ahead log, as they lie on disk."""
    files = [stack.tracker_db, *stack.tracker_db.parent.glob(stack.tracker_db.name + "-*")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def test_erase_deletes_exactly_one_senders_conversation(tolerant_stack):
    keep, erase = Patient(tolerant_stack.rest_url), Patient(tolerant_stack.rest_url)
    keep.say("hello")
    marker = f"pregnant-{uuid.uuid4().hex}"
    erase.say(f"I'm {marker}, can I have it?")
    assert marker.encode() in database_bytes(tolerant_stack)
    output = privacy_command(tolerant_stack, "erase", "--sender", erase.conversation_id)
    assert "Erased" in output
    assert stored_events(tolerant_stack, erase.conversation_id) == []
    assert user_texts(tolerant_stack, keep.conversation_id) == ["hello"]
    # Gone from the files too: not left in free pages or in the write-ahead log.
    assert marker.encode() not in database_bytes(tolerant_stack)


@pytest.mark.parametrize(
    "hostile",
    ["`touch {canary}`", "$(touch {canary})", "'; touch {canary}; '", '"; touch {canary}; "'],
)
def test_make_erase_treats_a_hostile_sender_id_as_data(tolerant_stack, tmp_path, hostile):
    canary = tmp_path / "executed"
    sender = hostile.format(canary=canary)
    result = subprocess.run(
        ["make", "--no-print-directory", "erase", f"SENDER={sender}"],
        cwd=ROOT,
        env={**tolerant_stack.env(), "TRACKER_DB": str(tolerant_stack.tracker_db)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Erased 0 event(s)" in result.stdout
    assert not canary.exists(), "the sender id was executed by the shell"


def test_purge_deletes_conversations_older_than_the_retention(tolerant_stack):
    old, recent = Patient(tolerant_stack.rest_url), Patient(tolerant_stack.rest_url)
    old.say("hello")
    recent.say("hello")
    forty_days = 40 * 86400
    with sqlite3.connect(tolerant_stack.tracker_db) as db:
        db.execute(
            "UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
            (forty_days, old.conversation_id),
        )
    output = privacy_command(tolerant_stack, "purge", "--days", "30")
    assert "Purged" in output
    assert stored_events(tolerant_stack, old.conversation_id) == []
    assert old.conversation_id.encode() not in database_bytes(tolerant_stack)
    assert user_texts(tolerant_stack, recent.conversation_id) == ["hello"]


# 8. Load ----------------------------------------------------------------------------

QUESTIONS = [
    "What is mesotherapy?",
    "Can I drink coffee before?",
    "and after?",
    "does it work on my hands",
    "will I bruise?",
    "How much does it cost?",
    "thanks",
]


def real_answer(response: requests.Response) -> bool:
    """An answer from the assistant, not an error nor the polite "can't answer now"."""
    if response.status_code != 200 or not response.json():
        return False
    return not any(UNAVAILABLE in (m.get("text") or "") for m in response.json())


def test_fifty_concurrent_conversations_lose_and_cross_nothing(stack):
    # The suite's stack: no rate limits, the default answer timeout.
    conversations, turns = 50, 20

    def converse(index):
        sender = str(uuid.uuid4())
        sent, failures = [], 0
        for turn in range(turns):
            text = f"{QUESTIONS[(index + turn) % len(QUESTIONS)]} #{index}.{turn}"
            response = requests.post(
                stack.rest_url, json={"sender": sender, "message": text}, timeout=60
            )
            failures += not real_answer(response)
            sent.append(text)
        return sender, sent, failures

    with ThreadPoolExecutor(max_workers=conversations) as pool:
        results = list(pool.map(converse, range(conversations)))
    assert sum(failures for _, _, failures in results) == 0
    for sender, sent, _ in results:
        events = stored_events(stack, f"web:{sender}")
        assert [d.get("text") for k, d in events if k == "user"] == sent
        assert sum(1 for k, _ in events if k == "bot") >= turns


# 3. Conversations stay with their owner ---------------------------------------------


@pytest.mark.parametrize(
    "sender",
    ["+15551234567", "whatsapp:+15551234567", "sms:+15551234567", "tg:42", "fb:psid-1", "me"],
)
def test_the_public_webhook_cannot_name_another_channels_conversation(stack, sender):
    response = requests.post(
        stack.rest_url, json={"sender": sender, "message": "and after?"}, timeout=30
    )
    assert response.status_code == 400
    assert "UUID" in response.json()["error"]


def test_widget_conversations_are_stored_under_their_own_prefix(tolerant_stack):
    patient = Patient(tolerant_stack.rest_url)
    patient.say("hello")
    with sqlite3.connect(tolerant_stack.tracker_db) as db:
        senders = {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}
    assert f"web:{patient.sender}" in senders
    assert patient.sender not in senders
    # The prefixes of the messaging channels can never come from the public webhook.
    assert not {s for s in senders if s.startswith(("sms:", "tg:", "fb:"))}


def test_a_new_session_does_not_carry_the_last_answers_context(tolerant_stack):
    patient = Patient(tolerant_stack.rest_url)
    patient.say("What should I avoid before the treatment?")
    two_hours = 2 * 3600
    with sqlite3.connect(tolerant_stack.tracker_db) as db:
        # Rasa reads an event's time from its JSON, the store's column is for queries.
        db.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) "
            "WHERE sender_id = ?",
            (two_hours, two_hours, patient.conversation_id),
        )
    patient.say("hello")
    events = stored_events(tolerant_stack, patient.conversation_id)
    starts = [i for i, (kind, _) in enumerate(events) if kind == "session_started"]
    assert len(starts) == 2, "the pause should have started a new session"
    new_session = events[starts[-1] :]
    assert not [
        data
        for kind, data in new_session
        if kind == "slot" and data.get("name") == "current_section"
    ], "the section of the last answer was carried into the new session"


def test_typed_slash_text_is_text_and_only_buttons_send_payloads(stack):
    def say(sender, message, **extra):
        body = {"sender": sender, "message": message, **extra}
        return requests.post(stack.rest_url, json=body, timeout=30).json()

    def parsed(sender):
        [user] = [data for kind, data in stored_events(stack, f"web:{sender}") if kind == "user"]
        return user["parse_data"]

    def parsed_intent(sender):
        return parsed(sender)["intent"]

    button, typed = str(uuid.uuid4()), str(uuid.uuid4())
    assert (
        ARTICLE.passage("what_is.p1").text in say(button, "/ask_what_is", payload=True)[0]["text"]
    )
    say(typed, "/ask_what_is")
    # A payload is taken as given (confidence 1, nothing else ranked); typed text goes
    # through NLU, which ranks every intent (its top confidence may round to 1.0 too).
    assert parsed_intent(button) == {"name": "ask_what_is", "confidence": 1.0}
    assert len(parsed(button)["intent_ranking"]) == 1
    assert parsed_intent(typed) != parsed_intent(button)
    assert len(parsed(typed)["intent_ranking"]) > 1
    typed_emergency = say(str(uuid.uuid4()), "/report_emergency")
    # No urgent reply (an article answer may still name its passages in `custom`).
    assert not any((m.get("custom") or {}).get("kind") for m in typed_emergency)
    # "/restart" typed into the widget does not reset the conversation.
    sender = str(uuid.uuid4())
    say(sender, "hello")
    say(sender, "/restart")
    assert "restart" not in {kind for kind, _ in stored_events(stack, f"web:{sender}")}


def test_a_retried_message_is_answered_once_and_stored_once(stack):
    sender, message_id = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"sender": sender, "message": "Will I bruise?", "message_id": message_id}
    first = requests.post(stack.rest_url, json=body, timeout=30).json()
    again = requests.post(stack.rest_url, json=body, timeout=30).json()
    assert first == again and real_answer_texts(first)
    stored = user_texts(stack, f"web:{sender}")
    assert stored == ["Will I bruise?"], "a retry must not add a turn"
    # Another message id is another message.
    body["message_id"] = str(uuid.uuid4())
    requests.post(stack.rest_url, json=body, timeout=30)
    assert user_texts(stack, f"web:{sender}") == ["Will I bruise?"] * 2


def real_answer_texts(replies: list[dict]) -> list[str]:
    return [m["text"] for m in replies if UNAVAILABLE not in m.get("text", "")]


def test_a_message_id_must_be_a_uuid(stack):
    body = {"sender": str(uuid.uuid4()), "message": "hi", "message_id": "1; DROP TABLE"}
    assert requests.post(stack.rest_url, json=body, timeout=30).status_code == 400
