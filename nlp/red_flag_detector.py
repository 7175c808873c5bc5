"""What the assistant does with a message that may describe an emergency: the one place
where the concept matcher (nlp/red_flags.py) and the classifier (nlp/red_flag_model.py)
are combined. The channels (channels/safety.py) and the NLU guard
(nlp/red_flag_guard.py) both ask here, so every path agrees.

- The matcher's hits are answered at once, as before: they are precise.
- The classifier's clear hits (`CLEAR`) are answered at once too, unless the message
  reads as history, a hypothetical, a denial or an idiom (`calm_context`): then, like its
  unsure hits (`UNSURE` up to `CLEAR`), they get the one-tap question "Is this happening
  to you now?" with the urgent-help (or crisis-support) button first, instead of a guess
  either way. On one or two words it keeps quiet.
- Self-harm gets the crisis reply whenever either detector says so: the crisis reply also
  names the emergency number, and a person in crisis must not get a medical checklist.

The thresholds were chosen on the dev sets (evaluation/README.md); the gates in
tests/evaluation/test_red_flags.py hold the combination to its recall and false-alarm
floors on dev sets the classifier never learnt from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.red_flag_model import CRISIS, EMERGENCY, RedFlagModel, RedFlagScore, red_flag_model
from nlp.red_flags import assess, calm_context

# Probability (emergency + crisis) from which the classifier alone raises the alarm...
CLEAR = 0.7
# ...and from which it asks the patient instead.
UNSURE = 0.35
# Fewer words than this and the classifier keeps quiet: one or two words ("and?", a
# stray code fragment) are too little evidence for it, and the matcher knows the short
# cries for help ("cant breathe", "help me").
MIN_WORDS = 3
# A matched emergency is answered as a crisis when the classifier is this sure of
# self-harm ("my antidepressants and a bottle of vodka in front of me").
CRISIS_OVER_EMERGENCY = 0.5


@dataclass(frozen=True)
class Verdict:
    kind: str | None  # EMERGENCY, CRISIS or None
    at_once: bool  # True: the urgent or crisis reply now; False: ask first (kind set)
    source: str  # "matcher", "classifier" or "" (for tests and counts, never with text)

    @property
    def urgent_now(self) -> str | None:
        """The kind of reply due at once, or None."""
        return self.kind if self.at_once else None

    @property
    def ask(self) -> bool:
        """Whether to ask "Is this happening to you now?" before anything else."""
        return self.kind is not None and not self.at_once


CALM = Verdict(None, False, "")
_WORDS = re.compile(r"[^\W\d_]+")


def judge(text: str) -> Verdict:
    return _judged(text, red_flag_model())


# The channel judges a message before Rasa sees it, and the NLU guard judges it again in
# the same turn: the second asks here (about 2 ms of CPU saved per turn). Keyed on the
# model too, so a new model never reuses an old verdict. Held in memory only, a few turns'
# worth; never logged.
@lru_cache(maxsize=64)
def _judged(text: str, model: RedFlagModel) -> Verdict:
    flag = assess(text)
    score: RedFlagScore = model.score(text)
    if flag is not None:
        kind = flag.kind
        if kind == EMERGENCY and score.crisis >= CRISIS_OVER_EMERGENCY:
            kind = CRISIS
        return Verdict(kind, True, "matcher")
    if score.flagged < UNSURE or len(_WORDS.findall(text)) < MIN_WORDS:
        return CALM
    kind = score.kind
    at_once = score.flagged >= CLEAR and not calm_context(text, kind)
    return Verdict(kind, at_once, "classifier")


def urgent_kind(text: str) -> str | None:
    """The reply due at once (EMERGENCY, CRISIS) or None: what the gates and the benchmark
    score (an unsure verdict, which asks first, counts as None)."""
    return judge(text).urgent_now


def matcher_kind(text: str) -> str | None:
    """The same for the matcher alone (the figures before the classifier)."""
    flag = assess(text)
    return flag.kind if flag else None


def warm_up() -> None:
    """Fits the classifier now (servers call this at start-up, not on a patient's turn)."""
    red_flag_model()
