"""BAI2 text as the `bai2` library reads it: one logical record a line, continuations joined.

What the specification (BAI Cash Management Balance Reporting Specifications, version 2) allows
and the library does not read as it means:

- several records on a line, or a record cut across lines by a mail or editor;
- fixed-length physical records, which the 01 file header states the length of, written without
  line breaks;
- a record continued on 88 records. The library joins a detail's 88 text with a comma where the
  record before it ended with "/", so "INV-12" + "345" read "INV-12,345". Here each 03 and 16
  is joined with its 88s into one record (an empty "88," is kept for each, so the trailers'
  record counts still hold);
- a record ended early with "/", its last fields defaulted (the library expects every field);
- a distributed-availability (S) amount left empty.
"""

from __future__ import annotations

import re

_RECORD = re.compile(r"\d{2},")
_SPLIT = re.compile(r"(?<=/)\s+(?=\d{2},)")
# Only line breaks end a line: str.splitlines also cuts at a form feed (a printed report's page
# break) or a Unicode line separator, and every line below would be named one too far.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A 16 detail of funds type S (distributed availability): then its immediate, one-day and
# two-or-more-day amounts, before the bank reference.
_DISTRIBUTED = re.compile(r"(16,[^,/]*,[^,/]*,S,)([^,/]*),([^,/]*),([^,/]*)")
# The fields a funds type adds after itself (BAI2 v2, "Funds Type"): S the immediate, one-day and
# two-or-more-day amounts; V the value date and time; D a count, then that many day/amount pairs.
_AVAILABILITY = {"S": 3, "V": 2}
# At most this many defaulted fields are written in for a record ended early: the funds type,
# an S detail's three amounts and the references. More would be a D count gone wrong.
_DEFAULTED = 8


def record_length(text: str) -> int | None:
    """The physical record length the 01 file header states; None for variable length."""
    header = re.match(r"\s*01,([^/\n]*)", text)
    fields = header.group(1).split(",") if header else []
    value = fields[5].strip() if len(fields) > 5 else ""
    return int(value) if re.fullmatch(r"[0-9]{1,6}", value) and int(value) > 0 else None


def records(text: str) -> list[tuple[int, str]]:
    """One (line, record) per physical record, each 03 and 16 with its 88s joined onto it and
    an empty "88," left in the place of each."""
    length = record_length(text)
    physical = _physical(text, length)
    logical: list[tuple[int, str]] = []
    index = 0
    while index < len(physical):
        end = index + 1
        while end < len(physical) and physical[end][1].startswith("88,"):
            end += 1
        line, first = physical[index]
        pieces = [piece for _line, piece in physical[index:end]]
        if first.startswith("16,"):
            joined = _zero_availability(_detail(pieces, length))
        elif first.startswith("03,"):
            joined = _account(pieces, length)
        else:
            logical.extend(physical[index:end])
            index = end
            continue
        logical.append((line, joined))
        logical.extend((number, "88,") for number, _piece in physical[index + 1:end])
        index = end
    return logical


def _physical(text: str, length: int | None) -> list[tuple[int, str]]:
    """One (line, record) per physical record as written."""
    found: list[tuple[int, str]] = []
    for number, raw in enumerate(_lines(text, length), start=1):
        for part in _SPLIT.split(raw.strip()):
            if not part:
                continue
            if found and not _RECORD.match(part):
                # A record cut across lines: its text field runs on.
                found[-1] = (found[-1][0], f"{found[-1][1]} {part}")
                continue
            found.append((number, part))
    return found


def _lines(text: str, length: int | None) -> list[str]:
    """The file's lines; a file of fixed-length records written without line breaks is cut into
    its records (each then counts as a line, for located errors)."""
    lines = _LINE_BREAK.split(text)
    written = [line for line in lines if line.strip()]
    if length is None or len(written) != 1 or len(written[0]) <= length:
        return lines
    line, starts = written[0], range(0, len(written[0]), length)
    if all(_RECORD.match(line[at:at + length].lstrip()) or not line[at:at + length].strip()
           for at in starts):
        return [line[at:at + length] for at in starts]
    return lines


def _cut(piece: str, length: int | None) -> bool:
    """Whether a physical record was cut at the stated record length, in the middle of a field:
    it fills the length to its last character and does not end the record with "/"."""
    return length is not None and len(piece) == length and not piece.endswith("/")


def _account(pieces: list[str], length: int | None) -> str:
    """An 03 account record and its 88 continuations as one record.

    A record ends at "/" after a whole field, so its 88 carries on after a comma; one cut at the
    record length carries on in the middle of the field it cut.
    """
    record = pieces[0].removesuffix("/")
    for previous, piece in zip(pieces, pieces[1:], strict=False):
        more = piece[3:].removesuffix("/")
        record = record + more if _cut(previous, length) else f"{_summaries(record)},{more}"
    return _summaries(record, complete=True) + "/"


def _summaries(record: str, *, complete: bool = False) -> str:
    """An 03 record without the empty field some banks write after its last whole summary, and,
    when `complete`, with a last summary ended early by "/" given its defaulted fields.

    "015,35217175,,,/" (Silicon Valley Bank) ends a summary and then an empty field before the
    "/": harmless at the end of the record, but joined to an 88 continuation it would shift every
    summary after it by one field. Summaries are walked by their funds type's length.
    """
    fields = record.split(",")
    summaries, index = fields[3:], 0
    while index < len(summaries):
        if index == len(summaries) - 1 and not summaries[index].strip():
            return ",".join(fields[:-1])
        size = _size(summaries[index + 3:] if index + 3 < len(summaries) else [])
        if size is None:
            return record  # a D count the library will refuse, located
        if complete and 0 < index + 4 + size - len(summaries) <= _DEFAULTED:
            return ",".join(fields + [""] * (index + 4 + size - len(summaries)))
        index += 4 + size
    return record


def _size(funds: list[str]) -> int | None:
    """How many fields follow a funds type (`funds[0]`, then what it carries); None when a D
    distribution's count is not a number."""
    kind = funds[0].strip() if funds else ""
    if kind != "D":
        return _AVAILABILITY.get(kind, 0)
    count = funds[1].strip() if len(funds) > 1 else ""
    return 1 + 2 * int(count) if re.fullmatch(r"[0-9]{1,4}", count) else None


def _text_index(fields: list[str]) -> int | None:
    """Where a 16 detail's text field starts among its fields (type code first): after the type
    code, amount, funds type, the availability the funds type carries, and the bank and customer
    references. None while the fields read so far do not tell."""
    if len(fields) < 3:
        return None
    size = _size(fields[2:])
    return None if size is None else 3 + size + 2


def _detail(pieces: list[str], length: int | None) -> str:
    """A 16 transaction detail and its 88 continuations as one record, its text field whole.

    BAI2 v2, records 16 and 88: the text is the detail's last field and runs to the end of the
    record, commas included (only it may hold commas and slashes); an 88 continues the record
    before it. A record ended with "/" ended on a whole field, so until the text has begun an 88
    begins the next field; once it has, an 88 continues the text. How the text runs on is known
    only where the 01 states a fixed record length and the record before was cut at it, in the
    middle of a word or reference ("INV-12" + "345" is "INV-12345"); elsewhere the bank chose to
    break the text, as the specification's own example does between "AMALGAMATED CORP. LOCKBOX"
    and "DEPOSIT-MISC. RECEIVABLES", and the parts are joined with a space. No comma is added.
    A "/" ending a text record ends the record (banks write it, though the specification does
    not ask for it), and so does a comma before it (",/", the empty last field some banks end
    every record with).
    """
    head, text = "", None
    for number, piece in enumerate(pieces):
        ended, body = piece.endswith("/"), piece[3:].removesuffix("/")
        glued = number > 0 and _cut(pieces[number - 1], length)
        if text is None:
            head = body if number == 0 else head + ("" if glued else ",") + body
            fields = head.split(",")
            start = _text_index(fields)
            if start is None or len(fields) <= start:
                continue
            head, body, text = ",".join(fields[:start]), ",".join(fields[start:]), ""
        body = body.rstrip(",") if ended else body
        text += body if glued or not text or not body else f" {body}"
    fields = head.split(",")
    fields += [""] * (3 - len(fields))  # ended early: the funds type and the rest defaulted
    start = _text_index(fields)
    if start is None or start - len(fields) > _DEFAULTED:
        return "16," + head + "/"  # a D detail cut short: the library refuses it, located
    fields += [""] * (start - len(fields))
    return "16," + ",".join(fields) + "," + (text or "") + "/"


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
