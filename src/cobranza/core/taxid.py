"""Tax identifiers: Chilean RUT and Mexican RFC checked with python-stdnum; others kept as given."""

from __future__ import annotations

import re

from stdnum.cl import rut
from stdnum.exceptions import ValidationError
from stdnum.mx import rfc


class InvalidTaxId(ValueError):
    """The tax id fails its country's format or check digit."""


def normalise(tax_id: str, *, country: str | None) -> str:
    """The canonical stored form (RUT `76123456-7`, RFC upper case compact); raises InvalidTaxId."""
    value = tax_id.strip()
    if country == "CL":
        try:
            compact = rut.validate(value)
        except ValidationError as exc:
            raise InvalidTaxId(str(exc)) from None
        return f"{compact[:-1]}-{compact[-1]}"
    if country == "MX":
        try:
            return str(rfc.validate(value, validate_check_digits=True))
        except ValidationError as exc:
            raise InvalidTaxId(str(exc)) from None
    return value


# Punctuation people put in tax ids; without it, upper-cased, a tax id is its lookup key.
TAX_ID_PUNCTUATION = r"[\s.\-_/]"


def tax_key(tax_id: str) -> str:
    """The lookup key of a tax id: upper case, no punctuation (as customers.tax_key)."""
    return re.sub(TAX_ID_PUNCTUATION, "", tax_id.upper())


def expected_format(country: str | None) -> str:
    """What a valid tax id of the country looks like, for error messages."""
    if country == "CL":
        return "RUT, e.g. 76.123.456-0 (check digit 0-9 or K)"
    if country == "MX":
        return "RFC, e.g. ABC680524P73 (12 characters) or 13 for a person"
    return "a tax id"
