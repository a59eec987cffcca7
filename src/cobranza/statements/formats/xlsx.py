"""Bank statements exported as an Excel workbook (.xlsx), as most Chilean and Mexican banks offer.

The first worksheet is read as the CSV reader reads an export (`formats.csv`: the same preset of
headers, `--map`, currencies, dates, running balances and checks): each sheet row becomes one
row of text, so the errors name the spreadsheet's own row numbers. Cells are written as the
ledger imports write them (`importers.tabular.cell_text`): dates as YYYY-MM-DD, numbers as Excel
shows them (15 significant digits), never through a float's binary error. A date stored as its
serial number (46000, General-formatted) is read as the workbook's date system counts it
(`_cells.serial_date`). An Excel 97-2003
workbook (.xls) is refused with what to do instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime

import openpyxl

from cobranza.i18n import _
from cobranza.importers.tabular import (
    OLE_MAGIC,
    WORKBOOK_ERRORS,
    ZIP_MAGIC,
    cell_text,
    old_workbook,
    unreadable_workbook,
)
from cobranza.statements.formats.csv import extract_csv
from cobranza.statements.model import ParsedStatement, StatementError

name = "xlsx"

MAX_ROWS = 1_000_000  # a bank's export is thousands of rows; more is a damaged or hostile file


def identify(head: bytes) -> bool:
    """True for an Office Open XML package (a zip naming its content types) or an old .xls."""
    return head.startswith(OLE_MAGIC) or (head.startswith(ZIP_MAGIC) and (
        b"[Content_Types].xml" in head or b"xl/" in head))


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read a workbook laid out as the CSV reader's generic preset expects."""
    return extract_xlsx(data, file=file)


def extract_xlsx(data: bytes, *, file: str, mapping: Mapping[str, str] | None = None,
                 account: str | None = None, currency: str | None = None,
                 default_currency: str | None = None,
                 date_order: str | None = None) -> list[ParsedStatement]:
    """Read the first worksheet as `formats.csv.extract_csv` reads a CSV export."""
    text, epoch = _as_text(data, file)
    return extract_csv(text, file=file, mapping=mapping, account=account, currency=currency,
                       default_currency=default_currency, date_order=date_order,
                       serial_epoch=epoch)


def _shown(value: object) -> object:
    """A number as Excel shows it: to 15 significant digits. An amount or running balance the
    exporter computed in binary floating point is stored with its error (1000.3000000000001,
    160.0999999999999), which no bank's figure has and which the currency check would refuse.
    A whole number is exact as stored (a 16-digit reference written as a number keeps its
    digits)."""
    if isinstance(value, float) and not value.is_integer():
        return float(format(value, ".15g"))
    return value


def _as_text(data: bytes, file: str) -> tuple[bytes, datetime]:
    """The first worksheet as tab-separated UTF-8 text, one line per sheet row, and the day
    the workbook counts its serial dates from (1900, or 1904 for date1904 workbooks)."""
    if data.startswith(OLE_MAGIC):
        raise StatementError(file, 0, "", old_workbook())
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except WORKBOOK_ERRORS as exc:
        raise StatementError(file, 0, "", unreadable_workbook(exc)) from None
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    epoch: datetime = workbook.epoch
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong sheet size: read every row
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise StatementError(file, number, "", _(
                    "the worksheet has more than {n} rows; expected a bank's export",
                    n=MAX_ROWS))
            # A cell's line breaks would start a new line of text, and shift every row below.
            writer.writerow([" ".join(text.split()) if (text := cell_text(_shown(v))) else ""
                             for v in values])
    except WORKBOOK_ERRORS as exc:
        # A damaged sheet (a truncated zip, broken XML) shows only once its rows are read.
        raise StatementError(file, 0, "", unreadable_workbook(exc)) from None
    finally:
        workbook.close()
    return out.getvalue().encode("utf-8"), epoch
