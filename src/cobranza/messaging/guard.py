"""Whether a claimed action may still reach the debtor now, checked a whole batch at a time.

The daily run decided to contact a customer; by the time the worker sends, a payment, dispute,
promise, pause, do-not-contact request or agency hand-off may have arrived (shared/DOMAIN.md,
"Contact rules": the debtor's opt-outs, a dispute or a cease request stop contact outright). So
each batch is checked again just before sending, with one query per table for the whole batch:

- every invoice of the action paid (open <= 0 as of today), disputed or handed off: cancelled;
- the customer asked not to be contacted, is paused, has an open promise or a current payment
  plan: cancelled (contact actions only: a webhook to the organisation's own systems is not
  contact with the debtor);
- the contact rules (hours, holidays, legal windows, frequency caps) allow it only later:
  deferred to that moment, with the rule that moved it (`cobranza.dunning.schedule.allowed_at`).

An open promise blocks until the daily run marks it kept or broken (after its date plus the
tolerance); the run owns that decision.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from cobranza.dunning.schedule import allowed_at
from cobranza.i18n import _
from cobranza.models import (
    Allocation,
    CollectionAction,
    Customer,
    Dispute,
    Invoice,
    Organisation,
    Pause,
    PaymentPlan,
    Promise,
)
from cobranza.timeline.log import Event, append

log = logging.getLogger(__name__)
CONTACT_ACTIONS = frozenset({"message", "letter"})
_CHUNK = 500
T = TypeVar("T")
ACTIONS = cast(Table, CollectionAction.__table__)


@dataclass(frozen=True, slots=True)
class InvoiceState:
    """One invoice as it stands today: its open amount and whether collection of it stopped."""

    id: int
    number: str
    customer_id: int
    currency: str
    amount: int
    open: int
    issue_date: date
    due_date: date
    disputed: bool
    handed_off: bool

    @property
    def live(self) -> bool:
        """Still to be collected: something open, no open dispute, not with an agency."""
        return self.open > 0 and not self.disputed and not self.handed_off


@dataclass
class GuardOutcome:
    """What the check decided for a batch: ids to send, and why the others were held back."""

    ready: list[int] = field(default_factory=list)
    cancelled: dict[int, str] = field(default_factory=dict)
    deferred: dict[int, tuple[datetime, str]] = field(default_factory=dict)


def local_today(now: datetime, timezone: str) -> date:
    """The calendar day `now` falls on in `timezone`."""
    return now.astimezone(ZoneInfo(timezone)).date()


def numbers_of(action: CollectionAction) -> list[str]:
    """The invoice numbers an action covers (stored as a JSON list)."""
    value = json.loads(action.invoice_numbers or "[]")
    return [str(n) for n in value] if isinstance(value, list) else []


def _chunks(values: Sequence[T]) -> Iterable[list[T]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start:start + _CHUNK])


def invoice_states(session: Session, *, org_id: int, numbers: Iterable[str],
                   as_of: date) -> dict[str, InvoiceState]:
    """The named invoices with their open amount as of `as_of` (DOMAIN.md, balances)."""
    wanted = sorted(set(numbers))
    states: dict[str, InvoiceState] = {}
    paid = (select(func.coalesce(func.sum(Allocation.amount), 0))
            .where(Allocation.org_id == org_id, Allocation.invoice_id == Invoice.id,
                   Allocation.date <= as_of).scalar_subquery())
    disputed = exists().where(Dispute.org_id == org_id, Dispute.invoice_id == Invoice.id,
                              Dispute.resolved_at.is_(None))
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(Invoice.id, Invoice.number, Invoice.customer_id, Invoice.currency,
                   Invoice.amount, paid, Invoice.issue_date, Invoice.due_date, disputed,
                   Invoice.handoff_id)
            .where(Invoice.org_id == org_id, Invoice.number.in_(chunk)))
        for (iid, number, cid, cur, amount, done, issued, due, dispute, handoff) in rows:
            states[number] = InvoiceState(iid, number, cid, cur, amount, amount - int(done),
                                          issued, due, bool(dispute), handoff is not None)
    return states


def customer_stops(session: Session, *, org_id: int, customer_ids: Iterable[int],
                   today: date) -> dict[int, str]:
    """Customers who must not be contacted today, with the reason (one query per table)."""
    ids = sorted(set(customer_ids))
    stops: dict[int, str] = {}
    for chunk in _chunks(ids):
        for cid, reason in session.execute(select(Customer.id, Customer.do_not_contact_reason)
                                           .where(Customer.id.in_(chunk),
                                                  Customer.do_not_contact.is_(True))):
            stops[cid] = _("the customer asked not to be contacted: {reason}",
                           reason=reason or "-")
        for cid, until, reason in session.execute(
                select(Pause.customer_id, Pause.until, Pause.reason).where(
                    Pause.org_id == org_id, Pause.customer_id.in_(chunk),
                    Pause.lifted_at.is_(None), Pause.until >= today)):
            stops.setdefault(cid, _("collection is paused until {until}: {reason}",
                                    until=until.isoformat(), reason=reason))
        for cid, promised in session.execute(
                select(Promise.customer_id, Promise.promised_date).where(
                    Promise.org_id == org_id, Promise.customer_id.in_(chunk),
                    Promise.status == "open")):
            stops.setdefault(cid, _("the customer promised to pay by {date}",
                                    date=promised.isoformat()))
        for (cid,) in session.execute(select(PaymentPlan.customer_id).where(
                PaymentPlan.org_id == org_id, PaymentPlan.customer_id.in_(chunk),
                PaymentPlan.status == "current")):
            stops.setdefault(cid, _("the customer is on a current payment plan"))
    return stops


def _invoice_stop(numbers: list[str], states: dict[str, InvoiceState]) -> str | None:
    """Why none of the action's invoices is still to be collected, or None."""
    found = [states[n] for n in numbers if n in states]
    if any(state.live for state in found):
        return None
    if found and all(state.open <= 0 for state in found):
        return _("every invoice of this action is paid")
    if any(state.disputed for state in found):
        return _("the invoices of this action are paid or disputed")
    if any(state.handed_off for state in found):
        return _("the invoices of this action were handed to a collection agency")
    return _("none of the invoices of this action is still open")


def guard(session: Session, *, ids: Sequence[int], now: datetime) -> GuardOutcome:
    """Cancel or defer what may not be sent now; the ids that may, in `ready`."""
    outcome = GuardOutcome()
    if not ids:
        return outcome
    actions = list(session.scalars(select(CollectionAction).where(CollectionAction.id.in_(ids))
                                   .order_by(CollectionAction.id)))
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_({a.org_id for a in actions})))}
    for org_id, org in orgs.items():
        mine = [a for a in actions if a.org_id == org_id]
        today = local_today(now, org.timezone)
        states = invoice_states(session, org_id=org_id, as_of=today,
                                numbers=[n for a in mine for n in numbers_of(a)])
        stops = customer_stops(session, org_id=org_id, today=today,
                               customer_ids=[a.customer_id for a in mine
                                             if a.action in CONTACT_ACTIONS])
        for action in mine:
            reason = _invoice_stop(numbers_of(action), states)
            if reason is None and action.action in CONTACT_ACTIONS:
                reason = stops.get(action.customer_id)
            if reason is not None:
                outcome.cancelled[action.id] = reason
            else:
                outcome.ready.append(action.id)
    _defer(session, outcome=outcome, actions=actions, now=now)
    _apply(session, outcome=outcome, actions=actions, now=now)
    return outcome


def _defer(session: Session, *, outcome: GuardOutcome, actions: list[CollectionAction],
           now: datetime) -> None:
    contact = {a.id for a in actions if a.action in CONTACT_ACTIONS}
    ready: list[int] = []
    for action_id in outcome.ready:
        if action_id in contact:
            when, rule = allowed_at(session, action_id=action_id, now=now)
            if when > now:
                outcome.deferred[action_id] = (when, rule or "contact_rules")
                continue
        ready.append(action_id)
    outcome.ready = ready


def _apply(session: Session, *, outcome: GuardOutcome, actions: list[CollectionAction],
           now: datetime) -> None:
    """Write the decisions: cancelled rows with their reason, deferred rows queued again."""
    attempts = {a.id: a.attempts for a in actions}
    held = update(ACTIONS).where(ACTIONS.c.id == bindparam("row_id"),
                                 ACTIONS.c.status == "sending")
    if outcome.cancelled:
        session.execute(held.values(status="cancelled", reason=bindparam("why"),
                                    lease_until=None, updated_at=now),
                        [{"row_id": i, "why": r} for i, r in outcome.cancelled.items()])
    if outcome.deferred:
        # A deferral is not an attempt: give back the one the claim counted.
        session.execute(held.values(status="queued", scheduled_at=bindparam("when"),
                                    deferred_by=bindparam("rule"), reason=bindparam("why"),
                                    lease_until=None, next_attempt_at=None,
                                    attempts=bindparam("tries"), updated_at=now),
                        [{"row_id": i, "when": when, "rule": rule, "tries": attempts[i] - 1,
                          "why": _("deferred by the contact rules ({rule})", rule=rule)}
                         for i, (when, rule) in outcome.deferred.items()])
    by_org: dict[int, list[Event]] = {}
    for action in actions:
        if action.id in outcome.cancelled:
            by_org.setdefault(action.org_id, []).append(Event(
                action.customer_id, now, "message_cancelled", "worker",
                {"action_id": action.id, "key": action.key, "channel": action.channel,
                 "step": action.step_code, "reason": outcome.cancelled[action.id]}))
    for org_id, events in by_org.items():
        append(session, org_id=org_id, events=events)
    if outcome.cancelled or outcome.deferred:
        log.info("held back %d cancelled, %d deferred", len(outcome.cancelled),
                 len(outcome.deferred))
