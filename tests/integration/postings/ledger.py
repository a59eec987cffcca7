"""A ledger for the posting and hand-off tests, imported through the CLI as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.db import make_engine, unit_of_work
from cobranza.models import Invoice, Organisation
from cobranza.organisations.service import current
from tests.integration.test_ledger_scenario import CUSTOMERS, INVOICES, PAYMENTS
from tests.support import ok, write_csv

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def build(tmp: Path, db: str) -> None:
    """A Chilean creditor with Chilean, Mexican and Spanish debtors.

    F100 (C001): 1,000,000 CLP due 2026-01-31 at 24% a year; 200,000 paid on 2026-02-10 and
    300,000 on 2026-02-25. F200 (C002): 100,000 CLP due 2026-01-31, disputed nowhere, unpaid.
    FM1 (M001): 1,000.00 MXN due 2026-03-01. FE1 (E001): 500.00 EUR due 2026-03-01.
    """
    ok(db, "init", "--country", "CL", "--name", "Acreedora SpA")
    files = {
        "customers": write_csv(
            tmp / "c.csv", CUSTOMERS,
            "C001,Comercial Uno SpA,76.086.428-5,a@uno.cl,+56911111111,+56911111111,es,CL,"
            "America/Santiago,email,pyme,",
            "C002,Dos Ltda,12.345.678-5,b@dos.cl,,,es,CL,,email,pyme,",
            "M001,Tres SA de CV,,c@tres.mx,,,es,MX,America/Mexico_City,email,corp,",
            "E001,Cuatro SL,,d@cuatro.es,,,es,ES,Europe/Madrid,email,corp,"),
        "invoices": write_csv(
            tmp / "i.csv", INVOICES,
            "F100,C001,2026-01-01,2026-01-31,CLP,1000000,,0,24,,",
            "F200,C002,2026-01-01,2026-01-31,CLP,100000,,,,,",
            "FM1,M001,2026-02-01,2026-03-01,MXN,1000.00,,,,,",
            "FE1,E001,2026-02-01,2026-03-01,EUR,500.00,,,,,"),
        "payments": write_csv(
            tmp / "p.csv", PAYMENTS,
            "P001,C001,2026-02-10,CLP,200000,,,transfer",
            "P002,C001,2026-02-25,CLP,300000,,,transfer"),
    }
    for kind, path in files.items():
        ok(db, "import", kind, str(path))


def import_uf(tmp: Path, db: str, *rows: str) -> None:
    """Import UF values given as "YYYY-MM-DD,value" (code UF, quoted in CLP)."""
    path = write_csv(tmp / "uf.csv", "code,date,value,quote",
                     *[f"UF,{row},CLP" for row in rows])
    ok(db, "import", "rates", str(path))


@contextmanager
def unit(db: str) -> Iterator[tuple[Session, Organisation, dict[str, int]]]:
    """One committed unit of work: the session, the organisation and invoice ids by number."""
    engine = make_engine(db)
    try:
        with unit_of_work(engine) as session:
            ids = dict(session.execute(select(Invoice.number, Invoice.id)).tuples().all())
            yield session, current(session), ids
    finally:
        engine.dispose()


def d(text: str) -> date:
    """A date from ISO text."""
    return date.fromisoformat(text)
