"""The balances and sums a CSV export lists as rows among its movements (`formats.csv`): an
opening balance, the subtotal of each section and the total of them all, as Mercado Pago's
release report writes them ("initial_available_balance", "subtotal", "total" in RECORD_TYPE).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from cobranza.core.money import exponent, from_minor
from cobranza.i18n import _
from cobranza.importers.columns import normalise_header
from cobranza.importers.parsing import parse_amounts
from cobranza.importers.tabular import LINE, Table
from cobranza.statements.formats._csv_amounts import refused
from cobranza.statements.formats._rows import OPENING_ROW, SUBTOTAL_ROW, TOTAL_ROW
from cobranza.statements.model import StatementError, StatementLine

_MONEY = ("amount", "charge", "debit", "credit")


def listed_balances(table: Table, rows: list[list[str]], row_lines: list[int],
                    columns: dict[str, int], currency: str, *,
                    movements: list[StatementLine]
                    ) -> tuple[Decimal | None, Decimal | None, int, str]:
    """The opening balance an export lists as a row among its movements, its figure in the
    amount (or credit and debit) columns (`_rows.OPENING_ROW`: Mercado Pago's
    "initial_available_balance"), and the closing balance its total row then states: the
    total of every row, the opening balance included (Mercado Pago's "total", the sum of its
    sections' subtotals); a total of the movements alone states the same closing balance.
    With its line and columns, for `checks.py` to hold the movements to it. Each section's
    subtotal is checked on the way (`_check_subtotals`)."""
    money = {f: i for f, i in columns.items() if f in _MONEY}
    found: dict[str, tuple[int, list[str]]] = {}
    subtotals: list[tuple[int, list[str]]] = []
    for row, line in zip(rows, row_lines, strict=True):
        if not any(i < len(row) and row[i].strip() for i in money.values()):
            continue
        labels = {normalise_header(cell) for cell in row}
        for kind, label in (("opening", OPENING_ROW), ("total", TOTAL_ROW)):
            if any(label.match(text) for text in labels):
                found.setdefault(kind, (line, row))
        if any(SUBTOTAL_ROW.match(text) for text in labels):
            subtotals.append((line, row))
    if "opening" not in found:
        return None, None, 0, ""
    _check_subtotals(table, subtotals, rows, row_lines, money, currency, movements)
    listed = [found[kind] for kind in ("opening", "total") if kind in found]
    amounts = _figures(table, listed, money, currency)
    opening = from_minor(amounts[0], currency)
    if len(amounts) == 1:
        return opening, None, 0, ""
    total = from_minor(amounts[1], currency)
    moved = sum((line.amount for line in movements), Decimal(0))
    closing = opening + total if total == moved and opening else total
    return opening, closing, listed[1][0], _named(table, money)


def _check_subtotals(table: Table, subtotals: list[tuple[int, list[str]]],
                     rows: list[list[str]], row_lines: list[int], money: dict[str, int],
                     currency: str, movements: list[StatementLine]) -> None:
    """Refuse a section's subtotal that its movements do not add up to: a subtotal row names
    its section in one other cell ("subtotal", "release" in Mercado Pago's DESCRIPTION), which
    each of the section's movements holds in a cell (its RECORD_TYPE "release"). One that names
    none, or a section no movement is in, is let be."""
    if not subtotals:
        return
    moved = {line.line: line.amount for line in movements}
    stated = _figures(table, subtotals, money, currency)
    for (line, row), figure in zip(subtotals, stated, strict=True):
        named = [(i, normalise_header(cell)) for i, cell in enumerate(row)
                 if cell.strip() and i not in money.values()
                 and not SUBTOTAL_ROW.match(normalise_header(cell))]
        if len(named) != 1:
            continue
        at, section = named[0]
        parts = [moved[n] for other, n in zip(rows, row_lines, strict=True)
                 if n in moved and any(normalise_header(cell) == section
                                       for i, cell in enumerate(other)
                                       if i not in money.values())]
        read = sum(parts, Decimal(0))
        if parts and read != from_minor(figure, currency):
            raise StatementError(table.file, line, _named(table, money), _(
                "the subtotal of {section} is {stated} {currency}, but its movements add up "
                "to {read} {currency}: they differ by {difference} {currency}",
                section=row[at].strip(), stated=from_minor(figure, currency), read=read,
                difference=from_minor(figure, currency) - read, currency=currency))


def _figures(table: Table, listed: list[tuple[int, list[str]]], money: dict[str, int],
             currency: str) -> list[int]:
    """Each listed row's figure in minor units: its amount, or credit less debit (a total's
    row states both sides at once, not one movement's side)."""
    lines = [line for line, _row in listed]
    data = {f: [row[i].strip() if i < len(row) else "" for _line, row in listed]
            for f, i in money.items()}
    figures = Table(table.file, pl.DataFrame({
        **{f: pl.Series(f, [c or None for c in v], dtype=pl.String) for f, v in data.items()},
        LINE: pl.Series(LINE, lines, dtype=pl.Int64)}),
        {f: table.header(f) for f in money}, table.delimiter, table.encoding,
        table.decimal_comma)
    amounts = [0] * len(lines)
    for field, sign in (("amount", 1), ("charge", -1), ("credit", 1), ("debit", -1)):
        if field not in money:
            continue
        values, errors = parse_amounts(figures, field, pl.Series([currency] * len(lines)),
                                       exponents={currency: exponent(currency)},
                                       required=False, positive=False)
        if errors:
            raise refused(errors)
        amounts = [a + sign * (abs(v or 0) if field in ("credit", "debit") else v or 0)
                   for a, v in zip(amounts, values.to_list(), strict=True)]
    return amounts


def _named(table: Table, money: dict[str, int]) -> str:
    """The headers of the money columns, as an error names them."""
    return " / ".join(table.header(f) for f in money)
