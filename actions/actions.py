"""Custom actions: thin wrappers that turn a tracker into an answer from the article."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import end_callback_request, forget_form_answers
from content import callback, replies
from content.article import Section
from content.clinic import load_clinic
from content.replies import INTENT_QUESTIONS
from content.routing import PERSONAL_MEDICAL_INTENT, SECTION, Answer, Entity, answer_for
from content.vocabulary import canonical_value

CURRENT_SECTION_SLOT = "current_section"
# Offered under "out of scope" replies: the questions most patients come with.
SUGGESTED_INTENTS = ("ask_what_is", "ask_avoid_before", "ask_aftercare")
# "Did you mean ...?" only offers intents the classifier gave at least this much.
MIN_CANDIDATE_CONFIDENCE = 0.1
MAX_CANDIDATES = 3
URGENT_INTENT = "report_emergency"
URGENT_INTENTS = (URGENT_INTENT, "report_self_harm")

CLINIC = load_clinic()


def latest_entities(tracker: Tracker) -> list[Entity]:
    return [
        (str(e.get("entity")), str(e.get("value")))
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") and e.get("value") is not None
    ]


def latest_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def latest_confidence(tracker: Tracker) -> float | None:
    """The classifier's confidence, None when there is none (a button payload)."""
    confidence = (tracker.latest_message.get("intent") or {}).get("confidence")
    return float(confidence) if isinstance(confidence, int | float) else None


def intent_button(intent: str, entities: dict[str, str] | None = None) -> dict[str, str]:
    payload = f"/{intent}" + (json.dumps(entities) if entities else "")
    return {"title": INTENT_QUESTIONS[intent], "payload": payload}


def suggestion_buttons() -> list[dict[str, str]]:
    return [intent_button(intent) for intent in SUGGESTED_INTENTS]


def whole_section_buttons(answer: Answer) -> list[dict[str, str]]:
    """A "show the whole section" button for each section the reply quotes only in part,
    and for the section asked about when the quote comes from another one."""
    shown = {part.section.id for part in answer.parts if part.is_whole_section}
    offered: list[Section] = []
    for part in answer.parts:
        for section in (part.section, part.asked):
            if section is not None and section.id not in shown and section not in offered:
                offered.append(section)
    return [
        {
            "title": replies.SHOW_WHOLE_SECTION.format(title=section.title),
            "payload": "/show_section" + json.dumps({SECTION: section.id}),
        }
        for section in offered
    ]


def served_passages(answer: Answer) -> list[str]:
    return [passage.id for part in answer.parts for passage in part.passages]


def send_answer(
    dispatcher: CollectingDispatcher, answer: Answer, intro: str = ""
) -> list[dict[str, Any]]:
    # Every question of the message in one reply, under one disclaimer.
    text = f"{intro}\n\n{answer.text()}" if intro else answer.text()
    buttons = whole_section_buttons(answer)
    # The passage ids ride along (stored in the bot event's metadata, not in its text):
    # the channels offer 👍/👎 on them and reports count what was served.
    dispatcher.utter_message(
        text=replies.with_disclaimer(text), buttons=buttons, passages=served_passages(answer)
    )
    return [SlotSet(CURRENT_SECTION_SLOT, answer.context_section)]


def send_out_of_scope(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(text=replies.out_of_scope(CLINIC), buttons=suggestion_buttons())


class ActionAnswerFromArticle(Action):
    """FAQ questions, follow-ups and "show the whole section"."""

    def name(self) -> str:
        return "action_answer_from_article"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = answer_for(
            latest_intent(tracker),
            latest_entities(tracker),
            tracker.get_slot(CURRENT_SECTION_SLOT),
            text=latest_text(tracker),
            confidence=latest_confidence(tracker),
        )
        if answer is None:
            send_out_of_scope(dispatcher)
            return []
        return send_answer(dispatcher, answer)


class ActionAnswerPersonalMedical(Action):
    """A question about the patient's own medication or condition: never a yes/no."""

    def name(self) -> str:
        return "action_answer_personal_medical"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = answer_for(
            PERSONAL_MEDICAL_INTENT, latest_entities(tracker), text=latest_text(tracker)
        )
        assert answer is not None  # personal questions always fall back to a passage
        events = send_answer(dispatcher, answer, intro=replies.PERSONAL_MEDICAL_INTRO)
        # "Am I suitable?" is a conversation with a clinician: one tap away.
        dispatcher.utter_message(
            text=replies.CONSULTATION_OFFER,
            buttons=[replies.callback_offer_button(replies.CONSULTATION_BUTTON)],
        )
        return events


class ActionGiveUrgentCareAdvice(Action):
    def name(self) -> str:
        return "action_give_urgent_care_advice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=replies.urgent_care_advice(CLINIC))
        return end_callback_request(tracker)


class ActionGiveCrisisSupport(Action):
    def name(self) -> str:
        return "action_give_crisis_support"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=replies.crisis_support(CLINIC))
        return end_callback_request(tracker)


class ActionExplainOutOfScope(Action):
    def name(self) -> str:
        return "action_explain_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send_out_of_scope(dispatcher)
        return []


class ActionShareClinicContact(Action):
    def name(self) -> str:
        return "action_share_clinic_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        now = datetime.now(timezone.utc)
        dispatcher.utter_message(
            text=replies.clinic_contact(CLINIC, now), buttons=[replies.callback_offer_button()]
        )
        return []


class ActionClarifyQuestion(Action):
    """Low-confidence message: offer the likeliest questions before giving up."""

    def name(self) -> str:
        return "action_clarify_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        candidates = [
            r["name"]
            for r in ranking
            if r.get("name") in INTENT_QUESTIONS
            and (r.get("confidence") or 0) >= MIN_CANDIDATE_CONFIDENCE
        ][:MAX_CANDIDATES]
        # A possible emergency is never left out of the choice, and comes first: the crisis
        # button when self-harm is what the message may be about, urgent care otherwise.
        suspected = [
            r["name"] for r in ranking[:MAX_CANDIDATES] if r.get("name") in URGENT_INTENTS
        ]
        urgent = bool(suspected)
        if urgent:
            first = suspected[0] if suspected[0] in INTENT_QUESTIONS else URGENT_INTENT
            candidates = [first] + [c for c in candidates if c != first]
        if not candidates:
            send_out_of_scope(dispatcher)
            return []
        # The entities of the unclear message ride along, so "coffee aftr?" resolved to
        # the aftercare question still answers about coffee.
        entities = {
            label: canonical_value(value) for label, value in reversed(latest_entities(tracker))
        }
        buttons = [
            intent_button(intent, None if intent in URGENT_INTENTS else entities)
            for intent in candidates
        ]
        buttons.append({"title": replies.SOMETHING_ELSE, "payload": "/out_of_scope"})
        intro = replies.CLARIFY_URGENT_INTRO if urgent else replies.CLARIFY_INTRO
        dispatcher.utter_message(text=intro, buttons=buttons)
        return []


class ActionCancelCallback(Action):
    """ "Cancel" with no callback request under way (the form handles its own).

    The classifier also says `cancel` for short words it has never seen (a name, a typo):
    only the words of cancelling get "nothing to cancel", anything else the honest
    out-of-scope reply with suggestions."""

    def name(self) -> str:
        return "action_cancel_callback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if callback.is_cancel(latest_text(tracker)):
            dispatcher.utter_message(text=replies.NOTHING_TO_CANCEL)
        else:
            send_out_of_scope(dispatcher)
        return forget_form_answers()
