"""The REST channel the website widget talks to, hardened for the public internet.

Same URL and JSON as Rasa's `rest` channel (POST /webhooks/rest/webhook with
{"sender", "message"}), plus what Rasa 3.6's RestInput lacks:
- bad input gets a 4xx with a clear error, never a 500;
- a message over the length limit is refused politely before NLU runs on it;
- per-sender and per-client-IP rate limits answer 429;
- when the action server is down or slow, the patient gets a polite reply within
  `answer_timeout_seconds`, and the turn still completes (and is stored) in the background;
- message text is never written to the logs.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.clinic import load_clinic
from channels.limits import RateLimiter

logger = logging.getLogger(__name__)

ENV_OVERRIDES = {
    "max_message_chars": "BOT_MAX_MESSAGE_CHARS",
    "answer_timeout_seconds": "BOT_ANSWER_TIMEOUT_SECONDS",
    "rate_limit_per_sender": "BOT_RATE_LIMIT_PER_SENDER",
    "rate_limit_per_ip": "BOT_RATE_LIMIT_PER_IP",
}
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,128}$")


def too_long_reply(limit: int) -> str:
    return (
        f"Sorry, your message is too long for me (more than {limit:,} characters). "
        "Could you ask your question in a shorter message?"
    )


# Built once: it is sent exactly when the server is slow or failing.
_CLINIC = load_clinic()
UNAVAILABLE_REPLY = (
    "Sorry, I can't answer right now. Please try again in a moment, or contact "
    f"{_CLINIC.name} directly:\n{_CLINIC.contact_lines}"
)


def clean_text(text: str) -> str:
    """Drops control and formatting characters that no patient types on purpose."""
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return "".join(kept).strip()


def error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class WholeMessageCollector(CollectingOutputChannel):
    """Keeps each answer in one message: Rasa's collector splits text at every blank
    line, which would detach the disclaimer from the answer it belongs to."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        # Environment variables win over credentials.yml, so an operator (or a load
        # test) can change a limit without editing the file.
        settings = {**(credentials or {}), **{k: os.environ[v] for k, v in ENV_OVERRIDES.items() if v in os.environ}}
        return cls(
            max_message_chars=int(settings.get("max_message_chars", 2000)),
            answer_timeout_seconds=float(settings.get("answer_timeout_seconds", 8)),
            sender_limit=str(settings.get("rate_limit_per_sender", "30/60")),
            ip_limit=str(settings.get("rate_limit_per_ip", "120/60")),
        )

    def __init__(
        self,
        max_message_chars: int = 2000,
        answer_timeout_seconds: float = 8,
        sender_limit: str = "30/60",
        ip_limit: str = "120/60",
    ) -> None:
        self.max_message_chars = max_message_chars
        self.answer_timeout_seconds = answer_timeout_seconds
        self.sender_limiter = RateLimiter.parse(sender_limit)
        self.ip_limiter = RateLimiter.parse(ip_limit)
        self._background: set = set()

    def _parse(self, request: Request) -> Dict[str, Any] | HTTPResponse:
        try:
            body = json.loads(request.body.decode("utf-8"))
        except UnicodeDecodeError:
            return error(400, "The request body must be UTF-8 encoded JSON.")
        except ValueError:
            return error(400, "The request body must be JSON: {\"sender\": \"...\", \"message\": \"...\"}.")
        if not isinstance(body, dict):
            return error(400, "The request body must be a JSON object.")
        sender, message = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
            return error(400, "'sender' must be a string of 1-128 letters, digits or _.:@+-")
        if not isinstance(message, str):
            return error(400, "'message' must be a string.")
        message = clean_text(message)
        if not message:
            return error(400, "'message' is empty.")
        return {"sender": sender, "message": message}

    async def _answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sender: str, text: str
    ) -> List[Dict[str, Any]]:
        collector = WholeMessageCollector()
        turn = asyncio.ensure_future(
            on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
        )
        # Keep a reference so the turn finishes and is stored even after we answered.
        self._background.add(turn)
        turn.add_done_callback(self._finish_turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), timeout=self.answer_timeout_seconds)
        except asyncio.TimeoutError:
            logger.warning("Answer for a message took longer than %.0f s; sent the fallback reply.", self.answer_timeout_seconds)
            return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
        except Exception:
            logger.exception("Handling a message failed; sent the fallback reply.")
            return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
        # Rasa swallows action server errors and simply says nothing.
        return collector.messages or [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]

    def _finish_turn(self, turn: "asyncio.Future[Any]") -> None:
        self._background.discard(turn)
        if not turn.cancelled() and turn.exception() is not None:
            logger.error("A conversation turn failed: %s", type(turn.exception()).__name__)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            client_ip = request.remote_addr or request.ip
            if not self.ip_limiter.allow(client_ip):
                return error(429, "Too many messages from this address; please wait a moment.")
            parsed = self._parse(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, text = parsed["sender"], parsed["message"]
            if not self.sender_limiter.allow(sender):
                return error(429, "Too many messages in this conversation; please wait a moment.")
            if len(text) > self.max_message_chars:
                return response.json([{"recipient_id": sender, "text": too_long_reply(self.max_message_chars)}])
            return response.json(await self._answer(on_new_message, sender, text))

        return webhook
