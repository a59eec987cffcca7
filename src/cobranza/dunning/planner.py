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
from operator import attrgetter
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from cobranza.batching import collector_paused
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
from cobranza.core.dunning import (
    Member,
    PlannedAction,
    action_kind,
    action_order,
    consolidated,
    decide,
)
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
from cobranza.models.base import day_number, from_day_number

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


# Per invoice: its id, its cycle, and the (step code, position) of each step the catch-up skips.
Skips = tuple[int, int, tuple[tuple[str, int], ...]]


@dataclass(slots=True)
class Plan:
    """Everything a run would do.

    What only a writing run needs (the skipped steps one by one, the actions' keys) is expanded
    on first use, so a dry run does not build it.
    """

    as_of: datetime
    today: date
    actions: list[Planned] = field(default_factory=list)
    skips: list[Skips] = field(default_factory=list)
    unreconciled_statements: int = 0
    _invoice_ids: dict[str, list[tuple[int, int]]] | None = field(default=None, init=False,
                                                                  repr=False)

    @property
    def skipped(self) -> list[tuple[int, int, str, int]]:
        """(invoice id, cycle, step code, position) recorded as skipped by the catch-up."""
        return [(invoice_id, cycle, code, position)
                for invoice_id, cycle, steps in self.skips for code, position in steps]

    @property
    def invoice_ids(self) -> dict[str, list[tuple[int, int]]]:
        """The (invoice id, cycle) covered per action key, to record each invoice's progress."""
        if self._invoice_ids is None:
            self._invoice_ids = {p.action.key(): list(p.action.invoice_ids)
                                 for p in self.actions}
        return self._invoice_ids


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


# Where each channel reaches a customer (letters and visits need no address here). Enum member
# lookups and `.value` cost a Python call each, so the hot paths below use these constants.
_ADDRESS: dict[Channel, Callable[[repo.CustomerRow], str | None]] = {
    Channel.EMAIL: attrgetter("email"), Channel.SMS: attrgetter("phone"),
    Channel.WHATSAPP: lambda c: c.whatsapp or c.phone,
    Channel.CALL: lambda c: c.phone or c.whatsapp,
}
_MESSAGE_BY_VALUE = {c.value: c for c in MESSAGE_CHANNELS}
_CHANNEL_OF = {c.value: c for c in Channel}
_NEEDS_CONTACT = frozenset({Action.MESSAGE, Action.CALL})
_SCHEDULED = frozenset({*MESSAGE_CHANNELS, Channel.LETTER, Channel.CALL, Channel.VISIT})
_NO_CHANNEL: tuple[Channel, str | None] = (Channel.NONE, None)


def _address(channel: Channel, customer: repo.CustomerRow) -> str | None:
    """Where a channel reaches the customer (letters and visits need no address here)."""
    found = _ADDRESS.get(channel)
    return found(customer) if found is not None else None


def _static_channel(step: Step) -> Channel | None:
    """The channel of a step whatever the customer (letters, visits, postings, hand-offs);
    None for messages and calls, whose channel depends on the customer's addresses."""
    fixed = FIXED_CHANNEL.get(step.action)
    if fixed is not None:
        return None if fixed is Channel.CALL else fixed
    return None if step.action is Action.MESSAGE else Channel.NONE


def _channel(step: Step, customer: repo.CustomerRow,
             bad: set[tuple[int, str, str]]) -> tuple[Channel, str | None]:
    """The channel and address an action uses; (NONE, None) when the customer has none usable."""
    static = _static_channel(step)
    if static is not None:
        return static, None
    if step.action is Action.CALL:
        phone = _address(Channel.CALL, customer)
        usable = phone and (customer.id, "sms", phone) not in bad \
            and (customer.id, "call", phone) not in bad
        return (Channel.CALL, phone) if usable else _NO_CHANNEL
    wanted = [step.channel] if step.channel else []
    preferred = _MESSAGE_BY_VALUE.get(customer.preferred_channel or "")
    if preferred is not None:
        wanted.append(preferred)
    for channel in [*wanted, *_FALLBACK_ORDER]:
        value = _address(channel, customer)
        if value and (customer.id, channel.value, value) not in bad:
            return channel, value
    return _NO_CHANNEL


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
    moments: dict[tuple[ZoneInfo, time], tuple[datetime, datetime]] = field(default_factory=dict)


# What one invoice does today: the steps it takes, as (position, step, action kind, channel
# value when it does not depend on the customer), and the (code, position) of each ladder step
# the catch-up skips.
_Taken = tuple[tuple[tuple[int, Step, str, str | None], ...], tuple[tuple[str, int], ...]]
# Invoice steps grouped as they consolidate: (customer id, action kind, channel value, currency),
# plain values so that neither keys nor members are tracked by the cyclic collector.
_Groups = dict[tuple[int, str, str, str], list[Member]]


@dataclass(slots=True)
class _Decider:
    """Each invoice's decision, taken once per distinct case when no step has conditions.

    Many invoices share a due date and a progress: without conditions the decision depends on
    nothing else, so it is taken once per distinct case (hundreds, not hundreds of thousands).
    """

    ctx: _Context
    overdue: Mapping[int, Mapping[str, int]]
    positions: dict[int, dict[str, int]] = field(init=False)
    unconditional: set[int] = field(init=False)
    cases: dict[tuple[int, int, tuple[repo.StepRecord, ...], bool], _Taken] = field(
        default_factory=dict)

    def __post_init__(self) -> None:
        strategies = self.ctx.book.strategies
        self.positions = {sid: {s.code: i for i, s in enumerate(strategy.steps)}
                          for sid, strategy in strategies.items()}
        self.unconditional = {sid for sid, strategy in strategies.items()
                              if not any(_has_conditions(s) for s in strategy.steps)}

    def taken(self, case: tuple[int, int, tuple[repo.StepRecord, ...], bool],
              customer_id: int) -> _Taken:
        """The steps an invoice takes today and the ones it skips, for its case:
        (strategy id, effective due date, progress, broken promise)."""
        if case[0] not in self.unconditional:
            return self._decide(*case, customer_id=customer_id)
        found = self.cases.get(case)
        if found is None:
            found = self.cases[case] = self._decide(*case, customer_id=customer_id)
        return found

    def _decide(self, strategy_id: int, due: int, progress: tuple[repo.StepRecord, ...],
                broken: bool, *, customer_id: int) -> _Taken:
        ctx = self.ctx
        decision = decide(
            strategy=ctx.book.strategies[strategy_id], due_date=from_day_number(due),
            today=ctx.today, progress=repo.progress_of(progress), broken_promise=broken,
            eligible=partial(_eligible, customer=ctx.customers[customer_id],
                             org_country=ctx.org.country,
                             overdue=self.overdue.get(customer_id, {})))
        at = self.positions[strategy_id]
        steps = ([decision.chosen] if decision.chosen else []) + list(decision.postings)
        return (tuple((at[s.code], s, action_kind(s), _value(_static_channel(s)))
                      for s in steps),
                tuple((s.code, at[s.code]) for s in decision.skipped))


def _overdue(invoices: list[repo.Candidate], ctx: _Context,
             customers: set[int]) -> dict[int, dict[str, int]]:
    """The amount overdue per currency of each of `customers` (for min_overdue conditions)."""
    today = day_number(ctx.today)
    overdue: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _id, customer_id, _number, currency, due, _cycle, open_amount, _p in invoices:
        if customer_id in customers and due < today:
            overdue[customer_id][currency] += open_amount
    return overdue


def _decide_all(invoices: list[repo.Candidate], ctx: _Context, plan: Plan) -> _Groups:
    """Each invoice's steps today, grouped as they consolidate; skipped steps go to the plan."""
    assignment, strategies = ctx.book.assignment, ctx.book.strategies
    decider = _Decider(ctx, {})
    if len(decider.unconditional) < len(strategies):
        conditional = {cid for cid, sid in assignment.items()
                       if sid in strategies and sid not in decider.unconditional}
        decider.overdue = _overdue(invoices, ctx, conditional)
    # A message's or call's channel depends on the customer and the step (its position): it is
    # chosen once per pair. Other steps' channels come with their case.
    channels: dict[tuple[int, int], str] = {}
    groups: _Groups = {}
    cases, broken = decider.cases, ctx.broken  # the memo is read here: a call per invoice less
    for invoice_id, customer_id, number, currency, due, cycle, amount, progress in invoices:
        strategy_id = assignment.get(customer_id)
        if strategy_id is None or strategy_id not in strategies:
            continue
        case = (strategy_id, due, progress, customer_id in broken)
        steps, skipped = cases.get(case) or decider.taken(case, customer_id)
        if skipped:
            plan.skips.append((invoice_id, cycle, skipped))
        for position, step, kind, channel in steps:
            if channel is None:
                channel = channels.get((customer_id, position))
            if channel is None:
                channel = channels[(customer_id, position)] = _channel(
                    step, ctx.customers[customer_id], ctx.bad)[0].value
            members = groups.get((customer_id, kind, channel, currency))
            if members is None:
                members = groups[(customer_id, kind, channel, currency)] = []
            members.append((position, number, cycle, amount, invoice_id))
    return groups


def _value(channel: Channel | None) -> str | None:
    return channel.value if channel is not None else None


def _has_conditions(step: Step) -> bool:
    cond = step.conditions
    return bool(cond.segments or cond.countries or cond.min_overdue)


def plan_run(reads: repo.Reads, *, org: Organisation, book: StrategyBook,
             as_of: datetime) -> Plan:
    """Every action due as of `as_of` (aware), scheduled by the contact rules; writes nothing."""
    with collector_paused():
        return _plan_run(reads, org=org, book=book, as_of=as_of)


def _plan_run(reads: repo.Reads, *, org: Organisation, book: StrategyBook,
              as_of: datetime) -> Plan:
    org_tz = ZoneInfo(org.timezone)
    today = as_of.astimezone(org_tz).date()
    plan = Plan(as_of=as_of, today=today)
    invoices = reads.candidates(today=today, lead_days=lead_days(book))
    ctx = _Context(org=org, book=book, today=today, as_of=as_of,
                   customers=reads.customers(ids={inv[1] for inv in invoices}),
                   bad=reads.bad_contacts(), broken=reads.broken_promise_customers(),
                   overrides=repo.calendar_overrides(org.calendar_overrides))
    plan.unreconciled_statements = reads.unreconciled_statements()
    actions = _consolidate_all(_decide_all(invoices, ctx, plan), book)
    del invoices  # not needed any more: a plan at 1M invoices peaks lower without them
    _schedule_all(actions, ctx, plan, reads)
    return plan


def _consolidate_all(groups: _Groups, book: StrategyBook) -> list[PlannedAction]:
    """One action per group, in the order actions are planned (`core.dunning.action_order`)."""
    steps = {sid: strategy.steps for sid, strategy in book.strategies.items()}
    actions = [consolidated(customer_id, _CHANNEL_OF[channel], currency, members,
                            steps[book.assignment[customer_id]])
               for (customer_id, _kind, channel, currency), members in groups.items()]
    actions.sort(key=action_order)
    return actions


def _schedule_all(actions: list[PlannedAction], ctx: _Context, plan: Plan,
                  reads: repo.Reads) -> None:
    org_tz = ZoneInfo(ctx.org.timezone)
    zone = cache(partial(_zone, fallback=org_tz))  # a few distinct names for many customers
    zones = {cid: zone(c.timezone) for cid, c in ctx.customers.items()}
    hours = best_hours(
        customer_ids=sorted({a.customer_id for a in actions}),
        replies=reads.reply_hours(),
        segment_of=lambda cid: ctx.customers[cid].segment if cid in ctx.customers else None,
        timezone_of=lambda cid: zones.get(cid, org_tz))
    histories: dict[int, History] = {}
    since = ctx.as_of - timedelta(days=8)
    for cid, channel, when in reads.recent_contacts(since=since):
        if cid in zones:
            histories.setdefault(cid, History()).add(Channel(channel),
                                                     when.astimezone(zones[cid]).date())
    for cid, when in reads.conversations(since=since):
        if cid in zones:
            histories.setdefault(cid, History()).conversations.append(
                when.astimezone(zones[cid]).date())
    # Actions come customer by customer: only the current customer's history is kept.
    current, history = None, History()
    for action in actions:
        cid = action.customer_id
        if cid != current:
            current, history = cid, histories.pop(cid) if cid in histories else History()
        plan.actions.append(_place(action, ctx, zones[cid], hours[cid], history))


def _moment(ctx: _Context, tz: ZoneInfo, hour: time) -> tuple[datetime, datetime]:
    """Now in the debtor's zone, and the debtor's preferred moment today (once per zone, hour)."""
    found = ctx.moments.get((tz, hour))
    if found is None:
        now_local = ctx.as_of.astimezone(tz)
        found = ctx.moments[(tz, hour)] = (now_local, preferred_moment(
            today=now_local.date(), hour=hour, not_before=ctx.as_of, tz=tz))
    return found


def _place(action: PlannedAction, ctx: _Context, tz: ZoneInfo, hour: time,
           history: History) -> Planned:
    customer = ctx.customers[action.customer_id]
    channel = action.channel
    contact = _address(channel, customer)  # the channel was chosen per invoice step
    strategy_id = ctx.book.assignment.get(action.customer_id)
    now_local, target = _moment(ctx, tz, hour)
    if channel not in _SCHEDULED:
        if action.step.action in _NEEDS_CONTACT:  # a message or call that reaches nobody
            return Planned(action, customer, None, now_local, None, "skipped",
                           "no_usable_contact", strategy_id)
        return Planned(action, customer, contact, now_local, None, "queued", None, strategy_id)
    # The debtor (zone, country, hours, the strategy's limits) and its schedule repeat across
    # customers: each is built or computed once per distinct case.
    who = (tz.key, customer.country or ctx.org.country, customer.contact_hours, strategy_id)
    case = (who, hour, channel, tuple(history.written), tuple(history.voice),
            tuple(history.conversations))
    try:
        found = ctx.schedules.get(case)
        if found is None:
            found = ctx.schedules[case] = schedule(target, channel=channel,
                                                   debtor=_debtor(ctx, who, customer, tz,
                                                                  strategy_id),
                                                   history=history, hour=hour)
        when, rule = found
    except NeverAllowed:
        return Planned(action, customer, contact, now_local, None, "skipped",
                       "never_allowed", strategy_id)
    history.add(channel, when.date())
    return Planned(action, customer, contact, when, rule, "queued", None, strategy_id)


def _debtor(ctx: _Context, who: tuple[object, ...], customer: repo.CustomerRow, tz: ZoneInfo,
            strategy_id: int | None) -> Debtor:
    debtor = ctx.debtors.get(who)
    if debtor is None:
        limits = ctx.book.limits.get(strategy_id or -1, Limits())
        debtor = ctx.debtors[who] = debtor_for(customer, org=ctx.org, overrides=ctx.overrides,
                                               limits=limits, tz=tz)
    return debtor
