"""channels/feedback.py: 👍/👎 under article answers on Telegram and Messenger, recorded
in a real SQL tracker store's database without reaching the bot; nothing on SMS."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.feedback import feedback_buttons, parse_feedback
from content.replies import FEEDBACK_THANKS, with_disclaimer
from runtime.feedback import answer_key
from tests.channels.harness import (
    ARTICLE,
    ChannelApp,
    expect,
    messenger_batch,
    messenger_event,
    run,
    sms,
    telegram_update,
)
from tests.channels.test_facebook import facebook_channel, facebook_post
from tests.channels.test_telegram import button_press, telegram_channel, telegram_post
from tests.channels.test_twilio import twilio_channel, twilio_post

PASSAGES = ["avoid_before.item2"]
ANSWER = with_disclaimer(ARTICLE.passage("avoid_before.item2").text)
SECTION_BUTTON = {
    "title": "Show the whole section: What to avoid before",
    "payload": '/show_section{"section": "avoid_before"}',
}
UP = f"feedback:up:{answer_key(PASSAGES)}"
DOWN = f"feedback:down:{answer_key(PASSAGES)}"


def article_answer(buttons: list[dict[str, str]] | None = None) -> Callable:
    """The bot's reply to any message: an article answer naming its passages, as the
    action server sends it (the ids beside the text)."""
    reply: dict[str, Any] = {
        # Every key Rasa hands the output channel for a message of the action server.
        **dict.fromkeys(("template", "response", "image", "attachment")),
        "text": ANSWER,
        "buttons": buttons or [],
        "elements": [],
        "custom": {},
        "passages": list(PASSAGES),
    }
    return lambda _: [dict(reply)]


@pytest.fixture
def store(tmp_path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db"))


def served(store: SQLTrackerStore, conversation_id: str) -> Callable:
    """A step giving the channel's app the store, holding a conversation that was served
    the answer."""

    async def step(app: ChannelApp) -> None:
        app.agent.tracker_store = store  # type: ignore[attr-defined]
        events = [
            UserUttered("coffee before?"),
            BotUttered(ANSWER, metadata={"passages": list(PASSAGES)}),
        ]
        await store.save(DialogueStateTracker.from_events(conversation_id, events))

    return step


def votes_in(store: SQLTrackerStore) -> list[tuple]:
    with sqlite3.connect(store.engine.url.database) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'feedback'").fetchone():
            return []
        return db.execute("SELECT sender_id, passages, rating FROM feedback").fetchall()


def test_a_feedback_payload_names_a_rating_and_an_answer():
    up, down = feedback_buttons(PASSAGES)
    assert parse_feedback(up["payload"]) == ("up", answer_key(PASSAGES))
    assert parse_feedback(down["payload"]) == ("down", answer_key(PASSAGES))
    assert all(len(b["payload"].encode()) <= 64 for b in (up, down))
    for other in ("/ask_aftercare", "feedback:maybe:0123456789ab", "feedback:up:", None):
        assert parse_feedback(other) is None


# --- Telegram ------------------------------------------------------------------------------


def test_telegram_answers_get_a_vote_row_under_their_buttons(provider):
    run(
        telegram_channel(provider),
        article_answer([SECTION_BUTTON]),
        telegram_post(telegram_update("coffee before?")),
    )
    [sent] = provider.telegram("sendMessage")
    assert sent["text"] == ANSWER
    assert json.loads(sent["reply_markup"])["inline_keyboard"] == [
        [{"text": SECTION_BUTTON["title"], "callback_data": SECTION_BUTTON["payload"]}],
        [
            {"text": "\N{THUMBS UP SIGN} Helpful", "callback_data": UP},
            {"text": "\N{THUMBS DOWN SIGN} Not helpful", "callback_data": DOWN},
        ],
    ]


def test_telegram_answers_without_buttons_still_get_the_vote_row(provider):
    run(telegram_channel(provider), article_answer(), telegram_post(telegram_update("hi")))
    [sent] = provider.telegram("sendMessage")
    keyboard = json.loads(sent["reply_markup"])["inline_keyboard"]
    assert [b["callback_data"] for b in keyboard[0]] == [UP, DOWN]


def test_telegram_vote_is_recorded_and_never_reaches_the_bot(provider, store):
    agent = run(
        telegram_channel(provider),
        article_answer(),
        served(store, "tg:4242"),
        telegram_post(button_press(DOWN)),
        telegram_post(button_press(UP)),
    )
    assert agent.messages == []
    assert votes_in(store) == [("tg:4242", json.dumps(PASSAGES), "up")]
    assert provider.telegram("answerCallbackQuery")[-1] == {
        "callback_query_id": "cb-1",
        "text": FEEDBACK_THANKS,
    }
    assert provider.telegram("sendMessage") == []


def test_telegram_vote_on_an_answer_the_chat_was_not_served_is_not_recorded(provider, store):
    other = f"feedback:up:{answer_key(['aftercare.item1'])}"
    agent = run(
        telegram_channel(provider),
        article_answer(),
        served(store, "tg:4242"),
        telegram_post(button_press(other)),
        telegram_post(button_press(UP, chat_id=777)),  # another chat, no conversation
    )
    assert agent.messages == [] and votes_in(store) == []
    assert provider.telegram("answerCallbackQuery") == [{"callback_query_id": "cb-1"}] * 2


def test_telegram_vote_without_the_secret_token_is_refused(provider, store):
    agent = run(
        telegram_channel(provider),
        article_answer(),
        served(store, "tg:4242"),
        expect(403, telegram_post(button_press(UP), secret="wrong")),
    )
    assert agent.messages == [] and votes_in(store) == [] and provider.calls == []


# --- Messenger -----------------------------------------------------------------------------


def quick_replies(provider) -> list[list[dict[str, str]]]:
    return [m["message"].get("quick_replies") for m in provider.messenger_messages()]


def test_messenger_answers_get_vote_quick_replies(provider):
    run(
        facebook_channel(provider),
        article_answer(),
        facebook_post(messenger_batch(messenger_event("coffee before?"))),
    )
    [replies] = quick_replies(provider)
    assert replies == [
        {"content_type": "text", "title": "\N{THUMBS UP SIGN} Helpful", "payload": UP},
        {"content_type": "text", "title": "\N{THUMBS DOWN SIGN} Not helpful", "payload": DOWN},
    ]


def test_messenger_numbered_options_keep_the_vote_quick_replies(provider):
    # The section button's title is too long for a quick reply: it becomes option 1.
    run(
        facebook_channel(provider),
        article_answer([SECTION_BUTTON]),
        facebook_post(messenger_batch(messenger_event("coffee before?"))),
    )
    [message] = [m["message"] for m in provider.messenger_messages()]
    assert "1. Show the whole section" in message["text"]
    assert [r["payload"] for r in message["quick_replies"]] == [UP, DOWN]


def messenger_vote(payload: str, sender: str = "psid-1") -> dict[str, Any]:
    event = messenger_event("\N{THUMBS UP SIGN} Helpful", sender=sender)
    event["message"]["quick_reply"] = {"payload": payload}
    return event


def test_messenger_vote_is_recorded_thanked_and_never_reaches_the_bot(provider, store):
    agent = run(
        facebook_channel(provider),
        article_answer(),
        served(store, "fb:psid-1"),
        facebook_post(messenger_batch(messenger_vote(DOWN))),
    )
    assert agent.messages == []
    assert votes_in(store) == [("fb:psid-1", json.dumps(PASSAGES), "down")]
    assert [m["message"]["text"] for m in provider.messenger_messages()] == [FEEDBACK_THANKS]


def test_messenger_unsigned_vote_is_refused(provider, store):
    agent = run(
        facebook_channel(provider),
        article_answer(),
        served(store, "fb:psid-1"),
        expect(403, facebook_post(messenger_batch(messenger_vote(UP)), signature="sha256=00")),
    )
    assert agent.messages == [] and votes_in(store) == []


# --- SMS / WhatsApp --------------------------------------------------------------------------


def test_sms_answers_get_no_vote(provider):
    run(twilio_channel(provider), article_answer(), twilio_post(sms("coffee before?")))
    bodies = [m["Body"] for m in provider.twilio_messages()]
    assert bodies == [ANSWER]
