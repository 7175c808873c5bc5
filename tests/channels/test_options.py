"""channels/options.py: the numbered options remembered per sender."""

from __future__ import annotations

from channels.options import OptionMemory


def test_option_memory_resolves_expires_and_stays_bounded():
    now = [0.0]
    memory = OptionMemory(max_senders=2, ttl_seconds=60, clock=lambda: now[0])
    memory.remember("a", ["/one", "/two"])
    assert memory.resolve("a", " 2 ") == "/two"
    assert memory.resolve("a", "3") == "3"  # no option 3: the text goes to the bot as is
    assert memory.resolve("b", "1") == "1"  # nothing shown to b
    memory.remember("b", ["/x"])
    memory.remember("c", ["/y"])  # over the bound: "a", the least recently used, goes
    assert len(memory) == 2 and memory.resolve("a", "1") == "1"
    now[0] = 61.0
    assert memory.resolve("c", "1") == "1"  # expired
