"""Twilio SMS and WhatsApp with signed webhooks.

Rasa 3.6's TwilioInput never checks X-Twilio-Signature, so anyone who knows the webhook
URL can talk to the bot as any phone number (and make it send SMS at the clinic's
expense). This subclass verifies the signature before anything else and rejects
malformed requests with 400 (the built-in one answers 500 to a form without a Body).

Replies: SMS and WhatsApp cannot show buttons, so they are appended as numbered options
and a reply of "2" sends option 2's payload to the bot. Long replies are packed into as
few messages as fit (1,600 characters for SMS, 4,096 for WhatsApp) instead of the
built-in one message per paragraph, which on SMS may arrive out of order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient

from channels.credentials import (
    option_memory_from,
    optional_credential,
    present,
    required_credential,
)
from channels.formatting import (
    TWILIO_SMS_LIMIT,
    TWILIO_WHATSAPP_LIMIT,
    button_payloads,
    button_titles,
    numbered_options,
    split_text,
)
from channels.handover import DEFAULT_RATE_LIMIT, OUTBOUND_TIMEOUT_SECONDS, Handover
from channels.options import OptionMemory
from channels.signatures import is_valid_twilio_signature

logger = logging.getLogger(__name__)

WHATSAPP_PREFIX = "whatsapp:"
SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio expects TwiML back; an empty <Response/> means "no reply from this webhook"
# (the replies go out through the REST API instead).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


Form = dict[str, list[str]]


def is_whatsapp(address: str) -> bool:
    return address.startswith(WHATSAPP_PREFIX)


def read_form(request: Request) -> Form | None:
    """The POST parameters exactly as Twilio signed them, or None if unreadable.

    Not Sanic's `request.form`: it drops empty values (Twilio sends e.g. "FromZip=" and
    signs it, so the signature would never match) and logs instead of failing on an
    undecodable body.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    try:
        return parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return None


def first(form: Form, name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


class TwilioOutputInParts(TwilioOutput):
    """Sends replies split to the SMS/WhatsApp limit, with buttons as numbered options."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        options: OptionMemory,
        whatsapp_number: str | None = None,
        api_base_url: str | None = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.http_client = TwilioHttpClient(timeout=OUTBOUND_TIMEOUT_SECONDS)
        self.options = options
        self.whatsapp_number = whatsapp_number or WHATSAPP_PREFIX + twilio_number
        if api_base_url:
            # Default https://api.twilio.com; tests point it at a local recorder.
            self.api.base_url = api_base_url.rstrip("/")

    def sender_for(self, recipient_id: str) -> str:
        """A WhatsApp user must be answered from the WhatsApp-enabled number."""
        return self.whatsapp_number if is_whatsapp(recipient_id) else self.twilio_number

    @staticmethod
    def limit_for(recipient_id: str) -> int:
        return TWILIO_WHATSAPP_LIMIT if is_whatsapp(recipient_id) else TWILIO_SMS_LIMIT

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, self.limit_for(recipient_id)):
            await self._send_message({"to": recipient_id, "body": part})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.options.remember(recipient_id, button_payloads(buttons))
        await self.send_text_message(recipient_id, numbered_options(text, button_titles(buttons)))

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        """Send one message. Unlike the built-in, the blocking HTTP call runs in a thread
        so the event loop keeps serving other patients, and `from_` follows the
        recipient's channel (SMS or WhatsApp)."""
        if not message_data.get("messaging_service_sid"):
            message_data["from_"] = self.sender_for(message_data["to"])
        try:
            return await asyncio.to_thread(self.messages.create, **message_data)
        except TwilioRestException as error:
            # The number is the patient's: not in the log.
            logger.error("twilio.send.failure code=%s", error.code)
            return None


class VerifiedTwilioInput(TwilioInput):
    """Twilio SMS/WhatsApp webhook that only accepts requests signed by Twilio."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = present(cls, credentials)
        name = cls.name()
        return cls(
            account_sid=required_credential(credentials, "account_sid", name),
            auth_token=required_credential(credentials, "auth_token", name),
            twilio_number=required_credential(credentials, "twilio_number", name),
            webhook_url=optional_credential(credentials, "webhook_url"),
            whatsapp_number=optional_credential(credentials, "whatsapp_number"),
            api_base_url=optional_credential(credentials, "api_base_url"),
            options=option_memory_from(credentials),
            rate_limit=optional_credential(credentials, "rate_limit_per_sender"),
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        webhook_url: str | None = None,
        whatsapp_number: str | None = None,
        api_base_url: str | None = None,
        options: OptionMemory | None = None,
        rate_limit: str | None = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.webhook_url = webhook_url
        self.options = options or OptionMemory()
        self.handover = Handover("sms", self.name(), rate_limit or DEFAULT_RATE_LIMIT)
        # One output (one Twilio client and HTTP session) for every message: it keeps no
        # per-message state, and a new one per message would open a new TLS connection.
        self.output = TwilioOutputInParts(
            account_sid,
            auth_token,
            twilio_number,
            options=self.options,
            whatsapp_number=whatsapp_number,
            api_base_url=api_base_url,
        )
        if not webhook_url:
            logger.warning(
                "Twilio channel without 'webhook_url': signatures are checked against the "
                "URL the request arrived at, which behind a proxy is not the public one "
                "Twilio signed, so every message would be rejected."
            )

    def public_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public one, else the request's own."""
        return self.webhook_url or request.url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("verified_twilio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            form = read_form(request)
            if form is None:
                return response.text("expected an url-encoded UTF-8 form", status=400)

            signature = request.headers.get(SIGNATURE_HEADER)
            if not is_valid_twilio_signature(
                self.auth_token, self.public_url(request), form, signature
            ):
                logger.warning("Rejected a Twilio webhook without a valid %s.", SIGNATURE_HEADER)
                return response.text("invalid signature", status=403)

            sender = first(form, "From")
            text = self._text_of(form)
            if not sender or text is None:
                return response.text("missing From or Body", status=400)
            if text.strip():
                self.handover.start(
                    on_new_message,
                    self.output,
                    sender,
                    self.options.resolve(sender, text),
                    self.get_metadata(request),
                    message_id=first(form, "MessageSid"),
                )
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook

    @staticmethod
    def _text_of(form: Form) -> str | None:
        latitude, longitude = first(form, "Latitude"), first(form, "Longitude")
        if latitude and longitude:
            # A shared WhatsApp location has no Body: same text as Rasa's built-in.
            return f"/locationData{{'Latitude': {latitude},'Longitude': {longitude}}}"
        body = first(form, "Body")
        # Some carriers turn "@" into "¡" in SMS (as in Rasa's built-in).
        return body.replace("¡", "@") if body is not None else None

    def get_output_channel(self) -> OutputChannel:
        return self.output
