"""Use cases: give Mexican customers their virtual CLABE, and read each customer's references."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cobranza.core.references import customer_reference, printed, virtual_clabe
from cobranza.models import Customer, Organisation, PaymentReference

CLABE = "clabe"
MEXICO = "MX"
CHUNK = 5_000  # ids per IN (...) and rows per INSERT: under every driver's parameter limit


class ClabeDoesNotFit(ValueError):
    """Some customer ids are too long for the prefix: nothing was assigned."""

    def __init__(self, prefix: str, codes: list[str]) -> None:
        self.prefix, self.codes = prefix, codes
        super().__init__(f"customer ids of {', '.join(codes)} do not fit in a CLABE after "
                         f"the prefix {prefix}")


@dataclass(frozen=True, slots=True)
class CustomerReferences:
    """What a customer may quote: the fixed RF (printed form) and the virtual CLABE, if any."""

    customer_id: int
    payment_reference: str  # printed: "RF33 2000 0012 3"
    clabe: str | None


def _country_is_mexico(org_id: int) -> ColumnElement[bool]:
    """The customer's country, else the organisation's, is MX (blank counts as none)."""
    org_country = select(Organisation.country).where(Organisation.id == org_id).scalar_subquery()
    return func.upper(func.coalesce(func.nullif(Customer.country, ""), org_country)) == MEXICO


def customers_without_clabe(session: Session, *, org_id: int) -> list[tuple[int, str]]:
    """(id, code) of the Mexican customers who have no virtual CLABE yet, by id."""
    has_one = select(PaymentReference.id).where(
        PaymentReference.org_id == org_id, PaymentReference.kind == CLABE,
        PaymentReference.customer_id == Customer.id).exists()
    return [(cid, code) for cid, code in session.execute(
        select(Customer.id, Customer.code)
        .where(Customer.org_id == org_id, _country_is_mexico(org_id), ~has_one)
        .order_by(Customer.id)).tuples()]


def assign_clabes(session: Session, *, org_id: int, prefix: str, now: datetime) -> int:
    """Give each Mexican customer without one a virtual CLABE; how many were assigned.

    One SELECT of the customers missing a CLABE, one multi-row INSERT; a customer who already
    has one keeps it (even under an older prefix), so running it again assigns nothing.
    Raises ClabeDoesNotFit, before writing anything, when an id is too long for the prefix.
    """
    missing = customers_without_clabe(session, org_id=org_id)
    room = 17 - len(prefix)
    too_long = [code for cid, code in missing if len(str(cid)) > room]
    if too_long:
        raise ClabeDoesNotFit(prefix, too_long)
    rows = [{"org_id": org_id, "kind": CLABE, "value": virtual_clabe(prefix, cid),
             "customer_id": cid, "invoice_id": None, "created_at": now}
            for cid, _code in missing]
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # A concurrent run that assigned the same CLABE first wins; this one skips it.
    stmt = (dialect.insert(PaymentReference)
            .on_conflict_do_nothing(index_elements=["org_id", "value"])
            .returning(PaymentReference.id))
    assigned = 0
    for start in range(0, len(rows), CHUNK):
        assigned += len(list(session.scalars(stmt, rows[start:start + CHUNK])))
    return assigned


def needs_clabe(session: Session, *, org_id: int) -> bool:
    """True when some Mexican customer has no virtual CLABE yet."""
    return bool(customers_without_clabe(session, org_id=org_id))


def references_for(session: Session, *, org_id: int,
                   customer_ids: Collection[int]) -> dict[int, CustomerReferences]:
    """Each customer's fixed RF reference and virtual CLABE (the newest, if several)."""
    ids = sorted(set(customer_ids))
    clabes: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        for cid, value in session.execute(
                select(PaymentReference.customer_id, PaymentReference.value)
                .where(PaymentReference.org_id == org_id, PaymentReference.kind == CLABE,
                       PaymentReference.customer_id.in_(ids[start:start + CHUNK]))
                .order_by(PaymentReference.id)).tuples():
            clabes[cid] = value
    return {cid: CustomerReferences(cid, printed(customer_reference(cid)), clabes.get(cid))
            for cid in ids}
