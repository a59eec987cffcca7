"""Import payments from CSV or XLSX files."""

from __future__ import annotations

import polars as pl
from sqlalchemy.orm import Session

from cobranza.importers.checks import (
    currencies,
    duplicates,
    exponents,
    required_text,
    resolve_customers,
)
from cobranza.importers.parsing import parse_amounts, parse_dates
from cobranza.importers.run import Prepared
from cobranza.importers.tabular import Table
from cobranza.invoices.targets import check_targets
from cobranza.models import Organisation, Payment

# Invoice lists are `;`-separated; `,` and `|` are accepted from files that use `;` as delimiter.
_LIST_SEPARATORS = r"[;,|]"


def prepare_payments(session: Session, table: Table, org: Organisation) -> Prepared:
    """Check every row of a payments file and put it in storage form."""
    frame = table.frame
    errors = [*required_text(table, "id"), *required_text(table, "customer_id"),
              *duplicates(table, "id")]
    customer, found = resolve_customers(session, table, org_id=org.id)
    errors += found
    cur, found = currencies(table)
    errors += found
    amount, found = parse_amounts(table, "amount", cur, exponents=exponents())
    errors += found
    day, found = parse_dates(table, "date")
    errors += found
    raw = (frame["invoice_numbers"] if "invoice_numbers" in frame.columns
           else pl.Series([None] * frame.height, dtype=pl.Utf8))
    targets = (raw.str.replace_all(_LIST_SEPARATORS, ";").str.split(";")
               .list.eval(pl.element().str.strip_chars().filter(pl.element() != "")))
    found, warnings = check_targets(session, table, org_id=org.id, column="invoice_numbers",
                                    targets=targets, customer=customer, currency=cur)
    errors += found
    joined = targets.list.join(";")
    out = pl.DataFrame({
        "code": frame["id"], "customer_id": customer, "date": day.cast(pl.Int64),
        "currency": cur, "amount": amount,
        "invoice_numbers": pl.select(pl.when(joined != "").then(joined)).to_series(),
        "reference": _text(frame, "reference"), "method": _text(frame, "method"),
    })
    return Prepared(model=Payment, key="code", frame=out,
                    columns=["customer_id", "date", "currency", "amount", "invoice_numbers",
                             "reference", "method"],
                    errors=errors, warnings=warnings)


def _text(frame: pl.DataFrame, column: str) -> pl.Series:
    if column in frame.columns:
        return frame[column]
    return pl.Series(column, [None] * frame.height, dtype=pl.Utf8)
