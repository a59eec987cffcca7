"""Payment terms: due dates, scaled rates and the early-payment discount amount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cobranza.core.terms import (
    RATE_SCALE,
    Terms,
    discount_amount,
    rate_to_scaled,
    scaled_to_rate,
)


def test_terms_default_to_net_30_no_grace_365_day_basis() -> None:
    terms = Terms()
    assert (terms.net_days, terms.grace_days, terms.day_basis) == (30, 0, 365)
    assert terms.due_date(issue_date=date(2024, 1, 31)) == date(2024, 3, 1)  # leap year


@pytest.mark.parametrize(("pct", "scaled"), [
    ("24.5", 245_000), ("18", 180_000), ("0", 0), ("36", 360_000), ("1.5", 15_000),
    ("0.0001", 1), ("2.25", 22_500),
])
def test_rates_are_integers_of_a_ten_thousandth_of_a_percent(pct: str, scaled: int) -> None:
    assert RATE_SCALE == 10_000
    assert rate_to_scaled(Decimal(pct)) == scaled
    assert scaled_to_rate(scaled) == Decimal(pct)


def test_scaled_rates_display_without_exponent_or_trailing_zeros() -> None:
    assert str(scaled_to_rate(245_000)) == "24.5"
    assert str(scaled_to_rate(100_000)) == "10"
    assert str(scaled_to_rate(1)) == "0.0001"


def test_a_rate_with_more_than_four_decimals_is_refused() -> None:
    with pytest.raises(ValueError, match="4 decimal places"):
        rate_to_scaled(Decimal("1.00001"))


@pytest.mark.parametrize(("amount", "pct", "expected"), [
    (1000, "2", 20),
    (1025, "2", 21),  # 20.5 rounds half-up
    (1024, "2", 20),  # 20.48
    (999, "1.5", 15),  # 14.985
    (33, "1.5", 0),  # 0.495
    (100, "0", 0),
])
def test_discount_amount_is_amount_times_pct_over_100_rounded_half_up(amount: int, pct: str,
                                                                      expected: int) -> None:
    assert discount_amount(amount=amount,
                           discount_pct_scaled=rate_to_scaled(Decimal(pct))) == expected
