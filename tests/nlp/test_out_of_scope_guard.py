"""The NLU guard (nlp/out_of_scope_guard.py): what the article cannot answer is out of scope."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.out_of_scope_guard import OutOfScopeGuard
from nlp.red_flag_guard import RedFlagGuard
from runtime.settings import ROOT


def classified(text: str, intent: str, confidence: float = 0.95) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": confidence}, {"name": "out_of_scope", "confidence": 0.03}],
    )
    return message


def guarded(message: Message) -> Message:
    return OutOfScopeGuard().process([message])[0]


def test_a_price_question_about_an_area_becomes_out_of_scope():
    message = guarded(classified("what would you charge for the thighs", "ask_areas"))
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranking] == ["out_of_scope", "ask_areas"]


def test_a_question_the_article_answers_is_left_alone():
    message = guarded(classified("can i use the sauna the day after", "ask_aftercare"))
    assert message.get(INTENT)["name"] == "ask_aftercare"


def test_an_emergency_still_wins_after_it():
    message = classified("my face hurts and I can't breathe since the injections", "ask_aftercare")
    message = RedFlagGuard().process(OutOfScopeGuard().process([message]))[0]
    assert message.get(INTENT)["name"] == "report_emergency"


def test_it_runs_after_the_fallback_and_before_the_red_flag_guard():
    config = yaml.safe_load(Path(ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    guard = names.index("nlp.out_of_scope_guard.OutOfScopeGuard")
    assert (
        names.index("FallbackClassifier") < guard < names.index("nlp.red_flag_guard.RedFlagGuard")
    )
    assert names[-1] == "nlp.red_flag_guard.RedFlagGuard"
