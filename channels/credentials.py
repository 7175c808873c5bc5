"""Reading a channel's credentials (credentials.channels.yml) strictly."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel
from rasa.shared.exceptions import RasaException

from channels.options import DEFAULT_MAX_SENDERS, DEFAULT_TTL_SECONDS, OptionMemory


def present(channel: type[InputChannel], credentials: dict[str, Any] | None) -> dict[str, Any]:
    """The channel's credentials; Rasa's own error when credentials.yml has none."""
    if not credentials:
        channel.raise_missing_credentials_exception()
    return credentials or {}


def required_credential(credentials: dict[str, Any], key: str, channel: str) -> str:
    """A credential that must be set and non-empty: a channel without its secret must
    not start, since it could not tell the provider's requests from forged ones."""
    value = credentials.get(key)
    if value is None or not str(value).strip():
        raise RasaException(f"The {channel} channel needs a non-empty '{key}' credential.")
    return str(value).strip()


def optional_credential(credentials: dict[str, Any], key: str) -> str | None:
    value = credentials.get(key)
    return str(value).strip() if value is not None and str(value).strip() else None


def option_memory_from(credentials: dict[str, Any]) -> OptionMemory:
    """Optional `options_max_senders` and `options_ttl_seconds` credentials."""
    return OptionMemory(
        max_senders=int(credentials.get("options_max_senders") or DEFAULT_MAX_SENDERS),
        ttl_seconds=float(credentials.get("options_ttl_seconds") or DEFAULT_TTL_SECONDS),
    )
