"""`make insights` (scripts/insights.py, insights/): the clinic's report from the tracker store.

The report is built from a store filled by the real Rasa server and action server, read
through the same endpoints files the servers use, and looked at in real Chromium on a
phone-sized screen.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
import yaml

from content.article import load_article
from content.clinic import CallbackMail, load_clinic
from content.routing import answer_with
from insights.analysis import (
    ANSWER_ACTIONS,
    OUT_OF_SCOPE_INTENT,
    RED_FLAG_INTENTS,
    SECTION_SLOT,
    PassageMatcher,
    channel_of,
    summarise,
)
from insights.grouping import group_similar
from insights.html import render
from insights.redact import redact
from insights.report import build, write
from insights.store import Event, read_events
from runtime import outbox
from runtime.mailer import Deliverer, SmtpSender
from runtime.settings import ROOT, VENV_BIN, SmtpCredentials
from tests.conftest import Patient

DAY = 86400
NO_CALLBACKS = {"recorded": False, "total": 0, "by_state": {}, "retrying": 0}
SCREENSHOTS = ROOT / "reports" / "screenshots"
NOW = 1_800_000_000.0  # a fixed "now" for reports built from made-up events

# --- redaction -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("+44 20 7946 0000", "[phone]"),
        ("call me on 07700 900123 please", "call me on [phone] please"),
        ("(555) 123-4567", "[phone]"),
        ("name@example.co.uk", "[email]"),
        (
            "write to name@example.co.uk or ring +44 (0)20 7946 0000.",
            "write to [email] or ring [phone].",
        ),
        ("my mobile: 07700900123", "my mobile: [phone]"),
        ("555.123.4567 or 555-123-4567", "[phone] or [phone]"),
    ],
)
def test_phone_numbers_and_email_addresses_are_redacted(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Avoid Vitamin E for at least 5 days; drink 80 ounces (10 glasses) daily for 48 hours",
        "Can I come on 14/03/2025 or 2025-03-15 at 10:30?",
        "Is 2 sessions 3 weeks apart enough?",
    ],
)
def test_numbers_that_are_not_contact_details_are_kept(text):
    assert redact(text) == text


# --- grouping --------------------------------------------------------------------------


def test_similar_questions_are_grouped_and_different_ones_kept_apart():
    groups = group_similar(
        [
            "How much does mesotherapy cost?",
            "When are you open on Saturdays?",
            "What would a session cost me?",
            "How much does mesotherapy cost?",
            "what are your opening hours on saturday",
            # Shares "how" and "does" with the price question, not what it asks.
            "How long do the results last?",
            "Do you treat dogs?",
        ]
    )
    as_sets = [(g.count, set(g.examples)) for g in groups]
    assert as_sets == [
        (3, {"How much does mesotherapy cost?", "What would a session cost me?"}),
        (2, {"When are you open on Saturdays?", "what are your opening hours on saturday"}),
        (1, {"How long do the results last?"}),
        (1, {"Do you treat dogs?"}),
    ]
    # The most frequent wording is the group's first example.
    assert groups[0].examples[0] == "How much does mesotherapy cost?"


def test_a_group_shows_at_most_three_wordings():
    texts = [f"How much does {w} cost?" for w in ("it", "one session", "a course", "the face")]
    (group,) = group_similar(texts)
    assert group.count == 4 and len(group.examples) == 3


def test_nothing_to_group():
    assert group_similar([]) == []
    assert [g.examples for g in group_similar(["only one"])] == [("only one",)]


# --- reading the events ----------------------------------------------------------------


def event(sender, kind, t, intent=None, action=None, **data) -> Event:
    return Event(sender, kind, t, intent, action, {"event": kind, "timestamp": t, **data})


def user(sender, t, text, intent, **data) -> Event:
    return event(sender, "user", t, intent, None, text=text, **data)


def answer(sender, t, action, section, text, **bot) -> list[Event]:
    events = [event(sender, "action", t, action=action), event(sender, "bot", t, text=text, **bot)]
    if section:
        events.append(event(sender, "slot", t, action=SECTION_SLOT, value=section))
    return [*events, event(sender, "action", t, action="action_listen")]


def report_of(events: list[Event], days: int = 30) -> dict:
    return summarise(sorted(events, key=lambda e: e.sender_id), NOW - days * DAY, NOW)


def test_the_names_read_from_the_events_are_the_domains():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {*RED_FLAG_INTENTS, OUT_OF_SCOPE_INTENT} <= set(domain["intents"])
    assert set(ANSWER_ACTIONS) <= set(domain["actions"])
    assert SECTION_SLOT in domain["slots"]


@pytest.mark.parametrize(
    ("sender", "input_channel", "channel"),
    [
        ("web:0b9e3c1e-7f43-4d7e-a3a4-2a1f0c9b8d11", "rest", "web"),
        ("sms:+447700900123", None, "sms"),
        ("sms:whatsapp:+447700900123", None, "sms"),
        ("tg:42", None, "tg"),
        ("fb:1234", None, "fb"),
        ("1234", "telegram", "tg"),
        ("1234", None, "other"),
    ],
)
def test_the_channel_is_the_sender_ids_prefix(sender, input_channel, channel):
    assert channel_of(sender, input_channel) == channel


def test_every_passage_an_answer_quotes_is_recognised_in_its_text():
    article = load_article()
    matcher = PassageMatcher(article)
    for pid, passage in article.passages.items():
        quoted = answer_with([pid])
        whole, single = matcher.served(matcher.quoted(quoted.text()))
        if quoted.is_whole_section:
            assert (whole, single) == ([passage.section_id], []), pid
        else:
            assert (whole, single) == ([], [pid]), pid


def test_feedback_is_read_from_the_documented_event_shapes():
    s = "web:feedback"
    t = NOW - DAY
    events = [
        event(s, "slot", t, action=SECTION_SLOT, value="aftercare"),
        event(
            s,
            "bot",
            t,
            text="...",
            metadata={
                "feedback": {
                    "rating": "down",
                    "passages": ["aftercare.item1"],
                    "comment": "How long before I can swim? Call me on 07700 900123",
                }
            },
        ),
        event(
            s,
            "bot",
            t,
            text="...",
            metadata={"feedback": {"rating": "down", "passages": ["aftercare.item1"]}},
        ),
        user(
            s,
            t,
            "/feedback",
            "feedback",
            parse_data={"entities": [{"entity": "rating", "value": "up"}]},
        ),
        user(
            s,
            t,
            "bad",
            "greet",
            parse_data={
                "metadata": {
                    "feedback": {"rating": "down", "comment": "flagged text", "red_flag": True}
                }
            },
        ),
    ]
    feedback = report_of(events)["feedback"]
    assert (feedback["recorded"], feedback["up"], feedback["down"]) == (True, 1, 3)
    assert feedback["per_section"] == [
        {"section": "aftercare", "title": "Aftercare", "up": 1, "down": 3}
    ]
    worst = feedback["most_down_passages"][0]
    assert (worst["passage"], worst["down"]) == ("aftercare.item1", 2)
    assert worst["missing"] == ["How long before I can swim? Call me on [phone]"]
    assert "flagged text" not in json.dumps(feedback)


def test_without_feedback_or_callbacks_the_report_says_so(tmp_path):
    report = report_of([user("web:a", NOW - 10, "hi", "greet")])
    assert report["feedback"]["recorded"] is False
    assert "callbacks" not in report  # read from the outbox, not the events
    assert (
        build(sa.create_engine(f"sqlite:///{tmp_path / 'none.db'}"), now=NOW)["callbacks"]
        == NO_CALLBACKS
    )
    page = full_report(report)
    assert "No feedback recorded yet." in page and "None recorded." in page


def outbox_row(key: str, created: float, state: str, attempts: int) -> dict:
    return {
        "request_key": key,
        "sender_id": f"web:{key}",
        "created_at": created,
        "name": "Ana Lima",
        "contact": "+44 20 7946 0958",
        "contact_kind": "phone",
        "preferred_time": "mornings",
        "state": state,
        "attempts": attempts,
        "next_attempt_at": created,
    }


def test_callbacks_are_counted_by_their_delivery_state_from_the_outbox(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.begin() as connection:
        # Rasa's events table, empty: the requests' conversations were erased.
        connection.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
                " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
    outbox.ensure_outbox(engine)
    with engine.begin() as connection:
        for row in (
            outbox_row("d1", NOW - 100, outbox.DELIVERED, 1),
            outbox_row("d2", NOW - 50, outbox.DELIVERED, 3),
            outbox_row("p1", NOW - 20, outbox.PENDING, 0),
            outbox_row("p2", NOW - 10, outbox.PENDING, 2),  # the mail server refused it
            outbox_row("old", NOW - 40 * DAY, outbox.DELIVERED, 1),  # before the period
        ):
            connection.execute(outbox.outbox.insert().values(**row))
    report = build(engine, days=30, now=NOW)
    assert report["callbacks"] == {
        "recorded": True,
        "total": 4,
        "by_state": {"delivered": 2, "pending": 2},
        "retrying": 1,
    }
    page = render(report)
    assert "<b>4</b> callback requests" in page and "1</b> pending request(s)" in page
    # Counts only: the patient's details stay in the outbox.
    assert "Ana Lima" not in page + json.dumps(report) and "7946" not in page


def test_unclear_messages_that_may_be_an_emergency_are_counted_never_shown():
    t = NOW - 100
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_aftercare"}, {"name": "report_emergency"}]
    events = [
        user(
            "web:c",
            t,
            "my face feels odd and hot",
            "nlu_fallback",
            parse_data={"intent_ranking": ranking},
        ),
        user("web:c", t + 1, "I feel awful and want it to end", "report_self_harm"),
        user(
            "web:c",
            t + 2,
            "do you do lips",
            "nlu_fallback",
            parse_data={"intent_ranking": [{"name": "nlu_fallback"}, {"name": "ask_areas"}]},
        ),
        user("web:c", t + 3, "/out_of_scope", "out_of_scope"),
    ]
    report = report_of(events)
    unanswered = report["unanswered"]
    assert unanswered["withheld_possible_emergency"] == 1
    assert unanswered["did_you_mean"] == 1 and unanswered["out_of_scope"] == 0
    assert [g["examples"] for g in unanswered["groups"]] == [["do you do lips"]]
    assert report["red_flags"]["total"] == 1
    page = full_report(report)
    for text in ("my face feels odd", "want it to end"):
        assert text not in page and text not in json.dumps(report)


def test_an_article_question_without_a_passage_is_unanswered_and_passages_are_counted():
    t = NOW - 100
    article = load_article()
    coffee = answer_with(["avoid_before.item2"]).text()
    events = [
        user("web:d", t, "can I drink coffee before?", "ask_avoid_before"),
        *answer("web:d", t, "action_answer_from_article", "avoid_before", coffee),
        user("web:d", t, "what about my eyebrows", "ask_areas"),
        *answer("web:d", t, "action_answer_from_article", None, "Sorry, I can only..."),
        user("web:d", t, "aftercare please", "ask_aftercare"),
        *answer(
            "web:d",
            t,
            "action_answer_from_article",
            "aftercare",
            article.section("aftercare").full_text(),
        ),
        user("web:d", t, "bruising?", "ask_bruising"),
        *answer(
            "web:d",
            t,
            "action_answer_from_article",
            "aftercare",
            "(text not matched)",
            metadata={"passages": ["aftercare.item3"]},
        ),
    ]
    report = report_of(events)
    assert report["sections"]["questions"][0] == {
        "section": "aftercare",
        "title": "Aftercare",
        "questions": 2,
    }
    served = {p["passage"]: p["count"] for p in report["passages"]["served"]}
    assert served == {"avoid_before.item2": 1, "aftercare.item3": 1}
    assert report["passages"]["whole_sections"][0]["section"] == "aftercare"
    assert report["passages"]["source"] == "recorded and answer text"
    assert report["unanswered"]["no_passage"] == 1
    assert report["unanswered"]["groups"][0]["examples"] == ["what about my eyebrows"]


def full_report(figures: dict) -> str:
    """The HTML page for figures from `summarise`, with the report's other parts."""
    report = {
        "clinic": "Citidrips",
        "generated_at": "2027-01-15T08:00:00+00:00",
        "period": {
            "days": 30,
            "from": "2026-12-16",
            "to": "2027-01-15",
            "longer_than_retention": False,
        },
        "store": "sqlite",
        "retention": {"days": 30, "note": "Only what the store holds."},
        "medical_review": {"status": "unknown", "review_every_months": 12, "warning": "unknown"},
        "callbacks": NO_CALLBACKS,
        **figures,
    }
    return render(report)


# --- a store filled by the real server -------------------------------------------------

PRICE = ["How much does mesotherapy cost?", "What would a session cost me?"]
HOURS = "When are you open on Saturdays?"
CONTACT = "Do you have parking? Text me on 07700 900123 or email jane.doe@example.co.uk"
EMERGENCY = "My lips are swelling and I can't breathe"
FAQ = ["What is mesotherapy?", "Can I drink coffee before my session?", "and after?"]
# The FAQ patient's 👍/👎 on its three answers, through the widget's endpoint.
VOTES = [
    ("up", None),
    ("down", "Nothing about decaf, ring me on 07700 900456"),
    ("down", "my face is swelling and I can't breathe"),  # a red flag: never shown
]


@pytest.fixture(scope="module")
def conversations(stack):
    """Five patients of the widget: FAQ questions, out-of-scope ones, contact details
    and an emergency."""
    faq, price, other, contact, urgent = (Patient(stack.rest_url) for _ in range(5))
    feedback_url = stack.rest_url.rsplit("/", 1)[0] + "/feedback"
    for text, (rating, comment) in zip(FAQ, VOTES, strict=True):
        [answer] = [m for m in faq.say(text) if (m.get("custom") or {}).get("passages")]
        vote = {"sender": faq.sender, "passages": answer["custom"]["passages"], "rating": rating}
        response = requests.post(feedback_url, json={**vote, "comment": comment}, timeout=30)
        assert response.status_code == 200, response.text
    for text in PRICE:
        price.say(text)
    other.say(HOURS)
    contact.say(CONTACT)
    urgent.say(EMERGENCY)
    return {
        "faq": faq.conversation_id,
        "price": price.conversation_id,
        "other": other.conversation_id,
        "contact": contact.conversation_id,
        "urgent": urgent.conversation_id,
    }


def insights_command(*args: str, **env: str) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "scripts.insights", *args],
        cwd=ROOT,
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.pop("RASA_ENDPOINTS", None)
    return env


@pytest.fixture
def own_store(stack, conversations, tmp_path) -> Path:
    """A copy of the server's store holding only this module's conversations, and an
    endpoints file naming it as Rasa's `type: SQL` store (as the prod profile's is)."""
    copy = tmp_path / "tracker.db"
    with sqlite3.connect(stack.tracker_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    ours = list(conversations.values())
    with sqlite3.connect(copy) as db:
        marks = ",".join("?" * len(ours))
        db.execute(f"DELETE FROM events WHERE sender_id NOT IN ({marks})", ours)
        db.execute(f"DELETE FROM feedback WHERE sender_id NOT IN ({marks})", ours)
        db.execute(f"DELETE FROM {outbox.TABLE} WHERE sender_id NOT IN ({marks})", ours)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(copy)}})
    )
    return copy


def age(db_path: Path, sender: str, seconds: float) -> None:
    """Moves a conversation back in time: the timestamp column and the event's JSON."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT id, data FROM events WHERE sender_id = ?", (sender,)).fetchall()
        for row_id, data in rows:
            event_data = json.loads(data)
            event_data["timestamp"] -= seconds
            db.execute(
                "UPDATE events SET timestamp = timestamp - ?, data = ? WHERE id = ?",
                (seconds, json.dumps(event_data), row_id),
            )


@pytest.mark.server
def test_the_report_of_a_real_conversation_store(conversations, own_store, tmp_path):
    out = tmp_path / "reports"
    output = insights_command("--endpoints", str(tmp_path / "endpoints.yml"), "--out", str(out))
    assert "Wrote" in output
    report = json.loads((out / "insights.json").read_text(encoding="utf-8"))
    page = (out / "insights.html").read_text(encoding="utf-8")

    assert report["totals"]["conversations"] == 5
    assert report["per_channel"] == [
        {"channel": "web", "name": "Website widget", "conversations": 5, "messages": 8}
    ]
    assert sum(day["messages"] for day in report["per_day"]) == 8
    # FAQ answers, per section and passage ("and after?" continues into aftercare).
    sections = {s["section"]: s["questions"] for s in report["sections"]["questions"]}
    assert sections == {"what_is": 1, "avoid_before": 1, "aftercare": 1}
    assert "avoid_before.item2" in {p["passage"] for p in report["passages"]["served"]}

    # Unanswered: the two price questions together, the opening hours apart, redacted.
    unanswered = report["unanswered"]
    assert unanswered["total"] == 4
    groups = [(g["count"], set(g["examples"])) for g in unanswered["groups"]]
    assert (2, set(PRICE)) in groups
    assert (1, {HOURS}) in groups
    redacted = "Do you have parking? Text me on [phone] or email [email]"
    assert (1, {redacted}) in groups
    # Red flags: counted, never quoted.
    assert report["red_flags"]["total"] == 1
    assert sum(d["report_emergency"] for d in report["red_flags"]["per_day"]) == 1
    for text in ("07700 900123", "jane.doe@example.co.uk", "lips are swelling"):
        assert text not in page and text not in json.dumps(report)
    assert redacted in page
    # Feedback: per section, and what was missing under the passage with the most 👎,
    # redacted; the comment describing an emergency is never shown.
    feedback = report["feedback"]
    assert (feedback["total"], feedback["up"], feedback["down"]) == (3, 1, 2)
    per_section = {s["section"]: (s["up"], s["down"]) for s in feedback["per_section"]}
    assert per_section == {"what_is": (1, 0), "avoid_before": (0, 1), "aftercare": (0, 1)}
    worst = {p["passage"]: p["missing"] for p in feedback["most_down_passages"]}
    assert worst["avoid_before.item2"] == ["Nothing about decaf, ring me on [phone]"]
    assert "Nothing about decaf, ring me on [phone]" in page
    for text in ("07700 900456", "face is swelling"):
        assert text not in page and text not in json.dumps(report)
    # Not built yet, and said so; the article's review is unknown until filled in.
    assert "No feedback recorded yet." not in page and "None recorded." in page
    assert report["medical_review"]["status"] == "unknown"
    assert "medical review is unknown" in page
    assert (out / "insights.html").stat().st_mode & 0o077 == 0


@pytest.mark.server
def test_days_and_retention_bound_what_the_report_shows(conversations, own_store, tmp_path):
    engine = sa.create_engine(f"sqlite:///{own_store}")
    now = time.time() + 60
    age(own_store, conversations["price"], 3 * DAY)
    age(own_store, conversations["urgent"], 40 * DAY)

    month = build(engine, days=30, now=now)
    assert month["totals"]["conversations"] == 4  # the emergency is past the 30 days
    assert month["red_flags"]["total"] == 0
    assert month["unanswered"]["out_of_scope"] == 4

    day = build(engine, days=1, now=now)
    assert day["totals"]["conversations"] == 3
    examples = {e for g in day["unanswered"]["groups"] for e in g["examples"]}
    assert not examples & set(PRICE)

    longer = build(engine, days=60, now=now)
    assert longer["totals"]["conversations"] == 5 and longer["red_flags"]["total"] == 1
    assert longer["period"]["longer_than_retention"] is True
    assert "only kept for 30 days" in render(longer)

    # The command line's --days, on the same store.
    out = tmp_path / "one-day"
    insights_command(
        "--days", "1", "--endpoints", str(tmp_path / "endpoints.yml"), "--out", str(out)
    )
    assert json.loads((out / "insights.json").read_text())["totals"]["conversations"] == 3


@pytest.mark.server
def test_the_report_of_the_running_servers_store_reads_well_on_a_phone(
    stack, conversations, chromium, tmp_path
):
    # One long unbroken "word" (a pasted link, a keyboard mash) must not widen the page.
    long_word = "https://example.com/voucher?" + "z" * 150
    Patient(stack.rest_url).say(f"do you sell gift vouchers like {long_word}")
    # The default endpoints.yml, with the server's own database, as `make insights` runs.
    out = tmp_path / "reports"
    insights_command("--out", str(out), TRACKER_DB=str(stack.tracker_db))
    report = json.loads((out / "insights.json").read_text(encoding="utf-8"))
    assert report["red_flags"]["total"] >= 1
    assert report["unanswered"]["total"] >= 4
    assert any(c["channel"] == "web" and c["messages"] >= 8 for c in report["per_channel"])
    page_html = (out / "insights.html").read_text(encoding="utf-8")
    assert "lips are swelling" not in page_html and "07700 900123" not in page_html
    assert long_word[:60] in page_html

    page = chromium.new_page(viewport={"width": 390, "height": 844})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((out / "insights.html").as_uri())
    headings = [
        "Conversations and messages",
        "Questions per article section",
        "Most served passages",
        "Unanswered questions",
        "Feedback",
        "Red-flag replies",
        "Callback requests",
        "Medical review of the article",
    ]
    for name in headings:
        heading = page.get_by_role("heading", name=name, exact=True)
        heading.scroll_into_view_if_needed()
        assert heading.is_visible(), name
    # Readable on a phone: no sideways scrolling, large text, and nothing fetched.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    assert page.locator("svg.chart").count() >= 3
    assert requests == [(out / "insights.html").as_uri()]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "insights.png"), full_page=True)
    page.close()


@pytest.mark.server
def test_callback_requests_and_their_delivery_appear_in_the_report(stack, smtp_server, tmp_path):
    def callbacks() -> dict:
        out = tmp_path / "reports"
        insights_command("--out", str(out), TRACKER_DB=str(stack.tracker_db))
        return json.loads((out / "insights.json").read_text(encoding="utf-8"))["callbacks"]

    before = callbacks()
    patient = Patient(stack.rest_url)
    for text in ("I want to request a callback", "Zed Quill", "zed@example.com", "evenings"):
        patient.say(text)
    assert "passed to" in patient.text("yes")
    queued = callbacks()
    assert queued["total"] == before["total"] + 1
    pending = queued["by_state"].get(outbox.PENDING, 0)
    assert pending == before["by_state"].get(outbox.PENDING, 0) + 1

    mail = CallbackMail(
        "127.0.0.1", smtp_server.port, False, "a@clinic.example", "b@clinic.example"
    )
    engine = sa.create_engine(f"sqlite:///{stack.tracker_db}")
    Deliverer(engine, mail, load_clinic(), SmtpSender(mail, SmtpCredentials())).deliver_due()
    delivered = callbacks()
    assert delivered["total"] == queued["total"]
    assert delivered["by_state"].get(outbox.PENDING, 0) == 0
    assert delivered["by_state"][outbox.DELIVERED] >= 1
    page = (tmp_path / "reports" / "insights.html").read_text(encoding="utf-8")
    assert "callback requests" in page
    assert "Zed Quill" not in page and "zed@example.com" not in page


def test_a_store_without_conversations_gives_an_empty_report(tmp_path):
    missing = tmp_path / "never-created.db"
    engine = sa.create_engine(f"sqlite:///{missing}")
    assert list(read_events(engine, 0, NOW)) == []
    report = build(engine, days=7, now=NOW)
    assert report["totals"] == {
        "conversations": 0,
        "messages": 0,
        "unanswered": 0,
        "red_flags": 0,
    }
    assert len(report["per_day"]) == 8  # from the day 7 days ago to today
    assert not missing.exists()
    html_path, json_path = write(report, tmp_path / "out")
    assert "No conversations in this period." in html_path.read_text(encoding="utf-8")
    assert json.loads(json_path.read_text())["medical_review"]["status"] == "unknown"
