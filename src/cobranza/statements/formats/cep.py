"""Banxico's CEP (Comprobante Electrónico de Pago): the receipt of one SPEI transfer, as XML.

A customer sends it as evidence of a payment, or the organisation downloads it from Banxico. It
is read as a one-line statement of the beneficiary's account (money in, MXN: SPEI moves pesos
only), with the payer (Ordenante) as counterparty and the clave de rastreo as the transfer's id.
It states no balances. Banxico writes "NA" where a field does not apply and, in older receipts,
"ND" where it is not available.

The receipt of a transfer the organisation made (its account, given as the import's --account,
is the payer's and not the beneficiary's) is read from the payer's side: money out of that
account, the beneficiary as counterparty. Read as money in, a payment to a supplier would wait
in review as if a customer had paid it. An --account that is neither party's is refused.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from cobranza.i18n import _
from cobranza.statements.formats.xmlread import Tree, amount, day, root_of
from cobranza.statements.model import ParsedStatement, StatementLine

name = "cep"

_ROOTS = (b"<SPEI_Tercero", b"<SPEI_Participante")
_ABSENT = frozenset({"", "NA", "ND"})
# The SAT's generic RFCs (sales to the general public, foreign residents) name no one: as a
# payer's tax id they would match whichever customer was invoiced under them.
_GENERIC_RFCS = frozenset({"XAXX010101000", "XEXX010101000"})


def identify(head: bytes) -> bool:
    """A CEP's root element, SPEI_Tercero (or SPEI_Participante between banks)."""
    return any(root in head for root in _ROOTS)


def extract(data: bytes, *, file: str, account: str | None = None) -> list[ParsedStatement]:
    """The one transfer the receipt proves, seen from `account` (the import's --account) where
    it is the payer's, else from the beneficiary's."""
    root = root_of(data, file=file)
    tree = Tree(root, file=file)
    if not etree.QName(root).localname.startswith("SPEI_"):
        raise tree.error(root, "SPEI_Tercero", _("not a Banxico CEP; expected a SPEI_Tercero "
                                                 "root element"))
    beneficiary = _child(tree, root, "Beneficiario")
    payer = _child(tree, root, "Ordenante")
    trace = _attr(root, "claveRastreo")
    if trace is None:
        raise tree.error(root, "claveRastreo", _("the receipt has no clave de rastreo"))
    # Some receipts omit the beneficiary's account ("NA"): the import's --account names it.
    beneficiary_account = _attr(beneficiary, "Cuenta")
    when = day(root.get("FechaOperacion"), tree=tree, element=root, field="FechaOperacion")
    value = amount(beneficiary.get("MontoPago"), tree=tree, element=beneficiary,
                   field="Beneficiario/MontoPago")
    own = (account or "").strip()
    paid = _same_account(own, _attr(payer, "Cuenta"))
    if own and paid and not _same_account(own, beneficiary_account):
        own_side, other, value = payer, beneficiary, -value  # the organisation paid
    elif own and beneficiary_account and not _same_account(own, beneficiary_account):
        # Another account's transfer: booked on the account given, it would be money that
        # never reached it. (Where the receipt omits the beneficiary's, the account given is.)
        raise tree.error(root, "--account", _(
            "the account given ({account}) is neither account this receipt names: the payer's "
            "{payer} and the beneficiary's {beneficiary}; give one of them with --account",
            account=own, payer=_attr(payer, "Cuenta") or "-", beneficiary=beneficiary_account))
    else:
        own_side, other = beneficiary, payer
    line = StatementLine(
        booking_date=when, value_date=_credited(root, when), amount=value, currency="MXN",
        counterparty_name=_attr(other, "Nombre"), counterparty_account=_attr(other, "Cuenta"),
        counterparty_tax_id=_tax_id(other), remittance=_attr(beneficiary, "Concepto") or "",
        spei_reference=trace, transaction_id=trace, bank_code="SPEI",
        line=own_side.sourceline or 0)
    return [ParsedStatement(format=name, account=_attr(own_side, "Cuenta") or "",
                            currency="MXN", lines=[line], statement_ref=trace,
                            period_start=when, period_end=when, line=root.sourceline or 0)]


def _credited(root: etree._Element, operation: date) -> date:
    """The calendar day the money was credited, from the receipt's cadenaCDA; else the
    operation day.

    FechaOperacion is the SPEI business day the transfer belongs to: one made after the day's
    cut-off, or on a holiday, belongs to the next business day, though the money was in the
    account on the calendar day the cadenaCDA gives ("||tipo|operación DDMMAAAA|abono DDMMAAAA|
    hora HHMMSS|...", Banxico). The line stays booked on the business day, as the bank's own
    statement of the account books it, so that the two agree; the value date, the day the
    money was available to the organisation, is the calendar day. A cadenaCDA whose operation
    day is not FechaOperacion is not this receipt's, and is not read.
    """
    parts = (root.get("cadenaCDA") or "").split("|")
    if len(parts) < 5 or parts[3] != operation.strftime("%d%m%Y"):
        return operation
    raw = parts[4]
    try:
        credited = date(int(raw[4:8]), int(raw[2:4]), int(raw[0:2]))
    except ValueError:
        return operation
    # Money is credited on, or at most a few days before, the business day it belongs to.
    return credited if len(raw) == 8 and raw.isdigit() and credited <= operation else operation


def _same_account(given: str, written: str | None) -> bool:
    """True when the account given is the one the receipt writes: the same CLABE, or the
    account number a CLABE holds (its digits 7 to 17, after the bank's and the plaza's)."""
    if not written:
        return False
    digits = "".join(given.split())
    return digits == written or (len(written) == 18 and digits.lstrip("0") != ""
                                 and digits.lstrip("0") == written[6:17].lstrip("0"))


def _child(tree: Tree, root: etree._Element, tag: str) -> etree._Element:
    found = tree.find(root, tag)
    if found is None:
        raise tree.error(root, tag, _("missing; a CEP names the beneficiary and the payer"))
    return found


def _attr(element: etree._Element, attribute: str) -> str | None:
    value = (element.get(attribute) or "").strip()
    return None if value in _ABSENT else value


def _tax_id(payer: etree._Element) -> str | None:
    """The payer's RFC (or CURP), unless it is absent or one of the SAT's generic RFCs."""
    value = _attr(payer, "RFC")
    if value is not None:
        # Neither an RFC nor a CURP has spaces, but Banxico cuts its fields at a fixed width and
        # can leave one inside ("GEP850101 1S6"), which would match no customer's RFC.
        value = "".join(value.split())
    return None if value is None or value.upper() in _GENERIC_RFCS else value
