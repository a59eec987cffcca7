"""Every invalid file exits 2, lists each problem as file:line: column: message, writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.test_ledger_scenario import CUSTOMERS, INVOICES, PAYMENTS, load
from tests.support import cli, snapshot, write_csv

LOCATED = re.compile(r"^(?P<file>[^:]+\.csv):(?P<line>\d+): (?P<column>[^:]+): (?P<message>.+)$")

CASES = {
    "bad date": ("invoices", INVOICES, ["F9,C001,2026-02-31,2026-03-31,CLP,1000,,,,,"],
                 3, "issue_date", "not a date"),
    "negative amount": ("invoices", INVOICES, ["F9,C001,2026-02-01,2026-03-01,CLP,-5,,,,,"],
                        3, "amount", "greater than zero"),
    "zero amount": ("invoices", INVOICES, ["F9,C001,2026-02-01,2026-03-01,CLP,0,,,,,"],
                    3, "amount", "greater than zero"),
    "non-numeric amount": ("invoices", INVOICES,
                           ["F9,C001,2026-02-01,2026-03-01,CLP,mil pesos,,,,,"],
                           3, "amount", "not an amount"),
    "unknown customer": ("invoices", INVOICES, ["F9,C999,2026-02-01,2026-03-01,CLP,1000,,,,,"],
                         3, "customer_id", "unknown customer"),
    "duplicate key": ("invoices", INVOICES, ["F9,C001,2026-02-01,2026-03-01,CLP,1000,,,,,",
                                             "F9,C001,2026-02-02,2026-03-02,CLP,2000,,,,,"],
                      4, "number", "more than once"),
    "unknown currency": ("invoices", INVOICES, ["F9,C001,2026-02-01,2026-03-01,XXX,1000,,,,,"],
                         3, "currency", "unknown currency"),
    "too many decimals": ("invoices", INVOICES,
                          ["F9,C001,2026-02-01,2026-03-01,CLP,5000.5,,,,,"],
                          3, "amount", "more decimals than CLP"),
    "due before issue": ("invoices", INVOICES, ["F9,C001,2026-02-10,2026-02-01,CLP,1000,,,,,"],
                         3, "due_date", "before the issue date"),
    "invalid RUT": ("customers", CUSTOMERS,
                    ["C9,Malo SpA,76.086.428-4,,,,es,CL,,,,"], 3, "tax_id", "not a valid RUT"),
    "invalid RFC": ("customers", CUSTOMERS,
                    ["M9,Malo SA,ABC680524P70,,,,es,MX,,,,"], 3, "tax_id", "not a valid RFC"),
    "payment for another customer's invoice": (
        "payments", PAYMENTS, ["P9,C002,2026-03-20,CLP,1000,F001,,"], 3, "invoice_numbers",
        "another customer"),
    "payment in another currency": (
        "payments", PAYMENTS, ["P9,C001,2026-03-20,USD,1000,F001,,"], 3, "invoice_numbers",
        "not USD"),
}


@pytest.fixture
def ledger(tmp_path: Path, db_url: str) -> str:
    load(tmp_path, db_url)
    return db_url


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_invalid_file_is_refused_whole(case: str, ledger: str, tmp_path: Path) -> None:
    kind, header, rows, line, column, message = CASES[case]
    # A valid first row proves that nothing of the file is written when a later row fails.
    valid = {"invoices": "F8,C001,2026-02-01,2026-03-01,CLP,1000,,,,,",
             "customers": "C8,Bueno SpA,,,,,es,CL,,,,",
             "payments": "P8,C001,2026-03-20,CLP,1000,,,"}[kind]
    path = write_csv(tmp_path / f"{kind}-bad.csv", header, valid, *rows)
    before = snapshot(ledger)
    result = cli(ledger, "import", kind, str(path))
    assert result.exit_code == 2, result.output
    located = [LOCATED.match(ln) for ln in result.stderr.splitlines()]
    hits = [m for m in located if m]
    assert hits, result.stderr
    assert any(int(m["line"]) == line and m["column"] == column and message in m["message"]
               for m in hits), result.stderr
    assert "nothing was imported" in result.stderr
    assert snapshot(ledger) == before


def test_every_error_of_a_file_is_listed_in_line_order(ledger: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "many.csv", INVOICES,
                     "F9,C001,31/02/2026,2026-03-01,CLP,1000,,,,,",
                     "F10,C404,2026-02-01,2026-03-01,CLP,1000,,,,,",
                     "F11,C001,2026-02-01,2026-03-01,CLP,12.5,,,,,")
    result = cli(ledger, "import", "invoices", str(path))
    assert result.exit_code == 2
    lines = [int(m["line"]) for m in map(LOCATED.match, result.stderr.splitlines()) if m]
    assert lines == [2, 3, 4]


def test_errors_are_in_spanish_when_the_language_is_spanish(ledger: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "malo.csv", INVOICES,
                     "F9,C001,2026-02-01,2026-03-01,CLP,5000.5,,,,,")
    result = cli(ledger, "import", "invoices", str(path), lang="es")
    assert result.exit_code == 2
    assert "malo.csv:2: amount:" in result.stderr
    assert "decimales" in result.stderr and "no se importó nada" in result.stderr


def test_dry_run_checks_and_writes_nothing(ledger: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ok.csv", INVOICES, "F9,C001,2026-02-01,2026-03-01,CLP,1000,,,,,")
    before = snapshot(ledger)
    result = cli(ledger, "import", "invoices", str(path), "--dry-run")
    assert result.exit_code == 0 and "1 new" in result.stdout
    assert snapshot(ledger) == before
