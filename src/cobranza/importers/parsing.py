"""Parse a Table's text columns into dates, integer minor units and exact decimals, column-wise.

Every parser works on whole columns with polars expressions and returns the values together with
one `RowError` per bad cell, in line order. Money never passes through a float: amounts are built
from their digit strings as integers of minor units.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from cobranza.i18n import _
from cobranza.importers.tabular import LINE, RowError, Table

_RAW, _PROBLEM = "_raw", "_problem"
_CURRENCY_MARK = r"(?:[A-Za-z]{1,3}\$?|\$|€|£|¥)"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a midnight time exported with the date
_YMD = rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$"
_DMY = rf"^(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<y>\d{{4}}){_TIME}$"
# A single separator between 1-3 digits (no leading zero) and exactly three: 1.234 or 1,234 is a
# thousand and some in one convention, a little over one in the other.
_AMBIGUOUS = r"^[1-9]\d{0,2}[.,]\d{3}$"


def _raw(table: Table, column: str) -> pl.Expr:
    """The stripped text of `column` (all null when the file has no such column)."""
    if column in table.frame.columns:
        return pl.col(column)
    return pl.lit(None, dtype=pl.String)


def _located(
    table: Table, column: str, frame: pl.DataFrame, message: Callable[[dict[str, Any]], str]
) -> list[RowError]:
    """One RowError per row of `frame` whose `_problem` is set, worded by `message(row)`."""
    bad = frame.filter(pl.col(_PROBLEM).is_not_null())
    header = table.header(column)
    return [RowError(table.file, row[LINE], header, message(row))
            for row in bad.iter_rows(named=True)]


def parse_dates(
    table: Table, column: str, *, required: bool = True
) -> tuple[pl.Series, list[RowError]]:
    """Dates written YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY (also YYYY/MM/DD and DD.MM.YYYY)."""
    raw = _raw(table, column)
    ymd, dmy = raw.str.extract_groups(_YMD), raw.str.extract_groups(_DMY)
    parts = {p: pl.coalesce(ymd.struct.field(p), dmy.struct.field(p)) for p in "ymd"}
    iso = pl.concat_str(parts["y"], pl.lit("-"), parts["m"].str.zfill(2), pl.lit("-"),
                        parts["d"].str.zfill(2))
    # to_date leaves impossible dates (31-02-2026) null instead of rolling them over.
    value = iso.str.to_date("%Y-%m-%d", strict=False)
    problem = (pl.when(raw.is_null()).then(pl.lit("missing") if required else None)
               .when(value.is_null()).then(pl.lit("invalid")))
    frame = table.frame.select(LINE, raw.alias(_RAW), value.alias(column), problem.alias(_PROBLEM))

    return frame[column], _located(table, column, frame, _date_message)


def _date_message(row: dict[str, Any]) -> str:
    """The user's message for one bad date."""
    if row[_PROBLEM] == "missing":
        return _("missing value; expected a date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)")
    return _("'{value}' is not a date; expected YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY",
             value=row[_RAW])


def _number(raw: pl.Expr, *, decimal_comma: bool, suffix: str = "") -> dict[str, pl.Expr]:
    """Sign, integer digits and fraction digits of a written number, and whether it is one."""
    compact = raw.str.replace_all(r"[\s']", "")  # 1 234,50 and 1'234.50 group with marks
    mark = _CURRENCY_MARK
    groups = compact.str.extract_groups(
        rf"^{mark}?(?P<sign>[-+]?){mark}?(?P<num>\d[\d.,]*)(?:[A-Za-z]{{1,3}}|[$€£¥]{suffix})?$")
    num = groups.struct.field("num")
    last = num.str.extract(r"([.,])\d*$", 1)
    both = num.str.contains(".", literal=True) & num.str.contains(",", literal=True)
    repeated = pl.when(last == ".").then(num.str.count_matches(".", literal=True)).otherwise(
        num.str.count_matches(",", literal=True)) > 1
    # With both marks the last one is decimal; a mark used twice groups thousands; a lone mark
    # before exactly three digits follows the file's convention; any other lone mark is decimal.
    decimal = (pl.when(last.is_null() | (~both & repeated)).then(None)
               .when(both).then(last)
               .when(num.str.contains(_AMBIGUOUS) & (last != ("," if decimal_comma else ".")))
               .then(None)
               .otherwise(last))
    integer = pl.when(decimal.is_null()).then(num).otherwise(num.str.extract(r"^(.*)[.,]\d*$", 1))
    fraction = pl.when(decimal.is_null()).then(pl.lit("")).otherwise(
        num.str.extract(r"[.,](\d*)$", 1))
    separator = decimal.fill_null("")
    grouped = (integer.str.contains(r"^\d+$")
               | (integer.str.contains(r"^\d{1,3}(\.\d{3})+$") & (separator != "."))
               | (integer.str.contains(r"^\d{1,3}(,\d{3})+$") & (separator != ",")))
    return {
        "negative": groups.struct.field("sign") == "-",
        "digits": integer.str.replace_all(r"[.,]", ""),
        "fraction": fraction.str.strip_chars_end("0"),  # 5000.00 is a whole 5000
        "valid": num.is_not_null() & grouped.fill_null(False),
    }


def parse_amounts(
    table: Table, column: str, currency: pl.Series, *, exponents: Mapping[str, int],
    required: bool = True, positive: bool = True,
) -> tuple[pl.Series, list[RowError]]:
    """Amounts as Int64 minor units of each row's currency; unknown currency -> null, no error."""
    raw = _raw(table, column)
    code = pl.lit(currency.str.strip_chars().str.to_uppercase())
    exponent = code.replace_strict(dict(exponents), default=None, return_dtype=pl.Int64)
    n = _number(raw, decimal_comma=table.decimal_comma)
    padded = n["fraction"].str.pad_end(exponent.fill_null(0), "0")
    magnitude = pl.concat_str(n["digits"], padded).str.to_integer(strict=False)
    minor = pl.when(n["negative"]).then(-magnitude).otherwise(magnitude)
    problem = (pl.when(exponent.is_null()).then(None)
               .when(raw.is_null()).then(pl.lit("missing") if required else None)
               .when(~n["valid"]).then(pl.lit("invalid"))
               .when(n["fraction"].str.len_chars() > exponent).then(pl.lit("places"))
               .when(magnitude.is_null()).then(pl.lit("large"))
               .when(pl.lit(positive) & (minor <= 0)).then(pl.lit("positive")))
    frame = table.frame.select(
        LINE, raw.alias(_RAW), problem.alias(_PROBLEM), code.alias("_currency"),
        exponent.alias("_places"),
        pl.when(problem.is_null() & exponent.is_not_null()).then(minor).alias(column),
    )
    return frame[column], _located(table, column, frame, _amount_message)


def _amount_message(row: dict[str, Any]) -> str:
    """The user's message for one bad amount."""
    problem, value = row[_PROBLEM], row[_RAW]
    if problem == "missing":
        return _("missing value; expected an amount")
    if problem == "invalid":
        return _("'{value}' is not an amount; expected a number such as 1234, 1234.50 or 1.234,50",
                 value=value)
    if problem == "places":
        return _("'{value}' has more decimals than {currency} allows ({places})",
                 value=value, currency=row["_currency"], places=row["_places"])
    if problem == "large":
        return _("'{value}' is too large for an amount", value=value)
    return _("'{value}' must be greater than zero", value=value)


def parse_ints(
    table: Table, column: str, *, required: bool = False, minimum: int | None = 0
) -> tuple[pl.Series, list[RowError]]:
    """Whole numbers such as day counts, as Int64 (null where empty or wrong)."""
    raw = _raw(table, column)
    value = pl.when(raw.str.contains(r"^[-+]?\d+$")).then(raw.str.to_integer(strict=False))
    problem = (pl.when(raw.is_null()).then(pl.lit("missing") if required else None)
               .when(value.is_null()).then(pl.lit("invalid"))
               .when(pl.lit(minimum is not None) & (value < (minimum or 0))).then(pl.lit("low")))
    frame = table.frame.select(
        LINE, raw.alias(_RAW), problem.alias(_PROBLEM),
        pl.when(problem.is_null()).then(value).cast(pl.Int64).alias(column),
    )

    def message(row: dict[str, Any]) -> str:
        if row[_PROBLEM] == "missing":
            return _("missing value; expected a whole number")
        if row[_PROBLEM] == "invalid":
            return _("'{value}' is not a whole number; expected digits such as 30",
                     value=row[_RAW])
        return _("'{value}' must be at least {minimum}", value=row[_RAW], minimum=minimum)

    return frame[column], _located(table, column, frame, message)


def parse_decimals(
    table: Table, column: str, *, required: bool = False, minimum: Decimal | None = None,
    maximum: Decimal | None = None, max_places: int = 4,
) -> tuple[list[Decimal | None], list[RowError]]:
    """Exact decimals such as percentages ("24", "1,5", "2.5%"), None where empty or wrong."""
    raw = _raw(table, column)
    n = _number(raw, decimal_comma=table.decimal_comma, suffix="|%")
    frame = table.frame.select(
        LINE, raw.alias(_RAW), n["valid"].alias("_valid"), n["negative"].alias("_negative"),
        n["digits"].alias("_digits"), n["fraction"].alias("_fraction"),
    )
    if frame.select(pl.col(_RAW).is_null().all()).item() and not required:
        return [None] * frame.height, []  # an optional column the file leaves empty
    values: list[Decimal | None] = []
    errors: list[RowError] = []
    header = table.header(column)
    for row in frame.iter_rows(named=True):
        value, problem = _decimal(row, required, minimum, maximum, max_places)
        values.append(value)
        if problem is not None:
            errors.append(RowError(table.file, row[LINE], header, problem))
    return values, errors


def _decimal(
    row: dict[str, Any], required: bool, minimum: Decimal | None, maximum: Decimal | None,
    max_places: int,
) -> tuple[Decimal | None, str | None]:
    """The value of one cell of a decimal column, or the user's message for what is wrong."""
    text = row[_RAW]
    if text is None:
        return None, _("missing value; expected a number") if required else None
    if not row["_valid"]:
        return None, _("'{value}' is not a number; expected digits such as 24, 1.5 or 1,5",
                       value=text)
    if len(row["_fraction"]) > max_places:
        return None, _("'{value}' has more than {places} decimal places", value=text,
                       places=max_places)
    fraction = f".{row['_fraction']}" if row["_fraction"] else ""
    value = Decimal(f"{'-' if row['_negative'] else ''}{row['_digits']}{fraction}")
    if minimum is not None and value < minimum:
        return None, _("'{value}' must be at least {minimum}", value=text, minimum=minimum)
    if maximum is not None and value > maximum:
        return None, _("'{value}' must be at most {maximum}", value=text, maximum=maximum)
    return value, None
