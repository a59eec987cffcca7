"""The signed amount of each row of a CSV export (`formats.csv`): an amount column (signed by
a sign column, less a fee), or credit minus debit; and the refusal of every bad cell at once.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from cobranza.i18n import _
from cobranza.importers.columns import normalise_header
from cobranza.importers.parsing import parse_amounts
from cobranza.importers.tabular import LINE, RowError, Table
from cobranza.statements.formats._cells import written_currency
from cobranza.statements.formats._columns import MONEY
from cobranza.statements.formats._preset import (
    CREDIT_MARKS,
    DEBIT_MARKS,
)
from cobranza.statements.model import StatementError


def refused(errors: list[RowError]) -> StatementError:
    """Every bad cell as one refusal, in the file's order (the first, with the rest after)."""
    located = [StatementError(e.file, e.line, e.column, e.message)
               for e in sorted(errors, key=lambda e: e.line)]
    return replace(located[0], more=located[1:])


def signed_amounts(table: Table, columns: dict[str, int], codes: pl.Series,
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


def unconfirmed_fee(table: Table) -> None:
    """Refuse a fee taken from an amount that no running balance confirms: without a net, the
    file does not say whether its amount is before the fee (Revolut's, whose balance shows it)
    or after it, nor that the fee is in the amount's currency (Stripe's list of payments)."""
    charged = table.frame.filter(pl.col("fee").str.contains(r"[1-9]"))
    if charged.height:
        raise StatementError(table.file, charged[LINE][0], table.header("fee"), _(
            "a fee beside the amount, and no net or running balance: what reached the account "
            "is not stated; export the file with its net or balance column, or name the column "
            "that moved the account (--map amount=HEADER)"))


def other_currency(table: Table, codes: pl.Series) -> list[RowError]:
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
