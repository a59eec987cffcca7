"""JSON shapes of the account and task endpoints, and the parsing both interfaces share.

Request fields are optional strings on purpose: the parsers below check them and refuse with a
message in the user's language located at the field (`InvalidInput`), the same message the CLI
prints for its option. Amounts travel as decimal strings (DOMAIN.md, Money).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from cobranza.accounts.errors import InvalidInput
from cobranza.i18n import _

_AMOUNT = re.compile(r"[+-]?(\d+([.,]\d+)?|[.,]\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_amount(value: str | int | None, field: str) -> Decimal:
    """An amount such as `1500`, `1500.50` or `1500,50` (a decimal comma), exactly."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise InvalidInput(field, _("missing value; this is required"))
    if not _AMOUNT.fullmatch(text):
        raise InvalidInput(field, _("'{value}' is not an amount; expected a number such as "
                                    "1500 or 1500.50", value=text))
    return Decimal(text.replace(",", "."))


def parse_date(value: str | None, field: str) -> date:
    """A YYYY-MM-DD date."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, _("missing value; this is required"))
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, _("'{value}' is not a date; expected YYYY-MM-DD",
                                    value=text)) from None


def parse_moment(value: str | None, field: str, zone: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is local time in `zone`."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, _("missing value; this is required"))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, _("'{value}' is not a date and time; expected ISO 8601 such "
                                    "as 2026-03-10T10:00 or 2026-03-10T10:00-03:00",
                                    value=text)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def parse_instalment(value: str, field: str) -> tuple[date, Decimal]:
    """One instalment written `DATE:AMOUNT`, e.g. `2026-04-30:150000`."""
    day, sep, amount = value.partition(":")
    if not sep:
        raise InvalidInput(field, _("'{value}' is not DATE:AMOUNT, e.g. 2026-04-30:150000",
                                    value=value))
    try:
        return parse_date(day, field), parse_amount(amount, field)
    except InvalidInput as error:
        raise InvalidInput(field, f"'{value}': {error.message}") from None


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PromiseIn(_In):
    """A promise to pay: `date` YYYY-MM-DD, `amount` a decimal string; `currency` defaults to the
    only one the customer owes in; `taken_by` to the API key's name."""

    date: str | None = None
    amount: str | int | None = None
    currency: str | None = None
    taken_by: str | None = None
    note: str | None = None


class PromiseOut(BaseModel):
    """A promise and where it stands (open, kept, broken or cancelled)."""

    id: int
    customer_id: str
    date: str
    amount: str
    currency: str
    status: str
    taken_by: str
    note: str | None
    created_at: str
    resolved_at: str | None


class DisputeIn(_In):
    """A dispute: `reason` is not_received, wrong_amount, quality, service, already_paid or
    other."""

    reason: str | None = None
    note: str | None = None
    opened_by: str | None = None


class ResolutionIn(_In):
    """How a dispute was resolved."""

    resolution: str | None = None
    resolved_by: str | None = None


class DisputeOut(BaseModel):
    """A dispute on one invoice."""

    id: int
    invoice: str
    customer_id: str
    reason: str
    note: str | None
    opened_by: str
    opened_at: str
    status: str  # open|resolved
    resolution: str | None
    resolved_by: str | None
    resolved_at: str | None


class PauseIn(_In):
    """Pause collection until a date (inclusive) with a reason."""

    reason: str | None = None
    until: str | None = None
    created_by: str | None = None


class PauseOut(BaseModel):
    """A pause of a customer's collection."""

    id: int
    customer_id: str
    reason: str
    until: str
    created_by: str
    lifted_at: str | None


class ExtensionIn(_In):
    """A new due date for an invoice, with why."""

    due_date: str | None = None
    reason: str | None = None
    granted_by: str | None = None


class ExtensionOut(BaseModel):
    """An extension granted."""

    id: int
    invoice: str
    due_date: str
    granted_by: str
    reason: str


class InstalmentIn(_In):
    """One instalment of a payment plan."""

    date: str | None = None
    amount: str | int | None = None


class PaymentPlanIn(_In):
    """A payment plan: instalments in date order."""

    instalments: list[InstalmentIn] = []
    currency: str | None = None
    agreed_by: str | None = None


class InstalmentOut(BaseModel):
    """One instalment as stored."""

    date: str
    amount: str


class PaymentPlanOut(BaseModel):
    """A payment plan and its status (current, completed, defaulted or cancelled)."""

    id: int
    customer_id: str
    currency: str
    total: str
    status: str
    instalments: list[InstalmentOut]
    agreed_by: str


class SatisfactionIn(_In):
    """The customer's answer to "how was our service?"."""

    answer: str | None = None
    action_id: int | None = None


class SatisfactionOut(BaseModel):
    """The answer kept, with the 1-5 score read from it (null when unclear)."""

    id: int
    customer_id: str
    answer: str
    score: int | None


class ContactIn(_In):
    """Stop all contact (`do_not_contact: true`, reason required) or allow it again."""

    do_not_contact: bool = True
    reason: str | None = None


class TimelineEntryOut(BaseModel):
    """One entry of the customer's timeline; `at` in the organisation's time zone."""

    seq: int
    at: str
    kind: str
    actor: str
    summary: str
    payload: dict[str, Any]


class TaskOut(BaseModel):
    """A call or visit task; `scheduled_at` in ISO 8601 with the debtor's offset."""

    id: int
    customer_id: str
    kind: str
    step: str
    scheduled_at: str
    collector: str | None
    status: str


class OutcomeIn(_In):
    """How a task went: reached, no-answer, wrong-number, promise (with `promise_date` and
    `amount`), dispute (with `reason`) or callback (with `at`)."""

    outcome: str | None = None
    promise_date: str | None = None
    amount: str | int | None = None
    reason: str | None = None
    note: str | None = None
    at: str | None = None
