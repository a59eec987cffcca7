"""A bank line that brings a payment the ledger holds already (a Pagos complement imported
first, or a payment imported from the accounts) is linked to it: the money counts once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.einvoices.test_import import folder, rows
from tests.support import ok, write_csv
from tests.unit.einvoices.builders import (
    CUSTOMER_RFC,
    ORG_RFC,
    UUID_A,
    UUID_B,
    UUID_PAY,
    Docto,
    Pago,
    cfdi,
    pagos,
)

ACCOUNT = "012180001234567891"
BANK = "Fecha,Concepto,Referencia,Cargo,Abono"


@pytest.fixture
def ledger(db_url: str, tmp_path: Path) -> str:
    """Two invoices of 1160.00 MXN of one customer, issued in January."""
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    ok(db_url, "import", "invoices", str(folder(
        tmp_path, a=cfdi(uuid=UUID_A, folio="1"), b=cfdi(uuid=UUID_B, folio="2"))))
    return db_url


def statement(db: str, tmp_path: Path, *lines: str) -> None:
    ok(db, "import", "statement", str(write_csv(tmp_path / "banco.csv", BANK, *lines)),
       "--account", ACCOUNT)


def complement(db: str, tmp_path: Path, *payments: Pago) -> None:
    path = tmp_path / "pay.xml"
    path.write_bytes(pagos(payments=list(payments)))
    ok(db, "import", "invoices", str(path))


def reconciled(db: str, *extra: str) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = json.loads(
        ok(db, "reconcile", *extra, "--format", "json").stdout)["lines"]
    return lines


def open_amounts(db: str) -> dict[str, int]:
    return dict(rows(db, "SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) FROM invoices i "
                         "LEFT JOIN allocations a ON a.invoice_id = i.id "
                         "GROUP BY i.id, i.number, i.amount ORDER BY i.number"))


def test_a_transfer_whose_complement_came_first_is_linked_to_its_payment(
        ledger: str, tmp_path: Path) -> None:
    complement(ledger, tmp_path, Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)]))
    # The transfer names the invoice the complement paid; the other one owes the same amount.
    statement(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC} FACTURA A-1,BNET1,,"
                                "1160.00")
    [line] = reconciled(ledger, "--auto")
    assert (line["status"], line["customer_id"], line["invoice_numbers"]) == (
        "applied", CUSTOMER_RFC, ["A-1"])
    # No new money: A-2 still owes all of it, and the one payment is the complement's.
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}
    assert rows(ledger, "SELECT p.code, m.method FROM payments p "
                        "JOIN reconciliation_matches m ON m.id = p.match_id") == [
        (f"{UUID_PAY}/1", "auto")]
    assert reconciled(ledger, "--auto") == []  # nothing left pending


def test_reversing_the_link_keeps_the_payment_and_a_person_can_confirm_it_again(
        ledger: str, tmp_path: Path) -> None:
    complement(ledger, tmp_path, Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)]))
    statement(ledger, tmp_path, f"01/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00")
    reconciled(ledger, "--auto")
    [line_id] = [r[0] for r in rows(ledger, "SELECT id FROM bank_transactions")]
    ok(ledger, "reconcile", "reverse", str(line_id))
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}
    assert rows(ledger, "SELECT COUNT(*), MIN(match_id) FROM payments") == [(1, None)]
    # Taken back, it is not linked again unasked, nor put on A-2: it waits, the payment first.
    [line] = reconciled(ledger, "--auto")
    assert line["status"] == "review"
    review = json.loads(ok(ledger, "reconcile", "review", "--format", "json").stdout)
    [waiting] = review["lines"] if isinstance(review, dict) else review
    first = waiting["suggestions"][0]
    assert (first["customer_id"], first["invoice_numbers"]) == (CUSTOMER_RFC, ["A-1"])
    ok(ledger, "reconcile", "confirm", str(line_id))
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}
    assert rows(ledger, "SELECT status FROM bank_transactions") == [("applied",)]
    assert rows(ledger, "SELECT COUNT(*) FROM payments WHERE match_id IS NOT NULL") == [(1,)]


def test_one_transfer_for_a_pago_of_two_invoices_brings_both_its_payments(
        ledger: str, tmp_path: Path) -> None:
    complement(ledger, tmp_path, Pago("1460.00", [Docto(UUID_A, "1160.00", "1160.00", 1),
                                                  Docto(UUID_B, "300.00", "1160.00", 1)]))
    statement(ledger, tmp_path, f"03/02/2026,PAGO {CUSTOMER_RFC},BNET1,,1460.00")
    [line] = reconciled(ledger, "--auto")
    assert (line["status"], line["invoice_numbers"]) == ("applied", ["A-1", "A-2"])
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 86000}
    assert rows(ledger, "SELECT COUNT(*) FROM payments WHERE match_id IS NOT NULL") == [(2,)]


def test_the_operation_number_alone_finds_the_payment(ledger: str, tmp_path: Path) -> None:
    complement(ledger, tmp_path, Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)],
                                      operation="MBAN01002602010012345"))
    # Nothing in the line names the customer: its clave de rastreo is the NumOperacion.
    statement(ledger, tmp_path, "01/02/2026,SPEI RECIBIDO CLAVE MBAN01002602010012345,X,,"
                                "1160.00")
    [line] = reconciled(ledger, "--auto")
    assert (line["status"], line["invoice_numbers"]) == ("applied", ["A-1"])
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}


def test_a_payment_from_the_accounts_is_linked_but_not_one_weeks_apart(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"ERP-1,{CUSTOMER_RFC},2026-02-01,MXN,1160.00,A-1")))
    statement(ledger, tmp_path,
              f"03/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00",
              f"20/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET2,,1160.00")
    first, second = reconciled(ledger, "--auto")
    assert (first["status"], first["invoice_numbers"]) == ("applied", ["A-1"])
    # Seventeen days after the recorded payment: another payment, of A-2.
    assert (second["status"], second["invoice_numbers"]) == ("applied", ["A-2"])
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 0}
    assert sorted(rows(ledger, "SELECT code FROM payments")) == [("BANK-2-2",), ("ERP-1",)]


def test_a_line_naming_another_open_invoice_is_not_the_recorded_payment(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"ERP-1,{CUSTOMER_RFC},2026-02-01,MXN,1160.00,A-1")))
    statement(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC} FACTURA A-2,BNET1,,"
                                "1160.00")
    [line] = reconciled(ledger, "--auto")
    assert (line["status"], line["invoice_numbers"]) == ("applied", ["A-2"])
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 0}
    assert rows(ledger, "SELECT match_id FROM payments WHERE code = 'ERP-1'") == [(None,)]


def test_reversing_a_line_whose_payment_a_draft_complement_took_over_keeps_it(
        ledger: str, tmp_path: Path) -> None:
    statement(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC} FACTURA A-1,BNET1,,"
                                "1160.00")
    [line] = reconciled(ledger, "--auto")
    assert line["status"] == "applied"
    # The issuer's complement, not stamped yet (a draft: no UUID), takes the bank payment's
    # place on the line's match.
    path = tmp_path / "pay.xml"
    path.write_bytes(pagos(uuid=None, payments=[
        Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)])]))
    ok(ledger, "import", "invoices", str(path))
    assert rows(ledger, "SELECT code, match_id FROM payments") == [("P-1/1", 1)]
    # Reversing the line lets go of the complement's payment: the money stays recorded.
    [line_id] = [r[0] for r in rows(ledger, "SELECT id FROM bank_transactions")]
    ok(ledger, "reconcile", "reverse", str(line_id))
    assert rows(ledger, "SELECT code, match_id FROM payments") == [("P-1/1", None)]
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}


def test_the_timeline_says_a_taken_over_payment_stays_when_its_line_is_reversed(
        ledger: str, tmp_path: Path) -> None:
    statement(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00")
    reconciled(ledger, "--auto")
    complement(ledger, tmp_path, Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)]))
    [line_id] = [r[0] for r in rows(ledger, "SELECT id FROM bank_transactions")]
    ok(ledger, "reconcile", "reverse", str(line_id))
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}
    # The complement's payment stays on A-1: the invoices are as they were, not owing again.
    [(payload,)] = rows(ledger, "SELECT payload FROM activity_log "
                                "WHERE kind = 'payment_unmatched'")
    assert json.loads(payload) == {"line": line_id, "recorded": True}


def test_a_person_assigning_a_reversed_line_to_its_customer_links_the_payment_again(
        ledger: str, tmp_path: Path) -> None:
    complement(ledger, tmp_path, Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)]))
    statement(ledger, tmp_path, f"01/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00")
    reconciled(ledger, "--auto")
    [line_id] = [r[0] for r in rows(ledger, "SELECT id FROM bank_transactions")]
    ok(ledger, "reconcile", "reverse", str(line_id))
    # Assigned to the customer by hand, the line brings the complement's payment again: it
    # does not record the money a second time, on A-2.
    ok(ledger, "reconcile", "assign", str(line_id), "--customer", CUSTOMER_RFC)
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}
    assert rows(ledger, "SELECT p.code, m.method, m.amount FROM payments p "
                        "JOIN reconciliation_matches m ON m.id = p.match_id "
                        "WHERE m.reversed_at IS NULL") == [(f"{UUID_PAY}/1", "manual", 116000)]
    [(evidence,)] = rows(ledger, "SELECT evidence FROM reconciliation_matches "
                                 "WHERE reversed_at IS NULL")
    assert json.loads(evidence)["fit"] == "recorded"
    # Reversed again, the complement's payment stays.
    ok(ledger, "reconcile", "reverse", str(line_id))
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 116000}
    assert rows(ledger, "SELECT COUNT(*), MIN(match_id) FROM payments") == [(1, None)]


def test_a_split_part_of_a_held_payments_amount_brings_it_and_the_rest_is_new_money(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"ERP-1,{CUSTOMER_RFC},2026-02-01,MXN,1160.00,A-1")))
    statement(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1460.00")
    reconciled(ledger)
    [line_id] = [r[0] for r in rows(ledger, "SELECT id FROM bank_transactions")]
    ok(ledger, "reconcile", "split", str(line_id), "--part", f"{CUSTOMER_RFC}:1160",
       "--part", f"{CUSTOMER_RFC}:300:A-2")
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 86000}
    assert sorted(rows(ledger, "SELECT p.code LIKE 'BANK-%', p.amount, m.amount "
                               "FROM payments p "
                               "JOIN reconciliation_matches m ON m.id = p.match_id")) == [
        (False, 116000, 116000), (True, 30000, 30000)]


def test_a_person_naming_another_open_invoice_records_another_payment(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"ERP-1,{CUSTOMER_RFC},2026-02-01,MXN,1160.00,A-1")))
    statement(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00")
    reconciled(ledger)
    [line_id] = [r[0] for r in rows(ledger, "SELECT id FROM bank_transactions")]
    # The person says it paid A-2: not the payment that settled A-1.
    ok(ledger, "reconcile", "assign", str(line_id), "--customer", CUSTOMER_RFC,
       "--invoices", "A-2")
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 0}
    assert rows(ledger, "SELECT match_id FROM payments WHERE code = 'ERP-1'") == [(None,)]


def test_a_payment_from_the_accounts_is_not_linked_to_a_transfer_with_another_trace(
        ledger: str, tmp_path: Path) -> None:
    # The accounts recorded the transfer MBAN...12345 (on another account's statement); this
    # account's line, of the customer and amount two days on, is another transfer.
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers,reference",
        f"ERP-1,{CUSTOMER_RFC},2026-02-01,MXN,1160.00,A-1,MBAN01002602010012345")))
    statement(ledger, tmp_path, f"03/02/2026,SPEI RECIBIDO {CUSTOMER_RFC} CLAVE DE RASTREO "
                                "BNET01002602030099999,BNET1,,1160.00")
    assert rows(ledger, "SELECT spei_reference FROM bank_transactions") == [
        ("BNET01002602030099999",)]
    [line] = reconciled(ledger, "--auto")
    assert (line["status"], line["invoice_numbers"]) == ("applied", ["A-2"])
    assert rows(ledger, "SELECT match_id FROM payments WHERE code = 'ERP-1'") == [(None,)]
    assert open_amounts(ledger) == {"A-1": 0, "A-2": 0}


def _held_part_of_a1(ledger: str, tmp_path: Path) -> int:
    """The accounts' payment of 500.00 on A-1, and the transfer that brought it, whose
    remittance names A-1 and A-2: the line's id."""
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"ERP-1,{CUSTOMER_RFC},2026-02-01,MXN,500.00,A-1")))
    statement(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC} FACTURAS A-1 A-2,"
                                "BNET1,,500.00")
    [(line_id,)] = rows(ledger, "SELECT id FROM bank_transactions")
    return int(line_id)


def test_a_line_naming_an_invoice_its_recorded_payment_paid_and_another_is_that_payment(
        ledger: str, tmp_path: Path) -> None:
    _held_part_of_a1(ledger, tmp_path)
    [line] = reconciled(ledger, "--auto")
    # The remittance listed more than the accounts applied: still the one transfer of 500.00.
    assert (line["status"], line["invoice_numbers"]) == ("applied", ["A-1"])
    assert open_amounts(ledger) == {"A-1": 66000, "A-2": 116000}
    assert rows(ledger, "SELECT COUNT(*), COUNT(match_id) FROM payments") == [(1, 1)]


def test_a_person_naming_those_invoices_brings_the_payment_by_the_matcher_s_rule(
        ledger: str, tmp_path: Path) -> None:
    line_id = _held_part_of_a1(ledger, tmp_path)
    reconciled(ledger)
    # One rule for the matcher and a person (`recorded.brings`): naming an invoice the payment
    # paid, and another, the line is that payment; the money counts once, and the person is
    # told A-2 was not paid by it.
    done = ok(ledger, "reconcile", "assign", str(line_id), "--customer", CUSTOMER_RFC,
              "--invoices", "A-1,A-2")
    said = " ".join(done.output.split())
    assert (f"{CUSTOMER_RFC}: 500.00 MXN is the payment recorded before the line, which paid "
            "A-1 (500.00); nothing added") in said
    assert f"{CUSTOMER_RFC}: that payment did not pay A-2; they owe as before" in said
    assert open_amounts(ledger) == {"A-1": 66000, "A-2": 116000}
    assert rows(ledger, "SELECT COUNT(*), COUNT(match_id) FROM payments") == [(1, 1)]
    # Naming only the invoice it did not pay, it is another payment: new money, on A-2.
    ok(ledger, "reconcile", "reverse", str(line_id))
    ok(ledger, "reconcile", "assign", str(line_id), "--customer", CUSTOMER_RFC,
       "--invoices", "A-2")
    assert open_amounts(ledger) == {"A-1": 66000, "A-2": 66000}
    assert rows(ledger, "SELECT match_id FROM payments WHERE code = 'ERP-1'") == [(None,)]
