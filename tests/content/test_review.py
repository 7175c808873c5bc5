"""The article's medical review (knowledge/mesotherapy-article.meta.yml, content/review.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from content.review import REVIEW_FILE, Review, add_months, load_review


def write(tmp_path, text: str):
    path = tmp_path / "article.meta.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_is_an_honest_placeholder_and_counts_as_unknown():
    review = load_review()
    assert review.reviewed_by is None and review.reviewed_on is None
    assert review.review_every_months == 12
    assert not review.is_known and review.next_review_due is None
    assert not review.is_overdue(dt.date(2030, 1, 1))
    warning = review.warning(dt.date(2030, 1, 1))
    assert warning is not None and "unknown" in warning and REVIEW_FILE.name in warning
    # The placeholders say what belongs there; nothing was guessed.
    text = REVIEW_FILE.read_text(encoding="utf-8")
    assert "[PLACEHOLDER: name and role of the clinician" in text
    assert "[PLACEHOLDER: YYYY-MM-DD]" in text


def test_a_filled_in_review_is_due_after_its_interval_and_overdue_only_after_that(tmp_path):
    path = write(
        tmp_path,
        'reviewed_by: "Dr A. Example, aesthetic physician"\n'
        'reviewed_on: "2025-03-14"\nreview_every_months: 12\n',
    )
    review = load_review(path)
    assert review == Review("Dr A. Example, aesthetic physician", dt.date(2025, 3, 14), 12)
    assert review.next_review_due == dt.date(2026, 3, 14)
    assert not review.is_overdue(dt.date(2026, 3, 14))
    assert review.warning(dt.date(2026, 3, 14)) is None
    assert review.is_overdue(dt.date(2026, 3, 15))
    warning = review.warning(dt.date(2026, 3, 15))
    assert warning is not None and "overdue" in warning and "2026-03-14" in warning


def test_an_unquoted_yaml_date_is_read_too(tmp_path):
    path = write(
        tmp_path, 'reviewed_by: "Dr B"\nreviewed_on: 2024-11-30\nreview_every_months: 6\n'
    )
    assert load_review(path).next_review_due == dt.date(2025, 5, 30)


def test_a_date_without_a_reviewer_is_not_a_known_review(tmp_path):
    path = write(
        tmp_path,
        'reviewed_by: "[PLACEHOLDER: name]"\nreviewed_on: "2025-01-01"\nreview_every_months: 12\n',
    )
    review = load_review(path)
    assert not review.is_known
    warning = review.warning(dt.date(2025, 6, 1))
    assert warning is not None and "reviewed_by" in warning


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 15), 3, dt.date(2026, 2, 15)),
        (dt.date(2025, 12, 31), 24, dt.date(2027, 12, 31)),
    ],
)
def test_months_are_calendar_months(day, months, due):
    assert add_months(day, months) == due


@pytest.mark.parametrize(
    "text",
    [
        'reviewed_by: "Dr C"\nreviewed_on: "14/03/2025"\nreview_every_months: 12\n',
        'reviewed_by: "Dr C"\nreviewed_on: "soon"\nreview_every_months: 12\n',
        'reviewed_by: "Dr C"\nreviewed_on: "2025-03-14"\nreview_every_months: 0\n',
        'reviewed_by: "Dr C"\nreviewed_on: "2025-03-14"\n',
        'reviewed_by: ""\nreviewed_on: "2025-03-14"\nreview_every_months: 12\n',
    ],
)
def test_a_malformed_file_fails_loudly(tmp_path, text):
    with pytest.raises(ValueError, match="article.meta.yml"):
        load_review(write(tmp_path, text))
