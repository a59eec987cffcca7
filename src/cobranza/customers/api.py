"""JSON endpoints for customers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from cobranza.core.money import minor_to_str
from cobranza.customers.imports import prepare
from cobranza.customers.schemas import CustomerIn, CustomerOut
from cobranza.deps import OrgDep, SessionDep
from cobranza.importers.api import ImportSummary, write_records
from cobranza.models import Customer, Organisation

router = APIRouter(prefix="/customers", tags=["customers"])


def _out(c: Customer, org: Organisation) -> CustomerOut:
    return CustomerOut(
        id=c.code, name=c.name, tax_id=c.tax_id, email=c.email, phone=c.phone,
        whatsapp=c.whatsapp, language=c.language, country=c.country, timezone=c.timezone,
        preferred_channel=c.preferred_channel,
        preferred_payment_method=c.preferred_payment_method, contact_hours=c.contact_hours,
        segment=c.segment, collector=c.collector,
        credit_limit=None if c.credit_limit is None else minor_to_str(c.credit_limit,
                                                                     org.base_currency))


@router.get("")
def list_customers(session: SessionDep, org: OrgDep,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                   offset: Annotated[int, Query(ge=0)] = 0) -> list[CustomerOut]:
    """Customers by id, a page at a time."""
    rows = session.scalars(select(Customer).where(Customer.org_id == org.id)
                           .order_by(Customer.code).limit(limit).offset(offset))
    return [_out(c, org) for c in rows]


@router.get("/{customer_id}")
def get_customer(customer_id: str, session: SessionDep, org: OrgDep) -> CustomerOut:
    """One customer."""
    row = session.scalars(select(Customer).where(Customer.org_id == org.id,
                                                 Customer.code == customer_id)).first()
    if row is None:
        raise HTTPException(404, "unknown customer")
    return _out(row, org)


@router.post("")
def upsert_customers(records: list[CustomerIn], session: SessionDep, org: OrgDep,
                     dry_run: bool = False) -> ImportSummary:
    """Create or update customers; any invalid record rejects all (422, every error listed)."""
    return write_records(session, org=org, kind="customers", records=records, prepare=prepare,
                         dry_run=dry_run)
