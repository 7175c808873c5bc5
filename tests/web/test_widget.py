"""The website chat widget (web/) end to end, in real headless Chromium.

The page and the widget are served by the `stack` fixture next to a real Rasa server;
`?bot=` points the widget at the test's Rasa port. Tests that need a bot reply nobody
can get from the real bot (markup, links, a dead server) fake the webhook with
Playwright's page.route.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import uuid

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from content.article import load_article
from runtime.settings import ROOT
from tests.web.support import (
    CONTRAST_SCRIPT,
    DESKTOP,
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

WHAT_IS = load_article().passage("what_is.p1").text
# How long the widget waits for the bot before giving up (REQUEST_TIMEOUT_MS in widget.js).
WIDGET_TIMEOUT_MS = 15000


# ------------------------------------------------------------------ conversation


def test_typed_question_gets_the_answer_with_a_separate_disclaimer(page, stack):
    widget = open_widget(page, stack)

    widget.ask("What is mesotherapy?")

    expect(widget.user_messages.last).to_have_text("You: What is mesotherapy?")
    answer = widget.last_bot_message()
    expect(answer.locator(".cdw-text")).to_contain_text(WHAT_IS)
    disclaimer = answer.locator(".cdw-disclaimer")
    expect(disclaimer).to_contain_text("not medical advice")
    expect(disclaimer).to_contain_text("Please note:")
    expect(answer.locator(".cdw-text")).not_to_contain_text("not medical advice")
    answer_size = answer.locator(".cdw-text").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    disclaimer_size = disclaimer.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert disclaimer_size < answer_size, "the disclaimer should be set smaller than the answer"
    expect(widget.input).to_be_focused()
    expect(widget.input).to_have_value("")


def test_quick_reply_sends_its_payload_shows_its_title_and_disappears(page, stack):
    widget = open_widget(page, stack)
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.method == "POST" else None)

    widget.ask("hello")
    greeting = widget.last_bot_message()
    expect(greeting).to_contain_text("Citidrips virtual assistant")
    greeting.get_by_role("button", name="What is mesotherapy?").click()

    expect(widget.user_messages.last).to_have_text("You: What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-text")).to_contain_text(WHAT_IS)
    expect(greeting.locator(".cdw-quick-reply")).to_have_count(0)
    expect(page.get_by_role("button", name="What should I avoid before?")).to_have_count(0)
    expect(widget.log).not_to_contain_text("/ask_what_is")
    assert sent[-1]["message"] == "/ask_what_is"
    assert sent[0]["sender"] == sent[-1]["sender"]
    expect(widget.input).to_be_focused()


def test_a_disclaimer_sent_as_its_own_message_joins_the_answer_before_it(page, stack):
    # Rasa's REST channel splits a reply without buttons into one message per paragraph.
    replies = [
        {"text": "First paragraph."},
        {"text": "Second paragraph."},
        {"text": "General information, not medical advice."},
    ]
    page.route(WEBHOOK, fake_bot(stack, replies))
    widget = open_widget(page, stack)
    widget.ask("hello")

    expect(widget.bot_messages).to_have_count(2)
    expect(widget.bot_messages.last.locator(".cdw-text")).to_have_text("Second paragraph.")
    expect(widget.bot_messages.last.locator(".cdw-disclaimer")).to_contain_text(
        "not medical advice"
    )
    expect(widget.log.locator(".cdw-disclaimer")).to_have_count(1)


def test_history_and_open_panel_survive_a_reload(page, stack):
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    sender = page.evaluate("() => sessionStorage.getItem('citidrips-chat:sender')")

    page.reload()

    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.user_messages).to_have_text(["You: What is mesotherapy?"])
    expect(widget.last_bot_message().locator(".cdw-text")).to_contain_text(WHAT_IS)
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('citidrips-chat:sender')") == sender
    assert len(json.loads(sender)) == 36  # a UUID, stored as JSON


def test_closed_panel_stays_closed_after_a_reload(page, stack):
    widget = open_widget(page, stack)
    widget.close_button.click()
    page.reload()
    expect(widget.launcher).to_be_visible()
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


# ------------------------------------------------------------------ keyboard and accessibility


def test_keyboard_only_conversation(page, stack):
    page.goto(page_url(stack))
    widget = Widget(page)
    for _ in range(30):
        page.keyboard.press("Tab")
        if widget.active_element() == "cdw-launcher":
            break
    else:
        pytest.fail("Tab never reached the chat launcher")
    outline = widget.launcher.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none"), "the focused launcher shows no focus outline"

    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    page.keyboard.type("What is mesotherapy?")
    page.keyboard.press("Enter")
    expect(widget.last_bot_message().locator(".cdw-text")).to_contain_text(WHAT_IS)
    expect(widget.input).to_be_focused()

    page.keyboard.press("Tab")
    expect(widget.send_button).to_be_focused()
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_on_a_phone_tab_stays_in_the_full_screen_panel(new_page, stack):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(page_url(stack))
    widget = Widget(page).open()
    expect(widget.input).to_be_focused()

    page.keyboard.press("Tab")
    expect(widget.send_button).to_be_focused()
    page.keyboard.press("Tab")
    expect(widget.close_button).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(widget.send_button).to_be_focused()


def test_close_button_returns_focus_to_the_launcher(page, stack):
    widget = open_widget(page, stack)
    expect(widget.input).to_be_focused()
    widget.close_button.click()
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()


def test_empty_and_whitespace_messages_are_not_sent(page, stack):
    requests_sent = []
    answer = fake_bot(stack, [])

    def record(route: Route) -> None:
        requests_sent.append(route.request)
        answer(route)

    page.route(WEBHOOK, record)
    widget = open_widget(page, stack)

    page.keyboard.press("Enter")
    widget.input.fill("   \t  ")
    page.keyboard.press("Enter")
    widget.send_button.click()

    page.wait_for_timeout(300)
    expect(widget.user_messages).to_have_count(0)
    assert requests_sent == []


def test_accessibility_attributes(page, stack):
    widget = open_widget(page, stack)
    panel_id = widget.panel.get_attribute("id")
    expect(widget.launcher).to_have_attribute("aria-controls", panel_id)
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.input).to_have_attribute("maxlength", "2000")
    expect(widget.send_button).to_have_attribute("type", "submit")
    expect(widget.close_button).to_be_visible()


def test_text_contrast_is_at_least_4_5_to_1(page, stack):
    replies = [
        {
            "text": "An answer\n- a bullet https://example.org/\n\nThis is not medical advice.",
            "buttons": [{"title": "A quick reply", "payload": "/greet"}],
        },
    ]
    page.route(WEBHOOK, fake_bot(stack, replies))
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.quick_replies).to_have_count(1)
    page.unroute(WEBHOOK)
    page.route(WEBHOOK, lambda route: route.abort())
    widget.ask("and now?")
    expect(widget.notices).to_have_count(1)

    selectors = [
        ".cdw-launcher-text",
        ".cdw-title",
        ".cdw-subtitle",
        ".cdw-intro",
        ".cdw-msg--user .cdw-bubble",
        ".cdw-text li",
        ".cdw-text a",
        ".cdw-disclaimer",
        ".cdw-quick-reply",
        ".cdw-notice",
        ".cdw-input",
        ".cdw-send",
    ]
    ratios = page.locator(", ".join(selectors)).evaluate_all(CONTRAST_SCRIPT)
    assert len(ratios) >= len(selectors)
    too_low = [(name, ratio) for name, ratio in ratios if ratio < 4.5]
    assert not too_low, f"text below 4.5:1 contrast: {too_low}"


def test_reduced_motion_turns_animations_off(new_page, stack):
    def dot_animation(reduced_motion: str) -> str:
        page = new_page(reduced_motion=reduced_motion)
        page.goto(page_url(stack))
        Widget(page).open()
        return page.locator(".cdw-dot").first.evaluate("e => getComputedStyle(e).animationName")

    assert dot_animation("no-preference") != "none"
    assert dot_animation("reduce") == "none"


# ------------------------------------------------------------------ safety


XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=2</script>"


def test_markup_from_the_bot_and_the_user_shows_as_literal_text(page, stack):
    replies = [
        {"recipient_id": "x", "text": XSS_IMG},
        {
            "recipient_id": "x",
            "text": f"{XSS_SCRIPT}\n- <b>bold?</b>\n\nnot medical advice <i>x</i>",
            "buttons": [{"title": '<img src=x onerror="window.__xss=3">', "payload": "/greet"}],
        },
    ]
    page.route(WEBHOOK, fake_bot(stack, replies))
    widget = open_widget(page, stack)

    widget.ask('<img src=x onerror="window.__xss=4">')

    expect(widget.bot_messages).to_have_count(2)
    expect(widget.bot_messages.first).to_contain_text(XSS_IMG)
    expect(widget.bot_messages.last).to_contain_text(XSS_SCRIPT)
    expect(widget.bot_messages.last.locator("li")).to_have_text("<b>bold?</b>")
    expect(widget.bot_messages.last.locator(".cdw-disclaimer")).to_contain_text("<i>x</i>")
    expect(widget.quick_replies).to_have_text(['<img src=x onerror="window.__xss=3">'])
    expect(widget.user_messages).to_have_text(['You: <img src=x onerror="window.__xss=4">'])
    assert widget.panel.locator("img, script, b, i").count() == 0
    page.wait_for_timeout(200)  # give an injected onerror handler the time to run
    assert page.evaluate("() => window.__xss") is None


def test_only_http_links_are_linked_and_they_open_safely(page, stack):
    text = (
        "See https://example.org/guide. Not javascript:alert(1) nor "
        "data:text/html,hi nor ftp://example.org/file\n- also http://example.com/a?b=c"
    )
    page.route(WEBHOOK, fake_bot(stack, [{"text": text}]))
    widget = open_widget(page, stack)
    widget.ask("links?")

    links = widget.last_bot_message().get_by_role("link")
    expect(links).to_have_count(2)
    expect(links.first).to_have_attribute("href", "https://example.org/guide")
    expect(links.last).to_have_attribute("href", "http://example.com/a?b=c")
    for i in range(2):
        expect(links.nth(i)).to_have_attribute("target", "_blank")
        expect(links.nth(i)).to_have_attribute("rel", "noopener noreferrer")
    expect(widget.last_bot_message()).to_contain_text("javascript:alert(1)")


@pytest.mark.parametrize(
    "attributes, expected_bot",
    [
        ("", "http://clinic.example:5005"),
        ('data-bot-url="https://bot.clinic.example/"', "https://bot.clinic.example"),
    ],
)
def test_on_the_clinic_site_a_bot_link_cannot_redirect_the_widget(
    page, stack, attributes, expected_bot
):
    # A ?bot= link is for development on this machine only: on a public site it would let
    # anyone show the clinic's patients texts from a server of their choosing.
    serve_web_folder_as(page, "http://clinic.example", attributes)
    webhook_calls = []

    def record(route: Route) -> None:
        webhook_calls.append(route.request)
        fake_bot(stack, [{"text": "Hi!"}], origin="http://clinic.example")(route)

    page.route(WEBHOOK, record)
    page.goto("http://clinic.example/?bot=http://evil.example")
    Widget(page).open().ask("hello")

    expect(Widget(page).bot_messages).to_have_text(["Assistant: Hi!"])
    assert [call.url for call in webhook_calls] == [f"{expected_bot}/webhooks/rest/webhook"]
    # Plain-http sites have no crypto.randomUUID: the widget still gets a UUID sender.
    assert len(webhook_calls[0].post_data_json["sender"]) == 36


# ------------------------------------------------------------------ failures


def test_unreachable_server_shows_a_clear_message_and_the_chat_recovers(page, stack):
    page.route(WEBHOOK, lambda route: route.abort())
    widget = open_widget(page, stack)

    widget.ask("What is mesotherapy?")
    expect(widget.notices.last).to_contain_text(UNREACHABLE)
    expect(widget.notices.last).to_contain_text("contact the clinic directly")
    expect(page.locator(".cdw-typing")).to_be_hidden()

    page.unroute(WEBHOOK)
    widget.ask("What is mesotherapy?")
    expect(widget.last_bot_message().locator(".cdw-text")).to_contain_text(WHAT_IS)


def test_closed_port_shows_the_unreachable_message(page, stack):
    from runtime.stack import free_port

    page.goto(page_url(stack, bot=f"http://127.0.0.1:{free_port()}"))
    widget = Widget(page).open()
    widget.ask("hello")
    expect(widget.notices.last).to_contain_text(UNREACHABLE)


def test_server_error_shows_the_unreachable_message(page, stack):
    page.route(WEBHOOK, fake_bot(stack, {"error": "boom"}, status=500))
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.notices.last).to_contain_text(UNREACHABLE)


def test_rate_limited_messages_ask_the_patient_to_wait(page, stack):
    page.route(WEBHOOK, fake_bot(stack, {"error": "Too many messages"}, status=429))
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.notices.last).to_contain_text("Please wait a moment")


def test_a_bot_that_never_answers_times_out_with_the_unreachable_message(page, stack):
    page.clock.install()
    page.route(WEBHOOK, lambda route: None)  # never answered
    widget = open_widget(page, stack)

    widget.ask("hello")
    expect(page.locator(".cdw-typing")).to_be_visible()
    page.clock.run_for(WIDGET_TIMEOUT_MS - 1000)
    expect(widget.notices).to_have_count(0)
    page.clock.run_for(2000)

    expect(widget.notices.last).to_contain_text(UNREACHABLE)
    expect(page.locator(".cdw-typing")).to_be_hidden()


# ------------------------------------------------------------------ CORS


def test_the_page_origin_may_call_the_webhook(page, stack):
    widget = open_widget(page, stack)
    with page.expect_response(
        lambda r: r.url == stack.rest_url and r.request.method == "POST"
    ) as info:
        widget.ask("hello")
    response = info.value
    assert response.ok
    assert response.header_value("access-control-allow-origin") == stack.page_origin
    expect(widget.last_bot_message()).to_contain_text("Citidrips virtual assistant")


def test_a_page_on_another_origin_is_refused_by_the_browser(page, stack):
    # The same page served from another port is another origin, which is not in --cors.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT / "web"))
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{other.server_port}/?bot=http://127.0.0.1:{stack.rasa_port}")
        widget = Widget(page).open()
        widget.ask("hello")
        expect(widget.notices.last).to_contain_text(UNREACHABLE)
        expect(widget.bot_messages).to_have_count(0)
    finally:
        other.shutdown()
        other.server_close()


@pytest.mark.parametrize("method", ["OPTIONS", "POST"])
def test_other_origins_get_no_cors_permission(stack, method):
    headers = {"Origin": "http://evil.example"}
    if method == "OPTIONS":
        headers.update(
            {
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            }
        )
    response = requests.request(
        method,
        stack.rest_url,
        headers=headers,
        json={"sender": str(uuid.uuid4()), "message": "hello"},
        timeout=30,
    )
    assert response.headers.get("Access-Control-Allow-Origin") not in ("http://evil.example", "*")


# ------------------------------------------------------------------ layout and screenshots


def converse_for_screenshot(page: Page, stack) -> Widget:
    widget = open_widget(page, stack)
    widget.ask("Can I drink coffee before my session?")
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    expect(widget.last_bot_message().locator(".cdw-quick-reply")).not_to_have_count(0)
    page.locator(".cdw-body").evaluate("e => { e.scrollTop = e.scrollHeight; }")
    page.wait_for_timeout(300)  # let the entry animations finish before the picture
    return widget


def test_desktop_layout_and_screenshot(page, stack):
    widget = converse_for_screenshot(page, stack)
    box = widget.panel.bounding_box()
    assert box["width"] <= 420 and box["x"] + box["width"] <= DESKTOP["width"]
    expect(widget.launcher).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"))


def test_phone_layout_is_full_screen_and_screenshot(new_page, stack):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(page_url(stack))
    expect(Widget(page).launcher).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-phone-closed.png"))
    widget = converse_for_screenshot(page, stack)

    box = widget.panel.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (
        0,
        0,
        PHONE["width"],
        PHONE["height"],
    )
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"
    body = page.locator(".cdw-body")
    assert body.evaluate("e => e.scrollWidth <= e.clientWidth"), (
        "messages overflow the panel sideways"
    )
    page.screenshot(path=str(SCREENSHOTS / "widget-phone.png"))
