"""Reading typed values out of e-invoice elements, every bad one a located error."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from lxml import etree
from lxml.etree import _Element as Element
from stdnum.exceptions import ValidationError
from stdnum.mx import rfc

from cobranza.core.money import exponent, fits_currency, is_currency
from cobranza.core.taxid import InvalidTaxId, expected_format, normalise
from cobranza.einvoices.model import At
from cobranza.i18n import _
from cobranza.importers.tabular import RowError

__all__ = ["Element", "Fields", "namespace"]

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# The SAT's and the SII's amounts have at most 18 integer and 6 decimal digits; more is no
# amount, and would overflow the decimal arithmetic of the checks (28 digits).
_DIGITS = 24


def namespace(element: Element) -> str | None:
    """The element's namespace URI, or None."""
    ns = etree.QName(element).namespace
    return None if ns is None else str(ns)


class Fields:
    """Converts the strings of one file's elements, collecting an error for each bad one."""

    def __init__(self, file: str, errors: list[RowError]) -> None:
        self.file = file
        self.errors = errors

    def at(self, element: Element) -> At:
        """Where `element` starts."""
        return At(self.file, int(element.sourceline or 1))

    def error(self, element: Element, field: str, message: str) -> None:
        """Record a problem with `field` of `element`."""
        self.errors.append(self.at(element).error(field, message))

    def required(self, raw: str | None, element: Element, field: str) -> str | None:
        """The stripped value, or an error when it is missing or empty."""
        value = (raw or "").strip()
        if not value:
            self.error(element, field, _("missing value; this field is required"))
            return None
        return value

    def decimal(self, raw: str | None, element: Element, field: str, *,
                default: Decimal | None = None) -> Decimal | None:
        """A decimal number (`default` when absent), or an error."""
        if raw is None or not raw.strip():
            if default is not None:
                return default
            self.error(element, field, _("missing value; this field is required"))
            return None
        text = raw.strip()
        # xs:decimal, as the schemas say: no exponent ("3E75"), no NaN or Infinity.
        if not _DECIMAL.fullmatch(text):
            self.error(element, field, _("'{value}' is not a number", value=raw))
            return None
        if len(text.lstrip("+-").replace(".", "").lstrip("0")) > _DIGITS:
            self.error(element, field, _(
                "'{value}' has more digits than an amount has (at most {n})", value=raw,
                n=_DIGITS))
            return None
        return Decimal(text)

    def money(self, raw: str | None, element: Element, field: str, currency: str | None, *,
              default: Decimal | None = None) -> Decimal | None:
        """An amount of `currency`: not negative, no more decimals than the currency has."""
        value = self.decimal(raw, element, field, default=default)
        if value is None or currency is None:
            return value
        if value < 0:
            self.error(element, field, _("'{value}' is negative; expected an amount of zero "
                                         "or more", value=raw))
            return None
        if not fits_currency(value, currency):
            self.error(element, field, _(
                "'{value}' has more decimals than {currency} allows ({places})", value=raw,
                currency=currency, places=exponent(currency)))
            return None
        return value

    def currency(self, raw: str | None, element: Element, field: str) -> str | None:
        """An ISO 4217 code, or an error."""
        value = self.required(raw, element, field)
        if value is None:
            return None
        if not is_currency(value):
            self.error(element, field, _("unknown currency '{value}'; expected an ISO 4217 "
                                         "code such as CLP, MXN or USD", value=value))
            return None
        return value

    def day(self, raw: str | None, element: Element, field: str, *,
            required: bool = True) -> date | None:
        """The date of an ISO date or date-time (the issuer's local date), or an error."""
        if not required and (raw is None or not raw.strip()):
            return None
        value = self.required(raw, element, field)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value).date() if "T" in value \
                else date.fromisoformat(value)
        except ValueError:
            self.error(element, field, _("'{value}' is not a date; expected YYYY-MM-DD",
                                         value=value))
            return None

    def tax_id(self, raw: str | None, element: Element, field: str,
               country: str) -> str | None:
        """A RUT or RFC in its stored form, checked with its check digit."""
        value = self.required(raw, element, field)
        if value is None:
            return None
        try:
            return normalise(value, country=country)
        except InvalidTaxId:
            if country == "MX" and _rfc_shape(value):
                # The SAT's register of RFCs, which a PAC checks a CFDI 4.0 against before
                # stamping it, has RFCs whose check digit python-stdnum rejects.
                return value.upper()
            what = "RUT" if country == "CL" else "RFC"
            self.error(element, field, _("'{value}' is not a valid {what}; expected {expected}",
                                         value=value, what=what,
                                         expected=_(expected_format(country))))
            return None

    def integer(self, raw: str | None, element: Element, field: str) -> int | None:
        """A whole number when present, or an error."""
        if raw is None or not raw.strip():
            return None
        if not raw.strip().isdigit():
            self.error(element, field, _("'{value}' is not a whole number", value=raw))
            return None
        return int(raw.strip())


def _rfc_shape(value: str) -> bool:
    """True when `value` has the form of an RFC (letters, a valid date, homoclave)."""
    try:
        rfc.validate(value, validate_check_digits=False)
    except ValidationError:
        return False
    return True
