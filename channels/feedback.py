"""👍 / 👎 under the article's answers on the messaging channels, and recording a vote.

The answer's passage ids come with the bot message (actions/actions.py sends them as
`passages`; Rasa hands them to the output channel beside the text). Telegram's inline
keyboard and Messenger's quick replies carry `feedback:<up|down>:<answer key>`: the key
names the answer by its passages (runtime/feedback.py), so a button works on any replica
and after a restart. A pressed button is recorded here and never reaches NLU as a
message. SMS and WhatsApp get no buttons: every extra line costs the patient and the
clinic.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from content.replies import FEEDBACK_DOWN_TITLE, FEEDBACK_UP_TITLE
from runtime.feedback import Feedback, answer_key, answer_with_key, record, served_answers

logger = logging.getLogger(__name__)

FEEDBACK_PAYLOAD = re.compile(r"feedback:(up|down):([0-9a-f]{12})")
# An answer quotes a few passages; more than this is not an answer of this bot.
MAX_PASSAGES = 20
PASSAGE_ID = re.compile(r"[a-z0-9_]{1,40}\.[a-z0-9_]{1,80}")


def passages_of(message: Mapping[str, Any]) -> list[str]:
    """The passage ids a bot message served (empty for anything but an article answer)."""
    passages = message.get("passages")
    if not isinstance(passages, list) or len(passages) > MAX_PASSAGES:
        return []
    return [p for p in passages if isinstance(p, str) and PASSAGE_ID.fullmatch(p)]


def feedback_buttons(passages: list[str]) -> list[dict[str, str]]:
    key = answer_key(passages)
    return [
        {"title": FEEDBACK_UP_TITLE, "payload": f"feedback:up:{key}"},
        {"title": FEEDBACK_DOWN_TITLE, "payload": f"feedback:down:{key}"},
    ]


def parse_feedback(payload: str | None) -> tuple[str, str] | None:
    """(rating, answer key) of a feedback button's payload, None for any other."""
    match = FEEDBACK_PAYLOAD.fullmatch(payload or "")
    return (match.group(1), match.group(2)) if match else None


async def record_button(
    engine: sa.engine.Engine | None, conversation_id: str, rating: str, key: str
) -> bool:
    """Records a pressed 👍/👎 for the answer it was under; False when there is no such
    answer in the conversation (an old button after an erasure) or nowhere to keep it."""
    if engine is None:
        logger.warning("feedback.not_recorded reason=no_sql_store")
        return False
    try:
        answers = await asyncio.to_thread(served_answers, engine, conversation_id)
        passages = answer_with_key(answers or [], key)
        if passages is None:
            logger.info("feedback.not_recorded reason=unknown_answer")
            return False
        await asyncio.to_thread(record, engine, Feedback(conversation_id, tuple(passages), rating))
    except sa.exc.SQLAlchemyError as error:
        logger.error("feedback.failure error=%s", type(error).__name__)
        return False
    logger.info("feedback.recorded rating=%s", rating)
    return True
