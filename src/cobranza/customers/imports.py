"""Import customers from a CSV or XLSX file (canonical or Spanish headers)."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

import polars as pl
from sqlalchemy.orm import Session

from cobranza.core.money import exponent
from cobranza.core.taxid import InvalidTaxId, expected_format, normalise
from cobranza.i18n import _, normalise_language
from cobranza.importers.checks import duplicates, error_at, required_text, tax_keys
from cobranza.importers.parsing import parse_amounts
from cobranza.importers.run import Prepared
from cobranza.importers.tabular import RowError, Table
from cobranza.models import Customer, Organisation

CHANNELS = {
    "email": "email", "e-mail": "email", "correo": "email", "mail": "email",
    "sms": "sms", "whatsapp": "whatsapp", "wsp": "whatsapp",
    "letter": "letter", "carta": "letter", "call": "call", "llamada": "call",
    "telefono": "call", "phone": "call", "visit": "visit", "visita": "visit",
}
_EMAIL = r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$"
_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
TEXT_COLUMNS = ("phone", "whatsapp", "segment", "preferred_payment_method", "collector")


def prepare(session: Session, table: Table, org: Organisation) -> Prepared:
    """Check every row of a customers file and put it in storage form."""
    frame = table.frame
    if "id" not in frame.columns and "tax_id" in frame.columns:
        frame = frame.with_columns(pl.col("tax_id").alias("id"))
        table = Table(table.file, frame, {**table.headers, "id": table.header("tax_id")},
                      table.delimiter, table.encoding, table.decimal_comma)
    errors = [*required_text(table, "id"), *required_text(table, "name"),
              *duplicates(table, "id")]
    out = frame.select(pl.col("id").alias("code"), pl.col("name"))
    columns = ["name"]
    country = (frame["country"].str.to_uppercase() if "country" in frame.columns
               else pl.Series("country", [None] * frame.height, dtype=pl.Utf8))
    errors += _check_countries(table, country)
    if "tax_id" in frame.columns:
        tax, tax_errors = _tax_ids(table, country.fill_null(org.country))
        errors += tax_errors
        out = out.with_columns(tax_id=tax, tax_key=tax_keys(tax))
        if "id" not in table.frame.columns:  # the tax id is the customer id
            out = out.with_columns(code=tax.fill_null(pl.col("code")))
        columns += ["tax_id", "tax_key"]
    for column, check in (("email", _emails), ("language", _languages),
                          ("timezone", _timezones), ("preferred_channel", _channels),
                          ("contact_hours", _hours)):
        if column in frame.columns:
            values, found = check(table, column)
            errors += found
            out = out.with_columns(values.alias(column))
            columns.append(column)
    if "country" in frame.columns:
        out = out.with_columns(country=country)
        columns.append("country")
    for column in TEXT_COLUMNS:
        if column in frame.columns:
            out = out.with_columns(frame[column].alias(column))
            columns.append(column)
    if "credit_limit" in frame.columns:
        base = pl.Series([org.base_currency] * frame.height, dtype=pl.Utf8)
        limit, found = parse_amounts(table, "credit_limit", base, exponents={
            org.base_currency: exponent(org.base_currency)}, required=False, positive=False)
        errors += found
        out = out.with_columns(limit.alias("credit_limit"))
        columns.append("credit_limit")
    return Prepared(model=Customer, key="code", frame=out, columns=columns, errors=errors,
                    replay=False)


def _check_countries(table: Table, country: pl.Series) -> list[RowError]:
    bad = table.frame.with_columns(country.alias("_c")).filter(
        pl.col("_c").is_not_null() & ~pl.col("_c").str.contains(r"^[A-Z]{2}$"))
    return [error_at(table, line, "country",
                     _("'{value}' is not a country; expected a two-letter ISO code such as CL "
                       "or MX", value=value)) for value, line in bad.select("_c", "_line").iter_rows()]


def _tax_ids(table: Table, country: pl.Series) -> tuple[pl.Series, list[RowError]]:
    values: list[str | None] = []
    errors: list[RowError] = []
    rows = zip(table.frame["tax_id"].to_list(), country.to_list(),
               table.frame["_line"].to_list(), strict=True)
    for raw, code, line in rows:
        if raw is None:
            values.append(None)
            continue
        try:
            values.append(normalise(raw, country=code))
        except InvalidTaxId:
            what = "RUT" if code == "CL" else "RFC"
            errors.append(error_at(table, line, "tax_id", _(
                "'{value}' is not a valid {what}; expected {expected}", value=raw, what=what,
                expected=_(expected_format(code)))))
            values.append(None)
    return pl.Series("tax_id", values, dtype=pl.Utf8), errors


def _invalid(table: Table, column: str, values: pl.Series, message: str) -> list[RowError]:
    frame = table.frame.with_columns(values.alias("_v"))
    bad = frame.filter(pl.col(column).is_not_null() & pl.col("_v").is_null())
    return [error_at(table, line, column, _(message, value=value))
            for value, line in bad.select(column, "_line").iter_rows()]


def _emails(table: Table, column: str) -> tuple[pl.Series, list[RowError]]:
    raw = table.frame[column].str.to_lowercase()
    ok = raw.str.split(";").list.eval(pl.element().str.strip_chars().str.contains(_EMAIL)).list.all()
    values = pl.select(pl.when(ok).then(raw.str.replace_all(r"\s", ""))).to_series()
    return values, _invalid(table, column, values,
                            "'{value}' is not an e-mail address; expected name@domain.cl")


def _languages(table: Table, column: str) -> tuple[pl.Series, list[RowError]]:
    values = table.frame[column].map_elements(normalise_language, return_dtype=pl.Utf8)
    return values, _invalid(table, column, values,
                            "'{value}' is not a supported language; expected es or en")


def _timezones(table: Table, column: str) -> tuple[pl.Series, list[RowError]]:
    raw = table.frame[column]
    values = pl.select(pl.when(raw.is_in(sorted(available_timezones()))).then(raw)).to_series()
    return values, _invalid(table, column, values,
                            "unknown time zone '{value}'; expected an IANA name such as "
                            "America/Santiago")


def _channels(table: Table, column: str) -> tuple[pl.Series, list[RowError]]:
    values = table.frame[column].str.to_lowercase().replace_strict(CHANNELS, default=None)
    return values, _invalid(table, column, values,
                            "'{value}' is not a channel; expected email, sms, whatsapp, letter, "
                            "call or visit")


def _hours(table: Table, column: str) -> tuple[pl.Series, list[RowError]]:
    raw = table.frame[column].str.replace_all(r"\s", "")
    values = pl.select(pl.when(raw.str.contains(_HOURS.pattern)).then(raw)).to_series()
    return values, _invalid(table, column, values,
                            "'{value}' are not contact hours; expected HH:MM-HH:MM, e.g. "
                            "09:00-18:00")
