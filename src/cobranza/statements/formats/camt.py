"""ISO 20022 camt.052 (intraday report), camt.053 (statement), camt.054 (notification).

Every version (001.01 to 001.13) and documents without a namespace read the same way: the
elements we use kept their names and places across versions, so paths are namespace-blind.
Only booked entries become lines (`Sts` BOOK, as text, Cd or Prtry, or absent): pending and
information-only entries are not money on the account yet, and the booked balances would not
add up with them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from cobranza.i18n import _
from cobranza.statements.formats.camt_tx import account_paths, entry_lines
from cobranza.statements.formats.xmlread import Tree, amount, day, root_of
from cobranza.statements.model import ParsedStatement, StatementLine

name = "camt"

# Message element -> its statement element, per message type.
_MESSAGES = {"BkToCstmrAcctRpt": "Rpt", "BkToCstmrStmt": "Stmt", "BkToCstmrDbtCdtNtfctn": "Ntfctn"}
# Any ISO 20022 message is claimed, so that a pain.008 or camt.055 is told it is not a statement.
_ISO_NS = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})")
_OPENING = ("OPBD", "PRCD")  # opening booked; else the previous statement's closing booked
_CLOSING = ("CLBD",)
# Interim balances (ITBD, ITAV) are not used: a camt.052 report's interim balance is taken at
# some moment of the day, not after its last entry, so it does not follow from the entries.


def identify(head: bytes) -> bool:
    """An ISO 20022 namespace, or a bare `<Document>` root (camt without a namespace)."""
    return _ISO_NS.search(head) is not None or re.search(rb"<Document[\s>]", head) is not None


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read every statement, report or notification of the document."""
    root = _document(root_of(data, file=file))
    tree = Tree(root, file=file)
    message = _message(root, tree)
    kind = _MESSAGES[_message_name(message)]
    created = tree.text(message, "GrpHdr/CreDtTm")
    statements = [_statement(tree, element, created=created)
                  for element in tree.findall(message, kind)]
    if not statements:
        raise tree.error(message, kind, _("the message holds no {element}; nothing to import",
                                          element=kind))
    return statements


def _document(root: etree._Element) -> etree._Element:
    """The `Document`, also when it comes wrapped with its business application header."""
    # Banks sending over SWIFTNet or an EBICS/host-to-host channel may deliver the header
    # (AppHdr, head.001) and the Document side by side under an envelope element of their own.
    if etree.QName(root).localname == "Document":
        return root
    return next(root.iter("{*}Document"), root)


def _message(root: etree._Element, tree: Tree) -> etree._Element:
    namespace = etree.QName(root).namespace or ""
    found = _ISO_NS.search(namespace.encode())
    if found and found[1] not in (b"camt.052", b"camt.053", b"camt.054"):
        raise tree.error(root, "Document", _(
            "{message} is not an account statement; expected camt.052, camt.053 or camt.054",
            message=found[1].decode()))
    for child in root:
        if isinstance(child.tag, str) and _message_name(child) in _MESSAGES:
            return child
    raise tree.error(root, "Document", _(
        "no bank-to-customer message (BkToCstmrStmt, BkToCstmrAcctRpt or "
        "BkToCstmrDbtCdtNtfctn); expected a camt.052, camt.053 or camt.054 document"))


def _message_name(element: etree._Element) -> str:
    # Version 01 messages carried their version in the element name: BkToCstmrStmtV01.
    return re.sub(r"V[0-9]{2}$", "", etree.QName(element).localname)


def _statement(tree: Tree, element: etree._Element, *, created: str | None) -> ParsedStatement:
    account = tree.text(element, *account_paths("Acct"))
    if account is None:
        raise tree.error(element, "Acct/Id", _("the account has no IBAN or other id"))
    balances = _balances(tree, element)
    lines: list[StatementLine] = []
    created = tree.text(element, "CreDtTm") or created
    undated = _undated_day(tree, element, created)
    not_booked = 0
    for entry in tree.findall(element, "Ntry"):
        status = tree.text(entry, "Sts/Cd", "Sts/Prtry", "Sts") or "BOOK"
        if status.upper() == "BOOK":
            lines.extend(entry_lines(tree, entry, undated=undated))
        else:
            not_booked += 1
    currency = (tree.text(element, "Acct/Ccy") or _balance_currency(tree, element)
                or (lines[0].currency if lines else None))
    start, end = _period(tree, element)
    opening = _pick(balances, _OPENING, first=True)
    closing = _pick(balances, _CLOSING, first=False)
    return ParsedStatement(
        format=name, account=account, currency=currency, lines=lines,
        statement_ref=tree.text(element, "Id"),
        opening_balance=opening[0] if opening else None,
        closing_balance=closing[0] if closing else None,
        closing_line=closing[2] if closing else 0, closing_field="Bal/Amt",
        period_start=start or _earliest(opening[1] if opening else None, _first(lines)),
        period_end=(end or (closing[1] if closing else None) or _last(lines)
                    or (day(created, tree=tree, element=element, field="CreDtTm")
                        if created else None)),
        line=element.sourceline or 0, not_booked=not_booked)


def _undated_day(tree: Tree, element: etree._Element, created: str | None) -> str | None:
    """When an entry that gives no date was booked: when its report was created, or by the end
    of the period it covers if the report was made later (a day's statement made next morning)."""
    end = tree.text(element, "FrToDt/ToDtTm", "FrToDt/ToDt")
    if end is None or created is None:
        return created or end
    made = day(created, tree=tree, element=element, field="CreDtTm")
    covered = day(end, tree=tree, element=element, field="FrToDt")
    return end if covered < made else created


def _balances(tree: Tree,
              element: etree._Element) -> list[tuple[str, Decimal, date | None, int]]:
    """The opening and closing booked balances stated, each (code, signed amount, date, line).

    A balance of another type (available, interim, forward) is not read, so that an odd one
    (Citibank states some with an empty amount, some signed) does not refuse the statement.
    One stated without an amount states nothing."""
    found = []
    for balance in tree.findall(element, "Bal"):
        code = (tree.text(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or "").upper()
        written = tree.text(balance, "Amt")
        if code not in (*_OPENING, *_CLOSING) or written is None:
            continue
        value = _signed(tree, balance, written)
        when = tree.text(balance, "Dt/Dt", "Dt/DtTm")
        found.append((code, value,
                      day(when, tree=tree, element=balance, field="Bal/Dt") if when else None,
                      balance.sourceline or 0))
    return found


def _signed(tree: Tree, balance: etree._Element, written: str) -> Decimal:
    """A balance signed by its indicator (DBIT is below zero). Some banks (Citibank) also write
    a debit balance with a minus sign: it is the same debit, not a credit."""
    indicator = tree.text(balance, "CdtDbtInd") or "CRDT"
    negative = written.startswith("-")
    if negative and indicator != "DBIT":
        raise tree.error(balance, "Bal/Amt", _(
            "'{value}' is a negative balance marked {indicator}; expected the amount without a "
            "sign and DBIT for a debit balance", value=written, indicator=indicator))
    value = amount(written.removeprefix("-"), tree=tree, element=balance, field="Bal/Amt")
    return -value if indicator == "DBIT" else value


def _pick(balances: list[tuple[str, Decimal, date | None, int]], codes: tuple[str, ...], *,
          first: bool) -> tuple[Decimal, date | None, int] | None:
    """The opening (`first`: the earliest) or closing (the latest) balance of the first code
    stated: a statement of several days may state one of each a day, in any order."""
    for code in codes:
        matching = [(value, when, line) for kind, value, when, line in balances if kind == code]
        if matching:
            dated = sorted(range(len(matching)),
                           key=lambda i: (matching[i][1] or (date.min if first else date.max), i))
            return matching[dated[0]] if first else matching[dated[-1]]
    return None


def _balance_currency(tree: Tree, element: etree._Element) -> str | None:
    amt = tree.find(element, "Bal/Amt")
    return amt.get("Ccy") if amt is not None else None


def _period(tree: Tree, element: etree._Element) -> tuple[date | None, date | None]:
    span = tree.find(element, "FrToDt")
    if span is None:
        return None, None
    start = tree.text(span, "FrDtTm", "FrDt")
    end = tree.text(span, "ToDtTm", "ToDt")
    return (day(start, tree=tree, element=span, field="FrToDt") if start else None,
            day(end, tree=tree, element=span, field="FrToDt") if end else None)


def _earliest(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def _first(lines: list[StatementLine]) -> date | None:
    return min((line.booking_date for line in lines), default=None)


def _last(lines: list[StatementLine]) -> date | None:
    return max((line.booking_date for line in lines), default=None)

