"""Issue 13, the widget on the clinic's real website, in real headless Chromium: reading
long answers, coming back to the conversation, slow or failing bots, small and zoomed
screens, forced colours and the launcher.

Like tests/web/test_widget.py, the page and the real Rasa server come from the `stack`
fixture; page.route stands in for a bot that fails or never answers.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from content.article import load_article
from content.clinic import load_clinic
from tests.web.support import (
    CONTRAST_SCRIPT,
    DESKTOP,
    LANDSCAPE,
    PHONE,
    PHONE_LARGE,
    SCREENSHOTS,
    UNREACHABLE,
    WEBHOOK,
    ZOOM_200,
    ZOOM_400,
    Widget,
    fake_bot,
    open_widget,
    page_url,
    wait_for_user_turns,
)

pytestmark = pytest.mark.server

WHAT_IS = load_article().passage("what_is.p1").text
AFTERCARE = "What should I do after the treatment?"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# SLOW_ANSWER_MS and MAX_MESSAGE_LENGTH in widget.js.
SLOW_ANSWER_MS = 4000
LIMIT = 2000
# A long answer from a fake bot: 30 paragraphs, well over any panel's height.
LONG_TEXT = "\n\n".join(f"Paragraph {n} of a long answer about aftercare." for n in range(30))


def webhook_posts(page: Page) -> list[dict]:
    """The JSON bodies of the webhook requests the page sends, as they go out."""
    posts: list[dict] = []

    def record(request) -> None:
        if request.method == "POST" and request.url.endswith("/webhooks/rest/webhook"):
            posts.append(request.post_data_json)

    page.on("request", record)
    return posts


def body_scroll(page: Page) -> float:
    return page.locator(".cdw-body").evaluate("e => e.scrollTop")


def wait_for_scroll(page: Page, top: float) -> None:
    page.wait_for_function(
        "top => Math.abs(document.querySelector('.cdw-body').scrollTop - top) <= 2", arg=top
    )


def screenshot(page: Page, name: str) -> None:
    page.wait_for_timeout(300)  # let the entry animations finish before the picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


# ------------------------------------------------------------------ reading


def test_a_long_answer_is_shown_from_its_top_not_its_disclaimer(page, stack):
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")
    expect(widget.bot_messages).to_have_count(1)

    widget.ask(AFTERCARE)

    answer = widget.bot_messages.nth(1)
    expect(answer.locator(".cdw-disclaimer")).to_be_attached()
    height = answer.evaluate("e => e.offsetHeight")
    view = widget.body.evaluate("e => e.clientHeight")
    assert height > view, "the aftercare answer should be taller than the panel"
    # Its first line is where the patient starts reading; the disclaimer is further down.
    expect(answer.locator(".cdw-text > :first-child")).to_be_in_viewport(ratio=1)
    expect(answer.locator(".cdw-disclaimer")).not_to_be_in_viewport()
    offset = answer.evaluate(
        "e => e.getBoundingClientRect().top"
        " - document.querySelector('.cdw-body').getBoundingClientRect().top"
    )
    assert 0 <= offset <= 24


def test_a_short_answer_shows_whole_with_the_question_above_it(page, stack):
    page.route(WEBHOOK, fake_bot(stack, [{"text": LONG_TEXT}]))
    widget = open_widget(page, stack)
    widget.ask("first")
    expect(widget.bot_messages).to_have_count(1)
    page.unroute(WEBHOOK)
    page.route(WEBHOOK, fake_bot(stack, [{"text": "A short answer."}]))

    widget.ask("second")

    expect(widget.bot_messages.last).to_have_text("Assistant: A short answer.")
    expect(widget.bot_messages.last).to_be_in_viewport(ratio=1)
    expect(widget.user_messages.last).to_be_in_viewport(ratio=1)
    at_end = widget.body.evaluate("e => e.scrollHeight - e.scrollTop - e.clientHeight")
    assert at_end <= 2


def test_an_answer_goes_under_its_question_and_stays_in_view_while_the_next_is_asked(page, stack):
    held: list[Route] = []
    page.route(WEBHOOK, lambda route: held.append(route))  # answered by hand, below
    widget = open_widget(page, stack)
    widget.ask("first")
    page.wait_for_function("() => !document.querySelector('.cdw-typing').hidden")
    widget.ask("second")  # queued behind the first
    assert len(held) == 1
    fake_bot(stack, [{"text": LONG_TEXT}])(held[0])

    expect(widget.bot_messages).to_have_count(1)
    for _ in range(50):  # the second message goes out once the first is answered
        if len(held) == 2:
            break
        page.wait_for_timeout(100)
    assert len(held) == 2
    expect(page.locator(".cdw-typing")).to_be_visible()
    # The log reads question, its answer, next question; the answer is read from its top.
    messages = page.locator(".cdw-msg--user, .cdw-msg--bot")
    expect(messages).to_have_text(
        ["You: first", re.compile("^Assistant: Paragraph 0"), "You: second"]
    )
    expect(widget.bot_messages.first.locator(".cdw-text > :first-child")).to_be_in_viewport(
        ratio=1
    )
    assert [e["text"] for e in widget.stored("log")][::2] == ["first", "second"]


def test_the_conversation_reopens_where_the_patient_left_it(page, stack):
    page.route(WEBHOOK, fake_bot(stack, [{"text": LONG_TEXT}]))
    widget = open_widget(page, stack)
    for n in range(3):
        widget.ask(f"question {n}")
        expect(widget.bot_messages).to_have_count(n + 1)
    end = widget.body.evaluate("e => e.scrollHeight - e.clientHeight")
    assert end > 1500
    middle = round(end / 2)
    widget.body.evaluate("(e, top) => { e.scrollTop = top; }", middle)
    page.wait_for_timeout(400)

    page.reload()
    expect(widget.panel).to_be_visible()
    wait_for_scroll(page, middle)
    # The bot's /clinic answer arrives after the reload: the place must not move with it.
    page.wait_for_timeout(1000)
    assert abs(body_scroll(page) - middle) <= 2

    # Another page of the same site: the same place.
    page.goto(page_url(stack) + "&page=prices")
    expect(widget.panel).to_be_visible()
    wait_for_scroll(page, middle)

    # Closed, then opened on the next page: still there.
    widget.close_button.click()
    page.reload()
    widget.open()
    wait_for_scroll(page, middle)


def test_the_panel_reopens_at_the_end_when_the_patient_was_there(page, stack):
    page.route(WEBHOOK, fake_bot(stack, [{"text": "A short answer."}]))
    widget = open_widget(page, stack)
    for n in range(8):
        widget.ask(f"question {n}")
        expect(widget.bot_messages).to_have_count(n + 1)
    end = widget.body.evaluate("e => e.scrollHeight - e.clientHeight")
    assert end > 0 and abs(body_scroll(page) - end) <= 2

    page.reload()
    expect(widget.panel).to_be_visible()
    wait_for_scroll(page, end)
    expect(widget.bot_messages.last).to_be_in_viewport()


def test_a_message_over_the_limit_is_flagged_and_never_cut(new_page, stack):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    posts = webhook_posts(page)
    widget = open_widget(page, stack)
    expect(widget.counter).to_be_hidden()

    near = "word " * 370  # 1,850 characters
    widget.input.fill(near)
    expect(widget.counter).to_be_visible()
    expect(widget.counter).to_have_text("1,849 / 2,000 characters")  # trailing space trimmed
    expect(widget.input).to_have_attribute("aria-describedby", "cdw-counter")

    pasted = ("lorem ipsum " * 200).strip() + " THE-END"  # 2,407 characters
    widget.input.fill("")
    page.evaluate("text => navigator.clipboard.writeText(text)", pasted)
    widget.input.focus()
    page.keyboard.press("ControlOrMeta+V")

    expect(widget.input).to_have_value(pasted)  # whole, not cut at 2,000
    expect(widget.counter).to_contain_text("2,407 / 2,000 characters: 407 too many")
    expect(widget.input).to_have_attribute("aria-invalid", "true")
    page.keyboard.press("Enter")
    expect(widget.counter).to_contain_text("Not sent")
    expect(widget.input).to_have_value(pasted)
    expect(widget.input).to_be_focused()
    expect(widget.user_messages).to_have_count(0)
    assert posts == []
    # The patient hears it too: the status says what the counter says.
    expect(page.locator(".cdw-panel > [role=status]")).to_contain_text("407 too many")
    ratios = page.locator(".cdw-counter").evaluate_all(CONTRAST_SCRIPT)
    assert all(ratio >= 4.5 for _, ratio in ratios), ratios

    shorter = pasted[: LIMIT - 8] + " THE-END"
    widget.input.fill(shorter)
    expect(widget.input).not_to_have_attribute("aria-invalid", "true")
    widget.send_button.click()
    expect(widget.user_messages).to_have_count(1)
    expect(widget.counter).to_be_hidden()
    page.wait_for_timeout(200)
    assert posts[0]["message"] == shorter  # sent whole, ending with its last word


def test_typed_slash_text_is_sent_as_text_with_a_message_id(page, stack):
    posts = webhook_posts(page)
    widget = open_widget(page, stack)
    widget.ask("/restart")
    expect(widget.bot_messages).not_to_have_count(0)
    widget.ask("hello")
    expect(widget.quick_replies).not_to_have_count(0)
    widget.quick_replies.first.click()
    expect(widget.user_messages).to_have_count(3)
    expect(widget.bot_messages.last).not_to_have_text("")

    typed = posts[0]
    assert typed["message"] == "/restart"
    assert "payload" not in typed
    assert UUID.match(typed["message_id"])
    assert posts[2]["payload"] is True  # only the widget's own buttons send payloads
    ids = [post["message_id"] for post in posts]
    assert len(set(ids)) == 3, "each message has its own message_id"


# ------------------------------------------------------------------ slow or failing bot


def test_a_slow_answer_says_still_working(page, stack):
    page.clock.install()
    page.route(WEBHOOK, lambda route: None)  # never answered
    widget = open_widget(page, stack)
    typing = page.locator(".cdw-typing")

    widget.ask("hello")
    expect(typing).to_be_visible()
    page.clock.run_for(SLOW_ANSWER_MS - 1000)
    expect(typing.get_by_text("Still working on your answer")).to_be_hidden()
    page.clock.run_for(1500)
    expect(typing.get_by_text("Still working on your answer")).to_be_visible()
    expect(typing).to_have_attribute("role", "status")


def test_retry_after_an_outage_sends_the_turn_once(page, stack):
    attempts: list[dict] = []

    def fail_once(route: Route) -> None:
        attempts.append(route.request.post_data_json)
        if len(attempts) == 1:
            route.abort()
        else:
            route.continue_()

    page.route(WEBHOOK, fail_once)
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")

    notice = widget.notices.last
    expect(notice).to_contain_text(UNREACHABLE)
    # How to reach the clinic (its phone, as the bot's /clinic gives it) and urgent help.
    expect(notice).to_contain_text(f"contact the clinic directly on {load_clinic().phone}")
    expect(notice).to_contain_text(f"call {load_clinic().emergency_number} now")
    expect(widget.user_messages).to_have_text(["You: What is mesotherapy?"])
    expect(widget.retry_buttons).to_have_count(1)
    expect(widget.retry_buttons).to_have_accessible_name(
        re.compile("Retry sending .What is mesotherapy")
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-retry.png"))
    # Reloaded before retrying: the failed message and its Retry are still there.
    page.reload()
    expect(widget.retry_buttons).to_have_count(1)

    widget.retry_buttons.click()

    expect(widget.last_bot_message().locator(".cdw-text")).to_contain_text(WHAT_IS)
    expect(widget.notices).to_have_count(0)
    expect(widget.retry_buttons).to_have_count(0)
    expect(widget.user_messages).to_have_text(["You: What is mesotherapy?"])
    expect(widget.bot_messages).to_have_count(1)
    expect(widget.input).to_be_focused()
    first, second = attempts
    assert first == second, "a retry sends the same message with the same message_id"
    assert UUID.match(first["message_id"])
    sender = first["sender"]
    assert wait_for_user_turns(stack, sender, 1) == ["What is mesotherapy?"]
    # What is stored in the browser says the same as the log.
    stored = widget.stored("log")
    assert [(e["from"], e.get("state")) for e in stored] == [("user", None), ("bot", None)]
    page.reload()
    expect(widget.user_messages).to_have_text(["You: What is mesotherapy?"])
    expect(widget.bot_messages).to_have_count(1)
    expect(widget.notices).to_have_count(0)


def test_a_retry_after_a_lost_answer_does_not_repeat_the_turn(page, stack):
    # The bot stored the turn, but its answer never reached the browser.
    attempts: list[dict] = []

    def lose_first_answer(route: Route) -> None:
        attempts.append(route.request.post_data_json)
        if len(attempts) == 1:
            route.fetch(timeout=30000)  # the server answers ...
            route.abort()  # ... and the answer is lost on the way
        else:
            route.continue_()

    page.route(WEBHOOK, lose_first_answer)
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")
    expect(widget.retry_buttons).to_have_count(1)
    sender = attempts[0]["sender"]
    assert wait_for_user_turns(stack, sender, 1) == ["What is mesotherapy?"]

    widget.retry_buttons.click()

    expect(widget.last_bot_message().locator(".cdw-text")).to_contain_text(WHAT_IS)
    assert attempts[0] == attempts[1]
    assert wait_for_user_turns(stack, sender, 2, timeout=3) == ["What is mesotherapy?"]


def test_a_retry_goes_after_what_was_answered_since(page, stack):
    attempts: list[str] = []

    def first_fails(route: Route) -> None:
        attempts.append(route.request.post_data_json["message"])
        if len(attempts) == 1:
            route.abort()
        else:
            route.continue_()

    page.route(WEBHOOK, first_fails)
    widget = open_widget(page, stack)
    widget.ask("What is mesotherapy?")
    expect(widget.retry_buttons).to_have_count(1)
    widget.ask("hello")
    expect(widget.bot_messages).to_have_count(1)

    widget.retry_buttons.click()
    expect(widget.bot_messages).to_have_count(2)

    # The log reads in the order the bot got the messages, as the server stored them.
    messages = page.locator(".cdw-msg--user, .cdw-msg--bot")
    expect(messages.nth(0)).to_have_text("You: hello")
    expect(messages.nth(1)).to_contain_text("Citidrips virtual assistant")
    expect(messages.nth(2)).to_have_text("You: What is mesotherapy?")
    expect(messages.nth(3)).to_contain_text(WHAT_IS)
    sender = widget.stored("sender")
    assert wait_for_user_turns(stack, sender, 2) == ["hello", "What is mesotherapy?"]
    stored = [(e["from"], e["text"][:10]) for e in widget.stored("log")]
    assert [who for who, _ in stored] == ["user", "bot", "user", "bot"]
    assert stored[0][1] == "hello" and stored[2][1] == "What is me"


def test_rate_limited_messages_can_be_retried(page, stack):
    answers = [
        fake_bot(stack, {"error": "slow down"}, status=429),
        fake_bot(stack, [{"text": "Hi!"}]),
    ]
    ids: list[str] = []

    def handle(route: Route) -> None:
        ids.append(route.request.post_data_json["message_id"])
        answers[min(len(ids), 2) - 1](route)

    page.route(WEBHOOK, handle)
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.notices.last).to_contain_text("Please wait a moment")
    widget.retry_buttons.click()
    expect(widget.bot_messages).to_have_text(["Assistant: Hi!"])
    assert ids[0] == ids[1]


# ------------------------------------------------------------------ any screen


@pytest.mark.parametrize(
    "name, viewport, scale",
    [
        ("landscape", LANDSCAPE, 3),
        ("zoom-200", ZOOM_200, 2),
        ("zoom-400", ZOOM_400, 4),
    ],
)
def test_full_screen_with_a_smaller_header_at_small_heights(
    new_page, stack, name, viewport, scale
):
    page = new_page(viewport=viewport, device_scale_factor=scale)
    page.route(WEBHOOK, fake_bot(stack, [{"text": "An answer.\n\nThis is not medical advice."}]))
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.bot_messages).to_have_count(1)

    box = widget.panel.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (
        0,
        0,
        viewport["width"],
        viewport["height"],
    )
    header = page.locator(".cdw-header").bounding_box()["height"]
    assert header <= 48, f"the header takes {header}px of {viewport['height']}"
    expect(page.locator(".cdw-subtitle")).to_be_hidden()
    body = widget.body.evaluate("e => e.clientHeight")
    assert body >= viewport["height"] * 0.3, f"only {body}px left for the conversation"
    for control in (widget.input, widget.send_button, widget.close_button, widget.delete_button):
        expect(control).to_be_in_viewport(ratio=1)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways"
    assert widget.body.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(widget.panel).to_have_attribute("aria-modal", "true")
    screenshot(page, f"widget-{name}.png")


def test_screenshots_of_the_desktop_and_a_larger_phone(new_page, stack):
    for name, options in [
        ("desktop", {"viewport": DESKTOP}),
        ("phone-390", {"viewport": PHONE_LARGE, "is_mobile": True, "has_touch": True}),
    ]:
        page = new_page(**options)
        widget = open_widget(page, stack)
        widget.ask(AFTERCARE)
        expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_attached()
        screenshot(page, f"widget-{name}-answer.png")


def test_the_conversation_can_be_scrolled_from_the_keyboard(page, stack):
    page.route(WEBHOOK, fake_bot(stack, [{"text": LONG_TEXT}]))
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.bot_messages).to_have_count(1)
    scroller = page.locator(".cdw-body")
    assert scroller.evaluate("e => e.scrollHeight > e.clientHeight")

    # axe's scrollable-region-focusable, checked directly: every scrolling part of the
    # panel is focusable, with a role and a name to be announced by.
    scrolling = page.locator(".cdw-panel *").evaluate_all(
        """nodes => nodes.filter(n => n.scrollHeight > n.clientHeight + 1
             && ['auto', 'scroll'].includes(getComputedStyle(n).overflowY))
           .map(n => [n.tabIndex, n.getAttribute('role'), n.getAttribute('aria-label')])"""
    )
    assert scrolling == [[0, "region", "Chat messages"]]
    expect(widget.body).to_have_attribute("tabindex", "0")

    widget.input.focus()
    page.keyboard.press("Shift+Tab")  # the delete control
    page.keyboard.press("Shift+Tab")
    expect(widget.body).to_be_focused()
    outline = widget.body.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none"), "the focused conversation shows no focus outline"
    widget.body.evaluate("e => { e.scrollTop = 0; }")
    page.keyboard.press("PageDown")
    page.wait_for_function("() => document.querySelector('.cdw-body').scrollTop > 100")


def test_on_a_phone_the_panel_is_modal_and_the_page_stays_still(new_page, stack):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(page_url(stack))
    widget = Widget(page)
    page.evaluate("() => window.scrollTo(0, 300)")
    page.wait_for_function("() => window.scrollY === 300")
    page.evaluate("() => window.scrollTo(0, 250)")  # scrolling up: the launcher is there
    expect(widget.launcher).to_be_in_viewport()
    widget.open()

    expect(widget.panel).to_have_attribute("aria-modal", "true")
    behind = page.locator("body > *:not(.cdw-root)")
    assert behind.count() > 3
    assert all(behind.evaluate_all("nodes => nodes.map(n => n.inert)"))
    assert page.locator(".cdw-root").evaluate("e => e.inert") is False
    # The page behind does not move under the patient's finger or wheel.
    page.mouse.move(100, 20)  # over the panel's header, which does not scroll
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.scrollY") == 250
    assert page.evaluate("() => getComputedStyle(document.documentElement).overflowY") == "hidden"

    widget.close_button.click()
    assert not any(behind.evaluate_all("nodes => nodes.map(n => n.inert)"))
    assert page.evaluate("() => getComputedStyle(document.documentElement).overflowY") != "hidden"
    assert page.evaluate("() => window.scrollY") == 250  # where the patient was
    page.mouse.wheel(0, 200)
    page.wait_for_function("() => window.scrollY > 250")


def test_on_a_desktop_the_panel_is_not_modal(page, stack):
    widget = open_widget(page, stack)
    expect(widget.panel).not_to_have_attribute("aria-modal", "true")
    assert not any(page.locator("body > *").evaluate_all("nodes => nodes.map(n => n.inert)"))


def test_forced_colours_keep_bubbles_send_and_typing_dots_visible(new_page, stack):
    page = new_page(forced_colors="active")
    replies = [{"text": "An ordinary answer."}]
    page.route(WEBHOOK, fake_bot(stack, replies))
    widget = open_widget(page, stack)
    widget.ask("hello")
    expect(widget.bot_messages).to_have_count(1)
    page.unroute(WEBHOOK)
    page.route(WEBHOOK, lambda route: None)  # never answered: the dots stay
    widget.ask("and?")
    expect(page.locator(".cdw-typing")).to_be_visible()

    edges = page.locator(
        ".cdw-msg--user .cdw-bubble, .cdw-msg--bot .cdw-bubble, .cdw-send, .cdw-typing"
    ).evaluate_all(
        """nodes => nodes.map(n => {
             const s = getComputedStyle(n);
             const border = parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== 'none'
               && s.borderTopColor !== s.backgroundColor;
             const outline = parseFloat(s.outlineWidth) > 0 && s.outlineStyle !== 'none'
               && s.outlineColor !== s.backgroundColor;
             return [n.className, border || outline];
           })"""
    )
    assert len(edges) == 5
    assert all(visible for _, visible in edges), f"no visible boundary: {edges}"
    dots = page.locator(".cdw-dot").evaluate_all(
        """nodes => nodes.map(n => [getComputedStyle(n).backgroundColor,
             getComputedStyle(n.closest('.cdw-panel')).backgroundColor])"""
    )
    assert len(dots) == 3
    assert all(dot != panel for dot, panel in dots), f"the typing dots vanish: {dots}"


def test_the_launcher_says_close_chat_while_open_and_escape_closes(page, stack):
    widget = Widget(page)
    page.goto(page_url(stack))
    expect(widget.launcher).to_have_accessible_name("Chat with us")
    widget.launcher.click()
    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_accessible_name("Close chat")
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")

    widget.launcher.focus()
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_accessible_name("Chat with us")

    # Tab past the panel's last control reaches the launcher, which closes it.
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    page.keyboard.press("Tab")  # Send
    page.keyboard.press("Tab")
    expect(widget.launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_hidden()


def test_on_a_phone_the_launcher_is_small_and_tucks_away_while_reading(new_page, stack):
    page = new_page(viewport=PHONE_LARGE, is_mobile=True, has_touch=True)
    page.goto(page_url(stack))
    widget = Widget(page)
    expect(widget.launcher).to_be_in_viewport()
    box = widget.launcher.bounding_box()
    assert box["width"] <= 56 and box["height"] <= 56, box
    assert box["height"] >= 44  # still an easy target
    expect(widget.launcher).to_have_accessible_name("Chat with us")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-phone-390-closed.png"))

    for _ in range(3):
        page.mouse.wheel(0, 200)
        page.wait_for_timeout(100)
    expect(widget.launcher).not_to_be_in_viewport()
    page.mouse.wheel(0, -120)
    expect(widget.launcher).to_be_in_viewport()
    widget.launcher.click()
    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_be_hidden()  # the full-screen panel has its own Close


def test_on_a_phone_the_launcher_comes_back_for_the_keyboard(new_page, stack):
    page = new_page(viewport=PHONE_LARGE)
    page.goto(page_url(stack))
    widget = Widget(page)
    page.mouse.wheel(0, 600)
    expect(widget.launcher).not_to_be_in_viewport()
    widget.launcher.focus()
    expect(widget.launcher).to_be_in_viewport()
