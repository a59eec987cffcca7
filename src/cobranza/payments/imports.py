"""Import payments from CSV or XLSX files."""

from __future__ import annotations

import polars as pl
from sqlalchemy.orm import Session

from cobranza.importers.checks import document_rows, optional_text
from cobranza.importers.run import Prepared
from cobranza.importers.tabular import Table
from cobranza.invoices.targets import check_targets
from cobranza.models import Organisation, Payment

# Invoice lists are `;`-separated; `,` and `|` are accepted from files that use `;` as delimiter.
_LIST_SEPARATORS = r"[;,|]"


def prepare_payments(session: Session, table: Table, org: Organisation) -> Prepared:
    """Check every row of a payments file and put it in storage form."""
    frame = table.frame
    rows = document_rows(session, table, org_id=org.id, key="id", date_column="date")
    raw = optional_text(frame, "invoice_numbers")
    targets = (raw.str.replace_all(_LIST_SEPARATORS, ";").str.split(";")
               .list.eval(pl.element().str.strip_chars().filter(pl.element() != "")))
    found, warnings = check_targets(session, table, org_id=org.id, column="invoice_numbers",
                                    targets=targets, customer=rows.customer,
                                    currency=rows.currency)
    errors = rows.errors + found
    joined = targets.list.join(";")
    out = pl.DataFrame({
        "code": frame["id"], "customer_id": rows.customer, "date": rows.day.cast(pl.Int64),
        "currency": rows.currency, "amount": rows.amount,
        "invoice_numbers": pl.select(pl.when(joined != "").then(joined)).to_series(),
        "reference": optional_text(frame, "reference"), "method": optional_text(frame, "method"),
    })
    return Prepared(model=Payment, key="code", frame=out,
                    columns=["customer_id", "date", "currency", "amount", "invoice_numbers",
                             "reference", "method"],
                    errors=errors, warnings=warnings)

