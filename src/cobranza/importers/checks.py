"""Row checks shared by the ledger imports: every bad cell becomes a located RowError."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.money import MINOR_UNITS
from cobranza.core.taxid import TAX_ID_PUNCTUATION
from cobranza.i18n import _
from cobranza.importers.parsing import parse_amounts, parse_dates
from cobranza.importers.tabular import RowError, Table
from cobranza.models import Customer


def error_at(table: Table, line: int, column: str, message: str) -> RowError:
    """A RowError naming the user's own header for `column`."""
    return RowError(table.file, line, table.headers.get(column, column), message)


def required_text(table: Table, column: str) -> list[RowError]:
    """An error for each empty cell of a required text column."""
    frame = table.frame
    if column not in frame.columns:
        return []
    missing = frame.filter(pl.col(column).is_null())["_line"].to_list()
    return [error_at(table, line, column, _("missing value; this column is required"))
            for line in missing]


def duplicates(table: Table, column: str) -> list[RowError]:
    """An error for every repeat of a key inside the file, naming the line it first appeared."""
    # Only the rows of repeated keys are grouped and joined: in a million-row file with no
    # repeat, grouping every key cost hundreds of MB for nothing.
    frame = table.frame.select(column, "_line").filter(
        pl.col(column).is_not_null() & pl.col(column).is_duplicated())
    first = frame.group_by(column).agg(pl.col("_line").min().alias("_first"))
    repeats = (frame.join(first, on=column).filter(pl.col("_line") != pl.col("_first"))
               .sort("_line"))
    return [error_at(table, line, column,
                     _("'{value}' appears more than once in this file (first on line {first}); "
                       "expected each key once", value=value, first=first_line))
            for value, line, first_line in repeats.iter_rows()]


def currencies(table: Table, column: str = "currency") -> tuple[pl.Series, list[RowError]]:
    """Upper-cased ISO 4217 codes, with an error for each unknown one."""
    codes = table.frame[column].str.strip_chars().str.to_uppercase()
    bad = table.frame.with_columns(codes.alias("_code")).filter(
        pl.col("_code").is_not_null() & ~pl.col("_code").is_in(list(MINOR_UNITS)))
    errors = [error_at(table, line, column,
                       _("unknown currency '{value}'; expected an ISO 4217 code such as CLP, "
                         "MXN or USD", value=value))
              for value, line in bad.select(column, "_line").iter_rows()]
    return codes, errors


def customer_index(session: Session, *, org_id: int) -> pl.DataFrame:
    """Every customer of the organisation: row id, code and tax-id lookup key."""
    rows = session.execute(select(Customer.id, Customer.code, Customer.tax_key)
                           .where(Customer.org_id == org_id)).all()
    return pl.DataFrame(rows, schema={"id": pl.Int64, "code": pl.Utf8, "tax_key": pl.Utf8},
                        orient="row")


def tax_keys(values: pl.Series) -> pl.Series:
    """Tax-id lookup keys of a whole column: upper case, punctuation removed (76.086.428-5 -> 760864285)."""
    return values.str.to_uppercase().str.replace_all(TAX_ID_PUNCTUATION, "")


def resolve_customers(session: Session, table: Table, *, org_id: int,
                      column: str = "customer_id") -> tuple[pl.Series, list[RowError]]:
    """Customer row ids for a column holding customer ids or tax ids (with or without dots)."""
    index = customer_index(session, org_id=org_id)
    by_code = index.select(pl.col("code").alias("_ref"), pl.col("id").alias("_by_code"))
    by_tax = (index.filter(pl.col("tax_key").is_not_null()).group_by("tax_key")
              .agg(pl.col("id").first().alias("_by_tax"), pl.len().alias("_n"))
              .rename({"tax_key": "_key"}))
    refs = table.frame.select(
        pl.col(column).alias("_ref"), "_line",
        tax_keys(table.frame[column]).alias("_key"),
    )
    joined = refs.join(by_code, on="_ref", how="left").join(by_tax, on="_key", how="left")
    ids = joined["_by_code"].fill_null(joined["_by_tax"]).alias("customer_ref")
    errors: list[RowError] = []
    unresolved = joined.filter(pl.col("_ref").is_not_null() & pl.col("_by_code").is_null()
                               & (pl.col("_n").is_null() | (pl.col("_n") > 1)))
    for ref, line, n in unresolved.select("_ref", "_line", "_n").iter_rows():
        if n is None:
            errors.append(error_at(table, line, column, _(
                "unknown customer '{value}'; expected the id or tax id of a customer already "
                "imported (import customers first)", value=ref)))
        else:
            errors.append(error_at(table, line, column, _(
                "tax id '{value}' belongs to several customers; use the customer id",
                value=ref)))
    return ids, errors


@dataclass
class DocumentRows:
    """The checks every ledger document file shares: key, customer, currency, amount, date."""

    customer: pl.Series  # customer row ids
    currency: pl.Series
    amount: pl.Series  # minor units
    day: pl.Series  # pl.Date
    errors: list[RowError]


def document_rows(session: Session, table: Table, *, org_id: int, key: str,
                  date_column: str) -> DocumentRows:
    """Check the columns shared by invoices, credit notes and payments, all at once."""
    errors = [*required_text(table, key), *required_text(table, "customer_id"),
              *duplicates(table, key)]
    customer, found = resolve_customers(session, table, org_id=org_id)
    errors += found
    cur, found = currencies(table)
    errors += found
    amount, found = parse_amounts(table, "amount", cur, exponents=MINOR_UNITS)
    errors += found
    day, found = parse_dates(table, date_column)
    errors += found
    return DocumentRows(customer, cur, amount, day, errors)


def optional_text(frame: pl.DataFrame, column: str) -> pl.Series:
    """The column's values, or all nulls when the file has no such column."""
    if column in frame.columns:
        return frame[column]
    return pl.Series(column, [None] * frame.height, dtype=pl.Utf8)
