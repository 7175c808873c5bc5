"""Messaging channels (Twilio SMS/WhatsApp, Telegram, Messenger) with verified webhooks.

Each module subclasses Rasa 3.6's built-in channel so that:
* incoming webhooks are authenticated (403 otherwise) and malformed ones rejected (400),
* replies fit the channel (split under its length limit, buttons shown or numbered),
* the provider API's base URL can be changed, so tests never reach the network.

They are turned on by credentials.channels.yml; see docs/channels.md.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.shared.exceptions import RasaException

from channels import rasa_fixes
from channels.options import DEFAULT_MAX_SENDERS, DEFAULT_TTL_SECONDS, OptionMemory

rasa_fixes.apply()


def required_credential(credentials: Dict[str, Any], key: str, channel: str) -> str:
    """A credential that must be set and non-empty: a channel without its secret must
    not start, since it could not tell the provider's requests from forged ones."""
    value = credentials.get(key)
    if value is None or not str(value).strip():
        raise RasaException(f"The {channel} channel needs a non-empty '{key}' credential.")
    return str(value).strip()


def optional_credential(credentials: Dict[str, Any], key: str) -> Optional[str]:
    value = credentials.get(key)
    return str(value).strip() if value is not None and str(value).strip() else None


def option_memory_from(credentials: Dict[str, Any]) -> OptionMemory:
    """Optional `options_max_senders` and `options_ttl_seconds` credentials."""
    return OptionMemory(
        max_senders=int(credentials.get("options_max_senders") or DEFAULT_MAX_SENDERS),
        ttl_seconds=float(credentials.get("options_ttl_seconds") or DEFAULT_TTL_SECONDS),
    )
