"""The assistant end to end: a real Rasa server and action server over HTTP."""

import pytest

from content.article import load_article
from content.replies import DISCLAIMER

pytestmark = pytest.mark.server
ARTICLE = load_article()


def test_what_is_mesotherapy_gets_the_definition_and_the_disclaimer(patient):
    text = patient.text("What is mesotherapy?")
    assert ARTICLE.passage("what_is.p1").text in text
    assert text.rstrip().endswith(DISCLAIMER)
    assert "not medical advice" in text


def test_coffee_before_session_gets_the_caffeine_bullet(patient):
    replies = patient.say("Can I drink coffee before my session?")
    text = replies[0]["text"]
    assert ARTICLE.passage("avoid_before.item2").text in text
    assert ARTICLE.passage("avoid_before.item1").text not in text
    assert text.endswith(DISCLAIMER)
    assert replies[0]["buttons"][0]["payload"] == '/show_section{"section": "avoid_before"}'


def test_whole_section_button_shows_the_whole_section(patient):
    patient.say("Can I drink coffee before my session?")
    text = patient.text('/show_section{"section": "avoid_before"}')
    assert ARTICLE.section("avoid_before").full_text() in text


def test_lips_swelling_and_cannot_breathe_gets_urgent_care_advice_only(patient):
    text = patient.text("My lips are swelling and I can't breathe")
    assert "emergency" in text.lower()
    assert not any(p.text in text for p in ARTICLE.passages.values())


def test_price_question_is_declined_honestly_with_suggestions_and_contact(patient):
    replies = patient.say("How much does it cost?")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "I can only answer questions about mesotherapy from the clinic's guide" in text
    assert "[PLACEHOLDER: clinic phone number]" in text
    assert any(r.get("buttons") for r in replies)
    assert not any(p.text in text for p in ARTICLE.passages.values())


def test_and_after_follows_a_question_about_before(patient):
    patient.say("What should I avoid before the treatment?")
    text = patient.text("and after?")
    assert ARTICLE.passage("aftercare.item1").text in text


def test_what_about_hands_follows_a_question_about_areas(patient):
    patient.say("What areas does it treat?")
    text = patient.text("what about hands?")
    assert ARTICLE.passage("areas.hands").text in text
    assert ARTICLE.passage("areas.face").text not in text


def test_greeting_introduces_the_clinic_assistant(patient):
    text = patient.text("hello")
    assert "Citidrips virtual assistant" in text


def test_bot_question_gets_an_honest_answer(patient):
    assert "automated assistant" in patient.text("am I talking to a real person?")


def test_booking_gets_the_clinic_contact_from_the_config_file(patient):
    text = patient.text("I want to book an appointment")
    assert "[PLACEHOLDER: online booking page URL]" in text


def test_personal_medication_question_is_referred_to_a_professional(patient):
    answer, offer = patient.say("I'm on blood thinners, can I still do it?")
    assert "Please ask a qualified healthcare professional" in answer["text"]
    assert answer["text"].endswith(DISCLAIMER)
    # Then the offer of a consultation callback (tests/test_callback.py).
    assert offer["buttons"][0]["payload"] == "/request_callback"


def test_gibberish_never_gets_an_article_section(patient):
    text = patient.text("asdkjh qwpoeiru zxmn")
    assert not any(p.text in text for p in ARTICLE.passages.values())
