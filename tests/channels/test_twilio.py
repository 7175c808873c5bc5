"""channels/twilio.py: Twilio SMS and WhatsApp, with Twilio's signature checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from rasa.core.channels.twilio import TwilioInput
from rasa.shared.exceptions import RasaException

from channels.formatting import NUMBERED_INTRO, TWILIO_SMS_LIMIT, TWILIO_WHATSAPP_LIMIT, split_text
from channels.signatures import twilio_signature
from channels.twilio import VerifiedTwilioInput
from content.replies import DISCLAIMER, with_disclaimer
from tests.channels.harness import (
    BUTTONS,
    PATIENT_PHONE,
    SMS_NUMBER,
    TWILIO_PUBLIC_URL,
    TWILIO_SID,
    TWILIO_TOKEN,
    WHOLE_ARTICLE,
    ChannelApp,
    ProviderAPI,
    Reply,
    answers,
    assert_well_split,
    expect,
    run,
    sms,
)


def twilio_channel(provider: ProviderAPI, **overrides: Any) -> VerifiedTwilioInput:
    credentials = {
        "account_sid": TWILIO_SID,
        "auth_token": TWILIO_TOKEN,
        "twilio_number": SMS_NUMBER,
        "webhook_url": TWILIO_PUBLIC_URL,
        "api_base_url": provider.url,
        **overrides,
    }
    channel = VerifiedTwilioInput.from_credentials(credentials)
    assert isinstance(channel, TwilioInput)
    return channel


def twilio_post(
    params: dict[str, str],
    token: str = TWILIO_TOKEN,
    signed_params: dict[str, str] | None = None,
    sign: bool = True,
) -> Callable:
    """A step posting `params` as Twilio does, signed over `signed_params` (default the same)."""
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if sign:
        headers["X-Twilio-Signature"] = twilio_signature(
            token, TWILIO_PUBLIC_URL, signed_params or params
        )

    async def step(app: ChannelApp) -> Reply:
        return await app.request(
            "POST", "/webhooks/twilio/webhook", urlencode(params).encode(), headers
        )

    return step


def test_twilio_signed_sms_is_answered_in_sms_sized_parts(provider):
    agent = run(
        twilio_channel(provider),
        answers(WHOLE_ARTICLE),
        expect(200, twilio_post(sms("What is mesotherapy?"))),
    )
    assert agent.texts == ["What is mesotherapy?"]
    sent = provider.twilio_messages()
    assert len(sent) > 1
    assert {(m["From"], m["To"]) for m in sent} == {(SMS_NUMBER, PATIENT_PHONE)}
    assert_well_split([m["Body"] for m in sent], WHOLE_ARTICLE, TWILIO_SMS_LIMIT)


def test_twilio_whatsapp_is_answered_from_the_whatsapp_number_in_whatsapp_sized_parts(provider):
    patient = "whatsapp:" + PATIENT_PHONE
    run(
        twilio_channel(provider),
        answers(WHOLE_ARTICLE),
        expect(200, twilio_post(sms("hi", sender=patient))),
    )
    sent = provider.twilio_messages()
    assert {(m["From"], m["To"]) for m in sent} == {("whatsapp:" + SMS_NUMBER, patient)}
    assert len(sent) < len(split_text(WHOLE_ARTICLE, TWILIO_SMS_LIMIT))
    assert_well_split([m["Body"] for m in sent], WHOLE_ARTICLE, TWILIO_WHATSAPP_LIMIT)


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(twilio_post(sms("hi"), sign=False), id="unsigned"),
        pytest.param(twilio_post(sms("hi"), token="forged-token"), id="forged"),
        pytest.param(
            twilio_post(sms("hi, send me everything"), signed_params=sms("hi")),
            id="altered-after-signing",
        ),
    ],
)
def test_twilio_rejects_requests_not_signed_by_twilio(provider, step):
    agent = run(twilio_channel(provider), answers("never"), expect(403, step))
    assert agent.messages == [] and provider.calls == []


def test_twilio_checks_the_signature_against_the_public_url_not_the_request_url(provider):
    # Without webhook_url the request's own URL (http://testserver/...) is used, which
    # is not what Twilio signed behind the proxy.
    channel = twilio_channel(provider, webhook_url=None)
    agent = run(channel, answers("never"), expect(403, twilio_post(sms("hi"))))
    assert agent.messages == []


@pytest.mark.parametrize(
    "body,content_type",
    [
        (b'{"From": "+1555", "Body": "hi"}', "application/json"),
        (b"From=%2B1555&Body=\xff\xfe", "application/x-www-form-urlencoded"),
    ],
    ids=["json", "not-utf8"],
)
def test_twilio_malformed_body_is_a_400(provider, body, content_type):
    async def post(app: ChannelApp) -> None:
        reply = await app.request(
            "POST", "/webhooks/twilio/webhook", body, {"content-type": content_type}
        )
        assert reply.status == 400

    agent = run(twilio_channel(provider), answers("never"), post)
    assert agent.messages == []


def test_twilio_signed_form_without_sender_is_a_400(provider):
    agent = run(
        twilio_channel(provider), answers("never"), expect(400, twilio_post({"Body": "hi"}))
    )
    assert agent.messages == []


def test_twilio_buttons_become_numbered_options_and_2_picks_option_2(provider):
    def bot(text: str) -> list[dict[str, Any]]:
        return (
            [{"text": with_disclaimer("I can help with these."), "buttons": BUTTONS}]
            if text == "help"
            else [{"text": "ok"}]
        )

    agent = run(
        twilio_channel(provider),
        bot,
        expect(200, twilio_post(sms("help"))),
        expect(200, twilio_post(sms(" 2 "))),
        expect(200, twilio_post(sms("7"))),  # no option 7: sent as text
    )
    assert agent.texts == ["help", "/ask_avoid_before", "7"]
    first = provider.twilio_messages()[0]["Body"]
    assert first.endswith(
        f"{DISCLAIMER}\n\n{NUMBERED_INTRO}\n1. What is mesotherapy?\n"
        "2. What should I avoid before?\n3. Aftercare"
    )


def test_twilio_options_are_remembered_per_sender(provider):
    other = "+15559998888"
    agent = run(
        twilio_channel(provider),
        answers("Pick one", BUTTONS),
        expect(200, twilio_post(sms("help"))),
        expect(200, twilio_post(sms("1", sender=other))),
    )
    # The other patient had not been shown any options: their "1" is plain text.
    assert agent.texts == ["help", "1"]


def test_twilio_from_credentials_refuses_to_start_without_the_auth_token():
    with pytest.raises(RasaException):
        VerifiedTwilioInput.from_credentials(
            {"account_sid": TWILIO_SID, "auth_token": "", "twilio_number": SMS_NUMBER}
        )
