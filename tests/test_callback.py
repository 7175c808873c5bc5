"""The callback request end to end: a real Rasa server and action server over HTTP (as
the widget talks to them), the request in the conversations' database, and its e-mail at
a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from content import replies
from content.clinic import CallbackMail, load_clinic
from runtime import outbox
from runtime.mailer import Deliverer, SmtpSender
from runtime.settings import SmtpCredentials

pytestmark = pytest.mark.server
CLINIC = load_clinic()


def engine_of(stack) -> sa.engine.Engine:
    return sa.create_engine(f"sqlite:///{stack.tracker_db}")


def requests_of(stack, conversation_id: str) -> list[dict]:
    with engine_of(stack).connect() as connection:
        query = sa.select(outbox.outbox).where(outbox.outbox.c.sender_id == conversation_id)
        return [dict(row) for row in connection.execute(query).mappings()]


def fill_in(patient, consent: str = "yes") -> str:
    assert "What name should the clinic ask for?" in patient.text("I want to request a callback")
    assert "phone number or e-mail address" in patient.text("Ana Lima")
    assert "When would suit you best" in patient.text("+44 20 7946 0958")
    consent_question = patient.say("weekday mornings")
    assert "May the clinic contact you at +44 20 7946 0958" in consent_question[0]["text"]
    assert [b["payload"] for b in consent_question[0]["buttons"]] == ["yes", "no"]
    return patient.text(consent, payload=True)


def test_a_callback_request_is_stored_once_and_e_mailed_to_the_clinic(stack, patient, smtp_server):
    confirmation = fill_in(patient)
    assert f"your request has been passed to {CLINIC.name}" in confirmation
    assert "They will contact you" in confirmation
    [row] = requests_of(stack, patient.conversation_id)
    assert (row["name"], row["contact"], row["preferred_time"], row["state"]) == (
        "Ana Lima",
        "+44 20 7946 0958",
        "weekday mornings",
        outbox.PENDING,
    )
    mail = CallbackMail(
        "127.0.0.1", smtp_server.port, False, "bot@clinic.example", "desk@clinic.example"
    )
    deliverer = Deliverer(engine_of(stack), mail, CLINIC, SmtpSender(mail, SmtpCredentials()))
    deliverer.deliver_due()
    delivered = [
        m
        for m in smtp_server.mailbox.messages
        if m["Message-ID"] == f"<callback-{row['request_key']}@clinic.example>"
    ]
    assert len(delivered) == 1
    body = delivered[0].get_content()
    for line in ("Name: Ana Lima", "Phone: +44 20 7946 0958", "Preferred time: weekday mornings"):
        assert line in body
    assert requests_of(stack, patient.conversation_id)[0]["state"] == outbox.DELIVERED
    # The form's answers do not stay in the conversation's state: a new request asks again.
    assert "What name should the clinic ask for?" in patient.text("I want to request a callback")


def test_without_consent_nothing_is_stored(stack, patient):
    reply = fill_in(patient, consent="no")
    assert reply == replies.CALLBACK_NO_CONSENT
    assert requests_of(stack, patient.conversation_id) == []


def test_an_unclear_consent_is_asked_again_never_assumed(stack, patient):
    assert "yes or no" in fill_in(patient, consent="maybe later")
    assert requests_of(stack, patient.conversation_id) == []
    assert "passed to" in patient.text("yes")


@pytest.mark.parametrize("word", ["cancel", "stop", "never mind"])
def test_the_patient_can_cancel_at_any_step(stack, patient, word):
    patient.say("I want to request a callback")
    patient.say("Ana Lima")
    assert patient.text(word) == replies.CALLBACK_CANCELLED
    assert requests_of(stack, patient.conversation_id) == []
    # The form is over: the next message is a question again, not a phone number.
    assert "mesotherapy" in patient.text("What is mesotherapy?").lower()


@pytest.mark.parametrize("name", ["Zed Quill", "Stopford", "Nevin Mindel"])
def test_a_name_is_a_name_even_when_it_sounds_like_stopping(patient, name):
    patient.say("I want to request a callback")
    assert "phone number or e-mail address" in patient.text(name)


def test_no_to_the_consent_question_keeps_nothing_even_after_a_first_unclear_answer(
    stack, patient
):
    fill_in(patient, consent="perhaps")
    assert patient.text("no") == replies.CALLBACK_NO_CONSENT
    assert requests_of(stack, patient.conversation_id) == []


def test_an_invalid_contact_is_explained_and_asked_again(patient):
    patient.say("I want to request a callback")
    patient.say("Ana Lima")
    text = patient.text("call me maybe")
    assert "doesn't look like a phone number or an e-mail address" in text
    assert "What phone number or e-mail address" in text
    assert "When would suit you best" in patient.text("ana@example.com")


def test_header_injection_in_the_name_is_refused_by_the_form(stack, patient):
    patient.say("I want to request a callback")
    # The REST channel turns control characters into spaces; a name that still looks like
    # a header line is not a name.
    text = patient.text("Eve\r\nBcc: everyone@example.com")
    assert "What name should the clinic ask for?" in text
    assert "phone number or e-mail" not in text


@pytest.mark.parametrize(
    "message, reply",
    [
        ("My lips are swelling and I can't breathe", replies.urgent_care_advice(CLINIC)),
        ("I want to kill myself", replies.crisis_support(CLINIC)),
    ],
)
def test_a_red_flag_mid_form_gets_its_reply_at_once_and_ends_the_form(
    stack, patient, message, reply
):
    patient.say("I want to request a callback")
    patient.say("Ana Lima")
    answer = patient.say(message)
    assert answer[0]["text"] == reply
    # The form did not take the message as a phone number, and is over.
    assert "When would suit you best" not in patient.text("+44 20 7946 0958")
    assert requests_of(stack, patient.conversation_id) == []


def test_the_contact_reply_gives_the_booking_link_and_offers_a_callback(patient):
    [reply] = patient.say("how do I book an appointment?")
    assert CLINIC.booking_url in reply["text"]
    assert replies.CALLBACK_OFFER in reply["text"]
    assert reply["buttons"] == [replies.callback_offer_button()]
    assert "What name should the clinic ask for?" in patient.text(
        reply["buttons"][0]["payload"], payload=True
    )


def test_a_personal_medical_answer_ends_with_a_consultation_callback_offer(patient):
    answer = patient.say("I'm on blood thinners, can I still do it?")
    assert replies.DISCLAIMER in answer[0]["text"]
    assert answer[-1]["text"] == replies.CONSULTATION_OFFER
    assert answer[-1]["buttons"] == [replies.callback_offer_button(replies.CONSULTATION_BUTTON)]
    assert "What name should the clinic ask for?" in patient.text(
        "/request_callback", payload=True
    )


def test_deleting_the_conversation_deletes_its_callback_request(stack, patient):
    fill_in(patient)
    assert len(requests_of(stack, patient.conversation_id)) == 1
    forget = stack.rest_url.rsplit("/", 1)[0] + "/forget"
    response = requests.post(forget, json={"sender": patient.sender}, timeout=30)
    assert response.status_code == 200
    assert requests_of(stack, patient.conversation_id) == []
