"""The report: what the tracker store holds for the last N days, plus the article's medical
review, written as reports/insights.json and reports/insights.html."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from content.clinic import load_clinic, retention_days
from content.review import REVIEW_FILE, load_review
from insights.analysis import day_of, summarise
from insights.html import render
from insights.store import holds_events, read_events
from runtime.feedback import read_feedback
from runtime.outbox import delivery_states

DEFAULT_DAYS = 30
JSON_NAME = "insights.json"
HTML_NAME = "insights.html"


def iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds")


def medical_review(today: dt.date, path: Path = REVIEW_FILE) -> dict[str, Any]:
    """The article's review as the report shows it: status current, overdue or unknown."""
    try:
        review = load_review(path)
    except (OSError, ValueError) as error:
        return {"status": "unknown", "warning": f"The review file cannot be read: {error}"}
    due = review.next_review_due
    warning = review.warning(today)
    if review.is_overdue(today):
        status = "overdue"
    elif warning is not None:
        status = "unknown"
    else:
        status = "current"
    return {
        "status": status,
        "reviewed_by": review.reviewed_by,
        "reviewed_on": review.reviewed_on.isoformat() if review.reviewed_on else None,
        "review_every_months": review.review_every_months,
        "next_review_due": due.isoformat() if due else None,
        "warning": warning,
    }


def retention() -> dict[str, Any]:
    try:
        days: int | None = retention_days()
    except SystemExit:  # clinic.yml's own check; the report still shows what is stored
        days = None
    return {
        "days": days,
        "note": "The report shows only what the tracker store still holds: conversations "
        + (
            f"idle for more than {days} days (retention_days in clinic.yml) "
            if days
            else "older than the retention (clinic.yml) "
        )
        + "have been deleted, and erased conversations are gone.",
    }


def build(
    engine: sa.engine.Engine,
    days: int = DEFAULT_DAYS,
    now: float | None = None,
    review_file: Path = REVIEW_FILE,
) -> dict[str, Any]:
    """The report's content (insights.json) for the `days` days before `now`."""
    if days < 1:
        raise ValueError("the report covers at least 1 day")
    now = time.time() if now is None else now
    since = now - days * 86400
    # The votes live beside the events (runtime/feedback.py), and go with them.
    votes = read_feedback(engine, since, now) if holds_events(engine) else []
    figures = summarise(read_events(engine, since, now), since, now, feedback=votes)
    # Counts by delivery state from the outbox (runtime/outbox.py): never a name or number.
    callbacks = (
        delivery_states(engine, since, now)
        if holds_events(engine)
        else {"recorded": False, "total": 0, "by_state": {}, "retrying": 0}
    )
    kept = retention()
    return {
        "clinic": load_clinic().name,
        "generated_at": iso(now),
        "period": {
            "days": days,
            "from": day_of(since),
            "to": day_of(now),
            "since": iso(since),
            "until": iso(now),
            "timezone": "UTC",
            "longer_than_retention": bool(kept["days"] and days > kept["days"]),
        },
        "store": engine.dialect.name,
        "retention": kept,
        **figures,
        "callbacks": callbacks,
        "medical_review": medical_review(dt.date.fromisoformat(day_of(now)), review_file),
    }


def _write_private(path: Path, text: str) -> None:
    # Patients' (redacted) words: readable by the owner only, as the conversations are.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    path.chmod(0o600)


def write(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Writes insights.html and insights.json into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, json_path = out_dir / HTML_NAME, out_dir / JSON_NAME
    _write_private(json_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    _write_private(html_path, render(report))
    return html_path, json_path
