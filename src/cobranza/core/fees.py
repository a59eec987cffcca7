"""Late fees (gastos de cobranza) and the jurisdiction caps on them (shared/DOMAIN.md, "Late fees").

A strategy step's fee is `fixed + pct × overdue principal`. A jurisdiction pack may then block it
or cap it. The arithmetic is exact (`Decimal` with an inexact-result trap); the amount is rounded
half-up to the currency's minor unit once, at the end, where it is posted.

Caps count what was already posted for the same invoice (`posted_before`): Chile's percentages
cap the collection costs of one overdue amount, and Spain's €40 is owed once per late invoice, so
a second fee step only gets what the first left.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from typing import Protocol

from cobranza.core.money import round_money

ZERO = Decimal(0)

# Chile, Ley 19.496 art. 37: no collection costs before 20 days overdue; then at most 9% of the
# overdue amount up to 10 UF, 6% of the part between 10 and 50 UF, 3% of the part above 50 UF.
CL_MIN_DAYS_PAST_DUE = 20
CL_TRANCHES: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(10), Decimal("0.09")),
    (Decimal(50), Decimal("0.06")),
    (None, Decimal("0.03")),
)
UF_CURRENCY = "CLF"  # ISO 4217 code of the Unidad de Fomento

# Spain, Ley 3/2004 art. 8: €40 fixed compensation for collection costs per late invoice (B2B);
# costs above it must be proven, which a strategy step cannot do.
ES_COMPENSATION = Decimal(40)
ES_CURRENCY = "EUR"

CL_BEFORE_DAY_20 = "cl.fee_before_day_20"
CL_UF_RATE_MISSING = "cl.uf_rate_missing"
ES_NOT_IN_EUR = "es.fee_not_in_eur"


@contextmanager
def _exact() -> Iterator[None]:
    """Decimal arithmetic that raises rather than round (products and sums stay exact)."""
    with localcontext(Context(prec=120, traps=[Inexact, InvalidOperation])):
        yield


@dataclass(frozen=True, slots=True)
class FeeRule:
    """A step's fee: a fixed amount per currency plus `pct` percent of the overdue principal."""

    fixed: tuple[tuple[str, Decimal], ...] = ()
    pct: Decimal = ZERO  # 5 means 5 %

    def fixed_for(self, currency: str) -> Decimal:
        """The fixed part in `currency` (zero when the rule sets none for it)."""
        return dict(self.fixed).get(currency, ZERO)


@dataclass(frozen=True, slots=True)
class CappedFee:
    """The fee to post, rounded; `capped` when a cap lowered it, `blocked_reason` when barred."""

    amount: Decimal
    capped: bool
    blocked_reason: str | None = None


def fee_amount(*, rule: FeeRule, overdue_principal: Decimal, currency: str) -> Decimal:
    """fixed + pct / 100 × overdue principal, exact and unrounded (`cap_fee` rounds it once)."""
    with _exact():
        return rule.fixed_for(currency) + rule.pct * max(overdue_principal, ZERO) / 100


def chile_cap(*, overdue: Decimal, uf_value: Decimal) -> Decimal:
    """The most Chile allows as collection costs on `overdue`, exact, in the invoice's currency.

    `uf_value` is one UF in that currency. Converting the overdue amount to UF, applying the
    tranches and converting back is the same as scaling the tranche limits by the UF value; the
    latter avoids the inexact division.
    """
    cap, low = ZERO, ZERO
    with _exact():
        for limit_uf, rate in CL_TRANCHES:
            high = overdue if limit_uf is None else min(overdue, limit_uf * uf_value)
            if high > low:
                cap += (high - low) * rate
            if limit_uf is not None:
                low = limit_uf * uf_value
    return cap


class JurisdictionCap(Protocol):
    """A jurisdiction pack's limit on a fee, given the facts of the invoice on the fee's day."""

    def __call__(self, *, fee: Decimal, overdue: Decimal, days_past_due: int,
                 uf_value: Decimal | None, currency: str,
                 posted_before: Decimal) -> CappedFee: ...


def _limited(fee: Decimal, limit: Decimal, currency: str) -> CappedFee:
    room = max(limit, ZERO)
    return CappedFee(round_money(min(fee, room), currency), fee > room)


def _blocked(reason: str, currency: str) -> CappedFee:
    return CappedFee(round_money(ZERO, currency), False, reason)


def _chile(*, fee: Decimal, overdue: Decimal, days_past_due: int, uf_value: Decimal | None,
           currency: str, posted_before: Decimal) -> CappedFee:
    if days_past_due < CL_MIN_DAYS_PAST_DUE:
        return _blocked(CL_BEFORE_DAY_20, currency)
    unit = Decimal(1) if currency == UF_CURRENCY else uf_value
    if unit is None or unit <= 0:
        return _blocked(CL_UF_RATE_MISSING, currency)
    with _exact():
        limit = chile_cap(overdue=max(overdue, ZERO), uf_value=unit) - posted_before
    return _limited(fee, limit, currency)


def _spain(*, fee: Decimal, overdue: Decimal, days_past_due: int, uf_value: Decimal | None,
           currency: str, posted_before: Decimal) -> CappedFee:
    if currency != ES_CURRENCY:
        return _blocked(ES_NOT_IN_EUR, currency)
    with _exact():
        limit = ES_COMPENSATION - posted_before
    return _limited(fee, limit, currency)


CAPS: dict[str, JurisdictionCap] = {"CL": _chile, "ES": _spain}


def cap_fee(*, country: str | None, fee: Decimal, overdue: Decimal, days_past_due: int,
            uf_value: Decimal | None, currency: str,
            posted_before: Decimal = ZERO) -> CappedFee:
    """The fee after the jurisdiction's cap, rounded half-up once (uncapped where none applies).

    `overdue` is the invoice's overdue principal, `uf_value` one UF in `currency` on the fee's
    day (only Chile reads it), `posted_before` the fees already posted for this invoice.
    """
    cap = CAPS.get((country or "").upper())
    if cap is None:
        return CappedFee(round_money(max(fee, ZERO), currency), False)
    return cap(fee=max(fee, ZERO), overdue=overdue, days_past_due=days_past_due,
               uf_value=uf_value, currency=currency, posted_before=posted_before)
