"""`cobranza reconcile` as a finance team uses it: match, read the JSON, review, decide, reverse."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from cobranza.core.references import invoice_reference, printed
from cobranza.db import make_engine, unit_of_work
from cobranza.models import BankStatement, BankTransaction, Invoice
from cobranza.organisations.service import current
from tests.support import aging_json, cli, ok, write_csv

NOW = datetime(2026, 4, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    ok(db_url, "init", "--country", "MX")
    ok(db_url, "import", "customers", str(write_csv(
        tmp_path / "c.csv", "id,name,country",
        "M001,Abarrotes La Esperanza SA de CV,MX", "M002,Ferretería Hernández Hermanos,MX")))
    ok(db_url, "import", "invoices", str(write_csv(
        tmp_path / "i.csv", "number,customer_id,issue_date,due_date,currency,amount",
        "A-1001,M001,2026-02-01,2026-03-03,MXN,1160.00",
        "B-2001,M002,2026-02-10,2026-03-12,MXN,9999.99")))
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        org = current(session)
        a1001 = session.query(Invoice).filter_by(number="A-1001").one()
        st = BankStatement(org_id=org.id, account="012180001234567897", file="s.xml",
                           period_end=date(2026, 3, 31), imported_at=NOW, format="camt")
        session.add(st)
        session.flush()
        for n, (amount, name, text) in enumerate([
                (116000, "X", f"PAGO {printed(invoice_reference(a1001.id))}"),
                (500000, "FERRETERIA HERNANDEZ HNOS", "ABONO"),
                (-1500, "BANCO", "COMISION")]):
            session.add(BankTransaction(
                org_id=org.id, statement_id=st.id, account=st.account, dedupe_key=f"T{n}",
                transaction_id=f"T{n}", booking_date=date(2026, 3, 30), amount=amount,
                currency="MXN", counterparty_name=name, remittance=text, status="new",
                created_at=NOW))
    engine.dispose()
    return db_url


def test_reconcile_auto_json_then_review_and_decide(db: str) -> None:
    data = json.loads(ok(db, "reconcile", "--auto", "--format", "json").stdout)
    by_id = {line["transaction_id"]: line for line in data["lines"]}
    assert by_id["T0"] | {"suggestions": None} == {
        "transaction_id": "T0", "date": "2026-03-30", "amount": "1160.00", "currency": "MXN",
        "status": "applied", "customer_id": "M001", "invoice_numbers": ["A-1001"],
        "confidence": by_id["T0"]["confidence"], "suggestions": None}
    assert by_id["T1"]["status"] == "review"
    assert by_id["T1"]["suggestions"][0]["customer_id"] == "M002"
    assert set(by_id["T1"]["suggestions"][0]) == {"customer_id", "invoice_numbers", "confidence"}
    assert by_id["T2"]["status"] == "ignored"

    review = json.loads(ok(db, "reconcile", "review", "--format", "json").stdout)
    assert [r["transaction_id"] for r in review] == ["T1"]
    line = str(review[0]["line"])
    assert "M002" in ok(db, "reconcile", "review").stdout

    bad = cli(db, "reconcile", "confirm", line, "--pick", "7")
    assert bad.exit_code == 2 and "has 1 suggestion, not 7" in bad.output
    ok(db, "reconcile", "confirm", line, "--user", "ana")
    m2 = aging_json(db, "2026-04-01")
    assert "4999.99" in json.dumps(m2)  # 9,999.99 less the 5,000.00 received
    # Nothing is pending now; taking the payment back restores the invoice.
    assert json.loads(ok(db, "reconcile", "--format", "json").stdout) == {"lines": []}
    assert "No bank line is waiting for review." in ok(db, "reconcile", "review").stdout
    ok(db, "reconcile", "reverse", line)
    assert "9999.99" in json.dumps(aging_json(db, "2026-04-01"))


def test_the_table_is_in_spanish(db: str) -> None:
    out = cli(db, "reconcile", "--auto", lang="es").stdout
    assert "aplicado" in out and "por revisar" in out


def test_review_reads_the_evidence_in_the_users_language(db: str) -> None:
    ok(db, "reconcile", "--auto")
    review = json.loads(ok(db, "reconcile", "review", "--format", "json").stdout)
    best = review[0]["suggestions"][0]
    assert "name" in best["evidence"]  # the JSON keeps the machine keys
    es = cli(db, "reconcile", "review", lang="es").stdout
    assert "nombre del pagador" in es and "name" not in es
    en = cli(db, "reconcile", "review").stdout
    assert "payer's name" in en
    assert f"({best['confidence']}: " in en


def test_review_json_is_serialised_as_the_api_serialises_it(db: str) -> None:
    ok(db, "reconcile", "--auto")
    engine = make_engine(db)
    with engine.begin() as conn:  # a line the bank gave no transaction id
        conn.execute(text("UPDATE bank_transactions SET transaction_id = NULL "
                          "WHERE transaction_id = 'T1'"))
    engine.dispose()
    review = json.loads(ok(db, "reconcile", "review", "--format", "json").stdout)
    assert review[0]["transaction_id"] == str(review[0]["line"])  # the line's id, as the API
    for s in review[0]["suggestions"]:
        assert re.fullmatch(r"[01]\.\d{3}", s["confidence"])
        assert s["fit"] and s["evidence"]
        assert all(isinstance(v, str) and Decimal(v) > 0 for v in s["evidence"].values())


def test_the_timeline_tells_a_matched_payment_in_spanish(db: str) -> None:
    ok(db, "reconcile", "--auto")
    line = str(json.loads(ok(db, "reconcile", "review", "--format", "json").stdout)[0]["line"])
    ok(db, "reconcile", "confirm", line, "--user", "ana")
    ok(db, "reconcile", "reverse", line)
    out = cli(db, "timeline", "M002", lang="es").stdout
    assert "pago aplicado" in out and "pago revertido" in out
    # Money in the Mexican company's own format (es_MX), not minor units.
    assert "$5,000.00" in out
    assert "amount=" not in out and "500000" not in out
    assert "aplicado a la factura B-2001" in out and "sugerencia confirmada" in out
    stored = json.loads(ok(db, "timeline", "M002", "--format", "json").stdout)
    matched = next(e for e in stored if e["kind"] == "payment_matched")
    assert matched["payload"]["amount"] == 500000  # what is stored is unchanged


def test_money_in_nothing_points_to_waits_in_review_to_be_assigned(db: str) -> None:
    engine = make_engine(db)
    with engine.begin() as conn:  # money in from a payer nothing knows, naming nothing
        conn.execute(text("UPDATE bank_transactions SET counterparty_name = 'ZZ QQ', "
                          "remittance = 'DEPOSITO', amount = 123456 WHERE transaction_id = 'T1'"))
    engine.dispose()
    data = json.loads(ok(db, "reconcile", "--auto", "--format", "json").stdout)
    assert {ln["transaction_id"]: ln["status"] for ln in data["lines"]}["T1"] == "unmatched"
    review = json.loads(ok(db, "reconcile", "review", "--format", "json").stdout)
    assert [(r["transaction_id"], r["status"], r["suggestions"]) for r in review] == [
        ("T1", "unmatched", [])]
    assert "nothing points to a customer" in ok(db, "reconcile", "review").stdout
    assert "nada apunta a un cliente" in cli(db, "reconcile", "review", lang="es").stdout
    ok(db, "reconcile", "assign", str(review[0]["line"]), "--customer", "M002")
    assert json.loads(ok(db, "reconcile", "review", "--format", "json").stdout) == []
    assert "8765.43" in json.dumps(aging_json(db, "2026-04-01"))  # 9,999.99 less 1,234.56
