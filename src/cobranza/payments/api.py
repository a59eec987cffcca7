"""JSON endpoints for payments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from cobranza.core.money import minor_to_str
from cobranza.deps import OrgDep, SessionDep
from cobranza.importers.api import ImportSummary, write_records
from cobranza.models import Customer, Payment
from cobranza.payments.imports import prepare_payments
from cobranza.payments.schemas import PaymentIn, PaymentOut

router = APIRouter(prefix="/payments", tags=["payments"])


@router.get("")
def list_payments(session: SessionDep, org: OrgDep, customer_id: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  offset: Annotated[int, Query(ge=0)] = 0) -> list[PaymentOut]:
    """Payments by date."""
    stmt = (select(Payment, Customer.code).join(Customer, Customer.id == Payment.customer_id)
            .where(Payment.org_id == org.id).order_by(Payment.date, Payment.code)
            .limit(limit).offset(offset))
    if customer_id is not None:
        stmt = stmt.where(Customer.code == customer_id)
    return [PaymentOut(id=p.code, customer_id=code, date=p.date.isoformat(), currency=p.currency,
                       amount=minor_to_str(p.amount, p.currency),
                       invoice_numbers=[n for n in (p.invoice_numbers or "").split(";") if n],
                       reference=p.reference, method=p.method)
            for p, code in session.execute(stmt)]


@router.post("")
def upsert_payments(records: list[PaymentIn], session: SessionDep, org: OrgDep,
                    dry_run: bool = False) -> ImportSummary:
    """Record payments; any invalid record rejects all (422, every error listed)."""
    return write_records(session, org=org, kind="payments", records=records,
                         prepare=prepare_payments, dry_run=dry_run)
