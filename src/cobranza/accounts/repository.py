"""Every query of the account use cases, and the set-based helpers the daily run joins on.

The run's helpers come in two forms: a `Select` of ids to use inside the run's own statement
(`customer_id NOT IN (...)`, or a join), and a function that returns the set. Each is one query
over the whole organisation, never a loop per customer (CONVENTIONS.md, batch paths).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    func,
    literal,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute, Session

from cobranza.core.taxid import tax_key
from cobranza.models import (
    ActivityEntry,
    Allocation,
    ApiKey,
    CollectionAction,
    CreditNote,
    Customer,
    Dispute,
    Extension,
    Invoice,
    Pause,
    Payment,
    PaymentPlan,
    Promise,
)
from cobranza.models.base import day_number, from_day_number

# A promise keeps reminders away until its date plus this many days, and is broken the day after
# (issue 3, item 7: "unpaid by its date plus a tolerance").
PROMISE_GRACE_DAYS = 2
# Why the run leaves a customer alone, in the order they are reported.
SUPPRESSION_REASONS = ("do_not_contact", "pause", "promise", "payment_plan")


def days(column: QueryableAttribute[date] | ColumnElement[date]) -> ColumnElement[int]:
    """A `Day` column as its stored day number, for arithmetic and comparison in SQL."""
    return type_coerce(column, Integer)


# --- helpers for the daily run --------------------------------------------------------------

def promised_customers_select(org_id: int, today: date,
                              grace_days: int = PROMISE_GRACE_DAYS) -> Select[tuple[int]]:
    """Customers with an open promise whose date plus the grace is today or later."""
    return (select(Promise.customer_id)
            .where(Promise.org_id == org_id, Promise.status == "open",
                   days(Promise.promised_date) + grace_days >= day_number(today))
            .distinct())


def planned_customers_select(org_id: int) -> Select[tuple[int]]:
    """Customers with a current payment plan (as last evaluated by `evaluate_payment_plans`)."""
    return (select(PaymentPlan.customer_id)
            .where(PaymentPlan.org_id == org_id, PaymentPlan.status == "current").distinct())


def paused_customers_select(org_id: int, today: date) -> Select[tuple[int]]:
    """Customers paused until today or later, and not lifted (the end date is inclusive)."""
    return (select(Pause.customer_id)
            .where(Pause.org_id == org_id, Pause.lifted_at.is_(None),
                   days(Pause.until) >= day_number(today)).distinct())


def do_not_contact_select(org_id: int) -> Select[tuple[int]]:
    """Customers who asked not to be contacted (a cease request or an opt-out)."""
    return select(Customer.id).where(Customer.org_id == org_id, Customer.do_not_contact == true())


def disputed_invoices_select(org_id: int) -> Select[tuple[int]]:
    """Invoices with an open dispute: their collection stops until it is resolved."""
    return (select(Dispute.invoice_id)
            .where(Dispute.org_id == org_id, Dispute.resolved_at.is_(None)).distinct())


def effective_due_dates_select(org_id: int) -> Select[tuple[int, int, int]]:
    """Per extended invoice: `invoice_id`, `due_day` (the latest new due date as a day number)
    and `cycle` (how many extensions were granted, the invoice's dunning cycle)."""
    return (select(Extension.invoice_id,
                   func.max(days(Extension.new_due_date)).label("due_day"),
                   func.count(Extension.id).label("cycle"))
            .where(Extension.org_id == org_id).group_by(Extension.invoice_id))


def promised_customers(session: Session, *, org_id: int, today: date,
                       grace_days: int = PROMISE_GRACE_DAYS) -> set[int]:
    """Ids of customers with an active promise to pay."""
    return set(session.scalars(promised_customers_select(org_id, today, grace_days)))


def planned_customers(session: Session, *, org_id: int) -> set[int]:
    """Ids of customers on a current payment plan."""
    return set(session.scalars(planned_customers_select(org_id)))


def paused_customers(session: Session, *, org_id: int, today: date) -> set[int]:
    """Ids of customers with an active pause."""
    return set(session.scalars(paused_customers_select(org_id, today)))


def do_not_contact_customers(session: Session, *, org_id: int) -> set[int]:
    """Ids of customers who must not be contacted at all."""
    return set(session.scalars(do_not_contact_select(org_id)))


def disputed_invoices(session: Session, *, org_id: int) -> set[int]:
    """Ids of invoices under an open dispute."""
    return set(session.scalars(disputed_invoices_select(org_id)))


def suppressed_customers(session: Session, *, org_id: int, today: date,
                         grace_days: int = PROMISE_GRACE_DAYS) -> dict[int, str]:
    """Every customer the run must leave alone today, with the first reason that applies
    (`do_not_contact`, `pause`, `promise`, `payment_plan`), in one query."""
    parts = [
        do_not_contact_select(org_id).add_columns(literal("do_not_contact").label("reason")),
        paused_customers_select(org_id, today).add_columns(literal("pause").label("reason")),
        promised_customers_select(org_id, today, grace_days)
        .add_columns(literal("promise").label("reason")),
        planned_customers_select(org_id).add_columns(literal("payment_plan").label("reason")),
    ]
    found: dict[int, str] = {}
    for customer_id, reason in session.execute(union_all(*parts)):
        current = found.get(customer_id)
        if current is None or (SUPPRESSION_REASONS.index(reason)
                               < SUPPRESSION_REASONS.index(current)):
            found[customer_id] = reason
    return found


def effective_due_dates(session: Session, *, org_id: int) -> dict[int, tuple[date, int]]:
    """For each invoice with extensions: (its effective due date, its dunning cycle)."""
    return {invoice_id: (from_day_number(due_day), cycle)
            for invoice_id, due_day, cycle in session.execute(effective_due_dates_select(org_id))}


# --- lookups of the use cases ---------------------------------------------------------------

def customer_by_code(session: Session, *, org_id: int, code: str) -> Customer | None:
    """The customer the business knows by `code`; else the one whose tax id it is, however
    written ("77.176.785-0" for 77176785-0), where only one customer has it."""
    found = session.scalars(select(Customer).where(Customer.org_id == org_id,
                                                   Customer.code == code)).first()
    if found is not None or not code.strip():
        return found
    same = list(session.scalars(select(Customer).where(
        Customer.org_id == org_id, Customer.tax_key == tax_key(code)).limit(2)))
    return same[0] if len(same) == 1 else None


def invoice_by_number(session: Session, *, org_id: int, number: str) -> Invoice | None:
    """The document with this number."""
    return session.scalars(select(Invoice).where(Invoice.org_id == org_id,
                                                 Invoice.number == number)).first()


def invoices_by_number(session: Session, *, org_id: int,
                       numbers: list[str]) -> dict[str, Invoice]:
    """The documents with these numbers, by number."""
    if not numbers:
        return {}
    return {i.number: i for i in session.scalars(select(Invoice).where(
        Invoice.org_id == org_id, Invoice.number.in_(numbers)))}


def open_by_currency(session: Session, *, org_id: int, customer_id: int) -> dict[str, int]:
    """What the customer still owes per currency (documents minus what settled them), in minor
    units; currencies with nothing open are left out."""
    settled = (select(Allocation.invoice_id, func.sum(Allocation.amount).label("settled"))
               .where(Allocation.org_id == org_id, Allocation.customer_id == customer_id)
               .group_by(Allocation.invoice_id).subquery())
    stmt = (select(Invoice.currency,
                   func.sum(Invoice.amount - func.coalesce(settled.c.settled, 0)))
            .outerjoin(settled, settled.c.invoice_id == Invoice.id)
            .where(Invoice.org_id == org_id, Invoice.customer_id == customer_id)
            .group_by(Invoice.currency))
    return {cur: int(total) for cur, total in session.execute(stmt) if total and total > 0}


def invoice_open(session: Session, *, invoice_id: int) -> int:
    """What is still open on one document, in minor units."""
    settled = (select(func.coalesce(func.sum(Allocation.amount), 0))
               .where(Allocation.invoice_id == invoice_id).scalar_subquery())
    return int(session.execute(select(Invoice.amount - settled)
                               .where(Invoice.id == invoice_id)).scalar_one())


def received_total(session: Session, *, org_id: int, customer_id: int, currency: str) -> int:
    """Everything the customer has paid or been credited in `currency` so far, in minor units."""
    paid = (select(func.coalesce(func.sum(Payment.amount), 0))
            .where(Payment.org_id == org_id, Payment.customer_id == customer_id,
                   Payment.currency == currency).scalar_subquery())
    credited = (select(func.coalesce(func.sum(CreditNote.amount), 0))
                .where(CreditNote.org_id == org_id, CreditNote.customer_id == customer_id,
                       CreditNote.currency == currency).scalar_subquery())
    return int(session.execute(select(paid + credited)).scalar_one())


def open_disputes(session: Session, *, org_id: int, invoice_ids: list[int]) -> dict[int, Dispute]:
    """The open dispute of each of these invoices that has one."""
    if not invoice_ids:
        return {}
    return {d.invoice_id: d for d in session.scalars(select(Dispute).where(
        Dispute.org_id == org_id, Dispute.invoice_id.in_(invoice_ids),
        Dispute.resolved_at.is_(None)))}


def dispute_by_id(session: Session, *, org_id: int,
                  dispute_id: int) -> tuple[Dispute, str] | None:
    """A dispute with the number of the invoice it is about."""
    row = session.execute(select(Dispute, Invoice.number)
                          .join(Invoice, Invoice.id == Dispute.invoice_id)
                          .where(Dispute.org_id == org_id, Dispute.id == dispute_id)).first()
    return None if row is None else (row[0], row[1])


def effective_due_date(session: Session, *, invoice: Invoice) -> tuple[date, int]:
    """An invoice's effective due date (its latest extension, else its own) and cycle."""
    row = session.execute(select(func.max(days(Extension.new_due_date)), func.count(Extension.id))
                          .where(Extension.invoice_id == invoice.id)).one()
    due_day, cycle = row
    return (invoice.due_date if due_day is None else from_day_number(due_day)), int(cycle)


def active_pauses(session: Session, *, org_id: int, customer_id: int, today: date) -> list[Pause]:
    """The customer's pauses in force today."""
    return list(session.scalars(select(Pause).where(
        Pause.org_id == org_id, Pause.customer_id == customer_id, Pause.lifted_at.is_(None),
        days(Pause.until) >= day_number(today)).order_by(Pause.id)))


def current_plans(session: Session, *, org_id: int, customer_id: int,
                  currency: str) -> list[PaymentPlan]:
    """The customer's current payment plans in `currency`."""
    return list(session.scalars(select(PaymentPlan).where(
        PaymentPlan.org_id == org_id, PaymentPlan.customer_id == customer_id,
        PaymentPlan.currency == currency, PaymentPlan.status == "current")))


def action_of(session: Session, *, org_id: int, action_id: int) -> CollectionAction | None:
    """A collection action of the organisation."""
    return session.scalars(select(CollectionAction).where(
        CollectionAction.org_id == org_id, CollectionAction.id == action_id)).first()


@dataclass(frozen=True, slots=True)
class PromiseRow:
    """A promise with its customer's code."""

    promise: Promise
    customer_code: str


def promises(session: Session, *, org_id: int, customer_id: int | None = None,
             status: str | None = None) -> list[PromiseRow]:
    """Promises, newest date last."""
    stmt = (select(Promise, Customer.code).join(Customer, Customer.id == Promise.customer_id)
            .where(Promise.org_id == org_id).order_by(Customer.code, Promise.promised_date,
                                                      Promise.id))
    if customer_id is not None:
        stmt = stmt.where(Promise.customer_id == customer_id)
    if status is not None:
        stmt = stmt.where(Promise.status == status)
    return [PromiseRow(p, code) for p, code in session.execute(stmt)]


@dataclass(frozen=True, slots=True)
class DisputeRow:
    """A dispute with its invoice number and customer code."""

    dispute: Dispute
    invoice_number: str
    customer_code: str


def disputes(session: Session, *, org_id: int, customer_id: int | None = None,
             include_resolved: bool = False) -> list[DisputeRow]:
    """Disputes in the order they were opened."""
    stmt = (select(Dispute, Invoice.number, Customer.code)
            .join(Invoice, Invoice.id == Dispute.invoice_id)
            .join(Customer, Customer.id == Dispute.customer_id)
            .where(Dispute.org_id == org_id).order_by(Dispute.opened_at, Dispute.id))
    if customer_id is not None:
        stmt = stmt.where(Dispute.customer_id == customer_id)
    if not include_resolved:
        stmt = stmt.where(Dispute.resolved_at.is_(None))
    return [DisputeRow(d, number, code) for d, number, code in session.execute(stmt)]



# --- the timeline and the API's actor ----------------------------------------------------------

def timeline_entries(session: Session, *, org_id: int, customer_id: int) -> list[ActivityEntry]:
    """A customer's timeline in order."""
    return list(session.scalars(select(ActivityEntry).where(
        ActivityEntry.org_id == org_id, ActivityEntry.customer_id == customer_id)
        .order_by(ActivityEntry.seq)))


def timeline_size(session: Session, *, org_id: int) -> tuple[int, int]:
    """How many entries the organisation's timelines hold, and in how many chains."""
    entries, chains = session.execute(select(
        func.count(ActivityEntry.id), func.count(func.distinct(ActivityEntry.customer_id)))
        .where(ActivityEntry.org_id == org_id)).one()
    return int(entries), int(chains)


def customer_codes(session: Session, *, org_id: int, ids: set[int]) -> dict[int, str]:
    """Customer codes by id."""
    if not ids:
        return {}
    return {cid: code for cid, code in session.execute(select(Customer.id, Customer.code).where(
        Customer.org_id == org_id, Customer.id.in_(sorted(ids))))}


def api_key_name(session: Session, *, prefix: str) -> str | None:
    """The name of the API key with this prefix."""
    return session.scalars(select(ApiKey.name).where(ApiKey.prefix == prefix)).first()
