"""Payment references the bank line carries back: ISO 11649 RF references and Mexican CLABEs.

An invoice's RF reference is a pure function of the invoice's id, and a customer's fixed
reference of the customer's id, so printing and matching always agree and nothing has to be
stored for them: the matcher decodes the reference back to the id. A virtual CLABE is an account
number of the organisation's bank, one per customer; it is stored (`payment_references`)
because it depends on the bank's prefix, which may change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

# The first character of an RF body says what the number after it identifies.
_INVOICE, _CUSTOMER = "1", "2"
_MIN_DIGITS = 6  # ids are zero-padded so every reference has the same look and some length

# Where a reference may start in free text: "RF", two check digits, not inside a word.
_RF_START = re.compile(r"(?<![A-Z0-9])RF\d{2}")
_DIGITS_18 = re.compile(r"(?<!\d)\d{18}(?!\d)")

# Letters read as numbers for MOD 97-10: A = 10 ... Z = 35.
_AS_DIGITS = str.maketrans({chr(ord("A") + n): str(10 + n) for n in range(26)})
CLABE_WEIGHTS = (3, 7, 1)


@dataclass(frozen=True)
class Decoded:
    """What a valid cobranza RF reference identifies."""

    kind: str  # invoice | customer
    id: int


def rf_reference(body: str) -> str:
    """The electronic form of the ISO 11649 reference for `body` (A-Z, 0-9, ≤ 21 characters)."""
    body = body.upper()
    if not body or len(body) > 21 or not body.isalnum() or not body.isascii():
        raise ValueError(f"an RF reference body is 1 to 21 letters or digits, not {body!r}")
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def invoice_reference(invoice_id: int) -> str:
    """The RF reference printed on an invoice's reminders and letters."""
    return rf_reference(_INVOICE + str(invoice_id).zfill(_MIN_DIGITS))


def customer_reference(customer_id: int) -> str:
    """The customer's fixed RF reference, for payments that cover whatever they owe."""
    return rf_reference(_CUSTOMER + str(customer_id).zfill(_MIN_DIGITS))


def printed(reference: str) -> str:
    """The printed form: groups of four characters ("RF18 0000 0001 23")."""
    return iso11649.format(reference)


def is_rf(reference: str) -> bool:
    """True when `reference` (printed or electronic) has valid ISO 11649 check digits."""
    compact = reference.replace(" ", "").upper()
    if not 5 <= len(compact) <= 25 or compact[:2] != "RF" or not compact.isalnum():
        return False
    # ISO 7064 MOD 97-10 over the body then "RF" and the check digits, letters as 10..35.
    moved = compact[4:] + compact[:4]
    return int(moved.translate(_AS_DIGITS)) % 97 == 1


def decode(reference: str) -> Decoded | None:
    """The invoice or customer a valid cobranza reference names; None for anyone else's."""
    if not is_rf(reference):
        return None
    body = reference.replace(" ", "").upper()[4:]  # as is_rf read it
    if len(body) < 2 or not body.isdigit() or body[0] not in (_INVOICE, _CUSTOMER):
        return None
    return Decoded("invoice" if body[0] == _INVOICE else "customer", int(body[1:]))


def find_rf(text: str) -> list[str]:
    """Every valid RF reference in free text, in electronic form, in order of appearance.

    Printed references are split in groups of four by single spaces, so the characters after
    "RFnn" are read across single spaces (at most 21), and the longest valid prefix wins.
    """
    upper = text.upper()
    found: list[str] = []
    if "RF" not in upper:
        return found
    position = 0
    for start in _RF_START.finditer(upper):
        if start.start() < position:
            continue
        body: list[str] = []
        ends: list[int] = []
        i = start.end()
        while i < len(upper) and len(body) < 21:
            c = upper[i]
            if c.isalnum() and c.isascii():
                body.append(c)
                ends.append(i + 1)
            elif not (c == " " and i + 1 < len(upper) and upper[i + 1].isalnum()
                      and upper[i + 1:i + 3] != "RF"):
                break
            i += 1
        head = start.group()
        for size in range(len(body), 0, -1):
            if is_rf(head + "".join(body[:size])):
                found.append(head + "".join(body[:size]))
                position = ends[size - 1]
                break
    return found


def clabe_check_digit(first17: str) -> str:
    """The 18th digit of a CLABE: weights 3, 7, 1 over the first 17 digits, modulo 10 (Banxico)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"a CLABE check digit needs 17 digits, not {first17!r}")
    total = sum(int(d) * CLABE_WEIGHTS[i % 3] % 10 for i, d in enumerate(first17))
    return str((10 - total % 10) % 10)


def is_clabe(value: str) -> bool:
    """True when `value` is 18 digits with a valid check digit."""
    return (len(value) == 18 and value.isdigit()
            and clabe_check_digit(value[:17]) == value[17])


def virtual_clabe(prefix: str, customer_id: int) -> str:
    """The customer's virtual CLABE: the bank's prefix (bank, plaza, account start), the id."""
    if not prefix.isdigit() or not 6 <= len(prefix) <= 12:
        raise ValueError(f"a CLABE prefix is 6 to 12 digits (bank, plaza, account), not {prefix!r}")
    room = 17 - len(prefix)
    number = str(customer_id)
    if len(number) > room:
        raise ValueError(f"customer id {customer_id} does not fit in a CLABE after {prefix}")
    first17 = prefix + number.zfill(room)
    return first17 + clabe_check_digit(first17)


def find_clabes(text: str) -> list[str]:
    """Every valid CLABE in free text."""
    return [m for m in _DIGITS_18.findall(text) if is_clabe(m)]
