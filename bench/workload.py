"""The message mix the benchmark sends: scripted patient conversations.

Written for load, not for accuracy (tests/nlu_holdout.yml measures accuracy), but in the
patients' own style: FAQ questions, follow-ups that need the previous answer, small talk,
questions the article does not cover, personal medical questions and a few described
emergencies. Each message is tagged with its kind so the summary can state the mix.

A conversation is replayed under a fresh sender id every time, so trackers stay the
length of a real chat instead of growing without end.
"""
from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterator, List, Tuple

FAQ, FOLLOW_UP, SMALL_TALK, OUT_OF_SCOPE, PERSONAL, CONTACT, RED_FLAG = (
    "faq", "follow-up", "small talk", "out of scope", "personal medical", "contact", "red flag",
)

# (kind, text) per turn. Follow-ups come right after the question they follow.
SCRIPTS: List[List[Tuple[str, str]]] = [
    [(SMALL_TALK, "hi"), (FAQ, "What is mesotherapy exactly?"), (FOLLOW_UP, "and how does it work?"),
     (SMALL_TALK, "thanks!"), (SMALL_TALK, "bye")],
    [(FAQ, "Can I have a coffee on the morning of my appointment?"), (FOLLOW_UP, "and after?"),
     (SMALL_TALK, "great, thank you")],
    [(SMALL_TALK, "hello there"), (FAQ, "which parts of the body can you treat"),
     (FOLLOW_UP, "what about my hands?"), (FOLLOW_UP, "and the neck?"), (SMALL_TALK, "cheers")],
    [(FAQ, "is it safe if I'm pregnant"), (FAQ, "what about breastfeeding?"), (CONTACT, "how do I book")],
    [(FAQ, "will I bruise after the injections?"), (FAQ, "how long until I can go back to work"),
     (SMALL_TALK, "ok thanks")],
    [(OUT_OF_SCOPE, "how much does a session cost?"), (OUT_OF_SCOPE, "do you take credit cards"),
     (CONTACT, "can I speak to someone at the clinic"), (SMALL_TALK, "bye")],
    [(FAQ, "does mesotherapy help with hair loss"), (FOLLOW_UP, "how does that work?"),
     (OUT_OF_SCOPE, "how many sessions will I need?"), (SMALL_TALK, "thank you")],
    [(PERSONAL, "I'm on blood thinners, is that a problem?"), (FAQ, "who shouldn't get mesotherapy?"),
     (SMALL_TALK, "ok")],
    [(FAQ, "what should I avoid before the treatment?"), (FOLLOW_UP, "what about alcohol?"),
     (FAQ, "and how do I prepare on the day?"), (SMALL_TALK, "perfect thanks")],
    [(SMALL_TALK, "hey"), (SMALL_TALK, "are you a real person?"), (FAQ, "what's in the injections")],
    [(FAQ, "when can I shower after mesotherapy"), (FOLLOW_UP, "and exercise?"),
     (FAQ, "can I wear make-up afterwards"), (SMALL_TALK, "thanks, bye")],
    [(RED_FLAG, "my face is really swollen since the injections and I'm struggling to breathe")],
    [(FAQ, "can it get rid of cellulite on my thighs"), (FOLLOW_UP, "and my belly?"),
     (OUT_OF_SCOPE, "is it better than liposuction?")],
    [(PERSONAL, "I take ibuprofen for my back, should I stop before?"), (FAQ, "what about aspirin before the session?"),
     (SMALL_TALK, "thanks a lot")],
    [(OUT_OF_SCOPE, "what's the weather like today"), (SMALL_TALK, "hi"), (FAQ, "what does mesotherapy treat?")],
    [(FAQ, "does it work on double chins"), (FAQ, "how long does the bruising last?"), (CONTACT, "what's your phone number")],
    [(FAQ, "how should I get ready for my first session?"), (FOLLOW_UP, "and what should I do after?"),
     (SMALL_TALK, "great")],
    [(RED_FLAG, "I have a high fever and the injection spots are hot, red and full of pus")],
    [(FAQ, "can I go in the sun after the treatment"), (FOLLOW_UP, "and the sauna?"), (SMALL_TALK, "thanks")],
    [(SMALL_TALK, "good morning"), (FAQ, "is mesotherapy for everyone?"), (PERSONAL, "I have diabetes, can I do it?"),
     (CONTACT, "I'd like to make an appointment")],
    [(OUT_OF_SCOPE, "do you do botox"), (OUT_OF_SCOPE, "write me a poem"), (SMALL_TALK, "bye then")],
    [(FAQ, "how does it reduce fat"), (FOLLOW_UP, "what about collagen?"), (SMALL_TALK, "thanks for the info")],
    [(FAQ, "do I have to stop fish oil before the treatment"), (FAQ, "can I drink wine the night before?"),
     (SMALL_TALK, "ok cheers")],
    [(RED_FLAG, "my lips and tongue are swelling up right now"), (CONTACT, "what's the clinic's number")],
]


@dataclass(frozen=True)
class Turn:
    sender: str
    kind: str
    text: str


def conversations(run_id: str, seed: int = 2024) -> Iterator[List[Turn]]:
    """An endless, reproducible stream of conversations, each under a new sender id."""
    rng = random.Random(seed)
    for number in itertools.count():
        script = SCRIPTS[rng.randrange(len(SCRIPTS))]
        sender = f"bench-{run_id}-{number}"
        yield [Turn(sender, kind, text) for kind, text in script]


def turns(run_id: str, count: int, seed: int = 2024) -> List[Turn]:
    """The first `count` turns of the stream, conversation after conversation."""
    flat = (turn for conversation in conversations(run_id, seed) for turn in conversation)
    return list(itertools.islice(flat, count))


def mix(sample: List[Turn]) -> Dict[str, float]:
    """Share of each kind of message in a sample, for the summary."""
    counts = Counter(turn.kind for turn in sample)
    return {kind: counts[kind] / len(sample) for kind, _ in counts.most_common()}
