"""The NLU guard (nlp/red_flag_guard.py): the matcher decides what is an emergency."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.red_flag_guard import RedFlagGuard


def classified(text: str, intent: str, confidence: float = 0.9) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": confidence}, {"name": "ask_areas", "confidence": 0.05}],
    )
    return message


def guarded(message: Message) -> Message:
    return RedFlagGuard().process([message])[0]


def test_a_described_emergency_overrides_any_intent():
    message = guarded(classified("my throat is closing and I can't breathe", "ask_aftercare"))
    assert message.get(INTENT) == {"name": "report_emergency", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "report_emergency"


def test_self_harm_becomes_the_crisis_intent():
    message = guarded(classified("i want to kill myself", "out_of_scope"))
    assert message.get(INTENT)["name"] == "report_self_harm"


def test_the_classifier_alone_cannot_raise_the_alarm_it_asks_instead():
    # DIET fires on calm questions that share an emergency's words.
    message = guarded(classified("could I faint from the needles?", "report_emergency"))
    assert message.get(INTENT)["name"] == "nlu_fallback"
    # The ranking keeps report_emergency, so "did you mean?" offers urgent help first.
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "report_emergency"


def test_ordinary_questions_are_left_alone():
    message = guarded(classified("what should I avoid before?", "ask_avoid_before"))
    assert message.get(INTENT)["name"] == "ask_avoid_before"


def test_an_unsure_detector_asks_with_urgent_help_first(monkeypatch):
    from nlp import red_flag_guard
    from nlp.red_flag_detector import Verdict

    monkeypatch.setattr(red_flag_guard, "judge", lambda text: Verdict("emergency", False, "x"))
    message = guarded(classified("the spot looks a funny colour", "ask_bruising"))
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "report_emergency"


def test_a_clear_classifier_hit_becomes_the_crisis_intent():
    # No pattern of the matcher covers it; the classifier does (nlp/red_flag_model.py).
    text = "everyone would be fine if i just stopped being a problem for good"
    message = guarded(classified(text, "out_of_scope", 0.4))
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "report_self_harm"


def test_an_unsure_crisis_asks_with_crisis_support_first(monkeypatch):
    from nlp import red_flag_guard
    from nlp.red_flag_detector import Verdict

    monkeypatch.setattr(red_flag_guard, "judge", lambda text: Verdict("crisis", False, "x"))
    message = guarded(classified("i just want to feel normal again", "ask_hair_loss"))
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "report_self_harm"
