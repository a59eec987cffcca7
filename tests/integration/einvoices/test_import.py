"""`cobranza import invoices FILE.xml|DIR` on SQLite and PostgreSQL: all or nothing, idempotent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from cobranza.db import make_engine
from tests.support import cli, ok, snapshot, write_csv
from tests.unit.einvoices.builders import (
    CUSTOMER_RFC,
    ORG_RFC,
    ORG_RUT,
    OTHER_RFC,
    UUID_A,
    UUID_B,
    UUID_NC,
    UUID_PAY,
    Docto,
    Docto10,
    Pago,
    cfdi,
    cfdi33,
    dte,
    pagos,
    pagos10,
)

LOCATED = re.compile(r"^(?P<file>[^:]+\.xml):(?P<line>\d+): (?P<column>[^:]*): (?P<message>.+)$")
WRITTEN = ("customers", "invoices", "credit_notes", "payments", "allocations")


@pytest.fixture
def ledger(db_url: str) -> str:
    ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
    return db_url


def rows(db_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return found


def folder(tmp_path: Path, **files: bytes) -> Path:
    target = tmp_path / "xml"
    target.mkdir(exist_ok=True)
    for name, data in files.items():
        (target / f"{name}.xml").write_bytes(data)
    return target


def reconciled_line(db: str, tmp_path: Path, row: str) -> None:
    """A bank statement of one line (Fecha,Concepto,Referencia,Cargo,Abono), reconciled."""
    ok(db, "import", "statement", str(write_csv(
        tmp_path / "banco.csv", "Fecha,Concepto,Referencia,Cargo,Abono", row)),
       "--account", "012180001234567891")
    ok(db, "reconcile", "--auto")


def month(tmp_path: Path) -> Path:
    """Two PPD invoices, a credit note on the first, a complement paying part of both."""
    return folder(
        tmp_path,
        a=cfdi(uuid=UUID_A, folio="1"),
        b=cfdi(uuid=UUID_B, folio="2", subtotal="500.00", traslados="80.00", total="580.00"),
        nc=cfdi(uuid=UUID_NC, tipo="E", serie="NC", folio="1", subtotal="100.00",
                traslados="16.00", total="116.00", metodo="PUE", related=[UUID_A],
                fecha="2026-01-15T09:00:00"),
        pay=pagos(payments=[Pago("700.00", [Docto(UUID_A, "500.00", "1044.00", 1),
                                            Docto(UUID_B, "200.00", "580.00", 1)])]))


def test_a_month_of_cfdi_imports_customers_documents_and_split_payments(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "terms", "add", "30D", "--net-days", "30")
    result = ok(ledger, "import", "invoices", str(month(tmp_path)))
    assert "invoices: 2 new" in result.stdout and "payments: 2 new" in result.stdout
    assert rows(ledger, "SELECT code, tax_id, country FROM customers") == [
        (CUSTOMER_RFC, CUSTOMER_RFC, "MX")]
    invoices = rows(ledger, "SELECT number, amount, fiscal_id, fiscal_payment_method, "
                            "due_date - issue_date FROM invoices ORDER BY number")
    assert invoices == [("A-1", 116000, UUID_A, "PPD", 30), ("A-2", 58000, UUID_B, "PPD", 30)]
    assert rows(ledger, "SELECT number, invoice_number, amount, fiscal_id FROM credit_notes") \
        == [("NC-1", "A-1", 11600, UUID_NC)]
    payments = rows(ledger, "SELECT code, invoice_numbers, amount, fiscal_id, installment "
                            "FROM payments ORDER BY code")
    assert payments == [(f"{UUID_PAY}/1", "A-1", 50000, UUID_PAY, 1),
                        (f"{UUID_PAY}/2", "A-2", 20000, UUID_PAY, 1)]
    # Each invoice receives exactly what the complement says it was paid.
    settled = rows(ledger, "SELECT i.number, a.source_kind, SUM(a.amount) FROM allocations a "
                           "JOIN invoices i ON i.id = a.invoice_id "
                           "GROUP BY i.number, a.source_kind ORDER BY i.number, a.source_kind")
    assert settled == [("A-1", "credit_note", 11600), ("A-1", "payment", 50000),
                       ("A-2", "payment", 20000)]


def test_a_complement_for_money_already_recorded_from_the_bank_adds_nothing(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(
        tmp_path, a=cfdi(uuid=UUID_A, folio="1"),
        b=cfdi(uuid=UUID_B, folio="2", subtotal="500.00", traslados="80.00", total="580.00"))))
    # One transfer paid A-1 whole and 200.00 of A-2 (reconciled from the bank, or imported
    # from the accounts); a second one, of 100.00 for A-2, came weeks before the complement.
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"BANK-1,{CUSTOMER_RFC},2026-01-30,MXN,1360.00,A-1;A-2",
        f"BANK-2,{CUSTOMER_RFC},2026-01-12,MXN,100.00,A-2")))
    complement = folder(tmp_path, pay=pagos(payments=[
        Pago("1360.00", [Docto(UUID_A, "1160.00", "1160.00", 1),
                         Docto(UUID_B, "200.00", "480.00", 2)]),
        Pago("100.00", [Docto(UUID_B, "100.00", "580.00", 1)], date="2026-02-20T12:00:00")]))
    result = ok(ledger, "import", "invoices", str(complement))
    assert "payments: 1 new" in result.stdout
    said = re.findall(r"pay\.xml:\d+: the payment of (A-\d) of ([\d.]+) MXN on [\d-]+ is "
                      r"already recorded, by payment (BANK-\d)", result.stderr)
    assert said == [("A-1", "1160.00", "BANK-1"), ("A-2", "200.00", "BANK-1")]
    # The 100.00 of 2026-02-20 is not BANK-2's of six weeks before: it is recorded.
    assert sorted(rows(ledger, "SELECT code, amount FROM payments")) == sorted([
        ("BANK-1", 136000), ("BANK-2", 10000), (f"{UUID_PAY}/3", 10000)])
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(136000 + 10000 + 10000,)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    ok(ledger, "import", "invoices", str(complement))
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_a_complement_for_bank_money_the_matcher_put_on_another_invoice_adds_nothing(
        ledger: str, tmp_path: Path) -> None:
    # Two invoices of one amount: the transfer went on the oldest, the issuer's complement
    # says it paid the other. The money is the customer's one payment, not two.
    ok(ledger, "import", "invoices", str(folder(
        tmp_path, a=cfdi(uuid=UUID_A, folio="1"), b=cfdi(uuid=UUID_B, folio="2"))))
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"BANK-1,{CUSTOMER_RFC},2026-02-02,MXN,1160.00,A-1")))
    pay = tmp_path / "pay.xml"
    pay.write_bytes(pagos(payments=[Pago("1160.00", [Docto(UUID_B, "1160.00", "1160.00", 1)])]))
    result = ok(ledger, "import", "invoices", str(pay))
    assert "payments: 0 new" in result.stdout
    assert ("the payment of A-2 of 1160.00 MXN on 2026-02-01 is already recorded, by payment "
            "BANK-1 of 2026-02-02, applied to A-1: the complement says it paid A-2") \
        in " ".join(result.stderr.split())
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(116000,)]


def test_a_complement_counts_the_bank_fee_written_off_beside_the_payment(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(uuid=UUID_A, folio="1"))))
    # 10.00 short of A-1: the bank's fee, written off when the line is reconciled.
    reconciled_line(ledger, tmp_path, f"01/02/2026,SPEI RECIBIDO {CUSTOMER_RFC} FACTURA A-1,BNET1,,1150.00")
    assert rows(ledger, "SELECT number FROM credit_notes") == [("WO-BANK-1",)]
    pay = tmp_path / "pay.xml"
    pay.write_bytes(pagos(payments=[Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)])]))
    result = ok(ledger, "import", "invoices", str(pay))
    assert "payments: 0 new" in result.stdout and "is already recorded" in result.stderr


def test_a_complement_takes_the_place_of_the_payment_a_bank_line_made(
        ledger: str, tmp_path: Path) -> None:
    # Two invoices of one amount; the transfer names neither, and goes on the oldest, A-1.
    ok(ledger, "import", "invoices", str(folder(
        tmp_path, a=cfdi(uuid=UUID_A, folio="1"), b=cfdi(uuid=UUID_B, folio="2"))))
    reconciled_line(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00")
    assert rows(ledger, "SELECT code, invoice_numbers FROM payments") == [("BANK-1-1", "A-1")]
    # The issuer's complement says that money paid A-2: it is recorded in the bank payment's
    # place, on the line's match, and A-1 owes again.
    pay = tmp_path / "pay.xml"
    pay.write_bytes(pagos(payments=[Pago("1160.00", [Docto(UUID_B, "1160.00", "1160.00", 1)])]))
    result = ok(ledger, "import", "invoices", str(pay))
    assert "payments: 1 new" in result.stdout
    assert ("came in on a bank line, as payment BANK-1-1: the complement's payment takes its "
            "place there") in " ".join(result.stderr.split())
    assert rows(ledger, "SELECT code, invoice_numbers, fiscal_id, match_id FROM payments") == [
        (f"{UUID_PAY}/1", "A-2", UUID_PAY, 1)]
    assert rows(ledger, "SELECT invoice_numbers FROM reconciliation_matches") == [("A-2",)]
    owed = ("SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) FROM invoices i "
            "LEFT JOIN allocations a ON a.invoice_id = i.id GROUP BY i.id, i.number, i.amount "
            "ORDER BY i.number")
    assert rows(ledger, owed) == [("A-1", 116000), ("A-2", 0)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    ok(ledger, "import", "invoices", str(pay))
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before
    # Reversing the line lets go of the complement's payment: the money stays recorded.
    ok(ledger, "reconcile", "reverse", "1")
    assert rows(ledger, "SELECT code, match_id FROM payments") == [(f"{UUID_PAY}/1", None)]
    assert rows(ledger, owed) == [("A-1", 116000), ("A-2", 0)]


def test_a_line_whose_payment_a_complement_took_over_says_the_complement_settles_it(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(
        tmp_path, a=cfdi(uuid=UUID_A, folio="1"), b=cfdi(uuid=UUID_B, folio="2"))))
    reconciled_line(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC},BNET1,,1160.00")
    [(evidence,)] = rows(ledger, "SELECT evidence FROM reconciliation_matches")
    assert json.loads(evidence)["fit"] == "exact"
    pay = tmp_path / "pay.xml"
    pay.write_bytes(pagos(payments=[Pago("1160.00", [Docto(UUID_B, "1160.00", "1160.00", 1)])]))
    ok(ledger, "import", "invoices", str(pay))
    # Not the oldest invoice any more: the complement's payment of A-2 settles the line.
    [(evidence,)] = rows(ledger, "SELECT evidence FROM reconciliation_matches")
    assert json.loads(evidence)["fit"] == "complement"
    [(stored,)] = rows(ledger, "SELECT suggestions FROM bank_transactions")
    first = json.loads(stored)[0]
    assert (first["customer_id"], first["invoice_numbers"], first["fit"]) == (
        CUSTOMER_RFC, ["A-2"], "complement")
    # Reversed, the line waits saying so, and confirming it brings the complement's payment
    # back rather than recording the money again.
    ok(ledger, "reconcile", "reverse", "1")
    [waiting] = json.loads(ok(ledger, "reconcile", "review", "--format", "json").stdout)
    assert (waiting["suggestions"][0]["fit"], waiting["suggestions"][0]["invoice_numbers"]) == (
        "complement", ["A-2"])
    assert "settled by the payment complement" in ok(ledger, "reconcile", "review").stdout
    ok(ledger, "reconcile", "confirm", "1")
    assert rows(ledger, "SELECT code, match_id IS NOT NULL FROM payments") == [
        (f"{UUID_PAY}/1", True)]
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(116000,)]


def test_a_complement_for_part_of_a_bank_payment_leaves_it_in_place(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(
        tmp_path, a=cfdi(uuid=UUID_A, folio="1"), b=cfdi(uuid=UUID_B, folio="2"))))
    reconciled_line(ledger, tmp_path, f"02/02/2026,SPEI RECIBIDO {CUSTOMER_RFC} FACTURAS A-1 A-2,BNET1,,2320.00")
    # The complement documents A-1 only: the bank's payment of both stays, nothing is added.
    pay = tmp_path / "pay.xml"
    pay.write_bytes(pagos(payments=[Pago("1160.00", [Docto(UUID_A, "1160.00", "1160.00", 1)])]))
    result = ok(ledger, "import", "invoices", str(pay))
    assert "payments: 0 new" in result.stdout and "is already recorded" in result.stderr
    assert rows(ledger, "SELECT code FROM payments") == [("BANK-1-1",)]


def test_a_complement_whose_balance_before_disagrees_with_the_ledger_is_said(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(uuid=UUID_A, folio="1"))))
    # A payment of 500.00 the issuer does not count: the complement says 1160.00 was owed.
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"BANK-1,{CUSTOMER_RFC},2026-01-12,MXN,500.00,A-1")))
    pay = tmp_path / "pay.xml"
    pay.write_bytes(pagos(payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00", 1)])]))
    result = ok(ledger, "import", "invoices", str(pay))
    assert re.search(r"pay\.xml:\d+: DoctoRelacionado/ImpSaldoAnt: the complement says A-1 owed "
                     r"1160\.00 MXN before this payment, and the ledger says 660\.00 MXN",
                     result.stderr), result.stderr
    assert "ImpSaldoAnt" not in ok(ledger, "import", "invoices", str(pay)).stderr  # stored now


def test_importing_the_same_folder_again_changes_nothing(ledger: str, tmp_path: Path) -> None:
    path = month(tmp_path)
    ok(ledger, "import", "invoices", str(path))
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    result = ok(ledger, "import", "invoices", str(path))
    assert "invoices: 0 new, 0 updated, 2 unchanged" in result.stdout
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_importing_again_without_terms_keeps_the_due_dates_of_stored_invoices(
        ledger: str, tmp_path: Path) -> None:
    # Imported on the organisation's only terms, then on terms named with --terms; once the
    # organisation has two sets, importing the same files again without --terms names none.
    ok(ledger, "terms", "add", "30D", "--net-days", "30")
    first = folder(tmp_path, a=cfdi(uuid=UUID_A, folio="1"))
    ok(ledger, "import", "invoices", str(first))
    ok(ledger, "terms", "add", "60D", "--net-days", "60")
    (tmp_path / "b.xml").write_bytes(cfdi(uuid=UUID_B, folio="2"))
    ok(ledger, "import", "invoices", str(tmp_path / "b.xml"), "--terms", "60D")
    due = "SELECT number, due_date - issue_date, terms_id IS NOT NULL FROM invoices ORDER BY number"
    assert rows(ledger, due) == [("A-1", 30, True), ("A-2", 60, True)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    for path in (first, tmp_path / "b.xml"):
        result = ok(ledger, "import", "invoices", str(path))
        assert "invoices: 0 new, 0 updated, 1 unchanged" in result.stdout
        assert "no terms apply" not in result.stderr
    assert rows(ledger, due) == [("A-1", 30, True), ("A-2", 60, True)]
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_cfdi_33_invoices_and_their_pagos_10_and_20_complements_are_imported(
        ledger: str, tmp_path: Path) -> None:
    # Issued under CFDI 3.3 in 2021; paid in part with a Pagos 1.0 complement, and the rest
    # after 2022 with a Pagos 2.0 one, in a CFDI 4.0.
    path = folder(
        tmp_path, a=cfdi33(), b=cfdi33(uuid=UUID_B, folio="2"),
        nc=cfdi33(uuid=UUID_NC, tipo="E", serie="NC", subtotal="100.00", traslados="16.00",
                  total="116.00", metodo="PUE", related=[UUID_A]),
        p10=pagos10(amount="700.00", docs=[Docto10(UUID_A, "500.00", "1044.00"),
                                           Docto10(UUID_B, "200.00", "1160.00")]),
        p20=pagos(uuid=UUID_SUBSTITUTE, payments=[
            Pago("544.00", [Docto(UUID_A, "544.00", "544.00", 2)])]))
    result = ok(ledger, "import", "invoices", str(path))
    assert "invoices: 2 new" in result.stdout and "payments: 3 new" in result.stdout
    assert rows(ledger, "SELECT number, amount, fiscal_id FROM invoices ORDER BY number") == [
        ("A-1", 116000, UUID_A), ("A-2", 116000, UUID_B)]
    assert _owed(ledger) == [("A-1", 0), ("A-2", 96000)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    again = ok(ledger, "import", "invoices", str(path))
    assert "invoices: 0 new, 0 updated, 2 unchanged" in again.stdout
    assert "payments: 0 new, 0 updated, 3 unchanged" in again.stdout
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_an_existing_customer_is_found_by_tax_id(ledger: str, tmp_path: Path) -> None:
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,tax_id,country\nK1,Kij SA,KIJ0906199R1,MX\n")
    ok(ledger, "import", "customers", str(customers))
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(metodo="PUE"))))
    assert rows(ledger, "SELECT c.code FROM invoices i JOIN customers c "
                        "ON c.id = i.customer_id") == [("K1",)]


def test_a_complement_for_an_invoice_imported_earlier_is_allocated(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi())))
    (tmp_path / "pay.xml").write_bytes(
        pagos(payments=[Pago("300.00", [Docto(UUID_A.lower(), "300.00", "1160.00")])]))
    ok(ledger, "import", "invoices", str(tmp_path / "pay.xml"))
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(30000,)]


def test_a_draft_invoice_is_imported_without_fiscal_id_and_its_stamped_xml_replaces_it(
        ledger: str, tmp_path: Path) -> None:
    (tmp_path / "draft.xml").write_bytes(cfdi(uuid=None))
    result = ok(ledger, "import", "invoices", str(tmp_path / "draft.xml"))
    assert "invoices: 1 new" in result.stdout
    assert "draft.xml:4: TimbreFiscalDigital: the CFDI is not stamped" in result.stderr
    assert rows(ledger, "SELECT number, amount, fiscal_id FROM invoices") == [
        ("A-1", 116000, None)]
    (tmp_path / "stamped.xml").write_bytes(cfdi())
    result = ok(ledger, "import", "invoices", str(tmp_path / "stamped.xml"))
    assert "invoices: 0 new, 1 updated" in result.stdout
    assert rows(ledger, "SELECT number, amount, fiscal_id FROM invoices") == [
        ("A-1", 116000, UUID_A)]


def test_a_draft_does_not_replace_a_stamped_invoice(ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi())))
    (tmp_path / "draft.xml").write_bytes(cfdi(uuid=None, total="1200.00", traslados="200.00"))
    result = cli(ledger, "import", "invoices", str(tmp_path / "draft.xml"))
    assert result.exit_code == 2, result.output
    assert f"Folio: number A-1 is already in the ledger for another document ({UUID_A})" \
        in result.stderr
    assert rows(ledger, "SELECT number, amount, fiscal_id FROM invoices") == [
        ("A-1", 116000, UUID_A)]


# Without Serie and Folio a draft is known by its issuer and Fecha, the stamped XML by its UUID.
UNNUMBERED = "EKU9003173C9-2026-01-10T10:00:00"


def test_a_stamped_invoice_without_serie_or_folio_replaces_its_draft_keeping_its_number(
        ledger: str, tmp_path: Path) -> None:
    (tmp_path / "draft.xml").write_bytes(cfdi(uuid=None, serie="", folio=""))
    first = ok(ledger, "import", "invoices", str(tmp_path / "draft.xml"))
    assert ("its stamped XML, of the same issuer, receiver and Fecha, replaces it when "
            "imported and keeps this number") in first.stderr
    [(invoice_id,)] = rows(ledger, "SELECT id FROM invoices")
    (tmp_path / "stamped.xml").write_bytes(cfdi(serie="", folio=""))
    result = ok(ledger, "import", "invoices", str(tmp_path / "stamped.xml"))
    assert "invoices: 0 new, 1 updated" in result.stdout
    assert re.search(r"stamped\.xml:4: " + re.escape(
        f"CFDI {UUID_A} is the stamped XML of draft {UNNUMBERED} (same issuer, receiver and "
        "Fecha), imported before: it replaces the draft and keeps its number"), result.stderr)
    assert rows(ledger, "SELECT id, number, amount, fiscal_id FROM invoices") == [
        (invoice_id, UNNUMBERED, 116000, UUID_A)]
    # Importing it again changes nothing, and a complement naming its UUID pays that invoice.
    again = ok(ledger, "import", "invoices", str(tmp_path / "stamped.xml"))
    assert "invoices: 0 new, 0 updated, 1 unchanged" in again.stdout
    (tmp_path / "pay.xml").write_bytes(STAMPED_PAY)
    ok(ledger, "import", "invoices", str(tmp_path / "pay.xml"))
    assert rows(ledger, "SELECT invoice_numbers, amount FROM payments") == [(UNNUMBERED, 30000)]


def test_a_draft_without_serie_or_folio_beside_its_stamped_xml_is_skipped(
        ledger: str, tmp_path: Path) -> None:
    path = folder(tmp_path, draft=cfdi(uuid=None, serie="", folio=""),
                  stamped=cfdi(serie="", folio=""))
    result = ok(ledger, "import", "invoices", str(path))
    assert re.search(r"draft\.xml:4: " + re.escape(
        f"skipped: draft {UNNUMBERED} is the unstamped XML of CFDI {UUID_A} (same issuer, "
        "receiver and Fecha), imported with it; the draft adds nothing"), result.stderr)
    assert rows(ledger, "SELECT number, amount, fiscal_id FROM invoices") == [
        (UUID_A, 116000, UUID_A)]


def test_an_unstamped_complement_pays_the_invoices_it_names(ledger: str,
                                                           tmp_path: Path) -> None:
    path = folder(tmp_path, a=cfdi(),
                  pay=pagos(uuid=None, payments=[Pago("300.00", [Docto(UUID_A, "300.00",
                                                                       "1160.00")])]))
    result = ok(ledger, "import", "invoices", str(path))
    assert "payments: 1 new" in result.stdout
    assert "the payment complement is not stamped" in result.stderr
    assert rows(ledger, "SELECT code, invoice_numbers, amount, fiscal_id, reference "
                        "FROM payments") == [("P-1/1", "A-1", 30000, None, "P-1")]
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(30000,)]


def _payments(ledger: str) -> list[tuple[object, ...]]:
    return rows(ledger, "SELECT code, invoice_numbers, installment, amount, fiscal_id "
                        "FROM payments ORDER BY id")


DRAFT_PAY = pagos(uuid=None, payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])
STAMPED_PAY = pagos(payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])


def test_a_stamped_complement_replaces_its_draft_instead_of_paying_twice(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(), pay=DRAFT_PAY)))
    assert _payments(ledger) == [("P-1/1", "A-1", 1, 30000, None)]
    (tmp_path / "stamped.xml").write_bytes(STAMPED_PAY)
    before = snapshot(ledger)
    dry = ok(ledger, "import", "invoices", str(tmp_path / "stamped.xml"), "--dry-run")
    assert "payments: 0 new, 1 updated" in dry.stdout  # as the import will say
    assert snapshot(ledger) == before
    result = ok(ledger, "import", "invoices", str(tmp_path / "stamped.xml"))
    assert "payments: 0 new, 1 updated" in result.stdout
    assert "payment A-1 #1 replaces its draft P-1/1" in result.stderr
    assert _payments(ledger) == [(f"{UUID_PAY}/1", "A-1", 1, 30000, UUID_PAY)]
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(30000,)]
    # Importing either again changes nothing.
    again = ok(ledger, "import", "invoices", str(tmp_path / "stamped.xml"))
    assert "payments: 0 new, 0 updated, 1 unchanged" in again.stdout
    (tmp_path / "draft.xml").write_bytes(DRAFT_PAY)
    late = ok(ledger, "import", "invoices", str(tmp_path / "draft.xml"))
    assert "skipped: payment A-1 #1 is already known from the stamped complement" in late.stderr
    assert _payments(ledger) == [(f"{UUID_PAY}/1", "A-1", 1, 30000, UUID_PAY)]


def test_a_draft_beside_its_stamped_complement_is_skipped(ledger: str, tmp_path: Path) -> None:
    path = folder(tmp_path, a=cfdi(), pay=STAMPED_PAY, pay_draft=DRAFT_PAY)
    result = ok(ledger, "import", "invoices", str(path))
    assert "skipped: payment A-1 #1 is already known from the stamped complement" \
        in result.stderr
    assert _payments(ledger) == [(f"{UUID_PAY}/1", "A-1", 1, 30000, UUID_PAY)]


@pytest.mark.parametrize("stamped", [False, True], ids=["draft", "stamped"])
def test_a_payment_without_numparcialidad_is_refused_located_and_nothing_is_written(
        ledger: str, tmp_path: Path, stamped: bool) -> None:
    # Pagos 2.0 requires NumParcialidad: it is what tells the draft, the stamped XML and a
    # reissue of one payment apart from a second payment of the same invoice.
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi())))
    before = snapshot(ledger)
    (tmp_path / "pay.xml").write_bytes(pagos(uuid=UUID_PAY if stamped else None, payments=[
        Pago("300.00", [Docto(UUID_A, "300.00", "1160.00", installment=None)])]))
    result = cli(ledger, "import", "invoices", str(tmp_path / "pay.xml"))
    assert result.exit_code != 0
    assert ("pay.xml:13: DoctoRelacionado/NumParcialidad: missing value; Pagos 2.0 requires "
            "the number of this payment of the invoice (1 for the first, 2 for the second, "
            "...)") in result.stderr
    assert snapshot(ledger) == before


UUID_REISSUED = "55555555-5555-4555-8555-555555555555"
REISSUED_PAY = pagos(uuid=UUID_REISSUED, replaces=[UUID_PAY],
                     payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])
OTHER_PAY = pagos(uuid=UUID_REISSUED,
                  payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])


def test_a_second_complement_for_the_same_installment_is_refused(ledger: str,
                                                                tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(), pay=STAMPED_PAY)))
    before = snapshot(ledger)
    (tmp_path / "other.xml").write_bytes(OTHER_PAY)
    result = cli(ledger, "import", "invoices", str(tmp_path / "other.xml"))
    assert result.exit_code != 0
    assert (f"other.xml:13: DoctoRelacionado/NumParcialidad: installment 1 of invoice A-1 is "
            f"already paid by {UUID_PAY}") in result.stderr
    assert snapshot(ledger) == before


def test_two_complements_for_one_installment_in_one_folder_import_nothing(
        ledger: str, tmp_path: Path) -> None:
    result = cli(ledger, "import", "invoices",
                 str(folder(tmp_path, a=cfdi(), pay=STAMPED_PAY, pay_other=OTHER_PAY)))
    assert result.exit_code != 0
    assert "installment 1 of invoice A-1 is already paid by" in result.stderr
    assert rows(ledger, "SELECT COUNT(*) FROM payments") == [(0,)]


def test_one_complement_paying_an_installment_twice_says_so(ledger: str,
                                                            tmp_path: Path) -> None:
    twice = pagos(payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")]),
                            Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])])
    result = cli(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(), pay=twice)))
    assert result.exit_code != 0
    assert ("installment 1 of invoice A-1 is paid twice in this complement (also on line"
            in result.stderr)
    assert rows(ledger, "SELECT COUNT(*) FROM payments") == [(0,)]


def test_a_reissued_complement_takes_over_the_cancelled_ones_payment(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(), pay=STAMPED_PAY)))
    (tmp_path / "reissued.xml").write_bytes(REISSUED_PAY)
    result = ok(ledger, "import", "invoices", str(tmp_path / "reissued.xml"))
    assert "payments: 0 new, 1 updated" in result.stdout
    assert (f"payment A-1 #1 replaces the one of complement {UUID_PAY}, cancelled and "
            "substituted by this one") in result.stderr
    assert _payments(ledger) == [(f"{UUID_REISSUED}/1", "A-1", 1, 30000, UUID_REISSUED)]
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(30000,)]
    # The cancelled one, imported again (or late), is skipped: the ledger remembers its reissue.
    again = ok(ledger, "import", "invoices", str(tmp_path / "xml" / "pay.xml"))
    assert (f"skipped: payment A-1 #1 of complement {UUID_PAY} is substituted by complement "
            f"{UUID_REISSUED}, in the ledger") in again.stderr
    assert _payments(ledger) == [(f"{UUID_REISSUED}/1", "A-1", 1, 30000, UUID_REISSUED)]


def test_a_complement_and_its_substitute_in_one_folder_record_the_substitute(
        ledger: str, tmp_path: Path) -> None:
    path = folder(tmp_path, a=cfdi(), pay=STAMPED_PAY, reissued=REISSUED_PAY)
    result = ok(ledger, "import", "invoices", str(path))
    assert (f"skipped: payment A-1 #1 of complement {UUID_PAY} is substituted by complement "
            f"{UUID_REISSUED}") in result.stderr
    assert _payments(ledger) == [(f"{UUID_REISSUED}/1", "A-1", 1, 30000, UUID_REISSUED)]


def test_a_complement_reissued_twice_takes_over_the_stored_one_when_both_reissues_come_together(
        ledger: str, tmp_path: Path) -> None:
    # The stored complement pays; it is reissued, and the reissue reissued in turn
    # paying A-1 alone, less: both reissues arrive in one folder.
    both = [Pago("400.00", [Docto(UUID_A, "300.00", "1160.00"), Docto(UUID_B, "100.00", "580.00")])]
    ok(ledger, "import", "invoices", str(folder(
        tmp_path, a=cfdi(), b=cfdi(uuid=UUID_B, folio="2", subtotal="500.00",
                                   traslados="80.00", total="580.00"),
        pay=pagos(payments=both))))
    third = "66666666-6666-4666-8666-666666666666"
    later = tmp_path / "later"
    later.mkdir()
    (later / "second.xml").write_bytes(pagos(uuid=UUID_REISSUED, replaces=[UUID_PAY],
                                             payments=both))
    (later / "third.xml").write_bytes(pagos(uuid=third, replaces=[UUID_REISSUED], payments=[
        Pago("250.00", [Docto(UUID_A, "250.00", "1160.00")])]))
    result = ok(ledger, "import", "invoices", str(later))
    assert (f"payment A-1 #1 replaces the one of complement {UUID_PAY}, cancelled and "
            "substituted by this one") in result.stderr
    assert _payments(ledger) == [(f"{third}/1", "A-1", 1, 25000, third)]
    assert rows(ledger, "SELECT SUM(amount) FROM allocations") == [(25000,)]


UUID_SUBSTITUTE = "55555555-5555-4555-8555-555555555555"
# A-1 reissued as A-2 (corrected amount), naming it in CfdiRelacionados with TipoRelacion 04.
SUBSTITUTE = cfdi(uuid=UUID_SUBSTITUTE, folio="2", subtotal="900.00", traslados="144.00",
                  total="1044.00", related=[UUID_A], relation="04",
                  fecha="2026-01-20T09:00:00")


def _owed(ledger: str) -> list[tuple[object, ...]]:
    return rows(ledger, "SELECT i.number, i.amount - COALESCE((SELECT SUM(a.amount) FROM "
                        "allocations a WHERE a.invoice_id = i.id), 0) FROM invoices i "
                        "ORDER BY i.number")


def test_an_invoice_substituted_later_is_closed_and_its_payment_moves_to_the_substitute(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi())))
    (tmp_path / "pay.xml").write_bytes(
        pagos(payments=[Pago("300.00", [Docto(UUID_A, "300.00", "1160.00")])]))
    ok(ledger, "import", "invoices", str(tmp_path / "pay.xml"))
    (tmp_path / "a2.xml").write_bytes(SUBSTITUTE)
    result = ok(ledger, "import", "invoices", str(tmp_path / "a2.xml"))
    assert (f"invoice A-1 ({UUID_A}) is substituted by A-2 (CfdiRelacionados, TipoRelacion "
            "04): closed by credit note SUST-A-1") in result.stderr
    assert rows(ledger, "SELECT number, invoice_number, amount, date FROM credit_notes") == [
        ("SUST-A-1", "A-1", 116000, 20473)]
    # The 300.00 paid on A-1 now counts against A-2: 1,044.00 - 300.00 owed, nothing on A-1.
    assert _owed(ledger) == [("A-1", 0), ("A-2", 74400)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    again = ok(ledger, "import", "invoices", str(tmp_path / "a2.xml"))
    assert "credit notes: 0 new, 0 updated, 1 unchanged" in again.stdout
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_an_invoice_and_its_substitute_in_one_folder_import_the_substitute(
        ledger: str, tmp_path: Path) -> None:
    result = ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(),
                                                         a2=SUBSTITUTE)))
    assert (f"invoice A-1 ({UUID_A}) is substituted by A-2 (CfdiRelacionados, TipoRelacion "
            "04): not imported") in result.stderr
    assert _owed(ledger) == [("A-2", 104400)]


def test_a_substitute_of_an_invoice_not_in_the_ledger_says_that_one_will_be_skipped(
        ledger: str, tmp_path: Path) -> None:
    (tmp_path / "a2.xml").write_bytes(SUBSTITUTE)
    result = ok(ledger, "import", "invoices", str(tmp_path / "a2.xml"))
    assert (f"A-2 substitutes CFDI {UUID_A}, which is not in the ledger; the ledger remembers "
            "it as cancelled, so it will be skipped if it is imported later") in result.stderr
    assert _owed(ledger) == [("A-2", 104400)]


def test_chilean_dte_and_credit_note(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "init", "--country", "CL", "--tax-id", ORG_RUT)
    path = folder(tmp_path, f=dte(), nc=dte(tipo="61", folio="7", neto=10000, iva=1900,
                                           emitted="2026-01-20", refs=[("33", "100")]))
    ok(db_url, "import", "invoices", str(path))
    assert rows(db_url, "SELECT number, amount, currency FROM invoices") == [
        ("33-100", 119000, "CLP")]
    assert rows(db_url, "SELECT number, invoice_number, amount FROM credit_notes") == [
        ("61-7", "33-100", 11900)]


def test_two_foreign_customers_without_their_own_tax_id_are_two_customers(
        ledger: str, tmp_path: Path) -> None:
    def foreign(uuid: str, folio: str, name: str) -> bytes:
        return cfdi(uuid=uuid, folio=folio, receptor="XEXX010101000").replace(
            b'Nombre="KIJ, S.A. DE C.V."', f'Nombre="{name}"'.encode())
    path = folder(tmp_path, a=foreign(UUID_A, "1", "Andes Trading LLC"),
                  b=foreign(UUID_B, "2", "Baltic Metals Oy"))
    ok(ledger, "import", "invoices", str(path))
    assert rows(ledger, "SELECT c.code, i.number FROM invoices i JOIN customers c "
                        "ON c.id = i.customer_id ORDER BY i.number") == [
        ("XEXX010101000-ANDES TRADING LLC", "A-1"), ("XEXX010101000-BALTIC METALS OY", "A-2")]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    ok(ledger, "import", "invoices", str(path))
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_a_transfer_naming_a_dte_folio_pays_that_invoice(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "init", "--country", "CL", "--tax-id", ORG_RUT)
    ok(db_url, "import", "invoices", str(folder(tmp_path, a=dte(folio="1005"),
                                                b=dte(folio="1006", emitted="2026-01-06"))))
    # The remittance gives the folio alone ("FACTURA 1006"), as Chilean payers write it: it
    # pays 33-1006, not the oldest invoice of the amount.
    ok(db_url, "import", "statement", str(write_csv(
        tmp_path / "banco.csv", "Fecha,Descripcion,Cargo,Abono",
        "02/02/2026,TRANSF. PAGO FACTURA 1006,,119000")), "--account", "00-123-45678-09")
    lines = json.loads(ok(db_url, "reconcile", "--format", "json").stdout)["lines"]
    assert lines[0]["suggestions"][0]["invoice_numbers"] == ["33-1006"]


def test_each_invoice_without_a_due_date_is_said_where_it_is(
        db_url: str, tmp_path: Path) -> None:
    ok(db_url, "init", "--country", "CL", "--tax-id", ORG_RUT)
    files = {f"f{n}": dte(folio=str(100 + n), due=None) for n in range(7)}
    files["t"] = dte(folio="200", due=None).replace(
        b"<FmaPago>2</FmaPago>", b"<FmaPago>2</FmaPago><TermPagoDias>30</TermPagoDias>")
    result = ok(db_url, "import", "invoices", str(folder(tmp_path, **files)))
    said = re.findall(r"(f\d)\.xml:\d+: invoice (33-\d+) gives no due date", result.stderr)
    assert len(said) == 5 and all(f"33-{100 + int(f[1])}" == n for f, n in said)
    assert "2 more invoices give no due date" in result.stderr
    # The DTE that states its terms (TermPagoDias) is due by them, the others on issue.
    assert rows(db_url, "SELECT number, due_date - issue_date FROM invoices "
                        "WHERE number IN ('33-100', '33-200') ORDER BY number") == [
        ("33-100", 0), ("33-200", 30)]


@pytest.mark.parametrize("scheme", ["cfdi", "dte"])
def test_a_credit_note_of_zero_is_skipped_with_a_located_warning_in_either_scheme(
        db_url: str, tmp_path: Path, scheme: str) -> None:
    if scheme == "cfdi":
        ok(db_url, "init", "--country", "MX", "--tax-id", ORG_RFC)
        path = folder(tmp_path, a=cfdi(), nc=cfdi(
            uuid=UUID_NC, tipo="E", serie="NC", folio="1", subtotal="0.00", traslados="0.00",
            total="0.00", metodo="PUE", related=[UUID_A]))
    else:
        ok(db_url, "init", "--country", "CL", "--tax-id", ORG_RUT)
        path = folder(tmp_path, a=dte(), nc=dte(tipo="61", folio="7", neto=0, iva=0,
                                                refs=[("33", "100")]))
    result = ok(db_url, "import", "invoices", str(path))
    assert "invoices: 1 new" in result.stdout and "credit notes: 0 new" in result.stdout
    said = [m for line in result.stderr.splitlines()
            if (m := LOCATED.match(line.removeprefix("warning: ")))
            and m["file"].endswith("nc.xml")]
    assert [(m["column"], "moves no money" in m["message"], m["message"].endswith("(skipped)"))
            for m in said] == [("Total" if scheme == "cfdi" else "Totales/MntTotal", True, True)]
    assert rows(db_url, "SELECT COUNT(*) FROM credit_notes") == [(0,)]


def test_a_cfdi_invoice_of_zero_is_skipped_beside_others_and_refused_alone(
        ledger: str, tmp_path: Path) -> None:
    zero = cfdi(uuid=UUID_B, folio="2", subtotal="0.00", traslados="0.00", total="0.00")
    result = ok(ledger, "import", "invoices", str(folder(tmp_path, a=cfdi(), zero=zero)))
    assert "invoices: 1 new" in result.stdout
    said = [m for line in result.stderr.splitlines()
            if (m := LOCATED.match(line.removeprefix("warning: ")))
            and m["file"].endswith("zero.xml")]
    assert [(m["line"], m["column"], m["message"]) for m in said] == [
        ("4", "Total", "a CFDI ingreso of Total 0 bills nothing; nobody owes it (skipped)")]
    assert rows(ledger, "SELECT number FROM invoices") == [("A-1",)]
    (tmp_path / "alone.xml").write_bytes(zero)
    alone = cli(ledger, "import", "invoices", str(tmp_path / "alone.xml"))
    assert alone.exit_code == 2
    assert "alone.xml:4: Total: a CFDI ingreso of Total 0 bills nothing" in alone.stderr


def test_a_dte_credit_note_for_another_customers_invoice_is_located_at_its_rut(
        db_url: str, tmp_path: Path) -> None:
    ok(db_url, "init", "--country", "CL", "--tax-id", ORG_RUT)
    path = folder(tmp_path, f=dte(), nc=dte(tipo="61", folio="7", neto=10000, iva=1900,
                                           receptor="77777777-7", refs=[("33", "100")]))
    result = cli(db_url, "import", "invoices", str(path))
    assert result.exit_code == 2
    assert "nc.xml:3: Receptor/RUTRecep: invoice 33-100 belongs to another customer" \
        in result.stderr


def test_a_cfdi_credit_note_in_another_currency_is_located_at_its_moneda(
        ledger: str, tmp_path: Path) -> None:
    path = folder(tmp_path, a=cfdi(), nc=cfdi(uuid=UUID_NC, tipo="E", folio="9", moneda="USD",
                                              extra='TipoCambio="17.5"', related=[UUID_A]))
    result = cli(ledger, "import", "invoices", str(path))
    assert result.exit_code == 2
    assert "nc.xml:4: Moneda: invoice A-1 is in MXN, not USD" in result.stderr

BAD = {
    "inconsistent totals": (cfdi(total="1200.00"), "Total", "does not match"),
    "payments total": (pagos(payments=[Pago("500.00", [Docto(UUID_A, "500.00", "1160.00")])],
                             total="600.00"), "Totales/MontoTotalPagos", "does not match"),
    "xml bomb": (b'<?xml version="1.0"?>\n<!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
                 b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<z>&b;&b;</z>', "",
                 "refused as a possible XML bomb"),
    "external entity": (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM '
                        b'"http://127.0.0.1:9/x">]>\n<r>&e;</r>', "",
                        "refused as a possible XML bomb or external entity attack"),
    "truncated": (cfdi()[:-40], "", "not well-formed"),
    "unknown currency": (cfdi(moneda="ABC"), "Moneda", "unknown currency"),
    "not a CFDI or DTE": (b"<?xml version='1.0'?>\n<html><body/></html>", "html",
                          "not a CFDI or a DTE (its root is html); expected a CFDI 4.0 or 3.3 "
                          "Comprobante or an SII DTE"),
    "too many decimals": (cfdi(total="1160.005", traslados="160.005"), "Total",
                          "more decimals than MXN"),
    "a purchase": (cfdi(emisor=OTHER_RFC, receptor=ORG_RFC), "Emisor/Rfc", "purchase"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_folder_with_one_bad_file_imports_nothing(case: str, ledger: str,
                                                   tmp_path: Path) -> None:
    data, column, message = BAD[case]
    # A valid invoice beside it proves that nothing of the folder is written.
    path = folder(tmp_path, good=cfdi(uuid=UUID_NC, folio="9"), zbad=data)
    before = snapshot(ledger)
    result = cli(ledger, "import", "invoices", str(path))
    assert result.exit_code == 2, result.output
    hits = [m for m in map(LOCATED.match, result.stderr.splitlines()) if m]
    assert any(m["file"].endswith("zbad.xml") and m["column"] == column
               and message in m["message"] for m in hits), result.stderr
    assert "nothing was imported" in result.stderr
    assert snapshot(ledger) == before


def test_a_csv_file_still_takes_the_csv_path(ledger: str, tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("number,customer_id,issue_date,due_date,currency,amount\n"
                    "F1,NOBODY,2026-01-01,2026-01-31,MXN,10\n")
    result = cli(ledger, "import", "invoices", str(path))
    assert result.exit_code == 2 and "unknown customer" in result.stderr
