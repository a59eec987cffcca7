"""The reconciliation harness on a small feed: on SQLite, and on PostgreSQL with `--db`.

No timings are asserted; the quality figures must be those of a working matcher, and the same on
both databases (the same verdicts).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench import reconcile as bench_reconcile

QUALITY = ("auto_precision_customer", "auto_precision_invoice", "auto_recall_customer",
           "auto_rate_with_reference", "auto_rate_without_reference", "top3_recall", "applied",
           "wrong_customer", "review_payments")


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    bench_reconcile.main(["--lines", "400", "--open-invoices", "2000", "--seed", "7", *extra])
    (line,) = capsys.readouterr().out.splitlines()
    return dict(json.loads(line))


def test_the_harness_prints_its_figures_the_same_on_either_database(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    on_sqlite = _run(capsys)
    assert on_sqlite["database"] == "sqlite"
    assert isinstance(on_sqlite["compiled"], bool)
    assert (on_sqlite["lines"], on_sqlite["open_invoices"]) == (400, 2000)
    assert 0 < on_sqlite["stored_lines"] <= 400
    assert on_sqlite["auto_precision_customer"] >= 0.99
    assert on_sqlite["applied"] > 0 and on_sqlite["lines_per_second"] > 0
    assert set(on_sqlite["ratio"]) == {"auto_rate", "seconds"}
    if db_url.startswith("sqlite"):
        return
    on_postgres = _run(capsys, "--db", db_url)
    assert on_postgres["database"] == "postgresql"
    assert {k: on_postgres[k] for k in QUALITY} == {k: on_sqlite[k] for k in QUALITY}
