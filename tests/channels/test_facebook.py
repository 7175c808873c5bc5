"""channels/facebook.py: Facebook Messenger, with the app secret's signature checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from rasa.core.channels.facebook import FacebookInput

from channels.facebook import VerifiedFacebookInput
from channels.formatting import MESSENGER_LIMIT, NUMBERED_INTRO, fits_quick_replies
from channels.signatures import hub_signature_256
from content.replies import DISCLAIMER, with_disclaimer
from tests.channels.harness import (
    BUTTONS,
    FB_PAGE_TOKEN,
    FB_SECRET,
    FB_VERIFY,
    WHOLE_ARTICLE,
    ChannelApp,
    ProviderAPI,
    Reply,
    answers,
    assert_well_split,
    expect,
    messenger_batch,
    messenger_event,
    run,
)

SHORT_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def facebook_channel(provider: ProviderAPI) -> VerifiedFacebookInput:
    channel = VerifiedFacebookInput.from_credentials(
        {
            "verify": FB_VERIFY,
            "secret": FB_SECRET,
            "page-access-token": FB_PAGE_TOKEN,
            "api_base_url": provider.url,
        }
    )
    assert isinstance(channel, FacebookInput)
    return channel


def facebook_post(
    payload: Any = None,
    raw: bytes | None = None,
    signature: str | None = "valid",
    signed_body: bytes | None = None,
) -> Callable:
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"content-type": "application/json"}
    if signature == "valid":
        headers["X-Hub-Signature-256"] = hub_signature_256(FB_SECRET, signed_body or body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature

    async def step(app: ChannelApp) -> Reply:
        return await app.request("POST", "/webhooks/facebook/webhook", body, headers)

    return step


def test_facebook_verification_handshake_still_works(provider):
    async def handshake(app: ChannelApp) -> None:
        query = urlencode(
            {"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY, "hub.challenge": "1158201444"}
        )
        reply = await app.request("GET", "/webhooks/facebook/webhook", query=query)
        assert (reply.status, reply.body) == (200, b"1158201444")
        wrong = urlencode(
            {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
        )
        assert (await app.request("GET", "/webhooks/facebook/webhook", query=wrong)).status == 403

    run(facebook_channel(provider), answers("never"), handshake)


def test_facebook_signed_message_is_answered_in_messenger_sized_parts(provider):
    agent = run(
        facebook_channel(provider),
        answers(WHOLE_ARTICLE),
        expect(200, facebook_post(messenger_batch(messenger_event("hi")))),
    )
    assert agent.texts == ["hi"] and agent.messages[0].sender_id == "fb:psid-1"
    sent = provider.messenger_messages()
    assert {m["recipient"]["id"] for m in sent} == {"psid-1"}
    assert_well_split([m["message"]["text"] for m in sent], WHOLE_ARTICLE, MESSENGER_LIMIT)
    # Outbound calls carry the page token and the appsecret_proof.
    call = next(c for c in provider.calls if c.path.endswith("/me/messages"))
    assert call.query["access_token"] == [FB_PAGE_TOKEN] and "appsecret_proof" in call.query


def test_facebook_handles_every_event_of_a_batch(provider):
    batch = messenger_batch(
        messenger_event("first", "psid-1"), messenger_event("second", "psid-2")
    )
    agent = run(facebook_channel(provider), answers("ok"), expect(200, facebook_post(batch)))
    assert agent.texts == ["first", "second"]


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(
            facebook_post(messenger_batch(messenger_event("hi")), signature=None), id="unsigned"
        ),
        pytest.param(
            facebook_post(messenger_batch(messenger_event("hi")), signature="sha256=" + "0" * 64),
            id="forged",
        ),
        pytest.param(
            facebook_post(
                messenger_batch(messenger_event("hi, altered")),
                signed_body=json.dumps(messenger_batch(messenger_event("hi"))).encode(),
            ),
            id="altered-after-signing",
        ),
        pytest.param(
            facebook_post(
                messenger_batch(messenger_event("hi")),
                signature="sha1=" + hub_signature_256(FB_SECRET, b"")[7:],
            ),
            id="legacy-sha1-header-format",
        ),
    ],
)
def test_facebook_rejects_requests_not_signed_with_the_app_secret(provider, step):
    agent = run(facebook_channel(provider), answers("never"), expect(403, step))
    assert agent.messages == [] and provider.calls == []


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(facebook_post(raw=b"{not json"), id="not-json"),
        pytest.param(facebook_post({"object": "page"}), id="no-entry"),
        pytest.param(
            facebook_post({"entry": [{"messaging": [{"message": {"text": "hi"}}]}]}),
            id="no-sender",
        ),
        pytest.param(
            facebook_post(
                messenger_batch({"sender": {"id": "p"}, "message": {"attachments": []}})
            ),
            id="empty-attachments",
        ),
        pytest.param(
            facebook_post(messenger_batch({"sender": {"id": "p"}, "message": {"text": 5}})),
            id="text-not-string",
        ),
    ],
)
def test_facebook_malformed_signed_body_is_a_400(provider, step):
    agent = run(facebook_channel(provider), answers("never"), expect(400, step))
    assert agent.messages == []


def test_facebook_short_buttons_become_quick_replies(provider):
    agent = run(
        facebook_channel(provider),
        answers("Is this about you?", SHORT_BUTTONS),
        expect(200, facebook_post(messenger_batch(messenger_event("hi")))),
        expect(
            200,
            facebook_post(
                messenger_batch(
                    {
                        "sender": {"id": "psid-1"},
                        "message": {"text": "No", "quick_reply": {"payload": "/deny"}},
                    }
                )
            ),
        ),
    )
    message = provider.messenger_messages()[0]["message"]
    assert message == {
        "text": "Is this about you?",
        "quick_replies": [
            {"content_type": "text", "title": "Yes", "payload": "/affirm"},
            {"content_type": "text", "title": "No", "payload": "/deny"},
        ],
    }
    assert agent.texts == ["hi", "/deny"]


def test_facebook_long_button_titles_become_numbered_options_and_2_picks_option_2(provider):
    assert not fits_quick_replies(BUTTONS)  # "What should I avoid before?" is over 20 characters
    agent = run(
        facebook_channel(provider),
        answers(with_disclaimer("Pick one"), BUTTONS),
        expect(200, facebook_post(messenger_batch(messenger_event("hi")))),
        expect(200, facebook_post(messenger_batch(messenger_event("2")))),
    )
    first = provider.messenger_messages()[0]["message"]
    assert "quick_replies" not in first
    assert first["text"].endswith(
        f"{DISCLAIMER}\n\n{NUMBERED_INTRO}\n1. What is mesotherapy?\n"
        "2. What should I avoid before?\n3. Aftercare"
    )
    assert agent.texts == ["hi", "/ask_avoid_before"]
