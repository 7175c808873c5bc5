"""The long-conversation part of the benchmark (bench/long.py, bench/client.py): figures
by position, the mixed load's two kinds of patients, and its report."""

from __future__ import annotations

import http.server
import json
import shutil
import threading

import pytest

from bench.client import LoadRun, run_mixed, window_p50
from bench.long import BEFORE, PROJECT, STOCK, LongResults
from bench.run import ALL_PARTS, Benchmark, skipped
from bench.settings import DEV, GOALS, LONG_CYCLE, LONG_WINDOWS, MIXED_SHORT
from bench.workload import SCRIPTS, STOCK_SCRIPTS, conversations, long_conversation


def conversation(*latencies: float) -> LoadRun:
    return LoadRun("long", 1, latencies_ms=list(latencies))


def test_the_p50_of_a_window_pools_the_turns_at_those_positions():
    runs = [conversation(*range(1, 21)), conversation(*range(101, 121))]
    assert window_p50(runs, 1, 10) == 10  # nearest rank: the 10th of 1..10 and 101..110
    assert window_p50(runs, 11, 20) == 20
    assert window_p50(runs, 11, 21) != window_p50(runs, 11, 21)  # NaN: never reached


def test_the_ratio_compares_turns_91_to_100_with_the_first_ten():
    result = LongResults(PROJECT, runs=[conversation(*([10.0] * 90 + [13.0] * 10))])
    assert result.ratio(91, 100) == pytest.approx(1.3)
    assert result.windows()["1–10"] == 10.0


def test_every_window_of_a_long_conversation_holds_the_same_messages():
    turns = [t["message"] for t in long_conversation("run", 200)]
    windows = [turns[first - 1 : last] for first, last in LONG_WINDOWS]
    assert len(windows[0]) == LONG_CYCLE and all(w == windows[0] for w in windows)
    assert len(set(windows[0])) > 3  # a mix, not one message over and over


def test_a_long_conversation_keeps_one_sender_and_the_scripts_words():
    turns = long_conversation("run", 120)
    assert len(turns) == 120 and len({t["sender"] for t in turns}) == 1
    words = {text for script in SCRIPTS for text in script}
    assert {t["message"] for t in turns} <= words
    stock = next(conversations("run", scripts=STOCK_SCRIPTS))
    assert {t["message"] for t in stock} <= {t for s in STOCK_SCRIPTS for t in s}


@pytest.fixture
def echo_server():
    class Echo(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the client expects of Rasa

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reply = json.dumps([{"text": f"echo {body['message']}"}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 64  # 20 patients connect at once
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/rest/webhook"
    server.shutdown()
    server.server_close()


def test_the_mixed_load_runs_short_conversations_until_the_long_one_ends(echo_server):
    short, long = run_mixed(
        echo_server, long_conversation("t", 40), conversations("t"), MIXED_SHORT
    )
    assert long.messages == 40 and long.error_count == 0
    assert short.messages > 0 and short.error_count == 0
    assert short.concurrency == MIXED_SHORT and short.wall_seconds == long.wall_seconds


def test_only_runs_one_part():
    assert skipped("long", []) == [part for part in ALL_PARTS if part != "long"]
    assert skipped(None, ["training"]) == ["training"]


def test_the_report_has_the_long_conversations_and_their_goal(tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not a model")
    bench = Benchmark(DEV, skip=skipped("long", []), reports=tmp_path / "out", model=model)
    ours = LongResults(PROJECT, runs=[conversation(*([20.0] * 10 + [21.0] * 100))])
    ours.mixed_short, ours.mixed_long = conversation(30, 40), conversation(50)
    before = LongResults(BEFORE, runs=[conversation(*([19.0] * 10 + [60.0] * 100))])
    stock = LongResults(STOCK, runs=[conversation(*([17.0] * 10 + [80.0] * 100))])
    bench.long = [ours, before, stock]
    try:
        text = bench.write(interrupted=False).read_text(encoding="utf-8")
    finally:
        shutil.rmtree(bench.work, ignore_errors=True)
    figures = json.loads((tmp_path / "out" / "benchmark.json").read_text())["figures"]
    assert figures["long_ratio_100"] == 1.05 and figures["stock_long_ratio_100"] == 4.7059
    assert figures["before_long_ratio_100"] == 3.1579
    assert "## Long conversations" in text and "| stock rasa init | 1 | 17.0 |" in text
    assert "| project before | 1 | 19.0 |" in text
    goal = next(g for g in GOALS if g.key == "long_ratio_100")
    assert f"| {goal.label} | <= 1.3 × | 1.1 × | **met** |" in text
