"""Remembers the numbered options last shown to each sender, so "2" can pick option 2.

SMS and WhatsApp cannot show buttons, so their buttons are sent as numbered lines and
the payloads are kept here until the patient answers. The memory lives in this process
only: bounded (least recently used senders are dropped first) and expiring. With several
Rasa replicas behind a load balancer, a reply may reach a replica that never showed the
options; that setup needs a shared store (e.g. Redis with a TTL) behind the same methods.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from channels.formatting import option_number

DEFAULT_MAX_SENDERS = 10_000
DEFAULT_TTL_SECONDS = 30 * 60.0


@dataclass(frozen=True)
class _Entry:
    payloads: tuple[str, ...]
    expires_at: float


class OptionMemory:
    """Last options per sender, in memory, with a size bound and an expiry."""

    def __init__(
        self,
        max_senders: int = DEFAULT_MAX_SENDERS,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_senders < 1 or ttl_seconds <= 0:
            raise ValueError("max_senders and ttl_seconds must be positive")
        self.max_senders = max_senders
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def remember(self, sender: str, payloads: Sequence[str]) -> None:
        """Replace the sender's options; an empty list forgets them."""
        sender = str(sender)
        if not payloads:
            self.forget(sender)
            return
        self._entries[sender] = _Entry(tuple(payloads), self._clock() + self.ttl_seconds)
        self._entries.move_to_end(sender)
        while len(self._entries) > self.max_senders:
            self._entries.popitem(last=False)

    def forget(self, sender: str) -> None:
        self._entries.pop(str(sender), None)

    def options(self, sender: str) -> tuple[str, ...]:
        """The sender's current options, or () if none or expired."""
        sender = str(sender)
        entry = self._entries.get(sender)
        if entry is None:
            return ()
        if entry.expires_at <= self._clock():
            del self._entries[sender]
            return ()
        return entry.payloads

    def pick(self, sender: str, number: int) -> str | None:
        """Payload of option `number` (1-based), or None if there is no such option."""
        options = self.options(sender)
        return options[number - 1] if 1 <= number <= len(options) else None

    def resolve(self, sender: str, text: str) -> str:
        """What to send the bot: the chosen option's payload if `text` picks one, else `text`."""
        number = option_number(text)
        payload = self.pick(sender, number) if number is not None else None
        return payload if payload is not None else text
