"""The hand-off file an agency receives: one row per invoice, in CSV and XLSX.

Both files carry the same columns, headed in the user's language. In CSV, amounts are decimal
strings with the currency's exponent ("1234", "12.50") and dates ISO 8601; in XLSX they are
numbers and dates with matching formats, so the agency can sum and sort them.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from cobranza.core.money import exponent, minor_to_str
from cobranza.i18n import _


@dataclass(frozen=True, slots=True)
class HandoffLine:
    """One handed invoice with everything the agency needs; money in minor units."""

    creditor: str
    creditor_tax_id: str | None
    debtor_code: str
    debtor_name: str
    debtor_tax_id: str | None
    email: str | None
    phone: str | None
    whatsapp: str | None
    country: str | None
    language: str | None
    invoice: str
    issue_date: date
    due_date: date
    currency: str
    amount: int
    open_amount: int
    days_past_due: int
    accrued_interest: int  # accrued and not yet posted
    fees_posted: int
    interest_posted: int
    charges_open: int  # what is still open of the posted fees and interest
    promises: int
    promises_broken: int
    disputes: int
    open_disputes: int
    last_contact: date | None
    agency: str
    commission_pct: Decimal
    handoff_date: date

    @property
    def total_owed(self) -> int:
        """Open principal, open charges and interest accrued but not posted."""
        return self.open_amount + self.charges_open + self.accrued_interest


Value = str | int | Decimal | date | None
Getter = Callable[[HandoffLine], Value]


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header (translated when written), how it is shown, and its value."""

    header: Callable[[], str]
    kind: str  # text|int|money|date|pct
    value: Getter


def _money(attribute: str) -> Getter:
    return lambda line: int(getattr(line, attribute))


COLUMNS: tuple[Column, ...] = (
    Column(lambda: _("Creditor"), "text", lambda ln: ln.creditor),
    Column(lambda: _("Creditor tax id"), "text", lambda ln: ln.creditor_tax_id),
    Column(lambda: _("Debtor id"), "text", lambda ln: ln.debtor_code),
    Column(lambda: _("Debtor"), "text", lambda ln: ln.debtor_name),
    Column(lambda: _("Debtor tax id"), "text", lambda ln: ln.debtor_tax_id),
    Column(lambda: _("Email"), "text", lambda ln: ln.email),
    Column(lambda: _("Phone"), "text", lambda ln: ln.phone),
    Column(lambda: _("WhatsApp"), "text", lambda ln: ln.whatsapp),
    Column(lambda: _("Country"), "text", lambda ln: ln.country),
    Column(lambda: _("Language"), "text", lambda ln: ln.language),
    Column(lambda: _("Invoice"), "text", lambda ln: ln.invoice),
    Column(lambda: _("Issue date"), "date", lambda ln: ln.issue_date),
    Column(lambda: _("Due date"), "date", lambda ln: ln.due_date),
    Column(lambda: _("Currency"), "text", lambda ln: ln.currency),
    Column(lambda: _("Original amount"), "money", _money("amount")),
    Column(lambda: _("Open amount"), "money", _money("open_amount")),
    Column(lambda: _("Days past due"), "int", lambda ln: ln.days_past_due),
    Column(lambda: _("Accrued interest"), "money", _money("accrued_interest")),
    Column(lambda: _("Fees posted"), "money", _money("fees_posted")),
    Column(lambda: _("Interest posted"), "money", _money("interest_posted")),
    Column(lambda: _("Open charges"), "money", _money("charges_open")),
    Column(lambda: _("Total owed"), "money", _money("total_owed")),
    Column(lambda: _("Promises"), "int", lambda ln: ln.promises),
    Column(lambda: _("Broken promises"), "int", lambda ln: ln.promises_broken),
    Column(lambda: _("Disputes"), "int", lambda ln: ln.disputes),
    Column(lambda: _("Open disputes"), "int", lambda ln: ln.open_disputes),
    Column(lambda: _("Last contact"), "date", lambda ln: ln.last_contact),
    Column(lambda: _("Agency"), "text", lambda ln: ln.agency),
    Column(lambda: _("Commission %"), "pct", lambda ln: ln.commission_pct),
    Column(lambda: _("Hand-off date"), "date", lambda ln: ln.handoff_date),
)


def file_stem(*, agency: str, day: date, out_dir: Path) -> Path:
    """`handoff-<agency>-<day>`, numbered -2, -3... when a file of that name exists already."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", agency).strip("-").lower() or "agency"
    base = out_dir / f"handoff-{slug}-{day.isoformat()}"
    stem, n = base, 1
    while stem.with_suffix(".csv").exists() or stem.with_suffix(".xlsx").exists():
        n += 1
        stem = base.with_name(f"{base.name}-{n}")
    return stem


def _csv_value(column: Column, line: HandoffLine) -> str:
    value = column.value(line)
    if value is None:
        return ""
    if column.kind == "money":
        assert isinstance(value, int)
        return minor_to_str(value, line.currency)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(lines: Sequence[HandoffLine], path: Path) -> None:
    """The CSV file (UTF-8 with BOM, so spreadsheets open accents right), written atomically."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([c.header() for c in COLUMNS])
        for line in lines:
            writer.writerow([_csv_value(c, line) for c in COLUMNS])
    os.replace(tmp, path)


def _xlsx_cell(column: Column, line: HandoffLine) -> tuple[Value, str | None]:
    value = column.value(line)
    if value is None:
        return None, None
    if column.kind == "money":
        assert isinstance(value, int)
        places = exponent(line.currency)
        return Decimal(minor_to_str(value, line.currency)), "#,##0" + (
            "." + "0" * places if places else "")
    if column.kind == "date":
        return value, "yyyy-mm-dd"
    if column.kind == "pct":
        assert isinstance(value, Decimal)
        return value / 100, "0.00%"
    return value, None


def write_xlsx(lines: Sequence[HandoffLine], path: Path) -> None:
    """The XLSX file: one sheet, a bold frozen header, numbers and dates formatted."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Hand-off")
    sheet.append([c.header() for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.freeze_panes = "A2"
    for row, line in enumerate(lines, start=2):
        for col, column in enumerate(COLUMNS, start=1):
            value, fmt = _xlsx_cell(column, line)
            cell = sheet.cell(row=row, column=col, value=value)
            if fmt:
                cell.number_format = fmt
    for col, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = 28 if column.kind == "text" else 14
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    os.replace(tmp, path)
