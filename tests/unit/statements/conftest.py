"""The statement readers' messages are checked in English (Spanish has its own tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cobranza.i18n import language


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with language("en"):
        yield
