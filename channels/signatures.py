"""Checks that a webhook request really comes from the messaging provider.

Every comparison uses `hmac.compare_digest` (constant time), on bytes, so that a header
with non-ASCII characters is simply wrong instead of raising.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

FormParams = Mapping[str, str | Sequence[str]]

HUB_SIGNATURE_PREFIX = "sha256="


def same_secret(expected: str, received: str | None) -> bool:
    """Constant-time equality of a configured secret and what the request carries."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8"))


# --- Twilio: X-Twilio-Signature ---------------------------------------------------------
# https://www.twilio.com/docs/usage/security#validating-requests
# base64(HMAC-SHA1(auth_token, full URL + each POST parameter name and value, sorted)).


def twilio_signature(auth_token: str, url: str, params: FormParams) -> str:
    """The X-Twilio-Signature Twilio sends for a form POST to `url`."""
    data = url + "".join(name + value for name, value in _sorted_params(params))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid_twilio_signature(
    auth_token: str, url: str, params: FormParams, signature: str | None
) -> bool:
    """Whether `signature` signs this POST. Like twilio's RequestValidator, the URL is
    tried with and without its default port, since Twilio is not consistent about it."""
    if not auth_token or not signature:
        return False
    return any(
        same_secret(twilio_signature(auth_token, candidate, params), signature)
        for candidate in _url_variants(url)
    )


def _sorted_params(params: FormParams) -> list[tuple]:
    pairs: list[tuple[str, str]] = []
    for name in sorted(params):
        values = params[name]
        values = [values] if isinstance(values, str) else list(values)
        pairs.extend((name, value) for value in sorted(values))
    return pairs


def _url_variants(url: str) -> Iterable[str]:
    parts = urlsplit(url)
    yield url
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = 443 if parts.scheme == "https" else 80
    if parts.port is None:
        yield urlunsplit(parts._replace(netloc=f"{parts.netloc}:{default_port}"))
    elif parts.port == default_port:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{host}" if userinfo else host
        yield urlunsplit(parts._replace(netloc=netloc))


# --- Meta (Messenger): X-Hub-Signature-256 ----------------------------------------------
# https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads
# "sha256=" + hex(HMAC-SHA256(app_secret, raw request body)).


def hub_signature_256(app_secret: str, body: bytes) -> str:
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return HUB_SIGNATURE_PREFIX + digest


def is_valid_hub_signature_256(app_secret: str, body: bytes, header: str | None) -> bool:
    if not app_secret or not header:
        return False
    return same_secret(hub_signature_256(app_secret, body), header.strip().lower())
