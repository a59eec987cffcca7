"""Parsing cells into dates, minor units and decimals, with an error per bad cell in line order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cobranza.core.money import MINOR_UNITS
from cobranza.i18n import language
from cobranza.importers.parsing import parse_amounts, parse_dates, parse_decimals, parse_ints
from cobranza.importers.tabular import Table, read_table


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English unless a test asks for Spanish (the product's default)."""
    with language("en"):
        yield


def table(column: str, values: Sequence[str | None], *, decimal_comma: bool = False,
          header: str | None = None) -> Table:
    """A table whose `column` holds `values` on lines 2, 3, ... under the user's `header`."""
    frame = pl.DataFrame({column: pl.Series(values, dtype=pl.String),
                          "_line": pl.Series(range(2, 2 + len(values)), dtype=pl.Int64)})
    return Table("in.csv", frame, {column: header or column}, ",", "utf-8", decimal_comma)


def amounts(values: Sequence[str | None], currency: str | list[str | None], *,
            decimal_comma: bool = False, **kwargs: bool) -> tuple[list[int | None], list[str]]:
    codes = currency if isinstance(currency, list) else [currency] * len(values)
    parsed, errors = parse_amounts(table("amount", values, decimal_comma=decimal_comma,
                                         header="Monto"),
                                   "amount", pl.Series(codes, dtype=pl.String),
                                   exponents=MINOR_UNITS, **kwargs)
    assert parsed.dtype == pl.Int64
    return parsed.to_list(), [str(e) for e in errors]


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "2026-03-01", "01-03-2026", "01/03/2026", "2026/03/01", "01.03.2026", "1/3/2026",
    "2026-03-01 00:00:00", "2026-03-01T00:00",
    # ISO 8601 with an offset (Mercado Pago): the calendar day as written, not moved to UTC.
    "2026-03-01T23:30:00.000-03:00", "2026-03-01T00:10:00+0100", "2026-03-01T23:59:59Z",
])
def test_dates_in_every_accepted_form(written: str) -> None:
    values, errors = parse_dates(table("issue_date", [written]), "issue_date")
    assert (values.to_list(), errors) == ([date(2026, 3, 1)], [])
    assert values.dtype == pl.Date


@pytest.mark.parametrize("written", [
    "01-mar-2026", "01/MAR/2026", "1 Mar 2026", "1 mar. 2026", "01-Mar-26", "1 de marzo de 2026",
    "Mar 1, 2026", "March 1 2026", "1 marzo 2026", "01/03/26", "01.03.26",
])
def test_dates_with_the_months_name_or_a_two_digit_year(written: str) -> None:
    values, errors = parse_dates(table("issue_date", [written]), "issue_date")
    assert (values.to_list(), errors) == ([date(2026, 3, 1)], [])


def test_month_names_in_spanish_and_english_read_day_first_in_any_column() -> None:
    written = ["15-ene-2026", "15-Jan-2026", "1-ago-2026", "1 Aug 2026", "30-sept-2026",
               "7 dic 2026", "Dec 7, 2026", "03/04/2026"]
    values, errors = parse_dates(table("date", written), "date", month_first=True)
    assert errors == []
    assert values.to_list() == [date(2026, 1, 15), date(2026, 1, 15), date(2026, 8, 1),
                                date(2026, 8, 1), date(2026, 9, 30), date(2026, 12, 7),
                                date(2026, 12, 7), date(2026, 3, 4)]


def test_impossible_and_malformed_dates_are_errors_naming_the_users_header() -> None:
    written = ["31-02-2026", "2026-13-01", "03/31/2026", "45678", "1 de marzo", "26-03-1",
               "2026-03-01 later", "02-foo-2026", "31 feb 2026"]
    values, errors = parse_dates(table("due_date", written, header="Vencimiento"), "due_date")
    assert values.to_list() == [None] * len(written)
    assert [(e.line, e.column) for e in errors] == [(n, "Vencimiento") for n in range(2, 11)]
    assert str(errors[0]) == ("in.csv:2: Vencimiento: '31-02-2026' is not a date; expected "
                              "YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")
    with language("es"):
        _values, spanish = parse_dates(table("due_date", written[:1]), "due_date")
    assert spanish[0].message == ("'31-02-2026' no es una fecha; se esperaba AAAA-MM-DD, "
                                  "DD-MM-AAAA o DD/MM/AAAA")


def test_an_empty_date_is_an_error_only_when_required() -> None:
    cells = table("date", ["2026-01-05", None])
    assert [e.line for e in parse_dates(cells, "date")[1]] == [3]
    values, errors = parse_dates(cells, "date", required=False)
    assert (values.to_list(), errors) == ([date(2026, 1, 5), None], [])


def test_a_column_the_file_lacks_parses_as_empty() -> None:
    cells = table("number", ["1", "2"])
    values, errors = parse_dates(cells, "due_date", required=False)
    assert (values.to_list(), errors) == ([None, None], [])
    assert [(e.line, e.column) for e in parse_dates(cells, "due_date")[1]] == [
        (2, "due_date"), (3, "due_date")]


# Amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "currency", "minor"), [
    ("1234", "CLP", 1234),
    ("1234.50", "MXN", 123450),
    ("1.234.567,50", "MXN", 123456750),
    ("1,234,567.50", "MXN", 123456750),
    ("1234,5", "MXN", 123450),
    ("$ 1.234.567", "CLP", 1234567),
    ("CLP 1,234", "CLP", 1234),
    (" 1 234,50 ", "EUR", 123450),
    ("1\u00a0234,50", "EUR", 123450),
    ("US$ 12.5", "USD", 1250),
    ("5000.00", "CLP", 5000),
    ("0,5", "USD", 50),
    ("1.5", "UDI", 1500000),
    ("12.3456", "CLF", 123456),
    ("007", "CLP", 7),
])
def test_amounts_become_minor_units_of_their_currency(written: str, currency: str,
                                                      minor: int) -> None:
    assert amounts([written], currency) == ([minor], [])


def test_a_lone_mark_before_three_digits_follows_the_files_convention() -> None:
    assert amounts(["1.234", "1,234", "1.5", "12.345.678"], "CLF", decimal_comma=True) == (
        [12340000, 12340, 15000, 123456780000], [])
    assert amounts(["1.234", "1,234", "1.5", "12,345,678"], "CLF", decimal_comma=False) == (
        [12340, 12340000, 15000, 123456780000], [])


def test_bad_amounts_say_what_is_wrong_and_what_was_expected() -> None:
    written = ["abc", None, "0", "-5", "5000.5", "12,34.5", "1.234,567,8",
               "99999999999999999999", "1.234", "12 abc", "1-2", "5%"]
    parsed, errors = amounts(written, "CLP")
    assert parsed == [None] * len(written)
    assert errors == [
        "in.csv:2: Monto: 'abc' is not an amount; expected a number such as 1234, 1234.50 or "
        "1.234,50",
        "in.csv:3: Monto: missing value; expected an amount",
        "in.csv:4: Monto: '0' must be greater than zero",
        "in.csv:5: Monto: '-5' must be greater than zero",
        "in.csv:6: Monto: '5000.5' has more decimals than CLP allows (0)",
        "in.csv:7: Monto: '12,34.5' is not an amount; expected a number such as 1234, 1234.50 "
        "or 1.234,50",
        "in.csv:8: Monto: '1.234,567,8' is not an amount; expected a number such as 1234, "
        "1234.50 or 1.234,50",
        "in.csv:9: Monto: '99999999999999999999' is too large for an amount",
        "in.csv:10: Monto: '1.234' has more decimals than CLP allows (0)",
        *(f"in.csv:{line}: Monto: '{value}' is not an amount; expected a number such as 1234, "
          "1234.50 or 1.234,50" for line, value in [(11, "12 abc"), (12, "1-2"), (13, "5%")]),
    ]


def test_amount_errors_in_spanish() -> None:
    with language("es"):
        _parsed, errors = amounts(["5000.5", "0", "x", None], "CLP")
    assert [e.split(": ", 2)[2] for e in errors] == [
        "'5000.5' tiene más decimales de los que permite CLP (0)",
        "'0' debe ser mayor que cero",
        "'x' no es un monto; se esperaba un número como 1234, 1234.50 o 1.234,50",
        "falta el valor; se esperaba un monto",
    ]


def test_a_row_with_an_unknown_currency_gets_no_amount_and_no_amount_error() -> None:
    parsed, errors = amounts(["100", "abc", None, "200"], ["XYZ", "XYZ", None, " clp "])
    assert (parsed, errors) == ([None, None, None, 200], [])


def test_negative_and_zero_amounts_when_allowed_and_empty_ones_when_optional() -> None:
    parsed, errors = amounts(["-1.234,50", "0", None, "- 5", "$-7"], "MXN",
                             decimal_comma=True, positive=False, required=False)
    assert (parsed, errors) == ([-123450, 0, None, -500, -700], [])


@given(minor=st.integers(1, 10**15), currency=st.sampled_from(sorted(MINOR_UNITS)),
       style=st.sampled_from(["plain", "dot-thousands", "comma-thousands"]))
def test_any_amount_written_in_any_style_reads_back_exactly(minor: int, currency: str,
                                                            style: str) -> None:
    places = MINOR_UNITS[currency]
    whole, fraction = divmod(minor, 10**places)
    grouped = f"{whole:,}"
    written, decimal_comma = {
        "plain": (f"{whole}" + (f".{fraction:0{places}d}" if places else ""), False),
        "dot-thousands": (grouped.replace(",", ".") + (f",{fraction:0{places}d}" if places
                                                       else ""), True),
        "comma-thousands": (grouped + (f".{fraction:0{places}d}" if places else ""), False),
    }[style]
    assert amounts([written], currency, decimal_comma=decimal_comma) == ([minor], [])


def test_amounts_of_a_semicolon_file_read_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "facturas.csv"
    path.write_bytes("Folio;Cliente;Emisión;Vencimiento;Moneda;Importe\n"
                     "1;C1;01-03-2026;31-03-2026;CLP;1.234.567\n"
                     "2;C1;01-03-2026;31-03-2026;MXN;1.234\n"
                     "3;C1;01-03-2026;31-03-2026;MXN;12,5\n".encode("cp1252"))
    loaded, read_errors = read_table(path, "invoices")
    assert read_errors == [] and loaded is not None
    parsed, errors = parse_amounts(loaded, "amount", loaded.frame["currency"],
                                   exponents=MINOR_UNITS)
    assert (parsed.to_list(), errors) == ([1234567, 123400, 1250], [])


# Decimals and whole numbers ----------------------------------------------------------------


def test_a_lone_decimal_comma_before_three_digits_is_not_read_as_fewer_decimals() -> None:
    # "1,500" in a file with a decimal comma is 1.500: refused in pesos, not taken for 1.50
    # (a thousand and a half passing as one and a half); 1,50 and 1.500,00 are read.
    parsed, errors = amounts(["1,500", "1,50", "1.500,00"], "MXN", decimal_comma=True)
    assert parsed == [None, 150, 150000]
    assert errors == ["in.csv:2: Monto: '1,500' has more decimals than MXN allows (2)"]


def test_percentages_are_exact_decimals() -> None:
    cells = table("late_interest_annual_pct", ["24", "1,5", "2.5%", " 0,75 % ", None, "12.000"])
    values, errors = parse_decimals(cells, "late_interest_annual_pct", minimum=Decimal(0))
    assert errors == []
    assert values == [Decimal("24"), Decimal("1.5"), Decimal("2.5"), Decimal("0.75"), None,
                      Decimal("12")]


def test_bad_decimals_are_located_and_explained() -> None:
    cells = table("discount_pct", ["x", "1.23456", "-1", "150", None, "12x", "%5"],
                  header="Descuento")
    values, errors = parse_decimals(cells, "discount_pct", required=True, minimum=Decimal(0),
                                    maximum=Decimal(100))
    assert values == [None] * 7
    assert [str(e) for e in errors] == [
        "in.csv:2: Descuento: 'x' is not a number; expected digits such as 24, 1.5 or 1,5",
        "in.csv:3: Descuento: '1.23456' has more than 4 decimal places",
        "in.csv:4: Descuento: '-1' must be at least 0",
        "in.csv:5: Descuento: '150' must be at most 100",
        "in.csv:6: Descuento: missing value; expected a number",
        "in.csv:7: Descuento: '12x' is not a number; expected digits such as 24, 1.5 or 1,5",
        "in.csv:8: Descuento: '%5' is not a number; expected digits such as 24, 1.5 or 1,5",
    ]


def test_an_optional_decimal_column_that_is_absent_or_empty_is_all_none() -> None:
    cells = table("discount_pct", [None, None])
    assert parse_decimals(cells, "discount_pct") == ([None, None], [])
    assert parse_decimals(cells, "late_interest_annual_pct") == ([None, None], [])


def test_day_counts_are_whole_numbers_not_below_the_minimum() -> None:
    cells = table("grace_days", ["30", "+5", None, "1.5", "-1", "diez"], header="Días de gracia")
    values, errors = parse_ints(cells, "grace_days")
    assert values.dtype == pl.Int64
    assert values.to_list() == [30, 5, None, None, None, None]
    assert [str(e) for e in errors] == [
        "in.csv:5: Días de gracia: '1.5' is not a whole number; expected digits such as 30",
        "in.csv:6: Días de gracia: '-1' must be at least 0",
        "in.csv:7: Días de gracia: 'diez' is not a whole number; expected digits such as 30",
    ]
    values, errors = parse_ints(table("grace_days", ["-1"]), "grace_days", minimum=None)
    assert (values.to_list(), errors) == ([-1], [])
    with language("es"):
        _values, spanish = parse_ints(table("grace_days", [None]), "grace_days", required=True)
    assert spanish[0].message == "falta el valor; se esperaba un número entero"
