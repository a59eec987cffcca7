"""Which step each invoice takes today, and how one customer's steps become one action.

Pure rules of the daily run (issue "collection engine", item 2):
- a step falls due on its day (`core.strategy.step_day`) once the conditions hold;
- contact steps and the agency hand-off form a ladder: after days without a run only the latest
  due step is taken and the ones it jumps are recorded as skipped, never sent in a burst;
- a step that requires the previous one waits until that one was actually done (sent, printed,
  called), so the catch-up never skips a step that a later one needs;
- postings (fee, interest), credit blocks and webhooks are not contacts: each due one is done once;
- a broken promise makes the next ladder step due at once;
- one customer's steps of the same action, channel and currency on one run are one action that
  lists every invoice concerned, at the firmest step among them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from cobranza.core.strategy import LADDER_ACTIONS, Channel, Step, Strategy, step_day


@dataclass(frozen=True, slots=True)
class Progress:
    """A step already recorded for an invoice in its current cycle."""

    day: date
    performed: bool  # the action was really done (sent, printed, task logged, posted)


@dataclass(frozen=True, slots=True)
class Decision:
    """What one invoice does today."""

    chosen: Step | None  # the ladder step to take, if any
    skipped: tuple[Step, ...]  # ladder steps jumped over by the catch-up
    postings: tuple[Step, ...]  # due fee/interest/credit-block/webhook steps


def decide(*, strategy: Strategy, due_date: date, today: date,
           progress: Mapping[str, Progress], eligible: Callable[[Step], bool],
           broken_promise: bool = False) -> Decision:
    """The steps an invoice takes on `today` given what was already recorded for it."""
    steps = strategy.steps
    days: dict[str, date | None] = {}
    for i, step in enumerate(steps):
        before = progress.get(steps[i - 1].code) if i else None
        days[step.code] = step_day(step, due_date=due_date,
                                   previous_done=before.day if before else None)
    ladder = [i for i, s in enumerate(steps) if s.action in LADDER_ACTIONS]
    last = max((i for i in ladder if steps[i].code in progress), default=-1)
    pending = [i for i in ladder if i > last and eligible(steps[i])]
    due = [i for i in pending if (d := days[steps[i].code]) is not None and d <= today]
    if broken_promise and pending and pending[0] not in due:
        due.insert(0, pending[0])
    chosen = _latest_allowed(steps, due, progress)
    skipped = tuple(steps[i] for i in due if chosen is not None and i < chosen)
    postings = tuple(
        s for s in steps
        if s.action not in LADDER_ACTIONS and s.code not in progress and eligible(s)
        and (d := days[s.code]) is not None and d <= today)
    return Decision(steps[chosen] if chosen is not None else None, skipped, postings)


def _latest_allowed(steps: tuple[Step, ...], due: list[int],
                    progress: Mapping[str, Progress]) -> int | None:
    for i in reversed(due):
        step = steps[i]
        if not step.requires_previous or i == 0:
            return i
        before = progress.get(steps[i - 1].code)
        if before is not None and before.performed:
            return i
    return None


@dataclass(frozen=True, slots=True)
class InvoiceStep:
    """One invoice's chosen step, with what the action needs to know about the invoice."""

    customer_id: int
    invoice_number: str
    cycle: int
    currency: str
    open_amount: int
    position: int
    step: Step
    channel: Channel


class PlannedAction(NamedTuple):
    """One action for one customer, covering one or more invoices.

    Immutable as a named tuple rather than a frozen dataclass: a run plans hundreds of
    thousands, and a frozen dataclass's `__init__` (one `object.__setattr__` per field) costs
    about five times as much.
    """

    customer_id: int
    step: Step
    position: int
    channel: Channel
    currency: str
    invoices: tuple[tuple[str, int], ...]  # (number, cycle), sorted
    amount: int
    # (invoice id, cycle) of each invoice, in the order of `invoices`: where progress is recorded
    invoice_ids: tuple[tuple[int, int], ...] = ()

    @property
    def cycle(self) -> int:
        """The dunning cycle of the action: the newest cycle among its invoices."""
        return max(cycle for _number, cycle in self.invoices)

    @property
    def invoice_numbers(self) -> list[str]:
        """The invoice numbers, sorted."""
        return [number for number, _cycle in self.invoices]

    def key(self) -> str:
        """The action's unique key: customer, step, the invoices it covers and their cycles."""
        covered = ",".join(f"{number}#{cycle}" for number, cycle in self.invoices)
        material = f"{self.customer_id}|{self.step.code}|{covered}"
        return hashlib.sha256(material.encode()).hexdigest()


def action_kind(step: Step) -> str:
    """What an action groups by besides channel and currency.

    Contacts and hand-offs consolidate whatever their step (one message a day, at the firmest
    step); postings, blocks and webhooks stay one action per step.
    """
    return step.action.value if step.action in LADDER_ACTIONS else f"{step.action}:{step.code}"


# One invoice's step as consolidation sees it, in plain values (hundreds of thousands of them):
# (position of the step in its strategy, invoice number, cycle, open amount, invoice id).
Member = tuple[int, str, int, int, int]


def consolidated(customer_id: int, channel: Channel, currency: str, members: Sequence[Member],
                 steps: Sequence[Step] | Mapping[int, Step]) -> PlannedAction:
    """One customer's action out of its members (one kind, channel and currency), at the firmest
    step (`steps` by position)."""
    if len(members) == 1:  # most actions cover one invoice
        position, number, cycle, amount, invoice_id = members[0]
        return PlannedAction(customer_id, steps[position], position, channel, currency,
                             ((number, cycle),), amount, ((invoice_id, cycle),))
    top = total = 0
    covered: dict[tuple[str, int], int] = {}
    for position, number, cycle, amount, invoice_id in members:
        if position > top:
            top = position
        total += amount
        covered[(number, cycle)] = invoice_id
    invoices = tuple(sorted(covered))
    return PlannedAction(customer_id, steps[top], top, channel, currency, invoices, total,
                         tuple([(covered[pair], pair[1]) for pair in invoices]))


# The order actions are planned in: customer, step position, channel, currency. A channel is a
# str enum, so it sorts by its value; a C-level key, since every action is sorted.
action_order = attrgetter("customer_id", "position", "channel", "currency")


def consolidate(items: Iterable[InvoiceStep]) -> list[PlannedAction]:
    """One action per customer, action kind, channel and currency, at the firmest step."""
    groups: dict[tuple[int, str, Channel, str], list[Member]] = {}
    steps: dict[tuple[int, str, Channel, str], dict[int, Step]] = {}
    for item in items:
        key = (item.customer_id, action_kind(item.step), item.channel, item.currency)
        steps.setdefault(key, {}).setdefault(item.position, item.step)
        groups.setdefault(key, []).append((item.position, item.invoice_number, item.cycle,
                                           item.open_amount, 0))
    actions = [consolidated(key[0], key[2], key[3], members, steps[key])
               for key, members in groups.items()]
    actions.sort(key=action_order)
    return actions
