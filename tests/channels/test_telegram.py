"""channels/telegram.py: Telegram, with the webhook's secret token checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from rasa.core.channels.telegram import TelegramInput
from rasa.shared.exceptions import RasaException

from channels.formatting import TELEGRAM_LIMIT, split_text, utf16_length
from channels.telegram import VerifiedTelegramInput
from tests.channels.harness import (
    BUTTONS,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    WHOLE_ARTICLE,
    ChannelApp,
    ProviderAPI,
    Reply,
    answers,
    assert_well_split,
    expect,
    provider_message_id,
    run,
    telegram_update,
)

LONG_PAYLOAD = '/ask_avoid_before{"substance": "caffeine", "timing": "before", "area": "face"}'


def telegram_channel(provider: ProviderAPI, **overrides: Any) -> VerifiedTelegramInput:
    credentials = {
        "access_token": TELEGRAM_TOKEN,
        "secret_token": TELEGRAM_SECRET,
        "register_webhook": False,
        "api_base_url": provider.url,
        **overrides,
    }
    channel = VerifiedTelegramInput.from_credentials(credentials)
    assert isinstance(channel, TelegramInput)
    return channel


def button_press(data: str, chat_id: int = 4242) -> dict[str, Any]:
    message = {
        "message_id": 8,
        "date": 0,
        "text": "Pick one",
        "chat": {"id": chat_id, "type": "private"},
    }
    return {
        "update_id": provider_message_id(),
        "callback_query": {
            "id": "cb-1",
            "data": data,
            "message": message,
            "from": {"id": chat_id, "is_bot": False, "first_name": "P"},
        },
    }


def telegram_post(
    update: Any, secret: str | None = TELEGRAM_SECRET, raw: bytes | None = None
) -> Callable:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret

    async def step(app: ChannelApp) -> Reply:
        body = raw if raw is not None else json.dumps(update).encode()
        return await app.request("POST", "/webhooks/telegram/webhook", body, headers)

    return step


def test_telegram_update_with_the_secret_token_is_answered_in_telegram_sized_parts(provider):
    agent = run(
        telegram_channel(provider),
        answers(WHOLE_ARTICLE),
        expect(200, telegram_post(telegram_update("hello"))),
    )
    assert agent.texts == ["hello"] and agent.messages[0].sender_id == "tg:4242"
    sent = provider.telegram("sendMessage")
    assert {m["chat_id"] for m in sent} == {"4242"}
    assert len(sent) == len(split_text(WHOLE_ARTICLE, TELEGRAM_LIMIT, utf16_length)) > 1
    assert_well_split([m["text"] for m in sent], WHOLE_ARTICLE, TELEGRAM_LIMIT)


@pytest.mark.parametrize(
    "secret",
    [None, "wrong-secret", TELEGRAM_SECRET + "x", ""],
    ids=["missing", "wrong", "longer", "empty"],
)
def test_telegram_rejects_updates_without_the_secret_token(provider, secret):
    agent = run(
        telegram_channel(provider),
        answers("never"),
        expect(403, telegram_post(telegram_update("hi"), secret)),
    )
    assert agent.messages == [] and provider.calls == []


@pytest.mark.parametrize(
    "update,raw",
    [
        (None, b"{not json"),
        ([1, 2], None),
        ({"update_id": 1, "message": {"text": "hi"}}, None),  # no chat
        ({"update_id": 1, "message": "hi"}, None),
        ({"update_id": 1, "callback_query": {"data": 5, "message": {"chat": {"id": 1}}}}, None),
    ],
    ids=["not-json", "list", "no-chat", "message-not-object", "data-not-string"],
)
def test_telegram_malformed_update_is_a_400(provider, update, raw):
    agent = run(
        telegram_channel(provider), answers("never"), expect(400, telegram_post(update, raw=raw))
    )
    assert agent.messages == []


def test_telegram_update_without_text_is_acknowledged_but_not_answered(provider):
    sticker = {
        "update_id": 3,
        "message": {
            "message_id": 9,
            "date": 0,
            "sticker": {"file_id": "x"},
            "chat": {"id": 1, "type": "private"},
        },
    }
    agent = run(telegram_channel(provider), answers("never"), expect(200, telegram_post(sticker)))
    assert agent.messages == []


def test_telegram_buttons_are_an_inline_keyboard_under_the_last_part(provider):
    agent = run(
        telegram_channel(provider),
        answers(WHOLE_ARTICLE, BUTTONS),
        expect(200, telegram_post(telegram_update("hi"))),
        expect(200, telegram_post(button_press("/ask_aftercare"))),
    )
    assert agent.texts == ["hi", "/ask_aftercare"]
    sent = provider.telegram("sendMessage")
    keyboards = [json.loads(m["reply_markup"]) if "reply_markup" in m else None for m in sent]
    last_part = len(split_text(WHOLE_ARTICLE, TELEGRAM_LIMIT, utf16_length)) - 1
    assert keyboards[last_part] == {
        "inline_keyboard": [[{"text": b["title"], "callback_data": b["payload"]}] for b in BUTTONS]
    }
    assert keyboards[:last_part] == [None] * last_part
    assert provider.telegram("answerCallbackQuery") == [{"callback_query_id": "cb-1"}]


def test_telegram_payloads_over_64_bytes_go_through_option_references(provider):
    buttons = [
        {"title": "Short", "payload": "/ask_what_is"},
        {"title": "Long", "payload": LONG_PAYLOAD},
    ]
    agent = run(
        telegram_channel(provider),
        answers("Pick one", buttons),
        expect(200, telegram_post(telegram_update("hi"))),
        expect(200, telegram_post(button_press("option:2"))),
    )
    keyboard = json.loads(provider.telegram("sendMessage")[0]["reply_markup"])
    assert [row[0]["callback_data"] for row in keyboard["inline_keyboard"]] == [
        "option:1",
        "option:2",
    ]
    assert agent.texts == ["hi", LONG_PAYLOAD]


def test_telegram_webhook_is_registered_with_the_secret_token_at_startup(provider):
    url = "https://clinic.example/webhooks/telegram/webhook"
    run(telegram_channel(provider, register_webhook=True, webhook_url=url), answers("never"))
    [registration] = provider.telegram("setWebhook")
    assert registration["url"] == url and registration["secret_token"] == TELEGRAM_SECRET


@pytest.mark.parametrize("secret", ["", "has space", "x" * 257, "ünïcode"])
def test_telegram_refuses_a_secret_token_telegram_would_not_accept(secret):
    with pytest.raises(RasaException):
        VerifiedTelegramInput.from_credentials(
            {"access_token": TELEGRAM_TOKEN, "secret_token": secret, "register_webhook": False}
        )
