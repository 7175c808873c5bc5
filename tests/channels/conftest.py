"""Fixtures of the channel tests; the rest of the harness is in harness.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.channels.harness import ProviderAPI


@pytest.fixture
def provider() -> Iterator[ProviderAPI]:
    api = ProviderAPI()
    yield api
    api.close()
