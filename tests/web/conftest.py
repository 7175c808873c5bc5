"""Browser pages for the widget's tests (the `stack` and `chromium` fixtures are in
tests/conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.web.support import DESKTOP


@pytest.fixture
def new_page(chromium):
    """Opens pages in fresh browser contexts (own sessionStorage); fails on any JS error."""
    contexts, errors = [], []

    def open_page(**context_options) -> Page:
        context = chromium.new_context(**{"viewport": DESKTOP, **context_options})
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
