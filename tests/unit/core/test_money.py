"""Money: minor units, half-up rounding and the JSON form (shared/DOMAIN.md, "Money")."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cobranza.core.money import (
    UnknownCurrency,
    exponent,
    fits_currency,
    from_minor,
    half_up_div,
    is_currency,
    minor_to_str,
    quantum,
    round_money,
    to_minor,
)

DOMAIN_MINOR_UNITS = {"CLP": 0, "MXN": 2, "USD": 2, "EUR": 2, "CLF": 4, "UDI": 6}


@pytest.mark.parametrize(("currency", "places"), sorted(DOMAIN_MINOR_UNITS.items()))
def test_each_domain_currency_has_the_minor_unit_domain_md_gives_it(currency: str,
                                                                     places: int) -> None:
    assert is_currency(currency)
    assert exponent(currency) == places
    assert quantum(currency) == Decimal(1).scaleb(-places)


def test_an_unknown_currency_is_refused_by_name() -> None:
    assert not is_currency("XYZ")
    assert not is_currency("clp")  # codes are upper case
    with pytest.raises(UnknownCurrency, match="XYZ"):
        exponent("XYZ")


@pytest.mark.parametrize(("amount", "currency", "expected"), [
    ("2.5", "CLP", "3"),
    ("2.49", "CLP", "2"),
    ("3.5", "CLP", "4"),  # half-up, not half-even
    ("12.345", "MXN", "12.35"),
    ("12.3449", "MXN", "12.34"),
    ("0.005", "USD", "0.01"),
    ("1.00005", "CLF", "1.0001"),
    ("0.0000005", "UDI", "0.000001"),
])
def test_rounding_is_half_up_to_the_minor_unit(amount: str, currency: str, expected: str) -> None:
    rounded = round_money(Decimal(amount), currency)
    assert rounded == Decimal(expected)
    assert str(rounded) == expected  # and it carries the currency's exponent


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("1234", "CLP", 1234),
    ("12.50", "MXN", 1250),
    ("12.5", "USD", 1250),
    ("0.005", "EUR", 1),
    ("37000.1234", "CLF", 370001234),
    ("7.123456", "UDI", 7123456),
    ("5000.5", "CLP", 5001),  # rounded half-up where it is posted
])
def test_amounts_are_stored_as_integer_minor_units(amount: str, currency: str,
                                                  minor: int) -> None:
    assert to_minor(Decimal(amount), currency) == minor
    assert isinstance(to_minor(Decimal(amount), currency), int)


@pytest.mark.parametrize(("minor", "currency", "text"), [
    (1234, "CLP", "1234"),
    (0, "CLP", "0"),
    (1250, "MXN", "12.50"),
    (0, "MXN", "0.00"),
    (0, "USD", "0.00"),
    (5, "USD", "0.05"),
    (100, "EUR", "1.00"),
    (123456789012, "USD", "1234567890.12"),
    (12345, "CLF", "1.2345"),
    (0, "CLF", "0.0000"),
    (1, "UDI", "0.000001"),
    (0, "UDI", "0.000000"),
    (-1250, "MXN", "-12.50"),
])
def test_json_carries_a_decimal_string_with_the_currency_exponent(minor: int, currency: str,
                                                                  text: str) -> None:
    assert minor_to_str(minor, currency) == text


@pytest.mark.parametrize(("amount", "currency", "fits"), [
    ("5000.5", "CLP", False),
    ("5000", "CLP", True),
    ("5000.0", "CLP", True),  # the same value, written with a zero decimal
    ("5000.50", "MXN", True),
    ("5000.505", "MXN", False),
    ("1.2345", "CLF", True),
    ("1.23456", "CLF", False),
    ("0.000001", "UDI", True),
    ("0.0000001", "UDI", False),
    ("NaN", "USD", False),
    ("Infinity", "USD", False),
])
def test_fits_currency_says_whether_an_amount_has_too_many_decimals(amount: str, currency: str,
                                                                     fits: bool) -> None:
    assert fits_currency(Decimal(amount), currency) is fits


currencies = st.sampled_from(sorted(DOMAIN_MINOR_UNITS))


@settings(max_examples=200)
@given(minor=st.integers(-10**15, 10**15), currency=currencies)
def test_minor_units_round_trip_through_decimal_and_json(minor: int, currency: str) -> None:
    amount = from_minor(minor, currency)
    assert fits_currency(amount, currency)
    assert to_minor(amount, currency) == minor
    text = minor_to_str(minor, currency)
    assert "E" not in text.upper()
    places = DOMAIN_MINOR_UNITS[currency]
    assert (len(text.split(".")[1]) if "." in text else 0) == places
    assert Decimal(text) * 10**places == minor


@settings(max_examples=200)
@given(minor=st.integers(0, 10**12), extra=st.integers(0, 99), currency=currencies)
def test_to_minor_rounds_half_up_once(minor: int, extra: int, currency: str) -> None:
    # An amount with two digits beyond the minor unit: "minor.extra" in minor units.
    places = DOMAIN_MINOR_UNITS[currency]
    amount = (Decimal(minor) + Decimal(extra) / 100).scaleb(-places)
    assert to_minor(amount, currency) == minor + (1 if extra >= 50 else 0)


@settings(max_examples=200)
@given(numerator=st.integers(-10**20, 10**20), denominator=st.integers(1, 10**9),
       flip=st.booleans())
def test_half_up_div_is_exact_division_rounded_half_away_from_zero(numerator: int,
                                                                   denominator: int,
                                                                   flip: bool) -> None:
    exact = Fraction(numerator, denominator)
    magnitude = abs(exact)
    whole = magnitude.numerator // magnitude.denominator
    expected = whole + (1 if magnitude - whole >= Fraction(1, 2) else 0)
    expected = expected if exact >= 0 else -expected
    if flip:
        numerator, denominator = -numerator, -denominator
    assert half_up_div(numerator, denominator) == expected


def test_half_up_div_on_ties() -> None:
    assert half_up_div(5, 2) == 3
    assert half_up_div(-5, 2) == -3
    assert half_up_div(7, 2) == 4
    assert half_up_div(1, 3) == 0
    assert half_up_div(2, 3) == 1


def test_fits_currency_answers_for_an_amount_written_in_scientific_notation() -> None:
    assert fits_currency(Decimal("1E+30"), "CLP") is True
