"""Late fees and their jurisdiction caps (shared/DOMAIN.md, "Late fees"; Ley 19.496 art. 37)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cobranza.core.fees import (
    CL_BEFORE_DAY_20,
    CL_UF_RATE_MISSING,
    ES_NOT_IN_EUR,
    CappedFee,
    FeeRule,
    cap_fee,
    chile_cap,
    fee_amount,
)
from cobranza.core.money import round_money

D = Decimal
ZERO = D(0)
UF = D("37000")  # a round UF value in CLP keeps the hand computations readable
HUGE = D(10) ** 15  # a fee no cap lets through

clp = st.integers(min_value=0, max_value=10**12).map(D)
uf_values = st.integers(min_value=2_000_000, max_value=5_000_000).map(lambda v: D(v) / 100)


def chile(fee: Decimal, overdue: Decimal, *, days: int = 30, uf: Decimal | None = UF,
          currency: str = "CLP", posted: Decimal = ZERO) -> CappedFee:
    return cap_fee(country="CL", fee=fee, overdue=overdue, days_past_due=days, uf_value=uf,
                   currency=currency, posted_before=posted)


def test_the_fee_is_fixed_plus_a_percentage_of_the_overdue_principal() -> None:
    rule = FeeRule(fixed=(("CLP", D(5000)), ("MXN", D("150.00"))), pct=D("2.5"))
    assert fee_amount(rule=rule, overdue_principal=D(200_000), currency="CLP") == D(10_000)
    # Exact before the one rounding: 150 + 2.5% × 1,000.30 = 175.0075
    assert fee_amount(rule=rule, overdue_principal=D("1000.30"), currency="MXN") == D("175.0075")
    # No fixed part set for USD: only the percentage.
    assert fee_amount(rule=rule, overdue_principal=D(100), currency="USD") == D("2.5")


def test_outside_a_capping_jurisdiction_the_fee_is_only_rounded_half_up() -> None:
    for country in ("MX", "US", None):
        assert cap_fee(country=country, fee=D("175.005"), overdue=D(1000), days_past_due=1,
                       uf_value=None, currency="MXN") == CappedFee(D("175.01"), False)


def test_chile_allows_no_fee_before_twenty_days_overdue() -> None:
    assert chile(D(1000), D(100_000), days=19) == CappedFee(D(0), False, CL_BEFORE_DAY_20)
    assert chile(D(1000), D(100_000), days=20) == CappedFee(D(1000), False)


def test_chile_needs_the_uf_value_of_the_day_for_a_clp_invoice() -> None:
    assert chile(D(1000), D(100_000), uf=None) == CappedFee(D(0), False, CL_UF_RATE_MISSING)
    # An invoice in UF (CLF) needs no conversion.
    assert chile(D(1), D(20), uf=None, currency="CLF") == CappedFee(D("1.0000"), False)


@pytest.mark.parametrize(("overdue", "cap"), [
    # below 10 UF (370,000): 9%
    (D(100_000), D(9_000)),
    # 10 UF exactly: 9% × 370,000
    (D(370_000), D(33_300)),
    # 1,000,000 = 27.03 UF: 33,300 + 6% × 630,000
    (D(1_000_000), D(71_100)),
    # 50 UF exactly: 33,300 + 6% × 1,480,000
    (D(1_850_000), D(122_100)),
    # 3,000,000: 122,100 + 3% × 1,150,000
    (D(3_000_000), D(156_600)),
])
def test_chile_caps_by_uf_tranches(overdue: Decimal, cap: Decimal) -> None:
    assert chile_cap(overdue=overdue, uf_value=UF) == cap
    assert chile(HUGE, overdue) == CappedFee(cap, True)
    assert chile(cap, overdue) == CappedFee(cap, False)


def test_chile_rounds_the_cap_once_half_up_with_a_real_uf_value() -> None:
    # UF 39,485.65: 10 UF = 394,856.5; 9% of it = 35,537.085; 6% × 105,143.5 = 6,308.61
    assert chile_cap(overdue=D(500_000), uf_value=D("39485.65")) == D("41845.695")
    assert chile(HUGE, D(500_000), uf=D("39485.65")).amount == D(41_846)


def test_chile_cap_counts_fees_already_posted_for_the_invoice() -> None:
    assert chile(D(5_000), D(100_000), posted=D(6_000)) == CappedFee(D(3_000), True)
    assert chile(D(5_000), D(100_000), posted=D(10_000)) == CappedFee(D(0), True)


def test_chile_caps_an_invoice_in_uf_in_uf() -> None:
    # 60 UF overdue: 0.9 + 2.4 + 3% × 10 = 3.6 UF
    assert chile(D(100), D(60), currency="CLF", uf=None) == CappedFee(D("3.6000"), True)


def test_spain_grants_forty_euros_once_per_late_invoice() -> None:
    def spain(fee: str, posted: str = "0", currency: str = "EUR") -> CappedFee:
        return cap_fee(country="ES", fee=D(fee), overdue=D(1000), days_past_due=5,
                       uf_value=None, currency=currency, posted_before=D(posted))

    assert spain("25") == CappedFee(D("25.00"), False)
    assert spain("60") == CappedFee(D("40.00"), True)
    assert spain("30", posted="25") == CappedFee(D("15.00"), True)
    assert spain("30", posted="40") == CappedFee(D("0.00"), True)
    assert spain("30", currency="USD") == CappedFee(D("0.00"), False, ES_NOT_IN_EUR)


@given(clp, uf_values)
def test_the_chilean_cap_never_exceeds_nine_percent_of_the_overdue_amount(
        overdue: Decimal, uf: Decimal) -> None:
    assert chile_cap(overdue=overdue, uf_value=uf) <= overdue * D("0.09")
    assert chile(HUGE, overdue, uf=uf).amount <= round_money(overdue * D("0.09"), "CLP")


@given(clp, clp, uf_values)
def test_the_chilean_cap_is_monotone_in_the_overdue_amount(
        a: Decimal, b: Decimal, uf: Decimal) -> None:
    low, high = sorted((a, b))
    assert chile_cap(overdue=low, uf_value=uf) <= chile_cap(overdue=high, uf_value=uf)
    assert chile(HUGE, low, uf=uf).amount <= chile(HUGE, high, uf=uf).amount


@given(uf_values, st.integers(min_value=1, max_value=10**6).map(lambda v: D(v) / 100))
def test_the_tranches_are_continuous_at_10_and_50_uf(uf: Decimal, step: Decimal) -> None:
    for limit, below, above in ((10, D("0.09"), D("0.06")), (50, D("0.06"), D("0.03"))):
        edge = limit * uf
        at = chile_cap(overdue=edge, uf_value=uf)
        # No jump at the edge: the cap moves by the marginal rate of each side, nothing more.
        assert at - chile_cap(overdue=edge - step, uf_value=uf) == below * step
        assert chile_cap(overdue=edge + step, uf_value=uf) - at == above * step
    assert chile_cap(overdue=10 * uf, uf_value=uf) == D("0.9") * uf
    assert chile_cap(overdue=50 * uf, uf_value=uf) == D("3.3") * uf


@given(clp, clp, uf_values)
def test_the_capped_fee_is_the_smaller_amount_rounded_once(
        fee: Decimal, overdue: Decimal, uf: Decimal) -> None:
    result = chile(fee, overdue, uf=uf)
    exact_cap = chile_cap(overdue=overdue, uf_value=uf)
    assert result.amount == round_money(min(fee, exact_cap), "CLP")
    assert result.capped == (fee > exact_cap)
