"""JSON endpoints for invoices and credit notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from cobranza.core.money import minor_to_str
from cobranza.core.terms import scaled_to_rate
from cobranza.deps import OrgDep, SessionDep
from cobranza.importers.api import ImportSummary, write_records
from cobranza.invoices.imports import prepare_credit_notes, prepare_invoices
from cobranza.invoices.schemas import CreditNoteIn, CreditNoteOut, InvoiceIn, InvoiceOut
from cobranza.models import Allocation, CreditNote, Customer, Invoice

router = APIRouter(tags=["invoices"])


@router.get("/invoices")
def list_invoices(session: SessionDep, org: OrgDep, customer_id: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  offset: Annotated[int, Query(ge=0)] = 0) -> list[InvoiceOut]:
    """Invoices by due date, optionally of one customer, with their open amount."""
    allocated = (select(Allocation.invoice_id, func.sum(Allocation.amount).label("paid"))
                 .where(Allocation.org_id == org.id).group_by(Allocation.invoice_id).subquery())
    stmt = (select(Invoice, Customer.code, func.coalesce(allocated.c.paid, 0))
            .join(Customer, Customer.id == Invoice.customer_id)
            .outerjoin(allocated, allocated.c.invoice_id == Invoice.id)
            .where(Invoice.org_id == org.id)
            .order_by(Invoice.due_date, Invoice.number).limit(limit).offset(offset))
    if customer_id is not None:
        stmt = stmt.where(Customer.code == customer_id)
    return [InvoiceOut(
        number=i.number, customer_id=code, kind=i.kind, issue_date=i.issue_date.isoformat(),
        due_date=i.due_date.isoformat(), currency=i.currency,
        amount=minor_to_str(i.amount, i.currency),
        open=minor_to_str(i.amount - paid, i.currency), grace_days=i.grace_days,
        late_interest_annual_pct=str(scaled_to_rate(i.late_interest_scaled)),
        discount_pct=str(scaled_to_rate(i.discount_pct_scaled)),
        discount_days=i.discount_days, day_basis=i.day_basis,
    ) for i, code, paid in session.execute(stmt)]


@router.post("/invoices")
def upsert_invoices(records: list[InvoiceIn], session: SessionDep, org: OrgDep,
                    dry_run: bool = False) -> ImportSummary:
    """Create or update invoices; any invalid record rejects all (422, every error listed)."""
    return write_records(session, org=org, kind="invoices", records=records,
                         prepare=prepare_invoices, dry_run=dry_run)


@router.get("/credit-notes")
def list_credit_notes(session: SessionDep, org: OrgDep, customer_id: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                      offset: Annotated[int, Query(ge=0)] = 0) -> list[CreditNoteOut]:
    """Credit notes by date."""
    stmt = (select(CreditNote, Customer.code).join(Customer, Customer.id == CreditNote.customer_id)
            .where(CreditNote.org_id == org.id).order_by(CreditNote.date, CreditNote.number)
            .limit(limit).offset(offset))
    if customer_id is not None:
        stmt = stmt.where(Customer.code == customer_id)
    return [CreditNoteOut(number=n.number, customer_id=code, invoice_number=n.invoice_number,
                          date=n.date.isoformat(), currency=n.currency,
                          amount=minor_to_str(n.amount, n.currency))
            for n, code in session.execute(stmt)]


@router.post("/credit-notes")
def upsert_credit_notes(records: list[CreditNoteIn], session: SessionDep, org: OrgDep,
                        dry_run: bool = False) -> ImportSummary:
    """Create or update credit notes; any invalid record rejects all."""
    return write_records(session, org=org, kind="credit-notes", records=records,
                         prepare=prepare_credit_notes, dry_run=dry_run)
