"""Bank statements exported as CSV: a generic preset of headers (Spanish, English, and the words
European banks use), or a mapping.

The text is decoded, the delimiter found and cells parsed with the ledger imports' helpers
(`importers.tabular`, `importers.parsing`), so dates, decimal commas and thousands separators are
read the same way everywhere. A bank's export carries no account or currency of its own most of
the time: the caller passes them (`--account`, `--currency`), the file has a currency column, a
money header names it ("Cargos (CLP)", "Importe MXN"), or the organisation's base currency is
assumed (`default_currency`): a business's account is in its own currency unless said otherwise.

Headers are recognised the same way for every bank (`formats._columns`, with the preset of
`formats._preset`), never by a per-bank table. The amounts are what moved the account: a net
after fees, a card issuer's charge as money out; rows a bank lists but has not booked are left
out, and where every row states the balance after it, the balances must add up.

This module finds the statement (its account, currency and balances); each step of reading its
rows has its own: the text as rows (`_csv_text`), a file cut inside its last row (`_csv_cut`),
the rows as a table of movements (`_csv_table`), their signed amounts (`_csv_amounts`) and one
statement line per row (`_csv_movements`).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import polars as pl

from cobranza.core.money import exponent, from_minor, is_currency
from cobranza.i18n import _
from cobranza.importers.parsing import parse_amounts
from cobranza.importers.tabular import LINE, Table, detect_delimiter, to_utf8
from cobranza.statements.formats._balances import BalanceBreak
from cobranza.statements.formats._cells import written_currency
from cobranza.statements.formats._columns import (
    FIELDS,
    MONEY,
    documented_order,
    find_columns,
    header_currency,
    own_iban,
    sign_column,
    unused_amount,
)
from cobranza.statements.formats._csv_amounts import refused
from cobranza.statements.formats._csv_cut import cut_short
from cobranza.statements.formats._csv_listed import listed_balances
from cobranza.statements.formats._csv_movements import movements
from cobranza.statements.formats._csv_table import (
    accounts,
    own_account,
    read_table,
    serial_dates,
    side_marks,
)
from cobranza.statements.formats._csv_text import (
    LINE_BREAK,
    PREAMBLE,
    header_columns,
    header_line,
    read_rows,
)
from cobranza.statements.formats._preamble import (
    stated_account,
    stated_balances,
    stated_currency,
)
from cobranza.statements.formats._rows import footer
from cobranza.statements.model import ParsedStatement, StatementError, StatementLine

name = "csv"
__all__ = ["FIELDS", "extract", "extract_csv", "identify", "name"]


def identify(head: bytes) -> bool:
    """True when a header with a date column and an amount, debit or credit opens the file."""
    # Line by line: a head cut inside a UTF-8 character must not turn the header into cp1252.
    lines = [line for line in head.splitlines() if line.strip()][:PREAMBLE]
    return any(header_columns(to_utf8(line)[0].decode("utf-8", "replace")) is not None
               for line in lines)


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read a CSV statement laid out as the generic preset expects."""
    return extract_csv(data, file=file)


def extract_csv(data: bytes, *, file: str, mapping: Mapping[str, str] | None = None,
                account: str | None = None, currency: str | None = None,
                default_currency: str | None = None, date_order: str | None = None,
                serial_epoch: datetime | None = None) -> list[ParsedStatement]:
    """Read a CSV statement; `mapping` names the header of a field (`amount=Importe MXN`), or
    its column's number in a file without a header row (`amount=2`).

    `date_order`: "MDY" or "DMY", how the file writes its dates, where they do not show it
    (an export of one day, 03/02/2026 only) and its layout does not say (`documented_order`).

    `serial_epoch`: the rows are a workbook's (`formats.xlsx`), whose date columns may hold
    dates as serial numbers counted from it.

    The currency is, in order: a currency column's cell, `currency`, the one the money headers
    or cells name, then `default_currency` (the organisation's base currency).
    """
    given = (currency or "").strip().upper()
    if given and not is_currency(given):
        raise StatementError(file, 0, "--currency", _(
            "'{value}' is not an ISO 4217 currency code", value=given))
    # Only line breaks end a line: str.splitlines also cuts at a form feed or a Unicode line
    # separator, which a description may hold.
    lines = LINE_BREAK.split(to_utf8(data)[0].decode("utf-8"))
    if mapping and all(v.strip().isdigit() for v in mapping.values()):
        # Columns named by their numbers: a file without a header row (Wells Fargo's, ABN
        # AMRO's). Every line is a row; "#3" stands for the third column's header.
        start = next((i for i, line in enumerate(lines) if line.strip()), 0)
        delimiter = detect_delimiter(lines[start] if lines else "")
        rows, at = read_rows(lines[start:], delimiter, first=start + 1)
        width = max((len(row) for row in rows), default=0)
        rows.insert(0, [f"#{n}" for n in range(1, width + 1)])
        start -= 1  # the rows begin on the line the header would have taken
    else:
        start = header_line(lines, mapping, file)
        delimiter = detect_delimiter(lines[start])
        rows, at = read_rows(lines[start:], delimiter, first=start + 1)
        at = at[1:]
    header = [h.strip() for h in rows[0]]
    found = find_columns(header, mapping, file, line=start + 1)
    cut_short(rows, [start + 1, *at], header, found, file=file, lines=lines,
               delimiter=delimiter)
    rows[1:] = side_marks(rows[1:], found)
    if "amount" not in (mapping or {}):
        found = unused_amount(found, rows[1:])
    columns = own_iban(sign_column(found, rows[1:]), header, rows[1:], mapping)
    if serial_epoch is not None:
        rows[1:] = serial_dates(rows[1:], columns, serial_epoch)
    if not account and "account" not in columns:
        account = stated_account(lines[:max(start, 0)])
    code = _currency(header, columns, rows[1:], file, given=given,
                     default=(default_currency or "").strip().upper(), line=start + 1,
                     row_lines=at,
                     stated=stated_currency(lines[:max(start, 0)]))
    order = _date_order(date_order, file) if date_order else documented_order(header, rows[1:])
    table, columns, statement_lines, not_booked = _read(
        file, header, rows[1:], columns, row_lines=at, delimiter=delimiter,
        currency=code, own=not account, order=order)
    if account or "account" not in columns:
        # A currency column that gives every line one currency is the balances' too (UBS).
        line_codes = {line.currency for line in statement_lines}
        code = code or (line_codes.pop() if len(line_codes) == 1 else "")
        body = rows[1:]
        end = footer(body, columns.get("date"))
        opening, closing = _stated_balances(table, lines[:max(start, 0)], code,
                                            below=body[end:], below_lines=at[end:])
        closing_line, closing_field = 0, ""
        if opening is None and closing is None and code:
            opening, closing, closing_line, closing_field = listed_balances(
                table, body, at, columns, code, movements=statement_lines)
        return [ParsedStatement(format=name, account=(account or "").strip(),
                                currency=code or None, lines=statement_lines, line=start + 1,
                                not_booked=not_booked, opening_balance=opening,
                                closing_balance=closing, closing_line=closing_line,
                                closing_field=closing_field)]
    # One statement per account the rows name, in the order they first appear.
    by_account: dict[str, list[StatementLine]] = {}
    for own, line in zip(accounts(table), statement_lines, strict=True):
        by_account.setdefault(own, []).append(line)
    return [ParsedStatement(format=name, account=own, currency=code or None, lines=lines,
                            line=start + 1, not_booked=not_booked if at == 0 else 0)
            for at, (own, lines) in enumerate(by_account.items())] or [ParsedStatement(
                format=name, account="", currency=code or None, line=start + 1,
                not_booked=not_booked)]


def _stated_balances(table: Table, preamble: list[str], currency: str, *,
                     below: list[list[str]], below_lines: list[int]
                     ) -> tuple[Decimal | None, Decimal | None]:
    """The opening and closing balances the lines above the header state (`stated_balances`),
    else the closing block below the movements (`below`, its rows on `below_lines`:
    "Saldo Inicial;1.000.000" ... "Saldo Final;1.530.000"), read as the movements' amounts are
    (the same decimal mark), for `checks.py` to hold the movements to: a cartola cut short no
    longer imports as if whole."""
    rows = [next(csv.reader([line], delimiter=table.delimiter or ","), []) for line in preamble]
    stated = stated_balances(rows)
    if stated is None and (closing_block := stated_balances(below)) is not None:
        stated = closing_block._replace(line=below_lines[closing_block.line - 1])
    if stated is None or not currency:
        return None, None
    figures = Table(table.file, pl.DataFrame({
        "opening": [stated.opening], "closing": [stated.closing], LINE: [stated.line]}),
        {"opening": stated.opening_label, "closing": stated.closing_label}, table.delimiter,
        table.encoding, table.decimal_comma)
    codes = pl.Series([currency], dtype=pl.String)
    read = []
    for field in ("opening", "closing"):
        amounts, errors = parse_amounts(figures, field, codes,
                                        exponents={currency: exponent(currency)}, positive=False)
        if errors:
            raise refused(errors)
        read.append(from_minor(amounts[0], currency))
    return read[0], read[1]


def _date_order(given: str, file: str) -> bool:
    """True for a month-first order given ("MDY"), False for a day-first one ("DMY")."""
    order = given.strip().upper()
    if order not in ("DMY", "MDY"):
        raise StatementError(file, 0, "--date-order", _(
            "'{value}' is not a date order; expected DMY (day first, 03/02/2026 is 3 February) "
            "or MDY (month first, March 2)", value=given))
    return order == "MDY"


def _currency(header: list[str], columns: dict[str, int], rows: list[list[str]], file: str, *,
              given: str, default: str, line: int, row_lines: list[int],
              stated: str = "") -> str:
    """The file's currency ("" when a currency column gives each row's): the one given, the
    one its money headers or cells name (CaixaBank writes "-293,48EUR"), the one its preamble
    states (`stated`: "Moneda: DOLARES"), else `default`.

    A currency written in the file is never overridden: the organisation's base currency is
    only assumed, and a given currency the cells contradict is refused.
    """
    named = "" if given else (header_currency(header, columns, file, line=line) or stated)
    # Each amount written with a code: its column's header, the code and its row's line.
    coded: list[tuple[str, str, int]] = []
    if "currency" not in columns:
        at = [columns[field] for field in MONEY if field in columns]
        coded = [(header[i], code, row_line)
                 for row, row_line in zip(rows, row_lines, strict=True)
                 for i in at if i < len(row) and (code := written_currency(row[i]))]
    written = {code for _column, code, _line in coded}
    in_cells = coded[0][1] if coded else ""
    if len(written) > 1:
        column, _written, at_line = next(c for c in coded if c[1] != in_cells)
        raise StatementError(file, at_line, column, _(
            "the amounts are written in different currencies ({codes}); expected one currency "
            "per file, or a currency column", codes=", ".join(sorted(written))))
    for other in (given, named):
        if in_cells and other and other != in_cells:
            column, _written, at_line = coded[0]
            raise StatementError(file, at_line, column, _(
                "the amounts are written in {written}, not in {other}; give the currency the "
                "file is in (--currency)", written=in_cells, other=other))
    code = given or named or in_cells or ("" if "currency" in columns else default)
    if not code and "currency" not in columns:
        raise StatementError(file, line, "currency", _(
            "the file has no currency column; give the account's currency (--currency)"))
    return code


def _read(file: str, header: list[str], rows: list[list[str]], columns: dict[str, int], *,
          row_lines: list[int], delimiter: str, currency: str, own: bool,
          order: bool | None = None) -> tuple[Table, dict[str, int], list[StatementLine], int]:
    """The table, its columns, its lines and how many rows are not booked.

    A row whose state says it is not booked is left out, unless the running balances add up
    only with it: PayPal marks a transfer from or to the bank Pending while its Balance already
    counts it. `own`: an account column may be the statement's own (no --account given);
    `order`: True when the dates are month-first, False day-first, None as they show.
    """
    def attempt(statuses: bool) -> tuple[Table, dict[str, int], list[StatementLine], int, bool]:
        table, not_booked = read_table(file, header, rows, columns, row_lines=row_lines,
                                   delimiter=delimiter, currency=currency, statuses=statuses)
        read = columns
        if own and "account" in columns:
            table, read = own_account(table, columns)
        lines, checked = movements(table, read, currency, file, order=order)
        return table, read, lines, not_booked, checked

    try:
        table, read, lines, not_booked, _checked = attempt(statuses=True)
    except BalanceBreak as broken:
        # Read again with every state: taken only when each row's balance is there and adds up.
        try:
            table, read, lines, not_booked, checked = attempt(statuses=False)
        except StatementError:
            raise broken from None
        if not checked:
            raise broken from None
    return table, read, lines, not_booked
