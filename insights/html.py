"""The report as one self-contained HTML page: inline CSS and SVG, no script, no external
file (its Content-Security-Policy forbids loading any), large text, one column on a phone.

Every text from the store is escaped here; patients' words arrive already redacted
(insights/analysis.py), and red-flag messages never arrive at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from insights.charts import Series, day_columns, esc, horizontal_bars

BLUE, LIGHT_BLUE, RED, AMBER, GREEN = "#1f5fa8", "#9cc3ea", "#b3261e", "#c77700", "#2e7d32"

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #1b1b1b;
  font: 18px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.65rem; line-height: 1.25; margin: .5rem 0; }
h2 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 .75rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
section { background: #fff; border-radius: 12px; padding: 1rem 1.1rem; margin: 1rem 0;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); }
/* "anywhere", not "break-word": one long unbroken word must not widen the page. */
body { overflow-wrap: anywhere; }
.muted { color: #4a4f57; font-size: .95rem; }
.chart { display: block; width: 100%; max-width: 26rem; height: auto; margin: .5rem 0; }
.tiles { display: grid; grid-template-columns: repeat(2, 1fr); gap: .75rem; padding: 0;
  list-style: none; margin: 1rem 0; }
.tiles li { background: #fff; border-radius: 12px; padding: .75rem 1rem;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.tiles b { display: block; font-size: 2rem; line-height: 1.2; }
@media (min-width: 40rem) { .tiles { grid-template-columns: repeat(4, 1fr); } }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid #dde1e6;
  vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
@media (max-width: 30rem) { table { font-size: .95rem; } th, td { padding: .4rem .3rem; } }
details { margin: .75rem 0; }
summary { cursor: pointer; color: #1f5fa8; font-weight: 600; padding: .25rem 0; }
.warning { border-left: 6px solid #b3261e; background: #fdecea; }
.ok { border-left: 6px solid #2e7d32; }
.group { border-top: 1px solid #dde1e6; padding: .6rem 0; }
.group:first-of-type { border-top: 0; }
.count { display: inline-block; min-width: 2.6rem; padding: 0 .5rem; margin-right: .4rem;
  border-radius: 999px; background: #e7eef8; color: #143f70; font-weight: 700;
  text-align: center; }
.group ul { margin: .35rem 0 0; padding-left: 1.2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .5rem; } }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: int) -> str:
    """A table whose last `numeric` columns are numbers."""
    first = len(headers) - numeric

    def cell(tag: str, i: int, value: object) -> str:
        cls = ' class="n"' if i >= first else ""
        return f"<{tag}{cls}>{esc(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def _section(section_id: str, title: str, body: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<section id="{section_id}" aria-labelledby="{section_id}-h"{klass}>'
        f'<h2 id="{section_id}-h">{esc(title)}</h2>{body}</section>'
    )


def _when(timestamp: str) -> str:
    """2026-12-02T00:45:28+00:00 -> 2026-12-02 00:45 UTC"""
    return timestamp[:16].replace("T", " ") + " UTC"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _traffic(report: dict[str, Any]) -> str:
    days = report["per_day"]
    dates = [d["date"] for d in days]
    chart = day_columns(
        "Messages and conversations per day",
        dates,
        [
            Series("Messages", [d["messages"] for d in days], LIGHT_BLUE),
            Series("Conversations", [d["conversations"] for d in days], BLUE),
        ],
        "chart-days",
        stacked=False,
    )
    channels = report["per_channel"]
    if channels:
        per_channel = _table(
            ["Channel", "Conversations", "Messages"],
            [(c["name"], c["conversations"], c["messages"]) for c in channels],
            2,
        )
    else:
        per_channel = "<p>No conversations in this period.</p>"
    busy = [d for d in days if d["messages"]]
    names = [c["name"] for c in channels]
    per_day = _table(
        ["Day", *names, "Conversations", "Messages"],
        [
            (
                d["date"],
                *(
                    f"{d['by_channel'][c['channel']]['messages']}"
                    f" ({d['by_channel'][c['channel']]['conversations']})"
                    for c in channels
                ),
                d["conversations"],
                d["messages"],
            )
            for d in busy
        ],
        len(names) + 2,
    )
    return (
        chart
        + "<h3>Per channel</h3>"
        + per_channel
        + '<p class="muted">A conversation is one patient on one channel (one sender id); a '
        "message is one thing the patient sent, button presses included.</p>"
        + (
            f"<details><summary>Every day with messages</summary>{per_day}"
            '<p class="muted">Per channel: messages (conversations).</p></details>'
            if busy
            else ""
        )
    )


def _sections(report: dict[str, Any]) -> str:
    rows = [(s["title"], s["questions"]) for s in report["sections"]["questions"]]
    if not rows:
        return "<p>No question was answered from the article in this period.</p>"
    return (
        horizontal_bars("Questions answered per article section", rows, BLUE, "chart-sections")
        + '<p class="muted">Each answer counts for the section it left the conversation in '
        "(the <code>current_section</code> slot the answer set, which follow-ups continue "
        "from); an answer quoting two sections counts for the last one.</p>"
    )


def _passages(report: dict[str, Any]) -> str:
    passages = report["passages"]
    served, whole = passages["served"], passages["whole_sections"]
    if not served and not whole:
        return "<p>No passage was served in this period.</p>"
    parts = []
    if served:
        parts.append(
            horizontal_bars(
                "Most served passages",
                [(p["passage"], p["count"]) for p in served],
                LIGHT_BLUE,
                "chart-passages",
            )
        )
        parts.append(
            "<ol>"
            + "".join(
                f"<li><b>{esc(p['passage'])}</b> ({_plural(p['count'], 'time')}): "
                f"{esc(p['excerpt'])}</li>"
                for p in served
            )
            + "</ol>"
        )
    if whole:
        parts.append(
            "<h3>Whole sections shown</h3>"
            + _table(["Section", "Times"], [(w["title"], w["count"]) for w in whole], 1)
        )
    if passages["source"] == "answer text":
        source = (
            "The events do not record which passages an answer quoted: they are found by "
            "matching each answer's text against the article (answers are the article's own "
            "words). An answer quoting a whole section counts for the section."
        )
    else:
        source = "Passages as the answers recorded them (metadata.passages of the bot event)."
    parts.append(f'<p class="muted">{source}</p>')
    return "".join(parts)


def _unanswered(report: dict[str, Any]) -> str:
    u = report["unanswered"]
    if not u["total"]:
        return "<p>Every question in this period got an answer from the article.</p>"
    kinds = [
        ("out_of_scope", "declined as outside the article"),
        ("did_you_mean", "unclear (the assistant offered “did you mean…?”)"),
        ("no_passage", "article questions with no matching passage"),
        ("withheld_possible_emergency", "unclear and possibly about an emergency (not shown)"),
    ]
    counts = [f"{u[key]} {label}" for key, label in kinds if u[key]]
    groups = "".join(
        f'<div class="group"><span class="count">{g["count"]}</span>'
        f"<b>{esc(g['examples'][0])}</b>"
        + (
            "<ul>" + "".join(f"<li>{esc(e)}</li>" for e in g["examples"][1:]) + "</ul>"
            if len(g["examples"]) > 1
            else ""
        )
        + "</div>"
        for g in u["groups"]
    )
    return (
        f"<p><b>{u['total']}</b> unanswered: " + "; ".join(counts) + ".</p>"
        "<h3>Grouped by similarity</h3>"
        + groups
        + '<p class="muted">Similar wordings are grouped (the number is the messages in the '
        "group; up to three different wordings are shown). Phone numbers and e-mail "
        "addresses are replaced by [phone] and [email].</p>"
    )


def _feedback(report: dict[str, Any]) -> str:
    f = report["feedback"]
    if not f["recorded"]:
        return "<p>No feedback recorded yet.</p>"
    parts = [
        f"<p>\N{THUMBS UP SIGN} <b>{f['up']}</b> &nbsp; \N{THUMBS DOWN SIGN} <b>{f['down']}</b>"
        + (f" &nbsp; ({f['unrated']} without a rating)" if f["unrated"] else "")
        + "</p>"
    ]
    if f["per_section"]:
        parts.append(
            "<h3>Per section</h3>"
            + _table(
                ["Section", "\N{THUMBS UP SIGN}", "\N{THUMBS DOWN SIGN}"],
                [(s["title"], s["up"], s["down"]) for s in f["per_section"]],
                2,
            )
        )
    if f["most_down_passages"]:
        items = "".join(
            f'<div class="group"><span class="count">{p["down"]} \N{THUMBS DOWN SIGN}</span>'
            f"<b>{esc(p['passage'] or '')}</b> {esc(p['excerpt'])}"
            + (
                "<ul>" + "".join(f"<li>{esc(m)}</li>" for m in p["missing"]) + "</ul>"
                if p["missing"]
                else ""
            )
            + "</div>"
            for p in f["most_down_passages"]
        )
        parts.append(
            "<h3>Passages with the most \N{THUMBS DOWN SIGN}: what was missing</h3>" + items
        )
    return "".join(parts)


def _red_flags(report: dict[str, Any]) -> str:
    r = report["red_flags"]
    note = (
        '<p class="muted">Counts only: what patients wrote about an emergency or self-harm is '
        "never shown in this report.</p>"
    )
    if not r["total"]:
        return "<p>None in this period.</p>" + note
    days = r["per_day"]
    chart = day_columns(
        "Red-flag replies per day",
        [d["date"] for d in days],
        [
            Series("Emergency", [d["report_emergency"] for d in days], RED),
            Series("Self-harm", [d["report_self_harm"] for d in days], AMBER),
        ],
        "chart-red-flags",
        stacked=True,
    )
    busy = [d for d in days if d["report_emergency"] or d["report_self_harm"]]
    table = _table(
        ["Day", "Emergency", "Self-harm"],
        [(d["date"], d["report_emergency"], d["report_self_harm"]) for d in busy],
        2,
    )
    return (
        f"<p><b>{r['total']}</b> urgent-care or crisis replies.</p>"
        + chart
        + f"<details><summary>Per day</summary>{table}</details>"
        + note
    )


def _callbacks(report: dict[str, Any]) -> str:
    c = report["callbacks"]
    if not c["recorded"]:
        return "<p>None recorded.</p>"
    note = ""
    if c.get("retrying"):
        note = (
            f'<p class="warning"><b>{c["retrying"]}</b> pending request(s) could not be '
            "e-mailed yet and are being retried: check the SMTP settings (clinic.yml "
            "callback_mail) and the mail server.</p>"
        )
    return (
        f"<p><b>{c['total']}</b> callback requests (with the patient's consent), by delivery "
        "state: <i>pending</i> waits in the outbox to be e-mailed, <i>delivered</i> was "
        "accepted by the clinic's mail server.</p>"
        + _table(["Delivery state", "Requests"], list(c["by_state"].items()), 1)
        + note
    )


def _review(report: dict[str, Any]) -> tuple[str, str]:
    r = report["medical_review"]
    rows = [
        ("Reviewed by", r.get("reviewed_by") or "unknown"),
        ("Reviewed on", r.get("reviewed_on") or "unknown"),
        (
            "Review every",
            f"{r['review_every_months']} months" if "review_every_months" in r else "?",
        ),
        ("Next review due", r.get("next_review_due") or "unknown"),
    ]
    body = "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows) + "</dl>"
    if r.get("warning"):
        body = f"<p><b>{esc(r['warning'])}</b></p>" + body
    else:
        body = "<p>The review is current.</p>" + body
    return body, "warning" if r["status"] != "current" else "ok"


def render(report: dict[str, Any]) -> str:
    period, totals = report["period"], report["totals"]
    review_body, review_class = _review(report)
    warnings = []
    if report["medical_review"].get("warning"):
        warnings.append(report["medical_review"]["warning"])
    if period["longer_than_retention"]:
        warnings.append(
            f"You asked for {period['days']} days, but conversations are only kept for "
            f"{report['retention']['days']} days: older ones are no longer in the store."
        )
    alert = (
        '<section class="warning" role="note" aria-label="Warnings">'
        + "".join(f"<p><b>{esc(w)}</b></p>" for w in warnings)
        + "</section>"
        if warnings
        else ""
    )
    tiles = "".join(
        f"<li><b>{value}</b>{esc(label)}</li>"
        for value, label in (
            (totals["conversations"], "conversations"),
            (totals["messages"], "messages"),
            (totals["unanswered"], "unanswered"),
            (totals["red_flags"], "red-flag replies"),
        )
    )
    title = f"{report['clinic']} assistant: insights"
    sections = [
        _section("traffic", "Conversations and messages", _traffic(report)),
        _section("sections", "Questions per article section", _sections(report)),
        _section("passages", "Most served passages", _passages(report)),
        _section("unanswered", "Unanswered questions", _unanswered(report)),
        _section("feedback", "Feedback", _feedback(report)),
        _section("red-flags", "Red-flag replies", _red_flags(report)),
        _section("callbacks", "Callback requests", _callbacks(report)),
        _section("review", "Medical review of the article", review_body, review_class),
    ]
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{esc(title)}</h1>"
        f"<p>The last {_plural(period['days'], 'day')}: {esc(period['from'])} to "
        f"{esc(period['to'])} (UTC), generated {esc(_when(report['generated_at']))} from the "
        f"{esc(report['store'])} tracker store.</p>"
        f'<p class="muted">{esc(report["retention"]["note"])}</p>'
        + alert
        + f'<ul class="tiles" aria-label="Totals">{tiles}</ul>'
        + "".join(sections)
        + '<p class="muted">Written by <code>make insights</code> (docs/insights.md). '
        "It holds patients' words (redacted): keep it inside the clinic.</p>"
        "</main></body></html>\n"
    )
