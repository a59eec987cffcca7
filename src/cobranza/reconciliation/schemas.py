"""JSON shapes of reconciliation, shared by the API and the CLI (no web imports here).

Amounts are decimal strings with the currency's exponent, confidences decimal strings with three
places ("0.970"), dates ISO 8601; never a float.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from cobranza.core.matching import Suggestion
from cobranza.core.money import minor_to_str
from cobranza.models import BankTransaction
from cobranza.models.base import from_day_number
from cobranza.reconciliation.landed import Landed, told
from cobranza.reconciliation.matcher import Verdict
from cobranza.reconciliation.service import Outcome

_MILLI = Decimal("0.001")


def confidence_str(value: Decimal | int | str | float) -> str:
    """A confidence as shown: three decimal places (an int is thousandths, as stored)."""
    if isinstance(value, int):
        return str(Decimal(value).scaleb(-3).quantize(_MILLI))
    return str(Decimal(str(value)).quantize(_MILLI))


def _suggestion(s: Suggestion, outcome: Outcome) -> dict[str, Any]:
    return {"customer_id": outcome.codes.get(s.customer_id, str(s.customer_id)),
            "invoice_numbers": [outcome.numbers.get(i, str(i)) for i in s.invoice_ids],
            "confidence": confidence_str(s.confidence)}


def line_json(verdict: Verdict, outcome: Outcome) -> dict[str, Any]:
    """One line of a reconcile run: its status and best answer, then every suggestion."""
    line = verdict.line
    suggestions = [_suggestion(s, outcome) for s in verdict.suggestions]
    best = suggestions[0] if suggestions else None
    return {"transaction_id": line.transaction_id or str(line.id),
            "date": from_day_number(line.booking_day).isoformat(),
            "amount": minor_to_str(line.amount, line.currency), "currency": line.currency,
            "status": verdict.status,
            "customer_id": best["customer_id"] if best else None,
            "invoice_numbers": best["invoice_numbers"] if best else [],
            "confidence": best["confidence"] if best else None,
            "suggestions": suggestions}


def lines_json(outcome: Outcome) -> dict[str, Any]:
    """What a reconcile run did, line by line: `{"lines": [...]}`."""
    return {"lines": [line_json(v, outcome) for v in outcome.verdicts]}


def stored_suggestions(text: str | None) -> list[dict[str, Any]]:
    """A line's stored suggestions (BankTransaction.suggestions), scores as decimal strings."""
    return [{"customer_id": s["customer_id"], "invoice_numbers": list(s["invoice_numbers"]),
             "confidence": confidence_str(s["confidence"]), "fit": s.get("fit"),
             "evidence": {k: str(Decimal(str(v))) for k, v in (s.get("evidence") or {}).items()}}
            for s in json.loads(text or "[]")]


def review_line(t: BankTransaction) -> ReviewLineOut:
    """A line of the review queue as the API and `reconcile review --format json` give it
    (the line's id where the bank gave no transaction id)."""
    return ReviewLineOut(
        id=t.id, status=t.status, transaction_id=t.transaction_id or str(t.id),
        date=t.booking_date.isoformat(), amount=minor_to_str(t.amount, t.currency),
        currency=t.currency, counterparty_name=t.counterparty_name,
        counterparty_account=t.counterparty_account, remittance=t.remittance,
        suggestions=[StoredSuggestionOut(**s) for s in stored_suggestions(t.suggestions)])


# --- API models ---------------------------------------------------------------------------------

class SuggestionOut(BaseModel):
    """A customer and the invoices a line may pay, with the confidence of it."""

    customer_id: str
    invoice_numbers: list[str]
    confidence: str


class LineOut(BaseModel):
    """One line a reconcile run handled."""

    transaction_id: str
    date: str
    amount: str
    currency: str
    status: str = Field(description="applied | review | unmatched | ignored")
    customer_id: str | None
    invoice_numbers: list[str]
    confidence: str | None
    suggestions: list[SuggestionOut]


class RunIn(BaseModel):
    """Reconcile every pending line; with `auto`, apply the sure matches."""

    auto: bool = False


class RunOut(BaseModel):
    """Every line the run handled."""

    lines: list[LineOut]


class StoredSuggestionOut(SuggestionOut):
    """A suggestion waiting in the review queue, with the evidence behind it."""

    fit: str | None = None
    evidence: dict[str, str] = {}


class ReviewLineOut(BaseModel):
    """A bank line waiting for a person; `id` names it in the decision endpoints. `status`:
    review (suggestions to confirm or pick) or unmatched (money in nothing pointed to a customer
    for: assign, split or ignore it)."""

    id: int
    status: str
    transaction_id: str
    date: str
    amount: str
    currency: str
    counterparty_name: str | None
    counterparty_account: str | None
    remittance: str | None
    suggestions: list[StoredSuggestionOut]


class MatchOut(BaseModel):
    """A bank line (or part of it) applied to a customer's invoices."""

    id: int
    line_id: int
    customer_id: str
    amount: str
    currency: str
    invoice_numbers: list[str]
    confidence: str
    method: str = Field(description="auto | confirmed | picked | split | manual")
    created_at: str
    created_by: str | None
    reversed_at: str | None
    reversed_by: str | None


class SettledOut(BaseModel):
    """What (part of) a line settled of one invoice (its late charges included)."""

    invoice_number: str
    amount: str


class LandedOut(BaseModel):
    """Where a part of a line went after a person's decision (`reconciliation.landed`)."""

    customer_id: str
    amount: str
    currency: str
    invoices: list[SettledOut] = Field(description="what the invoices named received")
    other_invoices: list[SettledOut] = Field(
        description="the rest, applied to the customer's other open invoices")
    unapplied: str = Field(description="what stays as the customer's unapplied credit")
    recorded: bool = Field(description="the payment was on the ledger already: nothing added")
    not_paid: list[str] = Field(
        description="invoices named that the payment recorded before did not pay")
    messages: list[str] = Field(description="the same, in the request's language")


def landed_out(part: Landed) -> LandedOut:
    """A part's outcome as the API gives it."""
    def settled(pairs: tuple[tuple[str, int], ...]) -> list[SettledOut]:
        return [SettledOut(invoice_number=n, amount=minor_to_str(a, part.currency))
                for n, a in pairs]
    return LandedOut(customer_id=part.customer,
                     amount=minor_to_str(part.amount, part.currency), currency=part.currency,
                     invoices=settled(part.named), other_invoices=settled(part.others),
                     unapplied=minor_to_str(part.unapplied, part.currency),
                     recorded=part.recorded, not_paid=list(part.not_paid),
                     messages=told(part))


class LineStateOut(BaseModel):
    """A line after a decision: its status and its active matches; after applying it, where
    each part's money went (`parts`)."""

    id: int
    status: str
    matches: list[MatchOut]
    parts: list[LandedOut] = []


class ConfirmIn(BaseModel):
    """Apply the line's suggestion number `pick` (1 = the best)."""

    pick: int = 1


_REST = ("what exceeds the open amount of the invoices named goes to the customer's other "
         "open invoices, or stays as their credit; without it such an amount is refused")


class AssignIn(BaseModel):
    """Apply the whole line to a customer, optionally to these invoices."""

    customer_id: str
    invoice_numbers: list[str] = []
    rest_on_account: bool = Field(False, description=_REST)


class PartIn(BaseModel):
    """A part of a split line: an amount (a decimal string) for one customer."""

    customer_id: str
    amount: str
    invoice_numbers: list[str] = []
    rest_on_account: bool = Field(False, description=_REST)


class SplitIn(BaseModel):
    """Split the line between customers; the parts add up to the line."""

    parts: list[PartIn]
