"""The :86: details of an MT940 movement: who paid, why, and the references they gave.

Three layouts are met:

- Numbered sub-fields, as German banks write them by the DFÜ-Abkommen (Anlage 3):
  `166?00GUTSCHRIFT?10931?20EREF+...?21SVWZ+...?30BIC?31IBAN?32NAME?33NAME?34997`, each
  ?2x/?6x line of the purpose text at most 27 characters; Polish banks write ~NN, Triodos
  Bank >NN. The mt-940 library reads the German form too, but joins the text lines with
  nothing (or with a space) whatever the bank did, drops the words before the first SEPA
  keyword and reads ?60-?63 apart from the ?2x text they go on with; so it is read here.
- /KEY/value fields (Rabobank, ING, ABN AMRO and the SWIFT MT940 structured guidelines).
- Free text, its 65-character lines joined.
- Two banks' own: Komercijalna Banka Skopje's /ORDP/ or /BENM/ account with the name on the
  next line, and Penta's colon-separated purpose:name:IBAN after its code 999.

How the purpose lines of the numbered layout are joined:

- A bank cuts the text every 27 characters, whatever the words: a full line goes straight on
  in the next one ("Rechnung 47" + "11"). A shorter line ended where the bank or the payer
  ended it, so the next one is a new word ("Apple Pay" + "DATUM ..."). Reconciliation joins
  two neighbouring words when it looks for an invoice number, so a space too many costs
  nothing there, while two words glued hide both.
- SEPA keywords (EREF+, KREF+, MREF+, CRED+, SVWZ+, ABWA+, IBAN+, BIC+ ...) are split out of
  the joined text, so one the bank cut in two ("MR" + "EF+") is found. An id (EREF+ and the
  other references) ends where its line ends short: what follows is other text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from stdnum import iban

from cobranza.statements.formats._text import DFUE_LINE, SWIFT_LINE, clean, join, optional

_WIDTH = DFUE_LINE  # the width of a ?2x, ?6x, ?32 and ?33 line (DFÜ-Abkommen, Anlage 3)
# Opened by the business transaction code; some Polish exports leave it out and open with the
# text's first line (>20) or the posting text (?00).
_LAYOUT = re.compile(r"\A\s*(?:(?P<code>\d{3})(?P<sep>[?~>])\d{2}|(?P<bare>[?~>])(?=00|20))")
_PURPOSE = {*(f"2{n}" for n in range(10)), "60", "61", "62", "63"}
# Polish banks (PKO BP, mBank, ING) write the title in ~20-~26 only: ~27-~29 is the other
# party's name and ~60-~63 its address, no words of the payer's for an invoice number.
_POLISH_TITLE = {f"2{n}" for n in range(7)}
_POLISH_NAME = ("27", "28", "29")
# SEPA keywords of the purpose text (DK "SEPA-Belegungsregeln"); BIC+ is the one of three letters.
_KEYWORD = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|PURP|MDAT|SQTP|"
                      r"ORCR|ORMR|DDAT|COAM|OAMT)\+")
_TEXT_KEYWORDS = ("SVWZ", "ABWA", "ABWE")  # the payer's words; the others are ids and codes
# References that say there is none, or only where the real one is (ING/Rabobank EREF, PREF,
# MARF): not a reference of their own.
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "EREF", "PREF", "MARF"}
_CUT = "\n"  # where a line of the purpose text ended short of its width
# Polish banks write an empty sub-field as "˙" (0xFF in code page 1250; "ÿ" read as Latin-1).
_EMPTY = re.compile(r"[\s˙ÿ]*")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{4}\d{7,}")
# /KEY/value fields of structured :86: texts (Rabobank, ING, ABN AMRO, SWIFT MT940 guidelines).
_FIELD = re.compile(
    r"/(EREF|PREF|MARF|CSID|RTRN|REMI|NAME|IBAN|BIC|CNTP|ORDP|BENM|ISDT|ULTC|ULTD|ULTB|PURP|"
    r"CDTRREFTP|CDTRREF|ADDR|TRCD|BUSP|TRTP|ACCW|BBAN|OCMT|CHGS|EXCH|SVCL)(?=/)")
# A structured remittance (/REMI/STRD/CUR/...): the Dutch betalingskenmerk, a creditor reference.
_STRUCTURED = re.compile(r"STRD/[A-Z]*/(?P<reference>[^/]+)/?")
# What opens a /REMI/ field before its text: its code and issuer, USTD// or STRD/CUR/, or both
# left empty (ING's "Internet Bankieren Professional" export: /REMI///text/).
_REMI_HEAD = re.compile(r"^(USTD//?|STRD/[A-Z]*/|//)")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
# Komercijalna Banka Skopje: /ORDP/ (money in) or /BENM/ (money out) and the party's account
# alone on the first line, its name on the next one, led by "/".
_ACCOUNT_LINE = re.compile(r"/(ORDP|BENM)/(?P<account>[A-Z0-9]{5,34})")
# Penta (solarisBank): "999" and the payment's type, then purpose:name:IBAN, and at times a
# last word of the bank's (999SEPA_CREDIT_TRANSFER:Rechnung 7983:ACME GmbH:DE70...:GEBUEHREN).
_PENTA = re.compile(r"999(?P<type>[A-Z][A-Z_]*):(?P<rest>.*)", re.DOTALL)
_IBAN_FIELD = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_NOTHING = {"", "EMPTY"}  # a line saying there is nothing (Komercijalna Banka's "/EMPTY/")


@dataclass(frozen=True)
class Details:
    """What the :86: text says about one movement."""

    remittance: str = ""
    name: str | None = None
    account: str | None = None
    end_to_end: str | None = None
    creditor_reference: str | None = None
    code: str | None = None  # the business transaction code (GVC) of numbered sub-fields
    text: str = ""  # the text as written, lines joined straight: references cut across lines
    structured: bool = False  # written in /KEY/value fields


def read_details(values: list[str], raws: list[str]) -> Details:
    """The details of a movement's :86: tags: `values` trimmed, `raws` with their line ends."""
    numbered = _subfields("".join(raws))
    if numbered is not None:
        return numbered
    # Each :86: on its own: a second one is a new field, not the rest of a cut line.
    text = " ".join(_unwrap(value) for value in values)
    lined = _account_then_name(values, text) or _colon_fields(values)
    if lined is not None:
        return lined
    fields = _fields(text)
    if not fields:
        return Details(remittance=clean(text), text=text)
    found = _from_fields(fields, text)
    if "REMI" not in fields:  # /BENM/, /ORDP/ ... without /REMI/: keep every word of the text
        found = replace(found, remittance=clean(text))
    return found


# Numbered sub-fields --------------------------------------------------------------------------

_POLISH_WIDTH = SWIFT_LINE


def _subfields(raw: str) -> Details | None:
    """The details of a :86: text in numbered sub-fields, or None when it is not so written."""
    text = "".join(raw.split("\n"))  # a line break is no part of a sub-field (65-character lines)
    layout = _LAYOUT.match(text)
    if layout is None:
        return None
    separator = layout["sep"] or layout["bare"]
    # Polish banks write the title in ~20-~25 lines of at most 35 characters (PKO BP, mBank):
    # a shorter one ended at a word ("~20FV/2026/03/0012~21zaplata za marzec"); their name
    # lines (~32, ~33) are cut anywhere, joined straight. So are the lines of a text without a
    # code (Polish: >31 the other party's account, >32-33 its name; Triodos always writes
    # its code).
    width = 0 if separator == "~" or layout["code"] is None else _WIDTH
    title_width = _POLISH_WIDTH if separator == "~" else width
    fields = _split(text[layout.start("sep") if layout["code"] else layout.start("bare"):],
                    separator)
    if separator == ">" and layout["code"] is not None:
        return _triodos(layout["code"], fields)
    given = dict(fields)
    polish = separator == "~" or layout["code"] is None
    purpose = [(key, value) for key, value in fields
               if key in (_POLISH_TITLE if polish else _PURPOSE)]
    names = [(key, value) for key, value in fields if key in ("32", "33")] or (
        [(key, value) for key, value in fields if key in _POLISH_NAME] if polish else [])
    keywords = _keywords(_joined(purpose, title_width))
    account = optional(given.get("38")) or optional(given.get("31")) or keywords.get("IBAN")
    own = _reference(keywords.get("KREF"))
    return Details(
        code=layout["code"],
        name=optional(_joined(names, width).replace(_CUT, " ")),
        account=account.replace(" ", "") if account else None,
        remittance=join([given.get("00"), *(keywords.get(key) for key in ("", *_TEXT_KEYWORDS)),
                         own]),
        end_to_end=_reference(keywords.get("EREF")),
        text="".join(value for _key, value in purpose))


def _split(text: str, separator: str) -> list[tuple[str, str]]:
    """The (number, value) sub-fields, in order; an empty one ("˙") is left out."""
    parts = re.split(re.escape(separator) + r"(\d{2})", text)
    return [(key, value) for key, value in zip(parts[1::2], parts[2::2], strict=True)
            if not _EMPTY.fullmatch(value)]


def _joined(lines: list[tuple[str, str]], width: int) -> str:
    """Numbered lines of text as one: straight on after a full line that the next one follows
    (?29 is followed by ?60), else marked as cut short."""
    out, previous = "", None
    for key, line in lines:
        if previous is not None and (len(previous[1]) < width or _after(previous[0]) != key):
            out += _CUT
        out += line
        previous = (key, line)
    return out


def _after(key: str) -> str:
    return "60" if key == "29" else f"{int(key) + 1:02d}"


def _keywords(purpose: str) -> dict[str, str]:
    """The purpose text by SEPA keyword; "" holds the words outside any keyword's."""
    starts = list(_KEYWORD.finditer(purpose))
    pieces = [("", purpose[:starts[0].start()] if starts else purpose)]
    pieces += [(match[1], purpose[match.end():starts[i + 1].start() if i + 1 < len(starts)
                else len(purpose)]) for i, match in enumerate(starts)]
    found: dict[str, str] = {}
    loose = []
    for key, value in pieces:
        if key and key not in _TEXT_KEYWORDS:
            # An id ends where its line was cut short; the words after it are the payer's.
            value, _cut, rest = value.lstrip(_CUT + " ").partition(_CUT)
            loose.append(rest)
        found.setdefault(key, clean(value.replace(_CUT, " ")))
    found[""] = join([found[""], *(clean(text.replace(_CUT, " ")) for text in loose)])
    return found


def _triodos(code: str, fields: list[tuple[str, str]]) -> Details:
    """Triodos Bank's >NN layout: >10 the payer's account (zeros for a SEPA payment, whose BIC
    and IBAN open the text in >20 and >21), the text in >2x, the account holder's own in >31."""
    given = dict(fields)
    lines = [(key, value) for key, value in fields if key in _PURPOSE]
    account = optional(given.get("10")) if given.get("10", "").strip("0 ") else None
    if len(lines) > 1 and _IBAN_SHAPE.fullmatch(lines[1][1].strip()):
        account, lines = lines[1][1].strip(), lines[2:]
    text = _joined(lines, _WIDTH).replace(_CUT, " ")
    return Details(code=code, account=account, remittance=clean(text),
                   text="".join(value for _key, value in lines))


def _reference(text: str | None) -> str | None:
    value = clean(text)
    return None if value.replace(" ", "").upper() in _NO_REFERENCE else value


# /KEY/value fields and free text ---------------------------------------------------------------

def _unwrap(text: str) -> str:
    """:86: lines joined: straight on where a full 65-character line was cut, else a space."""
    lines = text.split("\n")
    out = lines[0]
    # The first line shares its 65 characters with ":86:": full at 61 (ABN AMRO writes 64
    # on every line, the first too).
    width = len(lines[0]) + 3
    for line in lines[1:]:
        out += line if width >= 64 else " " + line
        width = len(line)
    return out


def _fields(text: str) -> dict[str, str]:
    """The /KEY/value fields of a structured :86: text, or {} when it is free text."""
    matches = list(_FIELD.finditer(text))
    if not matches or matches[0].start() != 0:
        return {}
    fields: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        # ING ends every field with "/" too ("/EREF/123//CNTP/..."): that one is no part of it.
        value = text[match.end() + 1:end].strip().removesuffix("/")
        # Rabobank writes "/REMI//REMI/text": the first, empty, opens the second.
        if not fields.get(match.group(1)):
            fields[match.group(1)] = value
    return fields


def _from_fields(fields: dict[str, str], text: str) -> Details:
    """Name, account, remittance and references from /KEY/value fields."""
    party = _party(fields)
    remittance = fields.get("REMI", "")
    structured = _STRUCTURED.fullmatch(remittance)
    remittance = _REMI_HEAD.sub("", remittance)
    return Details(
        name=optional(fields.get("NAME") or (party[2] if len(party) > 2 else None)),
        account=optional(fields.get("IBAN") or fields.get("BBAN") or party[0]),
        remittance=clean(remittance), end_to_end=_reference(fields.get("EREF")),
        creditor_reference=optional(fields.get("CDTRREF"))
        or (clean(structured["reference"]) if structured else None),
        text=text, structured=True)


def _account_then_name(values: list[str], text: str) -> Details | None:
    """Komercijalna Banka Skopje's layout, or None: "/ORDP/300000000460495", then
    "/IVOTEHNA DOOEL SKOPJE" on a line of its own, then codes and the purpose, a line each
    ("/747//747", "/Uplata po faktura 747"). No other /KEY/ field is written."""
    lines = "\n".join(values).split("\n")
    first = _ACCOUNT_LINE.fullmatch(lines[0].strip())
    if (first is None or len(lines) < 2 or not lines[1].startswith("/")
            or not _is_name(lines[1].strip("/"))
            or any(_FIELD.match(line) for line in lines[1:])):
        return None
    rest = [clean(line.strip().strip("/")) for line in lines[2:]]
    return Details(name=clean(lines[1].strip("/")), account=first["account"],
                   remittance=join(line for line in rest if line.upper() not in _NOTHING),
                   text=text, structured=True)


def _colon_fields(values: list[str]) -> Details | None:
    """Penta's layout, or None: "999", the type, then purpose, name and IBAN apart by colons.

    Read only where the shape leaves no doubt: the 999 code and type, and the IBAN field last
    or before one last word. The purpose may hold colons of its own ("CCI : 0150577373"), so
    the fields are counted from the end. A card payment's placeholder account (XX95...) fails
    the IBAN check digits and is no account."""
    found = _PENTA.fullmatch(" ".join(value.replace("\n", " ") for value in values))
    if found is None:
        return None
    fields = found["rest"].split(":")
    at = next((i for i in (len(fields) - 1, len(fields) - 2)
               if i >= 2 and _IBAN_FIELD.fullmatch(fields[i].strip())), None)
    if at is None:
        return None
    account = fields[at].strip()
    purpose = ":".join(fields[:at - 1])
    return Details(code=f"999 {found['type']}", name=optional(fields[at - 1]),
                   account=account if iban.is_valid(account) else None,
                   remittance=join([purpose, *fields[at + 1:]]), text=purpose)


def _party(fields: dict[str, str]) -> list[str]:
    """The counterparty's account/BIC/name/city: /CNTP/, or a /BENM/ or /ORDP/ written the same
    way (ING's "Internet Bankieren Professional" export), or as a name after an empty account.
    Other banks write nothing there (Rabobank: /BENM//NAME/...); Komercijalna Banka's account
    and name a line each are read by `_account_then_name`."""
    if "CNTP" in fields:
        return fields["CNTP"].split("/")
    for key in ("BENM", "ORDP"):
        party = fields.get(key, "").split("/")
        if len(party) > 2 and (_BIC.fullmatch(party[1].strip())
                               or not party[1] and _IBAN_SHAPE.fullmatch(party[0].strip())):
            return party
        if len(party) > 1 and not party[0].strip() and _is_name(party[1]):
            # JPMorgan, after the SWIFT MT940 structured guidelines: no account, the name,
            # then the address ("/ORDP//ACME WIDGETS INC/123 MAIN STREET NEW YORK NY 10001").
            return ["", "", party[1]]
    return [""]


def _is_name(text: str) -> bool:
    """True for words that can be a party's name: letters, and no BIC, IBAN or placeholder."""
    value = text.strip()
    return (sum(c.isalpha() for c in value) >= 3 and not _BIC.fullmatch(value)
            and not _IBAN_SHAPE.fullmatch(value.replace(" ", ""))
            and _reference(value) is not None)
