"""In-memory rate limiting for the webhooks.

Per process: with several Rasa workers or replicas each keeps its own counts, so the
reverse proxy's limit (nginx limit_req) is the one that holds across replicas.
"""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Callable, Deque


@dataclass
class RateLimiter:
    max_events: int
    per_seconds: float
    max_keys: int = 50_000
    clock: Callable[[], float] = time.monotonic
    _events: "OrderedDict[str, Deque[float]]" = field(default_factory=OrderedDict)

    @classmethod
    def parse(cls, spec: str) -> "RateLimiter":
        """'30/60' is 30 messages per 60 seconds; '0/60' switches the limit off."""
        try:
            count, seconds = (float(part) for part in spec.split("/"))
        except ValueError:
            raise ValueError(f"rate limit {spec!r} must look like '30/60' (messages/seconds)") from None
        return cls(int(count), seconds)

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
