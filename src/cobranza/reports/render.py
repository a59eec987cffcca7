"""Aging in the formats a finance team uses: a terminal table, CSV and a real XLSX workbook."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_currency
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rich.console import Console
from rich.table import Table as RichTable

from cobranza.core.money import exponent, from_minor, minor_to_str
from cobranza.i18n import _
from cobranza.reports.aging import AgingLine, AgingReport


def money(minor: int, currency: str, locale: str) -> str:
    """An amount formatted for the reader's locale: `$1.234.567` in es_CL, `$1,234.50` in en_US."""
    return str(format_currency(from_minor(minor, currency), currency, locale=locale))


def _columns(report: AgingReport) -> list[str]:
    return [_("Customer"), _("Name"), *[_label(b) for b in report.bucket_names], _("Total"),
            _("Unapplied"), _("Accrued interest")]


def _label(bucket: str) -> str:
    return _("current") if bucket == "current" else bucket


def _values(line: AgingLine) -> list[int]:
    return [*line.buckets, line.total, line.unapplied, line.accrued_interest]


def render_table(report: AgingReport, *, locale: str, console: Console) -> None:
    """Print one table per currency with a totals row."""
    if not report.currencies:
        console.print(_("Nothing is owed as of {date}.", date=report.as_of.isoformat()))
        return
    for cur, group in report.currencies.items():
        table = RichTable(title=_("Aging as of {date} — {currency}", date=report.as_of.isoformat(),
                                  currency=cur), show_footer=True, header_style="bold")
        totals = _values(group.totals())
        heads = _columns(report)
        table.add_column(heads[0], footer=_("Total"))
        table.add_column(heads[1], footer=_("{n} customers", n=len(group.customers)))
        for head, total in zip(heads[2:], totals, strict=True):
            table.add_column(head, justify="right", footer=money(total, cur, locale))
        for line in group.customers:
            table.add_row(line.customer_id, line.name,
                          *[money(v, cur, locale) if v else "" for v in _values(line)])
        console.print(table)


def render_csv(report: AgingReport) -> str:
    """One row per customer and currency, amounts as plain decimals (machine-readable)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["as_of", "currency", "customer_id", "name", *report.bucket_names, "total",
                     "unapplied", "accrued_interest"])
    for cur, group in report.currencies.items():
        for line in group.customers:
            writer.writerow([report.as_of.isoformat(), cur, line.customer_id, line.name,
                             *[minor_to_str(v, cur) for v in _values(line)]])
    return out.getvalue()


def write_xlsx(report: AgingReport, path: Path) -> None:
    """A workbook with one sheet per currency: number formats, frozen header and a totals row."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    heads = _columns(report)

    def sheet_with_header(title: str) -> Worksheet:
        sheet = book.create_sheet(title=title)
        sheet.append(heads)
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        sheet.freeze_panes = "C2"
        return sheet

    if not report.currencies:  # nothing owed: still a valid workbook with its header
        sheet_with_header(report.as_of.isoformat())
    for cur, group in report.currencies.items():
        sheet = sheet_with_header(cur)
        fmt = "#,##0" if exponent(cur) == 0 else "#,##0." + "0" * exponent(cur)
        for line in group.customers:
            sheet.append([line.customer_id, line.name,
                          *[Decimal(minor_to_str(v, cur)) for v in _values(line)]])
        last = sheet.max_row
        sheet.append([_("Total"), _("{n} customers", n=len(group.customers)), *[
            f"=SUM({get_column_letter(c)}2:{get_column_letter(c)}{last})"
            for c in range(3, len(heads) + 1)]])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in sheet.iter_rows(min_row=2, min_col=3):
            for cell in row:
                cell.number_format = fmt
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 40
        for c in range(3, len(heads) + 1):
            sheet.column_dimensions[get_column_letter(c)].width = 16
    book.save(path)
