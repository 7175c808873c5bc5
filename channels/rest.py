"""The REST channel the website widget talks to, hardened for the public internet.

Same URL and JSON as Rasa's `rest` channel (POST /webhooks/rest/webhook with
{"sender", "message"}), plus what Rasa 3.6's RestInput lacks:
- a described emergency or self-harm gets its reply from the channel itself, at once,
  whatever else fails (channels/safety.py), before any limit is applied;
- the sender must be a random UUID, stored as `web:<uuid>`: a conversation can only be
  reached by whoever holds its unguessable id, never by a phone number or another
  channel's id;
- bad input gets a 4xx with a clear error, never a 500;
- a message over the length limit is refused politely before NLU runs on it;
- per-sender and per-client-IP rate limits answer 429;
- when the action server is down or slow, the patient gets a polite reply within
  `answer_timeout_seconds`, and the turn still completes (and is stored) in the background;
- message text is never written to the logs;
- POST /webhooks/rest/feedback records the patient's 👍/👎 (and, optionally, what was
  missing) on an answer the conversation was served (runtime/feedback.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from channels.feedback import passages_of
from channels.limits import RateLimiter
from channels.safety import kind_of_reply, safety_reply, warm_up
from content.article import load_article
from content.clinic import load_clinic, retention_days
from content.replies import too_long_reply, unavailable_reply
from content.review import load_review
from runtime.feedback import RATINGS, Feedback, record, served_answers, was_served
from runtime.privacy import erase
from runtime.rasa_compat import conversation_engine
from runtime.settings import RestLimits

logger = logging.getLogger(__name__)

# The widget's id for its conversation: a random UUID (crypto.randomUUID()).
SENDER_PATTERN = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE
)
# Every channel stores its conversations under its own prefix (docs/channels.md).
SENDER_PREFIX = "web:"


def conversation_id(sender: str) -> str:
    """The tracker's id of a widget conversation."""
    return SENDER_PREFIX + sender.lower()


def _failed(turn: asyncio.Future[Any], collector: WholeMessageCollector) -> bool:
    """A finished turn that gave no answer (the action server was down): a retry runs it
    again rather than repeating "can't answer"."""
    if not turn.done():
        return False
    return turn.cancelled() or turn.exception() is not None or not collector.messages


def widget_settings() -> dict[str, Any]:
    clinic, reviewed = load_clinic(), load_review().reviewed_on
    return {
        "name": clinic.name,
        "phone": clinic.phone,
        "emergency_number": clinic.emergency_number,
        "privacy_notice_url": clinic.privacy_notice_url,
        "retention_days": retention_days(),
        # Shown in the widget's footer ("Medically reviewed on ..."); None until known.
        "reviewed_on": reviewed.isoformat() if reviewed else None,
    }


TYPED_SLASH_GUARD = "\u2060"

# Messages remembered for retries (each keeps its turn and reply, a few kB).
RECENT_MESSAGES = 5000

# How long an urgent reply waits for Rasa to record its turn, at most.
RECORD_WAIT_SECONDS = 0.5
# How long a deletion waits for the conversation's turns still being stored (a turn of a
# slow action server is bounded by runtime/rasa_compat.py's action timeout).
FORGET_WAIT_SECONDS = 25.0

# Built once: it is sent exactly when the server is slow or failing.
UNAVAILABLE_REPLY = unavailable_reply(load_clinic())
# "What was missing?" under a 👎: a sentence or two (the widget shows a counter).
MAX_FEEDBACK_COMMENT_CHARS = 500
MAX_FEEDBACK_PASSAGES = 20
PASSAGE_IDS = frozenset(load_article().passages)


def clean_text(text: str) -> str:
    """Drops control and formatting characters that no patient types on purpose."""
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return "".join(kept).strip()


def error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def parse_vote(request: Request) -> Feedback | HTTPResponse:
    """The rating, passages and comment of a feedback request (the sender is checked
    by the channel's own parser); a clear 400 for anything else."""
    body = json.loads(request.body.decode("utf-8"))  # _parse already checked it
    rating, passages, comment = body.get("rating"), body.get("passages"), body.get("comment")
    if rating not in RATINGS:
        return error(400, '\'rating\' must be "up" or "down".')
    if (
        not isinstance(passages, list)
        or not 0 < len(passages) <= MAX_FEEDBACK_PASSAGES
        or not all(isinstance(p, str) and p in PASSAGE_IDS for p in passages)
    ):
        return error(400, "'passages' must list the passage ids the answer came with.")
    if comment is not None and not isinstance(comment, str):
        return error(400, "'comment' must be a string.")
    comment = clean_text(comment or "")
    if len(comment) > MAX_FEEDBACK_COMMENT_CHARS:
        return error(400, f"'comment' is longer than {MAX_FEEDBACK_COMMENT_CHARS} characters.")
    if comment and rating != "down":
        return error(400, 'Only a "down" rating takes a comment.')
    return Feedback("", tuple(passages), str(rating), comment or None)


class WholeMessageCollector(CollectingOutputChannel):
    """Keeps each answer in one message: Rasa's collector splits text at every blank
    line, which would detach the disclaimer from the answer it belongs to."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        custom = self._custom(text, kwargs)
        await self._persist_message(self._message(recipient_id, text=text, custom=custom))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        custom = self._custom(text, kwargs)
        await self._persist_message(
            self._message(recipient_id, text=text, buttons=buttons, custom=custom)
        )

    @staticmethod
    def _custom(text: str, message: dict[str, Any]) -> dict[str, Any] | None:
        """What the widget needs beside the text: whether it is a safety reply (its own
        look) and which passages an answer served (its 👍/👎 name them)."""
        custom: dict[str, Any] = {}
        kind = kind_of_reply(text)
        if kind:
            custom["kind"] = kind
        passages = passages_of(message)
        if passages and not kind:
            custom["passages"] = passages
        return custom or None


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(RestLimits.from_sources(credentials))

    def __init__(self, limits: RestLimits = RestLimits()) -> None:
        self.max_message_chars = limits.max_message_chars
        self.answer_timeout_seconds = limits.answer_timeout_seconds
        self.sender_limiter = RateLimiter.parse(limits.rate_limit_per_sender)
        self.ip_limiter = RateLimiter.parse(limits.rate_limit_per_ip)
        self._background: set = set()
        # The red-flag classifier is fitted at start-up, never on a patient's first turn.
        warm_up()
        # Turns still being stored, by sender: a deletion waits for them, or they would
        # write the conversation back after it was deleted.
        self._turns_of: dict[str, set[asyncio.Future[Any]]] = {}
        # (sender, message_id) -> its turn, for retries (bounded; per process).
        self._turn_of_message: OrderedDict[
            tuple[str, str], tuple[asyncio.Future[Any], WholeMessageCollector]
        ] = OrderedDict()

    def _parse(
        self, request: Request, needs_message: bool = True
    ) -> dict[str, Any] | HTTPResponse:
        try:
            body = json.loads(request.body.decode("utf-8"))
        except UnicodeDecodeError:
            return error(400, "The request body must be UTF-8 encoded JSON.")
        except ValueError:
            return error(
                400, 'The request body must be JSON: {"sender": "...", "message": "..."}.'
            )
        if not isinstance(body, dict):
            return error(400, "The request body must be a JSON object.")
        sender, message = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
            return error(400, "'sender' must be a random UUID (the widget makes one).")
        if not needs_message:
            return {"sender": sender}
        if not isinstance(message, str):
            return error(400, "'message' must be a string.")
        message = clean_text(message)
        if not message:
            return error(400, "'message' is empty.")
        is_payload = body.get("payload") is True
        message_id = body.get("message_id")
        if message_id is not None and not (
            isinstance(message_id, str) and SENDER_PATTERN.match(message_id)
        ):
            return error(400, "'message_id' must be a random UUID (one per message).")
        if message.startswith(INTENT_MESSAGE_PREFIX) and not is_payload:
            # Typed text is text: Rasa would read "/restart" as a command (resetting the
            # conversation) and "/report_emergency" as an intent. Only the widget's own
            # buttons send payloads ("payload": true). Rasa strips white space, so an
            # invisible word joiner is what keeps the slash from coming first.
            message = TYPED_SLASH_GUARD + message
        return {
            "sender": sender,
            "message": message,
            "payload": is_payload,
            "message_id": message_id,
        }

    async def _answer(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        message_id: str | None = None,
    ) -> list[dict[str, Any]]:
        turn, collector = self._turn_for(on_new_message, sender, text, message_id)
        try:
            await asyncio.wait_for(asyncio.shield(turn), timeout=self.answer_timeout_seconds)
        except asyncio.TimeoutError:
            logger.warning(
                "Answer for a message took longer than %.0f s; sent the fallback reply.",
                self.answer_timeout_seconds,
            )
            return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
        except Exception:
            logger.exception("Handling a message failed; sent the fallback reply.")
            return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
        # Rasa swallows action server errors and simply says nothing.
        return collector.messages or [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]

    def _turn_for(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        message_id: str | None,
    ) -> tuple[asyncio.Future[Any], WholeMessageCollector]:
        """The turn of this message: a new one, or, for a message the widget sends again
        (Retry, with the same message_id), the one already under way or done, so a retry
        never adds a turn and gets the answer the conversation stored."""
        key = (sender, message_id) if message_id else None
        known = self._turn_of_message.get(key) if key is not None else None
        if known is not None and not _failed(*known):
            return known
        collector = WholeMessageCollector()
        turn = self._start_turn(on_new_message, sender, text, collector)
        if key is not None:
            self._turn_of_message[key] = (turn, collector)
            while len(self._turn_of_message) > RECENT_MESSAGES:
                self._turn_of_message.popitem(last=False)
        return turn, collector

    def _start_turn(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        collector: CollectingOutputChannel,
    ) -> asyncio.Future[Any]:
        message = UserMessage(text, collector, conversation_id(sender), input_channel=self.name())
        turn = asyncio.ensure_future(on_new_message(message))
        # Keep a reference so the turn finishes and is stored even after we answered.
        self._background.add(turn)
        self._turns_of.setdefault(sender, set()).add(turn)
        turn.add_done_callback(self._finish_turn)
        turn.add_done_callback(lambda done: self._forget_turn(sender, done))
        return turn

    def _forget_turn(self, sender: str, turn: asyncio.Future[Any]) -> None:
        turns = self._turns_of.get(sender, set())
        turns.discard(turn)
        if not turns:
            self._turns_of.pop(sender, None)

    def _finish_turn(self, turn: asyncio.Future[Any]) -> None:
        self._background.discard(turn)
        if not turn.cancelled() and turn.exception() is not None:
            logger.error("A conversation turn failed: %s", type(turn.exception()).__name__)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/clinic", methods=["GET"])
        async def clinic(request: Request) -> HTTPResponse:
            """What the widget shows before the first message: who answers, where urgent
            help is, what is stored and for how long."""
            return response.json(widget_settings())

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            """Deletes the caller's conversation. The unguessable id is the authorisation:
            only the browser that holds it can name the conversation."""
            parsed = self._parse(request, needs_message=False)
            if isinstance(parsed, HTTPResponse):
                return parsed
            if not self.ip_limiter.allow(request.remote_addr or request.ip):
                return error(429, "Too many requests from this address; please wait a moment.")
            engine = conversation_engine(request.app)
            if engine is None:
                return error(503, "Conversations are not kept in a database here.")
            pending = list(self._turns_of.get(parsed["sender"], ()))
            if pending:
                await asyncio.wait(pending, timeout=FORGET_WAIT_SECONDS)
            await asyncio.to_thread(erase, engine, conversation_id(parsed["sender"]))
            logger.info("rest.conversation.forgotten")
            return response.json({"deleted": True})

        @webhook.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            """👍/👎 on an answer the conversation was served, with what was missing.
            Kept beside the conversation (runtime/feedback.py), never in its context."""
            parsed = self._parse(request, needs_message=False)
            if isinstance(parsed, HTTPResponse):
                return parsed
            vote = parse_vote(request)
            if isinstance(vote, HTTPResponse):
                return vote
            sender = parsed["sender"]
            if not self.ip_limiter.allow(request.remote_addr or request.ip):
                return error(429, "Too many requests from this address; please wait a moment.")
            if not self.sender_limiter.allow(sender):
                return error(429, "Too many messages in this conversation; please wait a moment.")
            engine = conversation_engine(request.app)
            if engine is None:
                return error(503, "Conversations are not kept in a database here.")
            try:
                answers = await asyncio.to_thread(served_answers, engine, conversation_id(sender))
            except SQLAlchemyError as failure:
                logger.error("rest.feedback.failure error=%s", type(failure).__name__)
                return error(503, "Feedback cannot be stored right now; please try again.")
            if answers is None:
                return error(404, "There is no conversation with this sender.")
            if not was_served(answers, vote.passages):
                return error(422, "These passages were not served in this conversation.")
            # The comment is the patient's own words: an emergency described in it gets
            # the urgent reply at once, like any message, and is never shown in reports.
            urgent = safety_reply(vote.comment) if vote.comment else None
            stored = Feedback(
                conversation_id(sender),
                vote.passages,
                vote.rating,
                vote.comment,
                red_flag=urgent is not None,
            )
            messages = [urgent.as_rest_message(sender)] if urgent is not None else []
            try:
                await asyncio.to_thread(record, engine, stored)
            except SQLAlchemyError as failure:
                logger.error("rest.feedback.failure error=%s", type(failure).__name__)
                if messages:  # the urgent reply goes out whatever else fails
                    return response.json({"recorded": False, "messages": messages})
                return error(503, "Feedback cannot be stored right now; please try again.")
            logger.info("rest.feedback.recorded rating=%s", vote.rating)
            return response.json({"recorded": True, "messages": messages})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = self._parse(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, text = parsed["sender"], parsed["message"]
            client_ip = request.remote_addr or request.ip
            ip_allowed = self.ip_limiter.allow(client_ip)
            sender_allowed = ip_allowed and self.sender_limiter.allow(sender)
            urgent = safety_reply(text, from_button=parsed["payload"])
            if urgent is not None:
                # Rasa records the turn when it can (not for a flood of messages); the
                # patient's reply does not wait for it.
                if sender_allowed and len(text) <= self.max_message_chars:
                    turn, _ = self._turn_for(on_new_message, sender, text, parsed["message_id"])
                    # A healthy server records the turn in milliseconds: waiting that long
                    # keeps the patient's next message from queueing behind its lock.
                    await asyncio.wait([turn], timeout=RECORD_WAIT_SECONDS)
                return response.json([urgent.as_rest_message(sender)])
            if not ip_allowed:
                return error(429, "Too many messages from this address; please wait a moment.")
            if not sender_allowed:
                return error(429, "Too many messages in this conversation; please wait a moment.")
            if len(text) > self.max_message_chars:
                return response.json(
                    [{"recipient_id": sender, "text": too_long_reply(self.max_message_chars)}]
                )
            reply = await self._answer(on_new_message, sender, text, parsed["message_id"])
            return response.json(reply)

        return webhook
