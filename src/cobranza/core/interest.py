"""Accrued late interest, interés moratorio (shared/DOMAIN.md, "Late interest").

Interest as of D = Σ over days d with due < d ≤ D of P(d) × rate / 100 / basis, where P(d) is
the principal open after allocations dated before d. Summing by allocation instead of by day:
Σ P(d) = amount × (D − due) − Σ_a a.amount × (D − max(due, a.date)) over allocations dated < D.
That "principal-days" figure is an exact integer, so the result is exact before its one rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cobranza.core.money import half_up_div
from cobranza.core.terms import RATE_SCALE


@dataclass(frozen=True, slots=True)
class Accrual:
    """Interest accrued on one invoice, in minor units, and whether a legal cap lowered the rate."""

    amount: int
    principal_days: int
    rate_scaled: int
    capped: bool


def principal_days(*, amount: int, due_date: date, as_of: date,
                   allocations: Iterable[tuple[date, int]]) -> int:
    """Σ over days d in (due, as_of] of the principal open after allocations dated before d."""
    if as_of <= due_date:
        return 0
    total = amount * (as_of - due_date).days
    for day, value in allocations:
        if day < as_of:
            total -= value * (as_of - max(day, due_date)).days
    return total


def settled_on(*, amount: int, allocations: Iterable[tuple[date, int]]) -> date | None:
    """The date the principal was settled in full, or None while it is open."""
    paid = 0
    for day, value in sorted(allocations):
        paid += value
        if paid >= amount:
            return day
    return None


def interest_minor(*, principal_days: int, rate_scaled: int, day_basis: int) -> int:
    """principal_days × rate / 100 / basis, rounded half-up once, without overflow or float."""
    return half_up_div(principal_days * rate_scaled, 100 * RATE_SCALE * day_basis)


def accrue(*, amount: int, due_date: date, grace_days: int, rate_scaled: int, day_basis: int,
           as_of: date, allocations: Iterable[tuple[date, int]],
           cap_scaled: int | None = None, posted: int = 0) -> Accrual:
    """Interest accrued on an invoice's principal as of `as_of`, less interest already posted.

    `allocations` are (date, amount) settling the principal (payments, credit notes, discounts).
    """
    allocs = [(d, v) for d, v in allocations if d <= as_of]
    capped = cap_scaled is not None and rate_scaled > cap_scaled
    rate = min(rate_scaled, cap_scaled) if cap_scaled is not None else rate_scaled
    grace_end = due_date + timedelta(days=grace_days)
    settled = settled_on(amount=amount, allocations=allocs)
    # Grace: settled in full by due + grace accrues nothing; past it, interest runs from due.
    if rate <= 0 or as_of <= grace_end or (settled is not None and settled <= grace_end):
        return Accrual(0, 0, rate, False)  # a cap is reported only where it lowered interest
    days = principal_days(amount=amount, due_date=due_date, as_of=as_of, allocations=allocs)
    value = interest_minor(principal_days=days, rate_scaled=rate, day_basis=day_basis)
    return Accrual(max(value - posted, 0), days, rate, capped)
