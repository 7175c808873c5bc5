"""The widget embedded on the clinic's own site, as docs/widget.md tells the clinic to.

A page on a second origin (another local port) carries the documented snippet, adapted
only in its hosts and ports, under the documented Content-Security-Policy; it loads
widget.js from the bot's web server and chats through a real Rasa server whose
WEB_ORIGINS lists that second origin. Misconfigurations show in the console, naming the fix.
"""

from __future__ import annotations

import http.server
import re
import threading

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from content.article import load_article
from runtime.settings import ROOT
from runtime.stack import free_port
from tests.conftest import make_stack
from tests.web.support import (
    CLINIC,
    UNREACHABLE,
    WEBHOOK,
    Widget,
    fake_bot,
    serve_web_folder_as,
    wait_for_user_turns,
)

pytestmark = pytest.mark.server

WHAT_IS = load_article().passage("what_is.p1").text
DOC = ROOT / "docs" / "widget.md"
# The bot's address in the documentation's examples.
DOC_BOT = "https://chat.citidrips.example"


def documented(language: str) -> str:
    """The first ```<language> block of docs/widget.md."""
    match = re.search(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, f"docs/widget.md has no ```{language} block"
    return match.group(1).strip()


def snippet_for(web_origin: str, bot_origin: str) -> str:
    """The documented snippet with the test's hosts: widget.js from the bot's web server,
    the chat with the Rasa server (one origin in production, two ports here)."""
    snippet = documented("html")
    assert snippet.count(DOC_BOT) == 2
    snippet = snippet.replace(f'src="{DOC_BOT}/', f'src="{web_origin}/')
    return snippet.replace(f'data-bot-url="{DOC_BOT}"', f'data-bot-url="{bot_origin}"')


def csp_for(web_origin: str, bot_origin: str) -> str:
    """The documented Content-Security-Policy with the test's hosts."""
    header = documented("http")
    name, _, policy = header.partition(": ")
    assert name == "Content-Security-Policy" and DOC_BOT in policy
    directives = []
    for directive in policy.split("; "):
        origin = bot_origin if directive.startswith("connect-src") else web_origin
        directives.append(directive.replace(DOC_BOT, origin))
    return "; ".join(directives)


def clinic_page(snippet: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>Citidrips clinic</title></head>\n<body>\n<main><h1>Citidrips clinic</h1>"
        + "<p>Our treatments.</p>" * 40
        + f"</main>\n{snippet}\n</body>\n</html>\n"
    )


class ClinicSite:
    """The clinic's website on its own origin: pages registered by path, each with its CSP."""

    def __init__(self, port: int):
        self.origin = f"http://127.0.0.1:{port}"
        self.pages: dict[str, tuple[str, str]] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = site.pages.get(self.path.split("?")[0])
                if self.path == "/favicon.ico":
                    self.send_response(204)
                    self.end_headers()
                    return
                if page is None:
                    self.send_error(404)
                    return
                html, csp = page
                body = html.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", csp)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, web_origin: str, bot_origin: str) -> str:
        html = clinic_page(snippet_for(web_origin, bot_origin))
        self.pages[path] = (html, csp_for(web_origin, bot_origin))
        return self.origin + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def embed_stack(tmp_path_factory, site_port):
    """A bot whose WEB_ORIGINS lists the clinic's site (and only it)."""
    with make_stack(
        tmp_path_factory,
        "embed",
        WEB_ORIGINS=f"http://127.0.0.1:{site_port}",
        BOT_RATE_LIMIT_PER_IP="0/60",
        BOT_RATE_LIMIT_PER_SENDER="0/60",
    ) as running:
        yield running


@pytest.fixture(scope="module")
def clinic_site(site_port):
    site = ClinicSite(site_port)
    yield site
    site.close()


def console_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", record)
    return errors


def origins(stack) -> tuple[str, str]:
    """The bot's web server (widget.js) and its Rasa server (the chat)."""
    return stack.page_origin, f"http://127.0.0.1:{stack.rasa_port}"


def test_the_documented_snippet_works_on_the_clinics_own_origin(page, embed_stack, clinic_site):
    url = clinic_site.add("/", *origins(embed_stack))
    errors = console_errors(page)
    posts = []
    page.on("request", lambda r: posts.append(r) if r.url.endswith("/rest/webhook") else None)

    page.goto(url)
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    # widget.css came from next to widget.js, on the bot's server, through the CSP.
    assert widget.launcher.evaluate("e => getComputedStyle(e).position") == "fixed"
    widget.open().ask("What is mesotherapy?")

    expect(widget.last_bot_message().locator(".cdw-text")).to_contain_text(WHAT_IS)
    expect(widget.last_bot_message().locator(".cdw-disclaimer")).to_be_visible()
    assert posts[0].header_value("origin") == clinic_site.origin
    assert posts[0].url == f"http://127.0.0.1:{embed_stack.rasa_port}/webhooks/rest/webhook"
    sender = posts[0].post_data_json["sender"]
    assert wait_for_user_turns(embed_stack, sender, 1) == ["What is mesotherapy?"]
    assert errors == [], f"console errors on the clinic's page: {errors}"


def test_an_origin_missing_from_web_origins_is_named_in_the_console(page, stack, clinic_site):
    # The suite's main bot lists only its own demo page, not the clinic's site.
    url = clinic_site.add("/not-allowed.html", *origins(stack))
    errors = console_errors(page)
    page.goto(url)
    widget = Widget(page).open()
    widget.ask("hello")

    expect(widget.notices.last).to_contain_text(UNREACHABLE)
    expect(widget.retry_buttons).to_have_count(1)
    ours = [error for error in errors if error.startswith("Citidrips chat widget:")]
    assert len(ours) == 1, errors
    assert "WEB_ORIGINS" in ours[0] and clinic_site.origin in ours[0]
    assert "connect-src" in ours[0]


@pytest.mark.parametrize(
    "origin, attributes, expected",
    [
        ("http://clinic.example", "", "data-bot-url is missing"),
        ("https://clinic.example", 'data-bot-url="http://bot.clinic.example"', "plain http"),
    ],
)
def test_a_misconfigured_snippet_is_named_in_the_console(
    page, stack, origin, attributes, expected
):
    serve_web_folder_as(page, origin, attributes)
    page.route(WEBHOOK, fake_bot(stack, [{"text": "Hi!"}], origin=origin))
    errors = console_errors(page)
    page.goto(f"{origin}/")
    expect(Widget(page).launcher).to_be_visible()
    assert any(expected in error for error in errors), errors


def test_a_correct_snippet_logs_nothing(page, stack):
    origin = "https://clinic.example"
    serve_web_folder_as(page, origin, 'data-bot-url="https://chat.clinic.example"')
    page.route(WEBHOOK, fake_bot(stack, [{"text": "Hi!"}], origin=origin))
    page.route(CLINIC, fake_bot(stack, {"emergency_number": "112"}, origin=origin))
    errors = console_errors(page)
    page.goto(f"{origin}/")
    Widget(page).open().ask("hello")
    expect(Widget(page).bot_messages).to_have_text(["Assistant: Hi!"])
    assert [error for error in errors if "Citidrips" in error] == []


def test_the_stylesheet_can_come_from_data_css_url(page, stack):
    origin = "http://clinic.example"
    css = (ROOT / "web" / "widget.css").read_text(encoding="utf-8")
    serve_web_folder_as(
        page,
        origin,
        'data-bot-url="https://chat.clinic.example" '
        'data-css-url="https://cdn.clinic.example/chat/styles.css"',
    )
    page.route(
        "https://cdn.clinic.example/chat/styles.css",
        lambda route: route.fulfill(status=200, content_type="text/css", body=css),
    )
    page.goto(f"{origin}/")
    launcher = Widget(page).launcher
    expect(launcher).to_be_visible()
    assert launcher.evaluate("e => getComputedStyle(e).position") == "fixed"
    hrefs = page.locator("link[rel=stylesheet]").evaluate_all("nodes => nodes.map(n => n.href)")
    assert hrefs == ["https://cdn.clinic.example/chat/styles.css"]
