"""What the run performs itself: postings before writing, hand-offs, blocks and tasks after.

Fees and interest are posted before the run's actions are written, so a posting the law does
not allow yet (a Chilean fee before day 20, a missing UF value) leaves no progress behind and is
tried again by the next run; while bank statements wait to be reconciled, postings are held back
altogether (a payment may be sitting in them: no interest on money already received).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cobranza.agency.service import HandoffRequest, InvalidHandoff, credit_block, hand_off
from cobranza.config import Settings
from cobranza.core.fees import FeeRule
from cobranza.core.money import to_minor
from cobranza.core.strategy import Action
from cobranza.dunning import writes
from cobranza.dunning.planner import Plan, Planned
from cobranza.messaging.compose import contexts
from cobranza.messaging.scripts import call_script, choose_situation
from cobranza.messaging.templates import load_default_templates
from cobranza.models import CollectionAction, CollectionTask, Organisation
from cobranza.postings.service import FeeRequest, InterestRequest, post_fees, post_interest

POSTINGS = (Action.FEE, Action.INTEREST)
# Skip reasons that may clear with time: the step stays pending and the next run tries again.
RETRY_LATER = frozenset({"cl.fee_before_day_20", "cl.uf_rate_missing"})


@dataclass(frozen=True, slots=True)
class Held:
    """A posting the run did not perform, and why."""

    customer: str  # the customer's code
    step: str
    reason: str  # a code
    explanation: str = ""  # the reason in the user's language


def hold_charges(plan: Plan) -> list[Held]:
    """Take fee and interest postings out of the plan while bank statements are unreconciled."""
    postings = [p for p in plan.actions if p.action.step.action in POSTINGS]
    plan.actions = [p for p in plan.actions if p.action.step.action not in POSTINGS]
    return [Held(p.customer.code, p.action.step.code, "unreconciled_statements")
            for p in postings]


def post_charges(session: Session, *, org: Organisation, plan: Plan, now: datetime,
                 hold: bool) -> list[Held]:
    """Post the plan's fee and interest actions; drop the ones that must wait from the plan."""
    if hold:
        return hold_charges(plan)
    postings = [p for p in plan.actions if p.action.step.action in POSTINGS]
    if not postings:
        return []
    fee_requests: list[FeeRequest] = []
    interest_requests: list[InterestRequest] = []
    owner: dict[tuple[int, str], Planned] = {}
    for planned in postings:
        step = planned.action.step
        for invoice_id, cycle in plan.invoice_ids[planned.action.key()]:
            owner[(invoice_id, step.code)] = planned
            if step.action is Action.FEE:
                rule = FeeRule(fixed=step.fee_fixed, pct=step.fee_pct or Decimal(0))
                fee_requests.append(FeeRequest(invoice_id, step.code, cycle, rule))
            else:
                interest_requests.append(InterestRequest(invoice_id, step.code, cycle))
    results = []
    if fee_requests:
        results += post_fees(session, org=org, day=plan.today, now=now,
                             requests=fee_requests).results
    if interest_requests:
        results += post_interest(session, org=org, day=plan.today, now=now,
                                 requests=interest_requests).results
    return _apply_results(plan, results, owner)


def _apply_results(plan: Plan, results: list, owner: dict[tuple[int, str], Planned]  # type: ignore[type-arg]
                   ) -> list[Held]:
    notes: dict[int, list[str]] = defaultdict(list)
    waiting: dict[int, set[int]] = defaultdict(set)
    for res in results:
        planned = owner[(res.invoice_id, res.step_code)]
        if res.status == "posted":
            notes[id(planned)].append(f"{res.number} {res.amount} {res.currency}")
        elif res.reason in RETRY_LATER:
            waiting[id(planned)].add(res.invoice_id)
        else:
            notes[id(planned)].append(res.explanation or res.reason or "")
    held: list[Held] = []
    kept: list[Planned] = []
    for planned in plan.actions:
        key = planned.action.key()
        blocked = waiting.get(id(planned), set())
        if blocked:
            # Invoices whose posting must wait keep no progress for this step.
            plan.invoice_ids[key] = [(i, c) for i, c in plan.invoice_ids[key] if i not in blocked]
            first = next(r for r in results if r.invoice_id in blocked)
            held.append(Held(planned.customer.code, planned.action.step.code,
                             first.reason or "", first.explanation or ""))
            if not plan.invoice_ids[key]:
                continue
        if planned.action.step.action in POSTINGS:
            planned.status = "done"
            planned.reason = "; ".join(notes.get(id(planned), [])) or None
        kept.append(planned)
    plan.actions = kept
    return held


def handoff_dir(settings: Settings) -> Path:
    """Where agency hand-off files are written."""
    return Path(settings.handoff_dir)


def perform(session: Session, *, org: Organisation, plan: Plan, now: datetime,
            settings: Settings) -> None:
    """After the actions are written: open collector tasks, hand off, block credit."""
    ids = writes.action_ids(session, org_id=org.id, keys=[p.action.key() for p in plan.actions])
    by_action: dict[Action, list[Planned]] = defaultdict(list)
    for planned in plan.actions:
        if planned.status != "skipped":
            by_action[planned.action.step.action].append(planned)
    open_tasks(session, org=org, planned=by_action[Action.CALL] + by_action[Action.VISIT],
               ids=ids, now=now, settings=settings)
    _hand_off(session, org=org, plan=plan, planned=by_action[Action.AGENCY], ids=ids, now=now,
              settings=settings)
    _block(session, org=org, planned=by_action[Action.CREDIT_BLOCK], ids=ids, now=now)


def open_tasks(session: Session, *, org: Organisation, planned: list[Planned],
               ids: dict[str, int], now: datetime, settings: Settings) -> None:
    """A call or visit task per action, with its script in the customer's language."""
    if not planned:
        return
    action_ids = [ids[p.action.key()] for p in planned]
    actions = list(session.scalars(select(CollectionAction).where(
        CollectionAction.id.in_(action_ids))))
    found_contexts = contexts(session, org=org, actions=actions, now=now, settings=settings)
    templates = load_default_templates()
    rows = []
    for plan_item, action_id in zip(planned, action_ids, strict=True):
        found = found_contexts.get(action_id)
        if found is None:
            continue
        situation = choose_situation(broken_promise=found.broken_promise,
                                     overdue_minor=plan_item.action.amount,
                                     large_threshold_minor=_large(plan_item.action.currency))
        rows.append({"org_id": org.id, "action_id": action_id,
                     "customer_id": plan_item.action.customer_id,
                     "kind": plan_item.action.channel.value,
                     "collector": plan_item.customer.collector, "situation": situation.value,
                     "script": call_script(situation, found, templates), "status": "open"})
    writes.insert_ignoring_duplicates(session, CollectionTask.__table__,  # type: ignore[arg-type]
                               rows, unique=("action_id",))


# A call about more than this (in the currency's units) follows the large-amount script.
_LARGE = {"CLP": 5_000_000, "MXN": 100_000, "USD": 5_000, "EUR": 5_000, "CLF": 150}


def _large(currency: str) -> int:
    return to_minor(Decimal(_LARGE.get(currency, 5_000)), currency)


def _hand_off(session: Session, *, org: Organisation, plan: Plan, planned: list[Planned],
              ids: dict[str, int], now: datetime, settings: Settings) -> None:
    if not planned:
        return
    requests = [HandoffRequest(
        customer_id=p.action.customer_id,
        invoice_ids=[i for i, _c in plan.invoice_ids[p.action.key()]],
        agency=p.action.step.param("agency") or "agency",
        commission_pct=Decimal(p.action.step.param("commission_pct") or "0"),
        action_id=ids[p.action.key()]) for p in planned]
    try:
        hand_off(session, org=org, day=plan.today, now=now, requests=requests,
                 out_dir=handoff_dir(settings))
    except InvalidHandoff as exc:  # a strategy edited by hand; the rest of the run stands
        session.execute(update(CollectionAction).where(
            CollectionAction.id.in_([ids[p.action.key()] for p in planned]))
            .values(status="failed", reason=str(exc), updated_at=now))
        for item in planned:
            item.status, item.reason = "failed", str(exc)
        return
    _mark_done(session, planned, ids, now=now)


def _block(session: Session, *, org: Organisation, planned: list[Planned], ids: dict[str, int],
           now: datetime) -> None:
    if not planned:
        return
    credit_block(session, org=org, now=now,
                 customer_ids=sorted({p.action.customer_id for p in planned}))
    _mark_done(session, planned, ids, now=now)


def _mark_done(session: Session, planned: list[Planned], ids: dict[str, int], *,
               now: datetime) -> None:
    for item in planned:
        item.status = "done"
    session.execute(update(CollectionAction).where(
        CollectionAction.id.in_([ids[p.action.key()] for p in planned]),
        CollectionAction.status == "planned").values(status="done", updated_at=now))
