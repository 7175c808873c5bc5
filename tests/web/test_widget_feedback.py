"""👍 / 👎 under the widget's answers and the footer's review date, in real Chromium
against the real server and its store (web/widget.js, channels/rest.py)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.support import CLINIC, SCREENSHOTS, Widget, open_widget, page_url

pytestmark = pytest.mark.server

FEEDBACK = "**/webhooks/rest/feedback"
QUESTION = "Can I drink coffee before the treatment?"


def stored_feedback(stack, sender: str) -> list[tuple]:
    with sqlite3.connect(stack.tracker_db) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'feedback'").fetchone():
            return []
        return db.execute(
            "SELECT passages, rating, comment FROM feedback WHERE sender_id = ?",
            (f"web:{sender}",),
        ).fetchall()


def asked(page: Page, stack) -> Widget:
    widget = open_widget(page, stack)
    widget.ask(QUESTION)
    expect(widget.last_bot_message().locator(".cdw-feedback")).to_be_visible()
    return widget


def votes(widget: Widget):
    answer = widget.last_bot_message()
    return (
        answer.get_by_role("button", name="This answer helped"),
        answer.get_by_role("button", name="This answer did not help"),
    )


def focus_by_keyboard(page: Page, widget: Widget, name: str, key: str = "Shift+Tab") -> None:
    for _ in range(15):
        page.keyboard.press(key)
        if page.evaluate("() => document.activeElement.getAttribute('aria-label')") == name:
            return
    pytest.fail(f"the keyboard never reached {name!r}")


def test_keyboard_only_vote_and_what_was_missing(page, stack):
    widget = asked(page, stack)
    sender = widget.stored("sender")
    up, down = votes(widget)
    expect(up).to_have_attribute("aria-pressed", "false")
    group = widget.last_bot_message().get_by_role("group", name="Was this answer helpful?")
    expect(group).to_be_visible()

    expect(widget.input).to_be_focused()
    focus_by_keyboard(page, widget, "This answer helped")
    page.keyboard.press("Enter")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(widget.last_bot_message().get_by_role("status")).to_have_text(
        "Thank you for your feedback."
    )
    assert stored_feedback(stack, sender) == [('["avoid_before.item2"]', "up", None)]

    # A changed mind: 👎 replaces 👍, and asks what was missing.
    page.keyboard.press("Tab")
    expect(down).to_be_focused()
    page.keyboard.press("Space")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    missing = widget.last_bot_message().get_by_label("What was missing? (optional)")
    expect(missing).to_be_focused()
    expect(widget.last_bot_message().get_by_role("button", name="Skip")).to_be_in_viewport()
    page.keyboard.type("Whether decaf is fine")
    expect(widget.last_bot_message().locator(".cdw-missing-count")).to_have_text(
        "21 / 500 characters"
    )
    page.keyboard.press("Tab")
    expect(widget.last_bot_message().get_by_role("button", name="Send")).to_be_focused()
    page.keyboard.press("Enter")
    expect(missing).to_have_count(0)
    expect(down).to_be_focused()
    expect(widget.last_bot_message().get_by_role("status")).to_contain_text("what was missing")
    assert stored_feedback(stack, sender) == [
        ('["avoid_before.item2"]', "down", "Whether decaf is fine")
    ]
    page.screenshot(path=str(SCREENSHOTS / "widget-feedback.png"))


def test_skip_keeps_the_vote_without_a_comment_and_the_vote_survives_a_reload(page, stack):
    widget = asked(page, stack)
    sender = widget.stored("sender")
    _, down = votes(widget)
    down.click()
    widget.last_bot_message().get_by_role("button", name="Skip").click()
    expect(widget.last_bot_message().locator(".cdw-missing")).to_have_count(0)
    expect(down).to_be_focused()
    assert stored_feedback(stack, sender) == [('["avoid_before.item2"]', "down", None)]
    page.reload()
    up, down = votes(Widget(page))
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")


def test_the_comment_is_limited_with_a_visible_counter(page, stack):
    widget = asked(page, stack)
    votes(widget)[1].click()
    field = widget.last_bot_message().get_by_label("What was missing? (optional)")
    field.fill("x" * 600)
    assert len(field.input_value()) == 500
    expect(widget.last_bot_message().locator(".cdw-missing-count")).to_have_text(
        "500 / 500 characters"
    )


def test_only_answers_from_the_article_get_votes(page, stack):
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.bot_messages).to_have_count(1)
    widget.ask("My face is swelling and I can't breathe")
    expect(widget.page.locator(".cdw-msg--urgent")).to_be_visible()
    expect(widget.page.locator(".cdw-feedback")).to_have_count(0)


def test_an_emergency_written_as_what_was_missing_gets_the_urgent_reply(page, stack):
    widget = asked(page, stack)
    votes(widget)[1].click()
    field = widget.last_bot_message().get_by_label("What was missing? (optional)")
    field.fill("my face is swelling and I can't breathe")
    widget.last_bot_message().get_by_role("button", name="Send").click()
    expect(page.locator(".cdw-msg--urgent")).to_be_visible()
    # After urgent advice the only next step is getting help: no votes, no buttons.
    expect(widget.log.get_by_role("button")).to_have_count(0)
    expect(widget.input).to_be_focused()
    page.reload()
    expect(Widget(page).log.get_by_role("button")).to_have_count(0)


def test_a_vote_that_could_not_be_sent_says_so_and_stays_unpressed(page, stack):
    widget = asked(page, stack)
    page.route(FEEDBACK, lambda route: route.fulfill(status=500, body="{}"))
    up, _ = votes(widget)
    up.click()
    expect(widget.last_bot_message().get_by_role("status")).to_contain_text("could not be sent")
    expect(up).to_have_attribute("aria-pressed", "false")


def clinic_answer(stack, reviewed_on):
    def handle(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": stack.page_origin},
            body=json.dumps({"emergency_number": "112", "reviewed_on": reviewed_on}),
        )

    return handle


def test_the_footer_shows_the_review_date_the_server_gives(page, stack):
    page.route(CLINIC, clinic_answer(stack, "2025-03-14"))
    widget = open_widget(page, stack)
    expect(widget.panel.locator(".cdw-reviewed")).to_have_text(
        "Medically reviewed on 14 March 2025"
    )
    # The next page shows what this tab was told, even if /clinic does not answer there.
    page.unroute(CLINIC)
    page.route(CLINIC, lambda route: route.abort())
    page.goto(page_url(stack))
    expect(Widget(page).panel.locator(".cdw-reviewed")).to_be_visible()


@pytest.mark.parametrize("reviewed_on", [None, "[PLACEHOLDER: YYYY-MM-DD]", "2025-02-30", 5])
def test_without_a_real_review_date_the_footer_says_nothing(page, stack, reviewed_on):
    page.route(CLINIC, clinic_answer(stack, reviewed_on))
    widget = open_widget(page, stack)
    expect(widget.intro).to_contain_text("112")  # the clinic's answer has arrived
    expect(widget.panel.locator(".cdw-reviewed")).to_be_hidden()


def test_the_real_servers_placeholder_review_date_shows_nothing(page, stack):
    with page.expect_response(CLINIC) as clinic:
        widget = open_widget(page, stack)
    assert clinic.value.json()["reviewed_on"] is None
    expect(widget.panel.locator(".cdw-reviewed")).to_be_hidden()
