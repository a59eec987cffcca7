"""The statement PDF a debtor gets with each e-mail, from a ledger imported through the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cobranza.db import make_engine, unit_of_work
from cobranza.messaging.letterhead import Letterhead
from cobranza.organisations.service import current
from cobranza.reports import statement
from cobranza.reports.render import money
from cobranza.reports.statement_pdf import statement_pdf
from tests.integration.documents.pdf import text
from tests.support import ok, write_csv

AS_OF = date(2026, 3, 31)


@pytest.fixture
def session(tmp_path: Path, sqlite_url: str) -> Iterator[Session]:
    """A CLP and USD customer with a partial payment, a credit note and late interest."""
    ok(sqlite_url, "init", "--country", "CL", "--name", "Distribuidora Sur Ltda.")
    files = {
        "customers": write_csv(tmp_path / "c.csv", "id,name,tax_id,email,language,country",
                               "C100,Comercial Andes SpA,76.086.428-5,pagos@andes.cl,es,CL"),
        "invoices": write_csv(
            tmp_path / "i.csv",
            "number,customer_id,issue_date,due_date,currency,amount,late_interest_annual_pct",
            "F100,C100,2026-01-05,2026-02-04,CLP,1190000,24",
            "F101,C100,2026-02-10,2026-03-12,CLP,595000,",
            "E7,C100,2026-02-01,2026-03-03,USD,1250.00,"),
        "credit-notes": write_csv(tmp_path / "n.csv",
                                  "number,customer_id,invoice_number,date,currency,amount",
                                  "NC100,C100,F101,2026-02-15,CLP,95000"),
        "payments": write_csv(tmp_path / "p.csv",
                              "id,customer_id,date,currency,amount,invoice_numbers",
                              "P100,C100,2026-02-20,CLP,500000,F100"),
    }
    for kind, path in files.items():
        ok(sqlite_url, "import", kind, str(path))
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as opened:
        yield opened
    engine.dispose()


def test_the_statement_shows_documents_settlements_interest_and_totals(session: Session) -> None:
    org = current(session)
    found = statement.build(session, org=org, customer_code="C100", as_of=AS_OF)
    pdf = statement_pdf(found, letterhead=Letterhead.from_organisation(org), locale="es_CL",
                        language="es")
    assert pdf.startswith(b"%PDF")
    content = text(pdf)
    for expected in ("Distribuidora Sur Ltda.", "Estado de cuenta", "Comercial Andes SpA",
                     "C100", f"RUT {found.tax_id}", "31 de marzo de 2026", "F100", "F101", "E7",
                     "Pago P100", "Nota de crédito NC100", "Pagos y notas de crédito",
                     "Resumen", "al día", "Saldo total", "Interés devengado"):
        assert expected in content
    lines = {ln.number: ln for ln in found.lines}
    assert (lines["F100"].open, lines["F101"].open, lines["E7"].open) == (690000, 500000, 125000)
    assert money(690000, "CLP", "es_CL") in content and money(500000, "CLP", "es_CL") in content
    assert money(125000, "USD", "es_CL") in content
    assert lines["F100"].accrued_interest > 0
    assert money(lines["F100"].accrued_interest, "CLP", "es_CL") in content
    assert "F100 Factura 05-01-2026 04-02-2026" in content
    # Per currency, never added together: each currency has its own total.
    assert money(1190000, "CLP", "es_CL") in content
    assert money(found.summary["CLP"].total, "CLP", "es_CL") in content
    assert money(found.summary["USD"].total, "USD", "es_CL") in content


def test_the_statement_in_english(session: Session) -> None:
    org = current(session)
    found = statement.build(session, org=org, customer_code="C100", as_of=AS_OF)
    content = text(statement_pdf(found, letterhead=Letterhead.from_organisation(org),
                                 locale="en_US", language="en"))
    for expected in ("Statement of account", "Payments and credit notes", "Payment P100",
                     "Credit note NC100", "Days past due", "March 31, 2026",
                     money(690000, "CLP", "en_US"), "$1,250.00"):
        assert expected in content


def test_a_customer_who_owes_nothing_gets_a_statement_saying_so(session: Session) -> None:
    org = current(session)
    found = statement.build(session, org=org, customer_code="C100", as_of=date(2025, 12, 31))
    content = text(statement_pdf(found, letterhead=Letterhead.from_organisation(org),
                                 locale="es_CL", language="es"))
    assert "Nada adeudado al" in content
