"""Messaging channels: verified webhooks, replies shaped for each channel, no network.

Most tests run the channels in-process: a Sanic app with the channel registered as Rasa
does it (`register(..., route="/webhooks/")`), driven through ASGI, with a fake agent
instead of the bot. Outbound calls go to `ProviderAPI`, a local HTTP server that records
what Twilio, Telegram and the Graph API would have received (each channel's
`api_base_url` points at it). The last three tests (marked `server`) go through a real
Rasa server and action server started with credentials.channels.yml.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import yaml
from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.core.channels.facebook import FacebookInput
from rasa.core.channels.telegram import TelegramInput
from rasa.core.channels.twilio import TwilioInput
from rasa.shared.exceptions import RasaException
from sanic import Sanic
from twilio.request_validator import RequestValidator

from actions.knowledge import load_article
from actions.replies import DISCLAIMER, with_disclaimer
from channels.facebook import VerifiedFacebookInput
from channels.formatting import (
    MESSENGER_LIMIT,
    NUMBERED_INTRO,
    TELEGRAM_LIMIT,
    TWILIO_SMS_LIMIT,
    TWILIO_WHATSAPP_LIMIT,
    fits_quick_replies,
    numbered_options,
    option_number,
    split_text,
    utf16_length,
)
from channels.options import OptionMemory
from channels.signatures import hub_signature_256, is_valid_twilio_signature, twilio_signature
from channels.telegram import VerifiedTelegramInput
from channels.twilio import VerifiedTwilioInput
from scripts.serve import HOST
from tests.conftest import make_stack

CHANNELS_FILE = Path(__file__).resolve().parent.parent / "credentials.channels.yml"
ARTICLE = load_article()
# Every section of the article in one reply (~6,000 characters, bullets included) with
# the disclaimer at the end: longer than every channel's limit.
WHOLE_ARTICLE = with_disclaimer("\n\n".join(s.full_text() for s in ARTICLE.sections.values()))
LONGEST_ANSWER = with_disclaimer(max((s.full_text() for s in ARTICLE.sections.values()), key=len))
BUTTONS = [
    {"title": "What is mesotherapy?", "payload": "/ask_what_is"},
    {"title": "What should I avoid before?", "payload": "/ask_avoid_before"},
    {"title": "Aftercare", "payload": "/ask_aftercare"},
]
SHORT_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
LONG_PAYLOAD = '/ask_avoid_before{"substance": "caffeine", "timing": "before", "area": "face"}'

TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-auth-token"
SMS_NUMBER = "+15550001111"
TWILIO_PUBLIC_URL = "https://clinic.example/webhooks/twilio/webhook"
PATIENT_PHONE = "+15552223333"
TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_SECRET = "telegram-secret_42"
FB_SECRET = "facebook-app-secret"
FB_VERIFY = "facebook-verify-token"
FB_PAGE_TOKEN = "page-access-token"


def words(text: str) -> List[str]:
    return text.split()


# --- formatting: splitting ---------------------------------------------------------------


@pytest.mark.parametrize(
    "limit", [TWILIO_SMS_LIMIT, TWILIO_WHATSAPP_LIMIT, MESSENGER_LIMIT, TELEGRAM_LIMIT, 700, 300]
)
def test_splitting_keeps_every_word_and_the_disclaimer_within_the_limit(limit):
    parts = split_text(WHOLE_ARTICLE, limit)
    assert len(parts) > 1
    assert all(len(part) <= limit for part in parts)
    assert words(" ".join(parts)) == words(WHOLE_ARTICLE)
    assert any(DISCLAIMER in part for part in parts)
    assert parts[-1].endswith(DISCLAIMER)


def test_a_text_that_fits_is_sent_whole():
    answer = with_disclaimer(ARTICLE.section("what_is").full_text())
    assert split_text(answer, TWILIO_SMS_LIMIT) == [answer]
    assert split_text(LONGEST_ANSWER, MESSENGER_LIMIT) == [LONGEST_ANSWER]


def test_the_longest_answer_takes_two_sms_split_before_the_disclaimer():
    assert len(LONGEST_ANSWER) > TWILIO_SMS_LIMIT
    body, disclaimer = split_text(LONGEST_ANSWER, TWILIO_SMS_LIMIT)
    assert disclaimer == DISCLAIMER and f"{body}\n\n{disclaimer}" == LONGEST_ANSWER


def test_splitting_prefers_paragraph_boundaries():
    first = "Mesotherapy is a treatment. " * 5
    second = "It is done in a clinic."
    text = f"{first.strip()}\n\n{second}\n\n{DISCLAIMER}"
    assert split_text(text, 200) == [f"{first.strip()}\n\n{second}", DISCLAIMER]


def test_a_long_bullet_list_is_split_between_bullets():
    bullets = "\n".join(f"- Bullet number {n} says something useful." for n in range(30))
    parts = split_text(f"Before the treatment:\n{bullets}", 200)
    assert all(part.startswith(("Before", "- ")) for part in parts)
    assert all(part.endswith("useful.") for part in parts[1:])


def test_a_long_paragraph_is_split_between_sentences():
    paragraph = " ".join(f"Sentence {n} is about mesotherapy." for n in range(40))
    parts = split_text(paragraph, 150)
    assert len(parts) > 1
    assert all(part.endswith(".") and len(part) <= 150 for part in parts)
    assert words(" ".join(parts)) == words(paragraph)


def test_only_a_word_longer_than_the_limit_is_cut():
    url = "https://example.com/" + "x" * 120
    parts = split_text(f"See {url} for more.", 50)
    assert all(len(part) <= 50 for part in parts)
    assert "".join(parts).replace(" ", "") == f"See{url}formore."
    assert parts[0] == "See"  # the short word was not glued to a piece of the long one


def test_telegram_limit_is_counted_in_utf16_units():
    text = " ".join(["💉 needle"] * 1000)  # each emoji is 2 UTF-16 units
    parts = split_text(text, TELEGRAM_LIMIT, utf16_length)
    assert all(utf16_length(part) <= TELEGRAM_LIMIT for part in parts)
    assert words(" ".join(parts)) == words(text)


def test_empty_text_gives_no_message():
    assert split_text(" \n\n ", 100) == []


# --- formatting: numbered options ----------------------------------------------------------


def test_buttons_become_numbered_options_after_the_text():
    text = numbered_options(with_disclaimer("Mesotherapy is..."), [b["title"] for b in BUTTONS])
    assert text == (
        f"Mesotherapy is...\n\n{DISCLAIMER}\n\n{NUMBERED_INTRO}\n"
        "1. What is mesotherapy?\n2. What should I avoid before?\n3. Aftercare"
    )


@pytest.mark.parametrize("reply,number", [("2", 2), (" 2 ", 2), ("\t12\n", 12), ("2 please", None), ("two", None), ("", None), ("-1", None)])
def test_a_reply_of_just_a_number_picks_an_option(reply, number):
    assert option_number(reply) == number


def test_messenger_quick_replies_fit_only_13_titles_of_20_characters():
    assert fits_quick_replies([{"title": "x" * 20, "payload": "/p"}] * 13)
    assert not fits_quick_replies([{"title": "x" * 20, "payload": "/p"}] * 14)
    assert not fits_quick_replies([{"title": "x" * 21, "payload": "/p"}])


def test_option_memory_resolves_expires_and_stays_bounded():
    now = [0.0]
    memory = OptionMemory(max_senders=2, ttl_seconds=60, clock=lambda: now[0])
    memory.remember("a", ["/one", "/two"])
    assert memory.resolve("a", " 2 ") == "/two"
    assert memory.resolve("a", "3") == "3"  # no option 3: the text goes to the bot as is
    assert memory.resolve("b", "1") == "1"  # nothing shown to b
    memory.remember("b", ["/x"])
    memory.remember("c", ["/y"])  # over the bound: "a", the least recently used, goes
    assert len(memory) == 2 and memory.resolve("a", "1") == "1"
    now[0] = 61.0
    assert memory.resolve("c", "1") == "1"  # expired


# --- signatures ----------------------------------------------------------------------------


def test_twilio_signature_matches_the_twilio_library():
    params = {"From": PATIENT_PHONE, "Body": "hello", "FromZip": ""}
    signature = twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params)
    assert signature == RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_PUBLIC_URL, params)
    assert is_valid_twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params, signature)
    # Twilio sometimes signs the URL with the default port, sometimes without.
    with_port = twilio_signature(TWILIO_TOKEN, "https://clinic.example:443/webhooks/twilio/webhook", params)
    assert is_valid_twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params, with_port)
    assert not is_valid_twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, {**params, "Body": "x"}, signature)


# --- a local stand-in for the providers' APIs ---------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    query: Dict[str, List[str]]
    content_type: str
    body: bytes

    def form(self) -> Dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def json(self) -> Any:
        return json.loads(self.body)


class RecordedCalls(List[Call]):
    """Calls to the provider APIs, with what each provider would have received."""

    def twilio_messages(self) -> List[Dict[str, str]]:
        return [c.form() for c in self if c.path.endswith("/Messages.json")]

    def telegram(self, method: str) -> List[Dict[str, str]]:
        return [c.form() for c in self if c.path.endswith(f"/{method}")]

    def messenger_messages(self) -> List[Dict[str, Any]]:
        bodies = [c.json() for c in self if c.path.endswith("/me/messages")]
        return [b for b in bodies if "message" in b]  # not the "typing" actions


class ProviderAPI:
    """Answers like Twilio, Telegram and the Graph API would, and records every call."""

    def __init__(self) -> None:
        self.calls = RecordedCalls()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def twilio_messages(self) -> List[Dict[str, str]]:
        return self.calls.twilio_messages()

    def telegram(self, method: str) -> List[Dict[str, str]]:
        return self.calls.telegram(method)

    def messenger_messages(self) -> List[Dict[str, Any]]:
        return self.calls.messenger_messages()

    def calls_during(self, action: Callable[[], requests.Response]) -> Tuple[requests.Response, RecordedCalls]:
        """Run `action`; return its response and only the calls it caused."""
        start = len(self.calls)
        response = action()
        return response, RecordedCalls(self.calls[start:])

    def _handler(self) -> type:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                call = Call("POST", parts.path, parse_qs(parts.query), self.headers.get("Content-Type", ""), body)
                api.calls.append(call)
                status, answer = api._answer(call)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def _answer(self, call: Call) -> Tuple[int, Dict[str, Any]]:
        number = len(self.calls)
        if call.path.endswith("/Messages.json"):
            form = call.form()
            return 201, {"sid": f"SM{number:032d}", "to": form.get("To"), "body": form.get("Body"), "status": "queued"}
        if "/bot" in call.path:
            if call.path.endswith("/sendMessage"):
                form = call.form()
                message = {"message_id": number, "date": 0, "text": form.get("text"),
                           "chat": {"id": int(form["chat_id"]), "type": "private"}}
                return 200, {"ok": True, "result": message}
            return 200, {"ok": True, "result": True}
        return 200, {"recipient_id": "1", "message_id": f"m_{number}"}


@pytest.fixture
def provider() -> Iterator[ProviderAPI]:
    api = ProviderAPI()
    yield api
    api.close()


# --- running a channel in-process ------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes


class FakeAgent:
    """Stands in for Rasa's agent: records messages and answers with scripted replies."""

    def __init__(self, replies: Callable[[str], List[Dict[str, Any]]]) -> None:
        self.replies = replies
        self.messages: List[UserMessage] = []

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.messages]

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        for reply in self.replies(message.text):
            await message.output_channel.send_response(message.sender_id, dict(reply))


_app_numbers = itertools.count()


class ChannelApp:
    """A Sanic app with one channel registered as Rasa does it, driven through ASGI
    (no socket, no sanic-testing needed)."""

    def __init__(self, channel: InputChannel, replies: Callable[[str], List[Dict[str, Any]]]) -> None:
        # Test mode lets one process start many apps: otherwise Sanic 21.12 rewrites its
        # HTTP methods on each start and fails the second time (KeyError: 'read').
        Sanic.test_mode = True
        self.app = Sanic(f"channels_test_{next(_app_numbers)}")
        self.agent = FakeAgent(replies)
        self.app.ctx.agent = self.agent
        register([channel], self.app, route="/webhooks/")

    async def __aenter__(self) -> "ChannelApp":
        self._lifespan_in: asyncio.Queue = asyncio.Queue()
        self._lifespan_out: asyncio.Queue = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}}
        self._lifespan = asyncio.create_task(self.app(scope, self._lifespan_in.get, self._lifespan_out.put))
        await self._lifespan_in.put({"type": "lifespan.startup"})
        assert (await asyncio.wait_for(self._lifespan_out.get(), 30))["type"] == "lifespan.startup.complete"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._lifespan_in.put({"type": "lifespan.shutdown"})
        assert (await asyncio.wait_for(self._lifespan_out.get(), 30))["type"] == "lifespan.shutdown.complete"
        # Sanic 21.12 then treats the finished lifespan scope as a request without
        # one (AttributeError); the shutdown itself completed above.
        with contextlib.suppress(AttributeError):
            await self._lifespan

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: Optional[Dict[str, str]] = None, query: str = ""
    ) -> Reply:
        headers = {"host": "testserver", "content-length": str(len(body)), **(headers or {})}
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
            "root_path": "", "server": ("testserver", 80), "client": ("127.0.0.1", 40000),
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        }
        chunks = [{"type": "http.request", "body": body, "more_body": False}]
        sent: List[Dict[str, Any]] = []

        async def receive() -> Dict[str, Any]:
            if chunks:
                return chunks.pop()
            await asyncio.sleep(3600)  # the client never disconnects
            return {"type": "http.disconnect"}

        async def send(message: Dict[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        status = next(m["status"] for m in sent if m["type"] == "http.response.start")
        return Reply(status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))


def run(channel: InputChannel, replies: Callable[[str], List[Dict[str, Any]]], *steps: Callable) -> FakeAgent:
    """Start the app, run each step (an async function of the app), stop the app."""

    async def main() -> FakeAgent:
        async with ChannelApp(channel, replies) as app:
            for step in steps:
                await step(app)
        return app.agent

    return asyncio.run(main())


def answers(text: str, buttons: Sequence[Dict[str, Any]] = ()) -> Callable[[str], List[Dict[str, Any]]]:
    """The bot answers every message with `text` (and `buttons`)."""
    reply: Dict[str, Any] = {"text": text}
    if buttons:
        reply["buttons"] = [dict(b) for b in buttons]
    return lambda _: [dict(reply)]


def assert_well_split(messages: Sequence[str], original: str, limit: int) -> None:
    assert all(len(m) <= limit for m in messages)
    assert words(" ".join(messages)) == words(original)
    assert any(DISCLAIMER in m for m in messages)


# --- Twilio ----------------------------------------------------------------------------------


def twilio_channel(provider: ProviderAPI, **overrides: Any) -> VerifiedTwilioInput:
    credentials = {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN, "twilio_number": SMS_NUMBER,
                   "webhook_url": TWILIO_PUBLIC_URL, "api_base_url": provider.url, **overrides}
    channel = VerifiedTwilioInput.from_credentials(credentials)
    assert isinstance(channel, TwilioInput)
    return channel


def twilio_post(params: Dict[str, str], token: str = TWILIO_TOKEN, signed_params: Optional[Dict[str, str]] = None,
                sign: bool = True) -> Callable:
    """A step posting `params` as Twilio does, signed over `signed_params` (default the same)."""
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if sign:
        headers["X-Twilio-Signature"] = twilio_signature(token, TWILIO_PUBLIC_URL, signed_params or params)

    async def step(app: ChannelApp) -> Reply:
        return await app.request("POST", "/webhooks/twilio/webhook", urlencode(params).encode(), headers)

    return step


def sms(body: str, sender: str = PATIENT_PHONE) -> Dict[str, str]:
    # Twilio sends empty fields too, and signs them.
    return {"From": sender, "To": SMS_NUMBER, "Body": body, "MessageSid": "SM1", "FromZip": "", "NumMedia": "0"}


def expect(status: int, step: Callable) -> Callable:
    async def checked(app: ChannelApp) -> None:
        reply = await step(app)
        assert reply.status == status, reply.body

    return checked


def test_twilio_signed_sms_is_answered_in_sms_sized_parts(provider):
    agent = run(twilio_channel(provider), answers(WHOLE_ARTICLE), expect(200, twilio_post(sms("What is mesotherapy?"))))
    assert agent.texts == ["What is mesotherapy?"]
    sent = provider.twilio_messages()
    assert len(sent) > 1
    assert {(m["From"], m["To"]) for m in sent} == {(SMS_NUMBER, PATIENT_PHONE)}
    assert_well_split([m["Body"] for m in sent], WHOLE_ARTICLE, TWILIO_SMS_LIMIT)


def test_twilio_whatsapp_is_answered_from_the_whatsapp_number_in_whatsapp_sized_parts(provider):
    patient = "whatsapp:" + PATIENT_PHONE
    run(twilio_channel(provider), answers(WHOLE_ARTICLE), expect(200, twilio_post(sms("hi", sender=patient))))
    sent = provider.twilio_messages()
    assert {(m["From"], m["To"]) for m in sent} == {("whatsapp:" + SMS_NUMBER, patient)}
    assert len(sent) < len(split_text(WHOLE_ARTICLE, TWILIO_SMS_LIMIT))
    assert_well_split([m["Body"] for m in sent], WHOLE_ARTICLE, TWILIO_WHATSAPP_LIMIT)


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(twilio_post(sms("hi"), sign=False), id="unsigned"),
        pytest.param(twilio_post(sms("hi"), token="forged-token"), id="forged"),
        pytest.param(twilio_post(sms("hi, send me everything"), signed_params=sms("hi")), id="altered-after-signing"),
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
        reply = await app.request("POST", "/webhooks/twilio/webhook", body, {"content-type": content_type})
        assert reply.status == 400

    agent = run(twilio_channel(provider), answers("never"), post)
    assert agent.messages == []


def test_twilio_signed_form_without_sender_is_a_400(provider):
    agent = run(twilio_channel(provider), answers("never"), expect(400, twilio_post({"Body": "hi"})))
    assert agent.messages == []


def test_twilio_buttons_become_numbered_options_and_2_picks_option_2(provider):
    def bot(text: str) -> List[Dict[str, Any]]:
        return [{"text": with_disclaimer("I can help with these."), "buttons": BUTTONS}] if text == "help" else [{"text": "ok"}]

    agent = run(
        twilio_channel(provider), bot,
        expect(200, twilio_post(sms("help"))),
        expect(200, twilio_post(sms(" 2 "))),
        expect(200, twilio_post(sms("7"))),  # no option 7: sent as text
    )
    assert agent.texts == ["help", "/ask_avoid_before", "7"]
    first = provider.twilio_messages()[0]["Body"]
    assert first.endswith(f"{DISCLAIMER}\n\n{NUMBERED_INTRO}\n1. What is mesotherapy?\n"
                          "2. What should I avoid before?\n3. Aftercare")


def test_twilio_options_are_remembered_per_sender(provider):
    other = "+15559998888"
    agent = run(
        twilio_channel(provider), answers("Pick one", BUTTONS),
        expect(200, twilio_post(sms("help"))),
        expect(200, twilio_post(sms("1", sender=other))),
    )
    # The other patient had not been shown any options: their "1" is plain text.
    assert agent.texts == ["help", "1"]


def test_twilio_from_credentials_refuses_to_start_without_the_auth_token():
    with pytest.raises(RasaException):
        VerifiedTwilioInput.from_credentials({"account_sid": TWILIO_SID, "auth_token": "", "twilio_number": SMS_NUMBER})


# --- Telegram --------------------------------------------------------------------------------


def telegram_channel(provider: ProviderAPI, **overrides: Any) -> VerifiedTelegramInput:
    credentials = {"access_token": TELEGRAM_TOKEN, "secret_token": TELEGRAM_SECRET, "register_webhook": False,
                   "api_base_url": provider.url, **overrides}
    channel = VerifiedTelegramInput.from_credentials(credentials)
    assert isinstance(channel, TelegramInput)
    return channel


def telegram_update(text: str, chat_id: int = 4242) -> Dict[str, Any]:
    return {"update_id": 1, "message": {"message_id": 7, "date": 0, "text": text,
                                        "chat": {"id": chat_id, "type": "private"}}}


def button_press(data: str, chat_id: int = 4242) -> Dict[str, Any]:
    message = {"message_id": 8, "date": 0, "text": "Pick one", "chat": {"id": chat_id, "type": "private"}}
    return {"update_id": 2, "callback_query": {"id": "cb-1", "data": data, "message": message,
                                               "from": {"id": chat_id, "is_bot": False, "first_name": "P"}}}


def telegram_post(update: Any, secret: Optional[str] = TELEGRAM_SECRET, raw: Optional[bytes] = None) -> Callable:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret

    async def step(app: ChannelApp) -> Reply:
        body = raw if raw is not None else json.dumps(update).encode()
        return await app.request("POST", "/webhooks/telegram/webhook", body, headers)

    return step


def test_telegram_update_with_the_secret_token_is_answered_in_telegram_sized_parts(provider):
    agent = run(telegram_channel(provider), answers(WHOLE_ARTICLE), expect(200, telegram_post(telegram_update("hello"))))
    assert agent.texts == ["hello"] and agent.messages[0].sender_id == "4242"
    sent = provider.telegram("sendMessage")
    assert {m["chat_id"] for m in sent} == {"4242"}
    assert len(sent) == len(split_text(WHOLE_ARTICLE, TELEGRAM_LIMIT, utf16_length)) > 1
    assert_well_split([m["text"] for m in sent], WHOLE_ARTICLE, TELEGRAM_LIMIT)


@pytest.mark.parametrize("secret", [None, "wrong-secret", TELEGRAM_SECRET + "x", ""], ids=["missing", "wrong", "longer", "empty"])
def test_telegram_rejects_updates_without_the_secret_token(provider, secret):
    agent = run(telegram_channel(provider), answers("never"), expect(403, telegram_post(telegram_update("hi"), secret)))
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
    agent = run(telegram_channel(provider), answers("never"), expect(400, telegram_post(update, raw=raw)))
    assert agent.messages == []


def test_telegram_update_without_text_is_acknowledged_but_not_answered(provider):
    sticker = {"update_id": 3, "message": {"message_id": 9, "date": 0, "sticker": {"file_id": "x"},
                                           "chat": {"id": 1, "type": "private"}}}
    agent = run(telegram_channel(provider), answers("never"), expect(200, telegram_post(sticker)))
    assert agent.messages == []


def test_telegram_buttons_are_an_inline_keyboard_under_the_last_part(provider):
    agent = run(
        telegram_channel(provider), answers(WHOLE_ARTICLE, BUTTONS),
        expect(200, telegram_post(telegram_update("hi"))),
        expect(200, telegram_post(button_press("/ask_aftercare"))),
    )
    assert agent.texts == ["hi", "/ask_aftercare"]
    sent = provider.telegram("sendMessage")
    keyboards = [json.loads(m["reply_markup"]) if "reply_markup" in m else None for m in sent]
    last_part = len(split_text(WHOLE_ARTICLE, TELEGRAM_LIMIT, utf16_length)) - 1
    assert keyboards[last_part] == {"inline_keyboard": [[{"text": b["title"], "callback_data": b["payload"]}] for b in BUTTONS]}
    assert keyboards[:last_part] == [None] * last_part
    assert provider.telegram("answerCallbackQuery") == [{"callback_query_id": "cb-1"}]


def test_telegram_payloads_over_64_bytes_go_through_option_references(provider):
    buttons = [{"title": "Short", "payload": "/ask_what_is"}, {"title": "Long", "payload": LONG_PAYLOAD}]
    agent = run(
        telegram_channel(provider), answers("Pick one", buttons),
        expect(200, telegram_post(telegram_update("hi"))),
        expect(200, telegram_post(button_press("option:2"))),
    )
    keyboard = json.loads(provider.telegram("sendMessage")[0]["reply_markup"])
    assert [row[0]["callback_data"] for row in keyboard["inline_keyboard"]] == ["option:1", "option:2"]
    assert agent.texts == ["hi", LONG_PAYLOAD]


def test_telegram_webhook_is_registered_with_the_secret_token_at_startup(provider):
    url = "https://clinic.example/webhooks/telegram/webhook"
    run(telegram_channel(provider, register_webhook=True, webhook_url=url), answers("never"))
    [registration] = provider.telegram("setWebhook")
    assert registration["url"] == url and registration["secret_token"] == TELEGRAM_SECRET


@pytest.mark.parametrize("secret", ["", "has space", "x" * 257, "ünïcode"])
def test_telegram_refuses_a_secret_token_telegram_would_not_accept(secret):
    with pytest.raises(RasaException):
        VerifiedTelegramInput.from_credentials({"access_token": TELEGRAM_TOKEN, "secret_token": secret,
                                                "register_webhook": False})


# --- Facebook Messenger ------------------------------------------------------------------------


def facebook_channel(provider: ProviderAPI) -> VerifiedFacebookInput:
    channel = VerifiedFacebookInput.from_credentials(
        {"verify": FB_VERIFY, "secret": FB_SECRET, "page-access-token": FB_PAGE_TOKEN, "api_base_url": provider.url}
    )
    assert isinstance(channel, FacebookInput)
    return channel


def messenger_event(text: str, sender: str = "psid-1") -> Dict[str, Any]:
    return {"sender": {"id": sender}, "recipient": {"id": "page"}, "timestamp": 1, "message": {"mid": "m1", "text": text}}


def messenger_batch(*events: Dict[str, Any]) -> Dict[str, Any]:
    return {"object": "page", "entry": [{"id": "page", "time": 1, "messaging": list(events)}]}


def facebook_post(payload: Any = None, raw: Optional[bytes] = None, signature: Optional[str] = "valid",
                  signed_body: Optional[bytes] = None) -> Callable:
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
        query = urlencode({"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY, "hub.challenge": "1158201444"})
        reply = await app.request("GET", "/webhooks/facebook/webhook", query=query)
        assert (reply.status, reply.body) == (200, b"1158201444")
        wrong = urlencode({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
        assert (await app.request("GET", "/webhooks/facebook/webhook", query=wrong)).status == 403

    run(facebook_channel(provider), answers("never"), handshake)


def test_facebook_signed_message_is_answered_in_messenger_sized_parts(provider):
    agent = run(facebook_channel(provider), answers(WHOLE_ARTICLE), expect(200, facebook_post(messenger_batch(messenger_event("hi")))))
    assert agent.texts == ["hi"] and agent.messages[0].sender_id == "psid-1"
    sent = provider.messenger_messages()
    assert {m["recipient"]["id"] for m in sent} == {"psid-1"}
    assert_well_split([m["message"]["text"] for m in sent], WHOLE_ARTICLE, MESSENGER_LIMIT)
    # Outbound calls carry the page token and the appsecret_proof.
    call = next(c for c in provider.calls if c.path.endswith("/me/messages"))
    assert call.query["access_token"] == [FB_PAGE_TOKEN] and "appsecret_proof" in call.query


def test_facebook_handles_every_event_of_a_batch(provider):
    batch = messenger_batch(messenger_event("first", "psid-1"), messenger_event("second", "psid-2"))
    agent = run(facebook_channel(provider), answers("ok"), expect(200, facebook_post(batch)))
    assert agent.texts == ["first", "second"]


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(facebook_post(messenger_batch(messenger_event("hi")), signature=None), id="unsigned"),
        pytest.param(facebook_post(messenger_batch(messenger_event("hi")), signature="sha256=" + "0" * 64), id="forged"),
        pytest.param(
            facebook_post(messenger_batch(messenger_event("hi, altered")),
                          signed_body=json.dumps(messenger_batch(messenger_event("hi"))).encode()),
            id="altered-after-signing",
        ),
        pytest.param(
            facebook_post(messenger_batch(messenger_event("hi")),
                          signature="sha1=" + hub_signature_256(FB_SECRET, b"")[7:]),
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
        pytest.param(facebook_post({"entry": [{"messaging": [{"message": {"text": "hi"}}]}]}), id="no-sender"),
        pytest.param(facebook_post(messenger_batch({"sender": {"id": "p"}, "message": {"attachments": []}})), id="empty-attachments"),
        pytest.param(facebook_post(messenger_batch({"sender": {"id": "p"}, "message": {"text": 5}})), id="text-not-string"),
    ],
)
def test_facebook_malformed_signed_body_is_a_400(provider, step):
    agent = run(facebook_channel(provider), answers("never"), expect(400, step))
    assert agent.messages == []


def test_facebook_short_buttons_become_quick_replies(provider):
    agent = run(
        facebook_channel(provider), answers("Is this about you?", SHORT_BUTTONS),
        expect(200, facebook_post(messenger_batch(messenger_event("hi")))),
        expect(200, facebook_post(messenger_batch(
            {"sender": {"id": "psid-1"}, "message": {"text": "No", "quick_reply": {"payload": "/deny"}}}))),
    )
    message = provider.messenger_messages()[0]["message"]
    assert message == {"text": "Is this about you?", "quick_replies": [
        {"content_type": "text", "title": "Yes", "payload": "/affirm"},
        {"content_type": "text", "title": "No", "payload": "/deny"}]}
    assert agent.texts == ["hi", "/deny"]


def test_facebook_long_button_titles_become_numbered_options_and_2_picks_option_2(provider):
    assert not fits_quick_replies(BUTTONS)  # "What should I avoid before?" is over 20 characters
    agent = run(
        facebook_channel(provider), answers(with_disclaimer("Pick one"), BUTTONS),
        expect(200, facebook_post(messenger_batch(messenger_event("hi")))),
        expect(200, facebook_post(messenger_batch(messenger_event("2")))),
    )
    first = provider.messenger_messages()[0]["message"]
    assert "quick_replies" not in first
    assert first["text"].endswith(f"{DISCLAIMER}\n\n{NUMBERED_INTRO}\n1. What is mesotherapy?\n"
                                  "2. What should I avoid before?\n3. Aftercare")
    assert agent.texts == ["hi", "/ask_avoid_before"]


# --- the credentials file ----------------------------------------------------------------------

CHANNEL_ENV = {
    "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_NUMBER": SMS_NUMBER,
    "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
    "FACEBOOK_VERIFY_TOKEN": FB_VERIFY, "FACEBOOK_APP_SECRET": FB_SECRET,
    "FACEBOOK_PAGE_ACCESS_TOKEN": FB_PAGE_TOKEN, "PUBLIC_BASE_URL": "https://clinic.example",
}


def load_channels_file() -> List[InputChannel]:
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
    messaging = {name: settings for name, settings in credentials.items() if name != "channels.rest.GuardedRestInput"}
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


def channels_credentials(provider_url: str) -> Dict[str, Any]:
    """credentials.channels.yml with CHANNEL_ENV filled in and every provider API pointed
    at the local recorder."""
    text = re.sub(r"\$\{(\w+)\}", lambda m: CHANNEL_ENV[m.group(1)], CHANNELS_FILE.read_text())
    credentials = yaml.safe_load(text)
    for name, settings in credentials.items():
        if name.startswith("channels."):
            settings["api_base_url"] = provider_url
    return credentials


@pytest.fixture(scope="module")
def channel_server(tmp_path_factory):
    provider = ProviderAPI()
    credentials = tmp_path_factory.mktemp("channel-credentials") / "credentials.yml"
    credentials.write_text(yaml.safe_dump(channels_credentials(provider.url)))
    with make_stack(tmp_path_factory, "channels", RASA_CREDENTIALS=str(credentials)) as stack:
        yield f"http://{HOST}:{stack.rasa_port}/webhooks", provider
    provider.close()


@pytest.mark.server
def test_real_server_twilio_sms_numbered_options_and_2_picks_the_option(channel_server):
    base, provider = channel_server
    patient = "+15550007777"

    def send(text: str, sign: bool = True) -> requests.Response:
        params = sms(text, sender=patient)
        headers = {"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params)} if sign else {}
        return requests.post(f"{base}/twilio/webhook", data=params, headers=headers, timeout=60)

    response, calls = provider.calls_during(lambda: send("Can I drink coffee before my session?", sign=False))
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
def test_real_server_telegram_registers_its_webhook_and_answers_with_the_secret_token(channel_server):
    base, provider = channel_server
    [registration] = provider.telegram("setWebhook")
    assert registration == {"url": "https://clinic.example/webhooks/telegram/webhook", "secret_token": TELEGRAM_SECRET,
                            "allowed_updates": '["message", "edited_message", "callback_query"]'}

    def send(secret: str) -> requests.Response:
        return requests.post(f"{base}/telegram/webhook", json=telegram_update("What is mesotherapy?", chat_id=99),
                             headers={"X-Telegram-Bot-Api-Secret-Token": secret}, timeout=60)

    response, calls = provider.calls_during(lambda: send("guess"))
    assert response.status_code == 403 and calls == []
    response, calls = provider.calls_during(lambda: send(TELEGRAM_SECRET))
    assert response.status_code == 200
    text = "\n\n".join(m["text"] for m in calls.telegram("sendMessage"))
    assert ARTICLE.passage("what_is.p1").text in text and text.endswith(DISCLAIMER)


@pytest.mark.server
def test_real_server_messenger_answers_a_signed_message(channel_server):
    base, provider = channel_server
    body = json.dumps(messenger_batch(messenger_event("What is mesotherapy?", sender="psid-99"))).encode()

    def send(signature: str) -> requests.Response:
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
        return requests.post(f"{base}/facebook/webhook", data=body, headers=headers, timeout=60)

    response, calls = provider.calls_during(lambda: send(hub_signature_256("wrong-secret", body)))
    assert response.status_code == 403 and calls == []
    response, calls = provider.calls_during(lambda: send(hub_signature_256(FB_SECRET, body)))
    assert response.status_code == 200
    texts = [m["message"]["text"] for m in calls.messenger_messages()]
    assert ARTICLE.passage("what_is.p1").text in "\n\n".join(texts) and DISCLAIMER in "\n\n".join(texts)
