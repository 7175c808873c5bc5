"""👍/👎 on the widget's answers, through the real REST channel and its real store
(channels/rest.py, runtime/feedback.py), and its erasure with the conversation."""

from __future__ import annotations

import sqlite3
import subprocess
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from runtime.feedback import FEEDBACK
from runtime.settings import ROOT, VENV_BIN
from tests.conftest import Patient


def feedback_url(stack) -> str:
    return stack.rest_url.rsplit("/", 1)[0] + "/feedback"


def vote(stack, sender: str, passages, rating="up", **extra) -> requests.Response:
    body = {"sender": sender, "passages": passages, "rating": rating, **extra}
    return requests.post(feedback_url(stack), json=body, timeout=30)


def stored_feedback(stack, conversation_id: str) -> list[tuple]:
    with sqlite3.connect(stack.tracker_db) as db:
        return db.execute(
            "SELECT passages, rating, comment, red_flag FROM feedback WHERE sender_id = ?",
            (conversation_id,),
        ).fetchall()


def event_count(stack, conversation_id: str) -> int:
    with sqlite3.connect(stack.tracker_db) as db:
        return db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", (conversation_id,)
        ).fetchone()[0]


def answered(stack, question: str) -> tuple[Patient, dict]:
    patient = Patient(stack.rest_url)
    reply = next(m for m in patient.say(question) if (m.get("custom") or {}).get("passages"))
    return patient, reply


def test_an_answer_names_its_passages_beside_an_unchanged_text(stack):
    patient, reply = answered(stack, "Can I drink coffee before the treatment?")
    assert reply["custom"]["passages"] == ["avoid_before.item2"]
    assert "avoid_before" not in reply["text"]
    # Replies that are not from the article name none.
    other = Patient(stack.rest_url).say("hello")
    assert all("passages" not in (m.get("custom") or {}) for m in other)


def test_a_vote_is_stored_beside_the_conversation_and_changes_nothing_in_it(stack):
    patient, reply = answered(stack, "Can I drink coffee before the treatment?")
    before = event_count(stack, patient.conversation_id)
    response = vote(stack, patient.sender, reply["custom"]["passages"], "up")
    assert response.status_code == 200, response.text
    assert response.json() == {"recorded": True, "messages": []}
    assert stored_feedback(stack, patient.conversation_id) == [
        ('["avoid_before.item2"]', "up", None, 0)
    ]
    assert event_count(stack, patient.conversation_id) == before
    # A changed mind replaces the vote: one vote per answer.
    comment = "Nothing about decaf"
    response = vote(stack, patient.sender, ["avoid_before.item2"], "down", comment=comment)
    assert response.status_code == 200, response.text
    assert stored_feedback(stack, patient.conversation_id) == [
        ('["avoid_before.item2"]', "down", comment, 0)
    ]
    # The context is the answer's: a follow-up still reads against it.
    assert "after" in patient.text("and after?").lower()


def test_a_comment_is_never_logged(stack):
    patient, reply = answered(stack, "What should I avoid before the treatment?")
    secret = f"missing-{uuid.uuid4().hex[:8]}"
    response = vote(stack, patient.sender, reply["custom"]["passages"], "down", comment=secret)
    assert response.status_code == 200
    time.sleep(1)
    logs = "".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*.log"))
    assert "rest.feedback.recorded" in logs
    assert secret not in logs


def test_an_emergency_in_the_comment_gets_the_urgent_reply_and_is_flagged(stack):
    patient, reply = answered(stack, "What should I do after the treatment?")
    response = vote(
        stack,
        patient.sender,
        reply["custom"]["passages"],
        "down",
        comment="my face is swelling and I can't breathe",
    )
    assert response.status_code == 200
    [urgent] = response.json()["messages"]
    assert urgent["custom"] == {"kind": "urgent"}
    assert stored_feedback(stack, patient.conversation_id)[0][3] == 1


@pytest.mark.parametrize(
    "change, status, says",
    [
        ({"sender": "tg:42"}, 400, "'sender'"),
        ({"rating": "meh"}, 400, "'rating'"),
        ({"passages": []}, 400, "'passages'"),
        ({"passages": "avoid_before.item2"}, 400, "'passages'"),
        ({"passages": ["not.a_passage"]}, 400, "'passages'"),
        ({"comment": 5, "rating": "down"}, 400, "'comment'"),
        ({"comment": "x" * 501, "rating": "down"}, 400, "longer than 500"),
        ({"comment": "great", "rating": "up"}, 400, "comment"),
        ({"passages": ["aftercare.item1"]}, 422, "not served"),
        ({"sender": str(uuid.uuid4())}, 404, "no conversation"),
    ],
)
def test_bad_feedback_gets_a_clear_4xx(stack, change, status, says):
    patient, reply = answered(stack, "Can I drink coffee before the treatment?")
    body = {"sender": patient.sender, "passages": reply["custom"]["passages"], "rating": "up"}
    response = requests.post(feedback_url(stack), json={**body, **change}, timeout=30)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]


def test_a_body_that_is_not_json_gets_a_400(stack):
    response = requests.post(feedback_url(stack), data=b"\xff", timeout=30)
    assert response.status_code == 400


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


def test_deleting_the_conversation_deletes_its_feedback(stack):
    keep, keep_reply = answered(stack, "Can I drink coffee before the treatment?")
    gone, gone_reply = answered(stack, "Can I drink coffee before the treatment?")
    for patient, reply in ((keep, keep_reply), (gone, gone_reply)):
        comment = f"about {patient.sender}"
        passages = reply["custom"]["passages"]
        response = vote(stack, patient.sender, passages, "down", comment=comment)
        assert response.status_code == 200
    forget = stack.rest_url.rsplit("/", 1)[0] + "/forget"
    assert requests.post(forget, json={"sender": gone.sender}, timeout=60).json() == {
        "deleted": True
    }
    assert stored_feedback(stack, gone.conversation_id) == []
    assert len(stored_feedback(stack, keep.conversation_id)) == 1
    files = [stack.tracker_db, *stack.tracker_db.parent.glob(stack.tracker_db.name + "-*")]
    on_disk = b"".join(path.read_bytes() for path in files if path.exists())
    assert f"about {gone.sender}".encode() not in on_disk


def test_the_retention_purge_deletes_old_conversations_feedback(stack):
    old, old_reply = answered(stack, "Can I drink coffee before the treatment?")
    assert vote(stack, old.sender, old_reply["custom"]["passages"]).status_code == 200
    with sqlite3.connect(stack.tracker_db) as db:
        db.execute(
            "UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
            (400 * 86400, old.conversation_id),
        )
    assert "Purged" in privacy_command(stack, "purge", "--days", "365")
    assert stored_feedback(stack, old.conversation_id) == []


def test_a_store_that_refuses_the_vote_gets_a_503_and_still_the_urgent_reply(stack):
    patient, reply = answered(stack, "Can I drink coffee before the treatment?")
    FEEDBACK.metadata.create_all(sa.create_engine(f"sqlite:///{stack.tracker_db}"))
    trigger = f"refuse_{patient.sender.replace('-', '')}"
    with sqlite3.connect(stack.tracker_db) as db:
        db.execute(
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON feedback "
            f"WHEN NEW.sender_id = '{patient.conversation_id}' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    try:
        passages = reply["custom"]["passages"]
        response = vote(stack, patient.sender, passages, "up")
        assert response.status_code == 503 and "try again" in response.json()["error"]
        emergency = "my face is swelling and I can't breathe"
        response = vote(stack, patient.sender, passages, "down", comment=emergency)
        assert response.status_code == 200
        assert response.json()["recorded"] is False
        assert response.json()["messages"][0]["custom"] == {"kind": "urgent"}
    finally:
        with sqlite3.connect(stack.tracker_db) as db:
            db.execute(f"DROP TRIGGER {trigger}")
    assert stored_feedback(stack, patient.conversation_id) == []
