"""The consistency checks of one import's documents, against each other and the ledger.

Before anything is written: each document once, issued by the organisation, under a number the
ledger does not give another document, and every credit note and payment naming an invoice of
its customer and currency. Which documents count at all, where drafts, substitutions and payment
complements' versions take each other's place, is decided in `substitutions` and `versions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cobranza.core.taxid import tax_key
from cobranza.einvoices.model import At, Document, Parsed, PaymentLine
from cobranza.einvoices.substitutions import substituted_by, substitutes
from cobranza.i18n import _
from cobranza.importers.tabular import RowError
from cobranza.models import CreditNote, Customer, Invoice, Organisation, Payment


def _issuer_field(scheme: str) -> str:
    return "Emisor/Rfc" if scheme == "cfdi" else "Emisor/RUTEmisor"


def distinct(parsed: Parsed) -> tuple[list[Document], list[PaymentLine], list[RowError]]:
    """Each document once: a copy of the same file is dropped, a different one is an error."""
    errors: list[RowError] = []
    documents: list[Document] = []
    seen: dict[tuple[str, str], Document] = {}
    for doc in parsed.documents:
        keys: list[tuple[str, str]] = [(doc.kind, doc.number)]
        if doc.fiscal_id is not None:  # an unstamped CFDI is known by its number alone
            keys.append(("fiscal", doc.fiscal_id))
        first = next((seen[k] for k in keys if k in seen), None)
        if first is None or _substitute(first, doc):
            # A CFDI reissued under the number of the one it substitutes is no copy of it:
            # `substitutions` leaves the cancelled one out.
            seen.update(dict.fromkeys(keys, doc))
            documents.append(doc)
        elif replace(first, at=doc.at) != doc:
            errors.append(doc.at.error("UUID" if doc.scheme == "cfdi" else "Folio", _(
                "document {number} ({fiscal_id}) is also in {file} line {line} with other "
                "contents; expected each document once", number=doc.number,
                fiscal_id=doc.fiscal_id or _("not stamped"), file=first.at.file,
                line=first.at.line)))
    lines: dict[str, PaymentLine] = {}
    for line in parsed.payments:
        other = lines.get(line.code)
        if other is None:
            lines[line.code] = line
        elif replace(other, at=line.at) != line:
            errors.append(line.at.error("UUID", _(
                "payment complement {uuid} is also in {file} with other contents; expected "
                "each complement once", uuid=line.fiscal_id or line.code.rpartition("/")[0],
                file=other.at.file)))
    return documents, list(lines.values()), errors


def _substitute(one: Document, other: Document) -> bool:
    """True when either document substitutes the other (CfdiRelacionados TipoRelacion 04)."""
    return (one.fiscal_id is not None and one.fiscal_id in other.replaces) \
        or (other.fiscal_id is not None and other.fiscal_id in one.replaces)


def issuers(documents: list[Document], payments: list[PaymentLine],
            org: Organisation) -> tuple[list[RowError], list[str]]:
    """Errors for documents the organisation did not issue: a purchase is not a receivable."""
    if not org.tax_id:
        return [], [_("the organisation has no tax id, so who issued each document is not "
                      "checked; set it to refuse purchases imported by mistake")] \
            if documents or payments else []
    own = tax_key(org.tax_id)
    found = [(d.at, d.issuer_tax_id, _issuer_field(d.scheme)) for d in documents]
    # A DTE's payment at issue is its document's, whose issuer is checked above.
    found += [(p.at, p.issuer_tax_id, "Emisor/Rfc") for p in payments if p.scheme == "cfdi"]
    errors = [at.error(column, _(
        "issued by {issuer}, not by the organisation ({own}); this is a purchase, not a "
        "receivable", issuer=issuer, own=org.tax_id))
        for at, issuer, column in found if tax_key(issuer) != own]
    return errors, []


@dataclass
class Target:
    """An invoice a credit note or payment names: its number, customer and currency."""

    number: str
    customer_key: str
    currency: str


@dataclass
class Links:
    """Where each credit note and payment line goes, or why it cannot."""

    targets: dict[str, Target] = field(default_factory=dict)  # by fiscal id
    # Named fiscal ids cancelled and substituted (in the ledger, in this import, or never
    # imported): the substitute's number, for a message that says so.
    substituted: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The payment lines naming an invoice not imported yet, by code (`payment_targets`).
    waiting: set[str] = field(default_factory=set)


def targets(session: Session, *, org: Organisation, documents: list[Document],
            payments: list[PaymentLine]) -> Links:
    """The invoices named by fiscal id, from this import first, then from the ledger."""
    links = Links()
    for doc in documents:
        if doc.kind == "invoice" and doc.fiscal_id is not None:
            links.targets[doc.fiscal_id] = Target(doc.number, tax_key(doc.customer.tax_id),
                                                  doc.currency)
    wanted = {key for doc in documents for key in doc.related} | {
        p.target for p in payments if p.target}
    missing = sorted(wanted - links.targets.keys())
    for start in range(0, len(missing), 1000):
        rows = session.execute(
            select(Invoice.fiscal_id, Invoice.number, Customer.tax_key, Customer.code,
                   Invoice.currency)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.org_id == org.id, Invoice.fiscal_id.in_(missing[start:start + 1000]))
        ).all()
        for fiscal_id, number, key, code, currency in rows:
            links.targets[str(fiscal_id)] = Target(number, key or tax_key(code), currency)
    # A named invoice cancelled and substituted, whether it is still stored (closed by its
    # SUST- credit note) or was never imported.
    here = {k: v for k, v in substitutes(documents, []).items() if k in wanted}
    links.substituted = substituted_by(session, org=org,
                                       fiscal_ids=sorted(wanted - here.keys())) | here
    return links


def credit_note_targets(documents: list[Document], links: Links) -> dict[str, str | None]:
    """The invoice number each credit note settles first (DOMAIN.md: it names one invoice)."""
    chosen: dict[str, str | None] = {}
    for doc in documents:
        if doc.kind != "credit_note":
            continue
        chosen[doc.number] = None
        for key in doc.related[:1]:
            target = links.targets.get(key)
            if key in links.substituted and not doc.closing:
                # Kept in any order, as when it comes before the substitute (`_kept`).
                if target is None or not _mismatch(
                        doc.at, target, doc.customer.tax_id, doc.currency, links,
                        fields=_CREDIT_NOTE_FIELDS[doc.scheme]):
                    chosen[doc.number] = key if target is None else target.number
                links.warnings.append(f"{doc.at.file}:{doc.at.line}: CfdiRelacionado/UUID: " + _(
                    "the credit note relates to CFDI {uuid}, cancelled and substituted by "
                    "invoice {new} (CfdiRelacionados, TipoRelacion 04): it credits nothing of "
                    "{new} by name, and is applied to the customer's open invoices, as what a "
                    "cancelled invoice was credited is; the SAT cancels no CFDI another valid "
                    "one relates to: check whether the credit note was cancelled too",
                    uuid=key, new=links.substituted[key]))
            elif target is None and doc.scheme == "dte":
                # A DTE's invoice number is its key: settled when the invoice is imported.
                chosen[doc.number] = key
                links.warnings.append(f"{doc.at.file}:{doc.at.line}: Referencia: " + _(
                    "invoice {number} is not in the ledger yet; it will be settled when it is "
                    "imported", number=key))
            elif target is None:
                # As a DTE's (DOMAIN.md: any order, any batches): the credit note names the
                # invoice by its UUID, the name the egreso gives it, and
                # `pending.named_by_uuid` gives it the invoice's number when it arrives.
                chosen[doc.number] = key
                links.warnings.append(f"{doc.at.file}:{doc.at.line}: CfdiRelacionado/UUID: " + _(
                    "the credit note relates to CFDI {uuid}, which is not in the ledger yet; "
                    "it will settle that invoice when it is imported", uuid=key))
            elif _mismatch(doc.at, target, doc.customer.tax_id, doc.currency, links,
                           fields=_CREDIT_NOTE_FIELDS[doc.scheme]):
                continue
            else:
                chosen[doc.number] = target.number
        if len(doc.related) > 1:
            links.warnings.append(f"{doc.at.file}:{doc.at.line}: " + _(
                "credit note {number} relates to {n} invoices; it settles the first, and the "
                "rest of its amount is applied like a payment", number=doc.number,
                n=len(doc.related)))
    return chosen


# `_kept`: a complement payment or credit note naming a CFDI cancelled and substituted
# (TipoRelacion 04). The SAT cancels no CFDI a valid one relates to, so it was likely
# cancelled too; but imported before the substitute it is in the ledger already, and the
# substitute's SUST- note then hands what it paid or credited on to the customer's other open
# invoices. Refused only when it comes after the substitute, the ledger would depend on the
# order (DOMAIN.md: any order, any batches give the same allocations). So it is kept in any
# order, said where it is, naming the cancelled invoice as it would have had it come first:
# the stored invoice's number, else its UUID, which no invoice will take (the cancelled one is
# skipped when it comes): its money goes to the customer's open invoices by the usual order,
# never to the substitute by guess.


def payment_targets(payments: list[PaymentLine], links: Links) -> dict[str, str]:
    """The invoice number each payment line pays; the UUID of one not imported yet."""
    chosen: dict[str, str] = {}
    for line in payments:
        if line.credit_of:
            continue  # the rest of a Pago's Monto names no invoice: the customer's credit
        target = links.targets.get(line.target)
        if line.target in links.substituted:
            # Kept in any order (`_kept`).
            if target is None or not _mismatch(
                    line.at, target, line.customer.tax_id, line.currency, links,
                    fields=("Receptor/Rfc", "DoctoRelacionado/MonedaDR")):
                chosen[line.code] = line.target if target is None else target.number
            links.warnings.append(f"{line.at.file}:{line.at.line}: DoctoRelacionado/IdDocumento: "
                                  + _("the payment is for CFDI {uuid}, cancelled and substituted "
                                      "by invoice {new} (CfdiRelacionados, TipoRelacion 04): it "
                                      "pays nothing of {new} by name, and its money goes to the "
                                      "customer's open invoices, as what was paid on a cancelled "
                                      "invoice does; the SAT cancels no CFDI a valid complement "
                                      "pays: check whether the complement was cancelled too",
                                      uuid=line.target, new=links.substituted[line.target]))
        elif target is None:
            # As a payments file's row naming an invoice not imported yet (DOMAIN.md: any
            # order, any batches): the payment names the invoice by its UUID, the name the
            # complement gives it, and `pending.named_by_uuid` gives it the invoice's number
            # when the invoice arrives, whose import replays the customer. Said for the
            # payments recorded (`waiting`): one the ledger holds already is said as such.
            chosen[line.code] = line.target
            links.waiting.add(line.code)
        elif not _mismatch(line.at, target, line.customer.tax_id, line.currency, links,
                           fields=("Receptor/Rfc", "DoctoRelacionado/MonedaDR")):
            chosen[line.code] = target.number
    return chosen


def waiting(payments: list[PaymentLine], links: Links) -> list[str]:
    """What the payments recorded for an invoice not imported yet say: it settles that
    invoice when it arrives (`payment_targets` names it by its UUID meanwhile)."""
    return [f"{line.at.file}:{line.at.line}: DoctoRelacionado/IdDocumento: " + _(
        "the payment is for CFDI {uuid}, which is not in the ledger yet; it will settle that "
        "invoice when it is imported", uuid=line.target)
        for line in payments if line.code in links.waiting]


# Where a credit note names its customer and currency, by scheme: a DTE has no Rfc.
_CREDIT_NOTE_FIELDS = {"cfdi": ("Receptor/Rfc", "Moneda"),
                       "dte": ("Receptor/RUTRecep", "Totales/TpoMoneda")}


def _mismatch(at: At, target: Target, customer_tax_id: str, currency: str,
              links: Links, *, fields: tuple[str, str]) -> bool:
    customer_field, currency_field = fields
    if target.customer_key != tax_key(customer_tax_id):
        links.errors.append(at.error(customer_field, _(
            "invoice {number} belongs to another customer; expected an invoice of this customer",
            number=target.number)))
        return True
    if target.currency != currency:
        links.errors.append(at.error(currency_field, _(
            "invoice {number} is in {invoice_currency}, not {currency}; expected an invoice in "
            "the same currency", number=target.number, invoice_currency=target.currency,
            currency=currency)))
        return True
    return False


def taken_numbers(session: Session, *, org: Organisation,
                  documents: list[Document]) -> list[RowError]:
    """Errors for numbers the ledger already gives to another electronic document."""
    errors: list[RowError] = []
    for model, kind in ((Invoice, "invoice"), (CreditNote, "credit_note")):
        mine = {d.number: d for d in documents if d.kind == kind}
        numbers = sorted(mine)
        for start in range(0, len(numbers), 1000):
            rows = session.execute(select(model.number, model.fiscal_id).where(
                model.org_id == org.id, model.number.in_(numbers[start:start + 1000]),
                model.fiscal_id.is_not(None))).all()
            for number, fiscal_id in rows:
                doc = mine[number]
                if fiscal_id != doc.fiscal_id:
                    errors.append(doc.at.error("Folio", _(
                        "number {number} is already in the ledger for another document "
                        "({fiscal_id}); expected a new number or the same document",
                        number=number, fiscal_id=fiscal_id)))
    return errors


_UUID_LENGTH = 36


def waiting_for(session: Session, *, org: Organisation,
                documents: list[Document]) -> list[RowError]:
    """Errors for invoices that a stored complement payment or credit note, imported before
    them, names by UUID (`pending`) for another customer or in another currency.

    Imported together, or after the invoice, such a payment or credit note is refused
    (`payment_targets`, `credit_note_targets`); imported before it, the invoice that arrives
    is refused the same way, so that the same files give the same ledger in any order
    (DOMAIN.md): one refused, nothing written."""
    invoices = {d.fiscal_id: d for d in documents
                if d.kind == "invoice" and d.fiscal_id is not None}
    if not invoices:
        return []
    # No index on the names: one pass over those that can be a UUID (36 characters), which
    # few are, rather than one per chunk of invoices.
    rows = [("payment", str(uuid), fiscal_id or code, key or tax_key(customer), currency)
            for uuid, code, fiscal_id, key, customer, currency in session.execute(
                select(Payment.invoice_numbers, Payment.code, Payment.fiscal_id,
                       Customer.tax_key, Customer.code, Payment.currency)
                .join(Customer, Customer.id == Payment.customer_id)
                .where(Payment.org_id == org.id,
                       func.length(Payment.invoice_numbers) == _UUID_LENGTH)
                .order_by(Payment.code)).tuples() if uuid in invoices]
    rows += [("credit_note", str(uuid), number, key or tax_key(customer), currency)
             for uuid, number, key, customer, currency in session.execute(
                 select(CreditNote.invoice_number, CreditNote.number, Customer.tax_key,
                        Customer.code, CreditNote.currency)
                 .join(Customer, Customer.id == CreditNote.customer_id)
                 .where(CreditNote.org_id == org.id,
                        func.length(CreditNote.invoice_number) == _UUID_LENGTH)
                 .order_by(CreditNote.number)).tuples() if uuid in invoices]
    errors: list[RowError] = []
    for kind, uuid, name, key, currency in rows:
        doc = invoices[uuid]
        other = (_("payment complement {uuid}", uuid=name) if kind == "payment"
                 else _("credit note {number}", number=name))
        customer_field, currency_field = _CREDIT_NOTE_FIELDS[doc.scheme]
        if key != tax_key(doc.customer.tax_id):
            errors.append(doc.at.error(customer_field, _(
                "invoice {number} ({uuid}) is for another customer than {other}, imported "
                "before, which relates to it; expected an invoice of that customer",
                number=doc.number, uuid=uuid, other=other)))
        elif currency != doc.currency:
            errors.append(doc.at.error(currency_field, _(
                "invoice {number} ({uuid}) is in {invoice_currency}, not {currency} as "
                "{other}, imported before, which relates to it; expected an invoice in the "
                "same currency", number=doc.number, uuid=uuid,
                invoice_currency=doc.currency, currency=currency, other=other)))
    return errors

