"""Payment terms: net days, grace, early-payment discount and late interest (shared/DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cobranza.core.money import half_up_div

DAY_BASES = (365, 360)
# Rates are stored as integers of 1/10,000 of a percent, so SQL can compute interest exactly.
RATE_SCALE = 10_000


@dataclass(frozen=True, slots=True)
class Terms:
    """Conditions attached to an invoice, from named terms or inline columns."""

    net_days: int = 30
    grace_days: int = 0
    discount_pct: Decimal = Decimal(0)
    discount_days: int = 0
    late_interest_annual_pct: Decimal = Decimal(0)
    day_basis: int = 365

    def due_date(self, *, issue_date: date) -> date:
        """The due date these terms give to an invoice issued on `issue_date`."""
        return issue_date + timedelta(days=self.net_days)


def rate_to_scaled(pct: Decimal) -> int:
    """An annual percentage as an integer of 1/10,000 %, exactly (24.5 -> 245000)."""
    scaled = pct * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{pct} has more than 4 decimal places")
    return int(scaled)


def scaled_to_rate(scaled: int) -> Decimal:
    """Inverse of `rate_to_scaled`, normalised for display (245000 -> 24.5)."""
    value = Decimal(scaled) / RATE_SCALE
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def discount_amount(*, amount: int, discount_pct_scaled: int) -> int:
    """round(amount × discount_pct / 100), half-up, in minor units (DOMAIN.md, early payment)."""
    return half_up_div(amount * discount_pct_scaled, 100 * RATE_SCALE)
