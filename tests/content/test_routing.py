"""The answer table: intent + entities + context -> article passages."""

import pytest

from content import routing as answers
from content.article import ArticleError
from content.routing import (
    ARTICLE,
    INTENT_PASSAGES,
    INTENT_SECTIONS,
    TOPIC_PASSAGES,
    answer_for,
    validate_tables,
)
from content.vocabulary import VOCABULARY


def ids(answer):
    return [p.id for p in answer.passages]


def test_every_section_is_reachable_from_an_intent():
    reached = {answer_for(intent).section.id for intent in INTENT_SECTIONS}
    assert reached == set(ARTICLE.sections)


def test_every_bullet_and_paragraph_is_reachable_on_its_own_from_an_intent_or_entity():
    reached = set()
    for intent in INTENT_PASSAGES:
        reached.update(ids(answer_for(intent)))
    for label, values in VOCABULARY.items():
        for value in values:
            for intent in [*INTENT_SECTIONS, "ask_followup", "ask_personal_medical"]:
                answer = answer_for(intent, [(label, value)])
                if answer and not answer.is_whole_section:
                    reached.update(ids(answer))
    # Lead-in paragraphs ("...avoid the following:") are answered with their section.
    lead_ins = {s.lead_in.id for s in ARTICLE.sections.values() if s.lead_in}
    assert set(ARTICLE.passages) - lead_ins - reached == set()


def test_coffee_before_answers_the_caffeine_bullet_under_its_lead_in():
    answer = answer_for("ask_avoid_before", [("substance", "espresso")])
    assert ids(answer) == ["avoid_before.item2"]
    assert answer.text().startswith(
        "In preparing for your appointment, it is advised to avoid the following:"
    )
    assert "- Reduce caffeine intake in the 24 hours before your treatment." in answer.text()


def test_question_without_topic_answers_the_whole_section():
    answer = answer_for("ask_aftercare")
    assert answer.is_whole_section
    assert answer.text() == ARTICLE.section("aftercare").full_text()


def test_creams_are_answered_from_the_section_the_question_is_about():
    assert ids(answer_for("ask_preparation", [("substance", "lotions and creams")])) == [
        "preparation.item2"
    ]
    assert ids(answer_for("ask_aftercare", [("substance", "lotions and creams")])) == [
        "aftercare.item2"
    ]


def test_before_advice_never_answers_an_after_question():
    # Changed with issue 12: the answer used to be the whole aftercare section, which never
    # mentions caffeine; now the guide's caffeine advice is quoted, saying first that it is
    # given for before the treatment only, and the conversation stays on aftercare.
    answer = answer_for("ask_aftercare", [("substance", "caffeine")])
    assert answer.text().startswith(
        "Our guide gives advice about caffeine only for before the treatment, not for after it."
    )
    assert ids(answer) == ["avoid_before.item2"]
    assert answer.asked.id == answer.context_section == "aftercare"


def test_hair_loss_asked_as_an_area_borrows_the_what_is_paragraph():
    assert ids(answer_for("ask_areas", [("condition", "hair loss")])) == ["what_is.p3"]


def test_and_after_follows_up_before_with_aftercare():
    answer = answer_for("ask_followup", [("timing", "after")], context_section="avoid_before")
    assert answer.is_whole_section and answer.section.id == "aftercare"


def test_what_about_hands_follows_up_areas_with_the_hands_bullet():
    assert ids(answer_for("ask_followup", [("body_area", "hands")], context_section="areas")) == [
        "areas.hands"
    ]


def test_followup_topic_outside_the_current_section_is_found_in_the_article():
    assert ids(
        answer_for("ask_followup", [("body_area", "hands")], context_section="aftercare")
    ) == ["areas.hands"]


def test_followup_without_topic_or_context_has_no_answer():
    assert answer_for("ask_followup", [], context_section=None) is None


def test_show_section_answers_the_requested_or_current_section():
    assert answer_for("show_section", [("section", "preparation")]).is_whole_section
    assert answer_for("show_section", [], context_section="areas").section.id == "areas"
    assert answer_for("show_section", [("section", "prices")]) is None


def test_personal_medical_question_without_topic_gets_the_overall_health_bullet():
    assert ids(answer_for("ask_personal_medical", [])) == ["suitability.overall_health"]
    assert ids(answer_for("ask_personal_medical", [("substance", "insulin")])) == [
        "suitability.note1"
    ]


def test_a_table_naming_a_missing_passage_fails_loudly(monkeypatch):
    monkeypatch.setitem(TOPIC_PASSAGES, "caffeine", ["avoid_before.item9"])
    with pytest.raises(ArticleError, match="avoid_before.item9"):
        validate_tables(ARTICLE)


def test_a_table_naming_a_missing_section_fails_loudly(monkeypatch):
    monkeypatch.setitem(INTENT_SECTIONS, "ask_prices", "prices")
    with pytest.raises(ArticleError, match="prices"):
        validate_tables(ARTICLE)


def test_the_action_server_refuses_to_start_with_a_broken_table(monkeypatch):
    import importlib

    from content import article

    # An article that lost its bruising bullet: INTENT_PASSAGES still names it.
    text = article.ARTICLE_PATH.read_text(encoding="utf-8")
    bruising = next(line for line in text.splitlines() if "bruis" in line.lower())
    broken = article.parse_article(text.replace(bruising + "\n", ""))
    monkeypatch.setattr(article, "load_article", lambda: broken)
    with pytest.raises(ArticleError, match="unknown passage"):
        importlib.reload(answers)
    monkeypatch.undo()
    importlib.reload(answers)
