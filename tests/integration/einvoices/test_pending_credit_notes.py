"""A CFDI credit note (egreso) imported before the invoice it relates to, on SQLite and
PostgreSQL: imported with a located warning, as a DTE nota de crédito naming an invoice not
imported yet is, and settling the invoice when it arrives (DOMAIN.md: any order, any batches)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.einvoices.test_import import WRITTEN, rows
from tests.integration.einvoices.test_pending import write
from tests.support import cli, ok, snapshot
from tests.unit.einvoices.builders import (
    ORG_RFC,
    OTHER_RFC,
    UUID_A,
    UUID_B,
    UUID_NC,
    UUID_PAY,
    Docto,
    Pago,
    cfdi,
    pagos,
)

INVOICE_A = cfdi(uuid=UUID_A, folio="1")
INVOICE_B = cfdi(uuid=UUID_B, folio="2", subtotal="500.00", traslados="80.00", total="580.00")
# 116.00 off A-1, five days after it was issued.
NOTE = cfdi(uuid=UUID_NC, tipo="E", serie="NC", folio="1", subtotal="100.00", traslados="16.00",
            total="116.00", metodo="PUE", related=[UUID_A], fecha="2026-01-15T09:00:00")
# Pays 500.00 of A-1 (1044.00 owed after the credit note) and 200.00 of A-2.
COMPLEMENT = pagos(payments=[Pago("700.00", [Docto(UUID_A, "500.00", "1044.00", 1),
                                             Docto(UUID_B, "200.00", "580.00", 1)])])
FILES = {"a.xml": INVOICE_A, "b.xml": INVOICE_B, "nc.xml": NOTE, "pay.xml": COMPLEMENT}
WAITING = (f"nc.xml:4: CfdiRelacionado/UUID: the credit note relates to CFDI {UUID_A}, which "
           "is not in the ledger yet; it will settle that invoice when it is imported")


@pytest.fixture
def ledger(db_url: str) -> str:
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    return db_url


def ledger_state(db: str) -> tuple[list[tuple[object, ...]], ...]:
    """Each invoice's open amount, each allocation, and each credit note's named invoice."""
    open_amounts = rows(db, "SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) "
                            "FROM invoices i LEFT JOIN allocations a ON a.invoice_id = i.id "
                            "GROUP BY i.number, i.amount ORDER BY i.number")
    allocations = rows(db, "SELECT i.number, a.source_kind, COALESCE(p.code, n.number), "
                           "a.date, a.amount FROM allocations a "
                           "JOIN invoices i ON i.id = a.invoice_id "
                           "LEFT JOIN payments p ON p.id = a.payment_id "
                           "LEFT JOIN credit_notes n ON n.id = a.credit_note_id "
                           "ORDER BY i.number, a.source_kind, 3")
    notes = rows(db, "SELECT number, invoice_number, amount, fiscal_id FROM credit_notes")
    return open_amounts, allocations, notes


def test_a_credit_note_before_its_invoice_is_imported_with_a_located_warning(
        ledger: str, tmp_path: Path) -> None:
    result = ok(ledger, "import", "invoices", write(tmp_path, "nc.xml", NOTE))
    assert "credit notes: 1 new" in result.stdout
    assert WAITING in result.stderr
    # Named by the UUID until the invoice arrives; the credit waits as the customer's.
    assert ledger_state(ledger)[2] == [("NC-1", UUID_A, 11600, UUID_NC)]
    assert rows(ledger, "SELECT COUNT(*) FROM allocations") == [(0,)]
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", INVOICE_A))
    assert ledger_state(ledger) == (
        [("A-1", 104400)], [("A-1", "credit_note", "NC-1", ledger_state(ledger)[1][0][3], 11600)],
        [("NC-1", "A-1", 11600, UUID_NC)])


@pytest.mark.parametrize("batches", [
    (("a.xml", "b.xml", "nc.xml", "pay.xml"),),  # all in one import
    (("a.xml", "b.xml"), ("nc.xml",), ("pay.xml",)),  # invoices first
    (("a.xml",), ("nc.xml",)),  # invoice, then its credit note
    (("nc.xml",), ("a.xml",)),  # credit note first
    (("nc.xml", "pay.xml"), ("a.xml", "b.xml")),  # credit note and complement first
    (("pay.xml",), ("nc.xml",), ("b.xml",), ("a.xml",)),  # all backwards, one by one
    (("b.xml", "nc.xml"), ("pay.xml",), ("a.xml",)),  # the note waits beside another invoice
], ids=["together", "invoices-first", "invoice-then-note", "note-first", "note-and-pay-first",
        "backwards", "beside-another"])
def test_invoices_credit_note_and_complement_in_any_order_give_the_same_ledger(
        batches: tuple[tuple[str, ...], ...], db_url: str, tmp_path: Path) -> None:
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    for i, batch in enumerate(batches):
        target = tmp_path / f"batch{i}"
        target.mkdir()
        for name in batch:
            (target / name).write_bytes(FILES[name])
        ok(db_url, "import", "invoices", str(target))
    open_amounts, allocations, notes = ledger_state(db_url)
    assert notes == [("NC-1", "A-1", 11600, UUID_NC)]
    names = {name for batch in batches for name in batch}
    if "pay.xml" not in names:
        assert open_amounts == [("A-1", 104400)]
        assert [a[:3] + a[4:] for a in allocations] == [("A-1", "credit_note", "NC-1", 11600)]
        return
    assert open_amounts == [("A-1", 54400), ("A-2", 38000)]
    days = {a[2]: a[3] for a in allocations}
    first, second = f"{UUID_PAY}/1", f"{UUID_PAY}/2"
    assert allocations == [("A-1", "credit_note", "NC-1", days["NC-1"], 11600),
                           ("A-1", "payment", first, days[first], 50000),
                           ("A-2", "payment", second, days[second], 20000)]


def test_the_credit_note_imported_again_after_its_invoice_changes_nothing(
        ledger: str, tmp_path: Path) -> None:
    note = write(tmp_path, "nc.xml", NOTE)
    ok(ledger, "import", "invoices", note)
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", INVOICE_A))
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    again = ok(ledger, "import", "invoices", note)
    assert "credit notes: 0 new, 0 updated, 1 unchanged" in again.stdout
    assert "not in the ledger yet" not in again.stderr
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_the_credit_note_imported_again_before_its_invoice_changes_nothing(
        ledger: str, tmp_path: Path) -> None:
    note = write(tmp_path, "nc.xml", NOTE)
    ok(ledger, "import", "invoices", note)
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    again = ok(ledger, "import", "invoices", note)
    assert WAITING in again.stderr
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_an_invoice_numbered_by_its_uuid_is_settled_when_it_arrives(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "nc.xml", NOTE))
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", cfdi(
        uuid=UUID_A, serie="", folio="")))
    assert ledger_state(ledger)[0] == [(UUID_A, 104400)]


# The invoice arrives for another customer, or in another currency, than the credit note
# said: refused, as the credit note is when it comes with the invoice or after it.
MISMATCHED = {
    "customer": (cfdi(uuid=UUID_A, folio="1", receptor=OTHER_RFC),
                 f"a.xml:4: Receptor/Rfc: invoice A-1 ({UUID_A}) is for another customer than "
                 "credit note NC-1, imported before, which relates to it; expected an invoice "
                 "of that customer"),
    "currency": (cfdi(uuid=UUID_A, folio="1", moneda="USD", extra='TipoCambio="17.5"'),
                 f"a.xml:4: Moneda: invoice A-1 ({UUID_A}) is in USD, not MXN as credit note "
                 "NC-1, imported before, which relates to it; expected an invoice in the same "
                 "currency"),
}


@pytest.mark.parametrize("mismatch", list(MISMATCHED))
def test_an_invoice_arriving_for_another_customer_or_currency_is_refused(
        mismatch: str, ledger: str, tmp_path: Path) -> None:
    invoice, refusal = MISMATCHED[mismatch]
    ok(ledger, "import", "invoices", write(tmp_path, "nc.xml", NOTE))
    before = snapshot(ledger)
    result = cli(ledger, "import", "invoices", write(tmp_path, "a.xml", invoice))
    assert result.exit_code == 2, result.output
    assert refusal in result.stderr
    assert snapshot(ledger) == before


def test_a_credit_note_of_an_invoice_not_imported_yet_waits_beside_a_known_one(
        ledger: str, tmp_path: Path) -> None:
    """Until its invoice arrives the credit note is applied like one naming no invoice."""
    ok(ledger, "import", "invoices", write(tmp_path, "b.xml", INVOICE_B))
    ok(ledger, "import", "invoices", write(tmp_path, "nc.xml", NOTE))
    assert ledger_state(ledger)[0] == [("A-2", 46400)]
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", INVOICE_A))
    assert ledger_state(ledger)[0] == [("A-1", 104400), ("A-2", 58000)]
