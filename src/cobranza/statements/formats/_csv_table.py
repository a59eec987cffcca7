"""A CSV export's rows as the ledger imports' Table (`formats.csv`): the movements only (no
totals, balances, repeated headers, details or rows not booked), their cells as a bank means them
(CR/DR marks signed, a workbook's serial dates as dates, a lone dash as empty).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import polars as pl

from cobranza.core.money import exponent, is_currency
from cobranza.importers.columns import normalise_header
from cobranza.importers.parsing import names_a_month
from cobranza.importers.tabular import LINE, Table
from cobranza.statements.formats._cells import (
    decimal_comma,
    serial_date,
    side_marked,
)
from cobranza.statements.formats._columns import (
    AMOUNTS,
    MONEY,
    MORE,
    TEXT,
)
from cobranza.statements.formats._csv_text import titles
from cobranza.statements.formats._preset import (
    NO_IMPACT,
    NOT_BOOKED,
)
from cobranza.statements.formats._rows import balance_label, footer, sections, summary


def side_marks(rows: list[list[str]], columns: dict[str, int]) -> list[list[str]]:
    """The rows with an amount or running balance marked CR or DR written signed: CR money in,
    DR money out (`_cells.side_marked`). A debit or credit column's cells are left as written:
    their column says the direction."""
    at = [columns[field] for field in ("amount", "balance") if field in columns]
    return [[side_marked(cell) if i in at else cell for i, cell in enumerate(row)]
            for row in rows]


def serial_dates(rows: list[list[str]], columns: dict[str, int],
                  epoch: datetime) -> list[list[str]]:
    """The rows with their date columns' serial numbers written as dates: some banks' workbooks
    store a date as its number with a General format (46000), which Excel shows as a number."""
    at = [columns[field] for field in ("date", "value_date") if field in columns]
    return [[serial_date(cell, epoch) if i in at else cell for i, cell in enumerate(row)]
            for row in rows]


def read_table(file: str, header: list[str], rows: list[list[str]], columns: dict[str, int], *,
           row_lines: list[int], delimiter: str, currency: str,
           statuses: bool = True) -> tuple[Table, int]:
    """The rows as the ledger imports' Table (stripped strings, empty as null, line numbers),
    and how many rows were left out as not booked: pending or declined, by their state or their
    section (unless `statuses` is False), or marked as moving no money (PayPal's Balance Impact "Memo")."""
    data: dict[str, list[str | None]] = {field: [] for field in columns}
    lines: list[int] = []
    not_booked = 0
    date_at, status_at = columns.get("date"), columns.get("status") if statuses else None
    sign_at = columns.get("sign")
    amounts_at = [i for field, i in columns.items() if field in AMOUNTS]
    end = footer(rows, date_at)
    heading = titles(header)
    pending = sections(rows) if statuses else [False] * len(rows)
    for offset, row in enumerate(rows[:end]):
        # An export by pages writes its header again on each.
        if (not any(cell.strip() for cell in row) or summary(row, date_at)
                or _detail(row, date_at, amounts_at) or titles(row) == heading):
            continue
        if pending[offset] or (status_at is not None and status_at < len(row)
                and normalise_header(row[status_at]) in NOT_BOOKED) or (
                sign_at is not None and sign_at < len(row)
                and normalise_header(row[sign_at]) in NO_IMPACT):
            not_booked += 1
            continue
        for field, i in columns.items():
            cell = _unguarded(row[i]) if i < len(row) else ""
            # A lone dash is how some banks (Banorte) leave a money cell empty; a text cell of
            # zeros only, how Banco de Chile leaves its "Docto. Nro." (00000000000): nothing.
            data[field].append(None if (field in MONEY and cell in _DASHES)
                               or (_text_field(field) and not cell.strip("0")) else cell or None)
        lines.append(row_lines[offset])
    frame = pl.DataFrame({**{f: pl.Series(f, v, dtype=pl.String) for f, v in data.items()},
                          LINE: pl.Series(LINE, lines, dtype=pl.Int64)})
    headers = {field: header[i] for field, i in columns.items()}
    cells: list[str] = (frame["currency"].drop_nulls().str.to_uppercase().to_list()
                        if "currency" in columns else [])
    codes = {c for c in [*cells, currency] if c}
    places = (max(exponent(c) for c in codes)
              if codes and all(is_currency(c) for c in codes) else None)
    money = [c for f in MONEY if f in frame.columns for c in frame[f].drop_nulls().to_list()]
    return Table(file, frame, headers, delimiter, "utf-8",
                 decimal_comma(money, delimiter, places=places)), not_booked


_DASHES = frozenset({"-", "\u2013", "\u2014"})


def _text_field(field: str) -> bool:
    """True for a field of the movement's words (`TEXT`, or more of them)."""
    return field in TEXT or field.startswith(MORE)


def _detail(row: list[str], date_at: int | None, amounts_at: list[int]) -> bool:
    """True for a row without an amount and no movement of its own: one without a date either,
    the detail of the booking above it (Zürcher Kantonalbank lists a collective payment's parts
    under its one dated booking of the total, each with its payee and its "Amount details" but
    no date, debit or credit, and carries a booking's text over to undated lines; read, they
    would be refused for want of a date, or counted twice); one stating a balance
    ("01/03/2026;SALDO AL 28/02/2026;;;500.000"); or one with words where the date would be,
    none a month's: the bank's note ("Información al 05/04/2026, sujeta a cambios", "Página 2
    de 2"). Refused as movements without an amount, they would have the file refused."""
    def empty(at: int | None) -> bool:
        return at is None or at >= len(row) or _unguarded(row[at]) in ("", *_DASHES)
    if not all(empty(at) for at in amounts_at):
        return False
    if date_at is None or empty(date_at) or balance_label(row):
        return True
    first = (normalise_header(row[date_at]).split() or [""])[0]
    return first.isalpha() and not names_a_month(first)


def _unguarded(cell: str) -> str:
    """A cell without spaces and the apostrophes Excel's text guard leaves ('01042026', '6550)."""
    text = cell.strip()
    return text.strip("'").strip() if text.startswith("'") else text


def own_account(table: Table, columns: dict[str, int]) -> tuple[Table, dict[str, int]]:
    """The table as it is when its account column is the statement's own; else (some rows name
    an account, others none: N26's "Account number" is the other party's, empty on card
    payments) with that column read as the counterparty's account, the statement's own being
    on every movement."""
    cells = table.frame["account"]
    if cells.null_count() in (0, len(cells)):
        return table, columns
    columns = {("counterparty_account" if field == "account" else field): i
               for field, i in columns.items()
               if not (field == "account" and "counterparty_account" in columns)}
    frame = (table.frame.drop("account") if "counterparty_account" in table.frame.columns
             else table.frame.rename({"account": "counterparty_account"}))
    headers = {field: table.header(field) for field in columns}
    headers["counterparty_account"] = table.header(
        "counterparty_account" if "counterparty_account" in table.headers else "account")
    return replace(table, frame=frame, headers=headers), columns


def accounts(table: Table) -> list[str]:
    """Each row's account, as written (empty when the cell is)."""
    return [(cell or "").strip() for cell in table.frame["account"].to_list()]
