"""Bank statements exported as CSV: a generic preset of headers (Spanish, English, and the words
European banks use), or a mapping.

The text is decoded, the delimiter found and cells parsed with the ledger imports' helpers
(`importers.tabular`, `importers.parsing`), so dates, decimal commas and thousands separators are
read the same way everywhere. A bank's export carries no account or currency of its own most of
the time: the caller passes them (`--account`, `--currency`), the file has a currency column, a
money header names it ("Cargos (CLP)", "Importe MXN"), or the organisation's base currency is
assumed (`default_currency`): a business's account is in its own currency unless said otherwise.

Headers are recognised the same way for every bank (the preset of `formats._preset`), never by
a per-bank table: exact spellings first, then a header that starts with a known spelling and adds
words ("Concepto / Referencia"), the longest spelling deciding ("Fecha Valor ..." is the value
date, not the booking date).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from cobranza.core.money import exponent, from_minor, is_currency, minor_to_str
from cobranza.i18n import _
from cobranza.importers.columns import normalise_header
from cobranza.importers.parsing import parse_amounts, parse_dates
from cobranza.importers.tabular import LINE, RowError, Table, detect_delimiter, to_utf8
from cobranza.statements.formats._preset import CREDIT_MARKS, DEBIT_MARKS, NOT_BOOKED, OTHER, PRESET
from cobranza.statements.formats._rows import footer, summary
from cobranza.statements.formats._text import join, optional, rf_reference
from cobranza.statements.model import ParsedStatement, StatementError, StatementLine

name = "csv"

FIELDS = tuple(PRESET)
MONEY = ("amount", "debit", "credit", "balance")
# How many non-empty lines of account details ("Cartola", "Cuenta: ...") may stand above the
# header row of an export.
PREAMBLE = 20
# A money header may name its currency: a trailing note in parentheses, "Cargos (CLP)", or a
# trailing code written in capitals, "Importe MXN" (capitals only: "Monto top" is no Tongan pa'anga).
_NOTE = re.compile(r"^(?P<base>.*?\S)\s*\((?P<note>[^()]*)\)$")
# Symbols that name one currency only ("Importe (€)", ING España); "$" names several.
_SYMBOLS = {"€": "EUR", "£": "GBP"}
_CODE = re.compile(r"^(?P<base>.*\S)\s+(?P<note>[A-Z]{3})$")


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
                default_currency: str | None = None) -> list[ParsedStatement]:
    """Read a CSV statement; `mapping` names the header of a field (`amount=Importe MXN`), or
    its column's number in a file without a header row (`amount=2`).

    The currency is, in order: a currency column's cell, `currency`, the one a money header
    names, then `default_currency` (the organisation's base currency).
    """
    given = (currency or "").strip().upper()
    if given and not is_currency(given):
        raise StatementError(file, 0, "--currency", _(
            "'{value}' is not an ISO 4217 currency code", value=given))
    lines = to_utf8(data)[0].decode("utf-8").splitlines()
    if mapping and all(v.strip().isdigit() for v in mapping.values()):
        # Columns named by their numbers: a file without a header row (Wells Fargo's, ABN
        # AMRO's). Every line is a row; "#3" stands for the third column's header.
        start = next((i for i, line in enumerate(lines) if line.strip()), 0)
        delimiter = detect_delimiter(lines[start] if lines else "")
        rows = list(csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter))
        width = max((len(row) for row in rows), default=0)
        rows.insert(0, [f"#{n}" for n in range(1, width + 1)])
        start -= 1  # the rows begin on the line the header would have taken
    else:
        start = _header_line(lines, mapping, file)
        delimiter = detect_delimiter(lines[start])
        rows = list(csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    columns = _columns(header, mapping, file, line=start + 1)
    code = given or _header_currency(header, columns, file, line=start + 1)
    code = code or ("" if "currency" in columns else (default_currency or "").strip().upper())
    if not code and "currency" not in columns:
        raise StatementError(file, start + 1, "currency", _(
            "the file has no currency column; give the account's currency (--currency)"))
    table, not_booked = _table(file, header, rows[1:], columns, first_line=start + 2,
                               delimiter=delimiter, currency=code)
    if not account and "account" in columns:
        table, columns = _own_account(table, columns)
    statement_lines = _lines(table, columns, code, file)
    if account or "account" not in columns:
        return [ParsedStatement(format=name, account=(account or "").strip(),
                                currency=code or None, lines=statement_lines, line=start + 1,
                                not_booked=not_booked)]
    # One statement per account the rows name, in the order they first appear.
    by_account: dict[str, list[StatementLine]] = {}
    for own, line in zip(_accounts(table), statement_lines, strict=True):
        by_account.setdefault(own, []).append(line)
    return [ParsedStatement(format=name, account=own, currency=code or None, lines=lines,
                            line=start + 1, not_booked=not_booked if at == 0 else 0)
            for at, (own, lines) in enumerate(by_account.items())] or [ParsedStatement(
                format=name, account="", currency=code or None, line=start + 1,
                not_booked=not_booked)]


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
            _columns(_header(lines[i]), mapping, file, line=i + 1)
        except StatementError:
            continue
        return i
    return filled[0]  # reading it again raises the first line's own error


def _header(line: str) -> list[str]:
    """The cells of a header line."""
    return [h.strip() for h in next(csv.reader([line], delimiter=detect_delimiter(line)), [])]


def _header_columns(line: str) -> dict[str, int] | None:
    """The columns of `line` read as a header, or None when it is not a statement's header."""
    try:
        return _columns(_header(line), None, "")
    except StatementError:
        return None


def _split_note(header: str) -> tuple[str, str]:
    """The header without a trailing note, and the note: "Cargos (CLP)" -> ("Cargos", "CLP")."""
    text = header.strip()
    match = _NOTE.match(text) or _CODE.match(text)
    return (match["base"], match["note"].strip()) if match else (text, "")


def _header_currency(header: list[str], columns: dict[str, int], file: str, *,
                     line: int) -> str:
    """The ISO code the money headers name ("Saldo (CLP)"), "" when none; two codes are an error."""
    notes = [_split_note(header[columns[field]])[1] for field in MONEY if field in columns]
    codes = {code for note in notes
             for code in [_SYMBOLS.get(note, note.upper())] if is_currency(code)}
    if len(codes) > 1:
        raise StatementError(file, line, "currency", _(
            "the headers name different currencies ({codes}); give the account's currency "
            "(--currency) and the columns to read (--map)", codes=", ".join(sorted(codes))))
    return codes.pop() if codes else ""


def _field_of(key: str) -> str | None:
    """The field a normalised header names: an exact spelling, else the longest leading one."""
    if key in OTHER:
        return None
    for field, spellings in PRESET.items():
        if key in spellings:
            return field
    leading = [(len(spelling), field) for field, spellings in PRESET.items()
               for spelling in spellings if key.startswith(spelling + " ")]
    return max(leading)[1] if leading else None


def _columns(header: list[str], mapping: Mapping[str, str] | None, file: str,
             line: int = 1) -> dict[str, int]:
    """Which position holds each field: the mapping first, then the preset's spellings."""
    normalised = [normalise_header(h) for h in header]
    keys = [normalise_header(_split_note(h)[0]) for h in header]
    found: dict[str, int] = {}
    for field, wanted in (mapping or {}).items():
        if field not in PRESET:
            raise StatementError(file, line, field, _(
                "--map: '{field}' is not a statement field; expected one of {fields}",
                field=field, fields=", ".join(FIELDS)))
        if normalise_header(wanted) not in normalised:
            raise StatementError(file, line, field, _(
                "--map: the file has no column '{header}'", header=wanted))
        found[field] = normalised.index(normalise_header(wanted))
    # Exact spellings first, so "Fecha" wins over a "Fecha Contable Banco" further along; among
    # exact ones the spelling the preset lists first, then the leftmost column.
    fields = [_field_of(key) for key in keys]
    exact = sorted((PRESET[named].index(key), i) for i, (key, named)
                   in enumerate(zip(keys, fields, strict=True))
                   if named is not None and key in PRESET[named])
    leading = [i for i, (key, named) in enumerate(zip(keys, fields, strict=True))
               if named is not None and key not in PRESET[named]]
    for i in [i for _rank, i in exact] + leading:
        named = fields[i]
        if named is not None and named not in found and i not in found.values():
            found[named] = i
    if "date" not in found and "value_date" in found:
        found["date"] = found.pop("value_date")  # the movement's only date
    if "date" not in found or not {"amount", "debit", "credit"} & found.keys():
        raise StatementError(file, line, "", _(
            "the header has no date and amount columns (such as Fecha and Monto, or Cargo and"
            " Abono); name them with --map date=HEADER --map amount=HEADER"))
    return found


def _table(file: str, header: list[str], rows: list[list[str]], columns: dict[str, int], *,
           first_line: int, delimiter: str, currency: str) -> tuple[Table, int]:
    """The rows as the ledger imports' Table (stripped strings, empty as null, line numbers),
    and how many rows were left out as not booked (pending, declined)."""
    data: dict[str, list[str | None]] = {field: [] for field in columns}
    lines: list[int] = []
    not_booked = 0
    date_at, status_at = columns.get("date"), columns.get("status")
    end = footer(rows, date_at)
    for offset, row in enumerate(rows[:end]):
        if not any(cell.strip() for cell in row) or summary(row, date_at):
            continue
        if status_at is not None and status_at < len(row) and normalise_header(
                row[status_at]) in NOT_BOOKED:
            not_booked += 1
            continue
        for field, i in columns.items():
            cell = _unguarded(row[i]) if i < len(row) else ""
            # A lone dash is how some banks (Banorte) leave a money cell empty.
            data[field].append(None if field in MONEY and cell in _DASHES else cell or None)
        lines.append(first_line + offset)
    frame = pl.DataFrame({**{f: pl.Series(f, v, dtype=pl.String) for f, v in data.items()},
                          LINE: pl.Series(LINE, lines, dtype=pl.Int64)})
    headers = {field: header[i] for field, i in columns.items()}
    cells: list[str] = (frame["currency"].drop_nulls().str.to_uppercase().to_list()
                        if "currency" in columns else [])
    codes = {c for c in [*cells, currency] if c}
    whole = bool(codes) and all(is_currency(c) and exponent(c) == 0 for c in codes)
    return Table(file, frame, headers, delimiter, "utf-8",
                 _decimal_comma(frame, delimiter, whole=whole)), not_booked


_DASHES = frozenset({"-", "\u2013", "\u2014"})


def _unguarded(cell: str) -> str:
    """A cell without spaces and the apostrophes Excel's text guard leaves ('01042026', '6550)."""
    text = cell.strip()
    return text.strip("'").strip() if text.startswith("'") else text


def _decimal_comma(frame: pl.DataFrame, delimiter: str, *, whole: bool) -> bool:
    """True when the amounts are written 1.234,50; a ";" file uses a comma unless they show not.

    `whole`: every currency of the file has no minor unit (CLP), so no mark can be decimal.
    """
    cells = [c for f in MONEY if f in frame.columns for c in frame[f].drop_nulls().to_list()]
    marks = {_decimal_mark(c, whole=whole) for c in cells} - {None}
    return "," in marks if len(marks) == 1 else delimiter == ";"


def _decimal_mark(cell: str, *, whole: bool) -> str | None:
    """The decimal mark a cell shows by itself ("," or "."), None when it shows neither."""
    digits = re.sub(r"[^\d.,]", "", cell)
    marks = [c for c in digits if c in ".,"]
    if not marks:
        return None
    last = marks[-1]
    other = "," if last == "." else "."
    if other in marks:
        return last  # 1,160.00 or 1.160,00: the last mark is the decimal one
    if len(marks) > 1:
        return other  # 1.160.000: a mark used twice groups thousands
    after = len(digits) - digits.rindex(last) - 1
    if after in (1, 2):
        return last
    # 12.990 is twelve thousand in a currency without decimals; elsewhere it could be either.
    return other if after == 3 and whole else None


def _lines(table: Table, columns: dict[str, int], currency: str, file: str) -> list[StatementLine]:
    """One line per row: signed amount (amount, or credit minus debit), dates and references."""
    frame = table.frame
    codes = frame["currency"].str.to_uppercase() if "currency" in columns else None
    codes = (codes.fill_null(currency) if codes is not None
             else pl.Series([currency] * frame.height, dtype=pl.String))
    for code, line in zip(codes.to_list(), frame[LINE].to_list(), strict=True):
        if not code or not is_currency(code):
            raise StatementError(file, line, table.header("currency"), _(
                "'{value}' is not an ISO 4217 currency code", value=code or ""))
    exponents = {c: exponent(c) for c in set(codes.to_list())}
    month_first = _month_first(frame["date"].drop_nulls().unique().to_list())
    dates, errors = parse_dates(table, "date", month_first=month_first)
    values, more = (parse_dates(table, "value_date", required=False, month_first=month_first)
                    if "value_date" in columns else (pl.Series([None] * frame.height), []))
    amounts = _amounts(table, columns, codes, exponents, errors)
    errors = sorted(errors + more, key=lambda e: e.line)
    if errors:
        first = errors[0]
        raise StatementError(file, first.line, first.column, first.message)
    if "balance" in columns:
        accounts = _accounts(table) if "account" in columns else [""] * frame.height
        _check_running_balance(table, list(zip(accounts, codes.to_list(), strict=True)), codes,
                               exponents, amounts, dates.to_list())
    out = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        code = codes[i]
        out.append(_line(row, dates[i], values[i], from_minor(amounts[i], code), code))
    return out


def _check_running_balance(table: Table, groups: list[tuple[str, str]],
                           codes: pl.Series, exponents: dict[str, int], amounts: list[int],
                           dates: list[date]) -> None:
    """Where every movement states the account's balance after it, the balances must follow
    from the amounts (the statement's balance check, DOMAIN.md aside: the bank's own sums).
    `groups` gives each row's account and currency: each has its own balances.

    Each movement's balance less its amount is the balance before it: another movement's
    balance or, once per group, the opening balance. That holds whatever the order of the rows
    (newest first, or the days newest first and each day's movements oldest first), and a
    misread amount, sign or decimal point breaks it: its balance before is no movement's
    balance. Without a stated opening balance, the first movement's amount is taken as
    written. A balance column that is partly empty or unreadable (some banks give the balance
    at the end of each day only) states nothing checkable, and is let be.
    """
    balances, unreadable = parse_amounts(table, "balance", codes, exponents=exponents,
                                         required=False, positive=False)
    if unreadable or balances.null_count():
        return
    # Per account and currency (`groups`): (position, balance before, balance after).
    rows: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for at, (group, after, amount) in enumerate(zip(groups, balances.to_list(), amounts,
                                                     strict=True)):
        rows.setdefault(group, []).append((at, after - amount, after))
    for movements in rows.values():
        unmatched = Counter(before for _at, before, _after in movements)
        unmatched.subtract(after for _at, _before, after in movements)
        if sum(n for n in unmatched.values() if n > 0) <= 1:
            continue
        # The opening balance is the balance before a movement of the first day; the others
        # left over are where the sums break: the latest of them is shown.
        loose = [at for at, before, _after in movements if unmatched[before] > 0]
        at = max(loose, key=lambda at: (dates[at], -at))
        line = table.frame[LINE][at]
        raise StatementError(table.file, line, table.header("balance"), _(
            "the balance {balance} less the amount {amount} is {before}, the balance of no "
            "other movement: the balances do not follow from the amounts (an amount misread, "
            "or movements missing from the file)",
            balance=_money(balances[at], codes[at]), amount=_money(amounts[at], codes[at]),
            before=_money(balances[at] - amounts[at], codes[at])))


def _money(minor: int, currency: str) -> str:
    return f"{minor_to_str(minor, currency)} {currency}"


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T].*)?$")


def _month_first(cells: list[str]) -> bool:
    """True when the dates are written MM/DD/YYYY, as banks in the United States write them.

    A day over 12 decides: in the first place the file is day-first, in the second month-first
    (both: day-first, and the others are refused with their lines). When no day is over 12 the
    reading whose dates span the shorter period wins, since an export covers days or weeks, not
    months apart (07/01..07/05/2026 is five days of July, not January to May); a tie is read
    day-first, as banks in Chile, Mexico and Spain write.
    """
    parts = [(int(m[1]), int(m[2]), int(m[3]) + (2000 if len(m[3]) == 2 else 0))
             for c in cells if (m := _NUMERIC_DATE.match(c))]
    if not parts:
        return False
    if any(first > 12 for first, _second, _year in parts):
        return False
    if any(second > 12 for _first, second, _year in parts):
        return True
    try:
        day_first = [date(year, b, a) for a, b, year in parts]
        month_first = [date(year, a, b) for a, b, year in parts]
    except ValueError:  # an impossible date, refused later with its line
        return False
    return (max(month_first) - min(month_first)) < (max(day_first) - min(day_first))


def _amounts(table: Table, columns: dict[str, int], codes: pl.Series,
             exponents: dict[str, int], errors: list[RowError]) -> list[int]:
    """Signed minor units: the amount column as written, else credit minus debit."""
    if "amount" in columns:
        amounts, found = parse_amounts(table, "amount", codes, exponents=exponents, positive=False)
        errors.extend(found)
        if "sign" not in columns:
            return [a or 0 for a in amounts.to_list()]
        signs = _signs(table, errors)
        return [(a or 0) if sign is None else sign * abs(a or 0)
                for a, sign in zip(amounts.to_list(), signs, strict=True)]
    total = [0] * table.frame.height
    for field, sign in (("credit", 1), ("debit", -1)):
        if field not in columns:
            continue
        values, found = parse_amounts(table, field, codes, exponents=exponents,
                                      required=False, positive=False)
        errors.extend(found)
        total = [t + sign * abs(v or 0) for t, v in zip(total, values.to_list(), strict=True)]
    # A dated row with neither a debit nor a credit is no movement: refused, never read as zero.
    sides = [f for f in ("debit", "credit") if f in columns]
    empty = table.frame.filter(pl.all_horizontal(pl.col(f).is_null() for f in sides))
    named = " / ".join(table.header(f) for f in sides)
    errors.extend(RowError(table.file, line, named, _(
        "missing value; expected an amount in {columns}", columns=named))
        for line in empty[LINE].to_list())
    return total


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


def _line(row: dict[str, Any], booked: date, value: date | None, amount: Decimal,
          currency: str) -> StatementLine:
    """One statement line from a row whose date and amount are parsed."""
    description, concept, reference = (row.get("description"), row.get("concept"),
                                       row.get("reference"))
    credit = amount > 0
    return StatementLine(
        booking_date=booked, value_date=value, amount=amount, currency=currency,
        counterparty_name=_side(row, "counterparty_name", "payee_name", credit=credit),
        counterparty_account=_side(row, "counterparty_account", "payee_account", credit=credit),
        counterparty_tax_id=_side(row, "counterparty_tax_id", "payee_tax_id", credit=credit),
        remittance=join([description, concept, reference]),
        creditor_reference=rf_reference(reference, description, concept),
        spei_reference=optional(row.get("spei_reference")),
        transaction_id=optional(row.get("transaction_id")), line=row[LINE])
