"""The daily run's benchmark on a small ledger: it builds its data, checks and prints its figures.

`python -m bench.run` asserts, before printing, that the one-statement baseline and the
per-document ORM loop select the same actions as the planner; here it runs at 2,000 invoices in
a temporary cache. No timings are asserted.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import bench.common
from bench import run as bench_run
from bench.generate import write_bench_csvs
from cobranza.demo.generator import CUSTOMER_COLUMNS


def test_the_benchmark_prints_the_planning_and_the_writing_run_with_their_ratios(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bench.common, "DATA", tmp_path)

    bench_run.main(["--invoices", "2000", "--customers", "400", "--runs", "1",
                    "--orm-invoices", "300"])

    plan, write = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (plan["bench"], write["bench"]) == ("run-plan", "run-write")
    assert (plan["n"], plan["customers"]) == (2000, 400)
    assert plan["actions"] > 0
    for line in (plan, write):
        assert line["seconds"] > 0 and line["baseline_seconds"] > 0 and line["ratio"] > 0
        assert line["baseline_seconds"] == plan["baseline_seconds"]  # both against one pass
    assert plan["peak_rss_mb"] > 0 and plan["orm_loop_extrapolated_seconds"] > 0
    # On a fresh ledger the writing run writes every action the planning found.
    assert write["created"] == plan["actions"]
    assert (tmp_path / "2000-400" / "run.db").exists()


def test_a_customer_count_adds_contact_data_and_leaves_the_default_data_set_alone(
        tmp_path: Path) -> None:
    plain = write_bench_csvs(tmp_path / "plain", invoices=2000)
    rich = write_bench_csvs(tmp_path / "rich", invoices=2000, customers=400)

    with plain["customers"].open() as handle:
        plain_rows = list(csv.DictReader(handle))
    with rich["customers"].open() as handle:
        rich_rows = list(csv.DictReader(handle))
    assert list(plain_rows[0]) == list(CUSTOMER_COLUMNS)
    assert len(plain_rows) == 100  # N / 20, at least 100: the aging and imports data
    assert len(rich_rows) == 400
    assert {r["timezone"] for r in rich_rows} == {"America/Santiago"}
    assert any(r["contact_hours"] for r in rich_rows)
    assert any(not r["email"] for r in rich_rows)
    assert {r["preferred_channel"] for r in rich_rows} == {"email", "whatsapp", "sms", "letter"}
    with rich["invoices"].open() as handle:
        used = {r["customer_id"] for r in csv.DictReader(handle)}
    assert used <= {r["id"] for r in rich_rows}
    assert bench.common.data_dir(2000) != bench.common.data_dir(2000, 400)
