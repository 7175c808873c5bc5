"""The urgent reply never depends on a healthy action server (channels/safety.py).

A real Rasa server with every channel of credentials.channels.yml, whose action server is
first paused (SIGSTOP: it accepts connections and never answers) and then stopped. A
described emergency still gets urgent-care advice, and self-harm the crisis reply, on the
REST webhook and on each messaging channel; an ordinary question gets the polite
"can't answer" reply, which names the emergency number too.
"""

from __future__ import annotations

import json
import os
import signal
import uuid

import pytest
import requests
import yaml

from channels.signatures import hub_signature_256, twilio_signature
from content import replies
from content.clinic import load_clinic
from runtime.settings import HOST
from tests.channels.harness import (
    FB_SECRET,
    TELEGRAM_SECRET,
    TWILIO_PUBLIC_URL,
    TWILIO_TOKEN,
    ProviderAPI,
    channels_credentials,
    messenger_batch,
    messenger_event,
    sms,
    telegram_update,
)
from tests.conftest import make_stack

pytestmark = pytest.mark.server

EMERGENCY = "had meso on my lips an hour ago and now my throat feels tight and i cant breathe"
SELF_HARM = "honestly i want to kill myself"
# No pattern of the matcher covers it: the red-flag classifier does (nlp/red_flag_model.py).
INDIRECT_SELF_HARM = (
    "i keep thinking it would be easier for everyone if i just went to sleep for good"
)
ORDINARY = "What should I avoid before the treatment?"
CLINIC = load_clinic()
URGENT = replies.urgent_care_advice(CLINIC)
CRISIS = replies.crisis_support(CLINIC)
UNAVAILABLE = replies.unavailable_reply(CLINIC)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    provider = ProviderAPI()
    credentials = tmp_path_factory.mktemp("credentials") / "credentials.yml"
    credentials.write_text(yaml.safe_dump(channels_credentials(provider.url)))
    # A short answer timeout keeps the paused case quick; the channel's own replies
    # must come well within it anyway.
    stack = make_stack(
        tmp_path_factory,
        "no-actions",
        RASA_CREDENTIALS=str(credentials),
        BOT_ANSWER_TIMEOUT_SECONDS="4",
    )
    with stack:
        yield stack, provider
    provider.close()


def rest(stack, text: str, from_button: bool = False) -> list[dict]:
    body = {"sender": str(uuid.uuid4()), "message": text, "payload": from_button}
    response = requests.post(stack.rest_url, json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def twilio(stack, provider: ProviderAPI, text: str) -> list[str]:
    params = sms(text, sender=f"+1555{uuid.uuid4().int % 10**7:07d}")
    headers = {"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params)}
    url = f"http://{HOST}:{stack.rasa_port}/webhooks/twilio/webhook"
    response, calls = provider.calls_during(
        lambda: requests.post(url, data=params, headers=headers, timeout=60)
    )
    assert response.status_code == 200
    return [m["Body"] for m in calls.twilio_messages()]


def telegram(stack, provider: ProviderAPI, text: str) -> list[str]:
    chat = uuid.uuid4().int % 10**9
    url = f"http://{HOST}:{stack.rasa_port}/webhooks/telegram/webhook"
    response, calls = provider.calls_during(
        lambda: requests.post(
            url,
            json=telegram_update(text, chat_id=chat),
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
            timeout=60,
        )
    )
    assert response.status_code == 200
    return [m["text"] for m in calls.telegram("sendMessage")]


def messenger(stack, provider: ProviderAPI, text: str) -> list[str]:
    body = json.dumps(messenger_batch(messenger_event(text, sender=f"psid-{uuid.uuid4()}")))
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": hub_signature_256(FB_SECRET, body.encode()),
    }
    url = f"http://{HOST}:{stack.rasa_port}/webhooks/facebook/webhook"
    response, calls = provider.calls_during(
        lambda: requests.post(url, data=body.encode(), headers=headers, timeout=60),
        until=lambda calls: bool(calls.messenger_messages()),
    )
    assert response.status_code == 200
    return [m["message"]["text"] for m in calls.messenger_messages()]


MESSAGING = {"twilio": twilio, "telegram": telegram, "messenger": messenger}


def joined(parts: list[str]) -> str:
    return "\n\n".join(parts)


def check_every_channel(stack, provider) -> None:
    urgent = rest(stack, EMERGENCY)
    assert urgent == [
        {"recipient_id": urgent[0]["recipient_id"], "text": URGENT, "custom": {"kind": "urgent"}}
    ]
    # The "It's happening now: I need urgent help" button of the "did you mean?" menu.
    assert [m["text"] for m in rest(stack, "/report_emergency", from_button=True)] == [URGENT]
    crisis = rest(stack, SELF_HARM)
    assert [m["text"] for m in crisis] == [CRISIS]
    assert [m["text"] for m in rest(stack, INDIRECT_SELF_HARM)] == [CRISIS]
    assert [m["text"] for m in rest(stack, ORDINARY)] == [UNAVAILABLE]
    for name, send in MESSAGING.items():
        # Split into parts on SMS; the words are all there, in order.
        assert joined(send(stack, provider, EMERGENCY)).split() == URGENT.split(), name
        assert joined(send(stack, provider, SELF_HARM)).split() == CRISIS.split(), name
        indirect = joined(send(stack, provider, INDIRECT_SELF_HARM))
        assert indirect.split() == CRISIS.split(), name
        assert joined(send(stack, provider, ORDINARY)).split() == UNAVAILABLE.split(), name


def test_emergencies_are_answered_while_the_action_server_hangs(server):
    stack, provider = server
    actions = stack.processes["actions"]
    os.killpg(actions.pid, signal.SIGSTOP)
    try:
        check_every_channel(stack, provider)
    finally:
        os.killpg(actions.pid, signal.SIGCONT)


def test_emergencies_are_answered_with_the_action_server_stopped(server):
    stack, provider = server
    stack.stop_one("actions")
    check_every_channel(stack, provider)


def test_the_emergency_reply_is_not_the_clinic_advert():
    # The urgent reply ends with how to reach the clinic afterwards, not "Book online".
    assert "Book online" not in URGENT and CLINIC.emergency_number in URGENT
    assert CLINIC.emergency_number in CRISIS and CLINIC.crisis_lines_text in CRISIS
    assert CLINIC.emergency_number in UNAVAILABLE
