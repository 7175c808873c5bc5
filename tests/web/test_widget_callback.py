"""The callback request in the widget, in real Chromium, against the real servers: the
offer and the yes/no as buttons, the request stored and e-mailed to a real SMTP server."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from content import replies
from content.clinic import CallbackMail, load_clinic
from runtime import outbox
from runtime.mailer import Deliverer, SmtpSender
from runtime.settings import SmtpCredentials
from tests.web.support import SCREENSHOTS, open_widget


def test_a_callback_request_made_with_the_widgets_buttons_reaches_the_clinic(
    page, stack, smtp_server
):
    widget = open_widget(page, stack)
    widget.ask("how do I book an appointment?")
    offer = page.get_by_role("button", name=replies.CALLBACK_BUTTON)
    expect(offer).to_be_visible()
    offer.click()
    expect(widget.last_bot_message()).to_contain_text("What name should the clinic ask for?")
    widget.ask("Mia Wong")
    expect(widget.last_bot_message()).to_contain_text("phone number or e-mail address")
    widget.ask("mia.wong@example.com")
    expect(widget.last_bot_message()).to_contain_text("When would suit you best")
    widget.ask("Tuesday afternoon")
    expect(widget.last_bot_message()).to_contain_text(
        "May the clinic contact you at mia.wong@example.com"
    )
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(widget.last_bot_message()).to_contain_text("your request has been passed to")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-callback.png"))

    engine = sa.create_engine(f"sqlite:///{stack.tracker_db}")
    with engine.connect() as connection:
        query = sa.select(outbox.outbox.c.name).where(
            outbox.outbox.c.contact == "mia.wong@example.com"
        )
        assert [row[0] for row in connection.execute(query)] == ["Mia Wong"]
    mail = CallbackMail(
        "127.0.0.1", smtp_server.port, False, "a@clinic.example", "b@clinic.example"
    )
    Deliverer(engine, mail, load_clinic(), SmtpSender(mail, SmtpCredentials())).deliver_due()
    bodies = [m.get_content() for m in smtp_server.mailbox.messages]
    assert any("Name: Mia Wong" in b and "E-mail: mia.wong@example.com" in b for b in bodies), (
        bodies
    )
