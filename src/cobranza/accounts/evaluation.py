"""Set-based evaluation of promises and payment plans against what came in, for the daily run.

Each evaluation is one SELECT over every open promise (or current plan) of the organisation,
with what each customer paid computed in the same statement, one bulk UPDATE of the rows that
changed, and one batch of timeline events: never a query per customer (CONVENTIONS.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, ScalarSelect, and_, case, func, or_, select, union_all, update
from sqlalchemy.orm import Session

from cobranza.accounts.repository import PROMISE_GRACE_DAYS, days
from cobranza.core.money import minor_to_str
from cobranza.models import CreditNote, Customer, Organisation, Payment, PaymentPlan, Promise
from cobranza.models.base import day_number, from_day_number
from cobranza.timeline.log import Event, append


@dataclass(frozen=True, slots=True)
class PromiseChange:
    """A promise the evaluation found kept or broken."""

    promise_id: int
    customer_id: int
    status: str  # kept|broken
    promised_date: date
    amount: int  # minor units
    paid_since: int  # paid or credited since the promise was taken, up to its deadline
    currency: str


def _received_through(model: type[Payment] | type[CreditNote],
                      through: ColumnElement[int]) -> ScalarSelect[int]:
    """What a promise's customer paid (or was credited) in its currency on or before `through`."""
    return (select(func.coalesce(func.sum(model.amount), 0))
            .where(model.org_id == Promise.org_id, model.customer_id == Promise.customer_id,
                   model.currency == Promise.currency, days(model.date) <= through)
            .correlate(Promise).scalar_subquery())


def evaluate_promises(session: Session, *, org: Organisation, now: datetime, today: date,
                      tolerance_days: int = PROMISE_GRACE_DAYS,
                      actor: str = "run") -> list[PromiseChange]:
    """Mark open promises kept or broken, set-based.

    Kept: what was paid or credited in the promise's currency since it was taken (the total
    received on or before its date plus the tolerance, minus `paid_before`) reaches the amount.
    Broken: not kept by its date plus `tolerance_days` (issue 3, item 7); `resolved_at` = now.
    """
    t = day_number(today)
    deadline = days(Promise.promised_date) + tolerance_days
    through = case((deadline < t, deadline), else_=t)
    since = (_received_through(Payment, through) + _received_through(CreditNote, through)
             - Promise.paid_before)
    open_ = (select(Promise.id, Promise.customer_id, Promise.promised_date, Promise.amount,
                    Promise.currency, since.label("since"), deadline.label("deadline"))
             .where(Promise.org_id == org.id, Promise.status == "open").subquery())
    rows = session.execute(select(open_).where(or_(open_.c.since >= open_.c.amount,
                                                   open_.c.deadline < t))).all()
    changes = [PromiseChange(r.id, r.customer_id, "kept" if r.since >= r.amount else "broken",
                             r.promised_date, r.amount, int(r.since), r.currency) for r in rows]
    if changes:
        session.execute(update(Promise), [{"id": c.promise_id, "status": c.status,
                                           "resolved_at": now} for c in changes])
    append(session, org_id=org.id, events=[Event(c.customer_id, now, "promise", actor, {
        "event": c.status, "promise_id": c.promise_id, "date": c.promised_date.isoformat(),
        "amount": minor_to_str(c.amount, c.currency), "currency": c.currency,
        "paid_since": minor_to_str(c.paid_since, c.currency)}) for c in changes])
    return changes


def promise_kept_rate(session: Session, *, org_id: int) -> dict[str, tuple[int, int, Decimal]]:
    """Per customer code with resolved promises: (kept, broken, kept ÷ (kept + broken)), the rate
    a fraction rounded half-up to 4 places; one query."""
    kept = func.sum(case((Promise.status == "kept", 1), else_=0))
    broken = func.sum(case((Promise.status == "broken", 1), else_=0))
    stmt = (select(Customer.code, kept, broken).join(Customer, Customer.id == Promise.customer_id)
            .where(Promise.org_id == org_id, Promise.status.in_(("kept", "broken")))
            .group_by(Customer.code))
    return {code: (int(k), int(b), (Decimal(int(k)) / Decimal(int(k) + int(b)))
                   .quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
            for code, k, b in session.execute(stmt)}


# --- payment plans ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PlanChange:
    """A payment plan the evaluation found completed or defaulted."""

    plan_id: int
    customer_id: int
    status: str  # completed|defaulted
    paid: int  # paid or credited since the plan was agreed (minor units)
    missed: date | None  # the instalment not paid in time, for a defaulted plan
    currency: str


def plan_status(*, schedule: Sequence[tuple[int, int]], received: Sequence[tuple[int, int]],
                agreed_day: int, today_day: int, tolerance_days: int) -> tuple[str, int, int | None]:
    """Where a plan stands: (`current`|`completed`|`defaulted`, paid since agreed, missed day).

    `schedule` and `received` are (day number, minor units). Money counts toward the plan from
    the day it was agreed. The plan is completed once that reaches its total, and defaulted when
    an instalment is more than `tolerance_days` past its date without the cumulative amount due
    by then having come in.
    """
    def paid_through(day: int) -> int:
        return sum(amount for d, amount in received if agreed_day <= d <= day)

    paid = paid_through(today_day)
    if paid >= sum(amount for _d, amount in schedule):
        return "completed", paid, None
    due = 0
    for day, amount in schedule:
        due += amount
        if day + tolerance_days < today_day and paid_through(day + tolerance_days) < due:
            return "defaulted", paid, day
    return "current", paid, None


def _received_by_day(session: Session, org_id: int,
                     today_day: int) -> dict[tuple[int, str], list[tuple[int, int]]]:
    """Daily amounts paid or credited by customers with a current plan, in its currency."""
    planned = (select(PaymentPlan.customer_id, PaymentPlan.currency)
               .where(PaymentPlan.org_id == org_id, PaymentPlan.status == "current")
               .distinct().subquery())
    money = union_all(*[select(m.customer_id, m.currency, days(m.date).label("day"),
                               m.amount.label("amount")).where(m.org_id == org_id)
                        for m in (Payment, CreditNote)]).subquery()
    stmt = (select(money.c.customer_id, money.c.currency, money.c.day, func.sum(money.c.amount))
            .join(planned, and_(planned.c.customer_id == money.c.customer_id,
                                planned.c.currency == money.c.currency))
            .where(money.c.day <= today_day)
            .group_by(money.c.customer_id, money.c.currency, money.c.day))
    found: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for customer_id, currency, day, amount in session.execute(stmt):
        found[(customer_id, currency)].append((int(day), int(amount)))
    return found


def evaluate_payment_plans(session: Session, *, org: Organisation, now: datetime, today: date,
                           tolerance_days: int = PROMISE_GRACE_DAYS,
                           actor: str = "run") -> list[PlanChange]:
    """Mark current plans completed or defaulted (see `plan_status`), set-based: one read of the
    plans, one of the money received, one bulk UPDATE, one batch of timeline events."""
    zone = ZoneInfo(org.timezone)
    t = day_number(today)
    plans = session.execute(select(PaymentPlan.id, PaymentPlan.customer_id, PaymentPlan.currency,
                                   PaymentPlan.instalments, PaymentPlan.created_at)
                            .where(PaymentPlan.org_id == org.id,
                                   PaymentPlan.status == "current")).all()
    received = _received_by_day(session, org.id, t) if plans else {}
    changes: list[PlanChange] = []
    for plan in plans:
        schedule = [(int(d), int(m)) for d, m in json.loads(plan.instalments)]
        status, paid, missed = plan_status(
            schedule=schedule, received=received.get((plan.customer_id, plan.currency), []),
            agreed_day=day_number(plan.created_at.astimezone(zone).date()), today_day=t,
            tolerance_days=tolerance_days)
        if status != "current":
            changes.append(PlanChange(plan.id, plan.customer_id, status, paid,
                                      None if missed is None else from_day_number(missed),
                                      plan.currency))
    if changes:
        session.execute(update(PaymentPlan), [{"id": c.plan_id, "status": c.status}
                                              for c in changes])
    append(session, org_id=org.id, events=[Event(c.customer_id, now, "payment_plan", actor, {
        "event": c.status, "plan_id": c.plan_id, "currency": c.currency,
        "paid": minor_to_str(c.paid, c.currency),
        "missed": None if c.missed is None else c.missed.isoformat()}) for c in changes])
    return changes
