"""Who is on the other side of a US bank's movement, from the labelled fields of its text.

BAI2 has no field for the counterparty, nor have the CSV downloads of US banks: they write it
into the text (a BAI2 16 detail's text and its 88 continuations, a CSV row's description) as
labelled fields, each bank its own labels:

- ACH entries, from the NACHA record: `ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC
  DATE:260301 CO ENTRY DESCR:PAYMENT SEC:CCD ... IND NAME:...`. The originating company is the
  other side whichever way the money went (it pays us, or it debits us); IND NAME is the
  receiver, the account's own holder.
- Fedwire transfers: `ORG:=` or `ORG=` or `B/O:` (by order of) for who sent it, `BNF:=`, `BNF=`,
  `BNF NAME:=` for who received it (Silicon Valley Bank, JPMorgan, Wells Fargo), with the
  remittance behind `OBI:=`.
- Goldman Sachs: `DBNM:` the debtor's name, `CRNM:` the creditor's, `DACT:` the debtor's
  account, `CACT:` the creditor's.
- Bank of America writes an ACH entry's NACHA fields with the company's name first, unlabelled:
  `GAMMA SUPPLY CO DES:PAYMENT ID:000012345 INDN:OUR COMPANY LLC CO ID:1234567890 CCD` (DES the
  company entry description, INDN the receiver, the account's own holder). The name before
  ` DES:` is the originating company, as ORIG CO NAME is.

Mexican banks write a SPEI's fields into the description the same way (Scotiabank, Banorte:
`SPEI RECIBIDO BANORTE CLAVE DE RASTREO: 2026... ORDENANTE: GABRIELA CHAVEZ RFC: ... CONCEPTO:
PAGO`): the payer after `ORDENANTE:`, the payee after `BENEFICIARIO:`, the transfer's clave de
rastreo after `CLAVE DE RASTREO:` (`spei_trace`).

For a credit the payer is wanted, for a debit the payee. A value runs to the next label.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cobranza.statements.formats._text import clean, tax_id_in
from cobranza.statements.model import ParsedStatement, StatementLine

# Labels of more than one word, written before the generic single-word form so that the
# search stops at "ORIG ID:", not at "ID:" inside it.
_LONG_LABELS = (
    "ORIG CO NAME", "ORIG ID", "DESC DATE", "CO ENTRY DESCR", "IND ID", "IND NAME", "TRACE#",
    "SENDER BNK", "SENDER ID", "SENDER REF", "ORG ADDRESS", "ORG ID", "BNF ID", "BNF NAME",
    "BNF ADDRESS", "BNF BNK", "REC FI", "REC ID", "REC NAME", "ORIG BANK", "ORIGINATOR ID",
    "BENEFICIARY ID", "ENTRY DESCR", "CO ID", "CO NAME", "CO DESCR", "CLAVE DE RASTREO",
    "CVE RASTREO")
# A SPEI's labels, which fintechs and converted exports write as words ("Clave de rastreo:",
# "Ordenante:") as often as the banks in capitals: matched in any case, with those that end
# their values ("Concepto:").
_SPEI_LABELS = ("CLAVE DE RASTREO", "CVE RASTREO", "RASTREO", "ORDENANTE", "BENEFICIARIO",
                "CONCEPTO", "REFERENCIA", "RFC")
_LABEL = re.compile(
    r"(?:^|\s)(?P<label>" + "|".join(re.escape(label) for label in _LONG_LABELS)
    + r"|(?i:" + "|".join(re.escape(label) for label in _SPEI_LABELS) + r")"
    + r"|[A-Z][A-Z0-9#/]{1,11})(?::=|:|=)")
_PAYER = ("ORIG CO NAME", "CO NAME", "ORG", "B/O", "ORIGINATOR", "DBNM", "ORDENANTE")
_PAYEE = ("ORIG CO NAME", "CO NAME", "BNF NAME", "BNF", "BENEFICIARY", "CRNM", "BENEFICIARIO")
_TRACE = ("CLAVE DE RASTREO", "CVE RASTREO", "RASTREO")
# A trace key after its label and a space: 10 to 30 letters and digits, with a digit.
_BARE_TRACE = re.compile(r"(?i)\b(?:CLAVE DE RASTREO|CVE\.? RASTREO|RASTREO)\s+"
                         r"((?=[A-Z]*[0-9])[A-Z0-9]{10,30})\b")
_PAYER_ACCOUNT = ("DACT",)
_PAYEE_ACCOUNT = ("CACT",)


def labelled(text: str | None) -> dict[str, str]:
    """The labelled fields of a detail text, each label's first value (empty ones left out)."""
    if not text:
        return {}
    found: dict[str, str] = {}
    marks = list(_LABEL.finditer(text))
    for at, mark in enumerate(marks):
        end = marks[at + 1].start() if at + 1 < len(marks) else len(text)
        value = clean(text[mark.end():end]).strip(" ,/")
        if value:
            found.setdefault(mark.group("label").upper(), value)
    return found


def counterparty(text: str | None, *, credit: bool) -> tuple[str | None, str | None]:
    """The other side's name and account in a detail text: the payer of a credit, the payee of
    a debit; None where the text labels none."""
    fields = labelled(text)
    name = next((fields[k] for k in (_PAYER if credit else _PAYEE) if k in fields), None)
    if name is None:
        name = _company_first(text)
    account = next((fields[k] for k in (_PAYER_ACCOUNT if credit else _PAYEE_ACCOUNT)
                    if k in fields), None)
    return name, account


def spei_trace(text: str | None) -> str | None:
    """The clave de rastreo a description labels (one word: the key has no spaces), with a
    colon or, as some banks write it, without ("CLAVE DE RASTREO 2026030240014BMOV000041")."""
    fields = labelled(text)
    value = next((fields[k] for k in _TRACE if k in fields), None)
    if value:
        return value.split()[0]
    bare = _BARE_TRACE.search(text or "")
    return bare.group(1).upper() if bare else None


def _company_first(text: str | None) -> str | None:
    """The NACHA company name written before the first label when that label is `DES:` (Bank of
    America), or None."""
    first = _LABEL.search(text or "")
    if first is None or first.group("label") != "DES":
        return None
    name = clean(text[:first.start()]) if text else ""
    return name if sum(c.isalpha() for c in name) >= 2 else None


def with_labelled_fields(statement: ParsedStatement) -> ParsedStatement:
    """The statement with what its lines' remittance labels and the format has no field for
    (camt, MT940, OFX, BAI2, as the CSV reader reads it): the payer's RFC or RUT, a SPEI's
    ORDENANTE: or BENEFICIARIO: and its CLAVE DE RASTREO: (Mexican banks write a SPEI's fields
    into the text whatever the format)."""

    def filled(line: StatementLine) -> StatementLine:
        if not line.remittance or (line.counterparty_name and line.counterparty_tax_id
                                   and line.spei_reference):
            return line
        text = line.remittance.upper()
        name = line.counterparty_name or (
            counterparty(line.remittance, credit=line.amount > 0)[0]
            if "ORDENANTE:" in text or "BENEFICIARIO:" in text else None)
        return replace(line, counterparty_name=name,
                       counterparty_tax_id=line.counterparty_tax_id
                       or tax_id_in(line.remittance),
                       spei_reference=line.spei_reference or spei_trace(line.remittance))

    return replace(statement, lines=[filled(line) for line in statement.lines])
