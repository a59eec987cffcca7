"""Which stored and imported documents count when a CFDI takes another's place.

An issuer replaces a CFDI in two ways. A draft (no TimbreFiscalDigital) is followed by its
stamped XML; one without Serie and Folio is known by its issuer and Fecha, and the stamped XML
of the same issuer, receiver and Fecha takes its place and keeps its number (`stamped_drafts`).
Or the SAT cancels an invoice or credit note and the issuer reissues it, the new one naming the
old in CfdiRelacionados with TipoRelacion 04 (`substitutions`): the cancelled one must stop
counting, or the customer would owe, or be credited, twice. A cancelled invoice in the ledger
is closed by a SUST- credit note of its whole amount (what was paid on it goes to the
customer's other invoices); a cancelled credit note in the ledger is removed, so the credit
counts once; either one in the same import is left out. The ledger remembers each substitution
(`substitutes`, `substituted_by`), so a cancelled CFDI imported after its substitute is skipped,
and a credit note or complement naming one is said where it is and settles nothing by name,
in any order (`checks.payment_targets`). The same for the payments of Pagos complements is
`versions`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.money import from_minor
from cobranza.core.taxid import tax_key
from cobranza.einvoices.model import Document, Party, PaymentLine, Removal
from cobranza.i18n import _
from cobranza.models import CreditNote, Customer, Invoice, InvoiceSubstitution, Organisation

R = TypeVar("R")


def substitutions(session: Session, *, org: Organisation, documents: list[Document]) -> tuple[
        list[Document], list[Removal], dict[str, str], list[str]]:
    """Invoices and credit notes a CFDI of their kind substitutes (CfdiRelacionados TipoRelacion
    04: the issuer cancelled them at the SAT and reissued them as this one) count no more.

    One in this import is left out, and so is one a stored document substitutes (the ledger
    remembers the relation: `substitutes`), whichever came first. An invoice in the ledger is
    closed by a credit note of its whole amount, numbered SUST-<its number> and dated as the
    substitute, for its own customer (a CFDI is often reissued to correct the receptor): what
    was paid on it then goes to the customer's other invoices, the substitute first when it is
    the same customer's (DOMAIN.md, allocation). A credit note in the ledger is removed: its
    substitute gives the credit instead. Returns the documents to import, the stored rows to
    remove, what the left-out documents substitute (cancelled fiscal id -> the number of the
    last substitute of the chain, for the ledger to remember: `substitutes`) and a warning for
    each substitution.
    """
    by = {uuid: doc for doc in documents for uuid in doc.replaces}
    stored_by = substituted_by(session, org=org, fiscal_ids=[
        doc.fiscal_id for doc in documents
        if doc.fiscal_id is not None and doc.fiscal_id not in by])
    if not by and not stored_by:
        return documents, [], {}, []
    kept = []
    left: dict[str, Document | str] = {}  # a left-out document's fiscal id -> its substitute
    for doc in documents:
        new = by.get(doc.fiscal_id or "")
        stored = stored_by.get(doc.fiscal_id or "")
        if new is not None and new is not doc and new.kind == doc.kind:
            left[doc.fiscal_id or ""] = new
        elif stored is not None:
            left[doc.fiscal_id or ""] = stored
        else:
            kept.append(doc)
    renumbering: list[str] = []
    kept = _renumbered(session, org=org, documents=kept, cancelled=by.keys(),
                       warnings=renumbering)
    numbers = {doc.fiscal_id: doc.number for doc in kept}
    # A left-out substitute was cancelled in turn (A-1 -> A-2 -> A-3): what it substitutes is
    # remembered as substituted by the last of the chain, or it would be owed when imported;
    # and a warning naming it says which one is owed instead (`_through`).
    chain = {uuid: _last(left, uuid, numbers) for uuid in left}
    warnings = [f"{doc.at.file}:{doc.at.line}: " + _left_out(doc, left[doc.fiscal_id], chain)
                for doc in documents if doc.fiscal_id in left]
    warnings += renumbering
    remembered = {uuid: chain[doc.fiscal_id or ""] for doc in documents
                  if doc.fiscal_id in left for uuid in doc.replaces if uuid != doc.fiscal_id}
    here = {doc.fiscal_id for doc in documents if doc.fiscal_id is not None}
    wanted = sorted(by.keys() - here)
    kept += _close_stored(session, org=org, by=by, chain=chain, warnings=warnings,
                          wanted=[uuid for uuid in wanted if by[uuid].kind == "invoice"])
    removed = _remove_stored(session, org=org, by=by, chain=chain, warnings=warnings,
                             wanted=[uuid for uuid in wanted if by[uuid].kind == "credit_note"])
    return kept, removed, remembered, warnings


def _through(new: Document, chain: dict[str, str]) -> str:
    """How a substitute is named: its number; when this import leaves it out, cancelled and
    substituted in turn, also the last of the chain, the one owed (or credited) in its place."""
    last = chain.get(new.fiscal_id or "")
    if last is None or last == new.number:
        return new.number
    return _("{new}, itself cancelled and substituted by {last}", new=new.number, last=last)


def _last(left: dict[str, Document | str], fiscal_id: str,
          numbers: dict[str | None, str]) -> str:
    """The number of the document that substitutes `fiscal_id` and is not left out itself."""
    found = left[fiscal_id]
    seen = {fiscal_id}
    while isinstance(found, Document) and found.fiscal_id in left and found.fiscal_id not in seen:
        seen.add(found.fiscal_id)
        found = left[found.fiscal_id]
    return found if isinstance(found, str) else numbers.get(found.fiscal_id, found.number)


def _renumbered(session: Session, *, org: Organisation, documents: list[Document],
                cancelled: Collection[str], warnings: list[str]) -> list[Document]:
    """A substitute reissued under the Serie and Folio of a cancelled CFDI the ledger keeps
    under that number (closed by its SUST- note) is known by its UUID, as a CFDI without Serie
    and Folio is; imported again, it keeps the number the ledger gives its UUID."""
    renumbered: dict[int, str] = {}
    for model, kind in ((Invoice, "invoice"), (CreditNote, "credit_note")):
        mine = [(i, d) for i, d in enumerate(documents)
                if d.kind == kind and d.replaces and d.fiscal_id is not None]
        for start in range(0, len(mine), 1000):
            chunk = mine[start:start + 1000]
            rows = session.execute(select(model.fiscal_id, model.number).where(
                model.org_id == org.id, model.fiscal_id.is_not(None),
                model.number.in_([d.number for _, d in chunk])
                | model.fiscal_id.in_([d.fiscal_id for _, d in chunk]))).tuples().all()
            known = {str(uuid): number for uuid, number in rows}
            holders = {number: str(uuid) for uuid, number in rows}
            gone = set(cancelled) | substituted_by(session, org=org, fiscal_ids=[
                uuid for uuid in holders.values() if uuid not in cancelled]).keys()
            for i, doc in chunk:
                holder = holders.get(doc.number, doc.fiscal_id)
                if doc.fiscal_id in known:
                    renumbered[i] = known[doc.fiscal_id or ""]
                elif holder != doc.fiscal_id and holder in gone:
                    renumbered[i] = doc.fiscal_id or doc.number
                    warnings.append(f"{doc.at.file}:{doc.at.line}: " + _renumbered_said(doc))
    return [replace(d, number=renumbered[i]) if i in renumbered else d
            for i, d in enumerate(documents)]


def _renumbered_said(doc: Document) -> str:
    if doc.kind == "invoice":
        return _("invoice {number} ({uuid}) has the number of the CFDI it substitutes, in the "
                 "ledger: imported as {uuid}", number=doc.number, uuid=doc.fiscal_id)
    return _("credit note {number} ({uuid}) has the number of the CFDI it substitutes, in the "
             "ledger: imported as {uuid}", number=doc.number, uuid=doc.fiscal_id)


def _left_out(doc: Document, substitute: Document | str, chain: dict[str, str]) -> str:
    """Why a cancelled invoice or credit note of the import is not imported: its substitute is
    in this import (`Document`) or in the ledger (its number)."""
    if isinstance(substitute, str):
        if doc.kind == "invoice":
            return _("invoice {number} ({uuid}) is substituted by {new}, in the ledger "
                     "(CfdiRelacionados, TipoRelacion 04): not imported", number=doc.number,
                     uuid=doc.fiscal_id, new=substitute)
        return _("credit note {number} ({uuid}) is substituted by {new}, in the ledger "
                 "(CfdiRelacionados, TipoRelacion 04): not imported", number=doc.number,
                 uuid=doc.fiscal_id, new=substitute)
    new = _through(substitute, chain)
    if doc.kind == "invoice":
        return _("invoice {number} ({uuid}) is substituted by {new} (CfdiRelacionados, "
                 "TipoRelacion 04): not imported", number=doc.number, uuid=doc.fiscal_id,
                 new=new)
    return _("credit note {number} ({uuid}) is substituted by {new} (CfdiRelacionados, "
             "TipoRelacion 04): not imported", number=doc.number, uuid=doc.fiscal_id, new=new)


def _close_stored(session: Session, *, org: Organisation, by: dict[str, Document],
                  chain: dict[str, str], wanted: list[str],
                  warnings: list[str]) -> list[Document]:
    """The SUST- credit notes closing the stored invoices substituted by this import's."""
    stored = {str(row[0]): row for start in range(0, len(wanted), 1000)
              for row in session.execute(
                  select(Invoice.fiscal_id, Invoice.number, Invoice.amount, Invoice.currency,
                         Customer.code, Customer.tax_id, Customer.name, Customer.country)
                  .join(Customer, Customer.id == Invoice.customer_id)
                  .where(Invoice.org_id == org.id, Invoice.kind == "invoice",
                         Invoice.fiscal_id.in_(wanted[start:start + 1000]))).all()}
    notes = []
    for uuid, new, row in _stored(wanted, by=by, chain=chain, stored=stored, warnings=warnings):
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
            "04): closed by credit note {note}", number=number, uuid=uuid,
            new=_through(new, chain), note=note))
    return notes


def _remove_stored(session: Session, *, org: Organisation, by: dict[str, Document],
                   chain: dict[str, str], wanted: list[str],
                   warnings: list[str]) -> list[Removal]:
    """The stored credit notes substituted by this import's: removed, as the SAT cancelled them."""
    stored = {str(row[0]): row for start in range(0, len(wanted), 1000)
              for row in session.execute(
                  select(CreditNote.fiscal_id, CreditNote.id, CreditNote.customer_id,
                         CreditNote.number)
                  .where(CreditNote.org_id == org.id,
                         CreditNote.fiscal_id.in_(wanted[start:start + 1000]))).all()}
    removed = []
    for uuid, new, row in _stored(wanted, by=by, chain=chain, stored=stored, warnings=warnings):
        _fiscal_id, row_id, customer_id, number = row
        removed.append(Removal(CreditNote, row_id, customer_id))
        warnings.append(f"{new.at.file}:{new.at.line}: " + _(
            "credit note {number} ({uuid}) is substituted by {new} (CfdiRelacionados, "
            "TipoRelacion 04): removed from the ledger", number=number, uuid=uuid,
            new=_through(new, chain)))
    return removed


def _stored(wanted: list[str], *, by: dict[str, Document], chain: dict[str, str],
            stored: dict[str, R], warnings: list[str]) -> Iterator[tuple[str, Document, R]]:
    """Each substituted fiscal id with its substitute and its stored row; for one the ledger
    lacks, a warning instead, in turn, so that the warnings keep `wanted`'s order."""
    for uuid in wanted:
        new = by[uuid]
        row = stored.get(uuid)
        if row is None:
            warnings.append(_not_stored(new, uuid, chain))
        else:
            yield uuid, new, row


def _not_stored(new: Document, uuid: str, chain: dict[str, str]) -> str:
    last = chain.get(new.fiscal_id or "", new.number)
    return f"{new.at.file}:{new.at.line}: CfdiRelacionado/UUID: " + (_(
        "{new} substitutes CFDI {uuid}, which is not in the ledger; the ledger remembers it as "
        "cancelled, so it will be skipped if it is imported later", new=new.number, uuid=uuid)
        if last == new.number else _(
        "{middle}, cancelled in turn and substituted by {new}, substitutes CFDI {uuid}, which "
        "is not in the ledger; the ledger remembers it as substituted by {new}, so it will be "
        "skipped if it is imported later", middle=new.number, new=last, uuid=uuid))


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
