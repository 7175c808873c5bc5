"""Shared fixtures: a real action server + Rasa server, started once per test session."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

from runtime.settings import MODEL
from runtime.stack import Stack, free_port

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def make_stack(tmp_path_factory, name: str, **env: str) -> Stack:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`")
    var = tmp_path_factory.mktemp(name)
    return Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        tracker_db=var / "tracker.db",
        log_dir=var / "log",
        extra_env=env,
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    # The whole suite talks to this server from one address: the rate limits are
    # tested on a server of their own (tests/test_safety.py).
    with make_stack(
        tmp_path_factory, "var", BOT_RATE_LIMIT_PER_IP="0/60", BOT_RATE_LIMIT_PER_SENDER="0/60"
    ) as running:
        yield running


class Patient:
    """One conversation with the bot through the REST webhook, as the widget has it."""

    def __init__(self, url: str):
        self.url = url
        self.sender = str(uuid.uuid4())
        # How the REST channel stores the conversation (channels/rest.py).
        self.conversation_id = f"web:{self.sender}"

    def say(self, message: str, payload: bool = False) -> list:
        body: dict[str, object] = {"sender": self.sender, "message": message}
        if payload:  # a press of one of the widget's buttons
            body["payload"] = True
        response = requests.post(self.url, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def text(self, message: str, payload: bool = False) -> str:
        return "\n".join(m.get("text", "") for m in self.say(message, payload))


@pytest.fixture
def patient(stack):
    return Patient(stack.rest_url)


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium (scripts/install-chromium.sh), driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run scripts/install-chromium.sh (or set CHROMIUM)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class MailBox:
    """What a real SMTP server (aiosmtpd, in this process) received."""

    def __init__(self) -> None:
        self.envelopes: list = []
        # Set to an SMTP reply such as "451 4.3.0 try again later" to refuse every message.
        self.refuse_with: str | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse_with:
            return self.refuse_with
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self) -> list:
        from email import message_from_bytes, policy

        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


class SmtpServer:
    """A real SMTP server on a fixed loopback port that a test can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = MailBox()
        self.controller = None

    def start(self) -> SmtpServer:
        # Imported here: only the callback tests need it (requirements.lock pins it).
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()
