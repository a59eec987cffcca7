"""BAI2 cash management balance reports (US and UK banks), read by the `bai2` library.

The library reads the record hierarchy (file, group, account, transaction detail) and checks
its control totals and record counts. This module first puts the text in the one-record-a-line
shape the library expects (several records on a line, a record cut across lines, an account
record continued with 88 records, an empty availability amount written as 0), then maps each account onto a `ParsedStatement`: the 010
opening and 015 closing ledger balances, and each 16 detail signed by its type code.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from bai2 import bai2 as library
from bai2.constants import FundsType, RecordCode, TypeCodeLevel, TypeCodeTransaction
from bai2.exceptions import (
    IntegrityException,
    NotSupportedYetException,
    ParsingException,
)
from bai2.helpers import IteratorHelper
from bai2.parsers import Bai2FileParser

from cobranza.core.money import UnknownCurrency, from_minor
from cobranza.i18n import _
from cobranza.statements.formats._text import decode, join, optional, rf_reference
from cobranza.statements.model import ParsedStatement, StatementError, StatementLine

name = "bai2"

_RECORD = re.compile(r"\d{2},")
_SPLIT = re.compile(r"(?<=/)\s+(?=\d{2},)")
# A 16 detail of funds type S (distributed availability): then its immediate, one-day and
# two-or-more-day amounts, before the bank reference.
_DISTRIBUTED = re.compile(r"(16,[^,/]*,[^,/]*,S,)([^,/]*),([^,/]*),([^,/]*)")
_OPENING_LEDGER, _CLOSING_LEDGER = "010", "015"
_LIBRARY_ERRORS = (ParsingException, IntegrityException, NotSupportedYetException, ValueError,
                   KeyError, IndexError, TypeError, StopIteration, AttributeError)
_CODES = frozenset(code.value for code in RecordCode)


def identify(head: bytes) -> bool:
    """True for BAI2: the file starts with a 01 file header record."""
    return bool(re.match(rb"\s*01,[^,\n]*,[^,\n]*,\d{6},", head))


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read every account of every group of a BAI2 file, one statement each."""
    records = [(line, _zero_availability(text)) for line, text in _records(decode(data))]
    if not records or not records[0][1].startswith("01,"):
        raise StatementError(file, records[0][0] if records else 1, "01", _(
            "not a BAI2 file: it must start with a 01 file header record"))
    if not records[-1][1].startswith("99,"):
        raise StatementError(file, records[-1][0], "99", _(
            "the file ends without its 99 file trailer record; it may be truncated"))
    version = records[0][1].rstrip("/").split(",")[8:9]
    if version and version[0].strip() not in ("", "2"):
        raise StatementError(file, records[0][0], "01", _(
            "BAI version {version} is not read (BTRS 3 lays records out differently); expected a "
            "BAI2 file, version 2", version=version[0].strip()))
    try:
        parsed = library.parse_from_lines([text for _line, text in records])
    except _LIBRARY_ERRORS as exc:
        line, field = (_failing_trailer(records) if isinstance(exc, IntegrityException)
                       else _failing_record(records))
        raise StatementError(file, line, field, _(
            "the BAI2 file cannot be read ({reason}); check the record field counts and amounts",
            reason=str(exc) or type(exc).__name__)
        ) from exc
    accounts = iter([n for n, text in records if text.startswith("03,")])
    details = iter([n for n, text in records if text.startswith("16,")])
    statements = []
    for group in parsed.children:
        for account in group.children:
            statements.append(_statement(group, account, next(accounts, 0), details, file))
    for statement in statements:
        statement.statement_ref = optional(parsed.header.file_id)
    return statements


def _failing_trailer(records: list[tuple[int, str]]) -> tuple[int, str]:
    """Where the library's integrity check failed: the line and code of the first trailer (49
    account, 98 group, 99 file) whose record count or control total does not add up, checked
    in the library's order; (0, "") when it cannot be told. The library says what, not where."""
    try:
        parsed = library.parse_from_lines([text for _line, text in records],
                                          check_integrity=False)
    except _LIBRARY_ERRORS:
        return 0, ""
    trailers = iter([(line, text[:2]) for line, text in records
                     if text.startswith(("49,", "98,", "99,"))])
    for group in parsed.children:
        for account in group.children:
            found = next(trailers, (0, ""))
            control = (sum(d.amount or 0 for d in account.children)
                       + sum(s.amount or 0 for s in account.header.summary_items))
            if (_count(account) != account.trailer.number_of_records
                    or control != account.trailer.account_control_total):
                return found
        found = next(trailers, (0, ""))
        if (_count(group) != group.trailer.number_of_records
                or group.trailer.number_of_accounts != len(group.children)
                or sum(a.trailer.account_control_total for a in group.children)
                != group.trailer.group_control_total):
            return found
    return next(trailers, (0, ""))


class _Records(IteratorHelper):  # type: ignore[misc]  # the library is untyped
    """The library's record iterator, counting the records (each with its 88 continuations)
    it has handed to the parsers, so that a failure can be placed."""

    def __init__(self, lines: list[str]) -> None:
        self.read = 0
        super().__init__(lines)

    def advance(self) -> None:
        super().advance()
        self.read += 1


def _failing_record(records: list[tuple[int, str]]) -> tuple[int, str]:
    """Where the library stopped reading: the line and code of the record it was parsing (the
    library says what is wrong, not where); (0, "") when it cannot be told."""
    unknown = [(line, text[:2]) for line, text in records if text[:2] not in _CODES]
    if unknown:  # the library reads a record ahead, so it fails one record early on these
        return unknown[0]
    starts = [(line, text[:2]) for line, text in records if not text.startswith("88,")]
    helper = _Records([text for _line, text in records])
    try:
        Bai2FileParser(helper, check_integrity=False).parse()
    except _LIBRARY_ERRORS:
        return starts[helper.read - 1] if 0 < helper.read <= len(starts) else (0, "")
    return 0, ""


def _count(section: Any) -> int:
    """The records of a section as its trailer counts them (without the library's `rows`,
    which extends the header's own list each time it is read)."""
    children = sum(_count(child) if hasattr(child, "children") else len(child.rows)
                   for child in section.children)
    return len(section.header.rows) + len(section.trailer.rows) + children


def _records(text: str) -> list[tuple[int, str]]:
    """One (line, record) per physical record, an 03's 88 continuations joined onto it."""
    records: list[tuple[int, str]] = []
    account = -1  # the index of the account record being continued
    for number, raw in enumerate(text.splitlines(), start=1):
        for part in _SPLIT.split(raw.strip()):
            if not part:
                continue
            if records and not _RECORD.match(part):
                # A record cut across lines: its text field runs on.
                records[-1] = (records[-1][0], f"{records[-1][1]} {part}")
                continue
            if part.startswith("88,") and account >= 0:
                # The library splits an account record's continuation at the wrong field; a
                # record ends at "/" after a whole field, so its 88 carries on after a comma.
                # An empty 88 keeps the record count the trailers check.
                line, joined = records[account]
                records[account] = (line, _without_empty_end(joined.rstrip("/")) + "," + part[3:])
                part = "88,"
            else:
                account = len(records) if part.startswith("03,") else -1
            records.append((number, part))
    return records


def _without_empty_end(record: str) -> str:
    """An 03 record without the empty field some banks write after its last whole summary.

    "015,35217175,,,/" (Silicon Valley Bank) ends a summary and then an empty field before the
    "/": harmless at the end of the record, but joined to an 88 continuation it would shift every
    summary after it by one field. Summaries are walked by their funds type's length (S: three
    availability amounts, V: a date and a time, D: a count and that many day/amount pairs).
    """
    fields = record.split(",")
    summaries, index = fields[3:], 0
    while index < len(summaries):
        if index == len(summaries) - 1 and not summaries[index].strip():
            return ",".join(fields[:-1])
        funds = summaries[index + 3].strip().upper() if index + 3 < len(summaries) else ""
        index += 4 + {"S": 3, "V": 2}.get(funds, 0)
        if funds == "D" and index < len(summaries):
            count = summaries[index].strip()
            index += 1 + 2 * (int(count) if count.isdigit() else 0)
    return record


def _zero_availability(record: str) -> str:
    """A 16 detail of funds type S with an availability amount left empty: that amount is 0.

    The three amounts say how much of the detail's amount is available when, so they add up to
    it (BAI2 v2, funds type S), and one that is not written is none of it; the BAI2
    specification's own example leaves the immediate one empty. The library expects a number.
    """
    match = _DISTRIBUTED.match(record)
    if match is None or all(match.groups()[1:]):
        return record
    amounts = ",".join(amount or "0" for amount in match.groups()[1:])
    return f"{match.group(1)}{amounts}{record[match.end():]}"


def _statement(group: Any, account: Any, line: int, details: Any, file: str) -> ParsedStatement:
    """One account of a group: balances from its summaries, one line per 16 detail."""
    header = account.header
    currency = header.currency or group.header.currency or "USD"
    as_of: date = group.header.as_of_date
    summaries = {s.type_code.code: s for s in header.summary_items if s.type_code is not None}
    opening, closing = summaries.get(_OPENING_LEDGER), summaries.get(_CLOSING_LEDGER)
    try:
        read = [(d, next(details, 0)) for d in account.children]
        lines = [_line(d, currency, as_of, n) for d, n in read if _is_movement(d, n, file)]
        return ParsedStatement(
            format=name, account=str(header.customer_account_number), currency=currency,
            lines=lines,
            opening_balance=_balance(opening, currency), closing_balance=_balance(closing, currency),
            period_start=as_of, period_end=as_of, line=line)
    except UnknownCurrency as exc:
        raise StatementError(file, line, "currency", _(
            "'{value}' is not an ISO 4217 currency code", value=currency)) from exc


def _balance(summary: Any, currency: str) -> Decimal | None:
    """A status summary's amount (signed as written), or None when absent or empty."""
    if summary is None or summary.amount is None:
        return None
    return from_minor(int(summary.amount), currency)


def _is_movement(detail: Any, line: int, file: str) -> bool:
    """Whether a 16 detail moves money: its type code says credit (100-399) or debit (400-699).

    A detail code without a direction (890 non-monetary information, 906/907 float figures) is
    the bank's information, not a movement, whatever amount it carries. A detail without a type
    code, or with a balance (status) code, cannot be signed: read as a credit it would invent
    money in, so the file is refused there.
    """
    code = detail.type_code
    if code is not None and code.transaction in (TypeCodeTransaction.credit,
                                                 TypeCodeTransaction.debit):
        return True
    if code is not None and code.level == TypeCodeLevel.detail:
        return False
    raise StatementError(file, line, "16", _(
        "type code '{code}' does not say whether the detail is a credit or a debit; expected a "
        "credit (100-399) or debit (400-699) type code", code=code.code if code else ""))


def _line(detail: Any, currency: str, as_of: date, line: int) -> StatementLine:
    """One 16 detail: the group's as-of date, the amount signed by its type code."""
    code = detail.type_code  # a credit or debit code (`_is_movement`)
    amount = from_minor(int(detail.amount or 0), currency)
    if code.transaction == TypeCodeTransaction.debit:
        amount = -amount
    value_date = None
    if detail.funds_type == FundsType.value_dated and detail.availability:
        value_date = detail.availability.get("date")
    # The library joins a detail's text to its 88 continuations with commas, so an empty text
    # field ("...,CUSTREF,/") followed by an 88 reads ",MORE TEXT,": commas at the ends of free
    # text are the joins', not the bank's.
    text = optional((detail.text or "").strip(" ,"))
    customer_ref = optional(detail.customer_reference)
    return StatementLine(
        booking_date=as_of, value_date=value_date, amount=amount, currency=currency,
        remittance=join([text, customer_ref]),
        creditor_reference=rf_reference(text, customer_ref),
        transaction_id=optional(detail.bank_reference),
        bank_code=code.code, line=line)
