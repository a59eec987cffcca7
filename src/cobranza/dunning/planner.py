"""Planning a day's run: every action due for every customer, from a handful of set-based reads.

The reads are whole-ledger SQL (`dunning.repository`); the rules are the pure core
(`core.dunning` for which step, `core.contact` for when); nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache, partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from cobranza.core.contact import (
    Debtor,
    History,
    Limits,
    NeverAllowed,
    pack_for,
    parse_hours,
    preferred_moment,
    schedule,
)
from cobranza.core.dunning import Decision, InvoiceStep, PlannedAction, consolidate, decide
from cobranza.core.money import from_minor
from cobranza.core.strategy import (
    FIXED_CHANNEL,
    MESSAGE_CHANNELS,
    Action,
    Anchor,
    Channel,
    Step,
    Strategy,
)
from cobranza.dunning import repository as repo
from cobranza.dunning.best_hour import best_hours
from cobranza.models import Organisation

_FALLBACK_ORDER = (Channel.EMAIL, Channel.WHATSAPP, Channel.SMS)


@dataclass(slots=True)
class Planned:
    """A planned action with where and when it goes."""

    action: PlannedAction
    customer: repo.CustomerRow
    contact: str | None
    scheduled_at: datetime  # aware, in the debtor's time zone
    deferred_by: str | None
    status: str  # queued | skipped (no usable contact)
    reason: str | None = None
    strategy_id: int | None = None


@dataclass(slots=True)
class Plan:
    """Everything a run would do."""

    as_of: datetime
    today: date
    actions: list[Planned] = field(default_factory=list)
    # (invoice id, cycle, step code, position) recorded as skipped by the catch-up
    skipped: list[tuple[int, int, str, int]] = field(default_factory=list)
    # invoice ids covered per (action key): to record each invoice's progress
    invoice_ids: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    unreconciled_statements: int = 0


@dataclass(frozen=True, slots=True)
class StrategyBook:
    """The organisation's strategies, who follows which, and their contact limits."""

    strategies: Mapping[int, Strategy]
    assignment: Mapping[int, int]  # customer id -> strategy id
    limits: Mapping[int, Limits]


def lead_days(book: StrategyBook) -> int:
    """How many days before the due date the earliest step can fall."""
    earliest = 0
    for strategy in book.strategies.values():
        for step in strategy.steps:
            if step.anchor is not Anchor.PREVIOUS:
                earliest = max(earliest, -step.offset_days)
    return earliest


@cache
def _country_holidays(country: str, year: int) -> frozenset[date]:
    try:
        found = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return frozenset()
    categories = tuple(c for c in ("public", "bank") if c in found.supported_categories)
    return frozenset(holidays.country_holidays(country, years=year, categories=categories))


def holiday_check(country: str, overrides: tuple[set[date], set[date]]) -> Callable[[date], bool]:
    """Whether a day is a bank or public holiday of `country`, with the organisation's overrides."""
    closed, opened = overrides

    def is_holiday(day: date) -> bool:
        if day in opened:
            return False
        return day in closed or day in _country_holidays(country, day.year)
    return is_holiday


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else fallback
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def debtor_for(customer: repo.CustomerRow, *, org: Organisation,
               overrides: tuple[set[date], set[date]], limits: Limits,
               tz: ZoneInfo | None = None) -> Debtor:
    """Where and when a customer may be reached: zone, pack, holidays, own hours, limits."""
    country = customer.country or org.country
    zone = tz or _zone(customer.timezone, ZoneInfo(org.timezone))
    try:
        hours = parse_hours(customer.contact_hours)
    except ValueError:
        hours = None  # malformed hours were refused at import; never block contact on them
    return Debtor(timezone=zone, pack=pack_for(country),
                  is_holiday=holiday_check(country, overrides), hours=hours, limits=limits)


def _eligible(step: Step, *, customer: repo.CustomerRow, org_country: str,
              overdue: Mapping[str, int]) -> bool:
    cond = step.conditions
    if cond.segments and (customer.segment or "") not in cond.segments:
        return False
    if cond.countries and (customer.country or org_country) not in cond.countries:
        return False
    for currency, minimum in cond.min_overdue:
        if from_minor(overdue.get(currency, 0), currency) < Decimal(minimum):
            return False
    return True


def _address(channel: Channel, customer: repo.CustomerRow) -> str | None:
    """Where a channel reaches the customer (letters and visits need no address here)."""
    return {Channel.EMAIL: customer.email, Channel.SMS: customer.phone,
            Channel.WHATSAPP: customer.whatsapp or customer.phone,
            Channel.CALL: customer.phone or customer.whatsapp}.get(channel)


def _channel(step: Step, customer: repo.CustomerRow,
             bad: set[tuple[int, str, str]]) -> tuple[Channel, str | None]:
    """The channel and address an action uses; (NONE, None) when the customer has none usable."""
    if step.action in FIXED_CHANNEL:
        channel = FIXED_CHANNEL[step.action]
        if channel in (Channel.CALL,):
            phone = _address(Channel.CALL, customer)
            usable = phone and (customer.id, "sms", phone) not in bad \
                and (customer.id, "call", phone) not in bad
            return (channel, phone) if usable else (Channel.NONE, None)
        return channel, None
    if step.action is not Action.MESSAGE:
        return Channel.NONE, None
    wanted = [step.channel] if step.channel else []
    if customer.preferred_channel in {c.value for c in MESSAGE_CHANNELS}:
        wanted.append(Channel(customer.preferred_channel))
    for channel in [*wanted, *_FALLBACK_ORDER]:
        value = _address(channel, customer)
        if value and (customer.id, channel.value, value) not in bad:
            return channel, value
    return Channel.NONE, None


@dataclass(slots=True)
class _Context:
    """What planning one organisation's day needs besides the invoices."""

    org: Organisation
    book: StrategyBook
    today: date
    as_of: datetime
    customers: dict[int, repo.CustomerRow]
    bad: set[tuple[int, str, str]]
    broken: set[int]
    overrides: tuple[set[date], set[date]]
    # Debtors and schedules repeat across customers: built and computed once per distinct case.
    debtors: dict[tuple[object, ...], Debtor] = field(default_factory=dict)
    schedules: dict[tuple[object, ...], tuple[datetime, str | None]] = field(default_factory=dict)


def _decide_all(invoices: list[repo.OpenInvoice], ctx: _Context,
                plan: Plan) -> list[tuple[InvoiceStep, int]]:
    """Each invoice's step today; skipped steps go straight into the plan."""
    overdue: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for inv in invoices:
        if inv.due_date < ctx.today:
            overdue[inv.customer_id][inv.currency] += inv.open_amount
    positions = {sid: {s.code: i for i, s in enumerate(strategy.steps)}
                 for sid, strategy in ctx.book.strategies.items()}
    unconditional = {sid for sid, strategy in ctx.book.strategies.items()
                     if not any(_has_conditions(s) for s in strategy.steps)}
    # Many invoices share a due date and a progress: without conditions the decision depends on
    # nothing else, so it is taken once per distinct case (hundreds, not hundreds of thousands).
    decided: dict[tuple[object, ...], Decision] = {}
    chosen: list[tuple[InvoiceStep, int]] = []
    for inv in invoices:
        strategy_id = ctx.book.assignment.get(inv.customer_id)
        strategy = ctx.book.strategies.get(strategy_id) if strategy_id is not None else None
        if strategy is None or strategy_id is None:
            continue
        customer = ctx.customers[inv.customer_id]
        broken = inv.customer_id in ctx.broken
        case = (strategy_id, inv.due_date, frozenset(inv.progress.items()), broken)
        decision = decided.get(case) if strategy_id in unconditional else None
        if decision is None:
            decision = decide(
                strategy=strategy, due_date=inv.due_date, today=ctx.today,
                progress=inv.progress, broken_promise=broken,
                eligible=partial(_eligible, customer=customer, org_country=ctx.org.country,
                                 overdue=overdue[inv.customer_id]))
            if strategy_id in unconditional:
                decided[case] = decision
        at = positions[strategy_id]
        plan.skipped.extend((inv.id, inv.cycle, s.code, at[s.code]) for s in decision.skipped)
        for step in ([decision.chosen] if decision.chosen else []) + list(decision.postings):
            channel, _address = _channel(step, customer, ctx.bad)
            chosen.append((InvoiceStep(inv.customer_id, inv.number, inv.cycle, inv.currency,
                                       inv.open_amount, at[step.code], step, channel),
                           inv.id))
    return chosen


def _has_conditions(step: Step) -> bool:
    cond = step.conditions
    return bool(cond.segments or cond.countries or cond.min_overdue)


def plan_run(reads: repo.Reads, *, org: Organisation, book: StrategyBook,
             as_of: datetime) -> Plan:
    """Every action due as of `as_of` (aware), scheduled by the contact rules; writes nothing."""
    org_tz = ZoneInfo(org.timezone)
    today = as_of.astimezone(org_tz).date()
    plan = Plan(as_of=as_of, today=today)
    invoices = list(reads.open_invoices(today=today, lead_days=lead_days(book)))
    ids = {inv.customer_id for inv in invoices}
    ctx = _Context(org=org, book=book, today=today, as_of=as_of,
                   customers=reads.customers(ids=ids), bad=reads.bad_contacts(),
                   broken=reads.broken_promise_customers(),
                   overrides=repo.calendar_overrides(org.calendar_overrides))
    plan.unreconciled_statements = reads.unreconciled_statements()
    chosen = _decide_all(invoices, ctx, plan)
    by_key: dict[tuple[int, str, int], int] = {
        (item.customer_id, item.invoice_number, item.cycle): inv_id for item, inv_id in chosen}
    actions = consolidate(item for item, _ in chosen)
    _schedule_all(actions, ctx, plan, reads)
    for planned in plan.actions:
        act = planned.action
        plan.invoice_ids[act.key()] = [
            (by_key[(act.customer_id, number, cycle)], cycle) for number, cycle in act.invoices]
    return plan


def _schedule_all(actions: list[PlannedAction], ctx: _Context, plan: Plan,
                  reads: repo.Reads) -> None:
    org_tz = ZoneInfo(ctx.org.timezone)
    zones = {cid: _zone(c.timezone, org_tz) for cid, c in ctx.customers.items()}
    hours = best_hours(
        customer_ids=sorted({a.customer_id for a in actions}), replies=reads.reply_hours(),
        segment_of=lambda cid: ctx.customers[cid].segment if cid in ctx.customers else None,
        timezone_of=lambda cid: zones.get(cid, org_tz))
    histories: dict[int, History] = defaultdict(History)
    since = ctx.as_of - timedelta(days=8)
    for cid, channel, when in reads.recent_contacts(since=since):
        if cid in zones:
            histories[cid].add(Channel(channel), when.astimezone(zones[cid]).date())
    for cid, when in reads.conversations(since=since):
        if cid in zones:
            histories[cid].conversations.append(when.astimezone(zones[cid]).date())
    for action in actions:
        plan.actions.append(_place(action, ctx, zones[action.customer_id],
                                   hours[action.customer_id], histories[action.customer_id]))


def _place(action: PlannedAction, ctx: _Context, tz: ZoneInfo, hour: time,
           history: History) -> Planned:
    customer = ctx.customers[action.customer_id]
    contact = _address(action.channel, customer)  # the channel was chosen per invoice step
    strategy_id = ctx.book.assignment.get(action.customer_id)
    now_local = ctx.as_of.astimezone(tz)
    if action.channel is Channel.NONE and action.step.action in (
            Action.MESSAGE, Action.CALL):
        return Planned(action, customer, None, now_local, None, "skipped",
                       "no_usable_contact", strategy_id)
    limits = ctx.book.limits.get(strategy_id or -1, Limits())
    who = (tz.key, customer.country or ctx.org.country, customer.contact_hours, limits)
    debtor = ctx.debtors.get(who)
    if debtor is None:
        debtor = ctx.debtors[who] = debtor_for(customer, org=ctx.org, overrides=ctx.overrides,
                                               limits=limits, tz=tz)
    target = preferred_moment(today=now_local.date(), hour=hour, not_before=ctx.as_of, tz=tz)
    if action.channel not in (*MESSAGE_CHANNELS, Channel.LETTER, Channel.CALL, Channel.VISIT):
        return Planned(action, customer, contact, now_local, None, "queued", None, strategy_id)
    case = (target, action.channel, who, hour, tuple(history.written), tuple(history.voice),
            tuple(history.conversations))
    try:
        found = ctx.schedules.get(case)
        if found is None:
            found = ctx.schedules[case] = schedule(target, channel=action.channel,
                                                   debtor=debtor, history=history, hour=hour)
        when, rule = found
    except NeverAllowed:
        return Planned(action, customer, contact, now_local, None, "skipped",
                       "never_allowed", strategy_id)
    history.add(action.channel, when.date())
    return Planned(action, customer, contact, when, rule, "queued", None, strategy_id)
