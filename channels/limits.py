"""In-memory rate limiting for the webhooks.

Per process: with several Rasa workers or replicas each keeps its own counts, so the
reverse proxy's limit (nginx limit_req) is the one that holds across replicas.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    max_events: int
    per_seconds: float
    max_keys: int = 50_000
    clock: Callable[[], float] = time.monotonic
    _events: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    @classmethod
    def parse(cls, spec: str) -> RateLimiter:
        """'30/60' is 30 messages per 60 seconds; '0/60' switches the limit off."""
        try:
            count_text, seconds_text = spec.split("/")
            count, seconds = int(count_text), float(seconds_text)
        except ValueError:
            raise ValueError(
                f"rate limit {spec!r} must look like '30/60' (messages/seconds)"
            ) from None
        # A window of 0 s (or a negative count) would silently allow everything.
        if count < 0 or not seconds > 0:
            raise ValueError(
                f"rate limit {spec!r}: the count must be >= 0 (0 switches the limit off) "
                "and the window more than 0 seconds"
            )
        return cls(count, seconds)

    def allow(self, key: str) -> bool:
        if self.max_events <= 0:
            return True
        now = self.clock()
        events = self._events.pop(key, None) or deque()
        while events and now - events[0] >= self.per_seconds:
            events.popleft()
        allowed = len(events) < self.max_events
        if allowed:
            events.append(now)
        self._events[key] = events
        # Forget the least recently seen clients so memory stays bounded.
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)
        return allowed
