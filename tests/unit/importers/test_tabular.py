"""Reading users' CSV and XLSX files: encodings, delimiters, headers, physical line numbers."""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import re
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cobranza.i18n import language
from cobranza.importers import tabular
from cobranza.importers.columns import KINDS, normalise_header, resolve_columns
from cobranza.importers.tabular import RowError, Table, cell_text, detect_delimiter, read_table

INVOICE_HEADER = "number,customer_id,issue_date,due_date,currency,amount"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English unless a test asks for Spanish (the product's default)."""
    with language("en"):
        yield


def write(tmp_path: Path, content: str | bytes, name: str = "invoices.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read_ok(path: Path, kind: str = "invoices", **kwargs: object) -> Table:
    table, errors = read_table(path, kind, **kwargs)  # type: ignore[arg-type]
    assert errors == []
    assert table is not None
    return table


def rows(table: Table, *columns: str) -> list[tuple[object, ...]]:
    return table.frame.select(*columns, "_line").rows()


# Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "normalised"), [
    ("Fecha Emisión", "fecha emision"),
    ("N° Folio", "n folio"),
    ("Nº Folio", "no folio"),
    ("RUT_Cliente", "rut cliente"),
    ("\ufeff\"Monto Total\"", "monto total"),
    ("  E-mail ", "e mail"),
    ("LÍMITE DE CRÉDITO", "limite de credito"),
])
def test_headers_are_compared_without_case_accents_or_punctuation(written: str,
                                                                  normalised: str) -> None:
    assert normalise_header(written) == normalised


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_header_spelling_means_two_columns_of_the_same_kind(kind: str) -> None:
    owners: dict[str, str] = {}
    for spec in KINDS[kind]:
        for spelling in (spec.name, *spec.aliases):
            key = normalise_header(spelling)
            assert owners.setdefault(key, spec.name) == spec.name, (kind, spelling)


def test_each_kind_requires_the_columns_of_the_brief() -> None:
    brief = ("customers", "invoices", "payments", "credit-notes")
    required = {kind: [s.name for s in KINDS[kind] if s.required] for kind in brief}
    assert required == {
        "customers": ["id", "name"],
        # An invoice may give its terms instead of a due date; the importer derives it then.
        "invoices": ["number", "customer_id", "issue_date", "currency", "amount"],
        "payments": ["id", "customer_id", "date", "currency", "amount"],
        "credit-notes": ["number", "customer_id", "date", "currency", "amount"],
    }


def test_spanish_headers_of_an_accounting_export_are_recognised() -> None:
    header = ["N° Folio", "RUT Cliente", "Fecha de Emisión", "Vencimiento", "Moneda", "Total",
              "Días de gracia", "Interés moratorio", "Glosa interna"]
    positions, problems = resolve_columns(header, "invoices")
    assert problems == []
    assert positions == {"number": 0, "customer_id": 1, "issue_date": 2, "due_date": 3,
                         "currency": 4, "amount": 5, "grace_days": 6,
                         "late_interest_annual_pct": 7}


def test_the_same_words_mean_different_columns_in_different_kinds() -> None:
    assert resolve_columns(["Código Cliente", "Razón Social", "RUT"], "customers")[0] == {
        "id": 0, "name": 1, "tax_id": 2}
    payments = ["ID", "RUT", "Fecha", "Moneda", "Monto", "Facturas", "Forma de pago"]
    assert resolve_columns(payments, "payments")[0] == {
        "id": 0, "customer_id": 1, "date": 2, "currency": 3, "amount": 4, "invoice_numbers": 5,
        "method": 6}
    notes = ["Folio", "Cliente", "Factura referencia", "Fecha", "Moneda", "Monto"]
    assert resolve_columns(notes, "credit-notes")[0] == {
        "number": 0, "customer_id": 1, "invoice_number": 2, "date": 3, "currency": 4,
        "amount": 5}


def test_an_exact_canonical_name_wins_over_an_alias() -> None:
    header = INVOICE_HEADER.split(",") + ["Total"]
    positions, problems = resolve_columns(header, "invoices")
    assert problems == []
    assert positions["amount"] == 5


def test_two_headers_that_both_mean_a_column_are_a_header_error(tmp_path: Path) -> None:
    path = write(tmp_path, "Folio,Cliente,Fecha,Vencimiento,Moneda,Monto,Total\n1,C1,x,x,CLP,1,1\n")
    table, errors = read_table(path, "invoices")
    assert table is None
    assert [str(e) for e in errors] == [
        f"{path}:1: amount: columns 'Monto', 'Total' all look like amount; keep one or choose "
        "it with --map amount=HEADER"]


def test_map_chooses_a_header_over_every_alias(tmp_path: Path) -> None:
    path = write(tmp_path, "Folio,Cliente,Fecha,Vencimiento,Moneda,Monto Neto,Total\n"
                           "7,C1,2026-01-01,2026-02-01,CLP,100,119\n")
    table = read_ok(path, mapping={"amount": "monto neto"})
    assert rows(table, "amount") == [("100", 2)]
    assert table.headers["amount"] == "Monto Neto"


def test_map_to_a_missing_header_or_unknown_column_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, INVOICE_HEADER + "\n")
    table, errors = read_table(path, "invoices", mapping={"amount": "Importe", "colour": "x"})
    assert table is None
    assert [(e.line, e.column) for e in errors] == [(1, "amount"), (1, "colour")]
    assert "the file has no column 'Importe'" in errors[0].message


def test_missing_required_columns_are_named_with_the_headers_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "Folio,Cliente,Vencimiento,Monto\n1,C1,2026-01-01,10\n")
    table, errors = read_table(path, "invoices", display_name="facturas.csv")
    assert table is None
    assert [(e.file, e.line, e.column) for e in errors] == [
        ("facturas.csv", 1, "issue_date"), ("facturas.csv", 1, "currency")]
    assert errors[0].message.startswith("missing column issue_date; accepted headers: "
                                        "issue_date, fecha emision, fecha de emision")
    with language("es"):
        _table, spanish = read_table(path, "invoices")
    assert spanish[1].message == ("falta la columna currency; encabezados aceptados: currency, "
                                  "moneda, divisa, tipo moneda, currency code, ccy")


def test_a_customers_file_may_give_the_tax_id_instead_of_an_id(tmp_path: Path) -> None:
    table = read_ok(write(tmp_path, "RUT;Razón Social\n76.123.456-7;Ferretería Sur\n"),
                    "customers")
    assert "id" not in table.frame.columns
    assert rows(table, "tax_id", "name") == [("76.123.456-7", "Ferretería Sur", 2)]
    _none, errors = read_table(write(tmp_path, "Razón Social\nSur\n"), "customers")
    assert [e.column for e in errors] == ["id"]


# Encodings and delimiters ----------------------------------------------------------------


def test_a_plain_utf8_csv(tmp_path: Path) -> None:
    path = write(tmp_path, INVOICE_HEADER + ",Notas\nF-1, C1 ,2026-01-15,2026-02-14,CLP,1000,\n"
                           "F-2,C2,2026-01-16,2026-02-15,CLP,,ignored\n")
    table = read_ok(path)
    assert (table.delimiter, table.encoding, table.file) == (",", "utf-8", str(path))
    assert table.frame.columns == [*INVOICE_HEADER.split(","), "_line"]
    assert rows(table, "number", "customer_id", "amount") == [
        ("F-1", "C1", "1000", 2), ("F-2", "C2", None, 3)]
    assert table.headers["customer_id"] == "customer_id"


def test_windows_1252_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    text = ("Folio;Razón Social;RUT Cliente;Fecha Emisión;Fecha Vencimiento;Moneda;Monto\r\n"
            "101;Ñandú Ltda.;76.543.210-K;01-03-2026;31-03-2026;CLP;1.234.567\r\n"
            "102;Café “Único”;11.111.111-1;02-03-2026;01-04-2026;CLP;€ 2.500\r\n")
    table = read_ok(write(tmp_path, text.encode("cp1252")))
    assert (table.delimiter, table.encoding, table.decimal_comma) == (";", "cp1252", True)
    assert rows(table, "number", "customer_id", "issue_date", "amount") == [
        ("101", "76.543.210-K", "01-03-2026", "1.234.567", 2),
        ("102", "11.111.111-1", "02-03-2026", "€ 2.500", 3)]
    assert table.headers["issue_date"] == "Fecha Emisión"


def test_bytes_that_windows_1252_leaves_undefined_are_read_as_latin_1(tmp_path: Path) -> None:
    text = "number;customer_id;issue_date;due_date;currency;amount\nA\x81;José;1;2;CLP;1\n"
    table = read_ok(write(tmp_path, text.encode("latin-1")))
    assert table.encoding == "latin-1"
    assert rows(table, "number", "customer_id") == [("A\x81", "José", 2)]


def test_a_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    table = read_ok(write(tmp_path, "\ufeff" + INVOICE_HEADER + "\nF1,C1,a,b,CLP,1\n"))
    assert table.encoding == "utf-8-sig"
    assert table.headers["number"] == "number"
    assert rows(table, "number") == [("F1", 2)]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    text = INVOICE_HEADER.replace(",", "\t") + "\r\nF1\tPeñalolén\ta\tb\tCLP\t5\r\n"
    table = read_ok(write(tmp_path, text.encode("utf-16")))
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert rows(table, "customer_id") == [("Peñalolén", 2)]


@pytest.mark.parametrize(("line", "delimiter"), [
    ("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("a|b|c", "|"),
    ('"Apellido, Nombre";RUT;Correo', ";"), ("solo", ","), ('"a;b;c",d', ","),
])
def test_the_delimiter_is_the_one_used_most_outside_quotes(line: str, delimiter: str) -> None:
    assert detect_delimiter(line) == delimiter


@pytest.mark.parametrize("delimiter", ["\t", "|"])
def test_tab_and_pipe_delimited_files(tmp_path: Path, delimiter: str) -> None:
    text = INVOICE_HEADER.replace(",", delimiter) + "\n" + delimiter.join("F1 C1 a b USD 9".split())
    table = read_ok(write(tmp_path, text))
    assert table.delimiter == delimiter
    assert rows(table, "number", "amount") == [("F1", "9", 2)]


@pytest.mark.parametrize(("delimiter", "amounts", "decimal_comma"), [
    (",", ["1000", '"1.234.567"'], True),
    (",", ['"1.234,50"'], True),
    (",", ["1234.50"], False),
    (",", ["1.234"], False),
    (";", ["1234"], True),
    (";", ["1.234"], True),
    (";", ["1500.00", "2000.00"], False),
    (";", ["1,234.50"], False),
    ("\t", ["1 234,5"], True),
])
def test_the_decimal_separator_follows_the_amounts_then_the_delimiter(
        tmp_path: Path, delimiter: str, amounts: list[str], decimal_comma: bool) -> None:
    lines = [INVOICE_HEADER.replace(",", delimiter)]
    lines += [delimiter.join(["F", "C", "d", "d", "CLP", a]) for a in amounts]
    assert read_ok(write(tmp_path, "\n".join(lines))).decimal_comma is decimal_comma


# Records and line numbers ----------------------------------------------------------------


MESSY = (
    "\n"
    "number,customer_id,issue_date,due_date,currency,amount,notes\n"
    'F1,"Pérez, Juan",2026-01-01,2026-02-01,CLP,100,"first line\n'
    'second line"\n'
    "\n"
    "   \n"
    ",,,,,,\n"
    ",,,,,,only a note\n"
    'F2,"Said ""hi""",2026-01-02,2026-02-02,CLP,200,\n'
    "F3,C3\n"
    "F4,C4,2026-01-04,2026-02-04,CLP,400,x,,\n"
)


@pytest.mark.parametrize("csv_module", [False, True])
def test_lines_are_physical_and_a_record_starts_where_it_starts(
        tmp_path: Path, csv_module: bool) -> None:
    path = write(tmp_path, MESSY)
    with mock.patch.object(tabular, "_polars_records", return_value=None) if (
            csv_module) else contextlib.nullcontext():
        table = read_ok(path)
    assert rows(table, "number", "customer_id", "amount") == [
        ("F1", "Pérez, Juan", "100", 3),
        ("F2", 'Said "hi"', "200", 9),
        ("F3", "C3", None, 10),
        ("F4", "C4", "400", 11),
    ]


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(tmp_path: Path, ending: str) -> None:
    text = ending.join([INVOICE_HEADER, "F1,C1,a,b,CLP,1", "", 'F2,"C\r\n2",a,b,CLP,2', "F3,C3"])
    table = read_ok(write(tmp_path, text + ending))
    assert rows(table, "number", "customer_id") == [("F1", "C1", 2), ("F2", "C\r\n2", 4),
                                                    ("F3", "C3", 6)]


def test_a_row_with_more_cells_than_the_header_is_an_error_the_others_are_read(
        tmp_path: Path) -> None:
    path = write(tmp_path, INVOICE_HEADER + "\nF1,C1,a,b,CLP,1\nF2,C2,a,b,CLP,1,234.50\n"
                                            "F3,C3,a,b,CLP,3\n")
    table, errors = read_table(path, "invoices", display_name="inv.csv")
    assert table is not None
    assert rows(table, "number") == [("F1", 2), ("F3", 4)]
    assert [str(e) for e in errors] == [
        "inv.csv:3: G: the row has 7 cells but the header has 6; a value containing the "
        "delimiter must be quoted"]


def test_an_unclosed_quote_is_reported_where_its_record_starts(tmp_path: Path) -> None:
    path = write(tmp_path, INVOICE_HEADER + '\nF1,C1,a,b,CLP,1\nF2,"C2,a,b,CLP,2\nF3,C3,a,b,CLP,3\n')
    table, errors = read_table(path, "invoices")
    assert table is None
    assert [(e.line, e.column) for e in errors] == [(3, "")]
    assert "unclosed quote" in errors[0].message


def test_a_header_only_file_is_an_empty_table(tmp_path: Path) -> None:
    table = read_ok(write(tmp_path, INVOICE_HEADER + "\r\n"))
    assert table.frame.height == 0
    assert table.frame.columns == [*INVOICE_HEADER.split(","), "_line"]


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n"])
def test_an_empty_file_is_an_error_at_line_1(tmp_path: Path, content: bytes) -> None:
    table, errors = read_table(write(tmp_path, content), "invoices")
    assert table is None
    assert [(e.line, e.message) for e in errors] == [
        (1, "the file is empty; expected a header row")]


def test_a_file_that_cannot_be_opened_is_an_error_at_line_0(tmp_path: Path) -> None:
    table, errors = read_table(tmp_path / "missing.csv", "invoices", display_name="missing.csv")
    assert table is None
    assert [(e.file, e.line) for e in errors] == [("missing.csv", 0)]
    assert errors[0].message.startswith("cannot open the file: ")
    with language("es"):
        _table, spanish = read_table(tmp_path, "invoices")
    assert spanish[0].message.startswith("no se puede abrir el archivo: ")


def test_an_unknown_kind_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown import kind"):
        read_table(write(tmp_path, INVOICE_HEADER), "receipts")


def test_row_error_prints_file_line_column_and_message() -> None:
    error = RowError("a.csv", 7, "Monto", "'x' is not an amount")
    assert str(error) == "a.csv:7: Monto: 'x' is not an amount"


CELL = st.text(alphabet=st.sampled_from('ab ,;"\n\r\té'), max_size=6)


def line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def csv_line(cells: list[str], ending: str) -> str:
    """One record as csv.writer quotes it when both CR and LF are special (as in real files)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue().removesuffix("\r\n") + ending


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(st.lists(CELL, min_size=6, max_size=6), max_size=8),
    blank_after=st.sets(st.integers(0, 7)),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_whatever_a_csv_writer_wrote_reads_back_with_its_lines(
        records: list[list[str]], blank_after: set[int], ending: str) -> None:
    text = INVOICE_HEADER + ending
    expected = []
    for i, record in enumerate(records):
        start = line_breaks(text) + 1
        text += csv_line(record, ending) + (ending if i in blank_after else "")
        cells = [c.strip() or None for c in record]
        if any(cells):
            expected.append((*cells, start))
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), text)
        fast = read_ok(path)
        with mock.patch.multiple(tabular, _polars_records=mock.Mock(return_value=None),
                                 _BATCH_ROWS=2, _CHUNK_ROWS=3):
            slow = read_ok(path)
    assert fast.frame.rows() == expected
    assert slow.frame.rows() == expected


# XLSX ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (None, None), (" x ", " x "), (1234, "1234"), (1234.5, "1234.5"), (1000.0, "1000"),
    (0.1, "0.1"), (1e-05, "0.00001"), (1e20, "100000000000000000000"), (True, "true"),
    (date(2026, 3, 1), "2026-03-01"), (datetime(2026, 3, 1, 13, 30), "2026-03-01"),
])
def test_spreadsheet_cells_become_exact_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_an_xlsx_file_reads_its_first_sheet_with_spreadsheet_row_numbers(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(["Folio", "Cliente", "Fecha Emisión", "Vencimiento", "Moneda", "Monto", None,
                  "Otra"])
    sheet.append([1001, " C1 ", datetime(2026, 3, 1), date(2026, 3, 31), "CLP", 1234567])
    sheet.append([])
    sheet.append([1002, "C2", "02/03/2026", "01/04/2026", "MXN", 1234.5, "stray", "note"])
    sheet.append([1003, "C3", None, None, "USD", 1000.0])
    workbook.create_sheet("ignored").append(["x"])
    path = tmp_path / "facturas.xlsx"
    workbook.save(path)
    table = read_ok(path)
    assert (table.delimiter, table.encoding, table.decimal_comma) == (None, None, False)
    assert table.headers["issue_date"] == "Fecha Emisión"
    assert rows(table, "number", "customer_id", "issue_date", "due_date", "amount") == [
        ("1001", "C1", "2026-03-01", "2026-03-31", "1234567", 3),
        ("1002", "C2", "02/03/2026", "01/04/2026", "1234.5", 5),
        ("1003", "C3", None, None, "1000", 6),
    ]


def test_an_xlsx_missing_a_column_names_the_header_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Folio", "Cliente"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    table, errors = read_table(path, "invoices")
    assert table is None
    assert {e.line for e in errors} == {1}
    assert {e.column for e in errors} == {"issue_date", "currency", "amount"}


@pytest.mark.parametrize(("name", "content", "start"), [
    ("broken.xlsx", b"number,customer_id\n", "the file is not a readable Excel workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "this is an Excel 97-2003"),
    ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "this is an Excel 97-2003"),
])
def test_files_that_are_not_readable_workbooks_are_errors(
        tmp_path: Path, name: str, content: bytes, start: str) -> None:
    table, errors = read_table(write(tmp_path, content, name), "invoices")
    assert table is None
    assert len(errors) == 1 and errors[0].line == 1
    assert errors[0].message.startswith(start)


def test_a_workbook_whose_sheet_does_not_decompress_is_an_error(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Folio", "Cliente", "Fecha", "Moneda", "Monto"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    data = path.read_bytes()
    at = data.index(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml") + 10
    path.write_bytes(data[:at] + bytes(b ^ 0x5A for b in data[at:at + 8]) + data[at + 8:])
    table, errors = read_table(path, "invoices")
    assert table is None
    assert [e.message[:41] for e in errors] == ["the file is not a readable Excel workbook"]


# Translations ------------------------------------------------------------------------------


def test_every_message_of_these_modules_has_a_spanish_translation() -> None:
    package = Path(tabular.__file__).parent
    with (package.parent / "locale/es/LC_MESSAGES/importers.po").open("rb") as fh:
        catalog = read_po(fh, locale="es")
    translated = {str(m.id): str(m.string) for m in catalog if m.id and m.string}
    for module in ("columns.py", "tabular.py", "parsing.py"):
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        msgids = [node.args[0].value for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
                  and isinstance(node.args[0], ast.Constant)]
        assert msgids, module
        for msgid in msgids:
            assert msgid in translated, (module, msgid)
            placeholders = set(re.findall(r"\{(\w+)\}", msgid))
            assert set(re.findall(r"\{(\w+)\}", translated[msgid])) == placeholders, msgid
