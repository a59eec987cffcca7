"""The per-document loop of `bench.run`: planning a day the way ERPNext's and Invoice Ninja's
reminder jobs do it.

Load each invoice object with the ORM; query its allocations, its customer, its extensions, its
open disputes, the reminders already sent and the customer's promises, pauses and plans, one by
one; decide its step in Python; group the steps per customer as cobranza consolidates them.
Written from shared/DOMAIN.md and the issue, not from cobranza's planner, so it is a second,
independent check of the selection.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cobranza.db import session_factory
from cobranza.models import (
    Allocation,
    Customer,
    Dispute,
    DunningProgress,
    Extension,
    Invoice,
    Pause,
    PaymentPlan,
    Promise,
)

# (customer id, action kind, channel, currency, step code, (invoice number, cycle)..., amount)
Selected = tuple[int, str, str, str, str, tuple[tuple[str, int], ...], int]


@dataclass(frozen=True, slots=True)
class Ladder:
    """The strategy as the loop reads it."""

    steps: tuple[tuple[str, int, str], ...]  # (code, days from the due date, action), in order
    gated: frozenset[str]  # steps that wait for the previous one to have been done
    promise_grace_days: int  # an open promise protects its customer until its date plus this


def orm_loop(engine: Engine, *, org_id: int, today: date, ladder: Ladder,
             limit: int) -> tuple[float, int, set[int], list[Selected]]:
    """Time the invoice-by-invoice planning of about `limit` invoices (whole customers, in id
    order); return the seconds, the invoices covered, those customers and their actions."""
    with session_factory(engine)() as session:
        chosen = _first_customers(session, org_id=org_id, limit=limit)
    start = time.perf_counter()
    with session_factory(engine)() as session:
        found, covered = _orm_plan(session, org_id=org_id, customers=chosen, today=today,
                                   ladder=ladder)
    return time.perf_counter() - start, covered, chosen, found


def _first_customers(session: Session, *, org_id: int, limit: int) -> set[int]:
    """Customers in id order until together they hold at least `limit` invoices."""
    counts = session.execute(select(Invoice.customer_id, func.count())
                             .where(Invoice.org_id == org_id).group_by(Invoice.customer_id)
                             .order_by(Invoice.customer_id)).all()
    chosen: set[int] = set()
    total = 0
    for customer_id, count in counts:
        if total >= limit:
            break
        chosen.add(customer_id)
        total += count
    return chosen


def _orm_plan(session: Session, *, org_id: int, customers: set[int], today: date,
              ladder: Ladder) -> tuple[list[Selected], int]:
    """Per invoice: its allocations, customer, extensions, disputes and reminders by query."""
    invoices = session.scalars(
        select(Invoice).where(Invoice.org_id == org_id, Invoice.customer_id.in_(customers),
                              Invoice.issue_date <= today)
        .order_by(Invoice.customer_id, Invoice.id)).all()
    groups: dict[tuple[int, str, str, str], list[tuple[int, str, int, int]]] = {}
    for inv in invoices:
        allocations = session.scalars(select(Allocation).where(
            Allocation.org_id == org_id, Allocation.invoice_id == inv.id,
            Allocation.date <= today)).all()
        open_amount = inv.amount - sum(a.amount for a in allocations)
        if inv.kind != "invoice" or open_amount <= 0 or inv.handoff_id is not None:
            continue
        customer = session.scalars(select(Customer).where(Customer.id == inv.customer_id)).one()
        extensions = session.scalars(select(Extension).where(Extension.invoice_id == inv.id)).all()
        disputes = session.scalars(select(Dispute).where(Dispute.invoice_id == inv.id,
                                                         Dispute.resolved_at.is_(None))).all()
        sent = session.scalars(select(DunningProgress).where(
            DunningProgress.invoice_id == inv.id, DunningProgress.cycle == len(extensions))).all()
        if disputes or _held(session, customer, today, ladder.promise_grace_days):
            continue
        due = max([inv.due_date, *(e.new_due_date for e in extensions)])
        for position in _steps_due((today - due).days, {p.step_code: p for p in sent},
                                   ladder):
            _code, _offset, kind = ladder.steps[position]
            channel = _channel_of(customer, kind)
            groups.setdefault((customer.id, kind, channel, inv.currency), []).append(
                (position, inv.number, len(extensions), open_amount))
    found = [(cid, kind, channel, currency, ladder.steps[max(m[0] for m in members)][0],
              tuple(sorted((m[1], m[2]) for m in members)), sum(m[3] for m in members))
             for (cid, kind, channel, currency), members in groups.items()]
    return sorted(found), len(invoices)


def _held(session: Session, customer: Customer, today: date, grace_days: int) -> bool:
    """Whether collection must not reach this customer today (promise, pause, plan, opt-out)."""
    if customer.do_not_contact:
        return True
    promises = session.scalars(select(Promise).where(
        Promise.customer_id == customer.id, Promise.status == "open")).all()
    pauses = session.scalars(select(Pause).where(
        Pause.customer_id == customer.id, Pause.lifted_at.is_(None))).all()
    plans = session.scalars(select(PaymentPlan).where(
        PaymentPlan.customer_id == customer.id, PaymentPlan.status == "current")).all()
    return (any((today - p.promised_date).days <= grace_days for p in promises)
            or any(p.until >= today for p in pauses) or bool(plans))


def _steps_due(days_past_due: int, sent: dict[str, DunningProgress], ladder: Ladder) -> list[int]:
    """Positions due: the latest ladder step past the last one sent (a step that requires the
    previous waits for it to have been done), and each late fee not yet posted."""
    steps = ladder.steps
    last = max((i for i, (code, _o, action) in enumerate(steps)
                if code in sent and action != "fee"), default=-1)
    chosen = None
    for i, (code, offset, action) in enumerate(steps):
        if action == "fee" or i <= last or days_past_due < offset:
            continue
        if code in ladder.gated and not (
                (before := sent.get(steps[i - 1][0])) and before.status == "done"):
            continue
        chosen = i
    fees = [i for i, (code, offset, action) in enumerate(steps)
            if action == "fee" and code not in sent and days_past_due >= offset]
    return ([chosen] if chosen is not None else []) + fees


def _channel_of(customer: Customer, kind: str) -> str:
    if kind == "letter":
        return "letter"
    if kind == "call":
        return "call" if customer.phone or customer.whatsapp else "none"
    if kind != "message":
        return "none"
    address = {"email": customer.email, "sms": customer.phone,
               "whatsapp": customer.whatsapp or customer.phone}
    for channel in (customer.preferred_channel, "email", "whatsapp", "sms"):
        if channel in address and address[channel]:
            return channel
    return "none"
