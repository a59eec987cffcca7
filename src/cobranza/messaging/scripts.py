"""Call scripts (guiones) for collectors: which one fits the call, and its text for the debtor.

Every script follows the same path (shared/DOMAIN.md, default strategy at +15 days): greet, say
who is calling and for which creditor, state the amount, listen, offer an extension or a payment
plan, and record the promise. Mexico requires the caller's identity, the creditor and the amount
to be stated; the scripts state all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from cobranza.i18n import _
from cobranza.messaging.context import MessageContext
from cobranza.messaging.templates import Template, TemplateError, render


class CallSituation(StrEnum):
    """Why the collector is calling."""

    FIRST_CALL = "first_call"
    BROKEN_PROMISE = "broken_promise"  # a promise to pay was not kept
    LARGE_AMOUNT = "large_amount"  # the overdue amount is above the organisation's threshold


SCRIPT_TEMPLATES: Mapping[CallSituation, str] = {
    CallSituation.FIRST_CALL: "call_first",
    CallSituation.BROKEN_PROMISE: "call_broken_promise",
    CallSituation.LARGE_AMOUNT: "call_large_amount",
}


def choose_situation(*, broken_promise: bool, overdue_minor: int,
                     large_threshold_minor: int) -> CallSituation:
    """The script for this call: a broken promise first, then a large amount, else a first call.

    A broken promise wins because the conversation has to start from it, whatever the amount.
    A threshold of zero or less means no amount counts as large.
    """
    if broken_promise:
        return CallSituation.BROKEN_PROMISE
    if large_threshold_minor > 0 and overdue_minor >= large_threshold_minor:
        return CallSituation.LARGE_AMOUNT
    return CallSituation.FIRST_CALL


def call_script(situation: CallSituation, ctx: MessageContext,
                templates: Mapping[str, Template]) -> str:
    """The script's text for this customer, in the customer's language."""
    code = SCRIPT_TEMPLATES[situation]
    template = templates.get(code)
    if template is None:
        raise TemplateError(template=code, language=ctx.language, part="text",
                            problem=_("there is no call script template with this code"))
    return render(template.parts_for(ctx.language), ctx).text
