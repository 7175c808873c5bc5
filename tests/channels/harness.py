"""The channel test harness: a recorder standing in for the providers' APIs, a channel
run in-process, and what more than one test module uses.

Most tests run the channels in-process: a Sanic app with the channel registered as Rasa
does it (`register(..., route="/webhooks/")`), driven through ASGI, with a fake agent
instead of the bot. Outbound calls go to `ProviderAPI`, a local HTTP server that records
what Twilio, Telegram and the Graph API would have received (each channel's
`api_base_url` points at it). The `provider` fixture is in conftest.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import yaml
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

from content.article import load_article
from content.replies import DISCLAIMER, with_disclaimer
from runtime.settings import ROOT

ARTICLE = load_article()
# Every section of the article in one reply (~6,000 characters, bullets included) with
# the disclaimer at the end: longer than every channel's limit.
WHOLE_ARTICLE = with_disclaimer("\n\n".join(s.full_text() for s in ARTICLE.sections.values()))
BUTTONS = [
    {"title": "What is mesotherapy?", "payload": "/ask_what_is"},
    {"title": "What should I avoid before?", "payload": "/ask_avoid_before"},
    {"title": "Aftercare", "payload": "/ask_aftercare"},
]

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


def words(text: str) -> list[str]:
    return text.split()


# --- a local stand-in for the providers' APIs ---------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    content_type: str
    body: bytes

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def json(self) -> Any:
        return json.loads(self.body)


class RecordedCalls(list[Call]):
    """Calls to the provider APIs, with what each provider would have received."""

    def twilio_messages(self) -> list[dict[str, str]]:
        return [c.form() for c in self if c.path.endswith("/Messages.json")]

    def telegram(self, method: str) -> list[dict[str, str]]:
        return [c.form() for c in self if c.path.endswith(f"/{method}")]

    def messenger_messages(self) -> list[dict[str, Any]]:
        bodies = [c.json() for c in self if c.path.endswith("/me/messages")]
        return [b for b in bodies if "message" in b]  # not the "typing" actions


class ProviderAPI:
    """Answers like Twilio, Telegram and the Graph API would, and records every call."""

    def __init__(self) -> None:
        self.calls = RecordedCalls()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def twilio_messages(self) -> list[dict[str, str]]:
        return self.calls.twilio_messages()

    def telegram(self, method: str) -> list[dict[str, str]]:
        return self.calls.telegram(method)

    def messenger_messages(self) -> list[dict[str, Any]]:
        return self.calls.messenger_messages()

    def calls_during(
        self,
        action: Callable[[], requests.Response],
        until: Callable[[RecordedCalls], bool] = bool,
    ) -> tuple[requests.Response, RecordedCalls]:
        """Run `action`; return its response and only the calls it caused. The channels
        answer their webhook first and reply in the background, so for an accepted
        request this waits until `until(calls)` holds (by default: some call arrived)
        and the calls have stopped for a moment."""
        start = len(self.calls)
        response = action()
        deadline = time.monotonic() + 30
        seen, changed = start, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.calls) != seen:
                seen, changed = len(self.calls), time.monotonic()
            settled = time.monotonic() - changed >= 1.0
            done = response.status_code >= 400 or until(RecordedCalls(self.calls[start:]))
            if settled and done:
                break
        return response, RecordedCalls(self.calls[start:])

    def _handler(self) -> type:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                call = Call(
                    "POST",
                    parts.path,
                    parse_qs(parts.query),
                    self.headers.get("Content-Type", ""),
                    body,
                )
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

    def _answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        number = len(self.calls)
        if call.path.endswith("/Messages.json"):
            form = call.form()
            return 201, {
                "sid": f"SM{number:032d}",
                "to": form.get("To"),
                "body": form.get("Body"),
                "status": "queued",
            }
        if "/bot" in call.path:
            if call.path.endswith("/sendMessage"):
                form = call.form()
                message = {
                    "message_id": number,
                    "date": 0,
                    "text": form.get("text"),
                    "chat": {"id": int(form["chat_id"]), "type": "private"},
                }
                return 200, {"ok": True, "result": message}
            return 200, {"ok": True, "result": True}
        return 200, {"recipient_id": "1", "message_id": f"m_{number}"}


# --- running a channel in-process ------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes


class FakeAgent:
    """Stands in for Rasa's agent: records messages and answers with scripted replies."""

    def __init__(self, replies: Callable[[str], list[dict[str, Any]]]) -> None:
        self.replies = replies
        self.messages: list[UserMessage] = []

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        for reply in self.replies(message.text):
            await message.output_channel.send_response(message.sender_id, dict(reply))


_app_numbers = itertools.count()
# Providers give every message its own id; the channels drop a redelivered one.
_provider_ids = itertools.count(1)


def provider_message_id() -> int:
    return next(_provider_ids)


class ChannelApp:
    """A Sanic app with one channel registered as Rasa does it, driven through ASGI
    (no socket, no sanic-testing needed)."""

    def __init__(
        self, channel: InputChannel, replies: Callable[[str], list[dict[str, Any]]]
    ) -> None:
        # Test mode lets one process start many apps: otherwise Sanic 21.12 rewrites its
        # HTTP methods on each start and fails the second time (KeyError: 'read').
        Sanic.test_mode = True
        self.app = Sanic(f"channels_test_{next(_app_numbers)}")
        self.agent = FakeAgent(replies)
        self.app.ctx.agent = self.agent
        self.channel = channel
        register([channel], self.app, route="/webhooks/")

    async def settle(self) -> None:
        """Waits for the turns the channel runs after answering its webhook."""
        handover = getattr(self.channel, "handover", None)
        if handover is not None:
            await handover.drain()

    async def __aenter__(self) -> ChannelApp:
        self._lifespan_in: asyncio.Queue = asyncio.Queue()
        self._lifespan_out: asyncio.Queue = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}}
        self._lifespan = asyncio.create_task(
            self.app(scope, self._lifespan_in.get, self._lifespan_out.put)
        )
        await self._lifespan_in.put({"type": "lifespan.startup"})
        assert (await asyncio.wait_for(self._lifespan_out.get(), 30))[
            "type"
        ] == "lifespan.startup.complete"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._lifespan_in.put({"type": "lifespan.shutdown"})
        assert (await asyncio.wait_for(self._lifespan_out.get(), 30))[
            "type"
        ] == "lifespan.shutdown.complete"
        # Sanic 21.12 then treats the finished lifespan scope as a request without
        # one (AttributeError); the shutdown itself completed above.
        with contextlib.suppress(AttributeError):
            await self._lifespan

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        query: str = "",
    ) -> Reply:
        headers = {"host": "testserver", "content-length": str(len(body)), **(headers or {})}
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 40000),
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
            ],
        }
        chunks = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if chunks:
                return chunks.pop()
            await asyncio.sleep(3600)  # the client never disconnects
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        status = next(m["status"] for m in sent if m["type"] == "http.response.start")
        return Reply(
            status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        )


def run(
    channel: InputChannel, replies: Callable[[str], list[dict[str, Any]]], *steps: Callable
) -> FakeAgent:
    """Start the app, run each step (an async function of the app), stop the app."""

    async def main() -> FakeAgent:
        async with ChannelApp(channel, replies) as app:
            for step in steps:
                await step(app)
                await app.settle()
        return app.agent

    return asyncio.run(main())


def answers(
    text: str, buttons: Sequence[dict[str, Any]] = ()
) -> Callable[[str], list[dict[str, Any]]]:
    """The bot answers every message with `text` (and `buttons`)."""
    reply: dict[str, Any] = {"text": text}
    if buttons:
        reply["buttons"] = [dict(b) for b in buttons]
    return lambda _: [dict(reply)]


def assert_well_split(messages: Sequence[str], original: str, limit: int) -> None:
    assert all(len(m) <= limit for m in messages)
    assert words(" ".join(messages)) == words(original)
    assert any(DISCLAIMER in m for m in messages)


def expect(status: int, step: Callable) -> Callable:
    async def checked(app: ChannelApp) -> None:
        reply = await step(app)
        assert reply.status == status, reply.body

    return checked


def sms(body: str, sender: str = PATIENT_PHONE) -> dict[str, str]:
    # Twilio sends empty fields too, and signs them.
    return {
        "From": sender,
        "To": SMS_NUMBER,
        "Body": body,
        "MessageSid": f"SM{next(_provider_ids):032d}",
        "FromZip": "",
        "NumMedia": "0",
    }


def telegram_update(text: str, chat_id: int = 4242) -> dict[str, Any]:
    return {
        "update_id": next(_provider_ids),
        "message": {
            "message_id": 7,
            "date": 0,
            "text": text,
            "chat": {"id": chat_id, "type": "private"},
        },
    }


def messenger_event(text: str, sender: str = "psid-1") -> dict[str, Any]:
    return {
        "sender": {"id": sender},
        "recipient": {"id": "page"},
        "timestamp": 1,
        "message": {"mid": f"m{next(_provider_ids)}", "text": text},
    }


def messenger_batch(*events: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": "page", "time": 1, "messaging": list(events)}]}


CHANNELS_FILE = ROOT / "credentials.channels.yml"
CHANNEL_ENV = {
    "TWILIO_ACCOUNT_SID": TWILIO_SID,
    "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
    "TWILIO_NUMBER": SMS_NUMBER,
    "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
    "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
    "FACEBOOK_VERIFY_TOKEN": FB_VERIFY,
    "FACEBOOK_APP_SECRET": FB_SECRET,
    "FACEBOOK_PAGE_ACCESS_TOKEN": FB_PAGE_TOKEN,
    "PUBLIC_BASE_URL": "https://clinic.example",
}


def channels_credentials(provider_url: str) -> dict[str, Any]:
    """credentials.channels.yml with CHANNEL_ENV filled in and every provider API pointed
    at the local recorder."""
    text = re.sub(r"\$\{(\w+)\}", lambda m: CHANNEL_ENV[m.group(1)], CHANNELS_FILE.read_text())
    credentials = yaml.safe_load(text)
    for name, settings in credentials.items():
        if name.startswith("channels."):
            settings["api_base_url"] = provider_url
    return credentials
