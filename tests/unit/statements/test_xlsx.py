"""Excel exports: the first worksheet read as the CSV reader reads a CSV export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from cobranza.i18n import language
from cobranza.statements.checks import check_statement
from cobranza.statements.detect import detect, read_statements
from cobranza.statements.formats import xlsx
from cobranza.statements.model import StatementError


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with language("en"):
        yield


def workbook(*rows: list[object], date1904: bool = False) -> bytes:
    book = openpyxl.Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CARTOLA = workbook(
    ["Cartola de cuenta corriente"], ["Cuenta: 00-123-45678-90"], [],
    ["Fecha", "Descripción", "N° Documento", "Cargos (CLP)", "Abonos (CLP)", "Saldo (CLP)"],
    [datetime(2026, 3, 2), "Transferencia de ACME SpA\nRF18 5390 0754 7034", "F-1001", None,
     1234500, 6234500],
    [datetime(2026, 3, 3), "Comisión", None, 12990, None, 6221510])


def test_a_bank_workbook_reads_like_its_csv_with_the_sheets_row_numbers() -> None:
    assert detect(CARTOLA, file="c.xlsx").name == "xlsx"
    [statement] = read_statements(CARTOLA, file="c.xlsx")
    assert statement.currency == "CLP"
    credit, debit = statement.lines
    assert (credit.booking_date, credit.amount, debit.amount) == (
        date(2026, 3, 2), Decimal(1234500), Decimal(-12990))
    # A line break inside a cell is a space: the rows below keep their numbers.
    assert credit.remittance == "Transferencia de ACME SpA RF18 5390 0754 7034 / F-1001"
    assert credit.creditor_reference == "RF18539007547034"
    assert (credit.line, debit.line) == (5, 6)


def test_decimal_amounts_and_text_cells_are_read_exactly() -> None:
    data = workbook(["Fecha", "Concepto", "Importe", "Moneda"],
                    ["02/03/2026", "SPEI RECIBIDO", 1160.1, "MXN"],
                    [date(2026, 3, 3), "COMISION", "-5.80", "MXN"])
    [statement] = read_statements(data, file="m.xlsx")
    assert [line.amount for line in statement.lines] == [Decimal("1160.10"), Decimal("-5.80")]
    assert [line.booking_date for line in statement.lines] == [date(2026, 3, 2), date(2026, 3, 3)]


def test_a_number_computed_in_floating_point_is_read_as_excel_shows_it() -> None:
    # A running balance or a charge the exporter computed in binary floating point is stored
    # as 1000.3000000000001 or 160.0999999999999; Excel shows 15 significant digits: 1000.3.
    data = workbook(["Fecha", "Concepto", "Cargo", "Abono", "Saldo"],
                    [date(2026, 3, 2), "SPEI RECIBIDO", None, 0.1, 1000.1],
                    [date(2026, 3, 3), "SPEI RECIBIDO", None, 0.2, 1000.1 + 0.2],
                    [date(2026, 3, 4), "COMISION", 1160.1 - 1000, None, 1000.3 - (1160.1 - 1000)])
    [statement] = read_statements(data, file="f.xlsx", currency="MXN")
    assert [line.amount for line in statement.lines] == [
        Decimal("0.1"), Decimal("0.2"), Decimal("-160.1")]
    statement.account = "0123456789"  # as --account names it
    assert check_statement(statement, file="f.xlsx") == []


def test_a_date_stored_as_its_serial_number_is_read_as_the_date_excel_counts() -> None:
    # A General-formatted date cell holds Excel's serial number (46000 is 2025-12-09 in the
    # 1900 system), as a number or as text; the value date's column too.
    data = workbook(["Fecha", "Fecha valor", "Concepto", "Importe"],
                    [46000, "46001", "SPEI RECIBIDO 46000", 1160],
                    [46001.0, None, "COMISION", -5])
    [statement] = read_statements(data, file="s.xlsx", currency="MXN")
    assert [(ln.booking_date, ln.value_date) for ln in statement.lines] == [
        (date(2025, 12, 9), date(2025, 12, 10)), (date(2025, 12, 10), None)]
    assert statement.lines[0].remittance == "SPEI RECIBIDO 46000"


def test_a_serial_date_of_a_1904_workbook_counts_from_1904() -> None:
    data = workbook(["Fecha", "Concepto", "Importe"], [44538, "Pago", 100], date1904=True)
    [statement] = read_statements(data, file="m.xlsx", currency="CLP")
    assert statement.lines[0].booking_date == date(2025, 12, 9)


@pytest.mark.parametrize("cell", [460, 4600000, 46000.5, "46.000"])
def test_a_number_that_is_no_serial_date_is_refused_as_a_date(cell: object) -> None:
    data = workbook(["Fecha", "Concepto", "Importe"], [cell, "Pago", 100])
    with pytest.raises(StatementError, match=r"^n\.xlsx:2: Fecha: '.+' is not a date"):
        read_statements(data, file="n.xlsx", currency="CLP")


def test_a_whole_number_keeps_every_digit_it_is_stored_with() -> None:
    data = workbook(["Fecha", "Concepto", "Referencia", "Importe"],
                    [date(2026, 3, 2), "SPEI RECIBIDO", 1234567890123456.0, 1160.0])
    [statement] = read_statements(data, file="r.xlsx", currency="MXN")
    assert statement.lines[0].remittance == "SPEI RECIBIDO / 1234567890123456"


def test_a_mapping_names_the_columns_of_a_workbook() -> None:
    data = workbook(["Día", "Glosa", "Valor"], [datetime(2026, 3, 2), "Pago", 100])
    [statement] = read_statements(data, file="x.xlsx", format="xlsx", currency="CLP",
                                  mapping={"date": "Día", "description": "Glosa",
                                           "amount": "Valor"})
    assert [(ln.amount, ln.remittance) for ln in statement.lines] == [(Decimal(100), "Pago")]


def test_a_bad_cell_is_located_at_its_spreadsheet_row() -> None:
    data = workbook(["Fecha", "Concepto", "Importe"], [date(2026, 3, 2), "Pago", "1O0"])
    with pytest.raises(StatementError, match=r"^b\.xlsx:2: Importe: '1O0' is not an amount"):
        read_statements(data, file="b.xlsx", currency="MXN")


def test_an_old_xls_workbook_is_refused_with_what_to_do() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    with pytest.raises(StatementError, match=r"Excel 97-2003 \(\.xls\) workbook; save it as "
                                             r"\.xlsx or CSV"):
        read_statements(data, file="old.xls")


def test_a_damaged_workbook_is_refused_clearly() -> None:
    with pytest.raises(StatementError, match=r"^cut\.xlsx: the file is not a readable Excel "
                                             r"workbook \(.+\); save it again as \.xlsx or CSV"):
        read_statements(CARTOLA[:len(CARTOLA) // 2], file="cut.xlsx")


def test_a_sheet_too_long_to_be_an_export_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 5)
    with pytest.raises(StatementError, match=r"^c\.xlsx:6: the worksheet has more than 5 rows"):
        read_statements(CARTOLA, file="c.xlsx")


def test_a_workbook_with_a_corrupt_sheet_is_refused_clearly() -> None:
    # Bytes of the compressed sheet overwritten: zlib, not zipfile, finds out.
    at = CARTOLA.index(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml") + 10
    data = CARTOLA[:at] + bytes(b ^ 0x5A for b in CARTOLA[at:at + 8]) + CARTOLA[at + 8:]
    with pytest.raises(StatementError, match=r"^bad\.xlsx: the file is not a readable Excel "
                                             r"workbook \(Error -3 while decompressing"):
        read_statements(data, file="bad.xlsx")
