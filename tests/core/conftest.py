from __future__ import annotations

from collections.abc import Iterator

import pytest

from lantern.core.deadlines import clear_timescale_cache


@pytest.fixture(autouse=True)
def _fresh_timescales() -> Iterator[None]:
    # Each test's changes to timescales are rolled back; the cache must not outlive them.
    clear_timescale_cache()
    yield
    clear_timescale_cache()
