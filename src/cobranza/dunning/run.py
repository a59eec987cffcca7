"""`cobranza run`: the daily run, planned set-based and written idempotently in one transaction.

The run (issue "collection engine", item 2):
1. settles promises and payment plans whose date has passed (kept or broken);
2. plans every action due for every customer (`dunning.planner`): one step per invoice per run,
   catch-up without bursts, consolidated per customer, scheduled by the contact rules;
3. writes the actions (the outbox), each invoice's progress, collector tasks and the timeline
   in the caller's transaction, and performs postings, hand-offs and credit blocks there too.
A dry run plans the same and writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.accounts.evaluation import evaluate_payment_plans, evaluate_promises
from cobranza.config import Settings
from cobranza.core.money import minor_to_str
from cobranza.core.strategy import Action
from cobranza.dunning import repository as repo
from cobranza.dunning import writes
from cobranza.dunning.execute import Held, perform, post_charges
from cobranza.dunning.planner import Plan, Planned, StrategyBook, plan_run
from cobranza.dunning.strategies import (
    ensure_default_strategy,
    load_limits,
    load_strategies,
    strategy_of_customer,
)
from cobranza.models import CollectionAction, Customer, DunningProgress, Organisation
from cobranza.timeline.log import Event, append


@dataclass(slots=True)
class RunResult:
    """What a run did (or, dry, would do)."""

    plan: Plan
    dry_run: bool
    created: int = 0  # actions written by this run (0 when they existed already)
    held: list[Held] = field(default_factory=list)  # postings held back, with the reason


def book_for(session: Session, *, org_id: int) -> StrategyBook:
    """The organisation's strategies and who follows which."""
    strategies = load_strategies(session, org_id=org_id)
    return StrategyBook(strategies=strategies, assignment=_assignments(session, org_id=org_id),
                        limits=load_limits(session, org_id=org_id))


def _assignments(session: Session, *, org_id: int) -> dict[int, int]:
    """`strategies.assignments`, run on the session's connection: plain rows rather than ORM
    results, for every customer of the organisation (0.7 s -> 0.3 s at 200,000 customers)."""
    expression = strategy_of_customer(session, org_id=org_id)
    rows = session.connection().execute(
        select(Customer.id, expression).where(Customer.org_id == org_id))
    return {cid: sid for cid, sid in rows if sid is not None}


def run(session: Session, *, org: Organisation, as_of: datetime, now: datetime,
        settings: Settings, dry_run: bool = False) -> RunResult:
    """Plan the actions due as of `as_of` and, unless dry, write and perform them."""
    if not dry_run:
        writes.lock_organisation(session, org_id=org.id)
    ensure_default_strategy(session, org=org, now=now)
    _settle_agreements(session, org=org, as_of=as_of, now=now)
    plan = plan_run(repo.Reads(session, org.id), org=org, book=book_for(session, org_id=org.id),
                    as_of=as_of)
    result = RunResult(plan=plan, dry_run=dry_run)
    hold = bool(plan.unreconciled_statements)
    if dry_run:
        # Postings are tried in a savepoint that is always rolled back, so a dry run shows
        # exactly which fees the law lets through today, and writes nothing.
        savepoint = session.begin_nested()
        try:
            result.held = post_charges(session, org=org, plan=plan, now=now, hold=hold)
        finally:
            savepoint.rollback()
        return result
    result.held = post_charges(session, org=org, plan=plan, now=now, hold=hold)
    result.created = _write(session, org=org, plan=plan, now=now)
    perform(session, org=org, plan=plan, now=now, settings=settings)
    return result


def _settle_agreements(session: Session, *, org: Organisation, as_of: datetime,
                       now: datetime) -> None:
    today = as_of.astimezone(ZoneInfo(org.timezone)).date()
    evaluate_promises(session, org=org, today=today, now=now)
    evaluate_payment_plans(session, org=org, today=today, now=now)


def _action_row(org_id: int, planned: Planned, *, as_of: datetime, now: datetime) -> dict[str, object]:
    act = planned.action
    return {
        "org_id": org_id, "customer_id": act.customer_id, "key": act.key(),
        "strategy_id": planned.strategy_id, "step_code": act.step.code, "cycle": act.cycle,
        "action": act.step.action.value, "channel": act.channel.value,
        "tone": act.step.tone.value if act.step.tone else None, "template": act.step.template,
        "invoice_numbers": json.dumps(act.invoice_numbers), "amount": act.amount,
        "currency": act.currency, "scheduled_at": planned.scheduled_at,
        "deferred_by": planned.deferred_by, "status": _initial_status(planned),
        "reason": planned.reason, "contact": planned.contact, "attempts": 0, "run_at": as_of,
        "created_at": now, "updated_at": now,
    }


def _initial_status(planned: Planned) -> str:
    if planned.status in ("skipped", "done"):
        return planned.status  # no usable contact; or a posting the run already performed
    # Hand-offs and credit blocks are performed by the run itself, right after writing.
    if planned.action.step.action in (Action.AGENCY, Action.CREDIT_BLOCK):
        return "planned"
    return "queued"


def _write(session: Session, *, org: Organisation, plan: Plan, now: datetime) -> int:
    keys = [p.action.key() for p in plan.actions]
    existing = set(writes.action_ids(session, org_id=org.id, keys=keys))
    rows = [_action_row(org.id, p, as_of=plan.as_of, now=now) for p in plan.actions]
    writes.insert_ignoring_duplicates(session, CollectionAction.__table__,  # type: ignore[arg-type]
                                      rows, unique=("org_id", "key"))
    ids = writes.action_ids(session, org_id=org.id, keys=keys)
    progress = [
        {"org_id": org.id, "invoice_id": invoice_id, "cycle": cycle, "step_code": code,
         "position": position, "status": "skipped", "action_id": None, "day": plan.today}
        for invoice_id, cycle, code, position in plan.skipped]
    for planned in plan.actions:
        key = planned.action.key()
        progress.extend(
            {"org_id": org.id, "invoice_id": invoice_id, "cycle": cycle,
             "step_code": planned.action.step.code, "position": planned.action.position,
             "status": "done", "action_id": ids[key], "day": plan.today}
            for invoice_id, cycle in plan.invoice_ids[key])
    writes.insert_ignoring_duplicates(session, DunningProgress.__table__,  # type: ignore[arg-type]
                                      progress, unique=("invoice_id", "cycle", "step_code"))
    fresh = [p for p in plan.actions if p.action.key() not in existing]
    append(session, org_id=org.id, events=[_event(p, now) for p in fresh])
    return len(fresh)


def _event(planned: Planned, now: datetime) -> Event:
    act = planned.action
    return Event(customer_id=act.customer_id, at=now, kind="action_planned", actor="run",
                 payload={"step": act.step.code, "action": act.step.action.value,
                          "channel": act.channel.value, "invoices": act.invoice_numbers,
                          "amount": minor_to_str(act.amount, act.currency),
                          "currency": act.currency,
                          "scheduled_at": planned.scheduled_at.isoformat(),
                          "deferred_by": planned.deferred_by, "status": planned.status,
                          "reason": planned.reason})
