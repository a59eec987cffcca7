"""A bank line naming an invoice of its customer already paid waits for a person: it is not put
on another invoice of the customer by its amount."""

from __future__ import annotations

from pathlib import Path

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
