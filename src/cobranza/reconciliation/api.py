"""JSON endpoints of reconciliation: run the matcher, the review queue and its decisions.

A line is named by its row id (`id` in the review queue). An unknown line is 404; a decision
that cannot be carried out is 422 with `detail: [{"loc", "msg", "type"}]` in the request's
language. The acting user recorded on matches and the timeline is `api:<key name>`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.accounts.api import ActorDep
from cobranza.core.money import fits_currency, minor_to_str, to_minor
from cobranza.deps import OrgDep, SessionDep
from cobranza.i18n import _
from cobranza.models import BankTransaction, Customer, Organisation, ReconciliationMatch
from cobranza.reconciliation import service
from cobranza.reconciliation.schemas import (
    AssignIn,
    ConfirmIn,
    LineStateOut,
    MatchOut,
    ReviewLineOut,
    RunIn,
    RunOut,
    SplitIn,
    StoredSuggestionOut,
    confidence_str,
    lines_json,
    stored_suggestions,
)
from cobranza.reconciliation.service import Part, ReviewError

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"])


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(loc: Sequence[str | int], msg: str, code: int = 422) -> HTTPException:
    return HTTPException(code, [{"loc": list(loc), "msg": msg,
                                 "type": "not_found" if code == 404 else "value_error"}])


@contextmanager
def _decided(line_id: int) -> Iterator[None]:
    """A refusal the use case found (after the checks below) is 422 on the line."""
    try:
        yield
    except ReviewError as error:
        raise _refuse(["path", "line_id"], _("bank line {line} cannot be changed: {reason}",
                                             line=line_id, reason=str(error))) from None


def _line(session: Session, org: Organisation, line_id: int) -> BankTransaction:
    line = session.get(BankTransaction, line_id)
    if line is None or line.org_id != org.id:
        raise _refuse(["path", "line_id"], _("unknown bank line {value}", value=str(line_id)),
                      404)
    return line


def _open_for_decision(line: BankTransaction) -> None:
    if line.status == "applied":
        raise _refuse(["path", "line_id"], _(
            "bank line {line} is already applied; reverse it first", line=line.id))
    if line.status == "ignored":
        raise _refuse(["path", "line_id"], _(
            "bank line {line} is ignored; reverse it first", line=line.id))
    if line.amount <= 0:
        raise _refuse(["path", "line_id"], _(
            "bank line {line} is money out, not a customer's payment", line=line.id))


def _customers(session: Session, org: Organisation, codes: Sequence[str],
               loc: Sequence[str | int]) -> None:
    known = set(session.scalars(select(Customer.code).where(
        Customer.org_id == org.id, Customer.code.in_(set(codes)))))
    for n, code in enumerate(codes):
        if code not in known:
            where = [*loc, n, "customer_id"] if len(loc) > 1 else [*loc, "customer_id"]
            raise _refuse(where, _("unknown customer '{value}'", value=code))


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


def _state(session: Session, org: Organisation, line: BankTransaction) -> LineStateOut:
    session.refresh(line)
    return LineStateOut(id=line.id, status=line.status,
                        matches=_matches(session, org, line_id=line.id))


@router.post("/run")
def run(body: RunIn, session: SessionDep, org: OrgDep, actor: ActorDep) -> RunOut:
    """Match every pending bank line; with `auto`, apply the sure ones, the rest wait in review."""
    outcome = service.reconcile(session, org_id=org.id, now=_now(), auto=body.auto, user=actor)
    return RunOut.model_validate(lines_json(outcome))


@router.get("/review")
def review(session: SessionDep, org: OrgDep) -> list[ReviewLineOut]:
    """The lines waiting for a person, oldest first, with their suggestions."""
    return [ReviewLineOut(
        id=t.id, transaction_id=t.transaction_id or str(t.id),
        date=t.booking_date.isoformat(), amount=minor_to_str(t.amount, t.currency),
        currency=t.currency, counterparty_name=t.counterparty_name,
        counterparty_account=t.counterparty_account, remittance=t.remittance,
        suggestions=[StoredSuggestionOut(**s) for s in stored_suggestions(t.suggestions)])
        for t in service.review_queue(session, org_id=org.id)]


@router.get("/matches")
def matches(session: SessionDep, org: OrgDep, customer: str | None = None,
            include_reversed: bool = False,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100,
            offset: Annotated[int, Query(ge=0)] = 0) -> list[MatchOut]:
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
def confirm(line_id: int, body: ConfirmIn, session: SessionDep, org: OrgDep,
            actor: ActorDep) -> LineStateOut:
    """Apply the line's suggestion number `pick` (1 = the best)."""
    line = _line(session, org, line_id)
    _open_for_decision(line)
    count = len(stored_suggestions(line.suggestions))
    if not 1 <= body.pick <= count:
        raise _refuse(["body", "pick"], _(
            "bank line {line} has {n} suggestions; expected a number from 1 to {n}",
            line=line_id, n=count) if count else _(
            "bank line {line} has no suggestions; assign it to a customer", line=line_id))
    with _decided(line_id):
        service.confirm(session, org_id=org.id, line_id=line_id, pick=body.pick, now=_now(),
                        user=actor)
    return _state(session, org, line)


@router.post("/lines/{line_id}/assign")
def assign(line_id: int, body: AssignIn, session: SessionDep, org: OrgDep,
           actor: ActorDep) -> LineStateOut:
    """Apply the whole line to a customer (and these invoices, if given)."""
    line = _line(session, org, line_id)
    _open_for_decision(line)
    _customers(session, org, [body.customer_id], ["body"])
    with _decided(line_id):
        service.decide_line(session, org_id=org.id, line_id=line_id,
                            parts=[Part(body.customer_id, tuple(body.invoice_numbers))],
                            method="manual", now=_now(), user=actor)
    return _state(session, org, line)


def _amount(text: str, currency: str, loc: list[Any]) -> Decimal:
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise _refuse(loc, _("'{value}' is not an amount; expected a number such as "
                             "1500 or 1500.50", value=text))
    if not fits_currency(amount, currency):
        raise _refuse(loc, _("'{value}' has more decimals than {currency} allows",
                             value=text, currency=currency))
    if amount <= 0:
        raise _refuse(loc, _("'{value}' is not a positive amount", value=text))
    return amount


@router.post("/lines/{line_id}/split")
def split(line_id: int, body: SplitIn, session: SessionDep, org: OrgDep,
          actor: ActorDep) -> LineStateOut:
    """Split the line between customers; the parts' amounts add up to the line's."""
    line = _line(session, org, line_id)
    _open_for_decision(line)
    if not body.parts:
        raise _refuse(["body", "parts"], _("missing value; this is required"))
    _customers(session, org, [p.customer_id for p in body.parts], ["body", "parts"])
    amounts = [_amount(p.amount, line.currency, ["body", "parts", n, "amount"])
               for n, p in enumerate(body.parts)]
    total = sum(to_minor(a, line.currency) for a in amounts)
    if total != line.amount:
        raise _refuse(["body", "parts"], _(
            "the parts add up to {total} {currency}; the line is {amount}",
            total=minor_to_str(total, line.currency), currency=line.currency,
            amount=minor_to_str(line.amount, line.currency)))
    with _decided(line_id):
        service.decide_line(session, org_id=org.id, line_id=line_id, parts=[
            Part(p.customer_id, tuple(p.invoice_numbers), a)
            for p, a in zip(body.parts, amounts, strict=True)],
            method="split", now=_now(), user=actor)
    return _state(session, org, line)


@router.post("/lines/{line_id}/ignore")
def ignore(line_id: int, session: SessionDep, org: OrgDep, actor: ActorDep) -> LineStateOut:
    """Mark the line as not a customer's payment (a bank fee, interest, a transfer)."""
    line = _line(session, org, line_id)
    if line.status == "applied":
        raise _refuse(["path", "line_id"], _(
            "bank line {line} is applied; reverse it first", line=line_id))
    with _decided(line_id):
        service.ignore(session, org_id=org.id, line_id=line_id, now=_now(), user=actor)
    return _state(session, org, line)


@router.post("/lines/{line_id}/reverse")
def reverse(line_id: int, session: SessionDep, org: OrgDep, actor: ActorDep) -> LineStateOut:
    """Take back the line's matches exactly; the line returns to the review queue."""
    line = _line(session, org, line_id)
    if line.status != "ignored" and not _matches(session, org, line_id=line_id, limit=1):
        raise _refuse(["path", "line_id"], _(
            "bank line {line} has no match to reverse", line=line_id))
    with _decided(line_id):
        service.reverse(session, org_id=org.id, line_id=line_id, now=_now(), user=actor)
    return _state(session, org, line)
