"""Importing a bank statement file: read, detect, parse, check, then write all or nothing.

Each bank transaction is stored once however many files bring it (the same statement again, an
overlapping one, an intraday report then the day's statement): its key is the bank's own
transaction id where the format gives one, else a fingerprint of the movement. The caller's unit
of work commits; nothing here does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from cobranza.core.money import minor_to_str, to_minor
from cobranza.db import MONEY_IN, serialise
from cobranza.i18n import _
from cobranza.statements import repository
from cobranza.statements.checks import check_statement
from cobranza.statements.detect import read_statements
from cobranza.statements.model import ParsedStatement, StatementError, StatementLine

MAX_BYTES = 50 * 1024 * 1024  # bank statements are kilobytes to a few megabytes
_READ_CHUNK = 1 << 20
# Column widths of bank_transactions: longer free text is cut, never refused. A bank id is not
# free text: a longer one is stored as its digest (`stored_id`), never cut.
_ID_WIDTH = 120  # transaction_id and batch_id
_WIDTHS = {"counterparty_name": 300, "counterparty_account": 64,
           "counterparty_tax_id": 32, "end_to_end_id": 120, "creditor_reference": 64,
           "spei_reference": 64, "bank_code": 64}


@dataclass
class StatementOutcome:
    """What importing one statement of the file did."""

    account: str
    currency: str | None
    period_start: date | None
    period_end: date | None
    statement_ref: str | None
    lines_new: int = 0
    lines_known: int = 0
    already_imported: bool = False
    not_booked: int = 0  # entries the bank reported but had not booked: not imported
    zero: int = 0  # movements of no amount: no money moved, not imported


@dataclass
class StatementImport:
    """What importing one file did; with errors, nothing was written."""

    file: str
    format: str | None = None
    statements: list[StatementOutcome] = field(default_factory=list)
    errors: list[StatementError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was imported (no errors)."""
        return not self.errors

    @property
    def lines_new(self) -> int:
        """Lines stored for the first time."""
        return sum(s.lines_new for s in self.statements)

    @property
    def lines_known(self) -> int:
        """Lines an earlier import had already stored."""
        return sum(s.lines_known for s in self.statements)


def read_file(path: Path, *, file: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, refusing one over `max_bytes` before reading it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(file, size, max_bytes)
        with path.open("rb") as stream:
            return read_stream(stream, file=file, max_bytes=max_bytes)
    except OSError as exc:
        raise StatementError(file, 0, "", _("cannot read the file: {reason}",
                                            reason=exc.strerror or str(exc))) from None


def read_stream(stream: BinaryIO, *, file: str, max_bytes: int = MAX_BYTES) -> bytes:
    """Read at most `max_bytes` from a stream (an upload), refusing anything longer."""
    parts: list[bytes] = []
    total = 0
    while chunk := stream.read(_READ_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(file, total, max_bytes)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(file: str, size: int, max_bytes: int) -> StatementError:
    return StatementError(file, 0, "", _(
        "the file is larger than {limit} MB ({size} bytes); bank statements are far smaller — "
        "split it, or raise the limit", limit=max_bytes // (1024 * 1024), size=size))


def import_statement(session: Session, *, org_id: int, data: bytes, file: str, now: datetime,
                     format: str = "auto", account: str | None = None,
                     mapping: Mapping[str, str] | None = None, currency: str | None = None,
                     default_currency: str | None = None,
                     date_order: str | None = None) -> StatementImport:
    """Import every statement of a file; with any error, write nothing and say why.

    CSV only: `mapping` names the header of a field, `currency` is the account's currency and
    `default_currency` (the organisation's base currency) the one assumed when nothing says,
    `date_order` ("DMY" or "MDY") how the dates are written where they do not show it.
    """
    outcome = StatementImport(file=file)
    try:
        statements = read_statements(data, file=file, format=format, mapping=mapping,
                                     currency=currency, default_currency=default_currency,
                                     account=account, date_order=date_order)
    except StatementError as error:
        outcome.errors.extend(error.every())
        return outcome
    if not statements:
        outcome.errors.append(StatementError(file, 0, "", _(
            "the file holds no bank statement; nothing to import")))
        return outcome
    if account:
        statements = [replace(s, account=account.strip()) for s in statements]
    outcome.format = statements[0].format
    # Two imports of one file at once (two uploads, a retry) would each find it new: the
    # second waits for the first, then reads what it wrote.
    serialise(session, org_id=org_id, kind=MONEY_IN)
    for statement in statements:
        outcome.errors.extend(check_statement(statement, file=file))
        if statement.corrects:
            outcome.errors.extend(_corrections(session, statement, org_id=org_id, file=file))
    if outcome.errors:
        return outcome
    file_sha256 = hashlib.sha256(data).hexdigest()
    digests = [statement_digest(s) for s in statements]
    # Asked before anything is written: statements of one file may share account and reference
    # (German banks head every MT940 statement STARTUMSE), and writing the first must not make
    # the next look imported already. A statement is known by what it says, so the same one
    # saved again in another encoding or with other line breaks is known; and by its file's
    # bytes, as versions before this one stored it.
    before = [repository.find_statement(session, org_id=org_id, digests=[digest, file_sha256],
                                        account=s.account,
                                        statement_ref=_clip(s.statement_ref, 120)) is not None
              for s, digest in zip(statements, digests, strict=True)]
    seen: set[str] = set()  # keys written by an earlier statement of this same file
    for statement, digest, imported in zip(statements, digests, before, strict=True):
        outcome.statements.append(_write(session, statement, org_id=org_id, file=file,
                                         sha256=digest, now=now, seen=seen, imported=imported))
    return outcome


def statement_digest(statement: ParsedStatement) -> str:
    """The sha256 of what a statement says: its format, account, reference, currency, period,
    balances and movements, without where in the file each stands (line numbers): the same
    in any encoding (UTF-16, Latin-1, UTF-8 with or without its BOM) or line breaks (CRLF)
    it is saved in."""
    def said(value: Any) -> Any:
        if is_dataclass(value) and not isinstance(value, type):
            return [[f.name, said(getattr(value, f.name))] for f in fields(value)
                    if f.name != "line" and not f.name.endswith("_line")]
        if isinstance(value, list | tuple):
            return [said(item) for item in value]
        return value if value is None or isinstance(value, bool | int | str) else str(value)
    text = json.dumps(said(statement), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _corrections(session: Session, statement: ParsedStatement, *, org_id: int,
                 file: str) -> list[StatementError]:
    """A corrected report's movements whose bank id was imported before with another amount.

    Imported beside it, the corrected movement would count the money twice (the key of a line
    with a bank id holds its amount, `id_key`), and which stored line it replaces is the
    bank's word, not ours to act on: such a movement is refused, located, and the rest of the
    file with it.
    """
    # What each id names (`_named`): a movement, or for a sequence number, one of its day.
    named = {_named(line): line for line in statement.lines if line.transaction_id}
    stored = repository.amounts_by_id(session, org_id=org_id, account=statement.account,
                                      transaction_ids=sorted({kept for kept, _day in named}))
    errors = []
    for (kept, day), line in named.items():
        amount = to_minor(line.amount, line.currency)
        same = {a for a, booked in stored.get(kept, ()) if day is None or booked == day}
        if same and amount not in same:
            before = ", ".join(minor_to_str(a, line.currency) for a in sorted(same))
            errors.append(StatementError(file, line.line, "amount", _(
                "this corrected report gives bank reference {reference} an amount of {amount} "
                "{currency}, and the statement imported before gave it {before} {currency}: a "
                "corrected movement does not replace the one imported; fix that line by hand "
                "(cobranza reconcile reverse, if it was applied) and remove this movement from "
                "the file", reference=kept, amount=minor_to_str(amount, line.currency),
                before=before, currency=line.currency)))
    return errors


def _write(session: Session, statement: ParsedStatement, *, org_id: int, file: str,
           sha256: str, now: datetime, seen: set[str], imported: bool) -> StatementOutcome:
    start, end = statement.period_start or _first(statement.lines), (
        statement.period_end or _last(statement.lines))
    if start and end and start > end:
        # An opening balance dated the day the statement was made, after its movements and its
        # closing balance (Zenith Bank's MT940): the period is the movements'.
        start = min(_first(statement.lines) or end, end)
    result = StatementOutcome(
        account=statement.account, currency=_currency(statement),
        period_start=start, period_end=end,
        statement_ref=statement.statement_ref, not_booked=statement.not_booked)
    if result.period_end is None:
        return result  # no movement and no date: nothing to record (an empty account listing)
    # A movement of 0 moves no money (a bank's note, a fee waived): it is skipped, and counted.
    # The checks have held the statement whole; without it the sums are the same.
    moving = [line for line in statement.lines if line.amount != 0]
    result.zero = len(statement.lines) - len(moving)
    statement = replace(statement, lines=moving)
    if imported:
        result.already_imported = True
        result.lines_known = len(statement.lines)
        return result
    keys = dedupe_keys(statement)
    stored = repository.known_keys(session, org_id=org_id,
                                   keys=sorted({k for both in keys for k in both}))
    known = stored | seen
    # A booking reported whole whose parts an earlier report gave one by one (`batch`).
    in_parts = repository.batch_totals(
        session, org_id=org_id, account=statement.account,
        batch_ids=sorted({kept for line in statement.lines
                          if line.batch is None and (kept := _stored(line.transaction_id))}))
    statement_id = repository.add_statement(session, _statement_row(
        statement, result, org_id=org_id, file=file, sha256=sha256, now=now))
    by_id = _known_by_id(session, statement, keys, known, org_id=org_id)
    new_ids = _new_by_id(session, statement, keys, stored, org_id=org_id)
    rows = []
    for at, (line, (key, *earlier)) in enumerate(zip(statement.lines, keys, strict=True)):
        if at in new_ids:
            key, earlier = new_ids[at], []
        if key in known or any(k in stored for k in earlier) or at in by_id:
            continue
        whole = _stored(line.transaction_id)
        if line.batch is None and whole and in_parts.get(whole) == (
                line.currency, to_minor(line.amount, line.currency)):
            continue
        known.add(key)
        rows.append(_line_row(line, key=key, org_id=org_id, statement_id=statement_id,
                              account=statement.account))
    repository.add_lines(session, rows, created_at=now)
    seen.update(key for key, *_earlier in keys)
    result.lines_new, result.lines_known = len(rows), len(statement.lines) - len(rows)
    repository.set_counts(session, statement_id=statement_id, new=result.lines_new,
                          known=result.lines_known)
    return result


def _known_by_id(session: Session, statement: ParsedStatement, keys: list[tuple[str, ...]],
                 known: set[str], *, org_id: int) -> set[int]:
    """The lines (by index) of a BAI2 report that an interim one stored already: a line of the
    same bank id and amount (and day, for a sequence number) is the same movement.

    An interim report's lines are stored under their fingerprints (`dedupe_keys`), which the
    final report's words, or a later interim report's, need not repeat. Asked only for BAI2,
    the one format whose interim reports are so stored, as bank ids are not indexed."""
    if statement.format != "bai2":
        return set()
    names = [_named(line) for line in statement.lines]
    ids = Counter(n for line, n in zip(statement.lines, names, strict=True)
                  if line.transaction_id)
    asked = [i for i, (line, both) in enumerate(zip(statement.lines, keys, strict=True))
             if line.transaction_id and ids[names[i]] == 1
             and not any(k in known for k in both)]
    if not asked:
        return set()
    stored = repository.amounts_by_id(session, org_id=org_id, account=statement.account,
                                      transaction_ids=sorted({names[i][0] for i in asked}))
    return {i for i in asked
            if any(amount == to_minor(statement.lines[i].amount, statement.lines[i].currency)
                   and (names[i][1] is None or booked == names[i][1])
                   for amount, booked in stored.get(names[i][0], ()))}


def _new_by_id(session: Session, statement: ParsedStatement, keys: list[tuple[str, ...]],
               stored: set[str], *, org_id: int) -> dict[int, str]:
    """The lines (by index, with the key each is stored under) of a BAI2 interim report that
    are new movements, though their fingerprint is stored: a bank id no line of the account
    has, where the line stored under that fingerprint has another id.

    An interim report that lists only the items new since the last (FED000002 at 12:00, after
    FED000001 at 11:00), each of the same amount, day, payer and text, gives two movements: an
    interim report names each by its own bank id, and only a later report (a cumulative
    interim one, or the final report) repeats one. Such a repetition is still known: its id is
    stored (`_known_by_id`), or its fingerprint is and holds the same id or none (a report
    without the id gave it). The key is the fingerprint with the id, for the line's
    fingerprint key is another's."""
    if not statement.interim or statement.format != "bai2":
        return {}
    names = [_named(line) for line in statement.lines]
    ids = Counter(n for line, n in zip(statement.lines, names, strict=True)
                  if line.transaction_id)
    asked = [i for i, (line, (key, *_rest)) in enumerate(zip(statement.lines, keys, strict=True))
             if line.transaction_id and ids[names[i]] == 1 and key in stored]
    if not asked:
        return {}
    owners = repository.ids_by_keys(session, org_id=org_id, keys=[keys[i][0] for i in asked])
    known_ids = repository.amounts_by_id(session, org_id=org_id, account=statement.account,
                                         transaction_ids=sorted({names[i][0] for i in asked}))
    return {i: "f:" + _digest(keys[i][0], names[i][0]) for i in asked
            if owners.get(keys[i][0]) not in (None, names[i][0])
            and names[i][0] not in known_ids}


def dedupe_keys(statement: ParsedStatement) -> list[tuple[str, ...]]:
    """Each line's keys: the bank's transaction id where given and unique, else a fingerprint.

    The first is the key the line is stored under; a line is known when any of its keys is.
    A line with an id has its fingerprint as its second key (its first, in an interim report
    whose movements the final one gives again, maybe under another id): another report may
    have given the movement without one (and imports before 0005 fingerprinted a line whose id is a
    sequence number, which names one line of its day: a file of several days gives "1" again
    each day). An id longer than its column has the key older versions gave it, cut to the
    column, as its last (`_cut_keys`).
    """
    names = [_named(line) for line in statement.lines]
    ids = Counter(n for line, n in zip(statement.lines, names, strict=True)
                  if line.transaction_id)
    # A batch's parts are known by the key of the whole booking, stored from another report.
    batches: dict[tuple[str, str, date], int] = {}
    for line in statement.lines:
        if line.batch:
            at = (line.batch, line.currency, line.booking_date)
            batches[at] = batches.get(at, 0) + to_minor(line.amount, line.currency)
    occurrences: Counter[tuple[str, ...]] = Counter()
    printed: Counter[tuple[str, ...]] = Counter()
    keys: list[tuple[str, ...]] = []
    traces = Counter(t for line in statement.lines if (t := _trace(line)))
    others = Counter(o for line in statement.lines for o in set(line.other_ids))
    for line, named in zip(statement.lines, names, strict=True):
        trace = _trace(line)
        if trace and traces[trace] == 1:
            # One SPEI transfer, whatever report brings it (its CEP, the bank's CSV or
            # statement): known by its clave de rastreo, the key its CEP is stored under.
            # What the line was keyed by before stays its second key.
            keys.append((id_key(statement.account, trace, line.currency,
                                to_minor(line.amount, line.currency), line.booking_date),
                         *_keys(statement, line, named, ids, batches, occurrences, printed)))
            continue
        own = _keys(statement, line, named, ids, batches, occurrences, printed)
        if line.other_ids and line.transaction_id and ids[named] == 1 and not statement.interim:
            # Known, and stored, first by the payment's interbank id where the file gives it
            # to one line: a camt.054 that keys it so (no bank reference) and the day's
            # camt.053 that gives the bank's reference too find each other, either first.
            # Lines stored under the bank's reference before are known by their next key.
            own = tuple(dict.fromkeys((*(id_key(statement.account, other, line.currency,
                                                to_minor(line.amount, line.currency),
                                                line.booking_date)
                                         for other in line.other_ids if others[other] == 1),
                                       *own)))
        keys.append(own)
    return keys


def _trace(line: StatementLine) -> str | None:
    """A SPEI's clave de rastreo (up to 30 letters and digits; a referencia numérica, also kept
    as `spei_reference`, has at most 7 digits and names no one transfer)."""
    trace = (line.spei_reference or "").strip()
    return trace if len(trace) >= 10 and trace.isalnum() else None


def _keys(statement: ParsedStatement, line: StatementLine, named: tuple[str, date | None],
          ids: Counter[tuple[str, date | None]], batches: dict[tuple[str, str, date], int],
          occurrences: Counter[tuple[str, ...]],
          printed: Counter[tuple[str, ...]]) -> tuple[str, ...]:
    """A line's keys by its bank id or its fingerprint (`dedupe_keys`)."""
    fingerprint = (statement.account, line.booking_date.isoformat(), str(line.amount),
                   line.currency, line.counterparty_name or "",
                   line.counterparty_account or "", " ".join(line.remittance.split()))
    printed[fingerprint] += 1
    # An id the file repeats (a "NONREF" placeholder, a batch's shared id) names no one line.
    if line.transaction_id and ids[named] == 1:
        key = id_key(statement.account, line.transaction_id, line.currency,
                     to_minor(line.amount, line.currency), line.booking_date)
        whole = batches[(line.batch, line.currency, line.booking_date)] if line.batch else 0
        also = [id_key(statement.account, line.batch, line.currency, whole, line.booking_date),
                *_cut_keys(statement.account, line.batch, line.currency, whole)
                ] if line.batch else []
        # Its fingerprint is its second key: a report that gave the movement without an id
        # (an intraday camt.052 before the day's camt.053) stored it under that; and imports
        # before 0005 fingerprinted a line whose id is a sequence number.
        printed_key = "f:" + _digest(*fingerprint, str(printed[fingerprint]))
        old = _cut_keys(statement.account, line.transaction_id, line.currency,
                        to_minor(line.amount, line.currency))
        if statement.interim:
            # Stored under its fingerprint: the final report may give it another id or none,
            # and with the same id it is known by id and amount (`_known_by_id`).
            return (printed_key, key, *also, *old)
        return (key, printed_key, *also, *old)
    # Two equal transfers on one day are two payments: the occurrence number keeps both.
    occurrences[fingerprint] += 1
    return ("f:" + _digest(*fingerprint, str(occurrences[fingerprint])),)


def _named(line: StatementLine) -> tuple[str, date | None]:
    """What a line's id names: one movement, or for a sequence number, one of its day."""
    kept = stored_id(line.transaction_id or "")
    return kept, line.booking_date if _SEQUENCE.fullmatch(kept) else None


def id_key(account: str, transaction_id: str, currency: str, amount: int,
           booked: date) -> str:
    """The key of a line the bank gave an id: the account, the id (as stored, `stored_id`)
    and the amount in minor units. The amount keeps apart two movements of a bank
    that gives ids again (numbering each day's or each file's movements from one): the same
    movement reported twice has the same amount. Migration 0004 keyed the stored lines so.

    An id of at most six digits is such a sequence number (no account keeps a million
    movements apart with it): the booking date is in its key too, so that the day's fee of
    the same amount, numbered 1 every day, is a movement each day (migration 0005). A longer
    id is the bank's own for the movement, kept whatever date a later report gives it."""
    kept = stored_id(transaction_id)
    if _SEQUENCE.fullmatch(kept):
        return "t:" + _digest(account, kept, currency, str(amount), booked.isoformat())
    return "t:" + _digest(account, kept, currency, str(amount))


_SEQUENCE = re.compile(r"[0-9]{1,6}")


def stored_id(transaction_id: str) -> str:
    """A bank id as stored and keyed: itself when it fits its column (120 characters), else
    "sha256:" and the hex digest of the whole id.

    Cut to the column, as older versions did, two ids sharing their first 120 characters were
    one, and one of the movements was lost; the digest keeps them apart and fits (71)."""
    if len(transaction_id) <= _ID_WIDTH:
        return transaction_id
    return "sha256:" + hashlib.sha256(transaction_id.encode("utf-8")).hexdigest()


def _stored(transaction_id: str | None) -> str | None:
    return stored_id(transaction_id) if transaction_id else None


def _cut_keys(account: str, transaction_id: str, currency: str, amount: int) -> list[str]:
    """The key an older version gave a line whose id is longer than its column: the id cut to
    its first 120 characters (never a sequence number). A later key (`dedupe_keys`), so that
    lines so stored are known; never stored again."""
    if len(transaction_id) <= _ID_WIDTH:
        return []
    return ["t:" + _digest(account, transaction_id[:_ID_WIDTH], currency, str(amount))]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _statement_row(statement: ParsedStatement, result: StatementOutcome, *, org_id: int,
                   file: str, sha256: str, now: datetime) -> dict[str, Any]:
    currency = result.currency

    def minor(value: Any) -> int | None:
        return None if value is None or currency is None else to_minor(value, currency)

    return {
        "org_id": org_id, "account": statement.account, "file": file,
        "period_start": result.period_start, "period_end": result.period_end,
        "imported_at": now, "format": statement.format,
        "statement_ref": _clip(statement.statement_ref, 120), "currency": currency,
        "opening_balance": minor(statement.opening_balance),
        "closing_balance": minor(statement.closing_balance), "file_sha256": sha256,
        "lines_new": 0, "lines_known": 0}


def _line_row(line: StatementLine, *, key: str, org_id: int, statement_id: int,
              account: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "org_id": org_id, "statement_id": statement_id, "account": account,
        "dedupe_key": key, "booking_date": line.booking_date, "value_date": line.value_date,
        "amount": to_minor(line.amount, line.currency), "currency": line.currency,
        "remittance": " / ".join(t for t in (line.remittance, line.more_text) if t) or None}
    for name, width in _WIDTHS.items():
        row[name] = _clip(getattr(line, name), width)
    row["transaction_id"], row["batch_id"] = _stored(line.transaction_id), _stored(line.batch)
    return row


def _clip(value: str | None, width: int) -> str | None:
    return value[:width] if value else None


def _currency(statement: ParsedStatement) -> str | None:
    return statement.currency or (statement.lines[0].currency if statement.lines else None)


def _first(lines: list[StatementLine]) -> date | None:
    return min((line.booking_date for line in lines), default=None)


def _last(lines: list[StatementLine]) -> date | None:
    return max((line.booking_date for line in lines), default=None)
