"""The callback request form: asking, checking each answer, and recording the request.

The checks and wording are in content/callback.py and content/replies.py. Recording is an
event: the `callback_request` slot carries the request, and the tracker store writes it to
the callback outbox in the same transaction as the conversation (runtime/outbox.py), so a
patient is only told "passed to the clinic" once the request is stored.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from content import callback, replies
from content.clinic import load_clinic

NAME, CONTACT, TIME, CONSENT = (
    "callback_name",
    "callback_contact",
    "callback_time",
    "callback_consent",
)
FORM_SLOTS = (NAME, CONTACT, TIME, CONSENT)

CLINIC = load_clinic()


def forget_form_answers() -> list[EventType]:
    """The form's answers leave the conversation's state once they are used or dropped."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


def end_callback_request(tracker: Tracker) -> list[EventType]:
    """For replies that end a callback request under way (a red flag mid-form): the rules
    stop the form, this drops what it had asked, so a later request starts afresh."""
    if not any(tracker.get_slot(slot) is not None for slot in FORM_SLOTS):
        return []
    return forget_form_answers()


class AskCallback(Action, ABC):
    """One question of the form: Rasa asks for `slot` by running action_ask_<slot>."""

    slot: str

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def question(self, tracker: Tracker) -> dict[str, Any]:
        """The arguments of utter_message."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(**self.question(tracker))
        return []


class ActionAskCallbackName(AskCallback):
    """The first question, with the booking link for those who would rather book."""

    slot = NAME

    def question(self, tracker: Tracker) -> dict[str, Any]:
        return {"text": replies.ask_callback_name(CLINIC)}


class ActionAskCallbackContact(AskCallback):
    slot = CONTACT

    def question(self, tracker: Tracker) -> dict[str, Any]:
        return {"text": replies.ASK_CALLBACK_CONTACT}


class ActionAskCallbackTime(AskCallback):
    slot = TIME

    def question(self, tracker: Tracker) -> dict[str, Any]:
        return {"text": replies.ASK_CALLBACK_TIME}


class ActionAskCallbackConsent(AskCallback):
    slot = CONSENT

    def question(self, tracker: Tracker) -> dict[str, Any]:
        contact = str(tracker.get_slot(CONTACT) or "")
        return {"text": replies.ask_callback_consent(contact), "buttons": replies.YES_NO_BUTTONS}


def _checked(check: callback.Check, slot: str, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    if check.problem is not None:
        dispatcher.utter_message(text=check.problem)
    return {slot: check.value}


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Cancelling at any step: the form ends (Rasa reads ActiveLoop(None) from the
        # validation action as "done") with nothing kept, and action_submit_callback,
        # finding no answer to the consent question, says the request was stopped.
        if callback.is_cancel(str(tracker.latest_message.get("text") or "")):
            return [*forget_form_answers(), SlotSet("requested_slot", None), ActiveLoop(None)]
        return await super().run(dispatcher, tracker, domain)

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _checked(callback.check_name(str(value or "")), NAME, dispatcher)

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _checked(callback.check_contact(str(value or "")), CONTACT, dispatcher)

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _checked(callback.check_time(str(value or "")), TIME, dispatcher)

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        consent = callback.consent_of(str(value or ""))
        if consent is None:
            dispatcher.utter_message(text=callback.CONSENT_UNCLEAR)
            return {CONSENT: None}
        return {CONSENT: "yes" if consent else "no"}


class ActionSubmitCallback(Action):
    """Records the request when the patient agreed to be contacted; otherwise keeps nothing."""

    def name(self) -> str:
        return "action_submit_callback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        consent = tracker.get_slot(CONSENT)
        if consent != "yes":
            # None: the patient cancelled before the consent question was answered.
            no_consent = replies.CALLBACK_NO_CONSENT
            dispatcher.utter_message(text=no_consent if consent else replies.CALLBACK_CANCELLED)
            return forget_form_answers()
        now = datetime.now(timezone.utc)
        contact = str(tracker.get_slot(CONTACT))
        request = {
            # The idempotency key: the outbox stores it once, the e-mail's Message-ID is
            # made from it, so a retried delivery is recognisably the same request.
            "id": uuid.uuid4().hex,
            "name": tracker.get_slot(NAME),
            "contact": contact,
            "contact_kind": callback.contact_kind(contact),
            "preferred_time": tracker.get_slot(TIME),
            "requested_at": now.isoformat(timespec="seconds"),
        }
        dispatcher.utter_message(text=replies.callback_confirmation(CLINIC, now))
        # Set, then cleared: the store writes the request from the first event, and the
        # conversation's state does not keep it.
        return [
            SlotSet(callback.REQUEST_SLOT, request),
            SlotSet(callback.REQUEST_SLOT, None),
            *forget_form_answers(),
        ]
