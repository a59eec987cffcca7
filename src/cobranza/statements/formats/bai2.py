"""BAI2 cash management balance reports (US and UK banks), read by the `bai2` library.

The library reads the record hierarchy (file, group, account, transaction detail).
`_bai2_records` first puts the text in the one-record-a-line shape the library reads, each 03
and 16 joined with its 88 continuations as the specification means. This module then checks
each trailer's record count and control total (49, 98, 99), saying where and by how much one is
off, and maps each account onto a `ParsedStatement`: the 010 opening and 015 closing ledger
balances, and each 16 detail that moves money, signed by its type code.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from bai2 import bai2 as library
from bai2.constants import (
    AsOfDateModifier,
    FundsType,
    GroupStatus,
    RecordCode,
    TypeCodeLevel,
    TypeCodeTransaction,
)
from bai2.exceptions import (
    IntegrityException,
    NotSupportedYetException,
    ParsingException,
)
from bai2.helpers import IteratorHelper
from bai2.parsers import Bai2FileParser

from cobranza.core.money import UnknownCurrency, from_minor
from cobranza.i18n import _
from cobranza.statements.formats._bai2_records import records as logical_records
from cobranza.statements.formats._labelled import counterparty
from cobranza.statements.formats._text import decode, join, optional, rf_reference
from cobranza.statements.model import ParsedStatement, StatementError, StatementLine

name = "bai2"

_AMOUNT = re.compile(r"\+?\d+")
_OPENING_LEDGER, _CLOSING_LEDGER = "010", "015"
_LIBRARY_ERRORS = (ParsingException, IntegrityException, NotSupportedYetException, ValueError,
                   KeyError, IndexError, TypeError, StopIteration, AttributeError)
_CODES = frozenset(code.value for code in RecordCode)
# A group's as-of-date modifier (BAI2 v2, record 02, field 7): only final previous-day data (2)
# is the day's final report; interim data (1, 3) and the same-day report (4, current-day at its
# close) come again, as booked, in the next morning's previous-day report. Left out, the
# report is taken as final.
_INTERIM = frozenset({AsOfDateModifier.interim_previous_day, AsOfDateModifier.interim_same_day,
                      AsOfDateModifier.final_same_day})


def identify(head: bytes) -> bool:
    """True for BAI2: the file starts with a 01 file header record (its date written YYMMDD,
    or YYYYMMDD by some generators: recognised, then refused where it is, `extract`)."""
    return bool(re.match(rb"\s*01,[^,\n]*,[^,\n]*,\d{6}(?:\d{2})?,", head))


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read every account of every group of a BAI2 file, one statement each."""
    records = logical_records(decode(data))
    if not records or not records[0][1].startswith("01,"):
        raise StatementError(file, records[0][0] if records else 1, "01", _(
            "not a BAI2 file: it must start with a 01 file header record"))
    if not records[-1][1].startswith("99,"):
        raise StatementError(file, records[-1][0], "99", _(
            "the file ends without its 99 file trailer record; it may be truncated"))
    created = records[0][1].split(",")[3:4]
    if created and re.fullmatch(r"\d{8}", created[0]):
        raise StatementError(file, records[0][0], "01", _(
            "the file's creation date '{value}' is written YYYYMMDD; BAI2 writes every date "
            "YYMMDD", value=created[0]))
    version = records[0][1].rstrip("/").split(",")[8:9]
    if version and version[0].strip() not in ("", "2"):
        raise StatementError(file, records[0][0], "01", _(
            "BAI version {version} is not read (BTRS 3 lays records out differently); expected a "
            "BAI2 file, version 2", version=version[0].strip()))
    _check_detail_amounts(records, file)
    records = _clock_times(records)
    try:
        # The trailers are checked below, where a mismatch can be placed and measured.
        parsed = library.parse_from_lines([text for _line, text in records],
                                          check_integrity=False)
    except _LIBRARY_ERRORS as exc:
        line, field = _failing_record(records)
        raise StatementError(file, line, field, _(
            "the BAI2 file cannot be read ({reason}); check the record field counts and amounts",
            reason=str(exc) or type(exc).__name__)
        ) from exc
    _check_trailers(records, parsed, file)
    _check_group_status(records, parsed, file)
    accounts = iter([n for n, text in records if text.startswith("03,")])
    details = iter([n for n, text in records if text.startswith("16,")])
    statements = []
    for group in parsed.children:
        for account in group.children:
            statements.append(_statement(group, account, next(accounts, 0), details, file))
    for statement in statements:
        statement.statement_ref = optional(parsed.header.file_id)
    return statements


_TIME_FIELD = {"01": 4, "02": 5}  # the file's creation time, a group's as-of time


def _clock_times(records: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Times written HHMMSS (some generators add the seconds to BAI2's HHMM) given to the
    library as the HH:MM:SS it reads; a time it does not read, as written (it says so)."""
    def timed(text: str) -> str:
        at = _TIME_FIELD.get(text[:2])
        fields = text.split(",")
        if at is None or len(fields) <= at:
            return text
        value = fields[at].rstrip("/")
        if re.fullmatch(r"([01]\d|2[0-3])[0-5]\d[0-5]\d", value):
            fields[at] = fields[at].replace(value, f"{value[:2]}:{value[2:4]}:{value[4:]}")
        return ",".join(fields)
    return [(line, timed(text)) for line, text in records]


def _check_detail_amounts(records: list[tuple[int, str]], file: str) -> None:
    """Every 16 detail's amount is digits (BAI2 v2, record 16: the amount is unsigned, its type
    code says credit or debit, and has no decimal point, the currency's decimals are implied).
    A "-" cannot be read: "-1500" on a debit code read as written would be money in; a "+",
    which some banks write, says nothing the type code does not."""
    for line, text in records:
        fields = text.split(",")
        amount = fields[2].strip() if text.startswith("16,") and len(fields) > 2 else ""
        if amount and not _AMOUNT.fullmatch(amount):
            raise StatementError(file, line, "amount", _(
                "'{value}' is not a BAI2 detail amount; expected digits only, without a sign (the "
                "type code says credit or debit) or a decimal point (1500 is 15.00 in a currency "
                "of two decimals)", value=amount))


def _check_trailers(records: list[tuple[int, str]], parsed: Any, file: str) -> None:
    """Each trailer's record count and control total add up (BAI2 v2, records 49, 98 and 99),
    else the file is refused at the first that does not, saying by how much.

    The 49 account control total is the sum of the amounts of the account's 03 summaries and 16
    details as written (signed where the 03 signs them); the 98 and 99 totals add up the 49 and
    98 totals. Each count is of physical records, header to trailer, 88 continuations included.
    Some banks (Silicon Valley Bank's end-of-day reports) leave each trailer out of its own
    count: a file whose every count is one short is read, as its control totals still account
    for every amount; one short here and exact there is refused.
    """
    accounts = iter([(group, account) for group in parsed.children
                     for account in group.children])
    groups = iter(parsed.children)
    opened: dict[str, int] = {}
    trailers: list[tuple[str, Any, Any, int, int]] = []  # code, section, group, count, line
    for index, (line, text) in enumerate(records):
        code = text[:2]
        if code in ("01", "02", "03"):
            opened[code] = index
            continue
        if code not in ("49", "98", "99"):
            continue
        # The library read the file in this nesting, so each trailer has its header before it.
        count = _end(records, index) - opened.get({"49": "03", "98": "02"}.get(code, "01"), 0)
        if code == "49" and (pair := next(accounts, None)) is not None:
            trailers.append((code, pair[1], pair[0], count, line))
        elif code == "98" and (group := next(groups, None)) is not None:
            trailers.append((code, group, None, count, line))
        elif code == "99":
            trailers.append((code, parsed, None, count, line))
    uncounted = bool(trailers) and all(
        section.trailer.number_of_records == count - 1 for _c, section, _g, count, _l in trailers)
    for code, section, group, count, line in trailers:
        count -= uncounted
        if code == "49":
            _check_account(section, group, count, line, file)
        else:
            _check_section(section, count, line, file, code=code,
                           parts="49" if code == "98" else "98")


def _end(records: list[tuple[int, str]], index: int) -> int:
    """The index after the record at `index` and its 88 continuations."""
    end = index + 1
    while end < len(records) and records[end][1].startswith("88,"):
        end += 1
    return end


def _check_account(account: Any, group: Any, count: int, line: int, file: str) -> None:
    """An account's 49 trailer: its record count and control total."""
    trailer = account.trailer
    _check_count(trailer.number_of_records, count, line, file, code="49", header="03")
    currency = account.header.currency or group.header.currency or "USD"
    found = (sum(s.amount or 0 for s in account.header.summary_items)
             + sum(d.amount or 0 for d in account.children))
    stated = trailer.account_control_total
    if found != stated:
        raise StatementError(file, line, "49", _(
            "the 49 account trailer states a control total of {stated}, but the amounts of the "
            "account's 03 and 16 records add up to {found}: they differ by {difference}",
            stated=_figure(stated, currency), found=_figure(found, currency),
            difference=_figure(stated - found, currency)))


def _check_section(section: Any, count: int, line: int, file: str, *, code: str,
                   parts: str) -> None:
    """A group's 98 or the file's 99 trailer: its record count, the number of accounts or
    groups it holds, and its control total, the sum of theirs."""
    trailer = section.trailer
    group = code == "98"
    _check_count(trailer.number_of_records, count, line, file, code=code,
                 header="02" if group else "01")
    stated_parts = trailer.number_of_accounts if group else trailer.number_of_groups
    if stated_parts != len(section.children):
        raise StatementError(file, line, code, _(
            "the 98 group trailer counts {stated} accounts, but the group has {found}",
            stated=stated_parts or 0, found=len(section.children)) if group else _(
            "the 99 file trailer counts {stated} groups, but the file has {found}",
            stated=stated_parts or 0, found=len(section.children)))
    found = sum((child.trailer.account_control_total if group
                 else child.trailer.group_control_total) for child in section.children)
    stated = trailer.group_control_total if group else trailer.file_control_total
    if found != stated:
        raise StatementError(file, line, code, _(
            "the {code} trailer states a control total of {stated}, but the control totals of its "
            "{parts} trailers add up to {found}: they differ by {difference}", code=code,
            parts=parts, stated=stated, found=found, difference=stated - found))


def _check_count(stated: int | None, found: int, line: int, file: str, *, code: str,
                 header: str) -> None:
    """A trailer's number of records: from its section's header record to itself."""
    if stated != found:
        raise StatementError(file, line, code, _(
            "the {code} trailer states {stated} records, but there are {found} from the {header} "
            "record to the {code}, 88 continuations included: they differ by {difference}",
            code=code, header=header, stated=stated or 0, found=found,
            difference=(stated or 0) - found))


def _figure(minor: int, currency: str) -> str:
    """A control total in the account's currency ("2300.01 USD"); as written when the currency
    is not one (the statement check says so)."""
    try:
        return f"{from_minor(minor, currency)} {currency}"
    except UnknownCurrency:
        return str(minor)


def _check_group_status(records: list[tuple[int, str]], parsed: Any, file: str) -> None:
    """A group sent as a test (status 4) or to delete a report sent before (status 2) is not the
    bank's account of money moved (BAI2 v2, 02 group status): read as one, a test would book
    payments nobody made. An update (1) or a correction (3) is read (a correction's changed
    movements are refused on import where the first report's are stored: `corrects`)."""
    lines = iter([line for line, text in records if text.startswith("02,")])
    for group in parsed.children:
        line = next(lines, 0)
        if group.header.group_status == GroupStatus.test_only:
            raise StatementError(file, line, "02", _(
                "the group is marked as a test (group status 4): it reports no money moved; "
                "expected an update (1) or a correction (3)"))
        if group.header.group_status == GroupStatus.deletion:
            raise StatementError(file, line, "02", _(
                "the group asks to delete a report sent before (group status 2), and an import "
                "deletes no movements: remove them by hand; expected an update (1) or a "
                "correction (3)"))


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


def _statement(group: Any, account: Any, line: int, details: Any, file: str) -> ParsedStatement:
    """One account of a group: balances from its summaries, one line per 16 detail that moves
    money; the details that do not (information, no amount) are counted as not booked."""
    header = account.header
    currency = header.currency or group.header.currency or "USD"
    as_of: date = group.header.as_of_date
    summaries = {s.type_code.code: s for s in header.summary_items if s.type_code is not None}
    opening, closing = summaries.get(_OPENING_LEDGER), summaries.get(_CLOSING_LEDGER)
    try:
        read = [(d, next(details, 0)) for d in account.children]
        moving = [(d, n) for d, n in read if _is_movement(d, n, file)]
        _check_detailed(opening, closing, read, currency, line, file)
        return ParsedStatement(
            format=name, account=str(header.customer_account_number), currency=currency,
            lines=[_line(d, currency, as_of, n) for d, n in moving],
            opening_balance=_balance(opening, currency), closing_balance=_balance(closing, currency),
            period_start=as_of, period_end=as_of, line=line, not_booked=len(read) - len(moving),
            # The closing ledger balance is a summary (type 015) of the 03 record.
            closing_line=line, closing_field=f"03/{_CLOSING_LEDGER}",
            corrects=group.header.group_status == GroupStatus.correction,
            interim=group.header.as_of_date_modifier in _INTERIM)
    except UnknownCurrency as exc:
        raise StatementError(file, line, "currency", _(
            "'{value}' is not an ISO 4217 currency code", value=currency)) from exc


def _check_detailed(opening: Any, closing: Any, read: list[Any], currency: str, line: int,
                    file: str) -> None:
    """An account whose ledger balance moved lists its movements: a summary report (balances
    and totals, no 16 details) has none to import, which the balance check would only call a
    difference."""
    before, after = _balance(opening, currency), _balance(closing, currency)
    if read or before is None or after is None or before == after:
        return
    raise StatementError(file, line, "03", _(
        "the account's ledger balance went from {opening} to {closing} {currency}, but the "
        "report lists no movement (no 16 detail records): a summary report has none to "
        "import; download the bank's detail report (BAI2 previous-day detail) instead",
        opening=before, closing=after, currency=currency))


def _balance(summary: Any, currency: str) -> Decimal | None:
    """A status summary's amount (signed as written), or None when absent or empty."""
    if summary is None or summary.amount is None:
        return None
    return from_minor(int(summary.amount), currency)


def _is_movement(detail: Any, line: int, file: str) -> bool:
    """Whether a 16 detail moves money: its type code says credit (100-399) or debit (400-699)
    and it states an amount other than zero.

    A detail code without a direction (890 non-monetary information, 906/907 float figures) is
    the bank's information, not a movement, whatever amount it carries. A detail without a type
    code, or with a balance (status) code, cannot be signed: read as a credit it would invent
    money in, so the file is refused there; so is one with a summary's code (a total).

    BAI2 v2, record 16: the amount is optional, and a field left empty (",,") is defaulted, not
    written: it states no amount, not zero (the specification's own example of an empty amount
    is an 890 detail, "16,890,,,,,detail reports will be delayed until 11:00 AM."). So a detail
    without an amount, like one of zero, reports that something happened without money moving:
    it is left out, counted with the entries not booked, and never read as 0.00 money in. Had
    money moved, the account's balances say so: opening + movements would miss the closing.
    """
    code = detail.type_code
    if code is not None and code.level == TypeCodeLevel.summary:
        # A summary's code (100 total credits, 400 total debits) on a detail: its amount is
        # a total of the account's movements, and read as one it would count them twice.
        raise StatementError(file, line, "16", _(
            "type code '{code}' ({description}) is a summary's, not a detail's: its amount would "
            "count the account's movements a second time; expected a detail type code",
            code=code.code, description=code.description))
    if code is not None and code.transaction in (TypeCodeTransaction.credit,
                                                 TypeCodeTransaction.debit):
        return bool(detail.amount)
    if code is not None and code.level == TypeCodeLevel.detail:
        return False
    raise StatementError(file, line, "16", _(
        "type code '{code}' does not say whether the detail is a credit or a debit; expected a "
        "credit (100-399) or debit (400-699) type code", code=code.code if code else ""))


def _line(detail: Any, currency: str, as_of: date, line: int) -> StatementLine:
    """One 16 detail: the group's as-of date, the amount signed by its type code."""
    code = detail.type_code  # a credit or debit code with an amount (`_is_movement`)
    amount = from_minor(int(detail.amount), currency)
    if code.transaction == TypeCodeTransaction.debit:
        amount = -amount
    value_date = None
    if detail.funds_type == FundsType.value_dated and detail.availability:
        value_date = detail.availability.get("date")
    text = optional(detail.text)
    customer_ref = optional(detail.customer_reference)
    name, account = counterparty(text, credit=amount > 0)
    return StatementLine(
        booking_date=as_of, value_date=value_date, amount=amount, currency=currency,
        counterparty_name=name, counterparty_account=account,
        remittance=join([text, customer_ref]),
        creditor_reference=rf_reference(text, customer_ref),
        transaction_id=optional(detail.bank_reference),
        bank_code=code.code, line=line)
