"""When the article was last medically reviewed, read from knowledge/mesotherapy-article.meta.yml.

The clinic records who reviewed the article, on which day, and how often it must be
reviewed again. Until it provides them, `reviewed_by` and `reviewed_on` are marked
placeholders ("[PLACEHOLDER: ...]"): they load as None, never as a guessed value, and the
review then counts as unknown. Nothing here knows about Rasa.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from content.clinic import PLACEHOLDER_MARK
from runtime.settings import ROOT

REVIEW_FILE = ROOT / "knowledge" / "mesotherapy-article.meta.yml"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (Feb 29 + 12
    months is Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _month_days(year, month)))


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@dataclass(frozen=True)
class Review:
    reviewed_by: str | None  # None while a placeholder
    reviewed_on: dt.date | None  # None while a placeholder
    review_every_months: int

    @property
    def is_known(self) -> bool:
        """Whether the file says who reviewed the article and when."""
        return self.reviewed_by is not None and self.reviewed_on is not None

    @property
    def next_review_due(self) -> dt.date | None:
        """The last day on which the review is still current, None when unknown."""
        if self.reviewed_on is None:
            return None
        return add_months(self.reviewed_on, self.review_every_months)

    def is_overdue(self, today: dt.date) -> bool:
        """Past its due date. An unknown review is not "overdue" (see `warning`)."""
        due = self.next_review_due
        return due is not None and today > due

    def warning(self, today: dt.date) -> str | None:
        """What to tell the clinic, or None when the review is known and current."""
        if self.reviewed_on is None:
            return (
                "The article's medical review is unknown: fill in reviewed_on (and "
                f"reviewed_by) in {REVIEW_FILE.relative_to(ROOT)}."
            )
        if self.reviewed_by is None:
            return (
                f"The article's medical review of {self.reviewed_on.isoformat()} names no "
                f"reviewer: fill in reviewed_by in {REVIEW_FILE.relative_to(ROOT)}."
            )
        if self.is_overdue(today):
            due = self.next_review_due
            assert due is not None
            return (
                f"The article's medical review is overdue: it was due by {due.isoformat()} "
                f"(last reviewed on {self.reviewed_on.isoformat()} by {self.reviewed_by})."
            )
        return None


def _placeholder(value: object) -> bool:
    return isinstance(value, str) and PLACEHOLDER_MARK in value


def _reviewed_on(value: object, path: Path) -> dt.date | None:
    if _placeholder(value):
        return None
    # YAML reads an unquoted 2025-03-14 as a date already.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        f"{path}: reviewed_on must be a date (YYYY-MM-DD) or a [PLACEHOLDER: ...], not {value!r}"
    )


def load_review(path: Path = REVIEW_FILE) -> Review:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected reviewed_by, reviewed_on and review_every_months")
    by = data.get("reviewed_by")
    if not isinstance(by, str) or not by.strip():
        raise ValueError(f"{path}: reviewed_by must name the reviewer or be a [PLACEHOLDER: ...]")
    months = data.get("review_every_months")
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise ValueError(f"{path}: review_every_months must be a whole number of months (>= 1)")
    return Review(
        reviewed_by=None if _placeholder(by) else by.strip(),
        reviewed_on=_reviewed_on(data.get("reviewed_on"), path),
        review_every_months=months,
    )
