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
# The time some systems append to a date, ignored: the date is the calendar day as written,
# never moved to UTC by an offset (Mercado Pago's ISO 8601 "2026-03-05T10:12:00.000-03:00").
_TIME = r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
_DATE_SHAPE = r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4})$"
_SHORT_YEAR = r"^\d{1,2}-\d{1,2}-\d{2}$"  # 02-03-26: the years 2000-2068 (chrono's %y)
# Months by name, in Spanish and English, whole or cut ("02-mar-2026", "2 de marzo de 2026",
# "Mar 2, 2026"): a date that names its month is read day-first, whatever the column's order.
_MONTHS = (("ene", "enero", "jan", "january"), ("feb", "febrero", "february"),
           ("mar", "marzo", "march"), ("abr", "abril", "apr", "april"), ("may", "mayo"),
           ("jun", "junio", "june"), ("jul", "julio", "july"), ("ago", "agosto", "aug", "august"),
           ("sep", "sept", "set", "septiembre", "setiembre", "september"),
           ("oct", "octubre", "october"), ("nov", "noviembre", "november"),
           ("dic", "diciembre", "dec", "december"))
_NAME_FIRST = r"^([a-z]+)-(\d{1,2})-(\d{2,4})$"  # "mar-2-2026", from "Mar 2, 2026"
_MONTH_NUMBERS = {name: f"{number:02d}" for number, names in enumerate(_MONTHS, start=1)
                  for name in names}
# Eight digits run together, as some banks' fixed-width exports write dates: YYYYMMDD first; a
# DDMMYYYY of the years 1900-2099 can never read as YYYYMMDD (its "month" would be 19 or 20).
_COMPACT = r"^\d{8}$"
# A currency written beside the amount: an ISO code (CLP), a dollar sign with or without letters
# (US$, R$, $) or a symbol; lower-case words are not currencies, so "12 abc" is no amount.
_MARK = r"(?:[A-Z]{3}|[A-Za-z]{0,3}\$|[€£¥])"
# A lone separator between 1-3 digits (no leading zero) and exactly three more: a thousand and
# some in one convention, a little over one in the other; the file's convention decides.
_AMBIGUOUS = r"^[1-9]\d{0,2}[.,]\d{3}$"


def names_a_month(word: str) -> bool:
    """True for a month's name in Spanish or English, whole or cut ("mar", "Abril")."""
    return word.lower() in _MONTH_NUMBERS


def _cells(table: Table, column: str) -> pl.LazyFrame:
    """Line and stripped text of `column` (all null when the file has no such column)."""
    raw = pl.col(column) if column in table.frame.columns else pl.lit(None, dtype=pl.String)
    return table.frame.lazy().select(LINE, raw.alias(_RAW))


def _located(
    table: Table, column: str, frame: pl.DataFrame, message: Callable[[dict[str, Any]], str]
) -> list[RowError]:
    """One RowError per row of `frame` whose `_problem` is set, worded by `message(row)`."""
    bad = frame.filter(pl.col(_PROBLEM).is_not_null())
    header = table.header(column)
    return [RowError(table.file, row[LINE], header, message(row))
            for row in bad.iter_rows(named=True)]


def _missing(required: bool) -> pl.Expr:
    """The problem of an empty cell: none unless the column is required."""
    return pl.lit("missing" if required else None, dtype=pl.String)


def parse_dates(
    table: Table, column: str, *, required: bool = True, month_first: bool = False
) -> tuple[pl.Series, list[RowError]]:
    """Dates written YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY (also YYYY/MM/DD, DD.MM.YYYY, YYYYMMDD,
    DD/MM/YY, and with the month's name in Spanish or English: 02-MAR-2026, 2 de marzo de 2026,
    Mar 2, 2026).

    `month_first`: the file writes MM/DD/YYYY (as banks in the United States do); the caller
    decides it for the whole column, so no date is read one way and its neighbour the other.
    """
    raw = table.frame[column] if column in table.frame.columns else pl.Series([], dtype=pl.String)
    # Most files write numbers only: months by name and two-digit years are looked for only in
    # a column that has them (a million dates: 0.35 s either way, 3.9 s through every step).
    by_name = bool(raw.str.contains(r"[A-Za-z]{3}").any())
    short_years = bool(raw.str.contains(r"^\s*\d{1,2}[-/. ]\d{1,2}[-/. ]\d{2}\s*$").any())
    text = pl.col(_RAW).str.replace(_TIME, "")
    named = pl.lit(False)
    if by_name:
        text = (text.str.strip_chars().str.to_lowercase().str.replace_all(r"[/.,\s]+", "-")
                .str.replace_all(r"-del?-", "-").str.replace(_NAME_FIRST, "${2}-${1}-${3}"))
        named = text.str.contains(r"[a-z]")
        parts = text.str.extract_groups(r"^(?P<d>\d{1,2})-(?P<m>[a-z]+)-(?P<y>\d{2,4})$")
        month = parts.struct.field("m").replace_strict(_MONTH_NUMBERS, default=None,
                                                       return_dtype=pl.String)
        text = pl.when(month.is_not_null()).then(pl.concat_str(
            parts.struct.field("d"), pl.lit("-"), month, pl.lit("-"),
            parts.struct.field("y"))).otherwise(text)
    else:
        text = text.str.replace_all(r"[/.\s]", "-")
    day, compact, short = (("%m-%d-%Y", "%m%d%Y", "%m-%d-%y") if month_first else
                           ("%d-%m-%Y", "%d%m%Y", "%d-%m-%y"))
    written = pl.col("_text")
    # The shape check keeps chrono from reading 01-03-26 as the year 1; to_date leaves impossible
    # dates (31-02-2026) null instead of rolling them over.
    value: pl.Expr = pl.when(written.str.contains(_DATE_SHAPE)).then(pl.coalesce(
        written.str.to_date("%Y-%m-%d", strict=False), written.str.to_date(day, strict=False)))
    if by_name:
        value = pl.when(pl.col("_named") & written.str.contains(_DATE_SHAPE)).then(
            written.str.to_date("%d-%m-%Y", strict=False)).when(
            pl.col("_named") & written.str.contains(_SHORT_YEAR)).then(
            written.str.to_date("%d-%m-%y", strict=False)).otherwise(value)
    if short_years:
        value = pl.when(written.str.contains(_SHORT_YEAR)).then(
            written.str.to_date(short, strict=False)).otherwise(value)
    value = pl.when(written.str.contains(_COMPACT)).then(pl.coalesce(
        written.str.to_date("%Y%m%d", strict=False),
        written.str.to_date(compact, strict=False))).otherwise(value)
    frame = (
        _cells(table, column).with_columns(text.alias("_text"), named.alias("_named"))
        .with_columns(value.alias(column))
        .with_columns(pl.when(pl.col(_RAW).is_null()).then(_missing(required))
                      .when(pl.col(column).is_null()).then(pl.lit("invalid")).alias(_PROBLEM))
        .collect()
    )
    return frame[column], _located(table, column, frame, _date_message)


def _date_message(row: dict[str, Any]) -> str:
    """The user's message for one bad date."""
    if row[_PROBLEM] == "missing":
        return _("missing value; expected a date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)")
    return _("'{value}' is not a date; expected YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY",
             value=row[_RAW])


def _with_number(cells: pl.LazyFrame, *, decimal_comma: bool, suffix: str = "") -> pl.LazyFrame:
    """Add `_negative`, `_digits`, `_fraction` (trailing zeros dropped, but for a lone mark
    before three digits) and `_valid` for `_raw`."""
    # Spaces and apostrophes may group thousands (1 234,50, 1'234.50); a currency may stand on
    # either side of the sign. Only whole-match tests and replaces are used: regex captures cost
    # several times more on a million cells.
    # A negative amount may also be written 1.234- (a trailing minus) or (1,234.56), as
    # accounting exports do; "\u2212" is the typographic minus sign.
    gap = r"[\s']*"
    shape = (rf"^{gap}(?:\({gap})?{_MARK}?{gap}[-+\u2212]?{gap}{_MARK}?{gap}\d[\d.,\s']*"
             rf"(?:{_MARK}{suffix})?{gap}-?{gap}\)?{gap}$")
    # One sign at most, and parentheses only as a pair: "-(5)" and "(5" are no amounts.
    signs = pl.col(_RAW).str.count_matches(r"[-\u2212(]")
    paired = (pl.col(_RAW).str.contains(r"^\s*\(") == pl.col(_RAW).str.contains(r"\)\s*$"))
    num, last = pl.col("_num"), pl.col("_last")
    dots, commas = num.str.count_matches(".", literal=True), num.str.count_matches(",", literal=True)
    # With both marks the last is decimal; a mark used twice groups thousands; a lone mark before
    # exactly three digits follows the file's convention; any other lone mark is decimal.
    decimal = (pl.when(last.is_null()).then(None)
               .when((dots > 0) & (commas > 0)).then(last)
               .when(pl.when(last == ".").then(dots).otherwise(commas) > 1).then(None)
               .when(num.str.contains(_AMBIGUOUS) & (last != ("," if decimal_comma else ".")))
               .then(None)
               .otherwise(last))
    integer, separator = pl.col("_integer"), pl.col("_decimal").fill_null("")
    grouped = (integer.str.contains(r"^\d+$")
               | (integer.str.contains(r"^\d{1,3}(\.\d{3})+$") & (separator != "."))
               | (integer.str.contains(r"^\d{1,3}(,\d{3})+$") & (separator != ",")))
    is_decimal = pl.col("_decimal").is_not_null()
    # polars recomputes a shared sub-expression at every use: one stage per intermediate column.
    return (
        cells.with_columns((pl.col(_RAW).str.contains(shape) & (signs <= 1) & paired)
                           .alias("_shaped"),
                           pl.col(_RAW).str.replace_all(r"[^\d.,]", "").alias("_num"),
                           pl.col(_RAW).str.contains(r"[-\u2212(]").alias("_negative"))
        .with_columns(pl.when(num.str.contains(r"\.\d*$")).then(pl.lit("."))
                      .when(num.str.contains(r",\d*$")).then(pl.lit(",")).alias("_last"))
        .with_columns(decimal.alias("_decimal"))
        .with_columns(
            pl.when(is_decimal).then(num.str.replace(r"[.,]\d*$", "")).otherwise(num)
            .alias("_integer"),
            # A lone mark before three digits read as decimal keeps its zeros: "1,500" in a
            # file with a decimal comma is 1.500, more decimals than MXN or CLP have, and is
            # refused; read as 1.5, a thousand and a half would pass as one and a half.
            pl.when(is_decimal & num.str.contains(_AMBIGUOUS))
            .then(num.str.replace(r"^[\d.,]*[.,]", ""))
            .when(is_decimal).then(num.str.replace(r"^[\d.,]*[.,]", "").str.strip_chars_end("0"))
            .otherwise(pl.lit("")).alias("_fraction"))
        .with_columns(integer.str.replace_all(r"[.,]", "").alias("_digits"),
                      (pl.col("_shaped") & grouped).fill_null(False).alias("_valid"))
        .drop("_shaped", "_num", "_last", "_decimal", "_integer")
    )


def parse_amounts(
    table: Table, column: str, currency: pl.Series, *, exponents: Mapping[str, int],
    required: bool = True, positive: bool = True,
) -> tuple[pl.Series, list[RowError]]:
    """Amounts as Int64 minor units of each row's currency; unknown currency -> null, no error."""
    code = currency.str.strip_chars().str.to_uppercase()
    cells = _cells(table, column).with_columns(
        code.alias("_currency"),
        code.replace_strict(dict(exponents), default=None, return_dtype=pl.Int64).alias("_places"))
    places, fraction = pl.col("_places"), pl.col("_fraction")
    # 12.5 MXN -> "12" + "50": the fraction padded to the currency's places, then one integer.
    magnitude = pl.concat_str(pl.col("_digits"), fraction.str.pad_end(places.fill_null(0), "0"))
    minor = pl.col("_magnitude") * pl.when(pl.col("_negative")).then(-1).otherwise(1)
    problem = (pl.when(places.is_null()).then(None)  # the caller reports the currency
               .when(pl.col(_RAW).is_null()).then(_missing(required))
               .when(~pl.col("_valid")).then(pl.lit("invalid"))
               .when(fraction.str.len_chars() > places).then(pl.lit("places"))
               .when(pl.col("_magnitude").is_null()).then(pl.lit("large"))
               .when(pl.lit(positive) & (minor <= 0)).then(pl.lit("positive")))
    frame = (
        _with_number(cells, decimal_comma=table.decimal_comma)
        .with_columns(magnitude.str.to_integer(strict=False).alias("_magnitude"))
        .with_columns(problem.alias(_PROBLEM))
        .with_columns(pl.when(pl.col(_PROBLEM).is_null() & places.is_not_null()).then(minor)
                      .cast(pl.Int64).alias(column))
        .collect()
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
    raw, value = pl.col(_RAW), pl.col("_value")
    too_low = pl.lit(False) if minimum is None else value < minimum
    frame = (
        _cells(table, column)
        .with_columns(pl.when(raw.str.contains(r"^[-+]?\d{1,18}$"))
                      .then(raw.str.to_integer(strict=False)).alias("_value"))
        .with_columns(pl.when(raw.is_null()).then(_missing(required))
                      .when(value.is_null()).then(pl.lit("invalid"))
                      .when(too_low).then(pl.lit("low")).alias(_PROBLEM))
        .with_columns(pl.when(pl.col(_PROBLEM).is_null()).then(value).cast(pl.Int64).alias(column))
        .collect()
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
    if not required and (column not in table.frame.columns
                         or table.frame[column].null_count() == table.frame.height):
        return [None] * table.frame.height, []  # an optional column the file leaves empty
    sign = pl.when(pl.col("_negative")).then(pl.lit("-")).otherwise(pl.lit(""))
    point = pl.when(pl.col("_fraction") != "").then(pl.lit(".")).otherwise(pl.lit(""))
    frame = (
        _with_number(_cells(table, column), decimal_comma=table.decimal_comma, suffix="|%")
        .with_columns(pl.when(pl.col("_valid")).then(pl.concat_str(
            sign, pl.col("_digits"), point, pl.col("_fraction"))).alias("_text"))
        .collect()
    )
    # Percentages repeat a handful of values: build each Decimal, and check its range, once.
    exact = {text: Decimal(text) for text in frame["_text"].drop_nulls().unique().to_list()}
    low = [t for t, d in exact.items() if minimum is not None and d < minimum]
    high = [t for t, d in exact.items() if maximum is not None and d > maximum]
    text = pl.col("_text")
    frame = frame.with_columns(
        pl.when(pl.col(_RAW).is_null()).then(_missing(required))
        .when(~pl.col("_valid")).then(pl.lit("invalid"))
        .when(pl.col("_fraction").str.len_chars() > max_places).then(pl.lit("places"))
        .when(text.is_in(low)).then(pl.lit("low"))
        .when(text.is_in(high)).then(pl.lit("high")).alias(_PROBLEM))
    texts = frame.select(pl.when(pl.col(_PROBLEM).is_null()).then(text)).to_series().to_list()
    values = [None if t is None else exact[t] for t in texts]

    def message(row: dict[str, Any]) -> str:
        return _decimal_message(row, minimum=minimum, maximum=maximum, max_places=max_places)

    return values, _located(table, column, frame, message)


def _decimal_message(row: dict[str, Any], *, minimum: Decimal | None,
                     maximum: Decimal | None, max_places: int) -> str:
    """The user's message for one bad decimal."""
    problem, value = row[_PROBLEM], row[_RAW]
    if problem == "missing":
        return _("missing value; expected a number")
    if problem == "invalid":
        return _("'{value}' is not a number; expected digits such as 24, 1.5 or 1,5", value=value)
    if problem == "places":
        return _("'{value}' has more than {places} decimal places", value=value,
                 places=max_places)
    if problem == "low":
        return _("'{value}' must be at least {minimum}", value=value, minimum=minimum)
    return _("'{value}' must be at most {maximum}", value=value, maximum=maximum)
