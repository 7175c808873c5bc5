"""Telegram with a webhook secret token.

Rasa 3.6's TelegramInput only compares the bot's own username (fetched with getMe on
every update) with the `verify` credential: nothing in the request is checked, so anyone
who knows the URL can post fake updates. Telegram's defence is the `secret_token` given
to setWebhook, which Telegram then sends in every webhook request as the
X-Telegram-Bot-Api-Secret-Token header. This subclass registers the webhook with a
secret token and rejects requests without it (403) or with unusable JSON (400).

Also unlike the built-in: the webhook is registered once when the server has started
(not with `asyncio.run` while the blueprint is built, which ties the bot's HTTP session
to a loop that is then closed), replies are packed into 4,096-character messages instead
of one per paragraph, and buttons are shown one per row (long questions stay readable).

Under an answer from the article, a row of 👍 / 👎 (channels/feedback.py): pressing one
records the vote and shows a "thank you" notice; it is not a message to the bot.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import USER_INTENT_RESTART
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Sanic, response
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
    TELEGRAM_LIMIT,
    button_payloads,
    split_text,
    utf16_length,
)
from channels.handover import (
    DEFAULT_RATE_LIMIT,
    OUTBOUND_TIMEOUT_SECONDS,
    Handover,
    conversation_id,
)
from channels.options import OptionMemory
from channels.signatures import same_secret
from content.replies import FEEDBACK_THANKS
from runtime.rasa_compat import conversation_engine

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# setWebhook's secret_token: 1-256 characters, only A-Z, a-z, 0-9, _ and -.
SECRET_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Telegram rejects a whole message whose button carries more than 64 bytes of data.
MAX_CALLBACK_DATA_BYTES = 64
# Data of a button whose payload is too long: the payload is kept in OptionMemory.
OPTION_REFERENCE = re.compile(r"option:(\d{1,3})")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]

ChatId = int | str


class MalformedUpdate(ValueError):
    """The webhook body is not a Telegram update this channel can read."""


@dataclass(frozen=True)
class Incoming:
    chat_id: ChatId
    text: str
    callback_query_id: str | None = None
    # Telegram's id of the update: the same update delivered twice is handled once.
    update_id: str | None = None


def parse_update(body: bytes) -> Incoming | None:
    """The chat and text of an update, None for updates the bot does not answer
    (stickers, joins...), MalformedUpdate for anything that is not an update."""
    try:
        update = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedUpdate("body is not JSON") from error
    if not isinstance(update, dict):
        raise MalformedUpdate("update is not an object")
    update_id = str(update["update_id"]) if isinstance(update.get("update_id"), int) else None

    if "callback_query" in update:
        query = _object(update["callback_query"], "callback_query")
        if "message" not in query:  # a button under an inline-mode message: no chat
            return None
        return Incoming(
            _chat_id(query["message"]),
            _text(query.get("data")),
            _text(query.get("id")),
            update_id,
        )

    for key in ("message", "edited_message"):
        if key in update:
            message = _object(update[key], key)
            text = _message_text(message)
            if text is None:
                return None
            return Incoming(_chat_id(message), text, update_id=update_id)
    return None


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedUpdate(f"{what} is not an object")
    return value


def _chat_id(message: Any) -> ChatId:
    chat = _object(_object(message, "message").get("chat"), "message.chat")
    chat_id = chat.get("id")
    if isinstance(chat_id, bool) or not isinstance(chat_id, (int, str)) or chat_id == "":
        raise MalformedUpdate("message.chat.id is missing")
    return chat_id


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise MalformedUpdate("expected a string")
    return value


def _message_text(message: dict[str, Any]) -> str | None:
    if "text" in message:
        # "/bot" is removed as in Rasa's built-in (command addressed to the bot in groups).
        return _text(message["text"]).replace("/bot", "")
    location = message.get("location")
    if isinstance(location, dict) and "longitude" in location and "latitude" in location:
        return f'{{"lng":{location["longitude"]}, "lat":{location["latitude"]}}}'
    return None


class TelegramOutputInParts(TelegramOutput):
    """Replies split to Telegram's limit; buttons as an inline keyboard, one per row."""

    def __init__(
        self, access_token: str, options: OptionMemory, api_base_url: str | None = None
    ) -> None:
        super().__init__(access_token)
        self.timeout = OUTBOUND_TIMEOUT_SECONDS
        self.options = options
        if api_base_url:
            # Default https://api.telegram.org; tests point it at a local recorder.
            self.server = TelegramAPIServer.from_base(api_base_url)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        passages = passages_of(kwargs)
        if passages:
            # An answer from the article: its 👍/👎 go under it.
            await self._send_with_votes(recipient_id, text, [], passages)
            return
        for part in split_text(text, TELEGRAM_LIMIT, utf16_length):
            await self.send_message(recipient_id, part)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        button_type: str | None = "vertical",
        **kwargs: Any,
    ) -> None:
        """The keyboard goes under the last part of a long text."""
        passages = passages_of(kwargs)
        if passages:
            await self._send_with_votes(recipient_id, text, buttons, passages)
            return
        parts = split_text(text, TELEGRAM_LIMIT, utf16_length) or [CHOOSE_PROMPT]
        for part in parts[:-1]:
            await self.send_message(recipient_id, part)
        keyboard = self._with_callback_data(recipient_id, buttons)
        await super().send_text_with_buttons(
            recipient_id, parts[-1], keyboard, button_type=button_type or "vertical"
        )

    async def _send_with_votes(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], passages: list[str]
    ) -> None:
        """An answer's buttons one per row, then 👍 and 👎 side by side."""
        parts = split_text(text, TELEGRAM_LIMIT, utf16_length) or [CHOOSE_PROMPT]
        for part in parts[:-1]:
            await self.send_message(recipient_id, part)
        markup = InlineKeyboardMarkup()
        for button in self._with_callback_data(recipient_id, buttons) if buttons else []:
            markup.row(InlineKeyboardButton(button["title"], callback_data=button["payload"]))
        markup.row(
            *(
                InlineKeyboardButton(vote["title"], callback_data=vote["payload"])
                for vote in feedback_buttons(passages)
            )
        )
        await self.send_message(recipient_id, parts[-1], reply_markup=markup)

    def _with_callback_data(
        self, recipient_id: str, buttons: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Buttons whose data Telegram accepts: the payload itself when every payload fits
        in 64 bytes (works forever, on any replica), else a reference to OptionMemory."""
        payloads = button_payloads(buttons)
        if all(len(p.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES for p in payloads):
            self.options.forget(recipient_id)
            return [
                dict(button, payload=payload)
                for button, payload in zip(buttons, payloads, strict=True)
            ]
        self.options.remember(recipient_id, payloads)
        return [dict(button, payload=f"option:{n}") for n, button in enumerate(buttons, start=1)]


class VerifiedTelegramInput(TelegramInput):
    """Telegram webhook that only accepts requests carrying the webhook's secret token."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = present(cls, credentials)
        name = cls.name()
        register = str(credentials.get("register_webhook", True)).strip().lower() not in (
            "false",
            "no",
            "0",
        )
        return cls(
            access_token=required_credential(credentials, "access_token", name),
            secret_token=required_credential(credentials, "secret_token", name),
            webhook_url=(
                required_credential(credentials, "webhook_url", name)
                if register
                else optional_credential(credentials, "webhook_url")
            ),
            register_webhook=register,
            api_base_url=optional_credential(credentials, "api_base_url"),
            options=option_memory_from(credentials),
            rate_limit=optional_credential(credentials, "rate_limit_per_sender"),
        )

    def __init__(
        self,
        access_token: str,
        secret_token: str,
        webhook_url: str | None = None,
        register_webhook: bool = True,
        api_base_url: str | None = None,
        options: OptionMemory | None = None,
        rate_limit: str | None = None,
    ) -> None:
        if not SECRET_TOKEN_PATTERN.fullmatch(secret_token or ""):
            raise RasaException(
                "Telegram's secret_token must be 1-256 characters from A-Z, a-z, 0-9, _ and -."
            )
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.register_webhook = register_webhook
        self.api_base_url = api_base_url
        self.options = options or OptionMemory()
        self.handover = Handover("tg", self.name(), rate_limit or DEFAULT_RATE_LIMIT)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("verified_telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        @webhook.listener("after_server_start")
        async def register(_: Sanic, __: Any) -> None:
            if self.register_webhook:
                await self.set_webhook(out_channel)

        @webhook.listener("before_server_stop")
        async def close_session(_: Sanic, __: Any) -> None:
            # What aiogram 2's deprecated Bot.close() does, without its warning.
            await out_channel.session.close()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not same_secret(self.secret_token, request.headers.get(SECRET_HEADER)):
                logger.warning("Rejected a Telegram webhook without the right %s.", SECRET_HEADER)
                return response.text("invalid secret token", status=403)
            try:
                incoming = parse_update(request.body)
            except MalformedUpdate as error:
                return response.text(f"malformed update: {error}", status=400)
            # Updates the bot does not answer are still acknowledged: Telegram would
            # otherwise deliver them again and again.
            pressed = incoming is not None and incoming.callback_query_id is not None
            vote = parse_feedback(incoming.text) if incoming and pressed else None
            if incoming is not None and vote is not None:
                await self._record_vote(request, out_channel, incoming, *vote)
            elif incoming is not None:
                await self._hand_over(on_new_message, request, out_channel, incoming)
            return response.text("success")

        return webhook

    async def set_webhook(self, out_channel: TelegramOutputInParts) -> None:
        """Register webhook_url with the secret token. aiogram 2.15's `set_webhook` has
        no secret_token argument (Bot API 6.1), hence the raw request."""
        data = {
            "url": self.webhook_url,
            "secret_token": self.secret_token,
            "allowed_updates": json.dumps(ALLOWED_UPDATES),
        }
        try:
            await out_channel.request("setWebhook", data)
            logger.info("Telegram webhook registered: %s", self.webhook_url)
        except Exception:
            # The other channels (the website widget) keep working; Telegram gets nothing
            # until the next start, hence a loud error rather than a failed server.
            logger.exception("Could not register the Telegram webhook %s.", self.webhook_url)

    async def _hand_over(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        request: Request,
        out_channel: TelegramOutputInParts,
        incoming: Incoming,
    ) -> None:
        if incoming.callback_query_id:
            await self._acknowledge_button(out_channel, incoming.callback_query_id)
        text = self._resolve(incoming)
        chat = str(incoming.chat_id)
        metadata = self.get_metadata(request)

        async def turns() -> None:
            if text == INTENT_MESSAGE_PREFIX + USER_INTENT_RESTART:
                # As Rasa's built-in: restart (Rasa says nothing), then greet again.
                await self.handover.hand_over(
                    on_new_message,
                    out_channel,
                    chat,
                    text,
                    metadata,
                    incoming.update_id,
                    expects_reply=False,
                )
                await self.handover.hand_over(
                    on_new_message, out_channel, chat, "/start", metadata
                )
            else:
                await self.handover.hand_over(
                    on_new_message, out_channel, chat, text, metadata, incoming.update_id
                )

        self.handover.background(turns())

    async def _record_vote(
        self,
        request: Request,
        out_channel: TelegramOutputInParts,
        incoming: Incoming,
        rating: str,
        key: str,
    ) -> None:
        """A 👍/👎 press: recorded beside the conversation, acknowledged with thanks, and
        never handed to Rasa (it would read "feedback:up:…" as a question)."""
        recorded = await record_button(
            conversation_engine(request.app),
            conversation_id(self.handover.prefix, str(incoming.chat_id)),
            rating,
            key,
        )
        assert incoming.callback_query_id is not None
        try:
            await out_channel.answer_callback_query(
                incoming.callback_query_id, text=FEEDBACK_THANKS if recorded else None
            )
        except Exception:
            logger.warning("Could not acknowledge a Telegram button press.", exc_info=True)

    def _resolve(self, incoming: Incoming) -> str:
        """A button with an `option:N` reference sends the remembered payload."""
        reference = (
            OPTION_REFERENCE.fullmatch(incoming.text) if incoming.callback_query_id else None
        )
        if reference:
            payload = self.options.pick(str(incoming.chat_id), int(reference.group(1)))
            if payload is not None:
                return payload
        return incoming.text

    @staticmethod
    async def _acknowledge_button(
        out_channel: TelegramOutputInParts, callback_query_id: str
    ) -> None:
        """Stops the spinner on the pressed button (the built-in leaves it spinning)."""
        try:
            await out_channel.answer_callback_query(callback_query_id)
        except Exception:
            logger.warning("Could not acknowledge a Telegram button press.", exc_info=True)

    def get_output_channel(self) -> TelegramOutputInParts:
        # No webhook registration here (the built-in registers on every call).
        return TelegramOutputInParts(self.access_token, self.options, self.api_base_url)
