"""What the widget's browser tests share: the page's address, the widget as a user finds
it, a fake bot for replies the real one never gives, and a contrast measurement."""

from __future__ import annotations

import json
import re
import sqlite3
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from runtime.settings import ROOT

SCREENSHOTS = ROOT / "reports" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# The screens of issue 13: a larger phone, a landscape phone, and a 1280 x 800 desktop at
# 200 % and 400 % zoom (the CSS pixels the page gets, at 2 and 4 device pixels each).
PHONE_LARGE = {"width": 390, "height": 844}
LANDSCAPE = {"width": 844, "height": 390}
ZOOM_200 = {"width": 640, "height": 400}
ZOOM_400 = {"width": 320, "height": 200}
WEBHOOK = "**/webhooks/rest/webhook"
CLINIC = "**/webhooks/rest/clinic"
FORGET = "**/webhooks/rest/forget"
UNREACHABLE = "Sorry, I can't reach the assistant right now"

expect.set_options(timeout=20000)


def page_url(stack, bot: str | None = None) -> str:
    bot = bot or f"http://127.0.0.1:{stack.rasa_port}"
    return f"http://127.0.0.1:{stack.web_port}/?bot={bot}"


class Widget:
    """The chat widget on a page, found the way a user finds it: by role and name."""

    def __init__(self, page: Page):
        self.page = page
        # "Chat with us", or "Close chat" while the panel is open beside it (its name in
        # each state is checked by test_widget_site.py).
        self.launcher = page.locator(".cdw-launcher")
        self.panel = page.get_by_role("dialog", name="Citidrips assistant")
        self.log = page.get_by_role("log")
        self.input = page.get_by_label("Your question")
        self.send_button = page.get_by_role("button", name="Send", exact=True)
        self.close_button = self.panel.get_by_role("button", name="Close chat")
        self.bot_messages = page.locator(".cdw-msg--bot")
        self.user_messages = page.locator(".cdw-msg--user")
        self.notices = page.locator(".cdw-notice")
        self.retry_buttons = page.get_by_role("button", name=re.compile(r"^Retry"))
        self.counter = page.locator(".cdw-counter")
        self.body = page.get_by_role("region", name="Chat messages")
        self.quick_replies = page.locator(".cdw-quick-reply")
        self.intro = page.locator(".cdw-intro")
        self.delete_button = page.get_by_role("button", name="Delete this conversation")
        self.confirm_delete = page.get_by_role("button", name="Yes, delete")
        self.cancel_delete = page.get_by_role("button", name="Cancel")

    def open(self) -> Widget:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        return self

    def ask(self, question: str) -> None:
        self.input.fill(question)
        self.send_button.click()

    def last_bot_message(self):
        return self.bot_messages.last

    def active_element(self) -> str:
        """A short description of what has the keyboard focus."""
        return self.page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? (e.id ? '#' + e.id : e.className || e.tagName) : ''; }"
        )

    def stored(self, key: str):
        """What the widget keeps in sessionStorage under `key` (parsed), or None."""
        raw = self.page.evaluate("key => sessionStorage.getItem('citidrips-chat:' + key)", key)
        return None if raw is None else json.loads(raw)


def user_turns(stack, sender: str) -> list[str]:
    """The texts of the patient's turns the server stored for the widget's `sender`."""
    with sqlite3.connect(stack.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (f"web:{sender}",),
        ).fetchall()
    return [json.loads(data).get("text") for (data,) in rows]


def wait_for_user_turns(stack, sender: str, count: int, timeout: float = 20) -> list[str]:
    """The stored turns once there are `count` (or the timeout passed), then a moment more
    to let a duplicate show up."""
    deadline = time.monotonic() + timeout
    while len(user_turns(stack, sender)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    return user_turns(stack, sender)


def fake_bot(stack, replies, status: int = 200, origin: str | None = None):
    """A route handler answering the webhook like Rasa would, CORS header included."""

    def handle(route: Route) -> None:
        route.fulfill(
            status=status,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": origin or stack.page_origin},
            body=json.dumps(replies),
        )

    return handle


def open_widget(page: Page, stack) -> Widget:
    page.goto(page_url(stack))
    return Widget(page).open()


def serve_web_folder_as(page: Page, origin: str, script_attributes: str = "") -> None:
    """Serves web/ as if it were the clinic's site at `origin` (no DNS needed)."""

    def handle(route: Route) -> None:
        name = route.request.url[len(origin) :].split("?")[0].lstrip("/") or "index.html"
        body = (ROOT / "web" / name).read_text(encoding="utf-8")
        if name == "index.html" and script_attributes:
            body = body.replace(
                '<script src="widget.js"', f'<script src="widget.js" {script_attributes}'
            )
        types = {"html": "text/html", "js": "text/javascript", "css": "text/css"}
        route.fulfill(status=200, content_type=types[name.rsplit(".", 1)[-1]], body=body)

    page.route(f"{origin}/**", handle)


AXE = Axe()
# What issue 13 asks of every state of the widget: no violation of these impacts.
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page: Page, skip: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each (rule, impact,
    the elements), for an assertion message that says what to fix; `skip` names rules
    not to run."""
    rules = {rule: {"enabled": False} for rule in skip}
    results = AXE.run(page, options={"resultTypes": ["violations"], "rules": rules})
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]} {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


CONTRAST_SCRIPT = """
elements => elements.map(element => {
  const rgba = value => {
    const [r, g, b, a = 1] = value.match(/[\\d.]+/g).map(Number);
    return { r, g, b, a };
  };
  const background = node => {
    for (; node; node = node.parentElement) {
      const color = rgba(getComputedStyle(node).backgroundColor);
      if (color.a > 0) return color;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const luminance = ({ r, g, b }) => {
    const c = v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
  };
  const pseudo = element.tagName === "INPUT" ? "::placeholder" : null;
  const fg = luminance(rgba(getComputedStyle(element, pseudo).color));
  const bg = luminance(background(element));
  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  return [element.className || element.tagName, Math.round(ratio * 100) / 100];
})
"""
