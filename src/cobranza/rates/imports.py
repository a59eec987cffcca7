"""Import daily rates (UF, UDI, FX) from CSV or XLSX: code,date,value[,quote]."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.i18n import _
from cobranza.importers.checks import duplicates, error_at, required_text
from cobranza.importers.parsing import parse_dates, parse_decimals
from cobranza.importers.tabular import RowError, Table
from cobranza.models import Organisation, Rate

# UF and UDI are quoted with up to 6 decimals by Banco Central de Chile and Banxico.
RATE_PLACES = 6


@dataclass
class RatesPrepared:
    """Checked rates (code, quote, date, value text), or the errors found."""

    frame: pl.DataFrame
    errors: list[RowError]


def prepare_rates(table: Table, org: Organisation) -> RatesPrepared:
    """Check every row of a rates file; the value is kept exactly, as text."""
    frame = table.frame
    code = frame["code"].str.strip_chars().str.to_uppercase()
    quote = (frame["quote"].str.to_uppercase() if "quote" in frame.columns
             else pl.Series([None] * frame.height, dtype=pl.Utf8)).fill_null(org.base_currency)
    errors = [*required_text(table, "code")]
    day, found = parse_dates(table, "date")
    errors += found
    values, found = parse_decimals(table, "value", required=True, minimum=Decimal(0),
                                   max_places=RATE_PLACES)
    errors += found
    zero = [line for line, v in zip(frame["_line"], values, strict=True) if v == 0]
    errors += [error_at(table, line, "value", _("a rate must be greater than zero"))
               for line in zero]
    key = pl.concat_str([code, quote, day.cast(pl.Utf8)], separator="|", ignore_nulls=False)
    keyed = Table(table.file, frame.with_columns(key.alias("_key")),
                  {**table.headers, "_key": table.header("date")}, table.delimiter,
                  table.encoding, table.decimal_comma)
    errors += duplicates(keyed, "_key")
    out = pl.DataFrame({"code": code, "quote": quote, "date": day,
                        "value": [None if v is None else str(v) for v in values]})
    return RatesPrepared(frame=out, errors=errors)


def write_rates(session: Session, *, org: Organisation, frame: pl.DataFrame,
                dry_run: bool = False) -> tuple[int, int, int]:
    """Insert new daily values and correct changed ones; returns (new, updated, unchanged)."""
    existing = {(r.code, r.quote, r.date): r for r in session.scalars(
        select(Rate).where(Rate.org_id == org.id, Rate.code.in_(frame["code"].unique().to_list())))}
    new = updated = 0
    for code, quote, day, value in frame.iter_rows():
        row = existing.get((code, quote, day))
        if row is None:
            new += 1
            if not dry_run:
                session.add(Rate(org_id=org.id, code=code, quote=quote, date=day,
                                 value=Decimal(value)))
        elif row.value != Decimal(value):
            updated += 1
            if not dry_run:
                row.value = Decimal(value)
    session.flush()
    return new, updated, frame.height - new - updated


def rate_on(session: Session, *, org_id: int, code: str, quote: str, on: date) -> Decimal | None:
    """The value of `code` in `quote` on `on`: that day's, else the latest before it."""
    return session.scalars(select(Rate.value).where(
        Rate.org_id == org_id, Rate.code == code, Rate.quote == quote, Rate.date <= on)
        .order_by(Rate.date.desc()).limit(1)).first()
