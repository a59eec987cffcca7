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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """One action for one customer, covering one or more invoices."""

    customer_id: int
    step: Step
    position: int
    channel: Channel
    currency: str
    invoices: tuple[tuple[str, int], ...]  # (number, cycle), sorted
    amount: int

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


def _group(step: Step, channel: Channel, currency: str) -> tuple[str, str, str]:
    # Contacts and hand-offs consolidate whatever their step (one message a day, at the firmest
    # step); postings, blocks and webhooks stay one action per step.
    kind = step.action.value if step.action in LADDER_ACTIONS else f"{step.action}:{step.code}"
    return kind, channel.value, currency


def consolidate(items: Iterable[InvoiceStep]) -> list[PlannedAction]:
    """One action per customer, action kind, channel and currency, at the firmest step."""
    groups: dict[tuple[int, tuple[str, str, str]], list[InvoiceStep]] = {}
    for item in items:
        groups.setdefault((item.customer_id, _group(item.step, item.channel, item.currency)),
                          []).append(item)
    actions = []
    for (customer_id, _kind), members in groups.items():
        top = max(members, key=lambda m: m.position)
        actions.append(PlannedAction(
            customer_id=customer_id, step=top.step, position=top.position, channel=top.channel,
            currency=top.currency,
            invoices=tuple(sorted({(m.invoice_number, m.cycle) for m in members})),
            amount=sum(m.open_amount for m in members)))
    actions.sort(key=lambda a: (a.customer_id, a.position, a.channel.value, a.currency))
    return actions
