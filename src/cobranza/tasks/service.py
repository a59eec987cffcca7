"""The collectors' work queue: call and visit tasks created by the daily run, and their outcomes.

Logging an outcome is where a call turns into the customer's collection state: a promise, a
dispute on the invoices the call was about, a bad phone number, or a call back later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from cobranza.accounts import repository
from cobranza.accounts.errors import InvalidInput, NotFound
from cobranza.accounts.service import open_disputes, record_promise
from cobranza.i18n import _
from cobranza.models import (
    BadContact,
    CollectionAction,
    CollectionTask,
    Customer,
    Organisation,
)
from cobranza.timeline.log import Event, append

OUTCOMES = ("reached", "no-answer", "wrong-number", "promise", "dispute", "callback")
STATUSES = ("open", "done", "all")


@dataclass(frozen=True, slots=True)
class TaskView:
    """A task as a collector sees it; `scheduled_at` is in the debtor's time zone."""

    id: int
    customer_code: str
    customer_name: str
    phone: str | None
    kind: str
    step: str
    scheduled_at: datetime
    collector: str | None
    status: str
    situation: str
    script: str
    invoices: list[str]
    amount: int
    currency: str

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of `cobranza tasks list --format json` and `GET /tasks`."""
        return {"id": self.id, "customer_id": self.customer_code, "kind": self.kind,
                "step": self.step,
                "scheduled_at": self.scheduled_at.isoformat(timespec="seconds"),
                "collector": self.collector, "status": self.status}


def _zone(customer_tz: str | None, org: Organisation) -> ZoneInfo:
    """The debtor's time zone, else the organisation's."""
    return ZoneInfo(customer_tz or org.timezone)


def _views(session: Session, org: Organisation, *conditions: ColumnElement[bool]
           ) -> list[TaskView]:
    stmt = (select(CollectionTask, CollectionAction, Customer)
            .join(CollectionAction, CollectionAction.id == CollectionTask.action_id)
            .join(Customer, Customer.id == CollectionTask.customer_id)
            .where(CollectionTask.org_id == org.id, *conditions)
            .order_by(CollectionAction.scheduled_at, CollectionTask.id))
    return [TaskView(task.id, customer.code, customer.name, customer.phone, task.kind,
                     action.step_code,
                     action.scheduled_at.astimezone(_zone(customer.timezone, org)),
                     task.collector, task.status, task.situation, task.script,
                     list(json.loads(action.invoice_numbers or "[]")), action.amount,
                     action.currency)
            for task, action, customer in session.execute(stmt)]


def list_tasks(session: Session, *, org: Organisation, collector: str | None = None,
               status: str = "open") -> list[TaskView]:
    """Tasks by scheduled time, one query; `status` is open, done or all."""
    if status not in STATUSES:
        raise InvalidInput("status", _("'{value}' is not a task status; expected {expected}",
                                       value=status, expected=", ".join(STATUSES)))
    conditions: list[ColumnElement[bool]] = []
    if status != "all":
        conditions.append(CollectionTask.status == status)
    if collector is not None:
        conditions.append(CollectionTask.collector == collector)
    return _views(session, org, *conditions)


def task_view(session: Session, *, org: Organisation, task_id: int) -> TaskView:
    """One task as a collector sees it."""
    found = _views(session, org, CollectionTask.id == task_id)
    if not found:
        raise NotFound("task", _("unknown task {value}", value=str(task_id)))
    return found[0]


def task_zone(session: Session, *, org: Organisation, task_id: int) -> str:
    """The time zone a task's times are read in: the debtor's, else the organisation's."""
    row = session.execute(select(Customer.timezone)
                          .join(CollectionTask, CollectionTask.customer_id == Customer.id)
                          .where(CollectionTask.org_id == org.id,
                                 CollectionTask.id == task_id)).first()
    if row is None:
        raise NotFound("task", _("unknown task {value}", value=str(task_id)))
    zone: str | None = row[0]
    return zone or org.timezone


@dataclass(frozen=True, slots=True)
class OutcomeDetails:
    """What an outcome needs besides its name."""

    promise_date: date | None = None
    amount: Decimal | None = None
    reason: str | None = None
    note: str | None = None
    at: datetime | None = None


def _task(session: Session, org: Organisation,
          task_id: int) -> tuple[CollectionTask, CollectionAction, Customer]:
    row = session.execute(
        select(CollectionTask, CollectionAction, Customer)
        .join(CollectionAction, CollectionAction.id == CollectionTask.action_id)
        .join(Customer, Customer.id == CollectionTask.customer_id)
        .where(CollectionTask.org_id == org.id, CollectionTask.id == task_id)).first()
    if row is None:
        raise NotFound("task", _("unknown task {value}", value=str(task_id)))
    task, action, customer = row
    if task.status != "open":
        raise InvalidInput("task", _("task {value} is already {status}", value=str(task_id),
                                     status=task.status))
    return task, action, customer


def _promise(session: Session, org: Organisation, now: datetime, actor: str,
             customer: Customer, action: CollectionAction,
             details: OutcomeDetails) -> dict[str, Any]:
    if details.promise_date is None:
        raise InvalidInput("promise_date", _("a promise needs its date"))
    if details.amount is None:
        raise InvalidInput("amount", _("a promise needs its amount"))
    try:
        promise = record_promise(session, org=org, now=now, actor=actor,
                                 customer_code=customer.code, promised_date=details.promise_date,
                                 amount=details.amount, currency=action.currency,
                                 taken_by=actor, note=details.note)
    except InvalidInput as error:
        # The promise takes the task's currency: a refusal about it concerns the task itself.
        field = {"date": "promise_date", "currency": "task"}.get(error.field, error.field)
        raise InvalidInput(field, error.message) from None
    return {"promise_id": promise.id}


def _dispute(session: Session, org: Organisation, now: datetime, actor: str,
             action: CollectionAction, details: OutcomeDetails) -> dict[str, Any]:
    if not (details.reason or "").strip():
        raise InvalidInput("reason", _("a dispute needs its reason"))
    numbers = list(json.loads(action.invoice_numbers or "[]"))
    invoices = repository.invoices_by_number(session, org_id=org.id, numbers=numbers)
    opened = open_disputes(session, org=org, now=now, actor=actor,
                           invoices=[invoices[n] for n in numbers if n in invoices],
                           reason=details.reason or "", note=details.note, opened_by=actor)
    return {"dispute_ids": [d.id for d in opened]}


def _wrong_number(session: Session, org: Organisation, now: datetime, customer: Customer,
                  action: CollectionAction, details: OutcomeDetails) -> dict[str, Any]:
    number = action.contact or customer.phone
    if number:
        session.add(BadContact(org_id=org.id, customer_id=customer.id, channel="call",
                               address=number, reason=details.note or "wrong number", at=now))
    return {"bad_contact": number}


def _callback(org: Organisation, now: datetime, customer: Customer, action: CollectionAction,
              details: OutcomeDetails) -> dict[str, Any]:
    if details.at is None:
        raise InvalidInput("at", _("a call back needs the time to call, e.g. "
                                   "2026-03-10T10:00"))
    if details.at <= now:
        zone = _zone(customer.timezone, org)
        raise InvalidInput("at", _("{value} is not in the future",
                                   value=details.at.astimezone(zone).isoformat(
                                       timespec="minutes")))
    action.scheduled_at = details.at
    action.updated_at = now
    return {"at": details.at.astimezone(_zone(customer.timezone, org))
            .isoformat(timespec="seconds")}


def log_outcome(session: Session, *, org: Organisation, now: datetime, actor: str, task_id: int,
                outcome: str, promise_date: date | None = None, amount: Decimal | None = None,
                reason: str | None = None, note: str | None = None,
                at: datetime | None = None) -> CollectionTask:
    """Record how a call or visit went.

    `promise` records a promise (`promise_date` and `amount` required, in the task's currency);
    `dispute` opens disputes on the task's invoices (`reason` required, `note` kept with them);
    `wrong-number` marks the number called bad; `callback` keeps the task open and moves it to
    `at`. Every other outcome closes the task and its action.
    """
    details = OutcomeDetails(promise_date=promise_date, amount=amount, reason=reason, note=note,
                             at=at)
    if outcome not in OUTCOMES:
        raise InvalidInput("outcome", _("'{value}' is not an outcome; expected one of "
                                        "{expected}", value=outcome,
                                        expected=", ".join(OUTCOMES)))
    task, action, customer = _task(session, org, task_id)
    extra: dict[str, Any] = {}
    if outcome == "promise":
        extra = _promise(session, org, now, actor, customer, action, details)
    elif outcome == "dispute":
        extra = _dispute(session, org, now, actor, action, details)
    elif outcome == "wrong-number":
        extra = _wrong_number(session, org, now, customer, action, details)
    elif outcome == "callback":
        extra = _callback(org, now, customer, action, details)
    task.outcome = outcome
    task.note = (details.note or "").strip() or task.note
    if outcome != "callback":
        task.status = "done"
        task.done_at = now
        task.done_by = actor
        action.status = "done"
        action.updated_at = now
    append(session, org_id=org.id, events=[Event(customer.id, now, "call_logged", actor, {
        "task_id": task.id, "kind": task.kind, "outcome": outcome, "note": task.note,
        "invoices": list(json.loads(action.invoice_numbers or "[]")), **extra})])
    return task
