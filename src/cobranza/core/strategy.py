"""Collection strategies as data: ordered steps with an offset, conditions, an action and a tone.

Pure vocabulary shared by the daily run, the strategy YAML, the templates and the channels
(shared/DOMAIN.md, "Default collection strategy"). Nothing here reads a clock or a database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Action(StrEnum):
    """What a step does."""

    MESSAGE = "message"  # e-mail, SMS or WhatsApp, by the customer's preferred channel
    LETTER = "letter"  # a PDF letter, printed and posted
    CALL = "call"  # a phone-call task for a collector
    VISIT = "visit"  # a visit task for a collector
    FEE = "fee"  # post the late fee (gastos de cobranza) as its own document
    INTEREST = "interest"  # post the accrued late interest as its own document
    AGENCY = "agency"  # hand the invoices to an external collection agency
    CREDIT_BLOCK = "credit_block"  # stop selling on credit to the customer
    WEBHOOK = "webhook"  # POST the action to a URL of the organisation's


class Channel(StrEnum):
    """How an action reaches the debtor (`none` for postings, hand-offs, blocks, webhooks)."""

    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    LETTER = "letter"
    CALL = "call"
    VISIT = "visit"
    NONE = "none"


class Tone(StrEnum):
    """How firm the words are, from the first reminder to the final notice."""

    FRIENDLY = "friendly"
    FIRM = "firm"
    FORMAL = "formal"
    FINAL = "final"


class Anchor(StrEnum):
    """What a step's offset counts from."""

    DUE = "due"  # the invoice's (effective) due date; negative offsets are before it
    PREVIOUS = "previous"  # the day the previous step was done (or skipped)
    MONTH_END = "month_end"  # the last day of the month the invoice falls due in


MESSAGE_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP)
# Actions that reach the debtor; the others are postings and internal hand-offs.
CONTACT_ACTIONS = frozenset({Action.MESSAGE, Action.LETTER, Action.CALL, Action.VISIT})
# Actions that the catch-up treats as one ladder: only the latest due one is done, never a burst.
LADDER_ACTIONS = CONTACT_ACTIONS | {Action.AGENCY}
FIXED_CHANNEL = {Action.LETTER: Channel.LETTER, Action.CALL: Channel.CALL,
                 Action.VISIT: Channel.VISIT}


@dataclass(frozen=True, slots=True)
class Conditions:
    """Who a step applies to; an empty condition applies to everyone."""

    segments: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    # Minimum overdue principal per currency (Decimal in the currency's unit).
    min_overdue: tuple[tuple[str, Decimal], ...] = ()

    def min_overdue_for(self, currency: str) -> Decimal | None:
        """The minimum overdue amount set for `currency`, if any."""
        return dict(self.min_overdue).get(currency)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a strategy."""

    code: str
    action: Action
    offset_days: int
    anchor: Anchor = Anchor.DUE
    channel: Channel | None = None  # messages: None means the customer's preferred channel
    tone: Tone | None = None
    template: str | None = None
    requires_previous: bool = False
    conditions: Conditions = field(default_factory=Conditions)
    # Fee: fixed amount per currency plus a percentage of the overdue principal (DOMAIN.md).
    fee_fixed: tuple[tuple[str, Decimal], ...] = ()
    fee_pct: Decimal = Decimal(0)
    params: tuple[tuple[str, str], ...] = ()  # agency name and commission, webhook URL...

    def param(self, name: str, default: str | None = None) -> str | None:
        """A named parameter of the action."""
        return dict(self.params).get(name, default)


@dataclass(frozen=True, slots=True)
class Strategy:
    """An ordered list of steps, assigned to customers (by default per segment)."""

    code: str
    name: str
    steps: tuple[Step, ...]
    segments: tuple[str, ...] = ()  # the default strategy of these segments
    is_default: bool = False


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def step_day(step: Step, *, due_date: date, previous_done: date | None) -> date | None:
    """The calendar day a step falls due for an invoice, or None while it cannot be placed.

    A step anchored on the previous step cannot be placed until that step was done or skipped.
    """
    if step.anchor is Anchor.DUE:
        return due_date + timedelta(days=step.offset_days)
    if step.anchor is Anchor.MONTH_END:
        return month_end(due_date) + timedelta(days=step.offset_days)
    if previous_done is None:
        return None
    return previous_done + timedelta(days=step.offset_days)
