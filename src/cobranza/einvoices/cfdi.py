"""Mexican CFDI 4.0 and 3.3: ingreso -> invoice, egreso -> credit note, pago (Pagos 2.0, or
Pagos 1.0 in a CFDI 3.3) -> payments.

Only what collection needs is read (UUID, serie/folio, RFCs, totals, currency, exchange rate,
MetodoPago, dates, related documents, paid amounts and balances); the sums the SAT requires to
agree are checked, because a file whose totals disagree was altered or badly generated.

CFDI 3.3 (in force until 2022) is read with the same model: open receivables and their payments
are still issued under it. What collection reads is named alike in both; 3.3 lacks what 4.0 added
(Exportacion, ObjetoImp, the receptor's fiscal address and regime, the Pagos Totales), and a
Pagos 1.0 DoctoRelacionado states TipoCambioDR where Pagos 2.0 has EquivalenciaDR.

An unstamped CFDI (no TimbreFiscalDigital) is read too, with a warning: a business receives
drafts and samples. It has no UUID, so it is known by its serie-folio and has no fiscal id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from cobranza.core.money import quantum, round_money
from cobranza.einvoices.fields import Element, Fields, namespace
from cobranza.einvoices.model import (
    FOREIGN_RFC,
    Document,
    Parsed,
    Party,
    PaymentLine,
    foreign_party,
)
from cobranza.i18n import _
from cobranza.importers.tabular import RowError
from cobranza.statements.safexml import local_name

CFDI = "http://www.sat.gob.mx/cfd/4"
CFDI33 = "http://www.sat.gob.mx/cfd/3"
PAGOS = "http://www.sat.gob.mx/Pagos20"
PAGOS10 = "http://www.sat.gob.mx/Pagos"
TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
IMPLOCAL = "http://www.sat.gob.mx/implocal"


@dataclass(frozen=True)
class Schema:
    """A CFDI version's names: its namespaces, bound to the prefixes the reader uses (`pago`:
    the payment complement of that version; `other`: the other version's, to name it when a
    file carries the wrong one), and the attribute a DoctoRelacionado states its rate in."""

    version: str
    pagos: str  # "Pagos 2.0"
    other: str  # the other version's: "Pagos 1.0"
    ns: dict[str, str]
    rate: str  # units of the document's currency per unit of the payment's (Anexo 20)


CFDI40 = Schema("4.0", "Pagos 2.0", "Pagos 1.0",
                {"cfdi": CFDI, "pago": PAGOS, "other": PAGOS10, "tfd": TFD, "implocal": IMPLOCAL},
                "EquivalenciaDR")
CFDI33_SCHEMA = Schema("3.3", "Pagos 1.0", "Pagos 2.0",
                       {"cfdi": CFDI33, "pago": PAGOS10, "other": PAGOS, "tfd": TFD,
                        "implocal": IMPLOCAL}, "TipoCambioDR")
ZERO = Decimal(0)
# SAT's generic RFC of sales to the general public (a foreign resident's: `model.FOREIGN_RFC`).
PUBLIC_RFC = "XAXX010101000"
# Egreso relations that reduce the related invoice: 01 nota de crédito, 03 devolución,
# 07 aplicación de anticipo (Anexo 20, c_TipoRelacion).
CREDIT_RELATIONS = frozenset({"01", "03", "07"})
SUBSTITUTION = "04"  # sustitución de los CFDI previos: this CFDI replaces a cancelled one
_NOT_RECEIVABLE = {"T": "T (traslado)", "N": "N (nómina)"}


def read_cfdi(root: Element, file: str) -> Parsed:
    """The invoice, credit note or payments of one CFDI 4.0 or 3.3 `Comprobante`."""
    out = Parsed()
    f = Fields(file, out.errors)
    schema = CFDI33_SCHEMA if namespace(root) == CFDI33 else CFDI40
    ns = schema.ns
    kind = root.get("TipoDeComprobante")
    if kind not in ("I", "E", "P"):
        message = _("a CFDI of type {value} is not a receivable; expected I (ingreso), "
                    "E (egreso) or P (pago)", value=_NOT_RECEIVABLE.get(kind or "", kind or "?"))
        if kind in _NOT_RECEIVABLE:  # sound, and beside the invoices in a SAT download
            out.not_receivable.append(f.at(root).error("TipoDeComprobante", message))
        else:
            f.error(root, "TipoDeComprobante", message)
        return out
    if kind != "P" and root.find("cfdi:InformacionGlobal", ns) is not None:
        # A global CFDI sums up a period's sales to the general public (receptor XAXX010101000),
        # each paid at the sale with a ticket: like a boleta, nobody owes it (Anexo 20,
        # InformacionGlobal). Skipped beside the invoices of a SAT download, refused alone.
        out.not_receivable.append(f.at(root).error("InformacionGlobal", _(
            "a global CFDI (InformacionGlobal) sums up sales to the general public, paid at "
            "the sale; it is not a receivable")))
        return out
    uuid = _uuid(root, f, ns)  # None when not stamped
    emisor, receptor = root.find("cfdi:Emisor", ns), root.find("cfdi:Receptor", ns)
    if emisor is None or receptor is None:
        f.error(root, "Emisor" if emisor is None else "Receptor",
                _("missing element; a CFDI names its issuer and its receiver"))
        return out
    issuer = f.tax_id(emisor.get("Rfc"), emisor, "Emisor/Rfc", "MX")
    customer = _party(receptor, f)
    if out.errors or issuer is None or customer is None:
        return out
    number = _number(root, f, uuid=uuid, issuer=issuer)
    if number is None:
        return out
    if kind == "P":
        out.payments = _payments(root, f, schema, uuid=uuid, number=number, issuer=issuer,
                                 customer=customer)
    else:
        document = _document(root, f, ns, kind=kind, uuid=uuid, number=number, issuer=issuer,
                             customer=customer, not_receivable=out.not_receivable)
        if document is not None and not out.errors:
            out.documents.append(document)
    if uuid is None and not out.errors:
        # (An I or E was refused above without a Fecha: `_draft_number` adds no error here.)
        dated = kind != "P" and number == _draft_number(root, f, issuer=issuer)
        out.warnings.append(_unstamped(root, f, kind=kind, number=number, dated=dated))
    return out


def _uuid(root: Element, f: Fields, ns: dict[str, str]) -> str | None:
    """The stamp's UUID, upper case; None when the CFDI is not stamped."""
    stamp = root.find("cfdi:Complemento/tfd:TimbreFiscalDigital", ns)
    if stamp is None:
        return None
    value = f.required(stamp.get("UUID"), stamp, "TimbreFiscalDigital/UUID")
    return None if value is None else value.upper()


def _unstamped(root: Element, f: Fields, *, kind: str, number: str, dated: bool) -> str:
    """The warning for an unstamped CFDI, located like an error (`dated`: numbered by its issuer
    and Fecha, having no Serie and Folio)."""
    # Only a stamped CFDI is a fiscal document (CFF art. 29): until a PAC certifies it there
    # is no UUID, which is how payment complements and credit notes name an invoice.
    if kind == "P":
        message = _(
            "the payment complement is not stamped (no TimbreFiscalDigital, hence no UUID): "
            "read as a draft numbered {number}; its stamped XML, when imported, takes over the "
            "same installments of the same invoices", number=number)
    elif dated:
        message = _(
            "the CFDI is not stamped (no TimbreFiscalDigital, hence no UUID): read as a draft "
            "numbered {number}, with no fiscal id; its stamped XML, of the same issuer, receiver "
            "and Fecha, replaces it when imported and keeps this number", number=number)
    else:
        message = _(
            "the CFDI is not stamped (no TimbreFiscalDigital, hence no UUID): read as a draft "
            "numbered {number}, with no fiscal id; its stamped XML, with the same Serie and "
            "Folio, replaces it when imported", number=number)
    at = f.at(root)
    return f"{at.file}:{at.line}: TimbreFiscalDigital: {message}"


def _party(receptor: Element, f: Fields) -> Party | None:
    raw = (receptor.get("Rfc") or "").strip().upper()
    name = (receptor.get("Nombre") or "").strip() or raw
    if raw == FOREIGN_RFC:
        # A foreign customer: the generic RFC is shared by all of them, their own tax id is not.
        return foreign_party(FOREIGN_RFC, (receptor.get("NumRegIdTrib") or "").strip(), name)
    if raw == PUBLIC_RFC:
        # Sales to the general public (a global invoice): one customer, "público en general".
        return Party(code=raw, tax_id=raw, name=name, country="MX")
    tax_id = f.tax_id(receptor.get("Rfc"), receptor, "Receptor/Rfc", "MX")
    return None if tax_id is None else Party(code=tax_id, tax_id=tax_id, name=name, country="MX")


def _number(root: Element, f: Fields, *, uuid: str | None, issuer: str) -> str | None:
    """serie-folio as the issuer numbers its invoices ("A-123"), else the folio, else the UUID.

    An unstamped CFDI without either is known by its issuer and its Fecha, to the second.
    """
    serie, folio = (root.get("Serie") or "").strip(), (root.get("Folio") or "").strip()
    number = f"{serie}-{folio}" if serie and folio else folio
    if number and len(number) <= 64:
        return number
    if uuid is not None:
        return uuid
    return _draft_number(root, f, issuer=issuer)


def _draft_number(root: Element, f: Fields, *, issuer: str) -> str | None:
    """The number of a draft without Serie and Folio: its issuer and its Fecha, to the second.

    The stamped XML of such a draft, numbered by its UUID, carries it as `draft_number` to
    take the draft's place (`substitutions.stamped_drafts`).
    """
    issued = f.required(root.get("Fecha"), root, "Fecha")
    return None if issued is None else f"{issuer}-{issued}"[:64]


def _document(root: Element, f: Fields, ns: dict[str, str], *, kind: str, uuid: str | None,
              number: str, issuer: str, customer: Party,
              not_receivable: list[RowError]) -> Document | None:
    currency = f.currency(root.get("Moneda"), root, "Moneda")
    total = f.money(root.get("Total"), root, "Total", currency)
    day = f.day(root.get("Fecha"), root, "Fecha")
    rate = None
    if currency is not None and currency != "MXN":
        rate = f.decimal(root.get("TipoCambio"), root, "TipoCambio")
    method = (root.get("MetodoPago") or "").strip().upper() or None
    if kind == "I" and method is None:
        f.error(root, "MetodoPago", _("missing value; an ingreso CFDI states PUE (paid at "
                                      "issue) or PPD (paid later)"))
    elif kind == "I" and method not in ("PUE", "PPD"):
        f.error(root, "MetodoPago", _("'{value}' is not a payment method; expected PUE or PPD",
                                      value=method))
    if currency is None or total is None or day is None:
        return None
    errors = len(f.errors)
    _check_totals(root, f, ns, currency=currency, total=total)
    if total == 0 and len(f.errors) == errors:
        # As a DTE nota de crédito of amount 0 (`dte._document`): a credit of nothing is no
        # credit, and would only clutter the invoice's history; an invoice of nothing (a
        # free sample, a gift) is owed by nobody, and would only count in reports.
        not_receivable.append(f.at(root).error("Total", _(
            "a CFDI egreso of Total 0 credits nothing; it moves no money") if kind == "E"
            else _("a CFDI ingreso of Total 0 bills nothing; nobody owes it")))
        return None
    related = _related(root, ns) if kind == "E" else ()
    # PUE: paid in one exhibition at or before issue, so due on issue. PPD: a sale on credit
    # whose term the CFDI does not carry; None lets the organisation's terms decide.
    due = day if kind == "I" and method == "PUE" else None
    return Document(kind="invoice" if kind == "I" else "credit_note", scheme="cfdi",
                    number=number, fiscal_id=uuid, issuer_tax_id=issuer, customer=customer, issue_date=day,
                    due_date=due, currency=currency, amount=total, at=f.at(root),
                    payment_method=method, exchange_rate=rate, related=related,
                    replaces=_related(root, ns, frozenset({SUBSTITUTION})),
                    draft_number=_draft_number(root, f, issuer=issuer)
                    if uuid is not None and number == uuid else None)


def _related(root: Element, ns: dict[str, str],
             relations: frozenset[str] = CREDIT_RELATIONS) -> tuple[str, ...]:
    uuids: list[str] = []
    for group in root.findall("cfdi:CfdiRelacionados", ns):
        if group.get("TipoRelacion") in relations:
            uuids += [(r.get("UUID") or "").strip().upper()
                      for r in group.findall("cfdi:CfdiRelacionado", ns) if r.get("UUID")]
    return tuple(uuids)


def _check_totals(root: Element, f: Fields, ns: dict[str, str], *, currency: str,
                  total: Decimal) -> None:
    """Total = SubTotal − Descuento + traslados − retenciones (+ local taxes), Anexo 20."""
    sub = f.decimal(root.get("SubTotal"), root, "SubTotal")
    discount = f.decimal(root.get("Descuento"), root, "Descuento", default=ZERO)
    taxes = root.find("cfdi:Impuestos", ns)
    moved = withheld = ZERO
    if taxes is not None:
        moved = f.decimal(taxes.get("TotalImpuestosTrasladados"), taxes,
                          "Impuestos/TotalImpuestosTrasladados", default=ZERO) or ZERO
        withheld = f.decimal(taxes.get("TotalImpuestosRetenidos"), taxes,
                             "Impuestos/TotalImpuestosRetenidos", default=ZERO) or ZERO
    local = root.find("cfdi:Complemento/implocal:ImpuestosLocales", ns)
    if local is not None:
        moved += f.decimal(local.get("TotaldeTraslados"), local, "TotaldeTraslados",
                           default=ZERO) or ZERO
        withheld += f.decimal(local.get("TotaldeRetenciones"), local, "TotaldeRetenciones",
                              default=ZERO) or ZERO
    if sub is None or discount is None:
        return
    _check_concepts(root, f, ns, currency=currency, sub=sub, discount=discount)
    expected = round_money(sub - discount + moved - withheld, currency)
    if expected != total:
        f.error(root, "Total", _(
            "Total {total} does not match SubTotal {sub} − Descuento {discount} + taxes moved "
            "{moved} − taxes withheld {withheld} = {expected}; the file was altered or badly "
            "generated", total=total, sub=sub, discount=discount, moved=moved,
            withheld=withheld, expected=expected))


def _check_concepts(root: Element, f: Fields, ns: dict[str, str], *, currency: str,
                    sub: Decimal, discount: Decimal) -> None:
    """SubTotal is the sum of the Conceptos' Importe, and Descuento of their Descuento, each
    rounded to the currency's decimals (Anexo 20): a header that says another amount than its
    lines was altered or badly generated."""
    concepts = root.findall("cfdi:Conceptos/cfdi:Concepto", ns)
    if not concepts:
        return
    for name, stated in (("Importe", sub), ("Descuento", discount)):
        parts = [f.decimal(c.get(name), c, f"Concepto/{name}", default=ZERO) for c in concepts]
        if any(p is None for p in parts):
            return
        added = round_money(sum((p for p in parts if p is not None), ZERO), currency)
        if added != stated:
            header = "SubTotal" if name == "Importe" else "Descuento"
            f.error(concepts[0], f"Concepto/{name}", _(
                "the Conceptos' {field} add up to {added}, and the CFDI's {header} is {stated}; "
                "expected them to agree: the file was altered or badly generated", field=name,
                added=added, header=header, stated=stated))


def _payments(root: Element, f: Fields, schema: Schema, *, uuid: str | None, number: str,
              issuer: str, customer: Party) -> list[PaymentLine]:
    ns = schema.ns
    pagos = root.find("cfdi:Complemento/pago:Pagos", ns)
    if pagos is None:
        _no_pagos(root, f, schema)
        return []
    lines: list[PaymentLine] = []
    in_mxn = ZERO
    replaces = _related(root, ns, frozenset({SUBSTITUTION}))
    for position, pago in enumerate(pagos.findall("pago:Pago", ns), start=1):
        found, amount_mxn = _pago(pago, f, schema, uuid=uuid, number=number, issuer=issuer,
                                  customer=customer, position=position,
                                  first=sum(not line.credit_of for line in lines) + 1)
        lines += [replace(line, replaces=replaces) for line in found] if replaces else found
        in_mxn += amount_mxn
    totals = pagos.find("pago:Totales", ns)  # Pagos 2.0 only
    if totals is not None:
        stated = f.decimal(totals.get("MontoTotalPagos"), totals, "Totales/MontoTotalPagos")
        if stated is not None and stated != round_money(in_mxn, "MXN"):
            f.error(totals, "Totales/MontoTotalPagos", _(
                "MontoTotalPagos {stated} does not match the payments' Monto × TipoCambioP, "
                "{expected} MXN; the file was altered or badly generated", stated=stated,
                expected=round_money(in_mxn, "MXN")))
    if not lines and not f.errors:
        f.error(pagos, "Pago", _("the complement pays no document; expected a DoctoRelacionado"))
    return lines


def _no_pagos(root: Element, f: Fields, schema: Schema) -> None:
    """The error for a CFDI of type P without its version's Pagos complement, naming the
    complements it does carry."""
    ns, pagos = schema.ns, schema.pagos
    if root.find("cfdi:Complemento/other:Pagos", ns) is not None:
        # The SAT pairs each Pagos with one CFDI version: 1.0 with 3.3, 2.0 with 4.0.
        f.error(root, "Complemento", _(
            "{found} is not the payment complement of a CFDI {version}; expected {pagos}",
            found=schema.other, version=schema.version, pagos=pagos))
        return
    tag = "pago20:Pagos" if schema is CFDI40 else "pago10:Pagos"
    found = [local_name(e) for e in root.iterfind("cfdi:Complemento/*", ns)
             if local_name(e) != "TimbreFiscalDigital"]
    if not found:
        f.error(root, "Complemento", _(
            "a CFDI of type P without a {pagos} complement; expected {tag}", pagos=pagos,
            tag=tag))
        return
    # The SAT's examples of other complements (Carta Porte, nómina, ...) come as type P.
    f.error(root, "Complemento", _(
        "a CFDI of type P without a {pagos} complement pays no invoice (it carries {found}); "
        "expected {tag}", pagos=pagos, found=", ".join(found), tag=tag))


def _pago(pago: Element, f: Fields, schema: Schema, *, uuid: str | None, number: str, issuer: str,
          customer: Party, first: int, position: int) -> tuple[list[PaymentLine], Decimal]:
    """One Pago's lines (one per DoctoRelacionado, then what they leave of its Monto) and its
    amount in MXN for the totals."""
    currency = f.currency(pago.get("MonedaP"), pago, "Pago/MonedaP")
    amount = f.money(pago.get("Monto"), pago, "Pago/Monto", currency)
    rate = f.decimal(pago.get("TipoCambioP"), pago, "Pago/TipoCambioP", default=Decimal(1))
    day = f.day(pago.get("FechaPago"), pago, "Pago/FechaPago")
    if currency is None or amount is None or rate is None or day is None:
        return [], ZERO
    lines: list[PaymentLine] = []
    applied = ZERO
    converted = 0  # the lines whose amount is converted, each of which may round by one unit
    docs = pago.findall("pago:DoctoRelacionado", schema.ns)
    # Pagos 1.0 lets a Pago of one document in its own currency omit ImpPagado: it is the
    # Monto (Anexo 20, Pagos 1.0, ImpPagado); Pagos 2.0 requires it.
    sole = amount if schema is CFDI33_SCHEMA and len(docs) == 1 \
        and docs[0].get(schema.rate) is None else None
    for doc in docs:
        line = _docto(doc, f, schema, code=f"{uuid or number}/{first + len(lines)}", uuid=uuid,
                      issuer=issuer, customer=customer, day=day,
                      method=pago.get("FormaDePagoP"),
                      reference=pago.get("NumOperacion") or number, sole=sole)
        if line is None:
            continue
        lines.append(line)
        equivalence = f.decimal(doc.get(schema.rate), doc, schema.rate, default=Decimal(1))
        # ImpPagado is in the document's currency; EquivalenciaDR (TipoCambioDR in Pagos 1.0)
        # is units of it per unit of MonedaP.
        if equivalence:
            applied += line.amount / equivalence
            converted += equivalence != 1
    # The documents may take less than the payment (the rest is the customer's credit) but
    # not more; each conversion may round by one unit (Anexo 20, Pagos 2.0 and 1.0, Monto).
    if round_money(applied, currency) > amount + quantum(currency) * len(lines):
        f.error(pago, "Pago/Monto", _(
            "the related documents are paid {applied} {currency} in all, more than the "
            "payment's Monto {amount}", applied=round_money(applied, currency),
            currency=currency, amount=amount))
    elif lines and round_money(applied, currency) < amount - quantum(currency) * converted:
        lines.append(_rest(pago, f, lines, code=f"{uuid or number}/credit-{position}",
                           currency=currency, amount=amount,
                           applied=round_money(applied, currency)))
    return lines, amount * rate


def _rest(pago: Element, f: Fields, lines: list[PaymentLine], *, code: str, currency: str,
          amount: Decimal, applied: Decimal) -> PaymentLine:
    """What a Pago's Monto brought beyond what it pays of its documents: the customer's
    unapplied credit (DOMAIN.md), a payment naming no invoice, said where the Pago is."""
    at = f.at(pago)
    rest = amount - applied
    return replace(
        lines[0], code=code, installment=0, currency=currency, amount=rest, target="", at=at,
        balance_before=None, balance_after=None, credit_of=tuple(line.code for line in lines),
        note=f"{at.file}:{at.line}: Pago/Monto: " + _(
            "the payment's Monto {amount} {currency} pays its documents {applied} {currency}; "
            "the rest, {rest} {currency}, is recorded as the customer's credit (a payment "
            "naming no invoice)", amount=amount, currency=currency, applied=applied, rest=rest))


def _docto(doc: Element, f: Fields, schema: Schema, *, code: str, uuid: str | None,
           issuer: str, customer: Party, day: date, method: str | None, reference: str,
           sole: Decimal | None) -> PaymentLine | None:
    """One DoctoRelacionado's payment (`sole`: ImpPagado when the Pago may omit it)."""
    target = (doc.get("IdDocumento") or "").strip() or None
    if target is None:
        f.error(doc, "DoctoRelacionado/IdDocumento", _(
            "missing value; a DoctoRelacionado names the invoice it pays by its UUID, so this "
            "payment cannot be applied"))
    currency = f.currency(doc.get("MonedaDR"), doc, "DoctoRelacionado/MonedaDR")
    paid = f.money(doc.get("ImpPagado"), doc, "DoctoRelacionado/ImpPagado", currency,
                   default=sole)
    installment = f.integer(doc.get("NumParcialidad"), doc, "DoctoRelacionado/NumParcialidad")
    if installment is None and not (doc.get("NumParcialidad") or "").strip():
        # Required by the Pagos 2.0 schema, and by Pagos 1.0 for an invoice paid in
        # installments (PPD), the only kind a complement pays; it is what makes a payment's
        # draft, its stamped XML and its reissue one payment rather than several
        # (`versions.versions`).
        f.error(doc, "DoctoRelacionado/NumParcialidad", _(
            "missing value; {pagos} requires the number of this payment of the invoice (1 for "
            "the first, 2 for the second, ...)", pagos=schema.pagos))
    if paid == 0:
        f.error(doc, "DoctoRelacionado/ImpPagado", _("the amount paid is zero; expected an "
                                                     "amount greater than zero"))
    if target is None or currency is None or paid is None or paid == 0 or installment is None:
        return None
    before = _balance(doc, f, "ImpSaldoAnt", currency)
    after = _balance(doc, f, "ImpSaldoInsoluto", currency)
    # Without ImpSaldoAnt the document is taken as settled by this payment (ImpSaldoAnt = paid).
    if after is not None and (paid if before is None else before) - paid != after:
        f.error(doc, "DoctoRelacionado/ImpSaldoInsoluto", _(
            "ImpSaldoAnt {before} − ImpPagado {paid} is not ImpSaldoInsoluto {after}",
            before=paid if before is None else before, paid=paid, after=after))
    return PaymentLine(code=code, fiscal_id=uuid, installment=installment, issuer_tax_id=issuer,
                       customer=customer, day=day, currency=currency, amount=paid,
                       target=target.upper(), at=f.at(doc), method=method,
                       reference=reference, balance_before=before, balance_after=after)


def _balance(doc: Element, f: Fields, name: str, currency: str) -> Decimal | None:
    """ImpSaldoAnt or ImpSaldoInsoluto as an amount of the document's currency; None if absent."""
    raw = doc.get(name)
    if raw is None or not raw.strip():
        return None
    return f.money(raw, doc, f"DoctoRelacionado/{name}", currency)
