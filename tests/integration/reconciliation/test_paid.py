"""A bank line naming an invoice of its customer already paid waits for a person: it is not put
on another invoice of the customer by its amount."""

from __future__ import annotations

from pathlib import Path

from cobranza.reconciliation.service import reconcile
from tests.integration.reconciliation.helpers import (
    INVOICES,
    NOW,
    add_lines,
    seed_ledger,
    uow,
)
from tests.integration.reconciliation.test_recorded import (
    ledger,  # noqa: F401 (a fixture)
    open_amounts,
    reconciled,
    statement,
)
from tests.support import ok, write_csv
from tests.unit.einvoices.builders import CUSTOMER_RFC


def test_a_second_payment_of_a_paid_invoice_waits_for_a_person(
        ledger: str, tmp_path: Path) -> None:  # noqa: F811
    # A-1 was paid in January; in March the customer pays it again, naming it.
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"ERP-1,{CUSTOMER_RFC},2026-01-20,MXN,1160.00,A-1")))
    statement(ledger, tmp_path,
              f"02/03/2026,SPEI RECIBIDO {CUSTOMER_RFC} PAGO FACTURA A-1,BNET1,,1160.00",
              f"03/03/2026,SPEI RECIBIDO {CUSTOMER_RFC} PAGO,BNET2,,1160.00")
    naming, plain = reconciled(ledger, "--auto")
    # Put on A-2 by its amount, it would pay what the customer did not say it paid; nor does
    # it keep A-2 from the line that names nothing, applied as before.
    assert (naming["status"], naming["suggestions"][0]["customer_id"]) == (
        "review", CUSTOMER_RFC)
    assert (plain["status"], plain["invoice_numbers"]) == ("applied", ["A-2"])
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 0}



def test_a_paid_invoice_is_found_whatever_the_case_its_number_is_written_in(
        tmp_path: Path, db_url: str) -> None:
    # The accounts number their invoices in lower case; the remittance writes it as it likes.
    db = seed_ledger(tmp_path, db_url)
    ok(db, "import", "invoices", str(write_csv(
        tmp_path / "f.csv", INVOICES, "f-1001,M001,2026-02-01,2026-03-03,MXN,1160.00,,",
        "f-1002,M001,2026-02-02,2026-03-04,MXN,1160.00,,")))
    ok(db, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        "ERP-1,M001,2026-02-20,MXN,1160.00,f-1001")))
    add_lines(db, {"amount": 116000, "counterparty_name": "Abarrotes La Esperanza SA de CV",
                   "remittance": "pago factura F-1001"})
    with uow(db) as (session, org):
        [verdict] = reconcile(session, org_id=org.id, now=NOW, auto=True).verdicts
    # Applied by its amount to another invoice, it would pay what the customer did not say.
    assert verdict.status == "review"
