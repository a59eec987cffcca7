"""Which rows of a bank's CSV or Excel export are no movements: the totals and balances banks
add above, among or below them, and closing blocks (a row of labels and a row of figures, a
section of daily balances). Cells are compared normalised: no accents, case or punctuation.
"""

from __future__ import annotations

import re

from cobranza.importers.columns import normalise_header
from cobranza.statements.formats._preset import NOT_BOOKED_SECTIONS

# Rows a bank adds above or below the movements: totals and balances, not transactions
# (matched on the cell without accents, case or punctuation). Deutsche Bank closes with
# "Kontostand;31.03.2026;;;3.486,01;EUR".
_SUMMARY = re.compile(
    r"^(?:totale?s?|sumas?|saldos?|(?:opening|closing|ending) balance|balance|kontostand)"
    r"(?: |$)")
# The whole of a cell that names a total or a balance, even on a row that carries a date
# ("31/03/2026;TOTALES;15990;20000"): "TOTAL VISION OPTICA" is a shop, not a total.
_LABEL = re.compile(
    r"^(?:sub ?)?(?:totale?s?|sumas?)(?: (?:cargos|abonos|debitos|creditos|depositos|retiros"
    r"|movimientos|general|del periodo|del mes))?$"
    r"|^saldos? (?:inicial|final|anterior|actual|disponible|contable|al cierre)(?: al [\d ]+)?$"
    r"|^(?:opening|closing|ending|starting|beginning|final|initial) balance(?: as of [\d ]+)?$"
    # Mercado Pago's RECORD_TYPE "initial_available_balance" (its release report).
    r"|^(?:(?:initial|final) )?available balance$")
# A row's label naming the opening balance that an export lists among its rows, its figure in
# the amount (or credit and debit) columns, and the total of all its rows, the opening balance
# included: Mercado Pago's release report ("initial_available_balance" ... "total"), whose
# total is the closing balance (`formats.csv._listed_balances`).
OPENING_ROW = re.compile(
    r"^(?:(?:opening|starting|beginning|initial) balance|initial available balance"
    r"|saldo (?:inicial|anterior))$")
TOTAL_ROW = re.compile(r"^(?:total|totales|total general)$")
SUBTOTAL_ROW = re.compile(r"^sub ?totale?s?$")
# The first words of a cell stating a balance, however the bank goes on ("SALDO AL 28/02/2026",
# "Saldo inicial del periodo", "Saldo día anterior", "Opening balance 01/03/2026").
_BALANCE = re.compile(
    r"^(?:saldos?|(?:opening|closing|ending|starting|beginning|final) balance)(?: |$)")
# A cell that looks like a date, to tell movements from the labels and figures of a footer.
_DATED = re.compile(r"^\s*(?:\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?|\d{8})\b")
def summary(row: list[str], date_at: int | None) -> bool:
    """True for a totals or balance row: no booking date and a cell that says what it is, or a
    cell that is nothing but such a label.

    A transaction whose description says "Total ..." still has its date, and is read (or refused
    with its line when the date is wrong).
    """
    if any(_LABEL.match(normalise_header(cell)) for cell in row):
        return True
    booked = row[date_at].strip() if date_at is not None and date_at < len(row) else ""
    if booked and not _SUMMARY.match(normalise_header(booked)):
        return False
    return any(_SUMMARY.match(normalise_header(cell)) for cell in row)


def balance_label(row: list[str]) -> bool:
    """True when a cell of the row begins with the words of a balance: on a row that moves no
    money, a balance the bank states among the movements, dated or not."""
    return any(_BALANCE.match(normalise_header(cell)) for cell in row)


def footer(rows: list[list[str]], date_at: int | None) -> int:
    """Where a closing block starts: a summary label in the date column (or, that cell empty, a
    row's first cell) with no dated row below.

    Banks close an export with a row of labels and a row of figures ("Saldo inicial;Total
    cargos" then "10,741,916.00;100,000.00"), or a section of daily balances under its title
    ("Saldos diarios", Santander Chile) whose dates stand in another column: no movements.
    """
    if date_at is None:
        return len(rows)
    cells = [row[date_at].strip() if date_at < len(row) else "" for row in rows]
    end = len(rows)
    for i in range(len(rows) - 1, -1, -1):
        if _DATED.match(cells[i]):
            break
        label = cells[i] or next((cell.strip() for cell in rows[i] if cell.strip()), "")
        if _SUMMARY.match(normalise_header(label)):
            end = i
    # The block's title above it ("Resumen del período"): one cell of words, no figure.
    while end > 0 and end < len(rows) and _title(rows[end - 1]):
        end -= 1
    return end


def _title(row: list[str]) -> bool:
    """True for an empty row or one holding a single cell of words and no figure."""
    filled = [cell.strip() for cell in row if cell.strip()]
    return not filled or (len(filled) == 1 and not any(c.isdigit() for c in filled[0]))


def sections(rows: list[list[str]]) -> list[bool]:
    """For each row, whether it stands in a section of rows not booked: below a title row
    ("Pending Transactions", `NOT_BOOKED_SECTIONS`) and above the next title ("Posted
    Transactions"). Read as movements, pending rows would come in again once booked."""
    pending, found = False, []
    for row in rows:
        if _title(row) and any(cell.strip() for cell in row):
            pending = normalise_header(next(c for c in row if c.strip())) in NOT_BOOKED_SECTIONS
        found.append(pending)
    return found
