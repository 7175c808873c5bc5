"""Patient safety and privacy in the chat widget, in real headless Chromium.

Urgent-care and crisis replies stand out, the intro says what the assistant is not for
and what is stored before the patient types, the widget's own error texts say where
urgent help is, and a patient can delete the conversation from the server.
"""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from playwright.sync_api import Page, Route, expect

from content.clinic import load_clinic, retention_days
from content.replies import crisis_support, urgent_care_advice
from tests.web.support import (
    CLINIC,
    CONTRAST_SCRIPT,
    FORGET,
    PHONE,
    SCREENSHOTS,
    UNREACHABLE,
    WEBHOOK,
    Widget,
    fake_bot,
    open_widget,
    page_url,
    serve_web_folder_as,
)

pytestmark = pytest.mark.server

EMERGENCY = "my throat is closing and i cant breathe"
SELF_HARM = "I want to kill myself"
URGENT_HEADING = "Urgent: get help now"
CRISIS_HEADING = "You are not alone"
# What a clinic could answer once clinic.yml has real values (the test server's are
# placeholders).
CLINIC_FACTS = {
    "name": "Citidrips",
    "phone": "+44 20 7946 0000",
    "emergency_number": "112",
    "privacy_notice_url": "https://clinic.example/privacy/",
    "retention_days": 14,
}


def fake_clinic(stack, facts=CLINIC_FACTS):
    return fake_bot(stack, facts)


def open_with_clinic(page: Page, stack, facts=CLINIC_FACTS) -> Widget:
    """Opens the widget with /clinic answering `facts`, once the intro shows them."""
    page.route(CLINIC, fake_clinic(stack, facts))
    widget = open_widget(page, stack)
    expect(widget.intro).to_contain_text(f"call {facts['emergency_number']}")
    return widget


def border(locator) -> dict:
    return locator.evaluate(
        "e => { const s = getComputedStyle(e); return {"
        " width: parseFloat(s.borderTopWidth), style: s.borderTopStyle,"
        " color: s.borderTopColor, background: s.backgroundColor }; }"
    )


def stored_events(stack, conversation: str) -> int:
    with sqlite3.connect(stack.tracker_db) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", (conversation,)
        ).fetchone()
    return count


def wait_for_events(stack, conversation: str, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while (count := stored_events(stack, conversation)) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    return count


def fail_on_browser_dialogs(page: Page) -> list:
    """window.confirm/alert would take the patient out of the chat: record any."""
    dialogs = []

    def record(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


# ------------------------------------------------------------------ urgent and crisis replies


def test_urgent_reply_from_the_server_stands_out_with_a_heading_and_call_links(page, stack):
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    ordinary = widget.bot_messages.first.locator(".cdw-bubble")

    widget.ask(EMERGENCY)

    urgent = widget.last_bot_message()
    expect(urgent).to_have_class(re.compile(r"\bcdw-msg--urgent\b"))
    heading = urgent.get_by_role("heading", name=URGENT_HEADING)
    expect(heading).to_be_in_viewport(ratio=1)
    # The heading is inside the live log, so it is announced with the advice.
    expect(widget.log.get_by_role("heading", name=URGENT_HEADING)).to_have_count(1)
    expect(urgent).to_contain_text("may be a medical emergency")
    expect(urgent).to_contain_text(urgent_care_advice(load_clinic()).split("\n")[0])

    calls = urgent.locator("a[href^='tel:']")
    expect(calls).to_have_text(["911", "112", "999"])
    hrefs = [calls.nth(i).get_attribute("href") for i in range(3)]
    assert hrefs == ["tel:911", "tel:112", "tel:999"]
    # Placeholders are no numbers: they stay text, never a link.
    expect(urgent).to_contain_text(load_clinic().emergency_number)
    assert urgent.get_by_role("link").count() == 3
    expect(widget.log.get_by_role("button")).to_have_count(0)
    expect(widget.log).not_to_contain_text("Book online")

    style, normal = border(urgent.locator(".cdw-bubble")), border(ordinary)
    assert style["width"] >= 3 and style["style"] == "solid"
    assert normal["width"] == 0
    assert style["background"] != normal["background"]

    page.wait_for_timeout(300)  # let the entry animation finish before the picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-urgent.png"))


def test_crisis_reply_is_styled_as_support_with_its_own_heading(page, stack):
    widget = open_widget(page, stack)
    widget.ask(SELF_HARM)

    reply = widget.last_bot_message()
    expect(reply).to_have_class(re.compile(r"\bcdw-msg--crisis\b"))
    expect(reply).not_to_have_class(re.compile(r"\bcdw-msg--urgent\b"))
    # Taller than the panel: it is shown from its heading, not scrolled to its end.
    expect(reply.get_by_role("heading", name=CRISIS_HEADING)).to_be_in_viewport(ratio=1)
    expect(reply).to_contain_text(crisis_support(load_clinic()).split("\n")[0])
    style = border(reply.locator(".cdw-bubble"))
    assert style["width"] >= 3 and style["style"] == "solid"
    expect(widget.log.get_by_role("button")).to_have_count(0)
    page.wait_for_timeout(300)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-crisis.png"))


def test_urgent_reply_drops_booking_buttons_links_numbers_and_survives_a_reload(page, stack):
    text = (
        "Call +44 20 7946 0000 or 112. Not 30 days, nor 2 people.\n\n"
        "<b>Stay</b> https://nhs.example/urgent, [PLACEHOLDER: local emergency number]"
    )
    replies = [
        {"text": "Here is what you asked.", "buttons": [{"title": "Prices", "payload": "/p"}]},
        {"text": text, "custom": {"kind": "urgent"}, "buttons": [{"title": "X", "payload": "/x"}]},
        {"text": "Book now?", "buttons": [{"title": "Book online", "payload": "/book"}]},
    ]
    page.route(WEBHOOK, fake_bot(stack, replies))
    widget = open_widget(page, stack)
    widget.ask("help")

    expect(widget.bot_messages).to_have_count(3)
    urgent = page.locator(".cdw-msg--urgent")
    calls = urgent.locator("a[href^='tel:']")
    expect(calls).to_have_text(["+44 20 7946 0000", "112"])
    assert calls.first.get_attribute("href") == "tel:+442079460000"
    expect(urgent.locator("a[href^='https:']")).to_have_attribute(
        "href", "https://nhs.example/urgent"
    )
    expect(urgent).to_contain_text("<b>Stay</b>")
    assert urgent.locator("b").count() == 0
    expect(widget.quick_replies).to_have_count(0)
    expect(page.get_by_role("button", name="Book online")).to_have_count(0)
    # Ordinary answers never get call links, even with numbers in them.
    expect(widget.bot_messages.first.locator("a")).to_have_count(0)

    page.reload()
    expect(page.locator(".cdw-msg--urgent")).to_have_count(1)
    expect(page.get_by_role("heading", name=URGENT_HEADING)).to_be_visible()
    expect(widget.quick_replies).to_have_count(0)


def test_a_stored_entry_cannot_claim_an_unknown_kind(page, stack):
    page.goto(page_url(stack))
    page.evaluate(
        """() => sessionStorage.setItem('citidrips-chat:log', JSON.stringify([
             {from: 'bot', text: 'a', kind: 'constructor'},
             {from: 'bot', text: 'b', kind: 'urgent'}]))"""
    )
    page.reload()
    widget = Widget(page).open()
    expect(widget.bot_messages).to_have_count(2)
    expect(page.locator(".cdw-msg--safety")).to_have_count(1)


def test_urgent_reply_stands_out_in_forced_colours_mode(new_page, stack):
    page = new_page(forced_colors="active")
    replies = [
        {"text": "An ordinary answer."},
        {"text": "Call 112 now.", "custom": {"kind": "urgent"}},
    ]
    page.route(WEBHOOK, fake_bot(stack, replies))
    widget = open_widget(page, stack)
    assert page.evaluate("() => matchMedia('(forced-colors: active)').matches")
    widget.ask("help")

    expect(page.locator(".cdw-msg--urgent")).to_be_visible()
    urgent = border(page.locator(".cdw-msg--urgent .cdw-bubble"))
    ordinary = border(widget.bot_messages.first.locator(".cdw-bubble"))
    assert urgent["width"] >= 3 and urgent["style"] not in ("none", "hidden")
    assert urgent["color"] != urgent["background"]
    assert ordinary["width"] == 0 or ordinary["style"] in ("none", "hidden")
    expect(page.get_by_role("heading", name=URGENT_HEADING)).to_be_visible()


# ------------------------------------------------------------------ the intro


def test_intro_says_not_for_emergencies_and_what_is_stored_before_typing(page, stack):
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    widget = open_with_clinic(page, stack)

    expect(widget.intro).to_be_visible()
    expect(widget.intro).to_contain_text("automated assistant")
    emergency = widget.intro.locator(".cdw-emergency")
    expect(emergency).to_contain_text("Not for emergencies.")
    expect(emergency).to_contain_text("In an emergency, call 112 now.")
    expect(emergency.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")

    privacy = widget.intro.locator(".cdw-privacy")
    expect(privacy).to_contain_text("messages of this conversation")
    expect(privacy).to_contain_text("deleted after 14 days")
    expect(privacy).to_contain_text("delete them at any time")
    notice = privacy.get_by_role("link", name=re.compile("privacy notice"))
    expect(notice).to_have_attribute("href", "https://clinic.example/privacy/")
    expect(notice).to_have_attribute("target", "_blank")
    assert "noopener" in notice.get_attribute("rel").split()
    # Screen readers hear both on opening the chat.
    expect(widget.panel).to_have_accessible_description(re.compile("call 112 now"))
    expect(widget.panel).to_have_accessible_description(re.compile("deleted after 14 days"))

    assert sent == [], "the intro must be there before the patient sends anything"
    expect(widget.user_messages).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-intro.png"))


def test_intro_shows_the_servers_clinic_settings_as_given(page, stack):
    clinic_calls = []
    page.on("request", lambda r: clinic_calls.append(r) if "/rest/clinic" in r.url else None)
    widget = open_widget(page, stack)
    clinic = load_clinic()

    expect(widget.intro).to_contain_text(f"In an emergency, call {clinic.emergency_number} now.")
    expect(widget.intro).to_contain_text(f"deleted after {retention_days()} days")
    if clinic.privacy_notice_url.startswith(("http://", "https://")):
        expect(widget.intro.get_by_role("link", name=re.compile("privacy notice"))).to_be_visible()
    else:  # a placeholder: shown as given, never made into a link
        expect(widget.intro).to_contain_text(clinic.privacy_notice_url)
    # Fetched once, when the panel first opened.
    widget.close_button.click()
    widget.open()
    page.wait_for_timeout(300)
    assert len(clinic_calls) == 1
    assert clinic_calls[0].method == "GET"


def test_clinic_settings_are_shown_as_text_never_as_markup_or_script_links(page, stack):
    facts = {
        "emergency_number": '<img src=x onerror="window.__xss=1">',
        "privacy_notice_url": "javascript:window.__xss=2",
        "retention_days": "<b>30</b>",
    }
    page.route(CLINIC, fake_clinic(stack, facts))
    widget = open_widget(page, stack)

    expect(widget.intro).to_contain_text(f"In an emergency, call {facts['emergency_number']} now.")
    expect(widget.intro).to_contain_text("Full privacy notice: javascript:window.__xss=2")
    expect(widget.intro).to_contain_text("deleted automatically after a limited time")
    assert widget.intro.locator("a, img, b").count() == 0
    page.wait_for_timeout(200)  # give an injected handler the time to run
    assert page.evaluate("() => window.__xss") is None


def test_without_the_clinic_endpoint_the_intro_uses_the_script_attributes(page, stack):
    origin = "http://clinic.example"
    serve_web_folder_as(
        page,
        origin,
        'data-bot-url="https://bot.clinic.example" data-emergency-number="999" '
        'data-retention-days="7" data-privacy-notice-url="https://clinic.example/privacy"',
    )
    page.route(CLINIC, lambda route: route.abort())
    page.route(WEBHOOK, fake_bot(stack, [{"text": "Hi!"}], origin=origin))
    page.goto(f"{origin}/")
    widget = Widget(page).open()

    expect(widget.intro).to_contain_text("In an emergency, call 999 now.")
    expect(widget.intro).to_contain_text("deleted after 7 days")
    expect(widget.intro.get_by_role("link", name=re.compile("privacy notice"))).to_have_attribute(
        "href", "https://clinic.example/privacy"
    )
    widget.ask("hello")
    expect(widget.bot_messages).to_have_text(["Assistant: Hi!"])


def test_without_clinic_facts_the_intro_is_generic_and_the_chat_still_works(page, stack):
    page.route(CLINIC, lambda route: route.abort())
    widget = open_widget(page, stack)

    expect(widget.intro).to_contain_text("In an emergency, call your local emergency number now.")
    expect(widget.intro).to_contain_text("messages of this conversation")
    expect(widget.intro).to_contain_text("delete them at any time")
    expect(widget.intro.locator("a")).to_have_count(0)
    widget.ask("What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()


def test_a_slow_clinic_endpoint_does_not_hold_up_the_chat(page, stack):
    page.route(CLINIC, lambda route: None)  # never answered
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    expect(widget.intro).to_contain_text("your local emergency number")


# ------------------------------------------------------------------ the widget's own texts


@pytest.mark.parametrize(
    "failure, expected",
    [
        ("offline", UNREACHABLE),
        ("server error", UNREACHABLE),
        ("rate limited", "Please wait a moment"),
        ("no answer", "I don't have an answer for that"),
    ],
)
def test_the_widgets_error_texts_name_the_emergency_number(page, stack, failure, expected):
    handlers = {
        "offline": lambda route: route.abort(),
        "server error": fake_bot(stack, {"error": "boom"}, status=500),
        "rate limited": fake_bot(stack, {"error": "slow down"}, status=429),
        "no answer": fake_bot(stack, []),
    }
    page.route(WEBHOOK, handlers[failure])
    widget = open_with_clinic(page, stack)
    widget.ask("hello")

    notice = widget.notices.last
    expect(notice).to_contain_text(expected)
    expect(notice).to_contain_text("In an emergency, call 112 now.")
    expect(notice.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")


def test_offline_text_names_the_emergency_number_even_without_clinic_facts(page, stack):
    page.route(CLINIC, lambda route: route.abort())
    page.route(WEBHOOK, lambda route: route.abort())
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.notices.last).to_contain_text(UNREACHABLE)
    expect(widget.notices.last).to_contain_text("call your local emergency number now")


# ------------------------------------------------------------------ deleting the conversation


def test_deleting_the_conversation_removes_it_from_the_server_and_starts_afresh(page, stack):
    dialogs = fail_on_browser_dialogs(page)
    posts = []
    page.on(
        "request",
        lambda r: posts.append((r.url, r.post_data_json)) if r.method == "POST" else None,
    )
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    old_sender = widget.stored("sender")
    assert wait_for_events(stack, f"web:{old_sender}") > 0, "nothing stored to delete"

    widget.delete_button.click()
    question = page.get_by_role("group", name=re.compile("Delete this conversation\\?"))
    expect(question).to_be_visible()
    expect(widget.cancel_delete).to_be_focused()
    assert stored_events(stack, f"web:{old_sender}") > 0, "deleted before confirming"
    with page.expect_response(lambda r: r.url.endswith("/webhooks/rest/forget")) as forget:
        widget.confirm_delete.click()
    assert forget.value.ok
    assert forget.value.json() == {"deleted": True}

    expect(widget.notices).to_have_text(
        ["Conversation deleted. Anything you type now starts a new conversation."]
    )
    expect(widget.user_messages).to_have_count(0)
    expect(widget.bot_messages).to_have_count(0)
    expect(question).to_be_hidden()
    expect(widget.input).to_be_focused()
    assert stored_events(stack, f"web:{old_sender}") == 0
    assert widget.stored("log") in (None, [])
    new_sender = widget.stored("sender")
    assert new_sender and new_sender != old_sender
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", new_sender
    )

    widget.ask("What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    forgets = [body for url, body in posts if url.endswith("/forget")]
    messages = [body for url, body in posts if url.endswith("/webhook")]
    assert forgets == [{"sender": old_sender}]
    assert [m["sender"] for m in messages] == [old_sender, new_sender]
    assert stored_events(stack, f"web:{old_sender}") == 0
    assert wait_for_events(stack, f"web:{new_sender}") > 0
    page.reload()
    expect(widget.user_messages).to_have_count(1)
    assert dialogs == []


def test_delete_works_from_the_keyboard_and_can_be_cancelled(page, stack):
    dialogs = fail_on_browser_dialogs(page)
    page.route(WEBHOOK, fake_bot(stack, [{"text": "Hi!"}]))
    forgets = []

    def forget(route: Route) -> None:
        forgets.append(route.request.post_data_json)
        fake_bot(stack, {"deleted": True})(route)

    page.route(FORGET, forget)
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.bot_messages).to_have_count(1)

    page.keyboard.press("Shift+Tab")
    expect(widget.delete_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.cancel_delete).to_be_focused()
    page.keyboard.press("Escape")  # "no", and the chat stays open
    expect(widget.panel).to_be_visible()
    expect(widget.delete_button).to_be_focused()
    expect(widget.bot_messages).to_have_count(1)

    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # Cancel has the focus
    expect(widget.delete_button).to_be_focused()
    assert forgets == []

    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    expect(widget.confirm_delete).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.notices.last).to_contain_text("Conversation deleted.")
    expect(widget.bot_messages).to_have_count(0)
    assert len(forgets) == 1
    assert dialogs == []


@pytest.mark.parametrize("failure", ["offline", "server error", "not deleted"])
def test_a_failed_delete_says_so_and_keeps_everything(page, stack, failure):
    handlers = {
        "offline": lambda route: route.abort(),
        "server error": fake_bot(stack, {"error": "boom"}, status=503),
        "not deleted": fake_bot(stack, {"deleted": False}),
    }
    page.route(WEBHOOK, fake_bot(stack, [{"text": "Hi!"}]))
    page.route(FORGET, handlers[failure])
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.bot_messages).to_have_count(1)
    sender, log = widget.stored("sender"), widget.stored("log")

    widget.delete_button.click()
    widget.confirm_delete.click()

    expect(widget.notices.last).to_contain_text("could not be deleted")
    expect(widget.user_messages).to_have_text(["You: hello"])
    expect(widget.bot_messages).to_have_text(["Assistant: Hi!"])
    expect(widget.delete_button).to_be_focused()
    assert widget.stored("sender") == sender
    assert widget.stored("log") == log
    with page.expect_request(WEBHOOK) as request:
        widget.ask("again")
    assert request.value.post_data_json["sender"] == sender


# ------------------------------------------------------------------ contrast


def test_new_texts_have_at_least_4_5_to_1_contrast(page, stack):
    replies = [
        {"text": "Call 112 now. https://example.org/", "custom": {"kind": "urgent"}},
        {"text": "Call 116 123 any time.", "custom": {"kind": "crisis"}},
    ]
    page.route(WEBHOOK, fake_bot(stack, replies))
    widget = open_with_clinic(page, stack)
    widget.ask("help")
    expect(page.locator(".cdw-msg--crisis")).to_have_count(1)
    page.unroute(WEBHOOK)
    page.route(WEBHOOK, lambda route: route.abort())
    widget.ask("and now?")
    expect(widget.notices).to_have_count(1)
    widget.delete_button.click()
    expect(widget.confirm_delete).to_be_visible()

    selectors = [
        ".cdw-welcome",
        ".cdw-emergency",
        ".cdw-emergency a",
        ".cdw-privacy",
        ".cdw-privacy a",
        ".cdw-safety-heading",
        ".cdw-msg--safety .cdw-text p",
        ".cdw-msg--safety a",
        ".cdw-notice a",
        ".cdw-confirm-question",
        ".cdw-confirm-yes",
        ".cdw-confirm-no",
    ]
    ratios = page.locator(", ".join(selectors)).evaluate_all(CONTRAST_SCRIPT)
    assert len(ratios) >= len(selectors)
    widget.cancel_delete.click()
    ratios += page.locator(".cdw-delete").evaluate_all(CONTRAST_SCRIPT)
    too_low = [(name, ratio) for name, ratio in ratios if ratio < 4.5]
    assert not too_low, f"text below 4.5:1 contrast: {too_low}"


def test_the_delete_control_keeps_the_phone_panel_usable(new_page, stack):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.route(WEBHOOK, fake_bot(stack, [{"text": "Hi!"}]))
    widget = open_widget(page, stack)
    widget.ask("hello")
    widget.delete_button.click()
    expect(widget.confirm_delete).to_be_in_viewport()
    expect(widget.cancel_delete).to_be_in_viewport()
    expect(widget.input).to_be_in_viewport()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(widget.delete_button).to_be_hidden()  # the question takes its place
    widget.cancel_delete.click()
    box = widget.delete_button.bounding_box()
    assert box["height"] >= 24  # WCAG 2.5.8 target size
