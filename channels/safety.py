"""The reply to a described emergency or to self-harm, built by the channel itself.

Every channel checks the patient's words here before anything else can go wrong: rate
limits, the length limit, Rasa's conversation lock, NLU, the action server. The urgent
reply therefore never depends on a healthy action server (Rasa still records the turn
when it can). The red-flag detector is the same one the NLU pipeline runs
(nlp/red_flag_guard.py), so both paths agree on what counts as an emergency: a message
it is only unsure about goes on to NLU, where the guard asks "Is this happening to you
now?" (and the "can't answer" reply, should the turn fail, names the emergency number).
"""

from __future__ import annotations

from dataclasses import dataclass

from content import replies
from content.clinic import load_clinic
from nlp.red_flag_detector import judge, warm_up

__all__ = ["CRISIS", "URGENT", "SafetyReply", "kind_of_reply", "safety_reply", "warm_up"]

# Marks the reply for the widget, which shows it in its urgent style (REST `custom`).
URGENT = "urgent"
CRISIS = "crisis"


@dataclass(frozen=True)
class SafetyReply:
    kind: str  # URGENT or CRISIS
    text: str

    def as_rest_message(self, recipient_id: str) -> dict[str, object]:
        return {"recipient_id": recipient_id, "text": self.text, "custom": {"kind": self.kind}}


def kind_of_reply(text: str) -> str | None:
    """URGENT or CRISIS when a bot reply is one of these (the widget styles it)."""
    clinic = load_clinic()
    if text == replies.urgent_care_advice(clinic):
        return URGENT
    if text == replies.crisis_support(clinic):
        return CRISIS
    return None


# The payloads of the "I need urgent help" buttons (actions' "did you mean?" menu).
URGENT_PAYLOADS = {"/report_emergency": URGENT, "/report_self_harm": CRISIS}


def safety_reply(text: str, from_button: bool = True) -> SafetyReply | None:
    """The urgent-care or crisis reply when the message describes one, or is the press
    of an urgent-help button (`from_button`), else None."""
    pressed = URGENT_PAYLOADS.get(text.strip()) if from_button else None
    detected = None if pressed else judge(text).urgent_now
    kind = pressed or (None if detected is None else CRISIS if detected == "crisis" else URGENT)
    if kind is None:
        return None
    clinic = load_clinic()
    if kind == CRISIS:
        return SafetyReply(CRISIS, replies.crisis_support(clinic))
    return SafetyReply(URGENT, replies.urgent_care_advice(clinic))
