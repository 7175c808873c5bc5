"""The clinic's side: what patients asked, what the assistant could not answer, and how
the article is doing, read from the tracker store (`make insights`, docs/insights.md).

store.py reads the events table; analysis.py turns the events into the report's figures
(report.json's shape); grouping.py groups unanswered questions by similarity;
redact.py removes phone numbers and e-mail addresses from every text the report shows;
html.py and charts.py write the self-contained page.
"""
