"""Which column of a bank's export holds which statement field (`formats.csv`): the preset's
spellings (`formats._preset`) or a mapping, the currency a money header names, and which column
is a movement's amount when a file has several (a net beside a gross amount and a fee, a card
issuer's charge) or states its direction apart (a sign column).

Headers are recognised the same way for every bank, never by a per-bank table: exact spellings
first, then a header that starts with a known spelling and adds words ("Concepto /
Referencia"), the longest spelling deciding ("Fecha Valor ..." is the value date, not the
booking date). Only headers no other export has name a provider's layout whose amounts read
otherwise (`_preset.CARD`, `_preset.TRANSFER_SIDES`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cobranza.core.money import is_currency
from cobranza.i18n import _
from cobranza.importers.columns import normalise_header
from cobranza.statements.formats._preset import (
    CARD,
    CREDIT_WORDS,
    DEBIT_WORDS,
    MONTH_FIRST_LAYOUTS,
    OTHER,
    PAYPAL_ACTIVITY,
    PRESET,
    SIDE_WORDS,
    TRANSFER_SIDES,
    US_TIME_ZONES,
)
from cobranza.statements.formats._rows import footer, summary
from cobranza.statements.model import StatementError

FIELDS = tuple(PRESET)
# The fields of a movement's words: a second column of one (BNP's "Libellé opération" beside
# its "Libellé court", BBVA México's "Referencia Ampliada" beside its "Referencia") is read as
# more of the remittance (`MORE`), not left out.
TEXT = frozenset({"description", "concept", "reference"})
MORE = "more text"  # the prefix of such a column's key: "more text 1", "more text 2"
_NUMBERED = re.compile(r"^(?P<base>\D+?) ?\d{1,2}$")
MONEY = ("amount", "debit", "credit", "balance", "charge", "fee")
# The columns one of which gives a movement's amount.
AMOUNTS = frozenset({"amount", "debit", "credit", "charge"})
# A money header may name its currency: a trailing note in parentheses, "Cargos (CLP)", or a
# trailing code written in capitals, "Importe MXN" (capitals only: "Monto top" is no Tongan pa'anga).
_NOTE = re.compile(r"^(?P<base>.*?\S)\s*\((?P<note>[^()]*)\)$")
# Symbols that name one currency only ("Importe (€)", ING España); "$" names several.
_SYMBOLS = {"€": "EUR", "£": "GBP"}
_CODE = re.compile(r"^(?P<base>.*\S)\s+(?P<note>[A-Z]{3})$")
_NEGATIVE = re.compile(r"[-\u2212(]")
# A cell that is a whole date, day, month and year (31.12.2022, 12/31/2022, 2022-12-31): never
# an amount, which has one decimal mark or groups of three digits.
_FULL_DATE = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{2}(?:\d{2})?|\d{4}([-/.])\d{1,2}\2\d{1,2}")


class LayoutRefused(StatementError):
    """A header the reader knows and refuses: the file holds no account's movements."""


def split_note(header: str) -> tuple[str, str]:
    """The header without a trailing note, and the note: "Cargos (CLP)" -> ("Cargos", "CLP")."""
    text = header.strip()
    match = _NOTE.match(text) or _CODE.match(text)
    return (match["base"], match["note"].strip()) if match else (text, "")


def header_currency(header: list[str], columns: dict[str, int], file: str, *,
                    line: int) -> str:
    """The ISO code the money headers name ("Saldo (CLP)"), "" when none; two codes are an error."""
    notes = [split_note(header[columns[field]])[1] for field in MONEY if field in columns]
    codes = {code for note in notes
             for code in [_SYMBOLS.get(note, note.upper())] if is_currency(code)}
    if len(codes) > 1:
        raise StatementError(file, line, "currency", _(
            "the headers name different currencies ({codes}); give the account's currency "
            "(--currency) and the columns to read (--map)", codes=", ".join(sorted(codes))))
    return codes.pop() if codes else ""


def field_of(key: str) -> str | None:
    """The field a normalised header names: an exact spelling, else the longest leading one;
    an amount's or a net's header that adds one side's word is that side ("Monto debitado";
    Mercado Pago's "NET_CREDIT_AMOUNT" and "NET_DEBIT_AMOUNT", a pair read as credit minus
    debit, not the first of two nets); a text
    field's spelling numbered is that field ("Description1" at UBS, "Referencia 2" at
    Sabadell)."""
    if key in OTHER:
        return None
    for field, spellings in PRESET.items():
        if key in spellings:
            return field
    numbered = _NUMBERED.match(key)
    if numbered and (base := field_of(numbered["base"])) in TEXT:
        return base
    leading = [(len(spelling), field) for field, spellings in PRESET.items()
               for spelling in spellings if key.startswith(spelling + " ")]
    named = max(leading)[1] if leading else None
    words = set(key.split())
    if named in ("amount", "net") and bool(words & DEBIT_WORDS) != bool(words & CREDIT_WORDS):
        return "debit" if words & DEBIT_WORDS else "credit"
    return named


def find_columns(header: list[str], mapping: Mapping[str, str] | None, file: str,
                 line: int = 1) -> dict[str, int]:
    """Which position holds each field: the mapping first, then the preset's spellings."""
    normalised = [normalise_header(h) for h in header]
    keys = [normalise_header(split_note(h)[0]) for h in header]
    found: dict[str, int] = {}
    for field, wanted in (mapping or {}).items():
        if field not in PRESET:
            raise StatementError(file, line, field, _(
                "--map: '{field}' is not a statement field; expected one of {fields}",
                field=field, fields=", ".join(FIELDS)))
        if normalise_header(wanted) not in normalised:
            raise StatementError(file, line, field, _(
                "--map: the file has no column '{header}'", header=wanted))
        found[field] = normalised.index(normalise_header(wanted))
    # Exact spellings first, so "Fecha" wins over a "Fecha Contable Banco" further along; among
    # exact ones the spelling the preset lists first, then the leftmost column.
    fields = [field_of(key) for key in keys]
    exact = sorted((PRESET[named].index(key), i) for i, (key, named)
                   in enumerate(zip(keys, fields, strict=True))
                   if named is not None and key in PRESET[named])
    leading = [i for i, (key, named) in enumerate(zip(keys, fields, strict=True))
               if named is not None and key not in PRESET[named]]
    for i in [i for _rank, i in exact] + leading:
        named = fields[i]
        if named is not None and named not in found and i not in found.values():
            found[named] = i
    more = [i for i, named in enumerate(fields) if named in TEXT and i not in found.values()]
    by_start = {named for i in leading if (named := fields[i]) is not None
                and found.get(named) == i} - set(mapping or {})
    if "date" not in found and "value_date" in found:
        found["date"] = found.pop("value_date")  # the movement's only date
    if TRANSFER_SIDES <= set(keys):
        raise LayoutRefused(file, line, "", _(
            "the file lists transfers, each with the amount that left one side and the amount "
            "that reached the other (Wise's transaction history), not an account's movements; "
            "export the account's statement instead"))
    found = _money_columns(found, keys, set(mapping or {}), by_start)
    found.update({f"{MORE} {n}": i for n, i in enumerate(more, start=1)
                  if i not in found.values()})
    if "date" not in found or not AMOUNTS & found.keys():
        raise StatementError(file, line, "", _(
            "the header has no date and amount columns (such as Fecha and Monto, or Cargo and"
            " Abono); name them with --map date=HEADER --map amount=HEADER"))
    return found


def _money_columns(found: dict[str, int], keys: list[str], named: set[str],
                   by_start: set[str]) -> dict[str, int]:
    """Which column is a movement's amount: the net where a file has one (beside a gross amount
    and a fee, as PayPal and Stripe write), a card issuer's charge (`CARD`), else debit and
    credit columns over an amount the mapping does not name; `named`: the fields the mapping
    gives, never overridden; `by_start`: the fields found by a header's start only."""
    if "amount" not in named and named & {"debit", "credit"}:
        # The mapping says the movement is in debit and credit columns: an amount (or net)
        # the preset found is some other figure (Zürcher Kantonalbank's "Amount details").
        found.pop("amount", None)
        found.pop("net", None)
    elif "amount" in by_start and found.keys() & {"debit", "credit"}:
        # "Amount ..." beside debit and credit columns qualifies another figure (an amount in
        # another currency, a collective payment's parts), not the movement's.
        found.pop("amount")
    net = found.pop("net", None)
    if net is not None:
        if "amount" not in named:
            found["amount"] = net
        if "fee" not in named:
            found.pop("fee", None)  # the net is after the fee
    elif "amount" in named and "fee" not in named:
        found.pop("fee", None)  # the mapping names the column that moved the balance
    if "amount" in found and "amount" not in named and CARD & set(keys):
        found["charge"] = found.pop("amount")
    return found


def sign_column(columns: dict[str, int], rows: list[list[str]]) -> dict[str, int]:
    """The columns, with a sign column where unsigned amounts stand beside the one column whose
    every cell is a word of a movement's direction (`SIDE_WORDS`: Davivienda writes "Valor
    Total" unsigned and the direction in "Transacción"); read without it, every debit would be
    money in."""
    at, date_at = columns.get("amount"), columns.get("date")
    if at is None or "sign" in columns:
        return columns
    movements = _movements(rows, date_at)
    if any(at < len(row) and _NEGATIVE.search(row[at]) for row in movements):
        return columns  # a signed amount says its direction itself
    used = set(columns.values())
    width = max((len(row) for row in movements), default=0)
    found = [i for i in range(width) if i not in used and _side_words(movements, i)]
    return {**columns, "sign": found[0]} if len(found) == 1 else columns


def unused_amount(columns: dict[str, int], rows: list[list[str]]) -> dict[str, int]:
    """The columns without an amount column that no movement fills, where debit and credit
    columns stand beside it: Deutsche Bank's export has "Betrag" and writes the movements in
    "Soll" and "Haben". One whose every cell is a date is never an amount: PostFinance's
    "Value" beside "Credit in CHF" and "Debit in CHF" is the value date, read as one."""
    at, date_at = columns.get("amount"), columns.get("date")
    if at is None or not columns.keys() & {"debit", "credit"}:
        return columns
    movements = _movements(rows, date_at)
    cells = [row[at].strip() for row in movements if at < len(row) and row[at].strip()]
    if cells and not all(_FULL_DATE.fullmatch(cell) for cell in cells):
        return columns
    found = {field: i for field, i in columns.items() if field != "amount"}
    if cells and "value_date" not in found:
        found["value_date"] = at
    return found


def own_iban(columns: dict[str, int], header: list[str], rows: list[list[str]],
             mapping: Mapping[str, str] | None) -> dict[str, int]:
    """The columns, with an "IBAN" column read as the statement's own account where nothing in
    the file names another party and every movement gives the same IBAN (Raiffeisen
    Switzerland's first column). Read as the payer's, it would tie every line of the account to
    whichever customer a person first assigned one of them to. Beside a name (DKB, Deutsche
    Bank) "IBAN" is the other party's, one per payer."""
    at = columns.get("counterparty_account")
    if (at is None or "counterparty_account" in (mapping or {})
            or normalise_header(header[at]) != "iban"
            or columns.keys() & {"account", "counterparty_name", "payee_name", "payee_account"}):
        return columns
    date_at = columns.get("date")
    movements = _movements(rows, date_at)
    ibans = {row[at].strip() if at < len(row) else "" for row in movements}
    if len(ibans) != 1 or "" in ibans:
        return columns
    found = dict(columns)
    found["account"] = found.pop("counterparty_account")
    return found


def _movements(rows: list[list[str]], date_at: int | None) -> list[list[str]]:
    """The rows that may be movements: neither empty, nor a total, nor in the closing block."""
    return [row for row in rows[:footer(rows, date_at)]
            if any(cell.strip() for cell in row) and not summary(row, date_at)]


def _side_words(rows: list[list[str]], at: int) -> bool:
    """True when every filled cell of column `at` is a word of a movement's direction."""
    words = {normalise_header(row[at]) for row in rows if at < len(row) and row[at].strip()}
    return bool(words) and words <= SIDE_WORDS


def documented_order(header: list[str], rows: list[list[str]]) -> bool | None:
    """True where the layout is one whose dates its provider documents as month-first
    (`_preset.MONTH_FIRST_LAYOUTS`; PayPal's activity of an account in the United States,
    whose "TimeZone" cells are all its zones), None where the layout says nothing."""
    keys = [normalise_header(h) for h in header]
    if any(layout <= set(keys) for layout in MONTH_FIRST_LAYOUTS):
        return True
    if PAYPAL_ACTIVITY <= set(keys):
        at = keys.index("timezone")
        zones = {normalise_header(row[at]) for row in rows if at < len(row) and row[at].strip()}
        if zones and zones <= US_TIME_ZONES:
            return True
    return None
