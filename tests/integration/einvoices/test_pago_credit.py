"""A Pagos complement's Pago whose Monto is more than it pays of its documents, on SQLite and
PostgreSQL: the rest is the customer's credit, and the whole Monto is one sum of money with a
bank line that brings it."""

from __future__ import annotations

from pathlib import Path

from tests.integration.einvoices.test_import import (
    WRITTEN,
    folder,
    ledger,  # noqa: F401 (a fixture)
    reconciled_line,
    rows,
)
from tests.support import ok, snapshot, write_csv
from tests.unit.einvoices.builders import (
    CUSTOMER_RFC,
    UUID_A,
    UUID_B,
    UUID_PAY,
    Docto,
    Pago,
    cfdi,
    pagos,
)

OWED = ("SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) FROM invoices i "
        "LEFT JOIN allocations a ON a.invoice_id = i.id GROUP BY i.id, i.number, i.amount "
        "ORDER BY i.number")


def invoices(tmp_path: Path) -> Path:
    return folder(tmp_path, a=cfdi(uuid=UUID_A, folio="1"), b=cfdi(uuid=UUID_B, folio="2"))


def complement(tmp_path: Path) -> Path:
    path = tmp_path / "pay.xml"
    path.write_bytes(pagos(payments=[Pago("2000.00", [Docto(UUID_A, "1160.00", "1160.00", 1)])]))
    return path


def test_what_a_pago_brings_beyond_its_documents_is_the_customers_credit(
        ledger: str, tmp_path: Path) -> None:  # noqa: F811
    ok(ledger, "import", "invoices", str(invoices(tmp_path)))
    result = ok(ledger, "import", "invoices", str(complement(tmp_path)))
    assert "payments: 2 new" in result.stdout
    assert ("pay.xml:13: Pago/Monto: the payment's Monto 2000.00 MXN pays its documents 1160.00 "
            "MXN; the rest, 840.00 MXN, is recorded as the customer's credit") in " ".join(
        result.stderr.split())
    assert rows(ledger, "SELECT code, invoice_numbers, installment, amount FROM payments "
                        "ORDER BY code") == [
        (f"{UUID_PAY}/1", "A-1", 1, 116000), (f"{UUID_PAY}/credit-1", None, None, 84000)]
    # The credit is applied like a payment naming no invoice (DOMAIN.md): to A-2, still open.
    assert rows(ledger, OWED) == [("A-1", 0), ("A-2", 116000 - 84000)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    again = ok(ledger, "import", "invoices", str(complement(tmp_path)))
    assert "payments: 0 new, 0 updated, 2 unchanged" in again.stdout
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_a_pago_whose_money_the_ledger_holds_adds_no_credit_either(
        ledger: str, tmp_path: Path) -> None:  # noqa: F811
    ok(ledger, "import", "invoices", str(invoices(tmp_path)))
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"BANK-1,{CUSTOMER_RFC},2026-02-01,MXN,2000.00,A-1")))
    result = ok(ledger, "import", "invoices", str(complement(tmp_path)))
    assert "payments: 0 new" in result.stdout
    said = " ".join(result.stderr.split())
    assert "is already recorded, by payment BANK-1" in said
    assert "the rest of the payment's Monto, 840.00 MXN, goes with its payments of documents" \
        in said
    assert rows(ledger, "SELECT code, amount FROM payments") == [("BANK-1", 200000)]
    assert rows(ledger, OWED) == [("A-1", 0), ("A-2", 116000 - 84000)]


def test_a_bank_line_of_the_whole_monto_is_the_pagos_payments_and_credit(
        ledger: str, tmp_path: Path) -> None:  # noqa: F811
    ok(ledger, "import", "invoices", str(invoices(tmp_path)))
    ok(ledger, "import", "invoices", str(complement(tmp_path)))
    reconciled_line(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,2000.00")
    # The line brought the payments the complement recorded: nothing new, nothing twice.
    assert rows(ledger, "SELECT code, match_id IS NOT NULL FROM payments ORDER BY code") == [
        (f"{UUID_PAY}/1", True), (f"{UUID_PAY}/credit-1", True)]
    assert rows(ledger, OWED) == [("A-1", 0), ("A-2", 116000 - 84000)]


def test_a_pago_after_its_bank_line_of_the_whole_monto_takes_its_place(
        ledger: str, tmp_path: Path) -> None:  # noqa: F811
    ok(ledger, "import", "invoices", str(invoices(tmp_path)))
    reconciled_line(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,2000.00")
    bank, = rows(ledger, "SELECT code FROM payments")
    result = ok(ledger, "import", "invoices", str(complement(tmp_path)))
    said = " ".join(result.stderr.split())
    assert f"came in on a bank line, as payment {bank[0]}" in said
    # The complement's payment and credit take the bank payment's place on its line: the
    # 2,000.00 counted once, A-1 paid as the complement says, the rest the customer's credit.
    assert rows(ledger, "SELECT code, amount, match_id IS NOT NULL FROM payments "
                        "ORDER BY code") == [(f"{UUID_PAY}/1", 116000, True),
                                             (f"{UUID_PAY}/credit-1", 84000, True)]
    assert rows(ledger, OWED) == [("A-1", 0), ("A-2", 116000 - 84000)]


def test_the_stamped_complement_takes_over_its_drafts_credit(
        ledger: str, tmp_path: Path) -> None:  # noqa: F811
    ok(ledger, "import", "invoices", str(invoices(tmp_path)))
    draft = tmp_path / "draft.xml"
    draft.write_bytes(pagos(uuid=None, payments=[
        Pago("2000.00", [Docto(UUID_A, "1160.00", "1160.00", 1)])]))
    ok(ledger, "import", "invoices", str(draft))
    assert rows(ledger, "SELECT code FROM payments ORDER BY code") == [("P-1/1",),
                                                                      ("P-1/credit-1",)]
    result = ok(ledger, "import", "invoices", str(complement(tmp_path)))
    assert "payments: 0 new, 2 updated" in result.stdout
    assert rows(ledger, "SELECT code, fiscal_id, amount FROM payments ORDER BY code") == [
        (f"{UUID_PAY}/1", UUID_PAY, 116000), (f"{UUID_PAY}/credit-1", UUID_PAY, 84000)]
    assert rows(ledger, OWED) == [("A-1", 0), ("A-2", 116000 - 84000)]
