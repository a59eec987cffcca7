"""Queries of the agency hand-off: debtors, their collection history, and the writes.

Each load takes the whole set of customers of a run (chunked IN lists), one query per table.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from cobranza.models import (
    AgencyHandoff,
    CollectionAction,
    CollectionTask,
    Customer,
    Dispute,
    Invoice,
    Promise,
)
from cobranza.models.base import UTCDateTime

CHUNK = 5_000
# Actions that reached, or tried to reach, the debtor (not postings, hand-offs or webhooks).
CONTACT_CHANNELS = ("email", "sms", "whatsapp", "letter", "call", "visit")


@dataclass(frozen=True, slots=True)
class Debtor:
    """What an agency needs to reach a customer."""

    id: int
    code: str
    name: str
    tax_id: str | None
    email: str | None
    phone: str | None
    whatsapp: str | None
    country: str | None
    language: str | None


@dataclass(slots=True)
class History:
    """A customer's collection history so far."""

    promises: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    disputes: int = 0
    open_disputes: int = 0
    last_contact: date | None = None


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def debtors(session: Session, *, org_id: int, customer_ids: Collection[int]) -> dict[int, Debtor]:
    """These customers of the organisation, keyed by id (unknown ids are absent)."""
    out: dict[int, Debtor] = {}
    for chunk in _chunks(customer_ids):
        for row in session.execute(select(
                Customer.id, Customer.code, Customer.name, Customer.tax_id, Customer.email,
                Customer.phone, Customer.whatsapp, Customer.country, Customer.language)
                .where(Customer.org_id == org_id, Customer.id.in_(chunk))):
            out[row[0]] = Debtor(*row)
    return out


def histories(session: Session, *, org_id: int, customer_ids: Collection[int],
              timezone: str) -> dict[int, History]:
    """Promises, disputes and the last contact (a date in `timezone`) of each customer."""
    out = {cid: History() for cid in customer_ids}
    zone = ZoneInfo(timezone)
    for chunk in _chunks(customer_ids):
        for cid, total, kept, broken in session.execute(select(
                Promise.customer_id, func.count(),
                func.sum(case((Promise.status == "kept", 1), else_=0)),
                func.sum(case((Promise.status == "broken", 1), else_=0)))
                .where(Promise.org_id == org_id, Promise.customer_id.in_(chunk))
                .group_by(Promise.customer_id)):
            line = out[cid]
            line.promises, line.promises_kept, line.promises_broken = (
                total, int(kept or 0), int(broken or 0))
        for cid, total, still_open in session.execute(select(
                Dispute.customer_id, func.count(),
                func.sum(case((Dispute.resolved_at.is_(None), 1), else_=0)))
                .where(Dispute.org_id == org_id, Dispute.customer_id.in_(chunk))
                .group_by(Dispute.customer_id)):
            out[cid].disputes, out[cid].open_disputes = total, int(still_open or 0)
        for cid, last in _last_contacts(session, org_id=org_id, chunk=chunk):
            if last is not None:
                seen = last.astimezone(zone).date()
                current = out[cid].last_contact
                out[cid].last_contact = seen if current is None else max(current, seen)
    return out


def _last_contacts(session: Session, *, org_id: int,
                   chunk: Sequence[int]) -> Iterator[tuple[int, datetime | None]]:
    yield from session.execute(select(CollectionAction.customer_id,
                                      func.max(CollectionAction.sent_at))
                               .where(CollectionAction.org_id == org_id,
                                      CollectionAction.customer_id.in_(chunk),
                                      CollectionAction.channel.in_(CONTACT_CHANNELS))
                               .group_by(CollectionAction.customer_id)).tuples()
    yield from session.execute(select(CollectionTask.customer_id,
                                      func.max(CollectionTask.done_at))
                               .where(CollectionTask.org_id == org_id,
                                      CollectionTask.customer_id.in_(chunk),
                                      CollectionTask.outcome.is_not(None))
                               .group_by(CollectionTask.customer_id)).tuples()


def insert_handoffs(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert hand-off records; their ids, in the order of `rows`."""
    if not rows:
        return []
    stmt = insert(AgencyHandoff).returning(AgencyHandoff.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, list(rows)))


def mark_handed(session: Session, *, org_id: int, pairs: Sequence[tuple[int, int]],
                now: datetime) -> None:
    """Set `handoff_id` on each invoice and its posted charges: (invoice id, hand-off id) pairs.

    Two UPDATE statements, each executed for every pair (the invoice by id, its charges by
    parent): an OR of the two cannot use an index on SQLite and walked the whole parent index
    per invoice (190 ms each at 1,000,000 invoices, 0.05 ms split). An invoice already handed
    keeps its hand-off.
    """
    if not pairs:
        return
    table = cast(Table, Invoice.__table__)  # Core: an executemany UPDATE, not the ORM's by-key
    rows = [{"o": org_id, "i": invoice, "h": handoff, "now": now} for invoice, handoff in pairs]
    for match in (table.c.id == bindparam("i"), table.c.parent_id == bindparam("i")):
        stmt = (update(table)
                .where(table.c.org_id == bindparam("o"), match, table.c.handoff_id.is_(None))
                .values(handoff_id=bindparam("h"),
                        updated_at=bindparam("now", type_=UTCDateTime())))
        session.execute(stmt, rows)


def recall_invoice(session: Session, *, org_id: int, invoice_id: int, now: datetime) -> int:
    """Clear the hand-off of an invoice and its posted charges; the number of documents."""
    result = session.execute(update(Invoice).where(
        Invoice.org_id == org_id, Invoice.handoff_id.is_not(None),
        or_(Invoice.id == invoice_id, Invoice.parent_id == invoice_id))
        .values(handoff_id=None, updated_at=now).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def block_credit(session: Session, *, org_id: int, customer_ids: Collection[int],
                 now: datetime) -> list[int]:
    """Set `credit_blocked_at` on the customers not yet blocked; the ids it was set on."""
    blocked: list[int] = []
    for chunk in _chunks(customer_ids):
        blocked += session.scalars(update(Customer).where(and_(
            Customer.org_id == org_id, Customer.id.in_(chunk),
            Customer.credit_blocked_at.is_(None)))
            .values(credit_blocked_at=now, updated_at=now).returning(Customer.id)
            .execution_options(synchronize_session=False))
    return sorted(blocked)
