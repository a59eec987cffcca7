"""What the lines above a CSV or Excel export's header state about the statement: its account and
its currency, as Chilean cartolas write them ("Cuenta Corriente N°: 0-000-9486738-0",
"Moneda: PESOS DE CHILE") and ING Germany its IBAN, for files whose rows name neither; and its
opening and closing balances, from a "Saldos" block (Banco Santander Chile's cartola)."""

from __future__ import annotations

import re
from typing import NamedTuple

from cobranza.core.money import is_currency
from cobranza.importers.columns import normalise_header

# The account a preamble states ("Cuenta Corriente N°: 0-000-9486738-0", Banco Santander Chile's
# cartola; "Número de cuenta: ...", "Account number: ...").
# The label and the number may share a cell or stand in two ("Cuenta Corriente N°:;0212345678",
# Itaú Chile; "Número de cuenta:;ES12 1465 ...", ING España, an IBAN read without its spaces).
_STATED_ACCOUNT = re.compile(
    r"(?:^|[\s,;\"])(?:cuenta(?:\s+(?:corriente|vista|de\s+ahorros?|rut))?|n[°º]?\s*de\s+cuenta|"
    r"n[uú]mero\s+de\s+cuenta|account(?:\s+(?:number|no\.?))?)\s*(?:n[°º]\.?)?\s*:[\s,;\t\"]*"
    r"(?P<account>[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?=[\s,;\t\"]*(?:[,;\t]|$))"
    r"|\d[\d .\-]{4,}[\dkK])", re.IGNORECASE)


# An account written after "cta:" or "Cta." in a title line (Banco de Chile's historical
# cartola: "CAYLO PREMIUM SpA (077196005-7) cta:002161402707"); a number is required.
_STATED_CTA = re.compile(
    r"(?:^|[\s,;\"(])cta(?:\.\s*|\s*:\s*)(?:n[°º]\.?\s*:?\s*)?(?P<account>\d[\d.\-]{4,}[\dkK])\b",
    re.IGNORECASE)


# An IBAN a preamble states, its label and the IBAN each a cell or after a colon (ING Germany:
# "IBAN;DE12 3456 7890 1234 5678 90"), read without its spaces. The IBAN must end its cell: one
# that other words follow ("IBAN: DE12 ... BIC: INGDDEFFXXX") is not taken, where it ends being
# unclear; nor is "Kontonummer/IBAN", a header's words.
_STATED_IBAN = re.compile(
    r"(?:^|[,;\t\"])\s*iban(?=[\s\"]*[:;,\t])[\s\":;,\t]+"
    r"(?P<iban>[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30})\"?\s*(?=[,;\t]|$)", re.IGNORECASE)


def stated_account(preamble: list[str]) -> str | None:
    """The one account the lines above the header state, or None (none, or two)."""
    found = {_compact(m["account"]) for line in preamble
             for pattern in (_STATED_ACCOUNT, _STATED_CTA) for m in pattern.finditer(line)}
    found |= {"".join(m["iban"].split()).upper()
              for line in preamble for m in _STATED_IBAN.finditer(line)}
    return found.pop() if len(found) == 1 else None


def _compact(account: str) -> str:
    """An account as stated; an IBAN without its spaces."""
    text = account.strip()
    return "".join(text.split()).upper() if text[:2].isalpha() else text


# The currency a preamble states ("Moneda: PESOS DE CHILE", "Moneda: DOLAR USA"): an ISO code,
# or the words of dollars, euros, Chilean or Mexican pesos ("PESOS" alone says no country).
_STATED_CURRENCY = re.compile(
    r"(?:^|[\s,;\"])(?:moneda|currency|divisa)\s*:[\s,;\t\"]*(?P<name>[^,;\"\t]+)", re.IGNORECASE)
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


# The labels of a balances block: a row naming the opening and the closing balance among other
# totals (Santander Chile: SALDO INICIAL, DEPÓSITOS, OTROS ABONOS, ..., SALDO FINAL; Mercado
# Pago: INITIAL_BALANCE;CREDITS;DEBITS;FINAL_BALANCE), and the row beneath it the figures,
# column by column. Or each label starting a row of its own, its figure the row's last cell
# (UBS: "Opening balance:;10000.00;"; Bank of America: "Beginning balance as of 03/01/2026,,
# "1,000.00"", a date after the label).
_OPENING_LABELS = frozenset({"saldo inicial", "saldo anterior", "opening balance",
                             "initial balance", "beginning balance", "starting balance"})
_CLOSING_LABELS = frozenset({"saldo final", "closing balance", "final balance",
                             "ending balance"})
_AS_OF = re.compile(r"^(?:as of|as at|on|al|del?)\b")


class StatedBalances(NamedTuple):
    """The opening and closing balances a preamble states, as written, with where."""

    line: int  # the figures' line (1-based, in the file)
    opening_label: str
    opening: str
    closing_label: str
    closing: str


def stated_balances(rows: list[list[str]]) -> StatedBalances | None:
    """The balances a block of the preamble's rows (its lines split into cells) states: the
    figures under the opening and closing labels in the next non-empty row; None without such
    a block, or with a figure left empty."""
    for at, row in enumerate(rows):
        labels = [normalise_header(cell) for cell in row]
        opening = next((i for i, label in enumerate(labels) if label in _OPENING_LABELS), None)
        closing = next((i for i, label in enumerate(labels) if label in _CLOSING_LABELS), None)
        if opening is None or closing is None:
            continue
        below = next((n for n in range(at + 1, len(rows)) if any(c.strip() for c in rows[n])),
                     None)
        if below is None:
            return None
        figures = rows[below]
        if max(opening, closing) >= len(figures):
            return None
        first, last = figures[opening].strip(), figures[closing].strip()
        if not first or not last:
            return None
        return StatedBalances(below + 1, row[opening].strip(), first, row[closing].strip(), last)
    return _row_balances(rows)


def _row_balances(rows: list[list[str]]) -> StatedBalances | None:
    """The balances each stated on a row of its own: the label first (a date may follow it),
    the figure the row's last filled cell; None unless both are there, once each."""
    found: dict[bool, list[tuple[int, str, str]]] = {True: [], False: []}
    for at, row in enumerate(rows):
        cells = [(i, cell.strip()) for i, cell in enumerate(row) if cell.strip()]
        if len(cells) == 1 and ":" in cells[0][1]:
            # The label and its figure in one cell, as a cartola states its account:
            # "Saldo Final: $ 1.530.000".
            label, _colon, figure = cells[0][1].rpartition(":")
            cells = [(0, label.strip()), (1, figure.strip())]
        if len(cells) < 2 or not cells[-1][1]:
            continue
        label = normalise_header(cells[0][1])
        for opening, labels in ((True, _OPENING_LABELS), (False, _CLOSING_LABELS)):
            named = next((known for known in labels if label == known
                          or (label.startswith(known + " ")
                              and _AS_OF.match(label[len(known) + 1:]))), None)
            if named is not None:
                found[opening].append((at, cells[0][1], cells[-1][1]))
    if len(found[True]) != 1 or len(found[False]) != 1:
        return None
    (at, opening_label, first), (_end, closing_label, last) = found[True][0], found[False][0]
    return StatedBalances(at + 1, opening_label, first, closing_label, last)
