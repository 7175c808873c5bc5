"""Facebook Messenger with X-Hub-Signature-256.

Rasa 3.6's FacebookInput checks only the legacy SHA-1 X-Hub-Signature, with `==` (not
constant time), picks the hash function named by the request itself, and answers a bad
signature with HTTP 200. This subclass requires Meta's X-Hub-Signature-256 (HMAC-SHA256
of the raw body with the app secret), answers 403 without it and 400 to a body that is
not a Messenger event batch (the built-in raised a 500 on a missing "entry").

Also unlike the built-in: every event of a batch is handled (the built-in stops after the
first), replies are packed into 2,000-character messages, and buttons become quick
replies (up to 13, titles up to 20 characters) or else numbered options, where a reply
of "2" picks option 2.

Under an answer from the article, 👍 / 👎 quick replies (channels/feedback.py): choosing
one records the vote and gets a "thank you"; it is not a message to the bot.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import requests
from fbmessenger import MessengerClient
from fbmessenger.elements import Text as FBText
from fbmessenger.sender_actions import SenderAction
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.credentials import (
    option_memory_from,
    optional_credential,
    present,
    required_credential,
)
from channels.feedback import feedback_buttons, parse_feedback, passages_of, record_button
from channels.formatting import (
    CHOOSE_PROMPT,
    MESSENGER_LIMIT,
    button_payloads,
    button_titles,
    fits_quick_replies,
    numbered_options,
    split_text,
)
from channels.handover import (
    DEFAULT_RATE_LIMIT,
    OUTBOUND_TIMEOUT_SECONDS,
    Handover,
    conversation_id,
)
from channels.options import OptionMemory
from channels.signatures import is_valid_hub_signature_256, same_secret
from content.replies import FEEDBACK_THANKS
from runtime.rasa_compat import conversation_engine

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
GRAPH_API_URL = "https://graph.facebook.com"
MEDIA_TYPES = ("audio", "image", "video", "file")


class TimedSession(requests.Session):
    """fbmessenger calls the Graph API without a timeout; this session adds one."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", OUTBOUND_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def messenger_client(
    page_access_token: str,
    app_secret: str,
    api_base_url: str | None = None,
    api_version: str | None = None,
) -> MessengerClient:
    """fbmessenger's client, with the Graph API URL configurable (tests point it at a
    local recorder). The app secret adds appsecret_proof to every Graph API call."""
    client = MessengerClient(page_access_token, app_secret=app_secret, session=TimedSession())
    if api_version:
        client.api_version = api_version
    client.graph_url = f"{(api_base_url or GRAPH_API_URL).rstrip('/')}/v{client.api_version}"
    return client


def is_event_batch(payload: Any) -> bool:
    """Whether `payload` has the shape the handler relies on:
    {"entry": [{"messaging": [{"sender": {"id": "..."}, "message": {...}}, ...]}, ...]}."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        return False
    for entry in payload["entry"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("messaging", []), list):
            return False
        if not all(_is_event(event) for event in entry.get("messaging", [])):
            return False
    return True


def _is_event(event: Any) -> bool:
    if not isinstance(event, dict) or not isinstance(event.get("sender"), dict):
        return False
    if not isinstance(event["sender"].get("id"), str):
        return False
    message, postback = event.get("message", {}), event.get("postback", {})
    if not isinstance(message, dict) or not isinstance(postback, dict):
        return False
    quick_reply = message.get("quick_reply", {})
    return (
        _is_optional_str(message.get("text"))
        and isinstance(quick_reply, dict)
        and _is_optional_str(quick_reply.get("payload"))
        and ("attachments" not in message or _are_attachments(message["attachments"]))
        and (not postback or isinstance(postback.get("payload"), str))
    )


def _is_optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _are_attachments(value: Any) -> bool:
    """The built-in reads attachments[0]["type"] and, for media, ["payload"]["url"]
    without checking that they exist."""
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(a, dict) and isinstance(a.get("payload", {}), dict) for a in value):
        return False
    first = value[0]
    return first.get("type") not in MEDIA_TYPES or isinstance(
        first.get("payload", {}).get("url"), str
    )


def quick_replies_of(buttons: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"content_type": "text", "title": title, "payload": payload}
        for title, payload in zip(button_titles(buttons), button_payloads(buttons), strict=True)
    ]


def chosen_payload(event: dict[str, Any]) -> str | None:
    """The payload of a quick reply or a postback button the patient chose, if any."""
    message, postback = event.get("message") or {}, event.get("postback") or {}
    payload = (message.get("quick_reply") or {}).get("payload") or postback.get("payload")
    return payload if isinstance(payload, str) else None


class MessengerBotInParts(MessengerBot):
    """Replies split to Messenger's limit; buttons as quick replies or numbered options."""

    def __init__(self, messenger_client: MessengerClient, options: OptionMemory) -> None:
        super().__init__(messenger_client)
        self.options = options

    async def _post(self, recipient_id: str, message: dict[str, Any]) -> None:
        # fbmessenger uses blocking `requests`: run it in a thread so the event loop
        # keeps serving other patients meanwhile.
        result = await asyncio.to_thread(
            self.messenger_client.send, message, recipient_id, "RESPONSE"
        )
        if isinstance(result, dict) and "error" in result:
            # The recipient id identifies the patient: not in the log.
            error = result["error"]
            code = error.get("code") if isinstance(error, dict) else None
            logger.error("facebook.send.failure code=%s", code)

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        """ "Seen" and "typing" marks are cosmetic: a failure must not stop the reply."""
        try:
            await asyncio.to_thread(self._send_action_now, recipient_id, sender_action)
        except Exception:
            logger.warning("Could not send the Messenger action %s.", sender_action, exc_info=True)

    def _send_action_now(self, recipient_id: str, sender_action: str) -> None:
        self.messenger_client.send_action(SenderAction(sender_action).to_dict(), recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        parts = split_text(text, MESSENGER_LIMIT)
        passages = passages_of(kwargs)
        for part in parts[:-1] if passages else parts:
            await self._post(recipient_id, FBText(text=part).to_dict())
        if passages and parts:
            # An answer from the article: its 👍/👎 go under its last part.
            votes = quick_replies_of(feedback_buttons(passages))
            await self._post(recipient_id, {"text": parts[-1], "quick_replies": votes})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if not fits_quick_replies(buttons):
            # Long titles would be cut mid-word by Messenger: number them instead (an
            # answer's 👍/👎 still come as quick replies under the numbered text).
            self.options.remember(recipient_id, button_payloads(buttons))
            await self.send_text_message(
                recipient_id, numbered_options(text, button_titles(buttons)), **kwargs
            )
            return
        self.options.forget(recipient_id)
        passages = passages_of(kwargs)
        votes = feedback_buttons(passages) if passages else []
        if fits_quick_replies([*buttons, *votes]):
            buttons = [*buttons, *votes]
        parts = split_text(text, MESSENGER_LIMIT) or [CHOOSE_PROMPT]
        for part in parts[:-1]:
            await self._post(recipient_id, FBText(text=part).to_dict())
        await self._post(
            recipient_id, {"text": parts[-1], "quick_replies": quick_replies_of(buttons)}
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)


class MessengerEventBatch(Messenger):
    """Turns a verified event batch into user messages for the bot."""

    def __init__(
        self,
        client: MessengerClient,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        options: OptionMemory,
        handover: Handover,
        engine: Any = None,
    ) -> None:
        # Not super().__init__: Rasa's Messenger builds a new MessengerClient (and HTTP
        # session) on the real Graph API URL for every webhook; this one reuses the
        # channel's client. The attributes below are all that Messenger's methods read.
        self.client = client
        self.on_new_message = on_new_message
        self.options = options
        self.handover = handover
        # Where 👍/👎 are kept: the tracker store's database (None without one).
        self.engine = engine
        self.last_message: dict[str, Any] = {}
        self._turns: list[Coroutine[Any, Any, None]] = []

    async def handle(self, payload: dict, metadata: dict[str, Any] | None) -> None:
        """Every event of the batch (the built-in returns after the first one), answered
        in the background one after the other, in the order Messenger sent them."""
        for entry in payload["entry"]:
            for event in entry.get("messaging", []):
                self.last_message = event
                vote = parse_feedback(chosen_payload(event))
                if vote is not None:
                    # Recorded, never handed to Rasa as a message.
                    self._turns.append(self._record_vote(event["sender"]["id"], *vote))
                elif event.get("message"):
                    await self.message(event, metadata)
                elif event.get("postback"):
                    await self.postback(event, metadata)
        turns, self._turns = self._turns, []

        async def in_order() -> None:
            for turn in turns:
                await turn

        self.handover.background(in_order())

    async def _record_vote(self, sender_id: str, rating: str, key: str) -> None:
        conversation = conversation_id(self.handover.prefix, sender_id)
        if await record_button(self.engine, conversation, rating, key):
            out_channel = MessengerBotInParts(self.client, self.options)
            await out_channel.send_text_message(sender_id, FEEDBACK_THANKS)

    async def _handle_user_message(
        self, text: str, sender_id: str, metadata: dict[str, Any] | None
    ) -> None:
        out_channel = MessengerBotInParts(self.client, self.options)
        message = self.last_message.get("message") or {}
        message_id = message.get("mid") if isinstance(message.get("mid"), str) else None
        text = self.options.resolve(sender_id, text)

        async def turn() -> None:
            await out_channel.send_action(sender_id, sender_action="mark_seen")
            await out_channel.send_action(sender_id, sender_action="typing_on")
            try:
                await self.handover.hand_over(
                    self.on_new_message, out_channel, sender_id, text, metadata, message_id
                )
            finally:
                await out_channel.send_action(sender_id, sender_action="typing_off")

        self._turns.append(turn())


class VerifiedFacebookInput(FacebookInput):
    """Messenger webhook that only accepts requests signed with the app secret."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = present(cls, credentials)
        name = cls.name()
        return cls(
            fb_verify=required_credential(credentials, "verify", name),
            fb_secret=required_credential(credentials, "secret", name),
            fb_access_token=required_credential(credentials, "page-access-token", name),
            api_base_url=optional_credential(credentials, "api_base_url"),
            api_version=optional_credential(credentials, "api_version"),
            options=option_memory_from(credentials),
            rate_limit=optional_credential(credentials, "rate_limit_per_sender"),
        )

    def __init__(
        self,
        fb_verify: str,
        fb_secret: str,
        fb_access_token: str,
        api_base_url: str | None = None,
        api_version: str | None = None,
        options: OptionMemory | None = None,
        rate_limit: str | None = None,
    ) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        # One Graph API client (and HTTP session) for every message, not one per webhook.
        self.messenger_client = messenger_client(
            fb_access_token, fb_secret, api_base_url, api_version
        )
        self.options = options or OptionMemory()
        self.handover = Handover("fb", self.name(), rate_limit or DEFAULT_RATE_LIMIT)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("verified_fb_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            """Meta's subscription handshake: echo hub.challenge if hub.verify_token matches."""
            if request.args.get("hub.mode", "subscribe") == "subscribe" and same_secret(
                self.fb_verify, request.args.get("hub.verify_token")
            ):
                return response.text(request.args.get("hub.challenge", ""))
            logger.warning("Messenger webhook verification with a wrong hub.verify_token.")
            return response.text("invalid verify token", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def webhook_event(request: Request) -> HTTPResponse:
            body = request.body or b""
            if not is_valid_hub_signature_256(
                self.fb_secret, body, request.headers.get(SIGNATURE_HEADER)
            ):
                logger.warning(
                    "Rejected a Messenger webhook without a valid %s.", SIGNATURE_HEADER
                )
                return response.text("invalid signature", status=403)
            try:
                payload = json.loads(body)
            except (UnicodeDecodeError, ValueError):
                return response.text("body is not JSON", status=400)
            if not is_event_batch(payload):
                return response.text("not a Messenger event batch", status=400)

            messenger = MessengerEventBatch(
                self.messenger_client,
                on_new_message,
                self.options,
                self.handover,
                conversation_engine(request.app),
            )
            await messenger.handle(payload, self.get_metadata(request))
            return response.text("success")

        return webhook

    def get_output_channel(self) -> MessengerBotInParts:
        return MessengerBotInParts(self.messenger_client, self.options)
