"""A Pagos complement of an invoice not imported yet, for money the ledger already holds from
the bank or the accounts, on SQLite and PostgreSQL: not recorded again. Found as for a known
invoice, among the customer's payments (same amount and currency, within 5 days of FechaPago),
and treated alike: said and left out, or taking the place of the payment a bank line made;
the ledger is the same whether the invoice came before the complement or after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.einvoices.test_import import WRITTEN, reconciled_line, rows
from tests.integration.einvoices.test_pending import write
from tests.support import ok, snapshot, write_csv
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

INVOICE_A = cfdi(uuid=UUID_A, folio="1")
INVOICE_B = cfdi(uuid=UUID_B, folio="2")  # of A-1's amount
COMPLEMENT = pagos(payments=[Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)])])
OWED = ("SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) FROM invoices i "
        "LEFT JOIN allocations a ON a.invoice_id = i.id GROUP BY i.id, i.number, i.amount "
        "ORDER BY i.number")


@pytest.fixture
def ledger(db_url: str) -> str:
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    return db_url


def credit_from_the_accounts(db: str, tmp_path: Path) -> None:
    """The customer's transfer of 1160.00, imported from the accounts naming no invoice."""
    ok(db, "import", "customers", str(write_csv(
        tmp_path / "c.csv", "id,name,tax_id,country", f"{CUSTOMER_RFC},Kij,{CUSTOMER_RFC},MX")))
    ok(db, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount",
        f"BANK-1,{CUSTOMER_RFC},2026-02-02,MXN,1160.00")))


@pytest.mark.parametrize("order", ["complement-first", "invoice-first", "together"])
def test_a_complement_for_the_customers_credit_from_the_accounts_adds_nothing(
        order: str, ledger: str, tmp_path: Path) -> None:
    credit_from_the_accounts(ledger, tmp_path)
    both = tmp_path / "both"
    both.mkdir()
    invoice, pay = write(both, "a.xml", INVOICE_A), write(both, "pay.xml", COMPLEMENT)
    if order == "invoice-first":
        ok(ledger, "import", "invoices", invoice)
    result = ok(ledger, "import", "invoices", str(both) if order == "together" else pay)
    assert "payments: 0 new" in result.stdout
    said = " ".join(result.stderr.split())
    if order == "complement-first":
        assert (f"pay.xml:13: the payment of CFDI {UUID_A} of 1160.00 MXN on 2026-02-01 is "
                "already recorded, by payment BANK-1 of 2026-02-02, applied to the customer's "
                "credit: the complement documents it; nothing added") in said
        assert "not in the ledger yet" not in said  # nothing waits: it was left out
        ok(ledger, "import", "invoices", invoice)
    else:
        assert "the payment of A-1 of 1160.00 MXN on 2026-02-01 is already recorded" in said
    assert rows(ledger, "SELECT code FROM payments") == [("BANK-1",)]
    assert rows(ledger, OWED) == [("A-1", 0)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    assert "payments: 0 new" in ok(ledger, "import", "invoices", pay).stdout
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_a_complement_a_week_from_the_credit_is_recorded(ledger: str, tmp_path: Path) -> None:
    credit_from_the_accounts(ledger, tmp_path)
    late = pagos(payments=[Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)],
                                date="2026-02-09T12:00:00")])
    result = ok(ledger, "import", "invoices", write(tmp_path, "pay.xml", late))
    assert "payments: 1 new" in result.stdout and "already recorded" not in result.stderr


def bank_line_state(db: str) -> tuple[object, ...]:
    [(evidence,)] = rows(db, "SELECT evidence FROM reconciliation_matches")
    [(stored,)] = rows(db, "SELECT suggestions FROM bank_transactions")
    first = json.loads(stored)[0]
    return (rows(db, "SELECT code, invoice_numbers, fiscal_id, match_id FROM payments"),
            rows(db, "SELECT invoice_numbers FROM reconciliation_matches"), rows(db, OWED),
            json.loads(evidence)["fit"],
            (first["customer_id"], first["invoice_numbers"], first["fit"]))


LINE = f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00"


def test_a_complement_first_takes_the_place_of_the_payment_a_bank_line_made(
        ledger: str, tmp_path: Path) -> None:
    # The transfer came in when only B was in the ledger, and went on it.
    ok(ledger, "import", "invoices", write(tmp_path, "b.xml", INVOICE_B))
    reconciled_line(ledger, tmp_path, LINE)
    assert rows(ledger, "SELECT code, invoice_numbers FROM payments") == [("BANK-1-1", "A-2")]
    result = ok(ledger, "import", "invoices", write(tmp_path, "pay.xml", COMPLEMENT))
    assert "payments: 1 new" in result.stdout
    assert ("came in on a bank line, as payment BANK-1-1: the complement's payment takes its "
            "place there") in " ".join(result.stderr.split())
    # The complement says the money paid A-1, not imported yet: on the line in the bank
    # payment's place, it is the customer's money until A-1 arrives (here, on B still).
    assert rows(ledger, "SELECT code, invoice_numbers, match_id FROM payments") == [
        (f"{UUID_PAY}/1", UUID_A, 1)]
    assert rows(ledger, "SELECT invoice_numbers FROM reconciliation_matches") == [(UUID_A,)]
    assert rows(ledger, OWED) == [("A-2", 0)]
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", INVOICE_A))
    assert bank_line_state(ledger) == (
        [(f"{UUID_PAY}/1", "A-1", UUID_PAY, 1)], [("A-1",)], [("A-1", 0), ("A-2", 116000)],
        "complement", (CUSTOMER_RFC, ["A-1"], "complement"))


def test_the_bank_line_then_the_complement_after_both_invoices_give_the_same_ledger(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", write(tmp_path, "b.xml", INVOICE_B))
    ok(ledger, "import", "invoices", write(tmp_path, "a.xml", INVOICE_A))
    reconciled_line(ledger, tmp_path, LINE)
    ok(ledger, "import", "invoices", write(tmp_path, "pay.xml", COMPLEMENT))
    assert bank_line_state(ledger) == (
        [(f"{UUID_PAY}/1", "A-1", UUID_PAY, 1)], [("A-1",)], [("A-1", 0), ("A-2", 116000)],
        "complement", (CUSTOMER_RFC, ["A-1"], "complement"))
