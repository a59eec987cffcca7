"""The hand-computed ledger of tests/integration/test_ledger_scenario.py, on each engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_ledger_scenario import load


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    """C001 owes 40,000 CLP (F001), C002 20,000 CLP (F004), M001 1,660.25 MXN."""
    load(tmp_path, db_url)
    return db_url
