"""The production scale-out profile (BOT_PROFILE=prod): nginx + 2 Rasa replicas on one
PostgreSQL tracker store and one Redis lock store, 2 action servers behind nginx.

Everything is real and on loopback: deploy/services.sh starts PostgreSQL, Redis and nginx
in a temporary folder, deploy/run_prod.py the action servers and replicas with
endpoints.prod.yml. The last test kills a replica in the middle of 50 conversations.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest
import requests
from playwright.sync_api import expect

from content.article import load_article
from deploy.render_nginx import render
from deploy.run_prod import REPLICA_DEFAULTS, ProdSettings, ProdStack
from runtime.settings import HOST, MODEL
from runtime.stack import free_port
from tests.sockets import group_pids, listening_sockets

UNAVAILABLE = "Sorry, I can't answer right now."

pytestmark = [pytest.mark.server, pytest.mark.scale]

RATE_SENDER = str(uuid.uuid4())

ARTICLE = load_article()
AFTERCARE = "Avoid showers or hot baths for at least 48 hours"
HANDS = ARTICLE.passage("areas.hands").text
WHAT_IS = ARTICLE.passage("what_is.p1").text
assert ARTICLE.passage("aftercare.item1").text.startswith(AFTERCARE)

# Each conversation is one of these, ~10 messages; (message, text the reply must contain).
# The follow-ups ("and after?", "what about my hands?") only work with the context stored
# by the previous turn, which was usually answered by the other replica.
CONVERSATIONS = [
    [
        ("hi", None),
        ("What is mesotherapy?", WHAT_IS),
        ("What should I avoid before the treatment?", None),
        ("and after?", AFTERCARE),
        ("which areas can it treat?", None),
        ("what about my hands?", HANDS),
        ("How much does it cost?", None),
        ("Can I drink coffee before my session?", None),
        ("and after?", AFTERCARE),
        ("thanks", None),
    ],
    [
        ("hello", None),
        ("Can I drink coffee before my session?", None),
        ("and after?", AFTERCARE),
        ("which areas can it treat?", None),
        ("what about my hands?", HANDS),
        ("What should I avoid before the treatment?", None),
        ("and after?", AFTERCARE),
        ("will I bruise?", None),
        ("What is mesotherapy?", WHAT_IS),
        ("bye", None),
    ],
    [
        ("What should I avoid before the treatment?", None),
        ("and after?", AFTERCARE),
        ("What is mesotherapy?", WHAT_IS),
        ("which areas can it treat?", None),
        ("what about my hands?", HANDS),
        ("How does it work?", None),
        ("will I bruise?", None),
        ("What should I avoid before the treatment?", None),
        ("and after?", AFTERCARE),
        ("thanks", None),
    ],
]
RETRY_STATUSES = (502, 503, 504)


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def prod():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`")
    # Not under pytest's tmp folder: PostgreSQL runs as its own user and must reach it.
    state = Path(tempfile.mkdtemp(prefix="test-scale-", dir="/tmp"))
    state.chmod(0o755)
    settings = ProdSettings.on_free_ports(
        state,
        replicas=2,
        action_servers=2,
        # The test's 50 conversations come from one address: nginx must let them through,
        # and so must the app's own per-process limits.
        nginx_rate="1000r/s",
        nginx_burst=1000,
        extra_env={
            "BOT_RATE_LIMIT_PER_IP": "0/60",
            "BOT_RATE_LIMIT_PER_SENDER": "0/60",
            # A message retried after the crash waits for the dead replica's conversation
            # lock to expire (TICKET_LOCK_LIFETIME, 25 s): let it get the real answer
            # instead of the "can't answer right now" reply sent after 8 s in production.
            "BOT_ANSWER_TIMEOUT_SECONDS": "45",
        },
    )
    stack = ProdStack(settings)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(state, ignore_errors=True)


def db_rows(stack: ProdStack, sql: str, *params):
    secrets = stack.secrets()
    db = psycopg2.connect(
        host=HOST,
        port=stack.settings.pg_port,
        dbname="rasa",
        user="rasa",
        password=secrets["TRACKER_DB_PASSWORD"],
    )
    try:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        db.close()


def user_texts(stack: ProdStack, sender: str):
    """The patient's messages as stored, for a widget sender (channels/rest.py)."""
    rows = db_rows(
        stack,
        "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
        f"web:{sender}",
    )
    return [json.loads(data)["text"] for (data,) in rows]


def access_log(stack: ProdStack):
    return stack.access_log.read_text().splitlines()


def say(url: str, sender: str, message: str) -> str:
    response = requests.post(url, json={"sender": sender, "message": message}, timeout=60)
    response.raise_for_status()
    return "\n".join(m.get("text", "") for m in response.json())


# ------------------------------------------------------------------ the front door


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/model/parse"),
        ("GET", "/model/parse"),
        ("GET", "/conversations/x/tracker"),
        ("POST", "/conversations/x/messages"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("PUT", "/model"),
    ],
)
def test_rasa_api_is_never_forwarded(prod, method, path):
    response = requests.request(
        method, prod.url.rstrip("/") + path, json={"text": "hi"}, timeout=10
    )
    assert response.status_code == 404
    time.sleep(0.1)  # nginx writes the access log line after the response
    line = [entry for entry in access_log(prod) if f'"{method} {path} ' in entry][-1]
    assert 'up="-"' in line, f"nginx passed {path} to a replica: {line}"


def test_page_and_widget_are_served_with_the_security_headers(prod):
    page = requests.get(prod.url, timeout=10)
    assert page.status_code == 200
    assert f'data-bot-url="{prod.origin}"' in page.text, (
        "the demo page's widget must talk to this origin"
    )
    headers = page.headers
    csp = {d.split()[0]: d.split()[1:] for d in headers["Content-Security-Policy"].split("; ")}
    assert csp["connect-src"] == ["'self'"]
    assert csp["default-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert "nginx/" not in headers.get("Server", "")
    for asset in ("widget.js", "widget.css"):
        response = requests.get(prod.url + asset, timeout=10)
        assert (
            response.status_code == 200 and response.headers["X-Content-Type-Options"] == "nosniff"
        )
    answer = requests.post(
        prod.rest_url, json={"sender": str(uuid.uuid4()), "message": "hi"}, timeout=30
    )
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in answer.headers


def test_body_over_the_limit_is_refused_by_nginx_and_long_messages_still_get_the_polite_reply(
    prod,
):
    sender = str(uuid.uuid4())
    response = requests.post(
        prod.rest_url, json={"sender": sender, "message": "a" * 100_000}, timeout=30
    )
    assert response.status_code == 413
    polite = requests.post(
        prod.rest_url, json={"sender": sender, "message": "What is it? " + "a" * 2100}, timeout=30
    )
    assert polite.status_code == 200 and "too long" in polite.json()[0]["text"]
    assert user_texts(prod, sender) == []


def test_nginx_rate_limit_per_client_address_answers_429(prod):
    """A second nginx with a strict limit in front of the same replicas."""
    state = Path(tempfile.mkdtemp(prefix="test-scale-nginx-", dir="/tmp"))
    (state / "tmp").mkdir()
    if os.geteuid() == 0:
        shutil.chown(state / "tmp", "www-data")
    port = free_port()
    conf = state / "nginx.conf"
    conf.write_text(
        render(
            listen=f"{HOST}:{port}",
            rasa_upstreams=[f"{HOST}:{p}" for p in prod.settings.rasa_ports],
            action_upstreams=[f"{HOST}:{p}" for p in prod.settings.action_ports],
            actions_listen=f"{HOST}:{free_port()}",
            state_dir=state,
            rate="1r/s",
            burst=3,
        )
    )
    subprocess.run(
        [
            shutil.which("nginx") or "/usr/sbin/nginx",
            "-p",
            f"{state}/",
            "-e",
            str(state / "error.log"),
            "-c",
            str(conf),
        ],
        check=True,
        timeout=30,
    )
    try:
        url = f"http://{HOST}:{port}/webhooks/rest/webhook"
        body = {"sender": RATE_SENDER, "message": "hi"}
        statuses = [requests.post(url, json=body, timeout=30).status_code for _ in range(8)]
        assert statuses[:4] == [200] * 4, statuses  # 1 + burst of 3
        assert 429 in statuses[4:], statuses
        assert requests.get(f"http://{HOST}:{port}/", timeout=10).status_code == 200, (
            "static files are not limited"
        )
    finally:
        pid = int((state / "nginx.pid").read_text())
        os.kill(pid, signal.SIGQUIT)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        shutil.rmtree(state, ignore_errors=True)


def test_the_widget_works_under_the_content_security_policy(prod, chromium):
    page = chromium.new_page()
    try:
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(prod.url)
        page.get_by_role("button", name="Chat with us").click()
        page.get_by_label("Your question").fill("What is mesotherapy?")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.locator(".cdw-msg--bot").last).to_contain_text(WHAT_IS[:60], timeout=30000)
        assert (
            page.locator(".cdw-msg--bot").last.evaluate("e => getComputedStyle(e).display")
            != "inline"
        ), "widget.css must load under the policy"
        assert not problems, f"console errors (CSP violations?): {problems}"
    finally:
        page.close()


def test_context_lives_in_postgres_so_any_replica_continues_a_conversation(prod):
    first, second = (
        f"http://{HOST}:{port}/webhooks/rest/webhook" for port in prod.settings.rasa_ports
    )
    sender = str(uuid.uuid4())
    say(first, sender, "What should I avoid before the treatment?")
    assert AFTERCARE in say(second, sender, "and after?")
    say(second, sender, "which areas can it treat?")
    assert HANDS in say(first, sender, "what about my hands?")
    assert user_texts(prod, sender) == [
        "What should I avoid before the treatment?",
        "and after?",
        "which areas can it treat?",
        "what about my hands?",
    ]


# ------------------------------------------------------------------ a replica dies under load


def test_fifty_conversations_survive_killing_a_replica(prod):
    conversations = 50
    total = sum(len(CONVERSATIONS[i % len(CONVERSATIONS)]) for i in range(conversations))
    victim = 1
    victim_port = prod.settings.rasa_ports[victim]
    survivor_port = prod.settings.rasa_ports[1 - victim]
    log_start = len(access_log(prod))
    sent = {"count": 0}
    lock = threading.Lock()
    killed_at: list = []
    kill_now = threading.Event()

    def killer():
        kill_now.wait(timeout=300)
        killed_at.append(time.monotonic())
        prod.kill_replica(victim)
        killed_at.append(time.monotonic())  # the process is gone (reaped) by now

    def converse(index):
        sender = str(uuid.uuid4())
        session = requests.Session()
        record = {
            "sender": sender,
            "sent": [],
            "wrong": [],
            "failed": [],
            "retries": [],
            "unavailable": [],
        }
        for message, expected in CONVERSATIONS[index % len(CONVERSATIONS)]:
            reply = None
            for attempt in (1, 2):  # a request in flight on the killed replica may be retried once
                started = time.monotonic()
                try:
                    response = session.post(
                        prod.rest_url, json={"sender": sender, "message": message}, timeout=60
                    )
                    problem = (
                        f"HTTP {response.status_code}" if response.status_code != 200 else None
                    )
                except requests.RequestException as error:
                    response, problem = None, type(error).__name__
                if problem is None:
                    reply = "\n".join(m.get("text", "") for m in response.json())
                    break
                if attempt == 1 and (response is None or response.status_code in RETRY_STATUSES):
                    record["retries"].append((message, started, time.monotonic(), problem))
                    continue
                record["failed"].append((message, problem))
                break
            record["sent"].append(message)
            if reply is not None and reply.startswith(UNAVAILABLE):
                # The conversation's lock was held by the killed replica's turn: the
                # patient is told to try again instead of waiting (see below).
                record["unavailable"].append((message, started, len(record["sent"]) - 1))
            elif reply is not None and expected is not None and expected not in reply:
                record["wrong"].append((message, reply[:120]))
            with lock:
                sent["count"] += 1
                if sent["count"] >= total * 0.4:
                    kill_now.set()
        return record

    started = time.monotonic()
    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        records = list(pool.map(converse, range(conversations)))
    kill_now.set()
    kill_thread.join()
    duration = time.monotonic() - started
    assert killed_at and prod.replica_process(victim).poll() is not None, (
        "the replica was not killed"
    )

    # Every message got its answer (after at most one retry of a request the crash cut off).
    assert [r["failed"] for r in records if r["failed"]] == []
    retries = [retry for r in records for retry in r["retries"]]
    for message, began, ended, problem in retries:
        assert began <= killed_at[1] and ended >= killed_at[0], (
            f"{message!r} failed ({problem}) but was not in flight at the kill"
        )
    assert len(retries) <= conversations

    # A conversation whose turn died with the replica stays locked in Redis until the
    # lock expires; a message sent meanwhile gets the polite "try again" reply. That
    # happens only in that window, and at most once per conversation.
    lock_lifetime = int(REPLICA_DEFAULTS["TICKET_LOCK_LIFETIME"])
    for record in records:
        assert len(record["unavailable"]) <= 1, record["unavailable"]
        for message, began, _ in record["unavailable"]:
            assert killed_at[0] - 1 <= began <= killed_at[1] + lock_lifetime + 5, (
                f"{message!r} unavailable outside the lock window"
            )

    # Follow-ups kept their context, whichever replica answered each turn.
    assert [(r["sender"], r["wrong"]) for r in records if r["wrong"]] == []

    # nginx: both replicas served before the kill; afterwards the dead one was skipped
    # (a refused connection is passed on to the survivor within the same request).
    time.sleep(0.5)
    lines = access_log(prod)[log_start:]
    webhook = [line for line in lines if "/webhooks/rest/webhook" in line]
    assert any(f'up="{HOST}:{victim_port}" us="200"' in line for line in webhook)
    assert any(f'up="{HOST}:{survivor_port}" us="200"' in line for line in webhook)
    passed_on_pattern = re.compile(
        rf'up="{HOST}:{victim_port}, {HOST}:{survivor_port}" us="502, 200"'
    )
    if not any(passed_on_pattern.search(line) for line in webhook):
        # The 502s of the cut-off requests made nginx rest the dead replica for
        # fail_timeout (10 s); once that is over it tries it again with the next request.
        time.sleep(max(0.0, killed_at[0] + 11 - time.monotonic()))
        for _ in range(4):
            say(prod.rest_url, str(uuid.uuid4()), "hi")
        time.sleep(0.5)
        webhook = [
            line for line in access_log(prod)[log_start:] if "/webhooks/rest/webhook" in line
        ]
    passed_on = [line for line in webhook if passed_on_pattern.search(line)]
    assert passed_on, "nginx never passed a request for the dead replica on to the survivor"

    # PostgreSQL has every conversation complete and in order. A message whose request
    # died with the replica after its turn was stored may be stored twice (at-least-once,
    # docs/deployment.md): only such a retried message may appear one extra time.
    duplicates = 0
    for record in records:
        stored = user_texts(prod, record["sender"])
        retried = {message for message, *_ in record["retries"]}
        collapsed = [
            text
            for i, text in enumerate(stored)
            if not (i and text == stored[i - 1] and text in retried)
        ]
        duplicates += len(stored) - len(collapsed)
        # A message answered "try again" (its turn could not get the lock) is not stored.
        told_to_retry = {index for *_, index in record["unavailable"]}
        without_those = [m for i, m in enumerate(record["sent"]) if i not in told_to_retry]
        assert collapsed in (record["sent"], without_those), record["sender"]
    assert duplicates <= len(retries)
    print(
        f"\n{total} messages in {duration:.0f} s; killed replica {victim + 1} after "
        f"{killed_at[0] - started:.0f} s; {len(passed_on)} request(s) passed on by nginx, "
        f"{len(retries)} retried by the client, {duplicates} stored twice"
    )


def test_a_restarted_replica_rejoins_and_continues_conversations(prod):
    victim = 1
    assert prod.replica_process(victim).poll() is not None, "runs after the kill test"
    sender = str(uuid.uuid4())
    say(prod.rest_url, sender, "What should I avoid before the treatment?")
    prod.restart_replica(victim)
    port = prod.settings.rasa_ports[victim]
    log_start = len(access_log(prod))
    # nginx tries a failed server again after fail_timeout (10 s) at the latest.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        say(prod.rest_url, str(uuid.uuid4()), "hi")
        time.sleep(0.1)
        if any(f'up="{HOST}:{port}" us="200"' in line for line in access_log(prod)[log_start:]):
            break
    else:
        pytest.fail("nginx never sent a request to the restarted replica")
    direct = f"http://{HOST}:{port}/webhooks/rest/webhook"
    assert AFTERCARE in say(direct, sender, "and after?")


def test_every_listener_of_the_prod_profile_is_where_the_deployment_guide_says(prod):
    """docs/deployment.md: nginx is the only public entry (here on loopback too, as
    NGINX_LISTEN defaults); replicas, action servers, PostgreSQL and Redis on loopback."""
    s = prod.settings
    ports = {
        s.nginx_port,
        s.actions_lb_port,
        s.pg_port,
        s.redis_port,
        *s.rasa_ports,
        *s.action_ports,
    }
    found = {(address, port) for address, port in listening_sockets() if port in ports}
    assert {port for _, port in found} == ports
    assert {address for address, _ in found} <= {"127.0.0.1", "::1"}, found
    ours = set()
    for process in prod.processes().values():
        ours |= {port for _, port in listening_sockets(group_pids(process.pid))}
    # The project's own processes listen on their documented ports and nothing else.
    assert ours == {*s.rasa_ports, *s.action_ports}
