"""Late interest, interés moratorio (shared/DOMAIN.md, "Late interest").

The examples run against the core's `accrue` and the oracle's day-by-day sum; a property test then
compares the two on random payment schedules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cobranza.core.aging import InterestTerms, age_customer
from cobranza.core.allocation import Allocation, Document, DocumentKind, SourceKind
from cobranza.core.interest import accrue, interest_minor, principal_days
from cobranza.core.terms import RATE_SCALE
from tests import oracle
from tests.unit.core.records import charge, day, invoice

DUE = 30  # every invoice below is issued on day 0 and due on day 30

Accrue = Callable[..., int]


def scaled(pct: str) -> int:
    return int(Decimal(pct) * RATE_SCALE)


def _core(*, amount: int, rate: str, as_of: int, paid: Sequence[tuple[int, int]] = (),
          grace: int = 0, basis: int = 365, cap: str | None = None, posted: int = 0) -> int:
    return accrue(amount=amount, due_date=day(DUE), grace_days=grace, rate_scaled=scaled(rate),
                  day_basis=basis, as_of=day(as_of), allocations=[(day(d), v) for d, v in paid],
                  cap_scaled=None if cap is None else scaled(cap), posted=posted).amount


def _oracle(*, amount: int, rate: str, as_of: int, paid: Sequence[tuple[int, int]] = (),
            grace: int = 0, basis: int = 365, cap: str | None = None, posted: int = 0) -> int:
    inv = invoice("F-1", issued=0, due=DUE, amount=amount)
    allocations = [Allocation(SourceKind.PAYMENT, f"P-{i}", "F-1", day(d), v)
                   for i, (d, v) in enumerate(paid)]
    rule = oracle.InterestRule(annual_pct=Decimal(rate), day_basis=basis, grace_days=grace)
    return oracle.accrued_interest(invoice=inv, allocations=allocations, as_of=day(as_of),
                                   rule=rule, cap_pct=None if cap is None else Decimal(cap),
                                   posted=posted)


@pytest.fixture(params=["core", "oracle"])
def interest(request: pytest.FixtureRequest) -> Accrue:
    return {"core": _core, "oracle": _oracle}[request.param]


# 1,000,000 at 36 % a year on a 360-day basis is exactly 1,000 a day.
MILLION = 1_000_000


@pytest.mark.parametrize("k", [1, 2, 5, 31, 400])
def test_an_invoice_paid_k_days_late_accrues_exactly_k_days(interest: Accrue, k: int) -> None:
    paid = [(DUE + k, MILLION)]
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + k, paid=paid) == 1000 * k
    # and nothing more afterwards
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + k + 90, paid=paid) == 1000 * k


def test_nothing_accrues_up_to_the_due_date(interest: Accrue) -> None:
    assert interest(amount=MILLION, rate="36", basis=360, as_of=0) == 0
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE) == 0
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + 1) == 1000


def test_an_invoice_paid_on_its_due_date_accrues_nothing(interest: Accrue) -> None:
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + 60,
                    paid=[(DUE, MILLION)]) == 0


def test_settled_within_the_grace_accrues_nothing(interest: Accrue) -> None:
    paid = [(DUE + 5, MILLION)]
    assert interest(amount=MILLION, rate="36", basis=360, grace=5, as_of=DUE + 100,
                    paid=paid) == 0


def test_settled_one_day_after_the_grace_accrues_from_the_due_date(interest: Accrue) -> None:
    paid = [(DUE + 6, MILLION)]
    assert interest(amount=MILLION, rate="36", basis=360, grace=5, as_of=DUE + 100,
                    paid=paid) == 6000


def test_nothing_has_accrued_while_the_grace_lasts(interest: Accrue) -> None:
    for as_of in (DUE + 1, DUE + 5):
        assert interest(amount=MILLION, rate="36", basis=360, grace=5, as_of=as_of) == 0
    assert interest(amount=MILLION, rate="36", basis=360, grace=5, as_of=DUE + 6) == 6000


def test_a_partial_payment_within_the_grace_does_not_stop_interest(interest: Accrue) -> None:
    paid = [(DUE + 2, 600_000)]
    # 2 days on 1,000,000 then 8 days on 400,000.
    assert interest(amount=MILLION, rate="36", basis=360, grace=5, as_of=DUE + 10,
                    paid=paid) == 2 * 1000 + 8 * 400


@pytest.mark.parametrize(("basis", "expected"), [(365, 365), (360, 370)])
def test_the_day_basis_divides_the_annual_rate(interest: Accrue, basis: int,
                                               expected: int) -> None:
    # 365,000 × 36.5 % / basis for one day: 365 exactly, or 370.07 on a 360-day basis.
    assert interest(amount=365_000, rate="36.5", basis=basis, as_of=DUE + 1) == expected


def test_partial_payments_reduce_the_principal_from_the_next_day(interest: Accrue) -> None:
    paid = [(DUE + 10, 500_000), (DUE + 20, 500_000)]
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + 30,
                    paid=paid) == 10 * 1000 + 10 * 500


def test_a_payment_before_the_due_date_lowers_the_principal_that_accrues(
        interest: Accrue) -> None:
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + 3,
                    paid=[(DUE - 10, 250_000)]) == 3 * 750


def test_the_sum_is_rounded_once_not_day_by_day(interest: Accrue) -> None:
    # 1,460 × 10 % / 365 = 0.4 a day: 2 after five days (0 if each day were rounded).
    assert interest(amount=1460, rate="10", as_of=DUE + 5) == 2
    assert interest(amount=1460, rate="10", as_of=DUE + 1) == 0


def test_the_single_rounding_is_half_up(interest: Accrue) -> None:
    # 9,125 × 18 % / 365 = 4.5 exactly.
    assert interest(amount=9125, rate="18", as_of=DUE + 1) == 5


def test_a_fractional_rate_like_24_5_percent(interest: Accrue) -> None:
    # 1,000,000 × 24.5 % / 365 × 10 = 6,712.33
    assert interest(amount=MILLION, rate="24.5", as_of=DUE + 10) == 6712


def test_a_legal_maximum_caps_the_rate(interest: Accrue) -> None:
    assert interest(amount=MILLION, rate="50", basis=360, cap="36", as_of=DUE + 10) == 10_000
    assert interest(amount=MILLION, rate="18", basis=360, cap="36", as_of=DUE + 10) == 5_000


def test_the_core_reports_where_the_cap_applied() -> None:
    capped = accrue(amount=MILLION, due_date=day(DUE), grace_days=0, rate_scaled=scaled("50"),
                    day_basis=360, as_of=day(DUE + 10), allocations=[],
                    cap_scaled=scaled("36"))
    assert (capped.amount, capped.rate_scaled, capped.capped) == (10_000, scaled("36"), True)
    under = accrue(amount=MILLION, due_date=day(DUE), grace_days=0, rate_scaled=scaled("18"),
                   day_basis=360, as_of=day(DUE + 10), allocations=[], cap_scaled=scaled("36"))
    assert (under.amount, under.rate_scaled, under.capped) == (5_000, scaled("18"), False)
    uncapped = accrue(amount=MILLION, due_date=day(DUE), grace_days=0, rate_scaled=scaled("50"),
                      day_basis=360, as_of=day(DUE + 10), allocations=[])
    assert uncapped.capped is False


def test_interest_already_posted_is_not_counted_again(interest: Accrue) -> None:
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + 10, posted=4000) == 6000
    assert interest(amount=MILLION, rate="36", basis=360, as_of=DUE + 10, posted=12_000) == 0


def test_zero_rate_accrues_nothing(interest: Accrue) -> None:
    assert interest(amount=MILLION, rate="0", as_of=DUE + 100) == 0


def test_principal_days_and_the_one_division() -> None:
    allocations = [(day(DUE + 10), 400), (day(DUE + 40), 600)]
    assert principal_days(amount=1000, due_date=day(DUE), as_of=day(DUE + 20),
                          allocations=allocations) == 10 * 1000 + 10 * 600
    assert interest_minor(principal_days=9125, rate_scaled=scaled("18"), day_basis=365) == 5


# -- through the aging: posted interest charges and charges themselves -------------------------


def _aging_interest(documents: Sequence[Document], allocations: Sequence[Allocation],
                    as_of: date) -> int:
    terms = {d.key: InterestTerms(grace_days=0, rate_scaled=scaled("36"), day_basis=360)
             for d in documents}  # even the charges have terms: they must not accrue
    return age_customer(documents=documents, credits=[], allocations=allocations,
                        interest=terms, as_of=as_of).accrued_interest


def test_a_posted_interest_charge_is_taken_out_of_the_accrued_interest() -> None:
    docs = [invoice("F-1", issued=0, due=DUE, amount=MILLION),
            charge("I-1", parent="F-1", issued=DUE + 10, due=DUE + 10, amount=10_000,
                   kind=DocumentKind.INTEREST)]
    assert _aging_interest(docs, [], day(DUE + 9)) == 9_000  # not posted yet
    assert _aging_interest(docs, [], day(DUE + 10)) == 0
    assert _aging_interest(docs, [], day(DUE + 15)) == 5_000


def test_no_interest_accrues_on_charges_or_on_interest() -> None:
    docs = [invoice("F-1", issued=0, due=DUE, amount=MILLION),
            charge("G-1", parent="F-1", issued=DUE + 1, due=DUE + 1, amount=MILLION)]
    paid = [Allocation(SourceKind.PAYMENT, "P-1", "F-1", day(DUE), MILLION)]
    assert _aging_interest(docs, paid, day(DUE + 100)) == 0


# -- property: the core's closed form equals the oracle's day-by-day sum ----------------------


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, Any]:
    amount = draw(st.integers(1, 50_000_000))
    paid: list[tuple[int, int]] = []
    left = amount
    for when in sorted(draw(st.lists(st.integers(0, 400), max_size=4))):
        if left <= 0:
            break
        value = draw(st.integers(1, left))
        paid.append((when, value))
        left -= value
    return {
        "amount": amount,
        "rate": draw(st.sampled_from(["0", "18", "24.5", "36", "50", "3.1234"])),
        "basis": draw(st.sampled_from([365, 360])),
        "grace": draw(st.integers(0, 10)),
        "cap": draw(st.sampled_from([None, None, "36", "24.5"])),
        "posted": draw(st.sampled_from([0, 0, 0, 100, 5000])),
        "as_of": draw(st.integers(0, 450)),
        "paid": paid,
    }


@settings(max_examples=200, deadline=None)
@given(case=schedules())
def test_the_core_closed_form_equals_the_day_by_day_sum(case: dict[str, Any]) -> None:
    assert _core(**case) == _oracle(**case)
