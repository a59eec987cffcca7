"""Checks of parsed e-invoices against each other and the ledger, before anything is written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.money import from_minor
from cobranza.core.taxid import TAX_ID_PUNCTUATION
from cobranza.einvoices.model import At, Document, Parsed, Party, PaymentLine
from cobranza.i18n import _
from cobranza.importers.tabular import RowError
from cobranza.models import (
    CreditNote,
    Customer,
    Invoice,
    InvoiceSubstitution,
    Organisation,
    Payment,
)


def tax_key(tax_id: str) -> str:
    """The lookup key of a tax id: upper case, no punctuation (as customers.tax_key)."""
    return re.sub(TAX_ID_PUNCTUATION, "", tax_id.upper())


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
        if first is None:
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


def issuers(documents: list[Document], payments: list[PaymentLine],
            org: Organisation) -> tuple[list[RowError], list[str]]:
    """Errors for documents the organisation did not issue: a purchase is not a receivable."""
    if not org.tax_id:
        return [], [_("the organisation has no tax id, so who issued each document is not "
                      "checked; set it to refuse purchases imported by mistake")] \
            if documents or payments else []
    own = tax_key(org.tax_id)
    found = [(d.at, d.issuer_tax_id, _issuer_field(d.scheme)) for d in documents]
    found += [(p.at, p.issuer_tax_id, "Emisor/Rfc") for p in payments]
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


@dataclass(frozen=True)
class Removal:
    """A stored row of a CFDI the SAT cancelled that its substitute does not take over: removed
    with its allocations, and its customer replayed."""

    model: type[CreditNote] | type[Payment]
    id: int
    customer_id: int


def targets(session: Session, *, org: Organisation, documents: list[Document],
            payments: list[PaymentLine]) -> Links:
    """The invoices named by fiscal id, from this import first, then from the ledger."""
    links = Links()
    for doc in documents:
        if doc.kind == "invoice" and doc.fiscal_id is not None:
            links.targets[doc.fiscal_id] = Target(doc.number, tax_key(doc.customer.tax_id),
                                                  doc.currency)
    wanted = {key for doc in documents for key in doc.related} | {p.target for p in payments}
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
                # Refused even where the cancelled invoice is stored: the SAT cancels no CFDI
                # another valid one relates to, so this one was cancelled too.
                links.errors.append(doc.at.error("CfdiRelacionado/UUID", _(
                    "the credit note relates to CFDI {uuid}, cancelled and substituted by "
                    "invoice {new} (CfdiRelacionados, TipoRelacion 04); expected a credit note "
                    "relating to {new}", uuid=key, new=links.substituted[key])))
            elif target is None and doc.scheme == "dte":
                # A DTE's invoice number is its key: settled when the invoice is imported.
                chosen[doc.number] = key
                links.warnings.append(f"{doc.at.file}:{doc.at.line}: Referencia: " + _(
                    "invoice {number} is not in the ledger yet; it will be settled when it is "
                    "imported", number=key))
            elif target is None:
                links.errors.append(doc.at.error("CfdiRelacionado/UUID", _(
                    "the credit note relates to CFDI {uuid}, which is neither in the ledger nor "
                    "in this import; import that invoice first", uuid=key)))
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


def payment_targets(payments: list[PaymentLine], links: Links) -> dict[str, str]:
    """The invoice number each payment line pays; an unknown UUID is an error."""
    chosen: dict[str, str] = {}
    for line in payments:
        target = links.targets.get(line.target)
        if line.target in links.substituted:
            # Not applied elsewhere either, nor to the cancelled invoice where it is still
            # stored: the SAT does not cancel a CFDI that a valid complement pays, so this
            # complement was cancelled too, or wrongly issued.
            links.errors.append(line.at.error("DoctoRelacionado/IdDocumento", _(
                "the payment is for CFDI {uuid}, cancelled and substituted by invoice {new} "
                "(CfdiRelacionados, TipoRelacion 04); expected a payment of {new}",
                uuid=line.target, new=links.substituted[line.target])))
        elif target is None:
            links.errors.append(line.at.error("DoctoRelacionado/IdDocumento", _(
                "the payment is for CFDI {uuid}, which is neither in the ledger nor in this "
                "import; import that invoice first", uuid=line.target)))
        elif not _mismatch(line.at, target, line.customer.tax_id, line.currency, links,
                           fields=("Receptor/Rfc", "DoctoRelacionado/MonedaDR")):
            chosen[line.code] = target.number
    return chosen


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


def substitutions(session: Session, *, org: Organisation,
                  documents: list[Document]) -> tuple[list[Document], list[Removal], list[str]]:
    """Invoices and credit notes a CFDI of their kind substitutes (CfdiRelacionados TipoRelacion
    04: the issuer cancelled them at the SAT and reissued them as this one) count no more.

    One in this import is left out, and so is one a stored document substitutes (the ledger
    remembers the relation: `substitutes`), whichever came first. An invoice in the ledger is
    closed by a credit note of its whole amount, numbered SUST-<its number> and dated as the
    substitute, for its own customer (a CFDI is often reissued to correct the receptor): what
    was paid on it then goes to the customer's other invoices, the substitute first when it is
    the same customer's (DOMAIN.md, allocation). A credit note in the ledger is removed: its
    substitute gives the credit instead. Returns the documents to import, the stored rows to
    remove and a warning for each substitution.
    """
    by = {uuid: doc for doc in documents for uuid in doc.replaces}
    stored_by = substituted_by(session, org=org, fiscal_ids=[
        doc.fiscal_id for doc in documents
        if doc.fiscal_id is not None and doc.fiscal_id not in by])
    if not by and not stored_by:
        return documents, [], []
    warnings: list[str] = []
    kept = []
    for doc in documents:
        new = by.get(doc.fiscal_id or "")
        stored = stored_by.get(doc.fiscal_id or "")
        if new is not None and new is not doc and new.kind == doc.kind:
            warnings.append(f"{doc.at.file}:{doc.at.line}: " + _left_out(doc, new.number))
        elif stored is not None and stored != doc.number:
            warnings.append(f"{doc.at.file}:{doc.at.line}: " + _left_out(doc, stored,
                                                                          in_ledger=True))
        else:
            kept.append(doc)
    here = {doc.fiscal_id for doc in documents if doc.fiscal_id is not None}
    wanted = sorted(by.keys() - here)
    kept += _close_stored(session, org=org, by=by, warnings=warnings,
                          wanted=[uuid for uuid in wanted if by[uuid].kind == "invoice"])
    removed = _remove_stored(session, org=org, by=by, warnings=warnings,
                             wanted=[uuid for uuid in wanted if by[uuid].kind == "credit_note"])
    return kept, removed, warnings


def _left_out(doc: Document, new: str, *, in_ledger: bool = False) -> str:
    """Why a cancelled invoice or credit note of the import is not imported."""
    if doc.kind == "invoice" and in_ledger:
        return _("invoice {number} ({uuid}) is substituted by {new}, in the ledger "
                 "(CfdiRelacionados, TipoRelacion 04): not imported", number=doc.number,
                 uuid=doc.fiscal_id, new=new)
    if doc.kind == "invoice":
        return _("invoice {number} ({uuid}) is substituted by {new} (CfdiRelacionados, "
                 "TipoRelacion 04): not imported", number=doc.number, uuid=doc.fiscal_id,
                 new=new)
    if in_ledger:
        return _("credit note {number} ({uuid}) is substituted by {new}, in the ledger "
                 "(CfdiRelacionados, TipoRelacion 04): not imported", number=doc.number,
                 uuid=doc.fiscal_id, new=new)
    return _("credit note {number} ({uuid}) is substituted by {new} (CfdiRelacionados, "
             "TipoRelacion 04): not imported", number=doc.number, uuid=doc.fiscal_id, new=new)


def _close_stored(session: Session, *, org: Organisation, by: dict[str, Document],
                  wanted: list[str], warnings: list[str]) -> list[Document]:
    """The SUST- credit notes closing the stored invoices substituted by this import's."""
    stored = {str(row[0]): row for start in range(0, len(wanted), 1000)
              for row in session.execute(
                  select(Invoice.fiscal_id, Invoice.number, Invoice.amount, Invoice.currency,
                         Customer.code, Customer.tax_id, Customer.name, Customer.country)
                  .join(Customer, Customer.id == Invoice.customer_id)
                  .where(Invoice.org_id == org.id, Invoice.kind == "invoice",
                         Invoice.fiscal_id.in_(wanted[start:start + 1000]))).all()}
    notes = []
    for uuid in wanted:
        new = by[uuid]
        row = stored.get(uuid)
        if row is None:
            warnings.append(_not_stored(new, uuid))
            continue
        _fiscal_id, number, amount, currency, code, tax_id, name, country = row
        note = f"SUST-{number}"[:64]
        notes.append(Document(
            kind="credit_note", scheme="cfdi", number=note, fiscal_id=None,
            issuer_tax_id=new.issuer_tax_id,
            customer=Party(code=code, tax_id=tax_id or code, name=name, country=country),
            issue_date=new.issue_date, due_date=None, currency=currency,
            amount=from_minor(amount, currency), at=new.at, related=(uuid,), closing=True))
        warnings.append(f"{new.at.file}:{new.at.line}: " + _(
            "invoice {number} ({uuid}) is substituted by {new} (CfdiRelacionados, TipoRelacion "
            "04): closed by credit note {note}", number=number, uuid=uuid, new=new.number,
            note=note))
    return notes


def _remove_stored(session: Session, *, org: Organisation, by: dict[str, Document],
                   wanted: list[str], warnings: list[str]) -> list[Removal]:
    """The stored credit notes substituted by this import's: removed, as the SAT cancelled them."""
    stored = {str(row[0]): row for start in range(0, len(wanted), 1000)
              for row in session.execute(
                  select(CreditNote.fiscal_id, CreditNote.id, CreditNote.customer_id,
                         CreditNote.number)
                  .where(CreditNote.org_id == org.id,
                         CreditNote.fiscal_id.in_(wanted[start:start + 1000]))).all()}
    removed = []
    for uuid in wanted:
        new = by[uuid]
        row = stored.get(uuid)
        if row is None:
            warnings.append(_not_stored(new, uuid))
            continue
        _fiscal_id, row_id, customer_id, number = row
        removed.append(Removal(CreditNote, row_id, customer_id))
        warnings.append(f"{new.at.file}:{new.at.line}: " + _(
            "credit note {number} ({uuid}) is substituted by {new} (CfdiRelacionados, "
            "TipoRelacion 04): removed from the ledger", number=number, uuid=uuid,
            new=new.number))
    return removed


def _not_stored(new: Document, uuid: str) -> str:
    return f"{new.at.file}:{new.at.line}: CfdiRelacionado/UUID: " + _(
        "{new} substitutes CFDI {uuid}, which is not in the ledger; the ledger remembers it as "
        "cancelled, so it will be skipped if it is imported later", new=new.number, uuid=uuid)


def substitutes(documents: list[Document], payments: list[PaymentLine]) -> dict[str, str]:
    """What the ledger remembers of this import's substitutes: cancelled fiscal id -> the
    number of the invoice or credit note substituting it (the last one to name it, as
    `substitutions`), or the UUID of the payment complement substituting it (`versions`)."""
    found = {uuid: line.fiscal_id for line in payments if line.fiscal_id is not None
             for uuid in line.replaces if uuid != line.fiscal_id}
    return found | {uuid: doc.number for doc in documents for uuid in doc.replaces
                    if uuid != doc.fiscal_id}


def substituted_by(session: Session, *, org: Organisation,
                   fiscal_ids: list[str]) -> dict[str, str]:
    """The stored invoices substituting these fiscal ids: fiscal id -> substitute's number."""
    wanted = sorted(set(fiscal_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 1000):
        found.update(session.execute(
            select(InvoiceSubstitution.fiscal_id, InvoiceSubstitution.invoice_number)
            .where(InvoiceSubstitution.org_id == org.id,
                   InvoiceSubstitution.fiscal_id.in_(wanted[start:start + 1000]))).tuples().all())
    return found


def stamped_drafts(session: Session, *, org: Organisation,
                   documents: list[Document]) -> tuple[list[Document], list[str]]:
    """A stamped CFDI without Serie and Folio takes the place of its draft, the unstamped XML
    of the same issuer and Fecha (`Document.draft_number`) for the same customer: a draft in
    this import is left out; one in the ledger keeps its row and its number, now stamped (as a
    draft with a Serie and Folio does). A UUID the ledger has keeps the number it has there, so
    nothing imported before is renumbered. Returns the documents to import and the warnings.
    """
    stamped = {(d.kind, d.draft_number, tax_key(d.customer.tax_id)): d
               for d in documents if d.draft_number is not None}
    if not stamped:
        return documents, []
    warnings: list[str] = []
    kept: list[Document] = []
    for doc in documents:
        new = stamped.get((doc.kind, doc.number, tax_key(doc.customer.tax_id)))
        if doc.fiscal_id is not None or new is None:
            kept.append(doc)
            continue
        warnings.append(f"{doc.at.file}:{doc.at.line}: " + _(
            "skipped: draft {number} is the unstamped XML of CFDI {uuid} (same issuer, receiver "
            "and Fecha), imported with it; the draft adds nothing", number=doc.number,
            uuid=new.fiscal_id))
    known, drafts = _stored_numbers(session, org=org, stamped=[
        d for d in kept if d.draft_number is not None])
    for i, doc in enumerate(kept):
        if doc.draft_number is None or doc.fiscal_id is None:
            continue
        number = known.get((doc.kind, doc.fiscal_id))
        draft = (doc.kind, doc.draft_number, tax_key(doc.customer.tax_id))
        if number is None and draft in drafts:
            drafts.discard(draft)  # one stamped CFDI per draft, should two share its Fecha
            number = doc.draft_number
            warnings.append(f"{doc.at.file}:{doc.at.line}: " + _(
                "CFDI {uuid} is the stamped XML of draft {number} (same issuer, receiver and "
                "Fecha), imported before: it replaces the draft and keeps its number",
                uuid=doc.fiscal_id, number=number))
        if number is not None:
            kept[i] = replace(doc, number=number)
    return kept, warnings


def _stored_numbers(session: Session, *, org: Organisation, stamped: list[Document]) -> tuple[
        dict[tuple[str, str], str], set[tuple[str, str, str]]]:
    """The numbers the ledger gives these UUIDs, (kind, fiscal id) -> number, and its drafts
    of the same numbers as these documents' drafts, as (kind, number, customer's tax key)."""
    known: dict[tuple[str, str], str] = {}
    drafts: set[tuple[str, str, str]] = set()
    for model, kind in ((Invoice, "invoice"), (CreditNote, "credit_note")):
        mine = [d for d in stamped if d.kind == kind]
        for start in range(0, len(mine), 1000):
            chunk = mine[start:start + 1000]
            known.update(((kind, str(uuid)), number) for uuid, number in session.execute(
                select(model.fiscal_id, model.number).where(
                    model.org_id == org.id,
                    model.fiscal_id.in_([d.fiscal_id for d in chunk]))).tuples())
            rows = session.execute(
                select(model.number, Customer.tax_key, Customer.code)
                .join(Customer, Customer.id == model.customer_id)
                .where(model.org_id == org.id, model.fiscal_id.is_(None),
                       model.number.in_([d.draft_number for d in chunk]))).tuples()
            drafts.update((kind, number, key or tax_key(code)) for number, key, code in rows)
    return known, drafts


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


@dataclass
class Versions:
    """One payment per installment (NumParcialidad) of an invoice, whichever XML says it.

    A Pagos 2.0 line is the n-th payment of one invoice: that, not the line's code (the UUID
    once stamped, the serie-folio before), is what makes two lines the same payment. A
    complement arrives as a draft, then stamped; or is cancelled and reissued, the new one
    naming the old in CfdiRelacionados with TipoRelacion 04. Either way the later XML takes the
    installment over. Two complements claiming it otherwise would pay the invoice twice: the
    SAT accepts one, so the import is refused, located. A cancelled complement is cancelled
    whole: what of it the reissue does not pay again is removed, and the ledger remembers it
    (`substitutes`), so that it is skipped if it comes later.
    """

    payments: list[PaymentLine]  # what is left to write
    rekey: dict[str, str] = field(default_factory=dict)  # stored code -> code taking over
    removed: list[Removal] = field(default_factory=list)  # stored payments no longer made
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def versions(session: Session, *, org: Organisation, payments: list[PaymentLine],
             targets: dict[str, str]) -> Versions:
    """Drafts of stamped payments and substituted complements dropped; stamped lines and
    substitutes take over what the ledger stored for the same installments; conflicts refused.
    """
    def key(line: PaymentLine) -> tuple[str, int] | None:
        target = targets.get(line.code)
        return None if target is None else (target, line.installment)

    out = Versions([])
    stamped: dict[tuple[str, int], list[PaymentLine]] = {}
    for line in payments:
        if line.fiscal_id and (k := key(line)):
            stamped.setdefault(k, []).append(line)
    # The complements reissued in this import, and those the ledger remembers as reissued.
    reissued = {uuid: line.fiscal_id for line in payments if line.fiscal_id is not None
                for uuid in line.replaces if uuid != line.fiscal_id}
    remembered = substituted_by(session, org=org, fiscal_ids=[
        line.fiscal_id for line in payments
        if line.fiscal_id is not None and line.fiscal_id not in reissued])
    claimed: dict[tuple[str, int], PaymentLine] = {}
    for line in payments:
        k = key(line)
        others = stamped.get(k, []) if k else []
        if line.fiscal_id is None and others:
            out.warnings.append(_skipped_draft(line, k))
            continue
        if line.fiscal_id in reissued or line.fiscal_id in remembered:
            out.warnings.append(_substituted(line, k, reissued.get(line.fiscal_id or ""),
                                             remembered.get(line.fiscal_id or "")))
            continue
        first = claimed.setdefault(k, line) if k else line
        if first is not line:
            out.errors.append(_twice_in_one(line, k, first) if (
                line.fiscal_id is not None and first.fiscal_id == line.fiscal_id)
                else _twice(line, k, first.fiscal_id or first.code))
            continue
        out.payments.append(line)
    stored = _stored_installments(session, org=org, numbers=sorted(
        {k[0] for line in out.payments if (k := key(line))}))
    kept = []
    for line in out.payments:
        found = stored.get(k) if (k := key(line)) else None
        if found is None or found[0] == line.code:
            kept.append(line)
        elif line.fiscal_id is None and found[1] is not None:
            out.warnings.append(_skipped_draft(line, k))  # the stamped one is in the ledger
        elif line.fiscal_id is not None and (found[1] is None or found[1] in line.replaces):
            out.rekey[found[0]] = line.code
            out.warnings.append(_takes_over(line, k, found))
            kept.append(line)
        else:
            out.errors.append(_twice(line, k, found[1] or found[0]))
    out.payments = kept
    out.removed = _cancelled_payments(session, org=org, reissues=kept, rekey=out.rekey,
                                      warnings=out.warnings)
    return out


def _cancelled_payments(session: Session, *, org: Organisation, reissues: list[PaymentLine],
                        rekey: dict[str, str], warnings: list[str]) -> list[Removal]:
    """The stored payments of complements reissued in this import that the reissue does not
    take over: the SAT cancelled the whole complement, so they are removed."""
    by: dict[str, PaymentLine] = {}
    for line in reissues:
        for uuid in line.replaces if line.fiscal_id is not None else ():
            by.setdefault(uuid, line)
    wanted = sorted(by)
    removed = []
    for start in range(0, len(wanted), 1000):
        for row in session.execute(
                select(Payment.id, Payment.customer_id, Payment.code, Payment.fiscal_id,
                       Payment.invoice_numbers, Payment.installment, Payment.amount,
                       Payment.currency)
                .where(Payment.org_id == org.id, Payment.fiscal_id.in_(wanted[start:start + 1000]))
                .order_by(Payment.id)):
            if row.code in rekey:
                continue
            removed.append(Removal(Payment, row.id, row.customer_id))
            new = by[str(row.fiscal_id)]
            warnings.append(f"{new.at.file}:{new.at.line}: " + _(
                "payment {number} #{installment} of complement {old}, {amount} {currency}, is "
                "removed: that complement was cancelled and substituted by this one "
                "(CfdiRelacionados, TipoRelacion 04), which does not pay it again",
                number=row.invoice_numbers, installment=row.installment, old=row.fiscal_id,
                amount=from_minor(row.amount, row.currency), currency=row.currency))
    return removed


def _stored_installments(session: Session, *, org: Organisation, numbers: list[str]) -> dict[
        tuple[str, int], tuple[str, str | None]]:
    """(invoice number, installment) -> (code, fiscal id) of the payments stored for them."""
    stored: dict[tuple[str, int], tuple[str, str | None]] = {}
    for start in range(0, len(numbers), 500):
        rows = session.execute(select(Payment.invoice_numbers, Payment.installment,
                                      Payment.code, Payment.fiscal_id)
                               .where(Payment.org_id == org.id,
                                      Payment.installment.is_not(None),
                                      Payment.invoice_numbers.in_(numbers[start:start + 500]))
                               .order_by(Payment.id))
        for number, installment, code, fiscal_id in rows:
            stored.setdefault((number, installment), (code, fiscal_id))
    return stored


def _twice(line: PaymentLine, key: tuple[str, int] | None, other: str) -> RowError:
    number, installment = key or ("", 0)
    return line.at.error("DoctoRelacionado/NumParcialidad", _(
        "installment {installment} of invoice {number} is already paid by {other}; a second "
        "payment of the same installment is refused (a complement reissued in place of a "
        "cancelled one names it in CfdiRelacionados with TipoRelacion 04)",
        installment=installment, number=number, other=other))


def _twice_in_one(line: PaymentLine, key: tuple[str, int] | None,
                  first: PaymentLine) -> RowError:
    number, installment = key or ("", 0)
    return line.at.error("DoctoRelacionado/NumParcialidad", _(
        "installment {installment} of invoice {number} is paid twice in this complement (also "
        "on line {line}); expected each installment once", installment=installment,
        number=number, line=first.at.line))


def _takes_over(line: PaymentLine, key: tuple[str, int] | None,
                stored: tuple[str, str | None]) -> str:
    number, installment = key or ("", 0)
    code, fiscal_id = stored
    return f"{line.at.file}:{line.at.line}: " + (_(
        "payment {number} #{installment} replaces its draft {draft}, imported before from the "
        "unstamped complement", number=number, installment=installment, draft=code)
        if fiscal_id is None else _(
        "payment {number} #{installment} replaces the one of complement {old}, cancelled and "
        "substituted by this one (CfdiRelacionados, TipoRelacion 04)", number=number,
        installment=installment, old=fiscal_id))


def _substituted(line: PaymentLine, key: tuple[str, int] | None, new: str | None,
                 stored: str | None) -> str:
    """The warning for a line of a reissued complement: `new` reissues it in this import, or
    the ledger remembers `stored` does."""
    number, installment = key or ("", 0)
    return f"{line.at.file}:{line.at.line}: " + (_(
        "skipped: payment {number} #{installment} of complement {old} is substituted by "
        "complement {new} (CfdiRelacionados, TipoRelacion 04)", number=number,
        installment=installment, old=line.fiscal_id, new=new) if new is not None else _(
        "skipped: payment {number} #{installment} of complement {old} is substituted by "
        "complement {new}, in the ledger (CfdiRelacionados, TipoRelacion 04)", number=number,
        installment=installment, old=line.fiscal_id, new=stored))


def _skipped_draft(line: PaymentLine, key: tuple[str, int] | None) -> str:
    number, installment = key or ("", 0)
    return f"{line.at.file}:{line.at.line}: " + _(
        "skipped: payment {number} #{installment} is already known from the stamped "
        "complement; the draft adds nothing", number=number, installment=installment)
