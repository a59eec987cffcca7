"""Posting late fees and accrued interest as their own documents (shared/DOMAIN.md, late charges).

Set-based and idempotent: every requested invoice is loaded at once, each charge is computed by
the pure core and inserted under a number made of its invoice, step and dunning cycle
(`F001-F-fee30-0`), and a number that exists already is skipped by the database itself, so a
second or concurrent run posts nothing twice. The affected customers' allocations are then
replayed, so unapplied credit settles the new documents (charges settle before principal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cobranza.core.fees import ZERO, FeeRule, cap_fee, fee_amount
from cobranza.core.interest import Accrual, accrue
from cobranza.core.money import from_minor, to_minor
from cobranza.ledger.replay import replay_customers
from cobranza.models import Organisation
from cobranza.postings import repository
from cobranza.postings.explain import explain
from cobranza.postings.repository import InvoiceFacts
from cobranza.timeline.log import Event, append

NUMBER_LENGTH = 64  # invoices.number


class InvalidPosting(ValueError):
    """A posting request is malformed (the message says which and why); nothing was written."""


@dataclass(frozen=True, slots=True)
class FeeRequest:
    """Post `rule`'s fee on an invoice for a strategy step, once per dunning cycle."""

    invoice_id: int
    step_code: str
    cycle: int
    rule: FeeRule
    due_in_days: int = 10


@dataclass(frozen=True, slots=True)
class InterestRequest:
    """Post the interest accrued and not yet posted on an invoice, for a step and cycle."""

    invoice_id: int
    step_code: str
    cycle: int
    due_in_days: int = 10


@dataclass(frozen=True, slots=True)
class PostingResult:
    """What became of one request: `posted` with its document, or `skipped` with a reason."""

    invoice_id: int
    step_code: str
    cycle: int
    status: str  # posted|skipped
    number: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    capped: bool = False  # a jurisdiction cap lowered the fee
    reason: str | None = None  # a code: already_posted, cl.fee_before_day_20, ...
    explanation: str | None = None  # the reason in the user's language


@dataclass(slots=True)
class PostingOutcome:
    """One result per request, in the order of the requests."""

    results: list[PostingResult] = field(default_factory=list)

    @property
    def posted(self) -> list[PostingResult]:
        """The documents this call posted."""
        return [r for r in self.results if r.status == "posted"]

    @property
    def skipped(self) -> list[PostingResult]:
        """The requests that posted nothing, each with its reason."""
        return [r for r in self.results if r.status == "skipped"]


@dataclass(frozen=True, slots=True)
class _Planned:
    """A document ready to insert, and the result it gives if the insert keeps it."""

    row: dict[str, Any]
    customer_id: int
    parent: str
    result: PostingResult


Plan = _Planned | PostingResult


def _check(requests: Sequence[FeeRequest | InterestRequest]) -> None:
    problems: list[str] = []
    for n, req in enumerate(requests, start=1):
        if req.due_in_days < 0:
            problems.append(explain("bad_due_in_days", n=n, value=req.due_in_days))
        if not req.step_code.strip() or req.cycle < 0:
            problems.append(explain("bad_step", n=n, step=req.step_code, cycle=req.cycle))
        if isinstance(req, FeeRequest) and (
                req.rule.pct < 0 or any(v < 0 for _, v in req.rule.fixed)):
            problems.append(explain("negative_fee", n=n))
    if problems:
        raise InvalidPosting("; ".join(problems))


def _skip(req: FeeRequest | InterestRequest, reason: str, **params: Any) -> PostingResult:
    return PostingResult(req.invoice_id, req.step_code, req.cycle, "skipped", reason=reason,
                         explanation=explain(reason, **params))


def _blocker(req: FeeRequest | InterestRequest, facts: InvoiceFacts, *, kind: str,
             day: date, existing: set[str]) -> PostingResult | None:
    """Why nothing can be posted on this invoice for this request, if anything says so."""
    if facts.kind != "invoice":
        return _skip(req, "not_an_invoice", number=facts.number)
    number = charge_number(invoice_number=facts.number, kind=kind, step_code=req.step_code,
                           cycle=req.cycle)
    if number in existing:
        return PostingResult(req.invoice_id, req.step_code, req.cycle, "skipped", number=number,
                             reason="already_posted",
                             explanation=explain("already_posted", document=number))
    if len(number) > NUMBER_LENGTH:
        return _skip(req, "number_too_long", document=number, limit=NUMBER_LENGTH)
    if facts.handoff_id is not None:
        return _skip(req, "handed_off", number=facts.number)
    if facts.disputed:
        return _skip(req, "disputed", number=facts.number)
    if facts.issue_date > day:
        return _skip(req, "not_issued", number=facts.number, date=day.isoformat())
    return None


def _document(*, org: Organisation, facts: InvoiceFacts, kind: str, number: str, day: date,
              due_in_days: int, amount: int, now: datetime) -> dict[str, Any]:
    # A charge carries no terms of its own: no interest on it, no discount (DOMAIN.md).
    return {"org_id": org.id, "customer_id": facts.customer_id, "number": number, "kind": kind,
            "parent_id": facts.id, "issue_date": day,
            "due_date": day + timedelta(days=due_in_days), "currency": facts.currency,
            "amount": amount, "terms_id": None, "grace_days": 0, "discount_pct_scaled": 0,
            "discount_days": 0, "late_interest_scaled": 0, "day_basis": 365,
            "handoff_id": None, "created_at": now, "updated_at": now}


def charge_number(*, invoice_number: str, kind: str, step_code: str, cycle: int) -> str:
    """The number of the fee or interest document a step posts on an invoice in a cycle."""
    return f"{invoice_number}-{'F' if kind == 'fee' else 'I'}-{step_code}-{cycle}"


def _planned(req: FeeRequest | InterestRequest, *, org: Organisation, facts: InvoiceFacts,
             kind: str, day: date, amount: int, capped: bool, now: datetime) -> Plan:
    number = charge_number(invoice_number=facts.number, kind=kind, step_code=req.step_code,
                           cycle=req.cycle)
    row = _document(org=org, facts=facts, kind=kind, number=number, day=day,
                    due_in_days=req.due_in_days, amount=amount, now=now)
    result = PostingResult(req.invoice_id, req.step_code, req.cycle, "posted", number,
                           from_minor(amount, facts.currency), facts.currency, capped)
    return _Planned(row, facts.customer_id, facts.number, result)


def _uf_values(session: Session, *, org: Organisation, day: date,
               facts: dict[int, InvoiceFacts]) -> dict[str, Decimal | None]:
    """The UF value of `day` in each currency of the Chilean invoices (one query per currency)."""
    currencies = {f.currency for f in facts.values() if f.country == "CL"}
    return {cur: repository.uf_value(session, org_id=org.id, currency=cur, on=day)
            for cur in sorted(currencies)}


def _plan_fee(req: FeeRequest, *, org: Organisation, facts: InvoiceFacts, day: date,
              uf: Decimal | None, posted_before: int, now: datetime) -> Plan:
    days_past_due = (day - facts.effective_due).days
    if days_past_due <= 0 or facts.open_principal <= 0:
        return _skip(req, "nothing_overdue", number=facts.number, date=day.isoformat())
    overdue = from_minor(facts.open_principal, facts.currency)
    fee = fee_amount(rule=req.rule, overdue_principal=overdue, currency=facts.currency)
    capped = cap_fee(country=facts.country, fee=fee, overdue=overdue,
                     days_past_due=days_past_due, uf_value=uf, currency=facts.currency,
                     posted_before=from_minor(posted_before, facts.currency))
    if capped.blocked_reason is not None:
        return _skip(req, capped.blocked_reason, number=facts.number, days=days_past_due,
                     date=day.isoformat(), currency=facts.currency)
    if capped.amount <= ZERO:
        return _skip(req, "cap_reached" if capped.capped else "zero_fee", number=facts.number)
    return _planned(req, org=org, facts=facts, kind="fee", day=day,
                    amount=to_minor(capped.amount, facts.currency), capped=capped.capped,
                    now=now)


def post_fees(session: Session, *, org: Organisation, day: date, now: datetime,
              requests: Sequence[FeeRequest], actor: str = "run") -> PostingOutcome:
    """Post each requested late fee once, capped by the invoice's jurisdiction, as of `day`."""
    _check(requests)
    facts = repository.invoice_facts(session, org_id=org.id, day=day,
                                     invoice_ids={r.invoice_id for r in requests})
    uf = _uf_values(session, org=org, day=day, facts=facts)
    existing = repository.charge_numbers(session, org_id=org.id, parent_ids=facts.keys())
    # Fees planned earlier in this call count against the cap of the next one on that invoice.
    posted_before = {rid: f.fees_posted for rid, f in facts.items()}
    plans: list[Plan] = []
    for req in requests:
        found = facts.get(req.invoice_id)
        if found is None:
            plans.append(_skip(req, "unknown_invoice", id=req.invoice_id))
            continue
        plan = _blocker(req, found, kind="fee", day=day, existing=existing) or _plan_fee(
            req, org=org, facts=found, day=day, uf=uf.get(found.currency),
            posted_before=posted_before[found.id], now=now)
        if isinstance(plan, _Planned):
            posted_before[found.id] += plan.row["amount"]
        plans.append(plan)
    return _post(session, org=org, now=now, actor=actor, plans=plans)


def _accrual(*, org: Organisation, facts: InvoiceFacts, day: date,
             allocations: list[tuple[date, int]]) -> Accrual:
    # The same figure as the aging's accrued interest: capped by the legal maximum rate and
    # less the interest already posted on or before `day` (DOMAIN.md, late interest).
    return accrue(amount=facts.amount, due_date=facts.due_date, grace_days=facts.grace_days,
                  rate_scaled=facts.late_interest_scaled, day_basis=facts.day_basis,
                  as_of=day, allocations=allocations, cap_scaled=org.max_interest_scaled,
                  posted=facts.interest_posted)


def unposted_interest(session: Session, *, org: Organisation, day: date,
                      facts: Mapping[int, InvoiceFacts]) -> dict[int, int]:
    """Interest accrued and not yet posted on these invoices as of `day`, in minor units."""
    invoices = {rid: f for rid, f in facts.items() if f.kind == "invoice"}
    allocations = repository.principal_allocations(session, org_id=org.id, day=day,
                                                   invoice_ids=invoices.keys())
    return {rid: _accrual(org=org, facts=f, day=day, allocations=allocations.get(rid, [])).amount
            for rid, f in invoices.items()}


def _plan_interest(req: InterestRequest, *, org: Organisation, facts: InvoiceFacts, day: date,
                   allocations: list[tuple[date, int]], now: datetime) -> Plan:
    accrual = _accrual(org=org, facts=facts, day=day, allocations=allocations)
    if accrual.amount <= 0:
        return _skip(req, "no_interest", number=facts.number, date=day.isoformat())
    return _planned(req, org=org, facts=facts, kind="interest", day=day, amount=accrual.amount,
                    capped=accrual.capped, now=now)


def post_interest(session: Session, *, org: Organisation, day: date, now: datetime,
                  requests: Sequence[InterestRequest], actor: str = "run") -> PostingOutcome:
    """Post the late interest accrued and not yet posted on each invoice as of `day`."""
    _check(requests)
    ids = {r.invoice_id for r in requests}
    facts = repository.invoice_facts(session, org_id=org.id, day=day, invoice_ids=ids)
    allocations = repository.principal_allocations(session, org_id=org.id, day=day,
                                                   invoice_ids=ids)
    existing = repository.charge_numbers(session, org_id=org.id, parent_ids=facts.keys())
    plans: list[Plan] = []
    planned: set[int] = set()
    for req in requests:
        found = facts.get(req.invoice_id)
        if found is None:
            plans.append(_skip(req, "unknown_invoice", id=req.invoice_id))
            continue
        plan = _blocker(req, found, kind="interest", day=day, existing=existing) or (
            # a second step on the same invoice and day finds it all posted by the first
            _skip(req, "no_interest", number=found.number, date=day.isoformat())
            if found.id in planned else
            _plan_interest(req, org=org, facts=found, day=day,
                           allocations=allocations.get(found.id, []), now=now))
        if isinstance(plan, _Planned):
            planned.add(found.id)
        plans.append(plan)
    return _post(session, org=org, now=now, actor=actor, plans=plans)


def _post(session: Session, *, org: Organisation, now: datetime, actor: str,
          plans: list[Plan]) -> PostingOutcome:
    """Insert the planned documents; what exists already is reported as such, not posted."""
    rows = {p.row["number"]: p.row for p in plans if isinstance(p, _Planned)}
    inserted = repository.insert_charges(session, list(rows.values()))
    outcome = PostingOutcome()
    events: list[Event] = []
    customers: set[int] = set()
    for plan in plans:
        if isinstance(plan, PostingResult):
            outcome.results.append(plan)
            continue
        number = plan.result.number
        if number not in inserted:
            outcome.results.append(PostingResult(
                plan.result.invoice_id, plan.result.step_code, plan.result.cycle, "skipped",
                number=number, reason="already_posted",
                explanation=explain("already_posted", document=number)))
            continue
        inserted.discard(number)  # a duplicate request later in the list posted nothing
        outcome.results.append(plan.result)
        customers.add(plan.customer_id)
        events.append(_event(plan, now=now, actor=actor))
    if customers:
        replay_customers(session, org_id=org.id, customer_ids=customers)
    append(session, org_id=org.id, events=events)
    return outcome


def _event(plan: _Planned, *, now: datetime, actor: str) -> Event:
    result = plan.result
    assert result.amount is not None
    return Event(plan.customer_id, now, "posting", actor, {
        "document": result.number, "kind": plan.row["kind"], "invoice": plan.parent,
        "amount": str(result.amount), "currency": result.currency, "step": result.step_code,
        "cycle": result.cycle, "capped": result.capped,
        "due_date": plan.row["due_date"].isoformat()})
