"""Why a posting or a hand-off did nothing, in the user's language, from a reason code.

The codes are stable (callers and JSON test for them); the sentences are for people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cobranza.i18n import _

_MESSAGES: dict[str, Callable[..., str]] = {
    "unknown_invoice": lambda **p: _(
        "there is no invoice with id {id} in this organisation", **p),
    "not_customers_invoice": lambda **p: _(
        "customer {customer} has no invoice with id {id}", **p),
    "not_an_invoice": lambda **p: _(
        "{number} is a posted charge, not an invoice", **p),
    "handed_off": lambda **p: _(
        "{number} is with a collection agency; internal collection of it has stopped", **p),
    "disputed": lambda **p: _(
        "{number} has an open dispute; its collection stops until the dispute is resolved", **p),
    "not_issued": lambda **p: _("{number} was not yet issued on {date}", **p),
    "already_posted": lambda **p: _("{document} was already posted", **p),
    "number_too_long": lambda **p: _(
        "the document number {document} is longer than {limit} characters", **p),
    "nothing_overdue": lambda **p: _("{number} has no overdue principal on {date}", **p),
    "cl.fee_before_day_20": lambda **p: _(
        "{number} is {days} days overdue on {date}; Chilean law allows collection costs only "
        "from 20 days overdue (Ley 19.496 art. 37)", **p),
    "cl.uf_rate_missing": lambda **p: _(
        "no UF value in {currency} for {date}: import that day's UF value "
        "(cobranza import rates) to cap the fee on {number} as Chilean law requires", **p),
    "es.fee_not_in_eur": lambda **p: _(
        "{number} is in {currency}; the Spanish compensation for collection costs is 40 EUR "
        "per late invoice, so fees are posted only on invoices in EUR", **p),
    "cap_reached": lambda **p: _(
        "the fees already posted on {number} reach the legal cap", **p),
    "zero_fee": lambda **p: _("the fee on {number} comes to zero", **p),
    "no_interest": lambda **p: _(
        "no interest has accrued on {number} beyond what was posted, as of {date}", **p),
    "bad_due_in_days": lambda **p: _(
        "request {n}: the days until the charge falls due must be 0 or more, not {value}", **p),
    "bad_step": lambda **p: _(
        "request {n}: a step code and a dunning cycle of 0 or more are required "
        "(got '{step}', {cycle})", **p),
    "negative_fee": lambda **p: _(
        "request {n}: a fee's fixed amount and percentage cannot be negative", **p),
    "settled": lambda **p: _("{number} has nothing open on {date}", **p),
    "already_handed_off": lambda **p: _(
        "{number} was already handed to a collection agency", **p),
}


def explain(reason: str, **params: Any) -> str:
    """The sentence for `reason`, filled with `params`, in the current language."""
    return _MESSAGES[reason](**params)
