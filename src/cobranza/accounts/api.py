"""JSON endpoints of the customer's collection state and timeline.

Bad input is refused with 422 and `detail: [{"loc": [...], "msg": ..., "type": ...}]`, the
message in the request's language (Accept-Language); an unknown customer, invoice or dispute in
the path is 404. The actor recorded on the timeline is `api:<key name>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials

from cobranza.accounts import repository, service
from cobranza.accounts.errors import InvalidInput, NotFound
from cobranza.accounts.schemas import (
    ContactIn,
    DisputeIn,
    DisputeOut,
    ExtensionIn,
    ExtensionOut,
    InstalmentOut,
    PauseIn,
    PauseOut,
    PaymentPlanIn,
    PaymentPlanOut,
    PromiseIn,
    PromiseOut,
    ResolutionIn,
    SatisfactionIn,
    SatisfactionOut,
    TimelineEntryOut,
    parse_amount,
    parse_date,
)
from cobranza.core.money import minor_to_str
from cobranza.deps import OrgDep, SessionDep, bearer
from cobranza.i18n import _
from cobranza.models import Dispute, Organisation, Pause, PaymentPlan, Promise
from cobranza.models.base import from_day_number
from cobranza.timeline import render

router = APIRouter(tags=["collection"])


def api_actor(session: SessionDep, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """`api:<key name>` for the timeline (the key itself is checked by `OrgDep`)."""
    parts = credentials.credentials.split("_", 2) if credentials else []
    name = repository.api_key_name(session, prefix=parts[1]) if len(parts) == 3 else None
    return f"api:{name}" if name else "api"


ActorDep = Annotated[str, Depends(api_actor)]


@contextmanager
def located(**path: str) -> Iterator[None]:
    """Turn a use case's refusal into 422 (or 404 for an unknown entity named in the path).

    `path` maps a use case's field (`customer`) to the path parameter it came from.
    """
    try:
        yield
    except InvalidInput as error:
        where = ["path", path[error.field]] if error.field in path else ["body", error.field]
        code = 404 if isinstance(error, NotFound) and error.field in path else 422
        raise HTTPException(code, [{"loc": where, "msg": error.message,
                                    "type": "not_found" if code == 404 else "value_error"}]
                            ) from None


def _stamp(at: datetime | None, org: Organisation) -> str | None:
    return None if at is None else at.astimezone(ZoneInfo(org.timezone)).isoformat(
        timespec="seconds")


def _now() -> datetime:
    return datetime.now(UTC)


def promise_out(p: Promise, code: str, org: Organisation) -> PromiseOut:
    """A promise in its JSON shape."""
    return PromiseOut(id=p.id, customer_id=code, date=p.promised_date.isoformat(),
                      amount=minor_to_str(p.amount, p.currency), currency=p.currency,
                      status=p.status, taken_by=p.taken_by, note=p.note,
                      created_at=_stamp(p.created_at, org) or "",
                      resolved_at=_stamp(p.resolved_at, org))


def dispute_out(d: Dispute, invoice: str, code: str, org: Organisation) -> DisputeOut:
    """A dispute in its JSON shape."""
    return DisputeOut(id=d.id, invoice=invoice, customer_id=code, reason=d.reason, note=d.note,
                      opened_by=d.opened_by, opened_at=_stamp(d.opened_at, org) or "",
                      status="open" if d.resolved_at is None else "resolved",
                      resolution=d.resolution, resolved_by=d.resolved_by,
                      resolved_at=_stamp(d.resolved_at, org))


def _pause_out(p: Pause, code: str, org: Organisation) -> PauseOut:
    return PauseOut(id=p.id, customer_id=code, reason=p.reason, until=p.until.isoformat(),
                    created_by=p.created_by, lifted_at=_stamp(p.lifted_at, org))


def _plan_out(p: PaymentPlan, code: str) -> PaymentPlanOut:
    return PaymentPlanOut(
        id=p.id, customer_id=code, currency=p.currency, total=minor_to_str(p.total, p.currency),
        status=p.status, agreed_by=p.agreed_by,
        instalments=[InstalmentOut(date=from_day_number(d).isoformat(),
                                   amount=minor_to_str(m, p.currency))
                     for d, m in json.loads(p.instalments)])


@router.post("/customers/{customer_id}/promises", tags=["customers"])
def add_promise(customer_id: str, body: PromiseIn, session: SessionDep, org: OrgDep,
                actor: ActorDep) -> PromiseOut:
    """Record a promise to pay an amount by a date."""
    with located(customer="customer_id"):
        promise = service.record_promise(
            session, org=org, now=_now(), actor=actor, customer_code=customer_id,
            promised_date=parse_date(body.date, "date"),
            amount=parse_amount(body.amount, "amount"), currency=body.currency,
            taken_by=body.taken_by, note=body.note)
    return promise_out(promise, customer_id, org)


@router.get("/customers/{customer_id}/promises", tags=["customers"])
def get_promises(customer_id: str, session: SessionDep, org: OrgDep) -> list[PromiseOut]:
    """The customer's promises by date, with where each stands."""
    with located(customer="customer_id"):
        rows = service.list_promises(session, org=org, customer_code=customer_id)
    return [promise_out(r.promise, r.customer_code, org) for r in rows]


@router.post("/invoices/{number}/disputes", tags=["invoices"])
def add_dispute(number: str, body: DisputeIn, session: SessionDep, org: OrgDep,
                actor: ActorDep) -> DisputeOut:
    """Open a dispute on an invoice: its collection stops until the dispute is resolved."""
    with located(invoice="number"):
        dispute = service.open_dispute(session, org=org, now=_now(), actor=actor,
                                       invoice_number=number, reason=body.reason or "",
                                       note=body.note, opened_by=body.opened_by)
        code = repository.customer_codes(session, org_id=org.id, ids={dispute.customer_id})
    return dispute_out(dispute, number, code[dispute.customer_id], org)


@router.post("/disputes/{dispute_id}/resolve")
def resolve(dispute_id: int, body: ResolutionIn, session: SessionDep, org: OrgDep,
            actor: ActorDep) -> DisputeOut:
    """Resolve a dispute; collection of its invoice resumes."""
    found = repository.dispute_by_id(session, org_id=org.id, dispute_id=dispute_id)
    if found is None:
        raise HTTPException(404, [{"loc": ["path", "dispute_id"], "type": "not_found",
                                   "msg": _("unknown dispute {value}", value=str(dispute_id))}])
    if found[0].resolved_at is not None:
        raise HTTPException(422, [{"loc": ["path", "dispute_id"], "type": "value_error",
                                   "msg": _("dispute {value} is already resolved",
                                            value=str(dispute_id))}])
    with located(invoice="dispute_id"):
        dispute = service.resolve_dispute(session, org=org, now=_now(), actor=actor,
                                          invoice_number=found[1],
                                          resolution=body.resolution or "",
                                          resolved_by=body.resolved_by)
    code = repository.customer_codes(session, org_id=org.id, ids={dispute.customer_id})
    return dispute_out(dispute, found[1], code[dispute.customer_id], org)


@router.post("/customers/{customer_id}/pause", tags=["customers"])
def add_pause(customer_id: str, body: PauseIn, session: SessionDep, org: OrgDep,
              actor: ActorDep) -> PauseOut:
    """Pause the customer's collection until a date, with a reason."""
    with located(customer="customer_id"):
        row = service.pause(session, org=org, now=_now(), actor=actor,
                            customer_code=customer_id, reason=body.reason or "",
                            until=parse_date(body.until, "until"), created_by=body.created_by)
    return _pause_out(row, customer_id, org)


@router.delete("/customers/{customer_id}/pause", tags=["customers"])
def remove_pause(customer_id: str, session: SessionDep, org: OrgDep,
                 actor: ActorDep) -> list[PauseOut]:
    """Lift the customer's pause now."""
    with located(customer="customer_id"):
        rows = service.lift_pause(session, org=org, now=_now(), actor=actor,
                                  customer_code=customer_id)
    return [_pause_out(r, customer_id, org) for r in rows]


@router.post("/invoices/{number}/extensions", tags=["invoices"])
def add_extension(number: str, body: ExtensionIn, session: SessionDep, org: OrgDep,
                  actor: ActorDep) -> ExtensionOut:
    """Grant an invoice a later due date."""
    with located(invoice="number"):
        row = service.grant_extension(session, org=org, now=_now(), actor=actor,
                                      invoice_number=number,
                                      new_due_date=parse_date(body.due_date, "due_date"),
                                      reason=body.reason or "", granted_by=body.granted_by)
    return ExtensionOut(id=row.id, invoice=number, due_date=row.new_due_date.isoformat(),
                        granted_by=row.granted_by, reason=row.reason)


@router.post("/customers/{customer_id}/payment-plans", tags=["customers"])
def add_payment_plan(customer_id: str, body: PaymentPlanIn, session: SessionDep, org: OrgDep,
                     actor: ActorDep) -> PaymentPlanOut:
    """Record a payment plan; reminders stop while it is current."""
    with located(customer="customer_id"):
        try:
            schedule = [(parse_date(i.date, "date"), parse_amount(i.amount, "amount"))
                        for i in body.instalments]
        except InvalidInput as error:
            raise InvalidInput("instalments", error.message) from None
        plan = service.record_payment_plan(session, org=org, now=_now(), actor=actor,
                                           customer_code=customer_id, instalments=schedule,
                                           currency=body.currency, agreed_by=body.agreed_by)
    return _plan_out(plan, customer_id)


@router.post("/customers/{customer_id}/satisfaction", tags=["customers"])
def add_satisfaction(customer_id: str, body: SatisfactionIn, session: SessionDep, org: OrgDep,
                     actor: ActorDep) -> SatisfactionOut:
    """Record the customer's answer about the service (a 1-5 score is read from it)."""
    with located(customer="customer_id"):
        row = service.record_satisfaction(session, org=org, now=_now(), actor=actor,
                                          customer_code=customer_id, answer=body.answer or "",
                                          action_id=body.action_id)
    return SatisfactionOut(id=row.id, customer_id=customer_id, answer=row.answer,
                           score=row.score)


@router.post("/customers/{customer_id}/contact", tags=["customers"])
def set_contact(customer_id: str, body: ContactIn, session: SessionDep, org: OrgDep,
                actor: ActorDep) -> dict[str, bool | str | None]:
    """Stop all contact with the customer (a cease request or opt-out), or allow it again."""
    with located(customer="customer_id"):
        customer = service.set_do_not_contact(session, org=org, now=_now(), actor=actor,
                                              customer_code=customer_id,
                                              on=body.do_not_contact, reason=body.reason)
    return {"customer_id": customer_id, "do_not_contact": customer.do_not_contact,
            "reason": customer.do_not_contact_reason}


@router.get("/customers/{customer_id}/timeline", tags=["customers"])
def timeline(customer_id: str, session: SessionDep, org: OrgDep) -> list[TimelineEntryOut]:
    """Everything that happened to the customer, in order (times in the organisation's zone)."""
    customer = repository.customer_by_code(session, org_id=org.id, code=customer_id)
    if customer is None:
        raise HTTPException(404, [{"loc": ["path", "customer_id"], "type": "not_found",
                                   "msg": _("unknown customer '{value}'", value=customer_id)}])
    entries = repository.timeline_entries(session, org_id=org.id, customer_id=customer.id)
    return [TimelineEntryOut(**line.to_json())
            for line in render.lines(entries, zone=org.timezone, locale=org.locale)]
