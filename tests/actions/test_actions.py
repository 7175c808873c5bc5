"""Actions called the way the action server calls them, with a collecting dispatcher."""

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAnswerFromArticle,
    ActionAnswerPersonalMedical,
    ActionCancelCallback,
    ActionClarifyQuestion,
    ActionExplainOutOfScope,
    ActionGiveUrgentCareAdvice,
    ActionShareClinicContact,
)
from content import replies
from content.article import load_article
from content.clinic import load_clinic
from content.replies import DISCLAIMER

ARTICLE = load_article()


def tracker(intent, entities=(), slots=None, ranking=None, text="...", confidence=0.9):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "entities": [{"entity": label, "value": value} for label, value in entities],
    }
    return Tracker("patient", slots or {}, message, [], False, None, {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_what_is_question_answers_the_definition_with_disclaimer():
    messages, events = run(ActionAnswerFromArticle(), tracker("ask_what_is"))
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text.startswith(ARTICLE.passage("what_is.p1").text)
    assert text.endswith(DISCLAIMER) and "not medical advice" in text
    assert events == [SlotSet("current_section", "what_is")]


def test_coffee_question_answers_caffeine_bullet_with_disclaimer_and_whole_section_button():
    messages, _ = run(
        ActionAnswerFromArticle(), tracker("ask_avoid_before", [("substance", "caffeine")])
    )
    text = messages[0]["text"]
    assert "Reduce caffeine intake in the 24 hours before your treatment." in text
    assert "Gingko" not in text
    assert text.endswith(DISCLAIMER)
    assert messages[0]["buttons"] == [
        {
            "title": "Show the whole section: What to avoid before",
            "payload": '/show_section{"section": "avoid_before"}',
        }
    ]


def test_and_after_uses_the_section_of_the_previous_answer():
    messages, events = run(
        ActionAnswerFromArticle(),
        tracker("ask_followup", [("timing", "after")], slots={"current_section": "avoid_before"}),
    )
    assert ARTICLE.passage("aftercare.item1").text in messages[0]["text"]
    assert events == [SlotSet("current_section", "aftercare")]


def test_followup_without_any_context_is_declined_not_guessed():
    messages, events = run(ActionAnswerFromArticle(), tracker("ask_followup"))
    assert "I can only answer questions about mesotherapy" in messages[0]["text"]
    assert events == []


def test_personal_medical_question_refers_to_a_professional_and_quotes_the_article():
    messages, _ = run(
        ActionAnswerPersonalMedical(),
        tracker("ask_personal_medical", [("substance", "blood thinners")]),
    )
    text = messages[0]["text"]
    assert "Please ask a qualified healthcare professional" in text
    assert ARTICLE.passage("suitability.overall_health").text in text
    assert text.endswith(DISCLAIMER)
    assert not any(word in text.lower().split() for word in ("yes", "yes,", "no", "no,"))


def test_urgent_care_advice_names_emergency_services_and_no_article_text():
    messages, _ = run(ActionGiveUrgentCareAdvice(), tracker("report_emergency"))
    text = messages[0]["text"]
    assert f"call {load_clinic().emergency_number} now" in text
    assert "local emergency number" in text and "emergency department" in text
    assert not any(p.text in text for p in ARTICLE.passages.values())
    assert "Book online" not in text


def test_out_of_scope_is_honest_suggests_questions_and_gives_the_clinic_contact():
    messages, _ = run(ActionExplainOutOfScope(), tracker("out_of_scope"))
    text = messages[0]["text"]
    assert "I can only answer questions about mesotherapy from the clinic's guide" in text
    assert load_clinic().phone in text
    assert 2 <= len(messages[0]["buttons"]) <= 3
    assert not any(p.text in text for p in ARTICLE.passages.values())


def test_contact_reply_uses_the_clinic_file_and_keeps_placeholders_marked():
    messages, _ = run(ActionShareClinicContact(), tracker("ask_contact"))
    clinic = load_clinic()
    assert clinic.name == "Citidrips"
    for value in (clinic.phone, clinic.address, clinic.booking_url):
        assert value in messages[0]["text"]


def test_unclear_message_offers_top_candidates_and_keeps_its_entities():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_aftercare", "confidence": 0.40},
        {"name": "greet", "confidence": 0.3},
        {"name": "ask_avoid_before", "confidence": 0.2},
        {"name": "ask_preparation", "confidence": 0.05},
    ]
    messages, _ = run(
        ActionClarifyQuestion(),
        tracker("nlu_fallback", [("substance", "coffee")], ranking=ranking),
    )
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert messages[0]["text"].startswith("Sorry, I'm not sure I understood. Did you mean")
    assert payloads == [
        '/ask_aftercare{"substance": "caffeine"}',
        '/ask_avoid_before{"substance": "caffeine"}',
        "/out_of_scope",
    ]


def test_unclear_message_with_no_plausible_candidate_is_declined():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "out_of_scope", "confidence": 0.4},
    ]
    messages, _ = run(ActionClarifyQuestion(), tracker("nlu_fallback", ranking=ranking))
    assert "I can only answer questions about mesotherapy" in messages[0]["text"]


def test_a_possible_emergency_is_offered_first_as_urgent_help():
    ranking = [
        {"name": "report_emergency", "confidence": 0.8},
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "ask_bruising", "confidence": 0.15},
    ]
    messages, _ = run(
        ActionClarifyQuestion(),
        tracker("nlu_fallback", [("substance", "coffee")], ranking=ranking),
    )
    assert messages[0]["text"].startswith("I want to be sure you are safe.")
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    # The urgent payload carries no entities: the channels answer it themselves.
    assert payloads[0] == "/report_emergency"
    assert '/ask_bruising{"substance": "caffeine"}' in payloads


def section_button(section_id):
    title = ARTICLE.section(section_id).title
    payload = f'/show_section{{"section": "{section_id}"}}'
    return {"title": f"Show the whole section: {title}", "payload": payload}


def test_two_questions_get_one_reply_with_both_answers_and_one_disclaimer():
    entities = [
        ("substance", "caffeine"),
        ("timing", "before"),
        ("activity", "showers"),
        ("timing", "after"),
    ]
    text = "can I have coffee before, and when can I shower after?"
    messages, events = run(
        ActionAnswerFromArticle(), tracker("ask_aftercare", entities, text=text)
    )
    assert len(messages) == 1
    reply = messages[0]["text"]
    assert ARTICLE.passage("avoid_before.item2").text in reply
    assert ARTICLE.passage("aftercare.item1").text in reply
    assert reply.count(DISCLAIMER) == 1 and reply.endswith(DISCLAIMER)
    assert messages[0]["buttons"] == [section_button("avoid_before"), section_button("aftercare")]
    assert events == [SlotSet("current_section", "aftercare")]


def test_coffee_after_aftercare_says_the_guide_gives_that_advice_for_before_only():
    messages, events = run(
        ActionAnswerFromArticle(),
        tracker(
            "ask_followup",
            [("substance", "caffeine")],
            slots={"current_section": "aftercare"},
            text="and coffee?",
        ),
    )
    reply = messages[0]["text"]
    assert reply.startswith(
        "Our guide gives advice about caffeine only for before the treatment, not for after it."
    )
    assert ARTICLE.section("avoid_before").lead_in.text in reply
    # Both the quoted section and the one asked about can be read in full.
    assert messages[0]["buttons"] == [section_button("avoid_before"), section_button("aftercare")]
    assert events == [SlotSet("current_section", "aftercare")]


def test_the_patients_words_make_a_general_question_get_the_whole_section():
    messages, _ = run(
        ActionAnswerFromArticle(),
        tracker("ask_areas", [("body_area", "body")], text="What areas of the body can it treat?"),
    )
    assert messages[0]["text"] == f"{ARTICLE.section('areas').full_text()}\n\n{DISCLAIMER}"
    assert messages[0]["buttons"] == []


def test_back_to_work_is_answered_by_the_sentence_that_stands_alone():
    messages, _ = run(
        ActionAnswerFromArticle(),
        tracker("ask_return_to_work", [("activity", "return to work")], text="back at work tmrw?"),
    )
    assert messages[0]["text"] == f"After Mesotherapy, you can return to work.\n\n{DISCLAIMER}"
    assert messages[0]["buttons"] == [section_button("aftercare")]


def test_a_button_payload_is_answered_by_its_entities_not_read_as_words():
    payload = '/ask_aftercare{"substance": "caffeine"}'
    messages, events = run(
        ActionAnswerFromArticle(),
        tracker("ask_aftercare", [("substance", "caffeine")], text=payload, confidence=1.0),
    )
    assert messages[0]["text"].startswith("Our guide gives advice about caffeine only for before")
    assert events == [SlotSet("current_section", "aftercare")]


def test_an_unsure_classifier_lets_the_words_choose_the_section():
    messages, events = run(
        ActionAnswerFromArticle(),
        tracker("ask_what_is", text="whats the science behind it", confidence=0.45),
    )
    assert ARTICLE.section("how_it_works").full_text() in messages[0]["text"]
    assert events == [SlotSet("current_section", "how_it_works")]


def test_personal_medical_question_reads_the_words_too():
    messages, _ = run(
        ActionAnswerPersonalMedical(),
        tracker("ask_personal_medical", text="I had a bad reaction to an injection once, can I?"),
    )
    text = messages[0]["text"]
    assert "Please ask a qualified healthcare professional" in text
    assert ARTICLE.passage("suitability.allergies_and_sensitivities").text in text


def test_a_possible_crisis_is_offered_first_as_crisis_support():
    # The red-flag guard ranks report_self_harm first when it suspects self-harm.
    ranking = [
        {"name": "report_self_harm", "confidence": 1.0},
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "ask_hair_loss", "confidence": 0.2},
    ]
    messages, _ = run(ActionClarifyQuestion(), tracker("nlu_fallback", ranking=ranking))
    assert messages[0]["text"].startswith("I want to be sure you are safe.")
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == "/report_self_harm"
    assert "/ask_hair_loss" in payloads[1]


def test_cancel_with_nothing_under_way_says_so_only_for_the_words_of_cancelling():
    messages, _ = run(ActionCancelCallback(), tracker("cancel", text="never mind"))
    assert messages[0]["text"] == replies.NOTHING_TO_CANCEL
    # A word the classifier has never seen may read as "cancel": it is out of scope.
    messages, _ = run(ActionCancelCallback(), tracker("cancel", text="Zed Quill"))
    assert messages[0]["text"] == replies.out_of_scope(load_clinic())
    assert messages[0]["buttons"]
