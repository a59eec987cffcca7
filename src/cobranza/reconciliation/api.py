"""JSON endpoints of reconciliation: run the matcher, the review queue and its decisions.

A line is named by its row id (`id` in the review queue). An unknown line is 404; a decision
on a line decided already (applied or ignored: another person's, maybe at the same moment) is
409; any other that cannot be carried out is 422, each with `detail: [{"loc", "msg", "type"}]`
in the request's language. The rules of a decision are the use cases' (service.py, review.py): their refusal is the answer,
located on the line. The checks here are the request's own: amounts are decimal strings that fit
the line's currency. The acting user recorded on matches and the timeline is `api:<key name>`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Path, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.accounts.api import ActorDep
from cobranza.core.money import minor_to_str
from cobranza.deps import OrgDep, SessionDep
from cobranza.i18n import _
from cobranza.models import BankTransaction, Customer, Organisation, ReconciliationMatch
from cobranza.reconciliation import review as decisions
from cobranza.reconciliation import service
from cobranza.reconciliation.landed import Landed
from cobranza.reconciliation.review import Decided, Part, ReviewError, UnknownLine, part_amount
from cobranza.reconciliation.schemas import (
    AssignIn,
    ConfirmIn,
    LineStateOut,
    MatchOut,
    ReviewLineOut,
    RunIn,
    RunOut,
    SplitIn,
    confidence_str,
    landed_out,
    lines_json,
    review_line,
)

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"])
ROW_ID = 2**63 - 1  # the largest row id either database holds (a 64-bit integer)
LineId = Annotated[int, Path(ge=1, le=ROW_ID, description="The bank line's id.")]


def _now() -> datetime:
    return datetime.now(UTC)


_TYPES = {404: "not_found", 409: "conflict"}


def _refuse(loc: Sequence[str | int], msg: str, code: int = 422) -> HTTPException:
    return HTTPException(code, [{"loc": list(loc), "msg": msg,
                                 "type": _TYPES.get(code, "value_error")}])


@contextmanager
def _decided() -> Iterator[None]:
    """The use case's refusal, already in the request's language: 404 or 422 on the line."""
    try:
        yield
    except UnknownLine as error:
        raise _refuse(["path", "line_id"], str(error), 404) from None
    except Decided as error:
        raise _refuse(["path", "line_id"], str(error), 409) from None
    except ReviewError as error:
        raise _refuse(["path", "line_id"], str(error)) from None


def _stamp(at: datetime | None, org: Organisation) -> str | None:
    return None if at is None else at.astimezone(ZoneInfo(org.timezone)).isoformat(
        timespec="seconds")


def _matches(session: Session, org: Organisation, *, line_id: int | None = None,
             customer: int | None = None, include_reversed: bool = False,
             limit: int = 1000, offset: int = 0) -> list[MatchOut]:
    stmt = (select(ReconciliationMatch, Customer.code)
            .join(Customer, Customer.id == ReconciliationMatch.customer_id)
            .where(ReconciliationMatch.org_id == org.id)
            .order_by(ReconciliationMatch.id).limit(limit).offset(offset))
    if line_id is not None:
        stmt = stmt.where(ReconciliationMatch.transaction_id == line_id)
    if customer is not None:
        stmt = stmt.where(ReconciliationMatch.customer_id == customer)
    if not include_reversed:
        stmt = stmt.where(ReconciliationMatch.reversed_at.is_(None))
    return [MatchOut(id=m.id, line_id=m.transaction_id, customer_id=code,
                     amount=minor_to_str(m.amount, m.currency), currency=m.currency,
                     invoice_numbers=[n for n in (m.invoice_numbers or "").split(";") if n],
                     confidence=confidence_str(m.confidence), method=m.method,
                     created_at=_stamp(m.created_at, org) or "", created_by=m.created_by,
                     reversed_at=_stamp(m.reversed_at, org), reversed_by=m.reversed_by)
            for m, code in session.execute(stmt)]


def _state(session: Session, org: Organisation, line_id: int,
           parts: Sequence[Landed] = ()) -> LineStateOut:
    line = session.get_one(BankTransaction, line_id)  # the use case found it in `org`
    session.refresh(line)
    return LineStateOut(id=line.id, status=line.status,
                        matches=_matches(session, org, line_id=line.id),
                        parts=[landed_out(p) for p in parts])


@router.post("/run")
def run(body: RunIn, session: SessionDep, org: OrgDep, actor: ActorDep) -> RunOut:
    """Match every pending bank line; with `auto`, apply the sure ones, the rest wait in review."""
    outcome = service.reconcile(session, org_id=org.id, now=_now(), auto=body.auto, user=actor)
    return RunOut.model_validate(lines_json(outcome))


@router.get("/review")
def review(session: SessionDep, org: OrgDep) -> list[ReviewLineOut]:
    """The lines waiting for a person, oldest first: those with suggestions, and the money in
    nothing pointed to a customer for (`status` unmatched)."""
    return [review_line(t) for t in decisions.review_queue(session, org_id=org.id)]


@router.get("/matches")
def matches(session: SessionDep, org: OrgDep, customer: str | None = None,
            include_reversed: bool = False,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100,
            offset: Annotated[int, Query(ge=0, le=ROW_ID)] = 0) -> list[MatchOut]:
    """Bank lines applied to customers, oldest first (reversed ones only when asked)."""
    customer_id = None
    if customer is not None:
        customer_id = session.scalar(select(Customer.id).where(Customer.org_id == org.id,
                                                               Customer.code == customer))
        if customer_id is None:
            raise _refuse(["query", "customer"], _("unknown customer '{value}'",
                                                   value=customer), 404)
    return _matches(session, org, customer=customer_id, include_reversed=include_reversed,
                    limit=limit, offset=offset)


@router.post("/lines/{line_id}/confirm")
def confirm(line_id: LineId, body: ConfirmIn, session: SessionDep, org: OrgDep,
            actor: ActorDep) -> LineStateOut:
    """Apply the line's suggestion number `pick` (1 = the best)."""
    with _decided():
        parts = decisions.confirm(session, org_id=org.id, line_id=line_id, pick=body.pick,
                                  now=_now(), user=actor)
    return _state(session, org, line_id, parts)


@router.post("/lines/{line_id}/assign")
def assign(line_id: LineId, body: AssignIn, session: SessionDep, org: OrgDep,
           actor: ActorDep) -> LineStateOut:
    """Apply the whole line to a customer (and these invoices, if given)."""
    with _decided():
        parts = decisions.decide_line(
            session, org_id=org.id, line_id=line_id,
            parts=[Part(body.customer_id, tuple(body.invoice_numbers),
                        rest_on_account=body.rest_on_account)],
            method="manual", now=_now(), user=actor)
    return _state(session, org, line_id, parts)


def _amount(text: str, currency: str | None, loc: list[str | int]) -> Decimal:
    try:
        return part_amount(text, currency)
    except ReviewError as error:
        raise _refuse(loc, str(error)) from None


@router.post("/lines/{line_id}/split")
def split(line_id: LineId, body: SplitIn, session: SessionDep, org: OrgDep,
          actor: ActorDep) -> LineStateOut:
    """Split the line between customers; the parts' amounts add up to the line's."""
    if not body.parts:
        raise _refuse(["body", "parts"], _("missing value; this is required"))
    # No currency: the line is unknown, which the use case answers (404).
    currency = decisions.line_currency(session, org_id=org.id, line_id=line_id)
    amounts = [_amount(p.amount, currency, ["body", "parts", n, "amount"])
               for n, p in enumerate(body.parts)]
    with _decided():
        landed = decisions.decide_line(session, org_id=org.id, line_id=line_id, parts=[
            Part(p.customer_id, tuple(p.invoice_numbers), a, rest_on_account=p.rest_on_account)
            for p, a in zip(body.parts, amounts, strict=True)],
            method="split", now=_now(), user=actor)
    return _state(session, org, line_id, landed)


@router.post("/lines/{line_id}/ignore")
def ignore(line_id: LineId, session: SessionDep, org: OrgDep, actor: ActorDep) -> LineStateOut:
    """Mark the line as not a customer's payment (a bank fee, interest, a transfer)."""
    with _decided():
        decisions.ignore(session, org_id=org.id, line_id=line_id, now=_now(), user=actor)
    return _state(session, org, line_id)


@router.post("/lines/{line_id}/reverse")
def reverse(line_id: LineId, session: SessionDep, org: OrgDep, actor: ActorDep) -> LineStateOut:
    """Take back the line's matches exactly; the line returns to the review queue."""
    with _decided():
        decisions.reverse(session, org_id=org.id, line_id=line_id, now=_now(), user=actor)
    return _state(session, org, line_id)
