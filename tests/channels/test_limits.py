"""Rate limits (channels/limits.py): a bad spec stops the server instead of allowing all."""

from __future__ import annotations

import pytest

from channels.limits import RateLimiter


@pytest.mark.parametrize("spec", ["30/0", "30/-5", "-1/60", "30", "thirty/60", "30/60/2", ""])
def test_a_rate_limit_that_would_mean_nothing_is_refused(spec):
    with pytest.raises(ValueError, match="rate limit"):
        RateLimiter.parse(spec)


def test_a_limit_allows_its_count_per_window_then_refuses():
    now = [0.0]
    limiter = RateLimiter.parse("2/60")
    limiter.clock = lambda: now[0]
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")
    now[0] = 61
    assert limiter.allow("a")


def test_zero_switches_the_limit_off():
    limiter = RateLimiter.parse("0/60")
    assert all(limiter.allow("a") for _ in range(1000))
