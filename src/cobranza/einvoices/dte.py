"""Chilean SII DTE: facturas 33/34 and notas de débito 56 -> invoices, notas de crédito 61;
and their export counterparts 110/111 -> invoices, 112 -> credit notes, in a foreign currency.

A file may hold one DTE, a bare Documento, or an EnvioDTE (the batch an issuer sends to the SII
or to its customer). An AEC is refused: it records that the invoice was assigned (cedida) to a
factoring company, which collects it from then on, so it is not the organisation's receivable.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from cobranza.core.money import is_currency
from cobranza.einvoices.fields import Element, Fields, namespace
from cobranza.einvoices.model import (
    FOREIGN_RUT,
    Document,
    Parsed,
    Party,
    PaymentLine,
    foreign_party,
)
from cobranza.i18n import _
from cobranza.importers.tabular import RowError
from cobranza.statements.safexml import local_name

SII = "http://www.sii.cl/SiiDte"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
# factura, factura exenta, nota de débito; factura and nota de débito de exportación
INVOICE_TYPES = frozenset({"33", "34", "56", "110", "111"})
CREDIT_NOTES = frozenset({"61", "112"})  # nota de crédito, nota de crédito de exportación
EXPORTS = frozenset({"110", "111", "112"})
# An export's Totales/TpoMoneda is a name of the SII's table of currencies, not an ISO code.
SII_CURRENCIES = {
    "PESO CL": "CLP", "DOLAR USA": "USD", "EURO": "EUR", "LIBRA EST": "GBP", "YEN": "JPY",
    "FRANCO SZ": "CHF", "DOLAR CAN": "CAD", "DOLAR AUST": "AUD", "DOLAR NZ": "NZD",
    "DOLAR HK": "HKD", "DOLAR SIN": "SGD", "CORONA DIN": "DKK", "CORONA NOR": "NOK",
    "CORONA SC": "SEK", "PESO MEX": "MXN", "PESO COL": "COP", "PESO URUG": "UYU",
    "NUEVO SOL": "PEN", "BOLIVIANO": "BOB", "GUARANI": "PYG", "RENMINBI": "CNY",
    "RUPIA": "INR", "RAND": "ZAR",
}
# The batches an issuer sends: EnvioDTE, and EnvioBOLETA for boletas (refused one by one below,
# each with the reason a boleta is not collected).
ENVELOPES = ("EnvioDTE", "EnvioBOLETA")
# Documents that are no receivable of the issuer: boletas (paid at the sale), factura de compra
# (issued by the buyer), guía de despacho (goods moved, not billed); `_why_not` says why.
_NOT_RECEIVABLE = frozenset({"39", "41", "46", "52"})
# FmaPagExp 21, "sin pago": an export shipped for no payment (samples, goods returned under
# warranty), as FmaPago 3 for a domestic DTE (SII, Tabla Formas de Pago de Exportación).
_EXPORT_UNPAID = "21"
_NOTES = frozenset({"56", "111"})  # notas de débito (the credit notes: CREDIT_NOTES)
# Totales that only a plain document carries; with any other (withholdings, additional taxes,
# commissions) the sum rule is the SII's long list, and MntTotal is taken as stated.
_PLAIN_TOTALS = frozenset({"MntNeto", "MntExe", "TasaIVA", "IVA", "MntTotal", "SaldoAnterior",
                           "VlrPagar", "MontoPeriodo", "TpoMoneda"})


def read_sii(root: Element, file: str) -> Parsed:
    """The documents of a DTE, Documento or EnvioDTE root; anything else is refused."""
    out = Parsed()
    f = Fields(file, out.errors)
    name = local_name(root)
    if name == "AEC":
        f.error(root, "AEC", _(
            "this is an AEC (cesión): the invoice in it was assigned to a factoring company, "
            "which collects it now; it is not a DTE to collect. Import the DTE itself if the "
            "assignment was undone"))
        return out
    if name not in ("DTE", "Documento", "Exportaciones") + ENVELOPES:
        f.error(root, name, _("'{value}' is not a DTE; expected a DTE, EnvioDTE or Documento "
                              "of the SII", value=name))
        return out
    _check_signatures(root, f)
    q = _qualifier(root)
    if name in ("Documento", "Exportaciones"):
        documents = [root]
    else:
        dtes = [root] if name == "DTE" else root.findall(f"{q('SetDTE')}/{q('DTE')}")
        # An export is an Exportaciones where any other DTE has its Documento.
        documents = [doc for dte in dtes for doc in dte
                     if doc.tag in (q("Documento"), q("Exportaciones"))]
    if not documents:
        f.error(root, "Documento", _("the file holds no Documento; expected a factura, nota "
                                     "de débito or nota de crédito"))
    for element in documents:
        document = _document(element, f, q, out)
        if document is not None:
            out.documents.append(document)
    if out.errors:
        out.documents, out.payments = [], []
    return out


def _qualifier(root: Element) -> Callable[[str], str]:
    """Names in the file's namespace: the SII's, or none (older issuers omit it)."""
    ns = namespace(root)
    return (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)


def _check_signatures(root: Element, f: Fields) -> None:
    """A certificate or signature value that is not base64 means the file was damaged."""
    for tag in ("X509Certificate", "SignatureValue"):
        for element in root.iter(f"{{{DSIG}}}{tag}"):
            try:
                base64.b64decode("".join((element.text or "").split()), validate=True)
            except (binascii.Error, ValueError):
                f.error(element, tag, _("the signature's {what} is not base64; the file was "
                                        "damaged or altered", what=tag))


def _at(element: Element, path: str, q: Callable[[str], str]) -> Element:
    """Where a value at `path` is reported: its own element, else `element` (it is missing)."""
    found = element.find("/".join(q(part) for part in path.split("/")))
    return element if found is None else found


def _field(element: Element, path: str, q: Callable[[str], str]) -> tuple[str | None, Element,
                                                                          str]:
    """The text at `path`, where a problem with it is reported, and its name: for `Fields`."""
    return _text(element, path, q), _at(element, path, q), path


def _text(element: Element | None, path: str, q: Callable[[str], str]) -> str | None:
    if element is None:
        return None
    found = element.find("/".join(q(part) for part in path.split("/")))
    return None if found is None or found.text is None else found.text.strip()


def _document(doc: Element, f: Fields, q: Callable[[str], str], out: Parsed) -> Document | None:
    header = doc.find(q("Encabezado"))
    if header is None:
        f.error(doc, "Encabezado", _("missing element; a DTE has an Encabezado"))
        return None
    kind = f.required(*_field(header, "IdDoc/TipoDTE", q))
    folio = f.required(*_field(header, "IdDoc/Folio", q))
    if kind is not None and kind not in INVOICE_TYPES | CREDIT_NOTES:
        _not_collected(header, f, q, kind, out.not_receivable)
        return None
    if _free(header, f, q, out.not_receivable):
        return None
    issued = f.day(*_field(header, "IdDoc/FchEmis", q))
    due = f.day(*_field(header, "IdDoc/FchVenc", q), required=False)
    issuer = f.tax_id(*_field(header, "Emisor/RUTEmisor", q), "CL")
    rut = f.tax_id(*_field(header, "Receptor/RUTRecep", q), "CL")
    totals = header.find(q("Totales"))
    currency = _currency(header, f, q) if kind in EXPORTS else "CLP"
    amount = f.money(*_field(header, "Totales/MntTotal", q), currency)
    if None in (kind, folio, issued, issuer, rut, currency, amount) or totals is None:
        return None
    assert kind is not None and folio is not None and issued is not None and rut is not None
    assert currency is not None and amount is not None
    if amount == 0 and kind in CREDIT_NOTES | _NOTES:
        # A note that corrects a document's text (Referencia CodRef 2, "corrige texto") is
        # issued for no amount: it moves no money, and a credit of nothing is no credit.
        out.not_receivable.append(f.at(header).error("Totales/MntTotal", _(
            "a nota de crédito or débito of amount 0 corrects text only (CodRef 2); it moves "
            "no money")))
        return None
    _check_totals(totals, f, q, amount)
    if due is not None and due < issued:
        f.error(_at(header, "IdDoc/FchVenc", q), "IdDoc/FchVenc", _(
            "due date {due} is before the issue date {issued}; expected a due date on or "
            "after it", due=due, issued=issued))
    if due is None:
        due = _stated_due(header, f, q, issued)
    key = _key(kind, folio)
    party = _party(header, q, rut)
    if kind not in CREDIT_NOTES:
        out.warnings += _to_collect(totals, f, q, key=key, amount=amount)
        paid = _paid_at_issue(header, f, q, key=key, issuer=str(issuer), party=party,
                              issued=issued, currency=currency, amount=amount)
        if paid is not None:
            out.payments.append(paid)
    # A nota de débito adds to what the customer owes: it is collected as an invoice of its
    # own (its Referencia names the document it corrects, which it does not change).
    return Document(kind="credit_note" if kind in CREDIT_NOTES else "invoice", scheme="dte",
                    number=key,
                    fiscal_id=key, issuer_tax_id=str(issuer),
                    customer=party,
                    issue_date=issued, due_date=due, currency=currency, amount=amount,
                    at=f.at(doc), exchange_rate=_clp_rate(header, f, q, currency),
                    related=_references(doc, q) if kind in CREDIT_NOTES else ())


def _not_collected(header: Element, f: Fields, q: Callable[[str], str], kind: str,
                   not_receivable: list[RowError]) -> None:
    """Why a DTE of another type is not imported: a sound one that is no receivable (a boleta,
    a guía de despacho) is skipped beside others, said with its reason; any other is refused."""
    expected = _("expected 33 (factura), 34 (factura exenta), 56 (nota de débito) or 61 (nota "
                 "de crédito), or their exports 110, 111 or 112")
    if kind in _NOT_RECEIVABLE:
        not_receivable.append(f.at(header).error("IdDoc/TipoDTE", _(
            "DTE type {value} is not a document cobranza collects: {reason}; {expected}",
            value=kind, reason=_why_not(kind), expected=expected)))
        return
    f.error(_at(header, "IdDoc/TipoDTE", q), "IdDoc/TipoDTE", _(
        "DTE type {value} is not a document cobranza collects; {expected}", value=kind,
        expected=expected))


def _why_not(kind: str) -> str:
    """Why a DTE of type `kind` (in `_NOT_RECEIVABLE`) is nobody's debt to the issuer."""
    if kind in ("39", "41"):
        return _("a boleta is paid at the sale")
    if kind == "46":
        return _("a factura de compra is issued by the buyer, not by the seller")
    return _("a guía de despacho moves goods and bills nothing")


def _free(header: Element, f: Fields, q: Callable[[str], str],
          not_receivable: list[RowError]) -> bool:
    """True, said as not receivable, for a DTE nobody pays for: FmaPago 3 (sin costo: goods
    delivered free, samples, replacements under warranty: the document states their value,
    but nobody owes it), or an export's FmaPagExp 21 (sin pago)."""
    if _text(header, "IdDoc/FmaPago", q) == "3":
        not_receivable.append(f.at(header).error("IdDoc/FmaPago", _(
            "a DTE with FmaPago 3 (sin costo) records a free delivery; it is not a "
            "receivable")))
        return True
    if _text(header, "IdDoc/FmaPagExp", q) == _EXPORT_UNPAID:
        not_receivable.append(f.at(header).error("IdDoc/FmaPagExp", _(
            "an export DTE with FmaPagExp 21 (sin pago) ships goods for no payment; it is not "
            "a receivable")))
        return True
    return False


def _paid_at_issue(header: Element, f: Fields, q: Callable[[str], str], *, key: str,
                   issuer: str, party: Party, issued: date, currency: str,
                   amount: Decimal) -> PaymentLine | None:
    """The money a DTE says was paid when it was issued (IdDoc FchCancel, MntCancel,
    SaldoInsol), as a payment of the document itself; None when it says none was.

    The invoice stays at MntTotal and the money is a payment, as a Pagos complement's: a bank
    line bringing the same money is then found to be this payment (`einvoices.recorded`,
    `reconciliation.recorded`) rather than counted twice. The amount is MntCancel; else
    MntTotal − SaldoInsol; else, with FchCancel alone, MntTotal (paid in full on that date).
    """
    day = f.day(*_field(header, "IdDoc/FchCancel", q), required=False)
    stated = {name: f.money(_text(header, f"IdDoc/{name}", q),
                            _at(header, f"IdDoc/{name}", q), f"IdDoc/{name}", currency)
              if _text(header, f"IdDoc/{name}", q) else None
              for name in ("MntCancel", "SaldoInsol")}
    paid, left = stated["MntCancel"], stated["SaldoInsol"]
    if paid is None and left is not None:
        paid = amount - left
    elif paid is None and day is not None:
        paid = amount
    if paid is None or paid == 0:
        return None
    if paid < 0 or paid > amount:
        name = "IdDoc/MntCancel" if stated["MntCancel"] is not None else "IdDoc/SaldoInsol"
        f.error(_at(header, name, q), name, _(
            "the amount paid at issue, {paid}, is not between 0 and MntTotal {total}; the file "
            "was altered or badly generated", paid=paid, total=amount))
        return None
    if left is not None and amount - paid != left:
        f.error(_at(header, "IdDoc/SaldoInsol", q), "IdDoc/SaldoInsol", _(
            "SaldoInsol {left} is not MntTotal {total} − MntCancel {paid} = {expected}; the "
            "file was altered or badly generated", left=left, total=amount, paid=paid,
            expected=amount - paid))
        return None
    # FchCancel is used when the document was paid before its issue (SII, Formato DTE): the
    # payment is dated on the issue date, because a payment applies only to documents issued
    # on or before its date (DOMAIN.md), and this one says it paid this document. No balance
    # before it is stated: it is the document's first payment, made as it was issued (the
    # comparison with the ledger, `recorded.balance_disagreements`, is a complement's).
    return PaymentLine(code=f"{key}/1", fiscal_id=key, installment=1, issuer_tax_id=issuer,
                       customer=party, day=max(day or issued, issued), currency=currency,
                       amount=paid, target=key, at=f.at(_at(header, "IdDoc/MntCancel", q)),
                       scheme="dte")


def _to_collect(totals: Element, f: Fields, q: Callable[[str], str], *, key: str,
                amount: Decimal) -> list[str]:
    """A warning when the DTE asks the customer for another amount than the document's.

    VlrPagar = MntTotal + MontoNF + SaldoAnterior (SII, Formato DTE): MontoNF bills items
    that are not sales (a deposit, a reimbursed expense) and SaldoAnterior what an earlier
    document left unpaid. The receivable stays MntTotal: the earlier balance is collected as
    the earlier document, and a non-billable amount is no invoice's (no credit note or
    Pagos complement can name it), so the difference is said for a person to record.
    """
    raw = _text(totals, "VlrPagar", q)
    to_pay = f.decimal(raw, _at(totals, "VlrPagar", q), "Totales/VlrPagar") if raw else None
    if to_pay is None or to_pay == amount:
        return []
    at = f.at(_at(totals, "VlrPagar", q))
    parts = ", ".join(f"{name} {value}" for name in ("MontoNF", "SaldoAnterior")
                      if (value := _text(totals, name, q)))
    return [f"{at.file}:{at.line}: Totales/VlrPagar: " + _(
        "document {number} asks for VlrPagar {to_pay} ({parts}) and bills MntTotal {total}; "
        "the receivable is MntTotal, record the rest separately if it is owed", number=key,
        to_pay=to_pay, parts=parts or "?", total=amount)]


def _stated_due(header: Element, f: Fields, q: Callable[[str], str],
                issued: date) -> date | None:
    """The due date a DTE without FchVenc states otherwise: its terms in days (TermPagoDias),
    else the last of its installments (MntPagos/FchPago: the whole amount is owed by then, and
    no reminder claims what is not yet due), else its issue date when paid in cash (FmaPago 1,
    contado); None when it says nothing."""
    days = _text(header, "IdDoc/TermPagoDias", q)
    if days is not None:
        if days.isascii() and days.isdigit():
            return issued + timedelta(days=int(days))
        f.error(_at(header, "IdDoc/TermPagoDias", q), "IdDoc/TermPagoDias", _(
            "'{value}' is not a number of days; expected a whole number such as 30",
            value=days))
        return None
    installments = [f.day(found.text.strip(), found, "IdDoc/MntPagos/FchPago")
                    for found in header.iterfind(f"{q('IdDoc')}/{q('MntPagos')}/{q('FchPago')}")
                    if found.text and found.text.strip()]
    if installments:
        return max((d for d in installments if d is not None), default=None)
    if _text(header, "IdDoc/FmaPago", q) == "1":
        return issued  # FmaPago 1 (contado): paid on issue
    return None


def _key(kind: str, folio: str) -> str:
    """"33-170": a folio is a number, which issuers may pad with zeros ("000170")."""
    return f"{kind}-{int(folio)}" if folio.isascii() and folio.isdigit() else f"{kind}-{folio}"


def _party(header: Element, q: Callable[[str], str], rut: str) -> Party:
    """The receptor; a foreign one by its own tax id, since all share the generic RUT."""
    name = _text(header, "Receptor/RznSocRecep", q) or rut
    foreign = _text(header, "Receptor/Extranjero/NumId", q)
    if rut == FOREIGN_RUT:
        return foreign_party(FOREIGN_RUT, foreign, name)
    return Party(code=rut, tax_id=rut, name=name, country="CL")


def _currency(header: Element, f: Fields, q: Callable[[str], str]) -> str | None:
    """An export's currency: Totales/TpoMoneda, a name of the SII's table, as ISO 4217."""
    raw = f.required(*_field(header, "Totales/TpoMoneda", q))
    if raw is None:
        return None
    name = " ".join(raw.upper().split())
    if name in SII_CURRENCIES:
        return SII_CURRENCIES[name]
    if is_currency(name):  # some issuers write the ISO code itself
        return name
    f.error(_at(header, "Totales/TpoMoneda", q), "Totales/TpoMoneda", _(
        "unknown currency '{value}'; expected a currency of the SII's table, such as "
        "DOLAR USA, EURO or PESO CL", value=raw))
    return None


def _clp_rate(header: Element, f: Fields, q: Callable[[str], str],
              currency: str) -> Decimal | None:
    """Pesos per unit of an export's currency (OtraMoneda/TpoCambio, when given in pesos)."""
    other = header.find(q("OtraMoneda"))
    if currency == "CLP" or other is None or _text(other, "TpoMoneda", q) != "PESO CL":
        return None
    return f.decimal(_text(other, "TpoCambio", q), other, "OtraMoneda/TpoCambio",
                     default=Decimal(0)) or None


def _references(doc: Element, q: Callable[[str], str]) -> tuple[str, ...]:
    """The invoices a nota de crédito corrects ("33-170"), in the order it names them."""
    keys: list[str] = []
    for ref in doc.findall(q("Referencia")):
        kind, folio = _text(ref, "TpoDocRef", q), _text(ref, "FolioRef", q)
        if _text(ref, "IndGlobal", q) == "1":
            continue  # a global reference names many documents at once (FolioRef 0), no one
        if kind in INVOICE_TYPES and folio:
            keys.append(_key(kind, folio))
    return tuple(keys)


def _check_totals(totals: Element, f: Fields, q: Callable[[str], str], amount: Decimal) -> None:
    """MntNeto + MntExe + IVA = MntTotal for a document without other taxes."""
    present = {local_name(child) for child in totals if isinstance(child.tag, str)}
    if not present <= _PLAIN_TOTALS:
        return
    parts = [f.decimal(_text(totals, tag, q), totals, f"Totales/{tag}", default=Decimal(0))
             for tag in ("MntNeto", "MntExe", "IVA")]
    if any(p is None for p in parts):
        return
    expected = sum((p for p in parts if p is not None), Decimal(0))
    if expected != amount:
        f.error(totals, "Totales/MntTotal", _(
            "MntTotal {total} does not match MntNeto + MntExe + IVA = {expected}; the file was "
            "altered or badly generated", total=amount, expected=expected))
