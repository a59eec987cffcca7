"""camt entries (`Ntry`) and their transaction details (`TxDtls`) onto statement lines.

A batch entry (one booking for many payments, e.g. a direct-debit collection or a pile of
incoming transfers) becomes one line per `TxDtls` when every `TxDtls` states its own amount in
the entry's currency and those amounts add up to the entry: that is what lets reconciliation
match each payer. A payment made in another currency states what it came to in the entry's
beside its own (`AmtDtls`, after the exchange, `CcyXchg`): that amount is its part.
A collective credit with the charges taken off it (each part's `Chrgs/Rcrd` with
`ChrgInclInd` true: PostFinance's QR-bill Sammelgutschrift) is split the same way when the
parts less those charges add up to the entry, the charges one line of their own.
Otherwise the entry is one line: with its one `TxDtls`'s details, or, for a batch that
cannot be split (a part only in another currency, details cut short), with no one part's payer
or references, which would name the wrong party for the whole amount.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from lxml import etree

from cobranza.i18n import _
from cobranza.statements.formats._text import goes_on
from cobranza.statements.formats.xmlread import Tree, amount, day
from cobranza.statements.model import StatementLine

_NOT_PROVIDED = {"NOTPROVIDED", "NONREF", "NONE", "NA"}
# Proprietary references (`Refs/Prtry`) that are the bank's own id of the booking: the German
# savings banks' (Finanz Informatik) camt.052/053 give FI-UMSATZ-ID there, with AcctSvcrRef
# NONREF. Other types are the payer's or a clearing's references, not the booking's id.
_BANK_ID_TYPES = {"FI-UMSATZ-ID"}
# A payment's ids that every bank of its chain passes on unchanged (ISO 20022): TxId, the first
# instructing agent's id of the interbank transaction, and the UETR (version 07 on), unique to
# the payment. An entry without the bank's reference (ANZ's camt.054) is known by them; not by
# its NtryRef, unique within one message only, nor by the payer's InstrId or EndToEndId.
_INTERBANK_IDS = ("Refs/TxId", "Refs/UETR")
# Party identifier schemes that carry a tax id (ISO 20022 ExternalOrganisationIdentification /
# PersonIdentification codes; banks in Mexico and Chile put RFC/RUT under TXID or a Prtry name).
_TAX_SCHEMES = {"TXID", "RFC", "RUT", "TAX", "TAXID", "NIF", "VAT"}
# Where a transaction's amount is, the first in the entry's currency taken: its own amount
# (version 3 on), the amount of the transaction (before, its only one; or what a payment in
# another currency came to in the account's) or the counter value after the exchange.
_PART_AMOUNTS = ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/CntrValAmt/Amt")


def entry_lines(tree: Tree, entry: etree._Element, *, undated: str | None) -> list[StatementLine]:
    """The line(s) one booked entry makes; `undated` is the day of an entry that gives none."""
    amt = tree.find(entry, "Amt")
    if amt is None:
        raise tree.error(entry, "Ntry/Amt", _("the entry has no amount"))
    value = amount(amt.text, tree=tree, element=amt, field="Ntry/Amt")
    currency = (amt.get("Ccy") or "").strip()
    credit = _is_credit(tree, entry, "Ntry/CdtDbtInd")
    reversal = (tree.text(entry, "RvslInd") or "").lower() in ("true", "1")
    booked = tree.text(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm") or undated
    valued = tree.text(entry, "ValDt/Dt", "ValDt/DtTm")
    base = StatementLine(
        booking_date=day(booked, tree=tree, element=entry, field="Ntry/BookgDt"),
        value_date=day(valued, tree=tree, element=entry, field="Ntry/ValDt") if valued else None,
        amount=value if credit else -value, currency=currency,
        transaction_id=_ref(tree.text(entry, "AcctSvcrRef")),
        bank_code=_bank_code(tree, entry),
        remittance=_words(tree.text(entry, "AddtlNtryInf")),
        line=entry.sourceline or 0)
    details = tree.findall(entry, "NtryDtls/TxDtls")
    if not details:
        return [base]
    split = _split_amounts(tree, details, currency, value, credit=credit)
    charges = Decimal(0)
    if split is None and (charges := _deducted(tree, details, currency)):
        # The parts as the payers paid them, the charges the bank took from their sum.
        split = _split_amounts(tree, details, currency,
                               value + charges if credit else value - charges, credit=credit)
    if split is None and len(details) == 1 and not _batch_of_more(tree, entry, details):
        return [_with_details(tree, base, details[0], credit=credit, reversal=reversal)]
    if split is None:
        # Each part's words, but not its creditor reference: the matcher would take one part's
        # invoice for the whole booking.
        texts = [text for detail in details
                 for text in _remittance(tree, detail, references=False)]
        return [replace(base, remittance=base.remittance or " / ".join(texts))]
    lines = []
    for index, (detail, (part, part_credit)) in enumerate(zip(details, split, strict=True)):
        own_id = _ref(tree.text(detail, "Refs/AcctSvcrRef")) or _bank_id(tree, detail)
        line = replace(base, amount=part if part_credit else -part, line=detail.sourceline or 0,
                       transaction_id=own_id or _nth(base.transaction_id, index),
                       batch=base.transaction_id)
        lines.append(_with_details(tree, line, detail, credit=part_credit, reversal=reversal))
    if charges:
        lines.append(replace(base, amount=-charges, remittance=_CHARGES, bank_code=None,
                             transaction_id=_nth(base.transaction_id, len(details)),
                             batch=base.transaction_id))
    return lines


# The words of the line of a collective entry's charges (`_deducted`): the bank's own booking.
_CHARGES = "Charges deducted from the collective entry"


def _deducted(tree: Tree, details: list[etree._Element], currency: str) -> Decimal:
    """The charges the bank took off the entry's amount (`Chrgs/Rcrd` with `ChrgInclInd` true,
    in the entry's currency, as debits): what the parts add up to beyond it. Zero when any
    charge record is in another currency or a credit: then the sums say nothing sure."""
    total = Decimal(0)
    for record in (r for detail in details for r in tree.findall(detail, "Chrgs/Rcrd")):
        if (tree.text(record, "ChrgInclInd") or "").lower() not in ("true", "1"):
            continue
        amt = tree.find(record, "Amt")
        if (amt is None or (amt.get("Ccy") or "").strip() != currency
                or (tree.text(record, "CdtDbtInd") or "DBIT") != "DBIT"):
            return Decimal(0)
        total += amount(amt.text, tree=tree, element=amt, field="Chrgs/Rcrd/Amt")
    return total


def _batch_of_more(tree: Tree, entry: etree._Element, details: list[etree._Element]) -> bool:
    """True when the entry's batch counts more transactions (`Btch/NbOfTxs`) than it details."""
    counts = [tree.text(batch, "NbOfTxs") or "" for batch in tree.findall(entry, "NtryDtls/Btch")]
    return sum(int(count) for count in counts if count.isdigit()) > len(details)


def _split_amounts(tree: Tree, details: list[etree._Element], currency: str, total: Decimal,
                   *, credit: bool) -> list[tuple[Decimal, bool]] | None:
    if len(details) < 2:
        return None
    parts = []
    for detail in details:
        amt = next((found for path in _PART_AMOUNTS
                    if (found := tree.find(detail, path)) is not None
                    and (found.get("Ccy") or "").strip() == currency), None)
        if amt is None:
            return None
        part = amount(amt.text, tree=tree, element=amt, field="TxDtls/Amt")
        indicator = tree.text(detail, "CdtDbtInd")
        # A detail without its own indicator goes the entry's way.
        parts.append((part, indicator != "DBIT" if indicator else credit))
    net = sum((part if part_credit else -part for part, part_credit in parts), Decimal(0))
    return parts if net == (total if credit else -total) else None


def account_paths(account: str) -> tuple[str, ...]:
    """Where an account's id sits under `account`: IBAN, other id, or version 01's forms."""
    return tuple(f"{account}/Id/{form}" for form in ("IBAN", "Othr/Id", "PrtryAcct/Id", "BBAN",
                                                    "UPIC"))


def _with_details(tree: Tree, line: StatementLine, detail: etree._Element, *,
                  credit: bool, reversal: bool = False) -> StatementLine:
    # Money in: the counterparty is the debtor; money out: the creditor. A reversal (RvslInd)
    # keeps the parties of the booking it undoes, so the roles turn round: a debtor's refunded
    # direct debit (DBIT) names that debtor as Dbtr. Some banks write a reversal's parties in
    # its own direction instead, hence the other side when the first one is not there.
    first, other = ("Dbtr", "Cdtr") if credit != reversal else ("Cdtr", "Dbtr")
    parties = tree.find(detail, "RltdPties")
    name = counterparty_account = tax_id = None
    if parties is not None:
        name, counterparty_account, tax_id = _party(tree, parties, first)
        if reversal and not (name or counterparty_account or tax_id):
            name, counterparty_account, tax_id = _party(tree, parties, other)
    extra = _words(tree.text(detail, "AddtlTxInf"))
    reference = _compact(_ref(tree.text(detail, "RmtInf/Strd/CdtrRefInf/Ref")))
    remittance = (" / ".join(_remittance(tree, detail, known=reference))
                  or line.remittance or extra or "")
    interbank = tuple(dict.fromkeys(found for path in _INTERBANK_IDS
                                    if (found := _ref(tree.text(detail, path)))))
    return replace(
        line, counterparty_name=name, counterparty_account=counterparty_account,
        counterparty_tax_id=tax_id, remittance=remittance, other_ids=interbank,
        # An entry without its own reference is known by its one transaction's: the bank's,
        # else the payment's interbank id.
        transaction_id=(line.transaction_id or _ref(tree.text(detail, "Refs/AcctSvcrRef"))
                        or _bank_id(tree, detail) or next(iter(interbank), None)),
        end_to_end_id=_ref(tree.text(detail, "Refs/EndToEndId")),
        creditor_reference=reference,
        bank_code=_bank_code(tree, detail) or line.bank_code)


def _bank_id(tree: Tree, detail: etree._Element) -> str | None:
    """The bank's id of the booking among the detail's proprietary references, if it gives one."""
    for reference in tree.findall(detail, "Refs/Prtry"):
        if (tree.text(reference, "Tp") or "").upper() in _BANK_ID_TYPES:
            return _ref(tree.text(reference, "Ref"))
    return None


def _party(tree: Tree, parties: etree._Element,
           party: str) -> tuple[str | None, str | None, str | None]:
    """The name, account and tax id `RltdPties` gives for `party` (Dbtr or Cdtr)."""
    name = tree.text(parties, f"{party}/Nm", f"{party}/Pty/Nm", f"Ultmt{party}/Nm",
                     f"Ultmt{party}/Pty/Nm")
    return name, tree.text(parties, *account_paths(f"{party}Acct")), _tax_id(tree, parties, party)


def _remittance(tree: Tree, detail: etree._Element, *, references: bool = True,
                known: str | None = None) -> list[str]:
    """The detail's remittance texts: the unstructured ones, then each structured block's
    (`RmtInf/Strd`) numbers of the documents it pays, creditor references (but `known`, the
    line's own `creditor_reference`; none unless `references`) and additional text. The matcher
    looks for invoice numbers and RF references in this text, so a second block's must be in
    it too."""
    texts = _unstructured(tree, detail)
    for block in tree.findall(detail, "RmtInf/Strd"):
        # Nb from version 02 on; RfrdDocNb and CdtrRef in version 01.
        found = [tree.text(document, "Nb", "RfrdDocNb")
                 for document in tree.findall(block, "RfrdDocInf")]
        if references:
            found += [reference for info in tree.findall(block, "CdtrRefInf")
                      if _compact(reference := _ref(tree.text(info, "Ref", "CdtrRef")))
                      != known]
        found += [part.text for part in tree.findall(block, "AddtlRmtInf")]
        texts += [text for text in map(_words, found) if text]
    return texts


def _unstructured(tree: Tree, detail: etree._Element) -> list[str]:
    """The detail's unstructured remittance texts (`RmtInf/Ustrd`), in order.

    Banks cut a long text into Ustrd at a fixed width, whatever the words (Nordea at 35
    characters, German banks at a number of 27-character lines: "... Strom Absc" + "hlag"):
    a piece that fills such a width goes on in the next one, straight on when the cut falls
    inside a word, after a space otherwise (`goes_on`). A shorter piece ended where the bank
    or the payer ended it: the next one is a separate text, after " / " ("SEPA LASTSCHRIFT",
    "Mandat: ..."), which keeps two phrases' words apart."""
    texts: list[str] = []
    previous: str | None = None
    for part in tree.findall(detail, "RmtInf/Ustrd"):
        text = part.text or ""
        joint = goes_on(previous, text) if previous is not None and texts else None
        if joint is not None:
            texts[-1] += joint + text
        elif text.strip():
            texts.append(text)
        previous = text
    return [_words(text) for text in texts]


def _words(text: str | None) -> str:
    """The text with its runs of whitespace as one space: pretty-printed XML wraps long texts
    onto indented lines (ABN AMRO), which are not part of what the payer wrote."""
    return " ".join((text or "").split())


def _tax_id(tree: Tree, parties: etree._Element, party: str) -> str | None:
    for base in (f"{party}/Id", f"{party}/Pty/Id", f"Ultmt{party}/Id", f"Ultmt{party}/Pty/Id"):
        for other in (tree.findall(parties, f"{base}/OrgId/Othr")
                      + tree.findall(parties, f"{base}/PrvtId/Othr")):
            scheme = (tree.text(other, "SchmeNm/Cd", "SchmeNm/Prtry") or "").upper()
            if scheme.replace(" ", "") in _TAX_SCHEMES:
                return tree.text(other, "Id")
    return None


def _is_credit(tree: Tree, element: etree._Element, field: str) -> bool:
    indicator = tree.text(element, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise tree.error(element, field, _("'{value}' is not CRDT or DBIT",
                                           value=indicator or ""))
    return indicator == "CRDT"


def _bank_code(tree: Tree, element: etree._Element) -> str | None:
    domain = tree.find(element, "BkTxCd/Domn")
    if domain is not None:
        parts = [tree.text(domain, "Cd"), tree.text(domain, "Fmly/Cd"),
                 tree.text(domain, "Fmly/SubFmlyCd")]
        return "/".join(part for part in parts if part) or None
    return tree.text(element, "BkTxCd/Prtry/Cd")


def _ref(value: str | None) -> str | None:
    return None if value is None or value.upper() in _NOT_PROVIDED else value


def _compact(reference: str | None) -> str | None:
    """A creditor reference in its electronic form: an RF reference or a Swiss QR reference
    (27 digits) written in groups for reading ("00 00000 00000 ...") without its spaces."""
    if reference and re.fullmatch(r"(?:RF[0-9 ]{2}|[0-9 ])[A-Z0-9 ]*", reference.upper()):
        return "".join(reference.split())
    return reference


def _nth(reference: str | None, index: int) -> str | None:
    # Parts of one booking share the entry's reference; the part number keeps each one unique.
    return f"{reference}/{index + 1}" if reference else None
