"""The messages the benchmark sends: scripted patient conversations.

Written for load, not for accuracy (evaluation/nlu_dev.yml measures that), but in the
patients' own style: FAQ questions, follow-ups that need the previous answer, small talk,
questions the article does not cover, personal medical questions, booking and contact, and
a few described emergencies, so a turn costs what a real one does.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterator

from bench.settings import LONG_CYCLE

SCRIPTS: list[list[str]] = [
    ["hi", "What is mesotherapy exactly?", "and how does it work?", "thanks!", "bye"],
    ["Can I have a coffee on the morning of my appointment?", "and after?", "great, thank you"],
    ["hello there", "which parts of the body can you treat", "what about my hands?", "cheers"],
    ["is it safe if I'm pregnant", "what about breastfeeding?", "how do I book"],
    ["will I bruise after the injections?", "how long until I can go back to work", "ok thanks"],
    ["how much does a session cost?", "do you take credit cards", "can I speak to someone"],
    ["does mesotherapy help with hair loss", "how does that work?", "how many sessions?"],
    ["I'm on blood thinners, is that a problem?", "who shouldn't get mesotherapy?", "ok"],
    ["what should I avoid before the treatment?", "what about alcohol?", "perfect thanks"],
    ["hey", "are you a real person?", "what's in the injections"],
    ["when can I shower after mesotherapy", "and exercise?", "can I wear make-up afterwards"],
    ["my face is really swollen since the injections and I'm struggling to breathe"],
    ["can it get rid of cellulite on my thighs", "and my belly?", "is it better than lipo?"],
    ["I take ibuprofen for my back, should I stop before?", "what about aspirin?", "thanks"],
    ["what's the weather like today", "hi", "what does mesotherapy treat?"],
    ["does it work on double chins", "how long does the bruising last?", "your phone number?"],
    ["how should I get ready for my first session?", "and what should I do after?", "great"],
    ["I have a high fever and the injection spots are hot, red and full of pus"],
    ["can I go in the sun after the treatment", "and the sauna?", "thanks"],
    ["good morning", "is mesotherapy for everyone?", "I have diabetes, can I do it?"],
    ["do you do botox", "write me a poem", "bye then"],
    ["how does it reduce fat", "what about collagen?", "thanks for the info"],
    ["do I have to stop fish oil before the treatment", "can I drink wine the night before?"],
    ["my lips and tongue are swelling up right now", "what's the clinic's number"],
]


def conversations(
    run_id: str, seed: int = 2024, scripts: list[list[str]] | None = None
) -> Iterator[list[dict[str, str]]]:
    """An endless, reproducible stream of REST payloads, conversation by conversation. Each
    conversation gets a new sender id, a UUID like the widget's, so trackers stay the length
    of a real chat."""
    rng = random.Random(seed)
    for number in itertools.count():
        sender = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{run_id}/{number}"))
        yield [{"sender": sender, "message": text} for text in rng.choice(scripts or SCRIPTS)]


def messages(run_id: str, count: int, seed: int = 2024) -> list[dict[str, str]]:
    """The first `count` messages of the stream, for runs of one message at a time."""
    flat = itertools.chain.from_iterable(conversations(run_id, seed))
    return list(itertools.islice(flat, count))


# The stock `rasa init` bot (bench/stock.py) knows greetings, moods, yes/no and "are you a
# bot?": its conversations are in its own words, so it answers as it was trained to.
STOCK_SCRIPTS: list[list[str]] = [
    ["hi", "I am feeling very sad", "yes", "bye"],
    ["hello there", "great, thanks", "are you a bot?"],
    ["hey", "I'm unhappy", "no", "goodbye"],
    ["good morning", "perfect", "am I talking to a human?", "see you later"],
    ["hi", "so sad", "yes it did", "bye"],
]


def long_conversation(
    run_id: str,
    turns: int,
    scripts: list[list[str]] = SCRIPTS,
    seed: int = 2024,
    cycle: int = LONG_CYCLE,
) -> list[dict[str, str]]:
    """One patient who keeps asking: `turns` messages under one sender id. The messages are
    `cycle` messages of the scripted conversations, in a reproducible order, over and over:
    turns 1-10, 41-50, 91-100... are then the same messages, so what differs between them
    is only how long the conversation already is."""
    sender = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{run_id}/long"))
    rng = random.Random(seed)
    texts = itertools.chain.from_iterable(rng.choice(scripts) for _ in itertools.count())
    messages = list(itertools.islice(texts, cycle))
    return [{"sender": sender, "message": messages[n % cycle]} for n in range(turns)]
