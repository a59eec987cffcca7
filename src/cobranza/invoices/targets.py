"""Check the invoices a payment or credit note names against the ledger."""

from __future__ import annotations

import polars as pl
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.i18n import _
from cobranza.importers.checks import error_at
from cobranza.importers.tabular import RowError, Table

_IN_LIST_LIMIT = 5_000


_SCHEMA = {"_target": pl.Utf8, "_inv_customer": pl.Int64, "_inv_currency": pl.Utf8}
_FETCH = 100_000


def _invoices(session: Session, *, org_id: int, numbers: list[str]) -> pl.DataFrame:
    conn = session.connection()
    sql = f"SELECT number, customer_id, currency FROM invoices WHERE org_id = {int(org_id)}"
    parts: list[pl.DataFrame] = []
    if len(numbers) > _IN_LIST_LIMIT:
        # Whole-ledger read, a slice at a time so a million invoices never sit as row objects.
        result = conn.exec_driver_sql(sql)
        while rows := result.fetchmany(_FETCH):
            parts.append(pl.DataFrame([tuple(r) for r in rows], orient="row", schema=_SCHEMA))
    else:
        mark = bulk.mark(conn)
        for start in range(0, len(numbers), 1000):
            part = numbers[start:start + 1000]
            rows = conn.exec_driver_sql(
                f"{sql} AND number IN ({', '.join([mark] * len(part))})", tuple(part)).all()
            parts.append(pl.DataFrame([tuple(r) for r in rows], orient="row", schema=_SCHEMA))
    return pl.concat(parts) if parts else pl.DataFrame(schema=_SCHEMA)

def check_targets(session: Session, table: Table, *, org_id: int, column: str,
                  targets: pl.Series, customer: pl.Series,
                  currency: pl.Series) -> tuple[list[RowError], list[str]]:
    """Errors for named invoices of another customer or currency; warnings for unknown ones.

    An invoice not imported yet is accepted: allocation is replayed when it arrives, so files
    can be imported in any order (DOMAIN.md).
    """
    rows = pl.DataFrame({"_line": table.frame["_line"], "_target": targets,
                         "_customer": customer, "_currency": currency}).explode("_target", empty_as_null=True)
    rows = rows.filter(pl.col("_target").is_not_null())
    if rows.is_empty():
        return [], []
    known = _invoices(session, org_id=org_id, numbers=rows["_target"].unique().to_list())
    joined = rows.join(known, on="_target", how="left")
    errors: list[RowError] = []
    other_customer = joined.filter(pl.col("_inv_customer").is_not_null()
                                   & (pl.col("_inv_customer") != pl.col("_customer")))
    errors += [error_at(table, line, column, _(
        "invoice {number} belongs to another customer; expected an invoice of this customer",
        number=number)) for line, number in other_customer.select("_line", "_target").iter_rows()]
    other_currency = joined.filter((pl.col("_inv_customer") == pl.col("_customer"))
                                   & (pl.col("_inv_currency") != pl.col("_currency")))
    errors += [error_at(table, line, column, _(
        "invoice {number} is in {invoice_currency}, not {currency}; expected an invoice in the "
        "same currency", number=number, invoice_currency=inv_cur, currency=cur))
        for line, number, inv_cur, cur in other_currency.select(
            "_line", "_target", "_inv_currency", "_currency").iter_rows()]
    unknown = joined.filter(pl.col("_inv_customer").is_null())
    warnings = [f"{table.file}:{line}: {table.header(column)}: " + _(
        "invoice {number} is not in the ledger yet; it will be settled when it is imported",
        number=number) for line, number in unknown.select("_line", "_target").iter_rows()]
    return errors, warnings
