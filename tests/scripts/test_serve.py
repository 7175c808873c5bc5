"""`make run`, the README's first command, as a patient's clinic would start it."""

import os
import signal
import socket
import subprocess
import time
import uuid

import pytest
import requests

from content.replies import DISCLAIMER
from runtime.settings import ROOT
from runtime.stack import free_port

pytestmark = pytest.mark.server


def port_is_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_make_run_serves_the_webhook_and_the_page_and_stops_everything_on_ctrl_c(tmp_path):
    ports = {"RASA_PORT": free_port(), "ACTION_SERVER_PORT": free_port(), "WEB_PORT": free_port()}
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "CI": "true",
        "TRACKER_DB": str(tmp_path / "tracker.db"),
    }
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Press Ctrl+C to stop" in line:
                break
        printed = "".join(output)
        webhook = f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook"
        assert webhook in printed, printed
        assert f"http://127.0.0.1:{ports['WEB_PORT']}/" in printed, printed

        body = {"sender": str(uuid.uuid4()), "message": "What is mesotherapy?"}
        reply = requests.post(webhook, json=body, timeout=30).json()
        assert "Mesotherapy is a medical technique" in reply[0]["text"]
        assert "\n".join(r["text"] for r in reply).endswith(DISCLAIMER)
        assert (
            requests.get(f"http://127.0.0.1:{ports['WEB_PORT']}/", timeout=10).status_code == 200
        )
        assert (tmp_path / "tracker.db").exists(), "conversations go to the embedded SQLite store"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    time.sleep(1)
    assert [name for name, port in ports.items() if port_is_open(port)] == []
