"""Use cases of the customer's collection state: promises, disputes, pauses, extensions, payment
plans, do-not-contact and the satisfaction answer (issue 3, item 7).

Each takes the session, the organisation, `now` and the actor's name, checks the user's input
(refusing with `InvalidInput`, located at the field, before anything is written), persists, and
appends what happened to the customer's timeline. None of them commits.
The set-based evaluations the daily run calls live in `cobranza.accounts.evaluation`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from cobranza.accounts import repository
from cobranza.accounts.errors import InvalidInput, NotFound
from cobranza.accounts.evaluation import (
    evaluate_payment_plans,
    evaluate_promises,
    promise_kept_rate,
)
from cobranza.core.money import fits_currency, is_currency, minor_to_str, to_minor
from cobranza.i18n import _
from cobranza.models import (
    Customer,
    Dispute,
    Extension,
    Invoice,
    Organisation,
    Pause,
    PaymentPlan,
    Promise,
    SatisfactionAnswer,
)
from cobranza.models.base import day_number
from cobranza.timeline.log import Event, append

__all__ = [
    "DISPUTE_REASONS", "dispute_reason_label", "evaluate_payment_plans", "evaluate_promises",
    "grant_extension", "lift_pause", "list_disputes", "list_promises", "local_today",
    "open_dispute", "open_disputes", "parse_score", "pause", "promise_kept_rate",
    "record_payment_plan", "record_promise", "record_satisfaction", "resolve_dispute",
    "set_do_not_contact",
]

DISPUTE_REASONS = ("not_received", "wrong_amount", "quality", "service", "already_paid", "other")


def dispute_reason_label(code: str) -> str:
    """A dispute reason code in the reader's language."""
    labels = {"not_received": _("not received"), "wrong_amount": _("wrong amount"),
              "quality": _("quality"), "service": _("service"),
              "already_paid": _("already paid"), "other": _("other")}
    return labels.get(code, code)


def local_today(org: Organisation, now: datetime) -> date:
    """The organisation's calendar day at `now` (DOMAIN.md: days end in the org's time zone)."""
    return now.astimezone(ZoneInfo(org.timezone)).date()


def _log(session: Session, org: Organisation, customer_id: int, now: datetime, actor: str,
         kind: str, payload: Mapping[str, Any]) -> None:
    append(session, org_id=org.id, events=[Event(customer_id, now, kind, actor, payload)])


def _customer(session: Session, org: Organisation, code: str) -> Customer:
    customer = repository.customer_by_code(session, org_id=org.id, code=code)
    if customer is None:
        raise NotFound("customer", _("unknown customer '{value}'", value=code))
    return customer


def _invoice(session: Session, org: Organisation, number: str) -> Invoice:
    invoice = repository.invoice_by_number(session, org_id=org.id, number=number)
    if invoice is None:
        raise NotFound("invoice", _("unknown invoice '{value}'", value=number))
    return invoice


def _who(by: str | None, actor: str) -> str:
    """Who did it: the person named, else the actor recording it."""
    return (by or "").strip() or actor


def _required(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, _("missing value; this is required"))
    return text


def _owed_currency(session: Session, org: Organisation, customer: Customer,
                   currency: str | None) -> str:
    """The currency the customer owes in: the one named, else the only one with open documents."""
    owed = repository.open_by_currency(session, org_id=org.id, customer_id=customer.id)
    if currency is None or not currency.strip():
        if len(owed) == 1:
            return next(iter(owed))
        if not owed:
            raise InvalidInput("customer", _("{customer} has no open documents",
                                             customer=customer.code))
        raise InvalidInput("currency", _("{customer} owes in {currencies}; say which currency",
                                         customer=customer.code,
                                         currencies=", ".join(sorted(owed))))
    code = currency.strip().upper()
    if not is_currency(code):
        raise InvalidInput("currency", _("unknown currency '{value}'; expected an ISO 4217 code "
                                         "such as CLP, MXN or USD", value=currency))
    if code not in owed:
        raise InvalidInput("currency", _("{customer} has no open documents in {currency}",
                                         customer=customer.code, currency=code))
    return code


def _minor(amount: Decimal, currency: str, field: str) -> int:
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(field, _("'{value}' is not a positive amount", value=str(amount)))
    if not fits_currency(amount, currency):
        raise InvalidInput(field, _("'{value}' has more decimals than {currency} allows",
                                    value=str(amount), currency=currency))
    return to_minor(amount, currency)


def _not_past(day: date, today: date, field: str) -> None:
    if day < today:
        raise InvalidInput(field, _("{value} is in the past; expected today ({today}) or later",
                                    value=day.isoformat(), today=today.isoformat()))


# --- promises ---------------------------------------------------------------------------------

def record_promise(session: Session, *, org: Organisation, now: datetime, actor: str,
                   customer_code: str, promised_date: date, amount: Decimal,
                   currency: str | None = None, taken_by: str | None = None,
                   note: str | None = None) -> Promise:
    """Record a promise to pay `amount` by `promised_date`.

    `paid_before` keeps what the customer had paid or been credited in the currency so far, so
    the promise is kept once what comes in after it reaches the amount.
    """
    customer = _customer(session, org, customer_code)
    _not_past(promised_date, local_today(org, now), "date")
    cur = _owed_currency(session, org, customer, currency)
    minor = _minor(amount, cur, "amount")
    promise = Promise(org_id=org.id, customer_id=customer.id, promised_date=promised_date,
                      amount=minor, currency=cur, taken_by=_who(taken_by, actor),
                      note=(note or "").strip() or None, status="open",
                      paid_before=repository.received_total(session, org_id=org.id,
                                                            customer_id=customer.id,
                                                            currency=cur),
                      created_at=now)
    session.add(promise)
    session.flush()
    _log(session, org, customer.id, now, actor, "promise", {
        "event": "taken", "promise_id": promise.id, "date": promised_date.isoformat(),
        "amount": minor_to_str(minor, cur), "currency": cur, "taken_by": promise.taken_by,
        "note": promise.note})
    return promise


def list_promises(session: Session, *, org: Organisation, customer_code: str | None = None,
                  status: str | None = None) -> list[repository.PromiseRow]:
    """The organisation's promises (or one customer's), by customer and date."""
    customer_id = None if customer_code is None else _customer(session, org, customer_code).id
    return repository.promises(session, org_id=org.id, customer_id=customer_id, status=status)


# --- disputes ---------------------------------------------------------------------------------

def _reason_code(reason: str | None) -> str:
    code = (reason or "").strip().lower().replace("-", "_")
    if code not in DISPUTE_REASONS:
        raise InvalidInput("reason", _("'{value}' is not a dispute reason; expected one of "
                                       "{expected}", value=reason or "",
                                       expected=", ".join(DISPUTE_REASONS)))
    return code


def open_disputes(session: Session, *, org: Organisation, now: datetime, actor: str,
                  invoices: Sequence[Invoice], reason: str, note: str | None = None,
                  opened_by: str | None = None) -> list[Dispute]:
    """Open a dispute on each of these invoices that has none open (the others are left as they
    are); one timeline event per dispute."""
    code = _reason_code(reason)
    already = repository.open_disputes(session, org_id=org.id,
                                       invoice_ids=[i.id for i in invoices])
    opened = [Dispute(org_id=org.id, customer_id=i.customer_id, invoice_id=i.id, reason=code,
                      note=(note or "").strip() or None, opened_by=_who(opened_by, actor),
                      opened_at=now) for i in invoices if i.id not in already]
    session.add_all(opened)
    session.flush()
    numbers = {i.id: i.number for i in invoices}
    append(session, org_id=org.id, events=[Event(d.customer_id, now, "dispute", actor, {
        "event": "opened", "dispute_id": d.id, "invoice": numbers[d.invoice_id],
        "reason": d.reason, "note": d.note, "by": d.opened_by}) for d in opened])
    return opened


def open_dispute(session: Session, *, org: Organisation, now: datetime, actor: str,
                 invoice_number: str, reason: str, note: str | None = None,
                 opened_by: str | None = None) -> Dispute:
    """Open a dispute on an invoice: its collection stops until the dispute is resolved.

    An invoice has at most one open dispute at a time.
    """
    invoice = _invoice(session, org, invoice_number)
    code = _reason_code(reason)
    if repository.open_disputes(session, org_id=org.id, invoice_ids=[invoice.id]):
        raise InvalidInput("invoice", _("invoice {number} already has an open dispute",
                                        number=invoice.number))
    return open_disputes(session, org=org, now=now, actor=actor, invoices=[invoice],
                         reason=code, note=note, opened_by=opened_by)[0]


def resolve_dispute(session: Session, *, org: Organisation, now: datetime, actor: str,
                    invoice_number: str, resolution: str,
                    resolved_by: str | None = None) -> Dispute:
    """Resolve the open dispute of an invoice; its collection resumes."""
    invoice = _invoice(session, org, invoice_number)
    text = _required(resolution, "resolution")
    found = repository.open_disputes(session, org_id=org.id, invoice_ids=[invoice.id])
    if not found:
        raise InvalidInput("invoice", _("invoice {number} has no open dispute",
                                        number=invoice.number))
    dispute = found[invoice.id]
    dispute.resolved_at = now
    dispute.resolved_by = _who(resolved_by, actor)
    dispute.resolution = text
    _log(session, org, invoice.customer_id, now, actor, "dispute", {
        "event": "resolved", "dispute_id": dispute.id, "invoice": invoice.number,
        "resolution": text, "by": dispute.resolved_by})
    return dispute


def list_disputes(session: Session, *, org: Organisation, customer_code: str | None = None,
                  include_resolved: bool = False) -> list[repository.DisputeRow]:
    """Open disputes (or all), in the order they were opened."""
    customer_id = None if customer_code is None else _customer(session, org, customer_code).id
    return repository.disputes(session, org_id=org.id, customer_id=customer_id,
                               include_resolved=include_resolved)


# --- pauses -----------------------------------------------------------------------------------

def pause(session: Session, *, org: Organisation, now: datetime, actor: str,
          customer_code: str, reason: str, until: date, created_by: str | None = None) -> Pause:
    """Pause collection of a customer until a date (inclusive), with a reason.

    A new pause replaces the one in force, which is lifted.
    """
    customer = _customer(session, org, customer_code)
    text = _required(reason, "reason")
    today = local_today(org, now)
    if until <= today:
        raise InvalidInput("until", _("{value} is not in the future; a pause ends after today "
                                      "({today})", value=until.isoformat(),
                                      today=today.isoformat()))
    replaced = repository.active_pauses(session, org_id=org.id, customer_id=customer.id,
                                        today=today)
    for old in replaced:
        old.lifted_at = now
    row = Pause(org_id=org.id, customer_id=customer.id, reason=text, until=until,
                created_by=_who(created_by, actor), created_at=now)
    session.add(row)
    session.flush()
    _log(session, org, customer.id, now, actor, "pause", {
        "event": "paused", "pause_id": row.id, "until": until.isoformat(), "reason": text,
        "by": row.created_by, "replaces": [p.id for p in replaced]})
    return row


def lift_pause(session: Session, *, org: Organisation, now: datetime, actor: str,
               customer_code: str) -> list[Pause]:
    """End the customer's pause now; collection resumes."""
    customer = _customer(session, org, customer_code)
    active = repository.active_pauses(session, org_id=org.id, customer_id=customer.id,
                                      today=local_today(org, now))
    if not active:
        raise InvalidInput("customer", _("{customer} is not paused", customer=customer.code))
    for row in active:
        row.lifted_at = now
    _log(session, org, customer.id, now, actor, "pause", {
        "event": "lifted", "pause_ids": [p.id for p in active]})
    return active


# --- extensions -------------------------------------------------------------------------------

def grant_extension(session: Session, *, org: Organisation, now: datetime, actor: str,
                    invoice_number: str, new_due_date: date, reason: str,
                    granted_by: str | None = None) -> Extension:
    """Give an open invoice a later due date; its collection restarts from it as a new cycle.

    The new date must be after the invoice's effective due date (its latest extension, else its
    own) and not in the past.
    """
    invoice = _invoice(session, org, invoice_number)
    text = _required(reason, "reason")
    if repository.invoice_open(session, invoice_id=invoice.id) <= 0:
        raise InvalidInput("invoice", _("invoice {number} is paid; there is nothing to extend",
                                        number=invoice.number))
    current, cycle = repository.effective_due_date(session, invoice=invoice)
    if new_due_date <= current:
        raise InvalidInput("due_date", _("{value} is not after the current due date {current}",
                                         value=new_due_date.isoformat(),
                                         current=current.isoformat()))
    _not_past(new_due_date, local_today(org, now), "due_date")
    row = Extension(org_id=org.id, customer_id=invoice.customer_id, invoice_id=invoice.id,
                    new_due_date=new_due_date, granted_by=_who(granted_by, actor),
                    reason=text, created_at=now)
    session.add(row)
    session.flush()
    _log(session, org, invoice.customer_id, now, actor, "extension", {
        "extension_id": row.id, "invoice": invoice.number, "due_date": new_due_date.isoformat(),
        "previous_due_date": current.isoformat(), "cycle": cycle + 1, "reason": text,
        "by": row.granted_by})
    return row


# --- payment plans ----------------------------------------------------------------------------

def _schedule(instalments: Sequence[tuple[date, Decimal]], currency: str,
              today: date) -> list[tuple[date, int]]:
    if not instalments:
        raise InvalidInput("instalments", _("a plan needs at least one instalment"))
    schedule: list[tuple[date, int]] = []
    for n, (day, amount) in enumerate(instalments, start=1):
        try:
            _not_past(day, today, "instalments")
            minor = _minor(amount, currency, "instalments")
        except InvalidInput as error:
            raise InvalidInput("instalments", _("instalment {n}: {problem}", n=n,
                                                problem=error.message)) from None
        if schedule and day <= schedule[-1][0]:
            raise InvalidInput("instalments", _("instalment {n}: {value} is not after the "
                                                "previous instalment's date", n=n,
                                                value=day.isoformat()))
        schedule.append((day, minor))
    return schedule


def record_payment_plan(session: Session, *, org: Organisation, now: datetime, actor: str,
                        customer_code: str, instalments: Sequence[tuple[date, Decimal]],
                        currency: str | None = None,
                        agreed_by: str | None = None) -> PaymentPlan:
    """Record a payment plan: instalments in date order, none in the past.

    While the plan is current no reminder goes out; a new plan in the same currency replaces
    (cancels) the one in force.
    """
    customer = _customer(session, org, customer_code)
    cur = _owed_currency(session, org, customer, currency)
    schedule = _schedule(instalments, cur, local_today(org, now))
    replaced = repository.current_plans(session, org_id=org.id, customer_id=customer.id,
                                        currency=cur)
    if replaced:
        session.execute(update(PaymentPlan), [{"id": p.id, "status": "cancelled"}
                                              for p in replaced])
    plan = PaymentPlan(org_id=org.id, customer_id=customer.id, currency=cur,
                       total=sum(m for _d, m in schedule),
                       instalments=json.dumps([[day_number(d), m] for d, m in schedule]),
                       status="current", agreed_by=_who(agreed_by, actor), created_at=now)
    session.add(plan)
    session.flush()
    _log(session, org, customer.id, now, actor, "payment_plan", {
        "event": "agreed", "plan_id": plan.id, "currency": cur,
        "total": minor_to_str(plan.total, cur),
        "instalments": [[d.isoformat(), minor_to_str(m, cur)] for d, m in schedule],
        "by": plan.agreed_by, "replaces": [p.id for p in replaced]})
    return plan


# --- contact and satisfaction -----------------------------------------------------------------

def set_do_not_contact(session: Session, *, org: Organisation, now: datetime, actor: str,
                       customer_code: str, on: bool, reason: str | None = None) -> Customer:
    """Stop all contact with a customer (a cease request or an opt-out, DOMAIN.md contact rules),
    or allow it again."""
    customer = _customer(session, org, customer_code)
    text = _required(reason, "reason") if on else (reason or "").strip() or None
    customer.do_not_contact = on
    customer.do_not_contact_reason = text if on else None
    customer.updated_at = now
    _log(session, org, customer.id, now, actor, "contact", {
        "event": "stopped" if on else "allowed", "reason": text})
    return customer


# Words a customer may answer "how was our service?" with, in Spanish and English (1-5).
_SCORE_WORDS: dict[str, int] = {
    "excelente": 5, "excellent": 5, "muy bien": 5, "muy bueno": 5, "muy buena": 5,
    "very good": 5, "great": 5, "perfecto": 5, "perfect": 5,
    "bien": 4, "bueno": 4, "buena": 4, "good": 4, "fine": 4,
    "regular": 3, "normal": 3, "mas o menos": 3, "ok": 3, "okay": 3, "so so": 3,
    "mal": 2, "malo": 2, "mala": 2, "bad": 2, "poor": 2,
    "muy mal": 1, "muy malo": 1, "muy mala": 1, "pesimo": 1, "pesima": 1, "terrible": 1,
    "horrible": 1, "very bad": 1, "awful": 1,
}
_NUMBER = re.compile(r"[1-5](/5)?")


def parse_score(answer: str) -> int | None:
    """A 1-5 score from a satisfaction answer: a leading number ("4", "4/5", "5 estrellas") or
    words such as "bien", "mal", "good" or "bad" (the longest known phrase it starts with);
    None when unclear."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", answer.lower())
                     if not unicodedata.combining(c))
    words = re.sub(r"\s*/\s*", "/", re.sub(r"[^a-z0-9/]+", " ", folded)).split()
    if words and _NUMBER.fullmatch(words[0]):
        return int(words[0][0])
    for size in (3, 2, 1):
        score = _SCORE_WORDS.get(" ".join(words[:size]))
        if score is not None:
            return score
    return None


def record_satisfaction(session: Session, *, org: Organisation, now: datetime, actor: str,
                        customer_code: str, answer: str,
                        action_id: int | None = None) -> SatisfactionAnswer:
    """Record the customer's answer to the first overdue reminder's question about the service;
    the raw answer is always kept, with a 1-5 score when one can be read from it."""
    customer = _customer(session, org, customer_code)
    text = _required(answer, "answer")
    if action_id is not None:
        action = repository.action_of(session, org_id=org.id, action_id=action_id)
        if action is None or action.customer_id != customer.id:
            raise InvalidInput("action_id", _("{value} is not an action of {customer}",
                                              value=str(action_id), customer=customer.code))
    row = SatisfactionAnswer(org_id=org.id, customer_id=customer.id, action_id=action_id,
                             score=parse_score(text), answer=text, answered_at=now)
    session.add(row)
    session.flush()
    _log(session, org, customer.id, now, actor, "satisfaction", {
        "answer_id": row.id, "answer": text, "score": row.score, "action_id": action_id})
    return row
