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
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from cobranza.core.money import exponent, from_minor, is_currency
from cobranza.i18n import _
from cobranza.importers.columns import normalise_header
from cobranza.importers.parsing import names_a_month, parse_amounts, parse_dates
from cobranza.importers.tabular import LINE, RowError, Table, detect_delimiter, to_utf8
from cobranza.statements.formats._balances import BalanceBreak, check_running_balance
from cobranza.statements.formats._cells import (
    decimal_comma,
    month_first,
    serial_date,
    side_marked,
    written_currency,
)
from cobranza.statements.formats._columns import (
    AMOUNTS,
    FIELDS,
    MONEY,
    MORE,
    TEXT,
    LayoutRefused,
    find_columns,
    header_currency,
    own_iban,
    sign_column,
    unused_amount,
)
from cobranza.statements.formats._labelled import counterparty, spei_trace
from cobranza.statements.formats._preamble import (
    stated_account,
    stated_balances,
    stated_currency,
)
from cobranza.statements.formats._preset import (
    CREDIT_MARKS,
    DEBIT_MARKS,
    NO_IMPACT,
    NOT_BOOKED,
    SIDE_WORDS,
)
from cobranza.statements.formats._rows import balance_label, footer, sections, summary
from cobranza.statements.formats._text import (
    clean,
    join,
    optional,
    party_in,
    rf_reference,
    tax_id_in,
)
from cobranza.statements.model import ParsedStatement, StatementError, StatementLine

name = "csv"
__all__ = ["FIELDS", "extract", "extract_csv", "identify", "name"]

# How many non-empty lines of account details ("Cartola", "Cuenta: ...") may stand above the
# header row of an export.
PREAMBLE = 20
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def identify(head: bytes) -> bool:
    """True when a header with a date column and an amount, debit or credit opens the file."""
    # Line by line: a head cut inside a UTF-8 character must not turn the header into cp1252.
    lines = [line for line in head.splitlines() if line.strip()][:PREAMBLE]
    return any(_header_columns(to_utf8(line)[0].decode("utf-8", "replace")) is not None
               for line in lines)


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read a CSV statement laid out as the generic preset expects."""
    return extract_csv(data, file=file)


def extract_csv(data: bytes, *, file: str, mapping: Mapping[str, str] | None = None,
                account: str | None = None, currency: str | None = None,
                default_currency: str | None = None,
                serial_epoch: datetime | None = None) -> list[ParsedStatement]:
    """Read a CSV statement; `mapping` names the header of a field (`amount=Importe MXN`), or
    its column's number in a file without a header row (`amount=2`).

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
    lines = _LINE_BREAK.split(to_utf8(data)[0].decode("utf-8"))
    if mapping and all(v.strip().isdigit() for v in mapping.values()):
        # Columns named by their numbers: a file without a header row (Wells Fargo's, ABN
        # AMRO's). Every line is a row; "#3" stands for the third column's header.
        start = next((i for i, line in enumerate(lines) if line.strip()), 0)
        delimiter = detect_delimiter(lines[start] if lines else "")
        rows, at = _rows(lines[start:], delimiter, first=start + 1)
        width = max((len(row) for row in rows), default=0)
        rows.insert(0, [f"#{n}" for n in range(1, width + 1)])
        start -= 1  # the rows begin on the line the header would have taken
    else:
        start = _header_line(lines, mapping, file)
        delimiter = detect_delimiter(lines[start])
        rows, at = _rows(lines[start:], delimiter, first=start + 1)
        at = at[1:]
    header = [h.strip() for h in rows[0]]
    found = find_columns(header, mapping, file, line=start + 1)
    _cut_short(rows, [start + 1, *at], header, found, file=file, lines=lines,
               delimiter=delimiter)
    rows[1:] = _side_marks(rows[1:], found)
    if "amount" not in (mapping or {}):
        found = unused_amount(found, rows[1:])
    columns = own_iban(sign_column(found, rows[1:]), header, rows[1:], mapping)
    if serial_epoch is not None:
        rows[1:] = _serial_dates(rows[1:], columns, serial_epoch)
    if not account and "account" not in columns:
        account = stated_account(lines[:max(start, 0)])
    code = _currency(header, columns, rows[1:], file, given=given,
                     default=(default_currency or "").strip().upper(), line=start + 1,
                     row_lines=at,
                     stated=stated_currency(lines[:max(start, 0)]))
    table, columns, statement_lines, not_booked = _read(
        file, header, rows[1:], columns, row_lines=at, delimiter=delimiter,
        currency=code, own=not account)
    if account or "account" not in columns:
        # A currency column that gives every line one currency is the balances' too (UBS).
        line_codes = {line.currency for line in statement_lines}
        code = code or (line_codes.pop() if len(line_codes) == 1 else "")
        body = rows[1:]
        end = footer(body, columns.get("date"))
        opening, closing = _stated_balances(table, lines[:max(start, 0)], code,
                                            below=body[end:], below_lines=at[end:])
        return [ParsedStatement(format=name, account=(account or "").strip(),
                                currency=code or None, lines=statement_lines, line=start + 1,
                                not_booked=not_booked, opening_balance=opening,
                                closing_balance=closing)]
    # One statement per account the rows name, in the order they first appear.
    by_account: dict[str, list[StatementLine]] = {}
    for own, line in zip(_accounts(table), statement_lines, strict=True):
        by_account.setdefault(own, []).append(line)
    return [ParsedStatement(format=name, account=own, currency=code or None, lines=lines,
                            line=start + 1, not_booked=not_booked if at == 0 else 0)
            for at, (own, lines) in enumerate(by_account.items())] or [ParsedStatement(
                format=name, account="", currency=code or None, line=start + 1,
                not_booked=not_booked)]


def _cut_short(rows: list[list[str]], row_lines: list[int], header: list[str],
               columns: dict[str, int], *, file: str, lines: list[str], delimiter: str) -> None:
    """Refuse a file cut inside its last movement, as a download broken off leaves it: a quoted
    cell never closed; or, the file ending without a line break, a last row with fewer cells
    than its header and every other row, or whose last cell, a date or an amount, is shorter
    than the column's others are written (-80.00 cut to -8). Read, it would import as a
    smaller movement, or not at all, without a word. A last row whole but for its line break
    (Excel's and many banks' exports end so) is read."""
    filled = [i for i, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if len(filled) < 2:
        return
    last, row = filled[-1], rows[filled[-1]]
    body = [rows[i] for i in filled[1:-1]]
    date_at = columns.get("date")
    # Blanks after the last line break aside (a NUL or DOS end-of-file mark): a whole last row.
    ended = not lines[-1].strip(" \t\x00\x1a")
    if _quote_open("\n".join(lines[row_lines[last] - 1:]), delimiter):
        why = _("a quoted cell is not closed")
    elif ended or summary(row, date_at) or balance_label(row):
        return
    elif len(row) < len(_titles(header)) and all(len(other) > len(row) for other in body):
        why = _("the row has {cells} of the {columns} cells of the header",
                cells=len(row), columns=len(_titles(header)))
    else:
        field = next((f for f, i in columns.items() if i == len(row) - 1), "")
        others = [other[len(row) - 1].strip() for other in body if len(other) >= len(row)]
        if not _cell_cut(field, row[-1].strip(), [cell for cell in others if cell]):
            return
        why = _("its last cell '{value}' ({column}) is written shorter than its column's other cells",
                value=row[-1].strip(), column=header[len(row) - 1])
    raise StatementError(file, row_lines[last], "", _(
        "the file ends inside a row ({why}): it was cut short, as a broken download is; "
        "expected the whole row and a line break; download the statement again", why=why))


def _quote_open(text: str, delimiter: str) -> bool:
    """True when `text` ends inside a quoted cell: a line read after it would join that cell."""
    return list(csv.reader(io.StringIO(text + "\n\x1f"), delimiter=delimiter))[-1:] != [["\x1f"]]


# A figure's last decimal or grouping mark and the digits after it (1,250.75: "." and 2).
_TAIL = re.compile(r"([.,])(\d*)$")


def _cell_cut(field: str, cell: str, others: list[str]) -> bool:
    """True when the cell a file ends with is cut: a date shorter than every other of its column;
    an amount ending in its mark (12.) or in a group of fewer than three digits (4.987.01); or
    with fewer digits after its mark than every other amount of its column has (-80.0 or -8
    where all are written with 2 decimals, 4.98 where all group thousands: 4.987.010)."""
    if field in ("date", "value_date"):
        return bool(others) and len(cell) < min(len(other) for other in others)
    if field not in MONEY or not any(c.isdigit() for c in cell):
        return False
    figures = re.sub(r"[^\d.,]", "", cell)
    mark, places = _shape(figures)
    if mark and (not places or (figures.count(mark) > 1 and places != 3)):
        return True
    shapes = {_shape(re.sub(r"[^\d.,]", "", other)) for other in others
              if any(c.isdigit() for c in other)}
    if len(shapes) != 1:
        return False
    (usual, digits), = shapes
    if not usual:
        return False
    if digits == 3:  # thousands grouped (or a currency of three decimals)
        return mark == usual and places < 3
    return (mark, places) != (usual, digits)


def _shape(cell: str) -> tuple[str, int]:
    """The last mark of an amount's figures and how many digits follow it ("" and 0: none)."""
    match = _TAIL.search(cell)
    return (match[1], len(match[2])) if match else ("", 0)


def _side_marks(rows: list[list[str]], columns: dict[str, int]) -> list[list[str]]:
    """The rows with an amount or running balance marked CR or DR written signed: CR money in,
    DR money out (`_cells.side_marked`). A debit or credit column's cells are left as written:
    their column says the direction."""
    at = [columns[field] for field in ("amount", "balance") if field in columns]
    return [[side_marked(cell) if i in at else cell for i, cell in enumerate(row)]
            for row in rows]


def _serial_dates(rows: list[list[str]], columns: dict[str, int],
                  epoch: datetime) -> list[list[str]]:
    """The rows with their date columns' serial numbers written as dates: some banks' workbooks
    store a date as its number with a General format (46000), which Excel shows as a number."""
    at = [columns[field] for field in ("date", "value_date") if field in columns]
    return [[serial_date(cell, epoch) if i in at else cell for i, cell in enumerate(row)]
            for row in rows]


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
          row_lines: list[int], delimiter: str, currency: str,
          own: bool) -> tuple[Table, dict[str, int], list[StatementLine], int]:
    """The table, its columns, its lines and how many rows are not booked.

    A row whose state says it is not booked is left out, unless the running balances add up
    only with it: PayPal marks a transfer from or to the bank Pending while its Balance already
    counts it. `own`: an account column may be the statement's own (no --account given).
    """
    def attempt(statuses: bool) -> tuple[Table, dict[str, int], list[StatementLine], int, bool]:
        table, not_booked = _table(file, header, rows, columns, row_lines=row_lines,
                                   delimiter=delimiter, currency=currency, statuses=statuses)
        read = columns
        if own and "account" in columns:
            table, read = _own_account(table, columns)
        lines, checked = _lines(table, read, currency, file)
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


def _own_account(table: Table, columns: dict[str, int]) -> tuple[Table, dict[str, int]]:
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


def _accounts(table: Table) -> list[str]:
    """Each row's account, as written (empty when the cell is)."""
    return [(cell or "").strip() for cell in table.frame["account"].to_list()]


def _header_line(lines: list[str], mapping: Mapping[str, str] | None, file: str) -> int:
    """The index of the header row: the first line, or one below a few lines of account details."""
    filled = [i for i, line in enumerate(lines) if line.strip()][:PREAMBLE]
    if not filled:
        raise StatementError(file, 1, "", _("the file is empty; expected a header row"))
    for i in filled:
        try:
            find_columns(_header(lines[i]), mapping, file, line=i + 1)
        except LayoutRefused:
            return i  # reading it again says why
        except StatementError:
            continue
        return i
    return filled[0]  # reading it again raises the first line's own error


def _rows(lines: list[str], delimiter: str, *, first: int) -> tuple[list[list[str]], list[int]]:
    """The rows of `lines` (the first on line `first`) and the line each starts on: a quoted
    cell may hold line breaks (a long concept), and the rows below it stay on their own lines."""
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows, starts, read = [], [], 0
    for row in reader:
        rows.append(row)
        starts.append(first + read)
        read = reader.line_num
    return rows, starts


def _header(line: str) -> list[str]:
    """The cells of a header line."""
    return [h.strip() for h in next(csv.reader([line], delimiter=detect_delimiter(line)), [])]


def _header_columns(line: str) -> dict[str, int] | None:
    """The columns of `line` read as a header, or None when it is not a statement's header
    (none, {}, for a layout the reader knows and refuses: reading it says why)."""
    try:
        return find_columns(_header(line), None, "")
    except LayoutRefused:
        return {}
    except StatementError:
        return None


def _table(file: str, header: list[str], rows: list[list[str]], columns: dict[str, int], *,
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
    titles = _titles(header)
    pending = sections(rows) if statuses else [False] * len(rows)
    for offset, row in enumerate(rows[:end]):
        # An export by pages writes its header again on each.
        if (not any(cell.strip() for cell in row) or summary(row, date_at)
                or _detail(row, date_at, amounts_at) or _titles(row) == titles):
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


def _titles(row: list[str]) -> list[str]:
    """A row's cells compared as headers are, without the empty ones that end it."""
    cells = [normalise_header(cell) for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


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


def refused(errors: list[RowError]) -> StatementError:
    """Every bad cell as one refusal, in the file's order (the first, with the rest after)."""
    located = [StatementError(e.file, e.line, e.column, e.message)
               for e in sorted(errors, key=lambda e: e.line)]
    return replace(located[0], more=located[1:])


def _lines(table: Table, columns: dict[str, int], currency: str,
           file: str) -> tuple[list[StatementLine], bool]:
    """One line per row: signed amount (amount, or credit minus debit), dates and references;
    and whether a running balance on every row was checked."""
    frame = table.frame
    codes = frame["currency"].str.to_uppercase() if "currency" in columns else None
    codes = (codes.fill_null(currency) if codes is not None
             else pl.Series([currency] * frame.height, dtype=pl.String))
    unknown = [RowError(file, line, table.header("currency"), _(
        "'{value}' is not an ISO 4217 currency code", value=code or ""))
        for code, line in zip(codes.to_list(), frame[LINE].to_list(), strict=True)
        if not code or not is_currency(code)]
    if unknown:
        raise refused(unknown)
    if "currency" in columns:
        unknown = _other_currency(table, codes)
        if unknown:
            raise refused(unknown)
    exponents = {c: exponent(c) for c in set(codes.to_list())}
    # Amounts written 1.234,50 (or CLP's 1.250) come from no bank in the United States: their
    # dates are day-first unless a day over 12 in second place says otherwise.
    written = frame["date"].drop_nulls().unique().to_list() + (
        frame["value_date"].drop_nulls().unique().to_list() if "value_date" in columns else [])
    us_order = month_first(written, by_span=not table.decimal_comma)
    dates, errors = parse_dates(table, "date", month_first=us_order)
    values, more = (parse_dates(table, "value_date", required=False, month_first=us_order)
                    if "value_date" in columns else (pl.Series([None] * frame.height), []))
    amounts = _amounts(table, columns, codes, exponents, errors)
    if errors or more:
        raise refused(errors + more)
    checked = False
    if "balance" in columns:
        accounts = _accounts(table) if "account" in columns else [""] * frame.height
        checked = check_running_balance(table, list(zip(accounts, codes.to_list(), strict=True)),
                                        codes, exponents, amounts, dates.to_list())
    if "fee" in columns and not checked:
        _unconfirmed_fee(table)
    out = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        code = codes[i]
        out.append(_line(row, dates[i], values[i], from_minor(amounts[i], code), code))
    return out, checked


def _other_currency(table: Table, codes: pl.Series) -> list[RowError]:
    """The amounts written with a code that is not their row's currency ("1,234.56 MXN CR" on a
    row in USD): read in the row's currency, they would be another sum."""
    found = []
    for field in (f for f in MONEY if f in table.frame.columns):
        for cell, code, line in zip(table.frame[field].to_list(), codes.to_list(),
                                    table.frame[LINE].to_list(), strict=True):
            if cell and (written := written_currency(cell)) and written != code:
                found.append(RowError(table.file, line, table.header(field), _(
                    "'{value}' is written in {written}, not in {currency}, the row's currency; "
                    "expected an amount in {currency}", value=cell, written=written,
                    currency=code)))
    return found


def _unconfirmed_fee(table: Table) -> None:
    """Refuse a fee taken from an amount that no running balance confirms: without a net, the
    file does not say whether its amount is before the fee (Revolut's, whose balance shows it)
    or after it, nor that the fee is in the amount's currency (Stripe's list of payments)."""
    charged = table.frame.filter(pl.col("fee").str.contains(r"[1-9]"))
    if charged.height:
        raise StatementError(table.file, charged[LINE][0], table.header("fee"), _(
            "a fee beside the amount, and no net or running balance: what reached the account "
            "is not stated; export the file with its net or balance column, or name the column "
            "that moved the account (--map amount=HEADER)"))


def _amounts(table: Table, columns: dict[str, int], codes: pl.Series,
             exponents: dict[str, int], errors: list[RowError]) -> list[int]:
    """Signed minor units: the amount column as written (signed by a sign column; a card's
    charge is money out; less a fee taken from it), else credit minus debit."""
    field = "amount" if "amount" in columns else "charge" if "charge" in columns else None
    if field is not None:
        amounts, found = parse_amounts(table, field, codes, exponents=exponents, positive=False)
        errors.extend(found)
        signed = [a or 0 for a in amounts.to_list()]
        if "sign" in columns:
            signed = _signed(table, signed, errors)
        if field == "charge":
            signed = [-a for a in signed]
        if "fee" in columns:
            fees, found = parse_amounts(table, "fee", codes, exponents=exponents,
                                        required=False, positive=False)
            errors.extend(found)
            signed = [a - (f or 0) for a, f in zip(signed, fees.to_list(), strict=True)]
        return signed
    total = [0] * table.frame.height
    sided: dict[str, list[int | None]] = {}
    for field, sign in (("credit", 1), ("debit", -1)):
        if field not in columns:
            continue
        values, found = parse_amounts(table, field, codes, exponents=exponents,
                                      required=False, positive=False)
        errors.extend(found)
        sided[field] = values.to_list()
        # A debit column's figures may be written negative (the direction twice): the column
        # says it. A negative credit says two directions at once: refused, not read either way.
        total = [t + sign * abs(v or 0) for t, v in zip(total, sided[field], strict=True)]
    errors.extend(_two_sided(table, sided))
    # A dated row with neither a debit nor a credit is no movement: refused, never read as zero.
    sides = [f for f in ("debit", "credit") if f in columns]
    empty = table.frame.filter(pl.all_horizontal(pl.col(f).is_null() for f in sides))
    named = " / ".join(table.header(f) for f in sides)
    errors.extend(RowError(table.file, line, named, _(
        "missing value; expected an amount in {columns}", columns=named))
        for line in empty[LINE].to_list())
    return total


def _two_sided(table: Table, sided: dict[str, list[int | None]]) -> list[RowError]:
    """The rows whose credit is negative (money in written as money out), or with both a debit
    and a credit: each is one movement, whose direction those rows do not say."""
    lines = table.frame[LINE].to_list()
    credits = sided.get("credit", [None] * len(lines))
    debits = sided.get("debit", [None] * len(lines))
    found = []
    for line, credit, debit in zip(lines, credits, debits, strict=True):
        if credit and debit:
            named = f"{table.header('debit')} / {table.header('credit')}"
            found.append(RowError(table.file, line, named, _(
                "a debit and a credit on one row; expected one of them (a movement goes one "
                "way)")))
        elif credit is not None and credit < 0:
            found.append(RowError(table.file, line, table.header("credit"), _(
                "a negative amount in the credit column; expected money in as a positive "
                "figure (money out goes in {debit})", debit=table.header("debit")
                if "debit" in sided else _("a debit column"))))
    return found


def _signed(table: Table, amounts: list[int], errors: list[RowError]) -> list[int]:
    """The amounts with the direction their sign column marks; an unsigned amount without a
    mark is refused (PayPal's item rows leave Balance Impact empty: they move nothing)."""
    signs = _signs(table, errors)
    header = table.header("sign")
    for amount, cell, line in zip(amounts, table.frame["sign"].to_list(),
                                  table.frame[LINE].to_list(), strict=True):
        if cell is None and amount > 0:
            errors.append(RowError(table.file, line, header, _(
                "missing value; expected a debit or credit mark for the unsigned amount")))
    return [a if sign is None else sign * abs(a) for a, sign in zip(amounts, signs, strict=True)]


def _signs(table: Table, errors: list[RowError]) -> list[int | None]:
    """+1 or -1 per row as its sign column marks it, None where the cell is empty."""
    marks = [None if cell is None else cell if cell in ("+", "-") else normalise_header(cell)
             for cell in table.frame["sign"].to_list()]
    c_is_credit = "d" in marks
    signs: list[int | None] = []
    for mark, raw, line in zip(marks, table.frame["sign"].to_list(),
                               table.frame[LINE].to_list(), strict=True):
        if mark is None:
            signs.append(None)
        elif mark in CREDIT_MARKS or (mark == "c" and c_is_credit):
            signs.append(1)
        elif mark in DEBIT_MARKS or mark == "c":
            signs.append(-1)
        else:
            signs.append(None)
            errors.append(RowError(table.file, line, table.header("sign"), _(
                "'{value}' is not a debit or credit mark; expected + or -, Cargo or Abono, "
                "Debit or Credit", value=raw)))
    return signs


def _side(row: dict[str, Any], payer: str, payee: str, *, credit: bool) -> str | None:
    """The counterparty's cell of a field the file may give for both sides of a transfer: the
    payer's on a credit and the payee's on a debit (the other is the account's own holder);
    a file with one side only names the other party on every line."""
    if payer in row and payee in row:
        return optional(row[payer] if credit else row[payee])
    return optional(row.get(payer) if payer in row else row.get(payee))


def _code(text: str) -> bool:
    """True for a direction word (Chase's "Details": DEBIT) or a one-word type code of at most
    four letters (Lloyds' "Transaction Type": DEB, FPI): no words of the payer's."""
    return normalise_header(text) in SIDE_WORDS | {"debit", "credit"} or bool(
        re.fullmatch(r"[A-Za-z]{1,4}", text))


def _named(text: str | None, *, credit: bool) -> str | None:
    """The other side a description names: in labelled fields, as US banks write an ACH entry
    or a wire (Chase's "ORIG CO NAME:", read as in BAI2), else after "TRANSF DE" or the like."""
    return counterparty(text, credit=credit)[0] or party_in(text, credit=credit)


def _line(row: dict[str, Any], booked: date, value: date | None, amount: Decimal,
          currency: str) -> StatementLine:
    """One statement line from a row whose date and amount are parsed."""
    description, concept, reference = (row.get("description"), row.get("concept"),
                                       row.get("reference"))
    # A second text column's words, unless a direction word (Chase's "Details": DEBIT) or
    # already said.
    said = " ".join(clean(part) for part in (description, concept, reference) if part).upper()
    more = [text for key, cell in row.items() if key.startswith(MORE)
            if (text := clean(cell)) and text.upper() not in said and not _code(text)]
    credit = amount > 0
    return StatementLine(
        booking_date=booked, value_date=value, amount=amount, currency=currency,
        # A file without a payer column often names the payer in the description.
        counterparty_name=_side(row, "counterparty_name", "payee_name", credit=credit)
        or _named(description, credit=credit) or _named(concept, credit=credit),
        counterparty_account=_side(row, "counterparty_account", "payee_account", credit=credit),
        counterparty_tax_id=_side(row, "counterparty_tax_id", "payee_tax_id", credit=credit)
        or tax_id_in(description, concept, *more),
        remittance=join([description, concept, reference]), more_text=join(more),
        creditor_reference=rf_reference(reference, description, concept, *more),
        spei_reference=optional(row.get("spei_reference")) or spei_trace(description)
        or spei_trace(concept),
        transaction_id=optional(row.get("transaction_id")), line=row[LINE])
