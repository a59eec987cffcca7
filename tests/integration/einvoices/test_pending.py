"""A Pagos complement imported before the invoice it pays, on SQLite and PostgreSQL: imported
with a located warning, and settling the invoice when it arrives, as a payments file's row
naming an invoice not imported yet does (README, DOMAIN.md: any order, any batches)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.einvoices.test_import import WRITTEN, rows
from tests.support import cli, ok, snapshot, write_csv
from tests.unit.einvoices.builders import (
    CUSTOMER_RFC,
    ORG_RFC,
    OTHER_RFC,
    UUID_A,
    UUID_B,
    UUID_PAY,
    Docto,
    Docto10,
    Pago,
    cfdi,
    cfdi33,
    pagos,
    pagos10,
)

INVOICE_A = cfdi(uuid=UUID_A, folio="1")
INVOICE_B = cfdi(uuid=UUID_B, folio="2", subtotal="500.00", traslados="80.00", total="580.00")
# Pays 500.00 of A-1 and all of A-2.
COMPLEMENT = pagos(payments=[Pago("1080.00", [Docto(UUID_A, "500.00", "1160.00", 1),
                                              Docto(UUID_B, "580.00", "580.00", 1)])])


@pytest.fixture
def ledger(db_url: str) -> str:
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    return db_url


def write(tmp_path: Path, name: str, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    return str(tmp_path / name)


def ledger_state(db: str) -> tuple[list[tuple[object, ...]], ...]:
    """Each invoice's open amount, each allocation and each payment, by their numbers."""
    open_amounts = rows(db, "SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) "
                            "FROM invoices i LEFT JOIN allocations a ON a.invoice_id = i.id "
                            "GROUP BY i.number, i.amount ORDER BY i.number")
    allocations = rows(db, "SELECT i.number, a.source_kind, p.code, a.date, a.amount "
                           "FROM allocations a JOIN invoices i ON i.id = a.invoice_id "
                           "LEFT JOIN payments p ON p.id = a.payment_id "
                           "ORDER BY i.number, p.code")
    payments = rows(db, "SELECT code, invoice_numbers, amount, fiscal_id, installment "
                        "FROM payments ORDER BY code")
    return open_amounts, allocations, payments


def test_a_complement_before_its_invoices_is_imported_with_a_located_warning(
        ledger: str, tmp_path: Path) -> None:
    result = ok(ledger, "import", "invoices", write(tmp_path, "pay.xml", COMPLEMENT))
    assert "payments: 2 new" in result.stdout
    for line, uuid in ((13, UUID_A), (13, UUID_B)):
        assert (f"pay.xml:{line}: DoctoRelacionado/IdDocumento: the payment is for CFDI {uuid}, "
                "which is not in the ledger yet; it will settle that invoice when it is "
                "imported") in result.stderr
    # Named by the UUID until the invoice arrives; the money waits as the customer's credit.
    assert rows(ledger, "SELECT code, invoice_numbers, amount FROM payments ORDER BY code") == [
        (f"{UUID_PAY}/1", UUID_A, 50000), (f"{UUID_PAY}/2", UUID_B, 58000)]
    assert rows(ledger, "SELECT COUNT(*) FROM allocations") == [(0,)]


@pytest.mark.parametrize("batches", [
    (("a.xml", "b.xml", "pay.xml"),),  # all in one import
    (("a.xml", "b.xml"), ("pay.xml",)),  # invoices first
    (("pay.xml",), ("a.xml", "b.xml")),  # complement first
    (("pay.xml",), ("b.xml",), ("a.xml",)),  # complement first, invoices one by one
    (("a.xml",), ("pay.xml",), ("b.xml",)),
], ids=["together", "invoices-first", "complement-first", "one-by-one", "between"])
def test_invoices_and_complement_in_any_order_give_the_same_ledger(
        batches: tuple[tuple[str, ...], ...], db_url: str, tmp_path: Path) -> None:
    files = {"a.xml": INVOICE_A, "b.xml": INVOICE_B, "pay.xml": COMPLEMENT}
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    for i, batch in enumerate(batches):
        target = tmp_path / f"batch{i}"
        target.mkdir()
        for name in batch:
            (target / name).write_bytes(files[name])
        ok(db_url, "import", "invoices", str(target))
    open_amounts, allocations, payments = ledger_state(db_url)
    assert open_amounts == [("A-1", 66000), ("A-2", 0)]
    assert allocations == [("A-1", "payment", f"{UUID_PAY}/1", allocations[0][3], 50000),
                           ("A-2", "payment", f"{UUID_PAY}/2", allocations[1][3], 58000)]
    assert payments == [(f"{UUID_PAY}/1", "A-1", 50000, UUID_PAY, 1),
                        (f"{UUID_PAY}/2", "A-2", 58000, UUID_PAY, 1)]


def test_the_complement_imported_again_after_its_invoice_changes_nothing(
        ledger: str, tmp_path: Path) -> None:
    pay = write(tmp_path, "pay.xml", COMPLEMENT)
    ok(ledger, "import", "invoices", pay)
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", INVOICE_A))
    ok(ledger, "import", "invoices", write(tmp_path, "b.xml", INVOICE_B))
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    again = ok(ledger, "import", "invoices", pay)
    assert "payments: 0 new, 0 updated, 2 unchanged" in again.stdout
    assert "not in the ledger yet" not in again.stderr
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_an_invoice_numbered_by_its_uuid_is_settled_when_it_arrives(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "pay.xml", COMPLEMENT))
    ok(ledger, "import", "invoices", write(tmp_path, "b.xml", cfdi(
        uuid=UUID_B, serie="", folio="", subtotal="500.00", traslados="80.00",
        total="580.00")))
    assert ledger_state(ledger)[0] == [(UUID_B, 0)]


def test_a_pagos_10_complement_before_its_cfdi_33_invoice(ledger: str, tmp_path: Path) -> None:
    pay = write(tmp_path, "pay.xml", pagos10(amount="300.00", docs=[
        Docto10(UUID_A, "300.00", "1160.00")]))
    result = ok(ledger, "import", "invoices", pay)
    assert "pay.xml:15: DoctoRelacionado/IdDocumento: the payment is for CFDI" in result.stderr
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", cfdi33()))
    assert ledger_state(ledger)[0] == [("A-1", 86000)]


def test_a_stamped_complement_with_its_invoice_takes_over_the_draft_stored_before_it(
        ledger: str, tmp_path: Path) -> None:
    draft = pagos(uuid=None, payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])
    stamped = pagos(payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])
    ok(ledger, "import", "invoices", write(tmp_path, "draft.xml", draft))
    assert rows(ledger, "SELECT code, invoice_numbers FROM payments") == [("P-1/1", UUID_A)]
    both = tmp_path / "both"
    both.mkdir()
    (both / "a.xml").write_bytes(INVOICE_A)
    (both / "stamped.xml").write_bytes(stamped)
    result = ok(ledger, "import", "invoices", str(both))
    assert "payment A-1 #1 replaces its draft P-1/1" in result.stderr
    # One payment of the installment, not two.
    assert ledger_state(ledger)[2] == [(f"{UUID_PAY}/1", "A-1", 30000, UUID_PAY, 1)]
    assert ledger_state(ledger)[0] == [("A-1", 86000)]


def test_a_second_complement_for_the_installment_stored_before_its_invoice_is_refused(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "pay.xml", pagos(
        payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])))
    both = tmp_path / "both"
    both.mkdir()
    (both / "a.xml").write_bytes(INVOICE_A)
    (both / "other.xml").write_bytes(pagos(uuid=UUID_B, payments=[
        Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])]))
    before = snapshot(ledger)
    result = cli(ledger, "import", "invoices", str(both))
    assert result.exit_code == 2, result.output
    assert f"installment 1 of invoice A-1 is already paid by {UUID_PAY}" in result.stderr
    assert snapshot(ledger) == before


# The invoice arrives for another customer, or in another currency, than the payment said.
MISMATCHED = {
    "customer": (cfdi(uuid=UUID_A, folio="1", receptor=OTHER_RFC),
                 f"a.xml:4: Receptor/Rfc: invoice A-1 ({UUID_A}) is for another customer than "
                 f"payment complement {UUID_PAY}, imported before, which relates to it; "
                 "expected an invoice of that customer"),
    "currency": (cfdi(uuid=UUID_A, folio="1", moneda="USD", extra='TipoCambio="17.5"'),
                 f"a.xml:4: Moneda: invoice A-1 ({UUID_A}) is in USD, not MXN as payment "
                 f"complement {UUID_PAY}, imported before, which relates to it; expected an "
                 "invoice in the same currency"),
}


@pytest.mark.parametrize("mismatch", list(MISMATCHED))
def test_an_invoice_arriving_for_another_customer_or_currency_than_its_complement_is_refused(
        mismatch: str, ledger: str, tmp_path: Path) -> None:
    # As the complement is refused when it comes with the invoice or after it: one rule in
    # any order, and nothing written.
    invoice, refusal = MISMATCHED[mismatch]
    ok(ledger, "import", "invoices", write(tmp_path, "pay.xml", pagos(
        payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])))
    before = snapshot(ledger)
    result = cli(ledger, "import", "invoices", write(tmp_path, "a.xml", invoice))
    assert result.exit_code == 2, result.output
    assert refusal in result.stderr
    assert snapshot(ledger) == before


@pytest.mark.parametrize("mismatch", list(MISMATCHED))
@pytest.mark.parametrize("batches", [(("a.xml", "pay.xml"),), (("a.xml",), ("pay.xml",)),
                                     (("pay.xml",), ("a.xml",))],
                         ids=["together", "invoice-first", "complement-first"])
def test_a_complement_and_an_invoice_of_another_customer_or_currency_never_both_import(
        mismatch: str, batches: tuple[tuple[str, ...], ...], ledger: str,
        tmp_path: Path) -> None:
    files = {"a.xml": MISMATCHED[mismatch][0], "pay.xml": pagos(
        payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])}
    codes = []
    for i, batch in enumerate(batches):
        target = tmp_path / f"batch{i}"
        target.mkdir()
        for name in batch:
            (target / name).write_bytes(files[name])
        codes.append(cli(ledger, "import", "invoices", str(target)).exit_code)
    assert codes[-1] == 2 and all(code == 0 for code in codes[:-1])


# A payments file's row naming an invoice not imported yet is not checked against the invoice
# when it arrives: the invoice is imported and left open; the payment settles nothing of it,
# and its money stays the payer's (here, their unapplied credit: they owe nothing else).
def test_an_invoice_arriving_for_another_customer_than_a_payments_files_row_is_not_settled(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "customers", str(write_csv(
        tmp_path / "c.csv", "id,name,tax_id,country", f"{CUSTOMER_RFC},Kij,{CUSTOMER_RFC},MX")))
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"PAY-1,{CUSTOMER_RFC},2026-02-01,MXN,300.00,A-1")))
    result = ok(ledger, "import", "invoices", write(tmp_path, "a.xml", MISMATCHED["customer"][0]))
    assert "invoices: 1 new" in result.stdout
    open_amounts, allocations, _payments = ledger_state(ledger)
    assert open_amounts == [("A-1", 116000)]
    assert allocations == []
    assert rows(ledger, "SELECT c.code, p.amount FROM payments p "
                        "JOIN customers c ON c.id = p.customer_id") == [(CUSTOMER_RFC, 30000)]
