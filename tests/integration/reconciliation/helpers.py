"""A Mexican ledger with bank lines waiting to be reconciled, shared by the reconciliation tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.db import make_engine, unit_of_work
from cobranza.models import Allocation, BankStatement, BankTransaction, Invoice, Organisation
from cobranza.organisations.service import current
from tests.support import ok, write_csv

NOW = datetime(2026, 4, 1, 15, 0, tzinfo=UTC)
CUSTOMERS = "id,name,tax_id,country"
INVOICES = "number,customer_id,issue_date,due_date,currency,amount,discount_pct,discount_days"


def seed_ledger(tmp_path: Path, db_url: str) -> str:
    """Three Mexican customers with open invoices in MXN."""
    ok(db_url, "init", "--country", "MX")
    ok(db_url, "import", "customers", str(write_csv(
        tmp_path / "c.csv", CUSTOMERS,
        "M001,Abarrotes La Esperanza SA de CV,AES970101ABA,MX",
        "M002,Ferretería Hernández Hermanos,FHH850505AB0,MX",
        "M003,Distribuidora del Bajío SA de CV,DBA000303AB6,MX")))
    ok(db_url, "import", "invoices", str(write_csv(
        tmp_path / "i.csv", INVOICES,
        "A-1001,M001,2026-02-01,2026-03-03,MXN,1160.00,,",
        "A-1002,M001,2026-02-15,2026-03-17,MXN,2320.50,,",
        "A-1003,M001,2026-03-01,2026-03-31,MXN,580.00,,",
        "B-2001,M002,2026-02-10,2026-03-12,MXN,9999.99,,",
        "B-2002,M002,2026-03-25,2026-04-24,MXN,5000.00,2,10",
        "C-3001,M003,2026-01-05,2026-02-04,MXN,7500.00,,")))
    return db_url


@contextmanager
def uow(db: str) -> Iterator[tuple[Session, Organisation]]:
    engine = make_engine(db)
    try:
        with unit_of_work(engine) as session:
            yield session, current(session)
    finally:
        engine.dispose()


def add_lines(db: str, *lines: dict[str, object]) -> list[int]:
    """A statement with these lines, as the statement import stores them (booked on
    2026-03-30 unless a line says otherwise)."""
    with uow(db) as (session, org):
        st = BankStatement(org_id=org.id, account="012180001234567897", file="feed.xml",
                           period_end=date(2026, 4, 1), imported_at=NOW, format="camt")
        session.add(st)
        session.flush()
        rows = []
        for n, fields in enumerate(lines):
            row = BankTransaction(**{
                "org_id": org.id, "statement_id": st.id, "account": st.account,
                "dedupe_key": f"k{st.id}-{n}", "transaction_id": f"TX{st.id}-{n}",
                "booking_date": date(2026, 3, 30), "currency": "MXN", "status": "new",
                "created_at": NOW, **fields})
            session.add(row)
            rows.append(row)
        session.flush()
        return [r.id for r in rows]


def open_amounts(db: str) -> dict[str, int]:
    with uow(db) as (session, org):
        rows = session.execute(select(Invoice.number, Invoice.amount, Invoice.id)).all()
        paid: dict[int, int] = {}
        for inv, amount in session.execute(select(Allocation.invoice_id, Allocation.amount)):
            paid[inv] = paid.get(inv, 0) + amount
        return {n: a - paid.get(i, 0) for n, a, i in rows}


def invoice_id(db: str, number: str) -> int:
    with uow(db) as (session, _org):
        return session.scalar(select(Invoice.id).where(Invoice.number == number)) or 0
