"""Wording of the replies the actions compose around article text.

Simple fixed replies (greeting, goodbye...) live in domain.yml; the ones here need the
article, the clinic's details or the patient's question to be put together.
"""

from __future__ import annotations

from datetime import datetime

from content.callback import when_the_clinic_calls
from content.clinic import Clinic

DISCLAIMER = (
    "This is general information from our mesotherapy guide, not medical advice. "
    "Please consult a qualified healthcare professional about your own situation."
)

PERSONAL_MEDICAL_INTRO = (
    "I can't decide what is right for you personally, and please don't stop or change any "
    "medication without asking your doctor. Please ask a qualified healthcare professional "
    "about your situation. Here is what our guide says:"
)

OUT_OF_SCOPE_INTRO = (
    "Sorry, I can only answer questions about mesotherapy from the clinic's guide, "
    "and I can't find that in it."
)

SUGGESTIONS_INTRO = "You could ask me, for example:"

# Said before advice the guide gives for another moment than the one asked about, so a
# "before" instruction never reads as if it applied after the treatment (or the reverse).
# It ends with a full stop, not a colon: only a lead-in announces bullets.
TIMING_NOTE = (
    "Our guide gives advice about {topic} only for {when} the treatment, not for {other} it."
)

CLARIFY_INTRO = "Sorry, I'm not sure I understood. Did you mean:"
# When the unclear message may describe an emergency: the urgent button comes first.
CLARIFY_URGENT_INTRO = (
    "I want to be sure you are safe. Is this happening to you (or someone with you) now? "
    "If so, tap the first button. Otherwise, did you mean:"
)
SOMETHING_ELSE = "Something else"
SHOW_WHOLE_SECTION = "Show the whole section: {title}"

# Intents offered as "Did you mean ...?" buttons, with the question shown on the button.
INTENT_QUESTIONS: dict[str, str] = {
    "ask_what_is": "What is mesotherapy?",
    "ask_areas": "What areas does it treat?",
    "ask_how_it_works": "How does it work?",
    "ask_suitability": "Is it for everyone?",
    "ask_avoid_before": "What should I avoid before?",
    "ask_preparation": "How do I prepare?",
    "ask_aftercare": "What should I do after?",
    "ask_pregnancy": "Can I have it while pregnant or breastfeeding?",
    "ask_bruising": "Will I bruise?",
    "ask_hair_loss": "Does it help hair loss?",
    "ask_return_to_work": "Can I go back to work after?",
    "ask_contact": "How do I contact the clinic?",
    "request_callback": "Ask the clinic to call me back",
    "report_emergency": "It's happening now: I need urgent help",
    "report_self_harm": "I'm thinking of harming myself: I need support now",
}


def with_disclaimer(text: str) -> str:
    return f"{text}\n\n{DISCLAIMER}"


def clinic_contact(clinic: Clinic, now: datetime | None = None) -> str:
    """How to reach the clinic, and whether it is open at `now` (when its hours are known)."""
    text = f"You can contact {clinic.name} directly:\n{clinic.contact_lines}"
    if clinic.hours is not None and now is not None:
        text += f"\n\n{clinic.hours.status(now)}"
    return f"{text}\n\n{CALLBACK_OFFER}"


# The offer of a callback request: a button that starts the form (data/callback_rules.yml).
CALLBACK_PAYLOAD = "/request_callback"
CALLBACK_OFFER = "Would you like the clinic to call you back? I can take your request."
CALLBACK_BUTTON = "Ask the clinic to call me back"
CONSULTATION_OFFER = (
    "Whether mesotherapy suits you is best answered in a conversation with a clinician: "
    "I can ask the clinic to call you for a consultation."
)
CONSULTATION_BUTTON = "Request a consultation callback"


def callback_offer_button(title: str = CALLBACK_BUTTON) -> dict[str, str]:
    return {"title": title, "payload": CALLBACK_PAYLOAD}


def ask_callback_name(clinic: Clinic) -> str:
    return (
        f"I can ask {clinic.name} to call you back. (You can also book online: "
        f"{clinic.booking_url})\n\nWhat name should the clinic ask for? "
        'You can say "cancel" at any time to stop.'
    )


ASK_CALLBACK_CONTACT = (
    "Thank you. What phone number or e-mail address should the clinic use? For a phone "
    "number, please include the country code if you are abroad (e.g. +44 20 7946 0958)."
)
ASK_CALLBACK_TIME = "When would suit you best for the call? For example: weekday mornings."


def ask_callback_consent(contact: str) -> str:
    # Consent in plain words, naming exactly what will be used and what for.
    return f"May the clinic contact you at {contact} about this request? Please answer yes or no."


YES_NO_BUTTONS = [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}]


def callback_confirmation(clinic: Clinic, now: datetime) -> str:
    return (
        f"Thank you, your request has been passed to {clinic.name}. They will contact you "
        f"{when_the_clinic_calls(clinic.hours, now)}.\n\n"
        f"If anything gets worse or you need help urgently, call {clinic.emergency_number} "
        "(or your local emergency number)."
    )


CALLBACK_NO_CONSENT = (
    "No problem: I haven't kept your details, and the clinic won't contact you. "
    "You can still call or book online whenever you like."
)
CALLBACK_CANCELLED = (
    "OK, I've stopped the callback request and kept none of its details. "
    "Is there anything about mesotherapy I can help with?"
)
NOTHING_TO_CANCEL = (
    "There's nothing to cancel. Is there anything about mesotherapy I can help with?"
)


def urgent_care_advice(clinic: Clinic) -> str:
    return (
        f"What you describe may be a medical emergency. Please call {clinic.emergency_number} "
        "now (or your local emergency number, for example 911 in the US, 112 in the EU, "
        "999 in the UK) or go to the nearest emergency department. "
        "Do not wait for an answer here.\n\n"
        f"Once you are safe, please let {clinic.name} know what happened:\n"
        f"Phone: {clinic.phone}"
    )


def crisis_support(clinic: Clinic) -> str:
    """For self-harm and suicidal thoughts: people to talk to now, not medical advice."""
    return (
        "I'm really sorry you're feeling this way, and I'm glad you said it. "
        "I'm an automated assistant and can't give you the support you deserve, "
        "but people can, right now.\n\n"
        f"If you might act on these thoughts or are in danger, call {clinic.emergency_number} "
        "(or your local emergency number) now.\n\n"
        f"You can talk to someone at any time, for free:\n{clinic.crisis_lines_text}\n\n"
        "If you can, reach out to someone you trust and tell them how you feel."
    )


def out_of_scope(clinic: Clinic) -> str:
    return (
        f"{OUT_OF_SCOPE_INTRO} For anything else, please contact {clinic.name}:\n"
        f"{clinic.contact_lines}\n\n{SUGGESTIONS_INTRO}"
    )


def too_long_reply(limit: int) -> str:
    return (
        f"Sorry, your message is too long for me (more than {limit:,} characters). "
        "Could you ask your question in a shorter message?"
    )


def unavailable_reply(clinic: Clinic) -> str:
    # Sent exactly when the assistant is failing: it must still say where urgent help is.
    return (
        "Sorry, I can't answer right now. Please try again in a moment, or contact "
        f"{clinic.name} directly:\n{clinic.contact_lines}\n\n"
        f"If this is an emergency, call {clinic.emergency_number} "
        "(or your local emergency number) now."
    )


# Feedback on an answer (the 👍/👎 under it): the titles of the messaging channels'
# buttons (Messenger cuts quick-reply titles at 20 characters) and the thanks.
FEEDBACK_UP_TITLE = "\N{THUMBS UP SIGN} Helpful"
FEEDBACK_DOWN_TITLE = "\N{THUMBS DOWN SIGN} Not helpful"
FEEDBACK_THANKS = "Thank you for your feedback."
