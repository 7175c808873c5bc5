"""channels/signatures.py: the providers' request signatures."""

from __future__ import annotations

from twilio.request_validator import RequestValidator

from channels.signatures import is_valid_twilio_signature, twilio_signature
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
