"""A DTE that says it was paid at its issue (IdDoc FchCancel, MntCancel, SaldoInsol), on SQLite
and PostgreSQL: the invoice at MntTotal and the money paid as its payment, counted once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.einvoices.test_import import WRITTEN, folder, rows
from tests.support import cli, ok, snapshot, write_csv
from tests.unit.einvoices.builders import CUSTOMER_RUT, ORG_RUT, dte

OWED = ("SELECT i.number, i.amount - COALESCE(SUM(a.amount), 0) FROM invoices i "
        "LEFT JOIN allocations a ON a.invoice_id = i.id GROUP BY i.id, i.number, i.amount "
        "ORDER BY i.number")


@pytest.fixture
def ledger(db_url: str) -> str:
    ok(db_url, "init", "--country", "CL", "--tax-id", ORG_RUT)
    return db_url


def paid(folio: str, fields: str) -> bytes:
    return dte(folio=folio).replace(b"<FmaPago>2</FmaPago>",
                                    f"<FmaPago>2</FmaPago>{fields}".encode())


def test_money_paid_at_issue_is_a_payment_of_the_invoice_and_imported_once(
        ledger: str, tmp_path: Path) -> None:
    path = folder(tmp_path,
                  full=paid("22", "<FchCancel>2026-01-05</FchCancel><MntCancel>119000"
                                  "</MntCancel><SaldoInsol>0</SaldoInsol>"),
                  half=paid("20", "<MntCancel>59500</MntCancel><SaldoInsol>59500</SaldoInsol>"),
                  open=dte(folio="21"))
    result = ok(ledger, "import", "invoices", str(path))
    assert "payments: 2 new" in result.stdout
    assert rows(ledger, "SELECT number, amount FROM invoices ORDER BY number") == [
        ("33-20", 119000), ("33-21", 119000), ("33-22", 119000)]
    assert rows(ledger, "SELECT code, invoice_numbers, fiscal_id, installment, amount "
                        "FROM payments ORDER BY code") == [
        ("33-20/1", "33-20", "33-20", 1, 59500), ("33-22/1", "33-22", "33-22", 1, 119000)]
    assert rows(ledger, OWED) == [("33-20", 59500), ("33-21", 119000), ("33-22", 0)]
    before = {t: d for t, d in snapshot(ledger).items() if t in WRITTEN}
    again = ok(ledger, "import", "invoices", str(path))
    assert "payments: 0 new, 0 updated, 2 unchanged" in again.stdout
    assert {t: d for t, d in snapshot(ledger).items() if t in WRITTEN} == before


def test_a_dte_whose_balance_does_not_add_up_imports_nothing(ledger: str, tmp_path: Path) -> None:
    path = folder(tmp_path, good=dte(folio="21"),
                  bad=paid("20", "<MntCancel>59500</MntCancel><SaldoInsol>50000</SaldoInsol>"))
    before = snapshot(ledger)
    result = cli(ledger, "import", "invoices", str(path))
    assert result.exit_code == 2
    assert "bad.xml:6: IdDoc/SaldoInsol: SaldoInsol 50000 is not MntTotal 119000 − MntCancel " \
           "59500 = 59500" in " ".join(result.output.split())
    assert snapshot(ledger) == before


def test_a_bank_line_bringing_the_money_paid_at_issue_is_that_payment(
        ledger: str, tmp_path: Path) -> None:
    ok(ledger, "import", "invoices", str(folder(
        tmp_path, half=paid("20", "<MntCancel>59500</MntCancel><SaldoInsol>59500</SaldoInsol>"))))
    ok(ledger, "import", "statement", str(write_csv(
        tmp_path / "banco.csv", "Fecha,Descripcion,Cargo,Abono",
        "06/01/2026,TRANSF. MINERA LOS PELAMBRES,,59500")), "--account", "00-123-45678-09")
    ok(ledger, "reconcile", "--auto")
    # The line is linked to the payment the DTE recorded: nothing new, nothing paid twice.
    assert rows(ledger, "SELECT code, match_id IS NOT NULL FROM payments") == [
        ("33-20/1", True)]
    assert rows(ledger, OWED) == [("33-20", 59500)]


def test_money_the_ledger_holds_already_is_not_recorded_again(
        ledger: str, tmp_path: Path) -> None:
    # The invoice in the ledger without its payment at issue (imported by an earlier version),
    # and the money imported from the accounts.
    ok(ledger, "import", "invoices", str(folder(tmp_path, half=dte(folio="20"))))
    ok(ledger, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers",
        f"CAJA-7,{CUSTOMER_RUT},2026-01-05,CLP,59500,33-20")))
    result = ok(ledger, "import", "invoices", str(folder(
        tmp_path, half=paid("20", "<MntCancel>59500</MntCancel><SaldoInsol>59500</SaldoInsol>"))))
    assert "payments: 0 new" in result.stdout
    assert "the payment of 33-20 of 59500 CLP on 2026-01-05 is already recorded, by payment " \
           "CAJA-7" in " ".join(result.stderr.split())
    assert rows(ledger, OWED) == [("33-20", 59500)]
    assert rows(ledger, "SELECT code FROM payments") == [("CAJA-7",)]


def test_a_refused_import_says_its_errors_not_what_it_would_have_done(
        ledger: str, tmp_path: Path) -> None:
    # A credit note naming two invoices would settle the first (a warning), but a bad file
    # beside it stops the import: only the error is said.
    path = folder(tmp_path, a=dte(folio="1"), b=dte(folio="2"),
                  nc=dte(tipo="61", folio="7", neto=10000, iva=1900, emitted="2026-01-20",
                         refs=[("33", "1"), ("33", "2")]),
                  zbad=paid("3", "<MntCancel>59500</MntCancel><SaldoInsol>1</SaldoInsol>"))
    result = cli(ledger, "import", "invoices", str(path))
    assert result.exit_code == 2
    assert "zbad.xml:6: IdDoc/SaldoInsol" in result.stderr
    assert "relates to 2 invoices" not in result.stderr and "warning" not in result.stderr
    good = tmp_path / "nc.xml"
    good.write_bytes(dte(tipo="61", folio="8", neto=10000, iva=1900, emitted="2026-01-20",
                         refs=[("33", "1"), ("33", "2")]))
    assert "relates to 2 invoices" in ok(ledger, "import", "invoices", str(good)).stderr
