"""channels/signatures.py: the providers' request signatures."""

from __future__ import annotations

from twilio.request_validator import RequestValidator

from channels.signatures import (
    hub_signature_256,
    is_valid_hub_signature_256,
    is_valid_twilio_signature,
    twilio_signature,
)
from tests.channels.harness import PATIENT_PHONE, TWILIO_PUBLIC_URL, TWILIO_TOKEN


def test_twilio_signature_matches_the_twilio_library():
    params = {"From": PATIENT_PHONE, "Body": "hello", "FromZip": ""}
    signature = twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params)
    assert signature == RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_PUBLIC_URL, params)
    assert is_valid_twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params, signature)
    # Twilio sometimes signs the URL with the default port, sometimes without.
    with_port = twilio_signature(
        TWILIO_TOKEN, "https://clinic.example:443/webhooks/twilio/webhook", params
    )
    assert is_valid_twilio_signature(TWILIO_TOKEN, TWILIO_PUBLIC_URL, params, with_port)
    assert not is_valid_twilio_signature(
        TWILIO_TOKEN, TWILIO_PUBLIC_URL, {**params, "Body": "x"}, signature
    )


# The same HMAC-SHA256 scheme as Meta's X-Hub-Signature-256, with the test vector GitHub
# publishes for its webhooks (secret "It's a Secret to Everybody", payload "Hello, World!"),
# checked with `openssl dgst -sha256 -hmac`: signed independently of the code under test.
KNOWN_SECRET = "It's a Secret to Everybody"
KNOWN_BODY = b"Hello, World!"
KNOWN_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_messenger_signature_matches_a_published_known_answer():
    assert hub_signature_256(KNOWN_SECRET, KNOWN_BODY) == KNOWN_SIGNATURE
    assert is_valid_hub_signature_256(KNOWN_SECRET, KNOWN_BODY, KNOWN_SIGNATURE)
    assert is_valid_hub_signature_256(KNOWN_SECRET, KNOWN_BODY, KNOWN_SIGNATURE.upper())
    assert not is_valid_hub_signature_256(KNOWN_SECRET, KNOWN_BODY + b" ", KNOWN_SIGNATURE)
    assert not is_valid_hub_signature_256("", KNOWN_BODY, KNOWN_SIGNATURE)
