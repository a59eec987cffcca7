"""SWIFT MT940 statements and MT942 interim reports, read by the `mt-940` library.

The library parses each tag; this module finds the statements and their tags (with the line each
starts on), checks what the library lets pass (a second :25:, a balance without its currency, a
file cut before its closing balance) and maps the result onto `ParsedStatement`. The :61:
references are taken from the line as written, and the :86: details are read by
`_mt940_details` (numbered German/Polish/Triodos sub-fields, Dutch /KEY/value fields, free text).

Before the library reads a statement, what banks write their own way is put the way it expects
(`_library_text`): a :61: with a space before its type code or with none, amounts with a
decimal point, a :28C: it cannot read, and :86: texts about the statement rather than a line.

An MT942 report's :90D:/:90C: (number and sum of its debit and credit entries) are kept on the
statement as `totals`, for `checks.py` to hold the movements to, as it holds them to balances.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import mt940
from mt940.models import Balance, Transaction, Transactions
from stdnum import iban

from cobranza.i18n import _
from cobranza.statements.formats._mt940_details import Details, read_details
from cobranza.statements.formats._text import (
    clean,
    decode,
    join,
    optional,
    party_in,
    rf_reference,
)
from cobranza.statements.model import ParsedStatement, StatedTotal, StatementError, StatementLine

name = "mt940"

# The tag pattern the library uses (a tag may start with ":" alone on its line), and the tags it
# knows: text that looks like an unknown tag (":12:" in a wrapped timestamp) stays in the field.
_TAG = re.compile(r"^:\n?(?P<tag>(?P<id>\d{2}|NS)[A-Z]?):", re.MULTILINE)
_KNOWN = {str(key) for key in mt940.tags.TAG_BY_ID} | {"28C", "13D", "34F"}
_OPENING, _CLOSING = ("60F", "60M", "60"), ("62F", "62M", "62")
_BALANCE = re.compile(r"[DC]\d{6}[A-Z]{3}(\d[\d,]*|\d+\.\d*)")
# The start of a :61: line up to its amount; what follows should be the 4-character type code.
_MOVEMENT = re.compile(r"(?P<head>\d{6}(\d{4}|\s{4})?R?[DC][A-Z]?)(?P<amount>\d[\d,.]*)"
                       r"(?P<rest>.*)", re.DOTALL)
_NO_CODE = "N   "  # stands in for a missing type code: the library needs one to split movements
_SEQUENCE = re.compile(r"\d{1,5}(/?\d{1,5})?")
_END = re.compile(r"-\s*(XXX)?")  # a message's last line: "-", or ING's "-XXX"
_OPTIONS = mt940.Options.all()
# :61: layouts the library ships besides the standard one, tried in turn when a :61: does not
# match: ASN Bank's 34-character reference, then the long GLS/Atruvia customer reference.
_STATEMENT_TAGS: tuple[dict[int | str, mt940.tags.Tag], ...] = (
    {}, {61: mt940.tags.StatementASNB()}, {61: mt940.tags.StatementGLS()})
# References that say only where the real one is (ING/Rabobank EREF, PREF, MARF; KREF+ of German
# SEPA texts): not a reference of their own.
_PLACEHOLDERS = {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "EREF", "PREF", "MARF", "KREF+",
                 "EREF+"}
# An account on the :61: line before a /KEY/value :86: that gives none (Rabobank: /BENM/ or
# /ORDP/ name the party only): an old Dutch account number, a Postbank "P" one, or zeros for none.
_DUTCH_ACCOUNT = re.compile(r"P?\d{7,10}")
_IBAN_LIKE = re.compile(r"[A-Z]{2}\d{2}[A-Z]{4}\d{7,26}")  # an IBAN's shape: NL55RABO0...
# Old Rabobank :61: lines: the counterparty's account padded to the 16 characters of the
# reference, then its name ("N0440121470966      W.P. Jansen").
_PADDED_ACCOUNT = re.compile(r"(?P<account>NONREF|P?\d{1,14}) {2,}(?P<name>\S.*)")
_TOTALS = {"90D": "sum_debit_entries", "90C": "sum_credit_entries"}
# The amounts the :61: supplementary details may give by the SWIFT usage rules (field 61,
# subfield 9): the original amount and the charges, "/OCMT/USD4500,00/" and "/CHGS/EUR0,50/".
# No words of the payer's: the digits would be searched for invoice numbers.
_AMOUNT_CODES = re.compile(r"/(?:OCMT|CHGS)/[A-Z]{3}\d[\d,.]*/?")
# Where the currency is in the tags that state one: balances (C240131EUR...), the MT942 floor
# limit (EURD0,) and its totals (2EUR51,).
_CURRENCY = {**dict.fromkeys(("60", "62", "64", "65"), r"[DC]\d{6}([A-Z]{3})"),
             "34": r"([A-Z]{3})", "90": r"\d*([A-Z]{3})"}


def identify(head: bytes) -> bool:
    """True for MT940/MT942 text: a :20: reference and an account, balance or movement tag."""
    text = _at_signs(head.decode("latin-1"))
    return bool(re.search(r"(?m)^:20:", text)) and bool(
        re.search(r"(?m)^:(25|28C?|60[FM]?|61|34F):", text))


@dataclass(frozen=True)
class _Tag:
    """One tag of the file: its id as written (60F), its value and the line it starts on.

    `raw` is the value with the spaces that end its lines: in numbered :86: sub-fields a line
    break falls anywhere, and a space before it is part of the text."""

    tag: str
    value: str
    line: int
    start: int
    raw: str = ""


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read every statement (every :20: block) of an MT940 or MT942 file."""
    text = _unwrap_envelope(_at_signs(decode(data)))
    tags = _tags(text)
    if not tags or tags[0].tag != "20":
        line = tags[0].line if tags else 1
        raise StatementError(file, line, ":20:", _(
            "no MT940 statement found; a statement starts with the :20: reference tag"))
    starts = [i for i, t in enumerate(tags) if t.tag == "20"] + [len(tags)]
    statements = []
    for first, end in zip(starts, starts[1:], strict=False):
        block = tags[first:end]
        _check_block(block, file)
        parsed = _parse_block(_library_text(block), block, file)
        statements.append(_statement(parsed, block, file))
    return statements


_AT_SIGNS = re.compile(r"@@(?=:(20|25|28C?|60[FM]?|61|86):)")


def _at_signs(text: str) -> str:
    """The text with its line breaks where a FinTS (HBCI) download writes "@@" for them, the
    whole statement on one line: each "@@" a line end (a located error's line is then the
    line as the bank meant it, counted between the "@@"s)."""
    return text.replace("@@", "\n") if _AT_SIGNS.search(text) else text


def _unwrap_envelope(text: str) -> str:
    """The text with \\n line ends, SWIFT envelope lines and bank headers between messages blanked."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out, between = [], False
    for raw in lines:
        line = "".join(c for c in raw if c == "\t" or c >= " ")
        if line.startswith("{1:") or line.startswith(("-}", "}")):
            line = ""
        if _END.fullmatch(line.strip()):  # a message ends: until the next tag is a header
            between, line = True, ""
        elif between and line.startswith(":") and _TAG.match(line):
            between = False
        elif between:
            line = ""
        out.append(line)  # one output line per input line keeps line numbers right
    return "\n".join(out)


def _tags(text: str) -> list[_Tag]:
    """The known tags of the text, each with its value and line."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found = [m for m in _TAG.finditer(text) if m.group("tag") in _KNOWN or m.group("id") in _KNOWN]
    tags = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        raw = text[match.end():end].strip("\n")
        value = "\n".join(s.rstrip() for s in raw.strip().split("\n"))
        line = bisect.bisect_right(starts, match.start())
        tags.append(_Tag(match.group("tag"), value, line, match.start(), raw))
    return tags


def _check_block(block: list[_Tag], file: str) -> None:
    """What the library lets pass: one account, both balances, movements inside them."""
    head, ids = block[0], [t.tag for t in block]
    accounts = [t for t in block if t.tag == "25"]
    if not accounts:
        raise StatementError(file, head.line, ":25:", _(
            "the statement has no :25: account identification"))
    if len(accounts) > 1 or "\n" in accounts[0].value:
        bad = accounts[1] if len(accounts) > 1 else accounts[0]
        raise StatementError(file, bad.line, ":25:", _(
            "a second or multi-line :25: account identification in one statement; the file"
            " is damaged"))
    for tag in block:
        if tag.tag[:2] in {"60", "62", "64", "65"} and not _BALANCE.fullmatch(tag.value):
            raise StatementError(file, tag.line, f":{tag.tag}:", _(
                "'{value}' is not a balance; expected D or C, the date as YYMMDD, the currency"
                " and the amount, as in C240131EUR1234,56", value=tag.value))
        if tag.tag[:2] in {"60", "62", "64", "65"} and _no_day(tag.value[1:7]):
            raise _not_a_date(tag.value[1:7], file, tag.line, tag.tag)
    _check_currency(block, file)
    opening = any(t in _OPENING for t in ids)
    closing = next((i for i, t in enumerate(ids) if t in _CLOSING), None)
    if not opening and "34F" not in ids and "34" not in ids:
        raise StatementError(file, head.line, ":60F:", _(
            "the statement has no opening balance (:60F:) nor, as an MT942 report, a floor"
            " limit (:34F:)"))
    if opening and closing is None:
        raise StatementError(file, block[-1].line, ":62F:", _(
            "the statement has no closing balance (:62F:); the file may be truncated"))
    late = next((t for t in block[(closing or len(block)):] if t.tag == "61"), None)
    if late is not None:
        raise StatementError(file, late.line, ":61:", _(
            "a movement after the closing balance; expected a new statement (:20:) first"))


def _check_currency(block: list[_Tag], file: str) -> None:
    """One statement, one currency: every balance, floor limit and total states the same.

    SWIFT's network rules (MT940 C1, MT942 C1/C2) hold only the first two letters alike, so
    that a country's old and new currency may meet in one statement; so does this check. The
    library would take the first currency for every movement and balance."""
    stated = [(tag, found[1]) for tag in block
              if (found := re.match(_CURRENCY.get(tag.tag[:2], "(?!)"), tag.value))]
    if not stated:
        return
    first, expected = stated[0]
    for tag, currency in stated[1:]:
        if currency[:2] != expected[:2]:
            raise StatementError(file, tag.line, f":{tag.tag}:", _(
                "the statement is in {currency} (:{first}: on line {line}) but this tag states"
                " {other}; one statement holds one account in one currency",
                currency=expected, first=first.tag, line=first.line, other=currency))


def _library_text(block: list[_Tag]) -> str:
    """The statement as the library should read it: movements in the form it expects."""
    return "\n".join(f":{tag}:{value}" for tag, value, _line in _for_library(block)) + "\n"


def _for_library(block: list[_Tag]) -> list[tuple[str, str, int]]:
    """The tags the library is given, each (tag, value as given, line).

    A :86: that follows no movement (after the opening or closing balance) is about the
    statement, not about the line before it, and is left out; so is a :28C: the library cannot
    read, as the statement number is only informative.
    """
    parts, previous = [], ""
    for tag in block:
        if tag.tag == "86" and previous not in ("61", "86"):
            continue
        if tag.tag == "NS":  # a bank's own field between a movement and its details
            parts.append((tag.tag, tag.value, tag.line))
            continue
        value = tag.value
        if tag.tag in ("28", "28C") and not _SEQUENCE.fullmatch(value.strip()):
            continue
        if tag.tag[:2] in {"60", "62", "64", "65"}:
            value = value.replace(".", ",")  # a decimal point, as old Rabobank exports write it
        elif tag.tag == "61":
            value = _movement(value)
        parts.append((tag.tag, value, tag.line))
        previous = tag.tag
    return parts


def _movement(value: str) -> str:
    """A :61: value with its amount and type code where the library looks for them."""
    match = _MOVEMENT.match(value)
    if match is None:
        return value
    amount = match["amount"]
    if "," not in amount:
        amount = amount.replace(".", ",")
    # The bank reference wrapped onto the next line after a full customer reference: the
    # library would take it for supplementary details and lose the bank's id of the movement.
    rest = re.sub(r"\A((?:(?!//)[^\n])*)\n(?=//)", r"\1", match["rest"])
    if re.match(r" +[NSF][A-Z0-9]{3}", rest):  # "C50,00 NTRF...": a space before the code
        rest = rest.lstrip(" ")
    elif rest.startswith("NONREF") or not re.match(r"[A-Z]", rest):  # no type code at all
        rest = _NO_CODE + rest
    return match["head"] + amount + rest


# The :86: details are read here (`_mt940_details`), not by the library's processor.
_PROCESSORS: dict[str, list[Callable[..., dict[str, Any]]]] = {"post_transaction_details": []}


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the library's error log while layouts are tried: a miss is expected, not a fault."""
    logger = logging.getLogger("mt940")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


# What the library raises on text it cannot read (AttributeError: a :90: without its D or C).
_LIBRARY_ERRORS = (RuntimeError, ValueError, ArithmeticError, KeyError, TypeError, IndexError,
                   AttributeError)


def _parse_block(text: str, block: list[_Tag], file: str) -> Transactions:
    """The library's reading of one statement, trying its :61: variants; located errors."""
    with _quiet():
        for tags in _STATEMENT_TAGS:
            parsed = Transactions(processors=_PROCESSORS, tags=tags, options=_OPTIONS)
            try:
                parsed.parse(text)
                return parsed
            except _LIBRARY_ERRORS:
                continue
        error = _located(block, file)
    # Raised outside the block: a context manager cannot re-raise a frozen exception.
    raise error


def _located(block: list[_Tag], file: str) -> StatementError:
    """The error for the first tag of the block the library cannot read on its own, as it was
    given to the library (a :28C: left out is not blamed)."""
    for tag, value, line in _for_library(block):
        try:
            for tags in _STATEMENT_TAGS:
                try:
                    Transactions(processors=_PROCESSORS, tags=tags, options=_OPTIONS).parse(
                        f":{tag}:{value}")
                    break
                except RuntimeError:
                    if tags is _STATEMENT_TAGS[-1]:
                        raise
        except _LIBRARY_ERRORS:
            dates = re.match(r"(\d{6})(\d{4})?", value) if tag == "61" else None
            if dates and _no_day(dates[1]):
                return _not_a_date(dates[1], file, line, tag)
            if dates and dates[2] and _no_day("00" + dates[2]):  # 2000: 29 February is a day
                return StatementError(file, line, f":{tag}:", _(
                    "'{value}' is not a month and day; expected the entry date as MMDD, as in"
                    " 0131", value=dates[2]))
            return StatementError(file, line, f":{tag}:", _(
                "'{value}' cannot be read; check the date (YYMMDD), the D/C mark and the amount"
                " (digits with a decimal comma)", value=clean(value)))
    return StatementError(file, block[0].line, ":20:", _(
        "the statement cannot be read as MT940"))


def _no_day(digits: str) -> bool:
    """True for six digits, YYMMDD, that are no day (260230)."""
    try:
        date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return True
    return False


def _not_a_date(digits: str, file: str, line: int, tag: str) -> StatementError:
    return StatementError(file, line, f":{tag}:", _(
        "'{value}' is not a date; expected YYMMDD, as in 240131", value=digits))


def _statement(parsed: Transactions, block: list[_Tag], file: str) -> ParsedStatement:
    """One `ParsedStatement` from the library's reading of a :20: block."""
    currency = parsed.currency
    if currency is None and len(parsed):
        raise StatementError(file, block[0].line, ":60F:", _(
            "the statement states no currency (no balance and no floor limit)"))
    data = parsed.data
    opening = _first(data, "final_opening_balance", "intermediate_opening_balance",
                     "opening_balance")
    closing = _first(data, "final_closing_balance", "intermediate_closing_balance",
                     "closing_balance")
    movements = _movements(block)
    if len(movements) != len(parsed):
        # The library passed over a :61: it could not read (no transaction type, say).
        raise StatementError(file, block[0].line, ":61:", _(
            "the statement has {n} movements (:61:) but {read} could be read; check each :61: "
            "line: its date (YYMMDD), D/C mark, amount with a decimal comma and transaction "
            "type", n=len(movements), read=len(parsed)))
    account = next(t.value for t in block if t.tag == "25")
    stated = next((t for t in block if t.tag in _CLOSING), None)
    return ParsedStatement(
        format=name, account=_account(account, currency), currency=currency,
        lines=[_line(tx, currency or "", movement, details)
               for tx, (movement, details) in zip(parsed, movements, strict=True)],
        # The :20: as written: the library cuts it at the 16 characters of the standard, and
        # some banks' references are longer (Penta's 18).
        statement_ref=optional(block[0].value),
        opening_balance=_amount(opening), closing_balance=_amount(closing),
        period_start=opening.date if opening else None,
        period_end=closing.date if closing else None, line=block[0].line,
        closing_line=stated.line if stated else 0,
        closing_field=f":{stated.tag}:" if stated else "",
        totals=_totals(data, block))


def _totals(data: dict[str, Any], block: list[_Tag]) -> list[StatedTotal]:
    """The number and sum of debit (:90D:) and credit (:90C:) entries an MT942 report states."""
    found = []
    for tag in block:
        stated = data.get(_TOTALS.get(tag.tag, ""))
        if stated is not None:
            found.append(StatedTotal(
                field=f":{tag.tag}:", line=tag.line, credit=tag.tag == "90C",
                count=int(stated.number or 0), amount=abs(stated.amount)))
    return found


def _movements(block: list[_Tag]) -> list[tuple[_Tag, list[_Tag]]]:
    """Each :61: of the block with the :86: tags that follow it."""
    movements: list[tuple[_Tag, list[_Tag]]] = []
    previous = ""
    for tag in block:
        if tag.tag == "61":
            movements.append((tag, []))
        elif tag.tag == "86" and previous in ("61", "86"):
            movements[-1][1].append(tag)
        # NS (a bank's own field, such as the payer's address) may come between a :61: and
        # its :86:.
        if tag.tag != "NS" and (tag.tag != "86" or previous in ("61", "86")):
            previous = tag.tag
    return movements


def _account(value: str, currency: str | None) -> str:
    """The :25: account without what some banks add to it: leading slashes (Polish banks "/PL..",
    Austrian Raiffeisen "//AT39364/..") or the statement's currency after the number (Rabobank
    and bunq "NL..RABO.. EUR", "BLZ/KontoEUR", Raiffeisen "../12345678912/EUR")."""
    account = clean(value).lstrip("/")
    head = account[:-3]
    if currency and account.endswith(currency) and (head[-1:].isdigit() or head[-1:] in " /"):
        account = head.rstrip(" /")
    return account


def _first(data: dict[str, Any], *keys: str) -> Balance | None:
    """The first of the balances present."""
    return next((data[k] for k in keys if isinstance(data.get(k), Balance)), None)


def _amount(balance: Balance | None) -> Decimal | None:
    """The signed amount of a balance (D is negative)."""
    if balance is None or isinstance(balance.amount, str) or balance.amount is None:
        return None
    return balance.amount.amount


def _line(tx: Transaction, currency: str, movement: _Tag, texts: list[_Tag]) -> StatementLine:
    """One movement: :61: for dates, amount and references, :86: for who paid and why."""
    d = tx.data
    details = read_details([t.value for t in texts], [t.raw for t in texts])
    own_ref, bank_ref, extra = _references(movement.value, d)
    extra = clean(_AMOUNT_CODES.sub(" ", extra))
    # Some banks (Danske Bank) write free text where the bank reference goes: it names one
    # movement only when it looks like an id, else equal words on two days would be one payment.
    if bank_ref.upper() in _PLACEHOLDERS or not re.fullmatch(r"\S*\d\S*", bank_ref):
        transaction_id = None
    else:
        transaction_id = bank_ref
    trcd = re.fullmatch(r"/TRCD/([^/]*)/?", extra)  # ING's transaction code on the :61: line
    name, account = details.name, details.account
    padded = _PADDED_ACCOUNT.fullmatch(own_ref) if len(own_ref) > 16 else None
    if padded and not (name or account):  # old Rabobank: account and name on the :61: line
        own_ref, name = "", padded["name"]
        account = None if padded["account"] == "NONREF" else padded["account"]
    own_ref = clean(own_ref)
    if name is None and not details.structured and details.code is None:
        # Free text naming the payer as a cartola does ("TRANSF DE ...", Latin American banks).
        name = party_in(details.remittance, credit=d["amount"].amount > 0)
    party = _party_account(extra, details) if not account else None
    remittance = join([details.remittance,
                       None if own_ref.upper() in _PLACEHOLDERS else own_ref,
                       None if transaction_id or bank_ref.upper() in _PLACEHOLDERS else bank_ref,
                       None if trcd or party is not None else extra])
    kind = None if d.get("id") == _NO_CODE else d.get("id")
    code = join([kind, details.code, trcd and trcd[1]]).replace(" / ", " ")
    return StatementLine(
        booking_date=d.get("entry_date") or d["date"], value_date=d["date"],
        amount=d["amount"].amount, currency=currency,
        counterparty_name=optional(name), counterparty_account=optional(account or party),
        remittance=remittance, end_to_end_id=details.end_to_end,
        creditor_reference=details.creditor_reference
        or rf_reference(remittance, details.text),
        transaction_id=transaction_id, bank_code=code or None, line=movement.line)


def _references(value: str, d: dict[str, Any]) -> tuple[str, str, str]:
    """The :61: customer reference (its inner spaces as written), bank reference and
    supplementary details.

    Read from the line itself, as the library's pattern cuts a reference at its standard
    width: the bank reference (16 characters) of BIL and other banks runs longer, and a
    longer customer reference would lose its end, and the bank reference after it, to the
    supplementary details.
    """
    match = _MOVEMENT.match(_movement(value))
    if match is None:  # the library read what this pattern does not (a line break in the amount)
        return (clean(d.get("customer_reference")), clean(d.get("bank_reference")),
                clean(d.get("extra_details")))
    first, _break, extra = match["rest"][4:].partition("\n")  # after the type code
    own, _slashes, bank = first.partition("//")
    return own.strip(), clean(bank), clean(extra)


def _party_account(extra: str, details: Details) -> str | None:
    """The counterparty's account on the :61: line's supplementary details, if that is what
    they hold: a valid IBAN, or before /KEY/value details that give none (Rabobank: /BENM/,
    /ORDP/, /PREF/) one shaped as an IBAN or an old Dutch account number ("" when it is all
    zeros: no account)."""
    if iban.is_valid(extra):
        return iban.compact(extra)
    if details.structured and _DUTCH_ACCOUNT.fullmatch(extra):
        return extra if extra.strip("0") else ""
    if details.structured and _IBAN_LIKE.fullmatch(extra):
        # Rabobank's :61: second line is the counterparty's IBAN, as written even where its
        # check digits fail (an anonymised or mistyped one): an account, not remittance words.
        return extra
    return None
