"""Money: Decimal amounts, ISO 4217 currencies and their minor units (shared/DOMAIN.md, Money).

In the domain an amount is a `Decimal`; in storage it is an integer of minor units. Rounding is
half-up to the currency's minor unit, once, where an amount is posted or shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

# Minor units per DOMAIN.md; the rest from ISO 4217 for currencies a customer may invoice in.
MINOR_UNITS: dict[str, int] = {
    "CLP": 0,
    "MXN": 2,
    "USD": 2,
    "EUR": 2,
    "CLF": 4,  # Unidad de Fomento (UF)
    "UDI": 6,  # Unidad de Inversión (Mexico)
    "ARS": 2,
    "BRL": 2,
    "COP": 2,
    "PEN": 2,
    "UYU": 2,
    "GBP": 2,
    "CAD": 2,
    "CNY": 2,
    "JPY": 0,
}


class UnknownCurrency(ValueError):
    """The code is not a currency cobranza knows."""


# Where CLDR (Babel) gives fewer decimals than ISO 4217 (cash rounding, not the currency's minor
# unit): a bank statement in forint or rupiah carries ISO's decimals.
_ISO_EXPONENT = {"HUF": 2, "IDR": 2, "AFN": 2, "ALL": 2, "AMD": 2, "IRR": 2, "LAK": 2, "LBP": 2,
                 "MGA": 2, "MMK": 2, "RSD": 2, "SOS": 2, "SYP": 2, "YER": 2, "IQD": 3}

# ISO 4217 codes that are not money anyone invoices in: metals, bond units, "testing", "none".
_NOT_MONEY = frozenset({"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU",
                        "XTS", "XUA", "XXX"})


@cache
def _iso_4217() -> frozenset[str]:
    # CLDR's list (through Babel): every ISO 4217 code a bank statement may carry (CHF, SEK...).
    return frozenset(list_currencies()) - _NOT_MONEY


def is_currency(code: str) -> bool:
    """True when `code` is an ISO 4217 code (upper case), or UDI."""
    return code in MINOR_UNITS or (code.isupper() and code in _iso_4217())


def exponent(currency: str) -> int:
    """Number of decimal places of the currency's minor unit."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        if not is_currency(currency):
            raise UnknownCurrency(currency) from None
        return _ISO_EXPONENT.get(currency, int(get_currency_precision(currency)))


def quantum(currency: str) -> Decimal:
    """The smallest amount of the currency, e.g. Decimal('0.01') for MXN."""
    return Decimal(1).scaleb(-exponent(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """Decimal amount to integer minor units, rounding half-up."""
    return int(round_money(amount, currency).scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units to a Decimal carrying the currency's exponent."""
    return Decimal(minor).scaleb(-exponent(currency))


def fits_currency(amount: Decimal, currency: str) -> bool:
    """True when `amount` has no more decimals than the currency allows (5000.5 CLP does not)."""
    if not amount.is_finite():
        return False
    # Read the digits rather than quantize: exact for any size (1E+30 has no decimals at all).
    _sign, digits, exp = amount.as_tuple()
    assert isinstance(exp, int)
    text = "".join(map(str, digits))
    trailing_zeros = len(text) - len(text.rstrip("0"))
    return not text.strip("0") or exp + trailing_zeros >= -exponent(currency)


def minor_to_str(minor: int, currency: str) -> str:
    """JSON form of an amount: a decimal string with the currency's exponent ("1234", "12.50")."""
    return str(from_minor(minor, currency))


def half_up_div(numerator: int, denominator: int) -> int:
    """Exact integer division rounded half-up (away from zero on ties), for any signs."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient
