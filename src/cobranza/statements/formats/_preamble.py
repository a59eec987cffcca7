"""What the lines above a CSV or Excel export's header state about the statement: its account and
its currency, as Chilean cartolas write them ("Cuenta Corriente N°: 0-000-9486738-0",
"Moneda: PESOS DE CHILE"), for files whose rows name neither."""

from __future__ import annotations

import re

from cobranza.core.money import is_currency

# The account a preamble states ("Cuenta Corriente N°: 0-000-9486738-0", Banco Santander Chile's
# cartola; "Número de cuenta: ...", "Account number: ...").
_STATED_ACCOUNT = re.compile(
    r"(?:^|[\s,;\"])(?:cuenta(?:\s+(?:corriente|vista|de\s+ahorros?|rut))?|n[°º]?\s*de\s+cuenta|"
    r"n[uú]mero\s+de\s+cuenta|account(?:\s+(?:number|no\.?))?)\s*(?:n[°º]\.?)?\s*:\s*"
    r"(?P<account>\d[\d .\-]{4,}[\dkK])", re.IGNORECASE)


def stated_account(preamble: list[str]) -> str | None:
    """The one account the lines above the header state, or None (none, or two)."""
    found = {m["account"].strip() for line in preamble for m in _STATED_ACCOUNT.finditer(line)}
    return found.pop() if len(found) == 1 else None


# The currency a preamble states ("Moneda: PESOS DE CHILE", "Moneda: DOLAR USA"): an ISO code,
# or the words of dollars, euros, Chilean or Mexican pesos ("PESOS" alone says no country).
_STATED_CURRENCY = re.compile(r"(?:^|[\s,;\"])(?:moneda|currency|divisa)\s*:\s*(?P<name>[^,;\"]+)",
                              re.IGNORECASE)
_CURRENCY_WORDS = (("USD", r"D[OÓ]LAR(?:ES)?(?:\s+(?:US|USA|EE\.?\s*UU\.?|AMERICANOS?|"
                           r"ESTADOUNIDENSES?))?|US\s*DOLLARS?"),
                   ("EUR", r"EUROS?"),
                   ("CLP", r"PESOS?\s+(?:DE\s+CHILE|CHILENOS?)"),
                   ("MXN", r"PESOS?\s+MEXICANOS?"))


def stated_currency(preamble: list[str]) -> str:
    """The one currency the lines above the header state, or "" (none, words not known, two)."""
    found = set()
    for match in (m for line in preamble for m in _STATED_CURRENCY.finditer(line)):
        name = " ".join(match["name"].split()).upper()
        code = name if is_currency(name) else next(
            (code for code, words in _CURRENCY_WORDS if re.fullmatch(words, name)), "")
        if code:
            found.add(code)
    return found.pop() if len(found) == 1 else ""
