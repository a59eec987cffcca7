"""CSV bank exports: the generic preset or an explicit mapping gives signed statement lines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from cobranza.i18n import language
from cobranza.statements.formats import csv as statement_csv
from cobranza.statements.model import StatementError

CHILE = ("Fecha;Descripción;N° Documento;Cargo;Abono;Saldo\n"
         "01/03/2026;Transferencia de ACME SpA RF18 5390 0754 7034;F-1001;;1.234.500;5.000.000\n"
         "\n"
         "02/03/2026;Comisión mantención;;12.990;;4.987.010\n").encode("cp1252")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


def test_a_chilean_cargo_abono_export_reads_with_the_preset() -> None:
    assert statement_csv.identify(CHILE)
    [statement] = statement_csv.extract_csv(CHILE, file="c.csv", account="12-345", currency="CLP")
    assert (statement.account, statement.currency) == ("12-345", "CLP")
    credit, debit = statement.lines
    assert (credit.amount, debit.amount) == (Decimal("1234500"), Decimal("-12990"))
    assert credit.booking_date == date(2026, 3, 1)
    assert credit.remittance == "Transferencia de ACME SpA RF18 5390 0754 7034 / F-1001"
    assert credit.creditor_reference == "RF18539007547034"
    assert (credit.line, debit.line) == (2, 4)


def test_a_signed_amount_column_with_currency_and_spei_tracking_key() -> None:
    data = (b"Date,Amount,Description,Currency,Clave de rastreo,RFC\n"
            b"2026-03-01,\"1,250.75\",Pago factura A-10,MXN,MIFELSPEI2024110811,XAXX010101000\n"
            b"2026-03-02,-80.00,Comision,MXN,,\n")
    [statement] = statement_csv.extract(data, file="m.csv")
    first, second = statement.lines
    assert (first.amount, second.amount) == (Decimal("1250.75"), Decimal("-80.00"))
    assert (first.currency, first.spei_reference) == ("MXN", "MIFELSPEI2024110811")
    assert first.counterparty_tax_id == "XAXX010101000"


def test_a_mapping_names_the_columns_a_bank_spells_its_own_way() -> None:
    data = b"Dia;Importe MXN;Texto\n05/03/2026;-100,50;Retiro\n"
    [statement] = statement_csv.extract_csv(
        data, file="x.csv", currency="MXN",
        mapping={"date": "Dia", "amount": "Importe MXN", "description": "Texto"})
    [line] = statement.lines
    assert (line.amount, line.remittance) == (Decimal("-100.50"), "Retiro")


@pytest.mark.parametrize(("data", "kwargs", "line", "words"), [
    (b"Fecha;Monto\n31/02/2026;10\n", {"currency": "CLP"}, 2, "not a date"),
    (b"Fecha;Monto\n01/02/2026;diez\n", {"currency": "CLP"}, 2, "not an amount"),
    (b"Fecha;Monto\n01/02/2026;10,5\n", {"currency": "CLP"}, 2, "more decimals"),
    (b"Fecha;Monto\n01/02/2026;10\n", {}, 1, "no currency column"),
    (b"Fecha;Texto\n01/02/2026;x\n", {"currency": "CLP"}, 1, "no date and amount"),
    (b"Fecha;Monto\n01/02/2026;10\n", {"currency": "CLP", "mapping": {"amount": "Valor"}}, 1,
     "no column 'Valor'"),
])
def test_bad_files_are_rejected_where_they_go_wrong(data: bytes, kwargs: dict[str, object],
                                                    line: int, words: str) -> None:
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(data, file="bad.csv", **kwargs)  # type: ignore[arg-type]
    assert caught.value.line == line and words in caught.value.message


def test_identify_wants_a_statement_header() -> None:
    assert not statement_csv.identify(b"Cliente;Nombre\n1;ACME\n")
