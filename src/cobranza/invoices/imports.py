"""Import invoices and credit notes from CSV or XLSX files."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.terms import rate_to_scaled
from cobranza.i18n import _
from cobranza.importers.checks import document_rows, error_at, optional_text
from cobranza.importers.parsing import parse_dates, parse_decimals, parse_ints
from cobranza.importers.run import Prepared
from cobranza.importers.tabular import RowError, Table
from cobranza.invoices.targets import check_targets
from cobranza.models import CreditNote, Invoice, Organisation, PaymentTerms

INVOICE_COLUMNS = ["customer_id", "kind", "issue_date", "due_date", "currency", "amount",
                   "terms_id", "grace_days", "discount_pct_scaled", "discount_days",
                   "late_interest_scaled", "day_basis"]


def _days(series: pl.Series) -> pl.Series:
    """Dates as stored: whole days since 1970-01-01 (polars' own Date representation)."""
    return series.cast(pl.Int64)


def prepare_invoices(session: Session, table: Table, org: Organisation) -> Prepared:
    """Check every row of an invoices file and put it in storage form."""
    frame = table.frame
    rows = document_rows(session, table, org_id=org.id, key="number", date_column="issue_date")
    errors, issued = rows.errors, rows.day
    terms, found = _named_terms(session, table, org)
    errors += found
    has_terms = terms["net_days"].is_not_null()
    due_given = frame["due_date"].is_not_null() if "due_date" in frame.columns else has_terms
    due, found = parse_dates(table, "due_date", required=False) if "due_date" in frame.columns \
        else (pl.Series("due_date", [None] * frame.height, dtype=pl.Date), [])
    errors += found
    missing_due = frame.filter(~due_given & ~has_terms)
    errors += [error_at(table, line, "due_date", _("missing value; expected a due date, or "
                                                   "terms that give one"))
               for line in missing_due["_line"]]
    due = pl.DataFrame({"due": due, "issued": issued, "net": terms["net_days"]}).select(
        pl.coalesce("due", pl.col("issued") + pl.duration(days=pl.col("net")))).to_series()
    early = frame.with_columns(_i=issued, _d=due).filter(pl.col("_d") < pl.col("_i"))
    errors += [error_at(table, line, "due_date", _(
        "due date {due} is before the issue date {issued}; expected a due date on or after it",
        due=d, issued=i)) for line, i, d in early.select("_line", "_i", "_d").iter_rows()]
    inline, found = _inline_terms(table, terms)
    errors += found
    out = pl.DataFrame({
        "number": frame["number"], "customer_id": rows.customer, "kind": "invoice",
        "issue_date": _days(issued), "due_date": _days(due), "currency": rows.currency,
        "amount": rows.amount,
        "terms_id": terms["id"], **inline,
    })
    return Prepared(model=Invoice, key="number", frame=out, columns=INVOICE_COLUMNS,
                    errors=errors)


def _named_terms(session: Session, table: Table,
                 org: Organisation) -> tuple[pl.DataFrame, list[RowError]]:
    rows = session.execute(select(
        PaymentTerms.code, PaymentTerms.id, PaymentTerms.net_days, PaymentTerms.grace_days,
        PaymentTerms.discount_pct_scaled, PaymentTerms.discount_days,
        PaymentTerms.late_interest_scaled, PaymentTerms.day_basis,
    ).where(PaymentTerms.org_id == org.id)).all()
    named = pl.DataFrame(rows, orient="row", schema={
        "terms": pl.Utf8, "id": pl.Int64, "net_days": pl.Int64, "grace_days": pl.Int64,
        "discount_pct_scaled": pl.Int64, "discount_days": pl.Int64,
        "late_interest_scaled": pl.Int64, "day_basis": pl.Int64})
    codes = (table.frame.select("terms", "_line") if "terms" in table.frame.columns else
             table.frame.select(pl.lit(None, pl.Utf8).alias("terms"), "_line"))
    joined = codes.join(named, on="terms", how="left", maintain_order="left")
    unknown = joined.filter(pl.col("terms").is_not_null() & pl.col("id").is_null())
    errors = [error_at(table, line, "terms", _(
        "unknown terms '{value}'; expected the code of terms added with `cobranza terms add`",
        value=value)) for value, line in unknown.select("terms", "_line").iter_rows()]
    return joined, errors


def _inline_terms(table: Table, terms: pl.DataFrame) -> tuple[dict[str, pl.Series], list[RowError]]:
    """Inline term columns win over named terms; absent both, no grace, discount or interest."""
    errors: list[RowError] = []
    out: dict[str, pl.Series] = {}
    for column in ("grace_days", "discount_days"):
        values, found = parse_ints(table, column) if column in table.frame.columns else (
            pl.Series([None] * table.frame.height, dtype=pl.Int64), [])
        errors += found
        out[column] = values.fill_null(terms[column]).fill_null(0)
    for column, target, top in (("discount_pct", "discount_pct_scaled", Decimal(100)),
                                ("late_interest_annual_pct", "late_interest_scaled", None)):
        pcts: list[Decimal | None] = [None] * table.frame.height
        if column in table.frame.columns:
            pcts, found = parse_decimals(table, column, minimum=Decimal(0), maximum=top,
                                         max_places=4)
            errors += found
        scaled = pl.Series([rate_to_scaled(v) if v is not None else None for v in pcts],
                           dtype=pl.Int64)
        out[target] = scaled.fill_null(terms[target]).fill_null(0)
    out["day_basis"] = terms["day_basis"].fill_null(365)
    return out, errors


def prepare_credit_notes(session: Session, table: Table, org: Organisation) -> Prepared:
    """Check every row of a credit-notes file and put it in storage form."""
    frame = table.frame
    rows = document_rows(session, table, org_id=org.id, key="number", date_column="date")
    target = optional_text(frame, "invoice_number")
    as_list = pl.select(pl.when(target.is_not_null()).then(pl.concat_list(target))).to_series()
    found, warnings = check_targets(session, table, org_id=org.id, column="invoice_number",
                                    targets=as_list, customer=rows.customer,
                                    currency=rows.currency)
    errors = rows.errors + found
    out = pl.DataFrame({"number": frame["number"], "customer_id": rows.customer,
                        "invoice_number": target, "date": _days(rows.day),
                        "currency": rows.currency, "amount": rows.amount})
    return Prepared(model=CreditNote, key="number", frame=out,
                    columns=["customer_id", "invoice_number", "date", "currency", "amount"],
                    errors=errors, warnings=warnings)

