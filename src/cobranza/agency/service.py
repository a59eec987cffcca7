"""Handing invoices to an external collection agency, recalling them, and blocking credit.

DOMAIN.md, default strategy: after 90 days the invoices go to an agency (commission up to 50%),
and internal collection of them stops (`invoices.handoff_id`, which the run and the messaging
guard read). A run writes one hand-off file per agency, in CSV and XLSX, listing every invoice it
handed with the creditor, the debtor and the collection history.

Hand-offs are idempotent: an invoice already with an agency is not handed again, and a run that
hands nothing writes no file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.agency import files, repository
from cobranza.agency.repository import Debtor, History
from cobranza.core.money import from_minor
from cobranza.core.terms import rate_to_scaled
from cobranza.i18n import _
from cobranza.models import AgencyHandoff, Invoice, Organisation
from cobranza.postings import repository as postings
from cobranza.postings.explain import explain
from cobranza.postings.repository import InvoiceFacts
from cobranza.postings.service import unposted_interest
from cobranza.timeline.log import Event, append

MAX_COMMISSION_PCT = Decimal(50)  # DOMAIN.md, default strategy: commission up to 50%


class InvalidHandoff(ValueError):
    """A hand-off request is not valid (the message says which and why); nothing was written."""


class RecallError(LookupError):
    """The invoice cannot be recalled (unknown, or not with an agency); the message says why."""


@dataclass(frozen=True, slots=True)
class HandoffRequest:
    """Hand these invoices of a customer to `agency` for `commission_pct` percent."""

    customer_id: int
    invoice_ids: Sequence[int]
    agency: str
    commission_pct: Decimal
    action_id: int | None = None


@dataclass(frozen=True, slots=True)
class SkippedInvoice:
    """An invoice a request named that was not handed, with the reason code and sentence."""

    invoice_id: int
    number: str | None
    reason: str  # not_customers_invoice|already_handed_off|disputed|settled|not_issued
    explanation: str


@dataclass(slots=True)
class HandoffResult:
    """What one request did: the hand-offs recorded (one per currency), invoices, files."""

    customer_id: int
    agency: str
    handoff_ids: list[int] = field(default_factory=list)
    handed: list[str] = field(default_factory=list)  # invoice numbers
    skipped: list[SkippedInvoice] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecallResult:
    """An invoice back in internal collection, and the agency it came back from."""

    number: str
    agency: str
    documents: int  # the invoice and its posted charges


def _check(session: Session, *, org: Organisation, requests: Sequence[HandoffRequest],
           out_dir: Path) -> dict[int, Debtor]:
    found = repository.debtors(session, org_id=org.id,
                               customer_ids={r.customer_id for r in requests})
    problems: list[str] = []
    for n, req in enumerate(requests, start=1):
        if not MAX_COMMISSION_PCT >= req.commission_pct > 0:
            problems.append(_("request {n}: an agency's commission must be more than 0% and at "
                              "most 50%, not {pct}%", n=n, pct=req.commission_pct))
        elif req.commission_pct != req.commission_pct.quantize(Decimal("0.0001")):
            problems.append(_("request {n}: a commission has at most 4 decimals ({pct}%)",
                              n=n, pct=req.commission_pct))
        if not req.agency.strip():
            problems.append(_("request {n}: the agency's name is required", n=n))
        if not req.invoice_ids:
            problems.append(_("request {n}: no invoices to hand off", n=n))
        if req.customer_id not in found:
            problems.append(_("request {n}: there is no customer with id {id}", n=n,
                              id=req.customer_id))
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(_("{path} is not a folder", path=out_dir))
    if problems:
        raise InvalidHandoff("; ".join(problems))
    return found


def _reason(req: HandoffRequest, found: InvoiceFacts | None, day: date,
            taken: set[int]) -> str | None:
    """Why this invoice cannot go to the agency, if anything says so."""
    if found is None or found.customer_id != req.customer_id or found.kind != "invoice":
        return "not_customers_invoice"
    if found.handoff_id is not None or found.id in taken:
        return "already_handed_off"
    if found.issue_date > day:
        return "not_issued"
    if found.disputed:  # an open dispute stops collection of its invoice (issue item 7)
        return "disputed"
    if found.open_principal + found.charges_open <= 0:
        return "settled"
    return None


def _eligible(req: HandoffRequest, facts: dict[int, InvoiceFacts], day: date,
              taken: set[int], result: HandoffResult, debtor: Debtor) -> list[InvoiceFacts]:
    """The request's invoices that can go to the agency; the others are added as skipped."""
    out: list[InvoiceFacts] = []
    for invoice_id in dict.fromkeys(req.invoice_ids):
        found = facts.get(invoice_id)
        reason = _reason(req, found, day, taken)
        if reason is None and found is not None:
            taken.add(invoice_id)
            out.append(found)
            continue
        reason = reason or "not_customers_invoice"
        number = found.number if found else None
        result.skipped.append(SkippedInvoice(invoice_id, number, reason, explain(
            reason, id=invoice_id, number=number, date=day.isoformat(), customer=debtor.code)))
    return out


@dataclass(frozen=True, slots=True)
class _Group:
    """The invoices of one request in one currency: one AgencyHandoff row."""

    request: HandoffRequest
    result: HandoffResult
    currency: str
    invoices: list[InvoiceFacts]


def hand_off(session: Session, *, org: Organisation, day: date, now: datetime,
             requests: Sequence[HandoffRequest], out_dir: Path,
             actor: str = "run") -> list[HandoffResult]:
    """Hand invoices to agencies as of `day`; one result per request, in order.

    Writes `handoff-<agency>-<day>.csv` and `.xlsx` into `out_dir` for each agency that received
    anything. The files are written last, after the rows, so a refused request leaves none.
    """
    debtors = _check(session, org=org, requests=requests, out_dir=out_dir)
    ids = {i for r in requests for i in r.invoice_ids}
    facts = postings.invoice_facts(session, org_id=org.id, day=day, invoice_ids=ids)
    results = [HandoffResult(r.customer_id, r.agency.strip()) for r in requests]
    taken: set[int] = set()
    groups: list[_Group] = []
    for req, result in zip(requests, results, strict=True):
        by_currency: dict[str, list[InvoiceFacts]] = defaultdict(list)
        for found in _eligible(req, facts, day, taken, result, debtors[req.customer_id]):
            by_currency[found.currency].append(found)
        groups += [_Group(req, result, cur, docs) for cur, docs in sorted(by_currency.items())]
    if not groups:
        return results
    out_dir.mkdir(parents=True, exist_ok=True)
    stems = {r.agency.strip(): files.file_stem(agency=r.agency.strip(), day=day,
                                               out_dir=out_dir) for r in requests}
    _record(session, org=org, now=now, groups=groups, stems=stems)
    lines = _lines(session, org=org, day=day, groups=groups, debtors=debtors)
    append(session, org_id=org.id, events=[_event(g, now=now, actor=actor, stems=stems)
                                           for g in groups])
    for agency, stem in stems.items():
        rows = [ln for ln in lines if ln.agency == agency]
        if rows:
            files.write_csv(rows, stem.with_suffix(".csv"))
            files.write_xlsx(rows, stem.with_suffix(".xlsx"))
    return results


def _paths(stem: Path) -> list[Path]:
    return [stem.with_suffix(".csv"), stem.with_suffix(".xlsx")]


def _record(session: Session, *, org: Organisation, now: datetime, groups: list[_Group],
            stems: dict[str, Path]) -> None:
    """Insert the hand-off rows and mark their invoices (and the invoices' charges)."""
    rows = [{
        "org_id": org.id, "customer_id": g.request.customer_id,
        "action_id": g.request.action_id, "agency": g.result.agency,
        "commission_scaled": rate_to_scaled(g.request.commission_pct),
        "invoice_numbers": json.dumps([f.number for f in g.invoices]),
        "amount": sum(f.open_principal + f.charges_open for f in g.invoices),
        "currency": g.currency,
        "files": json.dumps([str(p) for p in _paths(stems[g.result.agency])]),
        "created_at": now} for g in groups]
    handoff_ids = repository.insert_handoffs(session, rows)
    pairs: list[tuple[int, int]] = []
    for group, handoff_id in zip(groups, handoff_ids, strict=True):
        group.result.handoff_ids.append(handoff_id)
        group.result.handed += [f.number for f in group.invoices]
        group.result.files[:] = _paths(stems[group.result.agency])
        pairs += [(f.id, handoff_id) for f in group.invoices]
    repository.mark_handed(session, org_id=org.id, pairs=pairs, now=now)


def _lines(session: Session, *, org: Organisation, day: date, groups: list[_Group],
           debtors: dict[int, Debtor]) -> list[files.HandoffLine]:
    handed = {f.id: f for g in groups for f in g.invoices}
    interest = unposted_interest(session, org=org, day=day, facts=handed)
    history = repository.histories(session, org_id=org.id,
                                   customer_ids={g.request.customer_id for g in groups},
                                   timezone=org.timezone)
    lines: list[files.HandoffLine] = []
    for g in groups:
        debtor, past = debtors[g.request.customer_id], history[g.request.customer_id]
        for f in g.invoices:
            lines.append(_line(org=org, day=day, group=g, debtor=debtor, past=past, facts=f,
                               interest=interest.get(f.id, 0)))
    return lines


def _line(*, org: Organisation, day: date, group: _Group, debtor: Debtor, past: History,
          facts: InvoiceFacts, interest: int) -> files.HandoffLine:
    return files.HandoffLine(
        creditor=org.name, creditor_tax_id=org.tax_id, debtor_code=debtor.code,
        debtor_name=debtor.name, debtor_tax_id=debtor.tax_id, email=debtor.email,
        phone=debtor.phone, whatsapp=debtor.whatsapp, country=debtor.country,
        language=debtor.language, invoice=facts.number, issue_date=facts.issue_date,
        due_date=facts.due_date, currency=facts.currency, amount=facts.amount,
        open_amount=facts.open_principal,
        days_past_due=max((day - facts.due_date).days, 0), accrued_interest=interest,
        fees_posted=facts.fees_posted, interest_posted=facts.interest_posted,
        charges_open=facts.charges_open, promises=past.promises,
        promises_broken=past.promises_broken, disputes=past.disputes,
        open_disputes=past.open_disputes, last_contact=past.last_contact,
        agency=group.result.agency, commission_pct=group.request.commission_pct,
        handoff_date=day)


def _event(group: _Group, *, now: datetime, actor: str, stems: dict[str, Path]) -> Event:
    amount = sum(f.open_principal + f.charges_open for f in group.invoices)
    return Event(group.request.customer_id, now, "handoff", actor, {
        "agency": group.result.agency, "commission_pct": str(group.request.commission_pct),
        "invoices": [f.number for f in group.invoices], "currency": group.currency,
        "amount": str(from_minor(amount, group.currency)),
        "files": [p.name for p in _paths(stems[group.result.agency])]})


def recall(session: Session, *, org: Organisation, invoice_number: str, now: datetime,
           actor: str) -> RecallResult:
    """Bring an invoice (and its posted charges) back from the agency to internal collection."""
    found = session.execute(
        select(Invoice.id, Invoice.customer_id, Invoice.kind, AgencyHandoff.agency)
        .outerjoin(AgencyHandoff, AgencyHandoff.id == Invoice.handoff_id)
        .where(Invoice.org_id == org.id, Invoice.number == invoice_number)).first()
    if found is None or found.kind != "invoice":
        raise RecallError(_("there is no invoice {number}", number=invoice_number))
    if found.agency is None:
        raise RecallError(_("{number} is not with a collection agency", number=invoice_number))
    documents = repository.recall_invoice(session, org_id=org.id, invoice_id=found.id, now=now)
    append(session, org_id=org.id, events=[Event(found.customer_id, now, "recall", actor, {
        "invoice": invoice_number, "agency": found.agency, "documents": documents})])
    return RecallResult(invoice_number, found.agency, documents)


def credit_block(session: Session, *, org: Organisation, now: datetime,
                 customer_ids: Sequence[int], actor: str = "run") -> list[int]:
    """Stop selling on credit to these customers; the ids newly blocked (others were already)."""
    blocked = repository.block_credit(session, org_id=org.id, customer_ids=customer_ids, now=now)
    append(session, org_id=org.id, events=[
        Event(cid, now, "credit_block", actor, {"blocked_at": now.isoformat()})
        for cid in blocked])
    return blocked
