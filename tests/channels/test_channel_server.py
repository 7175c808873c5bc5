"""Every channel at once, as credentials.channels.yml turns them on.

The credentials-file tests build the channels as Rasa does from that file; the last
three tests (marked `server`) go through a real Rasa server and action server started
with it, every provider API pointed at the local recorder.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
import requests
import sqlalchemy as sa
import yaml
from rasa.core.channels.channel import InputChannel
from rasa.shared.exceptions import RasaException

from channels.formatting import NUMBERED_INTRO, TWILIO_SMS_LIMIT
from channels.signatures import hub_signature_256, twilio_signature
from content.clinic import CallbackMail, load_clinic
from content.replies import CALLBACK_BUTTON, DISCLAIMER, FEEDBACK_THANKS
from runtime.mailer import Deliverer, SmtpSender
from runtime.settings import HOST, SmtpCredentials
from tests.channels.harness import (
    ARTICLE,
    CHANNEL_ENV,
    CHANNELS_FILE,
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
    words,
)
from tests.channels.test_telegram import button_press
from tests.conftest import make_stack

# --- the credentials file ----------------------------------------------------------------------


def load_channels_file() -> list[InputChannel]:
    from rasa.core.run import create_http_input_channels

    return create_http_input_channels(None, str(CHANNELS_FILE))


def test_credentials_file_turns_on_every_channel_with_secrets_from_the_environment(monkeypatch):
    for name, value in CHANNEL_ENV.items():
        monkeypatch.setenv(name, value)
    channels = {c.name(): c for c in load_channels_file()}
    assert set(channels) == {"rest", "twilio", "telegram", "facebook"}
    assert channels["twilio"].auth_token == TWILIO_TOKEN
    assert channels["twilio"].webhook_url == TWILIO_PUBLIC_URL
    assert channels["telegram"].secret_token == TELEGRAM_SECRET
    assert channels["telegram"].webhook_url == "https://clinic.example/webhooks/telegram/webhook"
    assert channels["facebook"].fb_secret == FB_SECRET


def test_credentials_file_holds_no_secret_itself():
    # BaseLoader: plain strings, without Rasa's ${VAR} expansion.
    credentials = yaml.load(CHANNELS_FILE.read_text(), Loader=yaml.BaseLoader)
    messaging = {
        name: settings
        for name, settings in credentials.items()
        if name != "channels.rest.GuardedRestInput"
    }
    assert len(messaging) == 3
    values = [value for settings in messaging.values() for value in settings.values()]
    assert all(re.fullmatch(r"\$\{[A-Z_]+\}(/[\w/]+)?", value) for value in values), values


def test_credentials_file_fails_when_a_secret_is_unset(monkeypatch):
    for name, value in CHANNEL_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    with pytest.raises(RasaException, match="TWILIO_AUTH_TOKEN"):
        load_channels_file()


# --- through a real Rasa server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def channel_stack(tmp_path_factory):
    provider = ProviderAPI()
    credentials = tmp_path_factory.mktemp("channel-credentials") / "credentials.yml"
    credentials.write_text(yaml.safe_dump(channels_credentials(provider.url)))
    with make_stack(tmp_path_factory, "channels", RASA_CREDENTIALS=str(credentials)) as stack:
        yield stack, provider
    provider.close()


@pytest.fixture(scope="module")
def channel_server(channel_stack):
    stack, provider = channel_stack
    return f"http://{HOST}:{stack.rasa_port}/webhooks", provider, stack.tracker_db


@pytest.mark.server
def test_real_server_twilio_sms_numbered_options_and_2_picks_the_option(channel_server):
    base, provider, _ = channel_server
    patient = "+15550007777"

    def send(text: str, sign: bool = True) -> requests.Response:
        params = sms(text, sender=patient)
        headers = (
            {"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params)}
            if sign
            else {}
        )
        return requests.post(f"{base}/twilio/webhook", data=params, headers=headers, timeout=60)

    response, calls = provider.calls_during(
        lambda: send("Can I drink coffee before my session?", sign=False)
    )
    assert response.status_code == 403 and calls == []

    response, calls = provider.calls_during(lambda: send("Can I drink coffee before my session?"))
    assert response.status_code == 200
    bodies = [m["Body"] for m in calls.twilio_messages()]
    text = "\n\n".join(bodies)
    assert ARTICLE.passage("avoid_before.item2").text in text and DISCLAIMER in text
    assert f"{NUMBERED_INTRO}\n1. Show the whole section" in text
    assert all(len(b) <= TWILIO_SMS_LIMIT for b in bodies)

    response, calls = provider.calls_during(lambda: send("1"))
    assert response.status_code == 200
    bodies = [m["Body"] for m in calls.twilio_messages()]
    assert all(len(b) <= TWILIO_SMS_LIMIT for b in bodies)
    section = words(ARTICLE.section("avoid_before").full_text())
    assert words(" ".join(bodies))[: len(section)] == section  # option 1: the whole section
    assert DISCLAIMER in "\n\n".join(bodies)


@pytest.mark.server
def test_real_server_twilio_sms_callback_request_in_plain_text(channel_server, smtp_server):
    """The callback request on SMS: the offer and the yes/no are numbered options."""
    base, provider, tracker_db = channel_server
    patient = "+15550008888"

    def send(text: str) -> str:
        params = sms(text, sender=patient)
        signature = twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params)
        response, calls = provider.calls_during(
            lambda: requests.post(
                f"{base}/twilio/webhook",
                data=params,
                headers={"X-Twilio-Signature": signature},
                timeout=60,
            )
        )
        assert response.status_code == 200
        return "\n\n".join(m["Body"] for m in calls.twilio_messages())

    offer = send("how do I book an appointment?")
    assert f"{NUMBERED_INTRO}\n1. {CALLBACK_BUTTON}" in offer
    assert "What name should the clinic ask for?" in send("1")
    assert "phone number or e-mail address" in send("Ana Lima")
    assert "When would suit you best" in send("+44 20 7946 0958")
    consent = send("after 5 pm")
    assert "May the clinic contact you at +44 20 7946 0958" in consent
    assert f"{NUMBERED_INTRO}\n1. Yes\n2. No" in consent
    assert "your request has been passed to" in send("1")

    engine = sa.create_engine(f"sqlite:///{tracker_db}")
    mail = CallbackMail(
        "127.0.0.1", smtp_server.port, False, "a@clinic.example", "b@clinic.example"
    )
    Deliverer(engine, mail, load_clinic(), SmtpSender(mail, SmtpCredentials())).deliver_due()
    [message] = smtp_server.mailbox.messages
    body = message.get_content()
    assert "Name: Ana Lima" in body and "Preferred time: after 5 pm" in body


@pytest.mark.server
def test_real_server_telegram_registers_its_webhook_and_answers_with_the_secret_token(
    channel_server,
):
    base, provider, _ = channel_server
    [registration] = provider.telegram("setWebhook")
    assert registration == {
        "url": "https://clinic.example/webhooks/telegram/webhook",
        "secret_token": TELEGRAM_SECRET,
        "allowed_updates": '["message", "edited_message", "callback_query"]',
    }

    def send(secret: str) -> requests.Response:
        return requests.post(
            f"{base}/telegram/webhook",
            json=telegram_update("What is mesotherapy?", chat_id=99),
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            timeout=60,
        )

    response, calls = provider.calls_during(lambda: send("guess"))
    assert response.status_code == 403 and calls == []
    response, calls = provider.calls_during(lambda: send(TELEGRAM_SECRET))
    assert response.status_code == 200
    text = "\n\n".join(m["text"] for m in calls.telegram("sendMessage"))
    assert ARTICLE.passage("what_is.p1").text in text and text.endswith(DISCLAIMER)


@pytest.mark.server
def test_real_server_messenger_answers_a_signed_message(channel_server):
    base, provider, _ = channel_server
    body = json.dumps(
        messenger_batch(messenger_event("What is mesotherapy?", sender="psid-99"))
    ).encode()

    def send(signature: str) -> requests.Response:
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
        return requests.post(f"{base}/facebook/webhook", data=body, headers=headers, timeout=60)

    response, calls = provider.calls_during(lambda: send(hub_signature_256("wrong-secret", body)))
    assert response.status_code == 403 and calls == []
    response, calls = provider.calls_during(lambda: send(hub_signature_256(FB_SECRET, body)))
    assert response.status_code == 200
    texts = [m["message"]["text"] for m in calls.messenger_messages()]
    assert ARTICLE.passage("what_is.p1").text in "\n\n".join(texts) and DISCLAIMER in "\n\n".join(
        texts
    )


def stored_rows(stack, query: str, conversation_id: str) -> list[tuple]:
    with sqlite3.connect(stack.tracker_db) as db:
        return db.execute(query, (conversation_id,)).fetchall()


@pytest.mark.server
def test_real_server_telegram_vote_is_stored_beside_the_conversation_not_in_it(channel_stack):
    stack, provider = channel_stack
    url = f"http://{HOST}:{stack.rasa_port}/webhooks/telegram/webhook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}

    def send(update: dict) -> requests.Response:
        return requests.post(url, json=update, headers=headers, timeout=60)

    question = telegram_update("Can I drink coffee before my session?", chat_id=55)
    response, calls = provider.calls_during(lambda: send(question))
    assert response.status_code == 200
    [answer] = [m for m in calls.telegram("sendMessage") if "reply_markup" in m]
    assert ARTICLE.passage("avoid_before.item2").text in answer["text"]
    votes = json.loads(answer["reply_markup"])["inline_keyboard"][-1]
    [down] = [b["callback_data"] for b in votes if b["callback_data"].startswith("feedback:down")]

    events = "SELECT type_name FROM events WHERE sender_id = ?"
    before = stored_rows(stack, events, "tg:55")
    response, calls = provider.calls_during(lambda: send(button_press(down, chat_id=55)))
    assert response.status_code == 200
    assert calls.telegram("answerCallbackQuery") == [
        {"callback_query_id": "cb-1", "text": FEEDBACK_THANKS}
    ]
    assert calls.telegram("sendMessage") == []
    feedback = "SELECT passages, rating FROM feedback WHERE sender_id = ?"
    assert stored_rows(stack, feedback, "tg:55") == [('["avoid_before.item2"]', "down")]
    assert stored_rows(stack, events, "tg:55") == before
