"""Wording of the replies the actions compose around article text.

Simple fixed replies (greeting, goodbye...) live in domain.yml; the ones here need the
article, the clinic's details or the patient's question to be put together.
"""
from __future__ import annotations

from actions.clinic import Clinic

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

CLARIFY_INTRO = "Sorry, I'm not sure I understood. Did you mean:"
SOMETHING_ELSE = "Something else"
SHOW_WHOLE_SECTION = "Show the whole section: {title}"



def with_disclaimer(text: str) -> str:
    return f"{text}\n\n{DISCLAIMER}"


def clinic_contact(clinic: Clinic) -> str:
    return f"You can contact {clinic.name} directly:\n{clinic.contact_lines}"


def urgent_care_advice(clinic: Clinic) -> str:
    return (
        "What you describe may be a medical emergency. Please call your local emergency "
        "number now (for example 911 in the US, 112 in the EU, 999 in the UK) or go to the "
        "nearest emergency department. Do not wait for an answer here.\n\n"
        f"Once you are safe, please let {clinic.name} know what happened:\n{clinic.contact_lines}"
    )


def out_of_scope(clinic: Clinic) -> str:
    return (
        f"{OUT_OF_SCOPE_INTRO} For anything else, please contact {clinic.name}:\n"
        f"{clinic.contact_lines}\n\n{SUGGESTIONS_INTRO}"
    )
