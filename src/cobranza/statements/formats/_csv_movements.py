"""One statement line per row of a CSV export (`formats.csv`): its dates, signed amount and
the words that name the other party and the payment.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from cobranza.core.money import exponent, from_minor, is_currency
from cobranza.i18n import _
from cobranza.importers.columns import normalise_header
from cobranza.importers.parsing import parse_dates
from cobranza.importers.tabular import LINE, RowError, Table
from cobranza.statements.formats._balances import check_running_balance
from cobranza.statements.formats._cells import ambiguous_date, month_first
from cobranza.statements.formats._columns import MORE
from cobranza.statements.formats._csv_amounts import (
    other_currency,
    refused,
    signed_amounts,
    unconfirmed_fee,
)
from cobranza.statements.formats._csv_table import accounts
from cobranza.statements.formats._labelled import counterparty, spei_trace
from cobranza.statements.formats._preset import SIDE_WORDS
from cobranza.statements.formats._text import (
    clean,
    join,
    optional,
    party_in,
    rf_reference,
    tax_id_in,
)
from cobranza.statements.model import StatementLine


def movements(table: Table, columns: dict[str, int], currency: str, file: str, *,
              order: bool | None = None) -> tuple[list[StatementLine], bool]:
    """One line per row: signed amount (amount, or credit minus debit), dates and references;
    and whether a running balance on every row was checked. `order`: True when the dates are
    month-first, False day-first (given, or the layout's), None as the dates show."""
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
        unknown = other_currency(table, codes)
        if unknown:
            raise refused(unknown)
    exponents = {c: exponent(c) for c in set(codes.to_list())}
    # Amounts written 1.234,50 (or CLP's 1.250) come from no bank in the United States: their
    # dates are day-first unless a day over 12 in second place says otherwise.
    written = frame["date"].drop_nulls().unique().to_list() + (
        frame["value_date"].drop_nulls().unique().to_list() if "value_date" in columns else [])
    us_order = order if order is not None else month_first(
        written, by_span=not table.decimal_comma)
    undecided = us_order is None and _english(table.header("date"))
    dates, errors = parse_dates(table, "date", month_first=bool(us_order))
    values, more = (parse_dates(table, "value_date", required=False, month_first=bool(us_order))
                    if "value_date" in columns else (pl.Series([None] * frame.height), []))
    amounts = signed_amounts(table, columns, codes, exponents, errors)
    if undecided:
        errors.append(_undecided(table, written))
    if errors or more:
        raise refused(errors + more)
    checked = False
    if "balance" in columns:
        owners = accounts(table) if "account" in columns else [""] * frame.height
        checked = check_running_balance(table, list(zip(owners, codes.to_list(), strict=True)),
                                        codes, exponents, amounts, dates.to_list())
    if "fee" in columns and not checked:
        unconfirmed_fee(table)
    out = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        code = codes[i]
        out.append(_line(row, dates[i], values[i], from_minor(amounts[i], code), code))
    return out, checked


def _english(header: str) -> bool:
    """True for a date header in English, as banks in the United States write it ("Posting
    Date"). Dates that read either way under a header in another language ("Fecha", "Data",
    "Buchungstag") are day-first: no bank in the United States writes those headers."""
    return set(normalise_header(header).split()) <= _ENGLISH_DATE_WORDS


_ENGLISH_DATE_WORDS = frozenset({"date", "booking", "booked", "at", "transaction", "trans",
                                 "posting", "posted", "post", "completed", "release", "created",
                                 "settlement", "operation", "value", "effective"})


def _undecided(table: Table, written: list[str]) -> RowError:
    """The refusal of dates that read either way, located at the first such date: a guess
    would file a payment a month away from its day, silently."""
    cell = ambiguous_date(written) or written[0]
    field = "date" if cell in table.frame["date"].to_list() else "value_date"
    line = table.frame.filter(pl.col(field) == cell)[LINE][0]
    return RowError(table.file, line, table.header(field), _(
        "'{value}' could be day first or month first, and no date of the file says which; "
        "give the order with --date-order DMY (day first) or --date-order MDY (month first)",
        value=cell))


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
