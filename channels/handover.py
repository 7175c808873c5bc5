"""What every messaging channel does with a verified patient message before Rasa sees it.

* Conversations are stored under the channel's own prefix (`sms:+1555…`, `tg:42`,
  `fb:<psid>`), and the widget's under `web:<uuid>` (channels/rest.py): no channel can
  write into, or read the context of, another channel's conversation.
* A described emergency or self-harm is answered by the channel at once
  (channels/safety.py); Rasa still records the turn, and its own reply is not sent twice.
* A message the provider delivers again (a retried webhook) is handled once.
* A sender over the rate limit is not handed to Rasa: every reply on SMS costs the clinic.
* A turn that fails, says nothing or takes too long gets the polite reply, which names
  the emergency number; its late answer is dropped, so the patient never gets both.
* The provider's webhook is acknowledged at once and the turn runs in the background:
  Twilio gives up after 15 s, and Meta and Telegram redeliver slow webhooks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from channels.limits import RateLimiter
from channels.safety import safety_reply, warm_up
from content import replies
from content.clinic import load_clinic
from runtime.settings import RestLimits

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = "20/60"
# Every call to a provider's API gives up after this long: a hung provider must not
# hold a turn (and the conversation's lock) for minutes.
OUTBOUND_TIMEOUT_SECONDS = 10.0
SEEN_TTL_SECONDS = 3600.0
SEEN_MAX = 10_000


def conversation_id(prefix: str, raw_id: str) -> str:
    return f"{prefix}:{raw_id}"


def provider_id(prefix: str, recipient_id: str) -> str:
    """The provider's own id of a recipient, from the tracker's conversation id."""
    marker = f"{prefix}:"
    return recipient_id[len(marker) :] if recipient_id.startswith(marker) else recipient_id


class RecentIds:
    """Provider message ids seen lately, to drop redelivered webhooks (bounded)."""

    def __init__(
        self,
        ttl_seconds: float = SEEN_TTL_SECONDS,
        max_ids: int = SEEN_MAX,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_ids = max_ids
        self.clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, message_id: str) -> bool:
        now = self.clock()
        while self._seen and next(iter(self._seen.values())) < now - self.ttl_seconds:
            self._seen.popitem(last=False)
        if message_id in self._seen:
            return False
        self._seen[message_id] = now
        while len(self._seen) > self.max_ids:
            self._seen.popitem(last=False)
        return True


class TurnOutput(OutputChannel):
    """The output Rasa writes to for one turn: the provider's ids, and a switch to drop
    what arrives after the patient already got a reply from the channel."""

    def __init__(self, inner: OutputChannel, prefix: str) -> None:
        self.inner = inner
        self.prefix = prefix
        self.muted = False
        self.sent = 0

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if not self.muted:
            self.sent += 1
            await self.inner.send_response(provider_id(self.prefix, recipient_id), message)


class Handover:
    def __init__(
        self,
        prefix: str,
        input_channel: str,
        rate_limit: str = DEFAULT_RATE_LIMIT,
    ) -> None:
        self.prefix = prefix
        self.input_channel = input_channel
        self.sender_limiter = RateLimiter.parse(rate_limit)
        # The same patience as the widget's (BOT_ANSWER_TIMEOUT_SECONDS).
        self.answer_timeout_seconds = RestLimits.from_sources(None).answer_timeout_seconds
        self.seen = RecentIds()
        self._turns: set[asyncio.Task[None]] = set()
        # The red-flag classifier is fitted at start-up, never on a patient's first turn.
        warm_up()

    def start(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        output: OutputChannel,
        sender: str,
        text: str,
        metadata: dict[str, Any] | None = None,
        message_id: str | None = None,
    ) -> None:
        """Hands the message over in the background, so the webhook can answer at once."""
        self.background(self.hand_over(on_new_message, output, sender, text, metadata, message_id))

    def background(self, work: Awaitable[None]) -> None:
        """Runs `work` (one or more hand-overs, in order) after the webhook answered."""

        async def run() -> None:
            await work

        task = asyncio.create_task(run())
        self._turns.add(task)
        task.add_done_callback(self._turns.discard)

    async def drain(self) -> None:
        """Waits for the turns under way (server shutdown, tests)."""
        while self._turns:
            await asyncio.gather(*list(self._turns), return_exceptions=True)

    async def hand_over(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        output: OutputChannel,
        sender: str,
        text: str,
        metadata: dict[str, Any] | None = None,
        message_id: str | None = None,
        expects_reply: bool = True,
    ) -> None:
        """`sender` is the provider's id of the patient (a phone number, a chat id);
        `expects_reply` is False for a message Rasa answers with silence (/restart)."""
        if message_id is not None and not self.seen.first_time(f"{sender}/{message_id}"):
            logger.info("%s.message.duplicate", self.input_channel)
            return
        urgent = safety_reply(text)
        if urgent is not None:
            await self._send(output, sender, urgent.text)
        if not self.sender_limiter.allow(sender):
            logger.warning("%s.message.rate_limited", self.input_channel)
            return
        turn_output = TurnOutput(output, self.prefix)
        turn_output.muted = urgent is not None
        message = UserMessage(
            text,
            turn_output,
            conversation_id(self.prefix, sender),
            input_channel=self.input_channel,
            metadata=metadata,
        )
        turn = asyncio.ensure_future(on_new_message(message))
        failed = False
        try:
            await asyncio.wait_for(asyncio.shield(turn), timeout=self.answer_timeout_seconds)
        except Exception as error:
            failed = True
            logger.error("%s.turn.failure error=%s", self.input_channel, type(error).__name__)
        # Rasa swallows action server errors and simply says nothing.
        if urgent is None and (failed or (expects_reply and turn_output.sent == 0)):
            turn_output.muted = True
            await self._send(output, sender, replies.unavailable_reply(load_clinic()))
        turn_output.muted = True

    async def _send(self, output: OutputChannel, sender: str, text: str) -> None:
        try:
            await output.send_text_message(sender, text)
        except Exception as error:
            logger.error("%s.send.failure error=%s", self.input_channel, type(error).__name__)
