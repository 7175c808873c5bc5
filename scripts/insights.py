"""The clinic's report: what patients asked and what the assistant could not answer.

    python -m scripts.insights [--days N] [--endpoints endpoints.yml] [--out reports]

Reads the tracker store that the endpoints file names (SQLite by default, PostgreSQL with
endpoints.prod.yml and its variables; RASA_ENDPOINTS overrides the default path) and
writes <out>/insights.html and <out>/insights.json for the last N days (default 30).
docs/insights.md explains every figure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from insights.report import DEFAULT_DAYS, build, write
from runtime.privacy import tracker_engine
from runtime.settings import ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument(
        "--endpoints", default=os.environ.get("RASA_ENDPOINTS", str(ROOT / "endpoints.yml"))
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")

    report = build(tracker_engine(args.endpoints), args.days)
    html_path, json_path = write(report, args.out)
    totals = report["totals"]
    print(
        f"Insights for the last {args.days} day(s): {totals['conversations']} conversation(s), "
        f"{totals['messages']} message(s), {totals['unanswered']} unanswered.\n"
        f"Wrote {html_path} and {json_path}."
    )
    warning = report["medical_review"].get("warning")
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
