"""A small hand-computed ledger, imported through the canonical CSVs on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import aging_json, ok, write_csv

CUSTOMERS = ("id,name,tax_id,email,phone,whatsapp,language,country,timezone,preferred_channel,"
             "segment,credit_limit")
INVOICES = ("number,customer_id,issue_date,due_date,currency,amount,terms,grace_days,"
            "late_interest_annual_pct,discount_pct,discount_days")
PAYMENTS = "id,customer_id,date,currency,amount,invoice_numbers,reference,method"
CREDIT_NOTES = "number,customer_id,invoice_number,date,currency,amount"


def load(tmp: Path, db: str) -> None:
    """Two Chilean customers and one Mexican, with every kind of settlement."""
    ok(db, "init", "--country", "CL")
    files = {
        "customers": write_csv(
            tmp / "c.csv", CUSTOMERS,
            "C001,Comercial Uno SpA,76.086.428-5,a@uno.cl,,,es,CL,America/Santiago,email,pyme,",
            "C002,Dos Ltda,12.345.678-5,b@dos.cl,,,es,CL,,whatsapp,pyme,500000",
            "M001,Tres SA de CV,,c@tres.mx,,,es,MX,America/Mexico_City,email,corp,"),
        "invoices": write_csv(
            tmp / "i.csv", INVOICES,
            # 24% a year, paid 60,000 twenty days late: 20 days on 100,000 then 39 on 40,000.
            "F001,C001,2026-01-01,2026-01-31,CLP,100000,,0,24,,",
            # 2/10 discount taken with 49,000 on day 5.
            "F002,C001,2026-01-15,2026-02-14,CLP,50000,,,,2,10",
            # settled within the 5 grace days: no interest; the 10,000 extra stays as credit.
            "F003,C002,2026-02-01,2026-03-03,CLP,70000,,5,36,,",
            # issued after C002's overpayment: the credit settles part of it on its issue date.
            "F004,C002,2026-03-10,2026-04-09,CLP,30000,,,,,",
            "FM1,M001,2026-01-10,2026-02-09,MXN,1160.50,,,18,,",
            "FM2,M001,2026-03-01,2026-03-31,MXN,2000.00,,,,,"),
        "credit-notes": write_csv(
            tmp / "n.csv", CREDIT_NOTES, "NC1,M001,FM2,2026-03-05,MXN,500.00"),
        "payments": write_csv(
            tmp / "p.csv", PAYMENTS,
            "P001,C001,2026-01-20,CLP,49000,F002,,transfer",
            "P002,C001,2026-02-20,CLP,60000,,,",
            "P003,C002,2026-03-05,CLP,80000,F003,,",
            "PM1,M001,2026-02-15,MXN,1000.25,,,"),
    }
    for kind, path in files.items():
        ok(db, "import", kind, str(path))


@pytest.fixture
def ledger(tmp_path: Path, db_url: str) -> str:
    load(tmp_path, db_url)
    return db_url


def test_aging_matches_the_rules_computed_by_hand(ledger: str) -> None:
    report = aging_json(ledger, "2026-03-31")
    assert report["buckets"] == ["current", "1-30", "31-60", "61-90", "91-120", "121+"]
    clp = {c["customer_id"]: c for c in report["currencies"]["CLP"]["customers"]}
    # 3,560,000 principal-days × 24% / 365 = 2340.8 -> 2341
    assert clp["C001"] == {"customer_id": "C001", "name": "Comercial Uno SpA", "current": "0",
                           "1-30": "0", "31-60": "40000", "61-90": "0", "91-120": "0",
                           "121+": "0", "total": "40000", "unapplied": "0",
                           "accrued_interest": "2341"}
    assert clp["C002"]["current"] == "20000"
    assert clp["C002"]["unapplied"] == "0"
    assert clp["C002"]["accrued_interest"] == "0"
    totals = report["currencies"]["CLP"]["totals"]
    assert totals["total"] == "60000" and totals["accrued_interest"] == "2341"
    mxn = report["currencies"]["MXN"]["customers"][0]
    # FM1: 1160.50 − 1000.25 = 160.25 open, 50 days past due. FM2: 2000 − 500 credit note.
    assert mxn["31-60"] == "160.25" and mxn["current"] == "1500.00"
    # 18%/365 × (1160.50 × 6 days + 160.25 × 44 days = 14,014.00) = 6.9110 -> 6.91
    assert mxn["accrued_interest"] == "6.91"
    assert mxn["unapplied"] == "0.00"


def test_aging_is_point_in_time(ledger: str) -> None:
    before_payment = aging_json(ledger, "2026-02-19")
    c001 = before_payment["currencies"]["CLP"]["customers"][0]
    assert c001["1-30"] == "100000"
    assert before_payment["as_of"] == "2026-02-19"
    c002 = aging_json(ledger, "2026-03-06")["currencies"]["CLP"]["customers"][1]
    assert c002["unapplied"] == "10000" and c002["total"] == "0"


def test_custom_bucket_edges(ledger: str) -> None:
    report = aging_json(ledger, "2026-03-31", "--buckets", "15,45")
    assert report["buckets"] == ["current", "1-15", "16-45", "46+"]
    assert report["currencies"]["CLP"]["customers"][0]["46+"] == "40000"


def test_customers_with_nothing_owed_are_left_out(ledger: str) -> None:
    report = aging_json(ledger, "2025-12-31")
    assert report["currencies"] == {}


def test_statement_lists_documents_allocations_and_interest(ledger: str) -> None:
    import json

    out = json.loads(ok(ledger, "statement", "C001", "--as-of", "2026-03-31",
                        "--format", "json").stdout)
    docs = {d["number"]: d for d in out["documents"]}
    assert docs["F001"]["open"] == "40000" and docs["F001"]["days_past_due"] == 59
    assert docs["F001"]["accrued_interest"] == "2341"
    assert [(a["source"], a["amount"]) for a in docs["F002"]["allocations"]] == [
        ("payment", "49000"), ("discount", "1000")]
    assert out["totals"]["CLP"] == {"open": "40000", "unapplied": "0", "accrued_interest": "2341"}
    table = ok(ledger, "statement", "C001", "--as-of", "2026-03-31").stdout
    assert "F001" in table and "P002" in table
    # The customer's tax id finds it too, however written.
    for written in ("76.086.428-5", "760864285"):
        by_tax_id = ok(ledger, "statement", written, "--as-of", "2026-03-31").stdout
        assert "Comercial Uno SpA (C001)" in by_tax_id
