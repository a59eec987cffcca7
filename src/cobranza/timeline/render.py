"""Timeline entries as a collector reads them: a label per kind and a one-line summary.

Summaries are built from the entry's stored payload, in the reader's language, so the log
itself stays language-neutral JSON. A kind this module does not know still reads sensibly
(its payload's short fields, `key=value`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from cobranza.accounts.service import dispute_reason_label
from cobranza.i18n import _, current_language, ngettext, normalise_language
from cobranza.models import ActivityEntry
from cobranza.reports.render import money

Payload = Mapping[str, Any]


def kind_label(kind: str) -> str:
    """The entry's kind in the reader's language."""
    labels = {
        "promise": _("promise"), "dispute": _("dispute"), "pause": _("pause"),
        "extension": _("extension"), "payment_plan": _("payment plan"),
        "contact": _("contact"), "satisfaction": _("satisfaction"),
        "call_logged": _("call"), "posting": _("posting"),
        "message_sent": _("message sent"), "letter_written": _("letter"),
        "webhook_sent": _("webhook"), "message_failed": _("message failed"),
        "message_bounced": _("message bounced"), "message_cancelled": _("message cancelled"),
        "delivery": _("delivery"), "action_planned": _("action planned"),
        "handoff": _("agency hand-off"), "credit_block": _("credit block"),
        "payment_matched": _("payment applied"),
        "payment_unmatched": _("payment reversed"),
    }
    return labels.get(kind, kind.replace("_", " "))


def _invoices(payload: Payload) -> str:
    found = payload.get("invoices") or ([payload["invoice"]] if payload.get("invoice") else [])
    return ", ".join(str(n) for n in found)


def _amount(payload: Payload, key: str = "amount") -> str:
    value = payload.get(key)
    return "" if value is None else f"{value} {payload.get('currency') or ''}".strip()


def _promise(p: Payload) -> str:
    event = p.get("event")
    if event == "kept":
        return _("promise of {amount} for {date} kept ({paid} paid since)", amount=_amount(p),
                 date=p.get("date", ""), paid=_amount(p, "paid_since"))
    if event == "broken":
        return _("promise of {amount} for {date} broken ({paid} paid since)",
                 amount=_amount(p), date=p.get("date", ""), paid=_amount(p, "paid_since"))
    text = _("promised {amount} by {date}, taken by {by}", amount=_amount(p),
             date=p.get("date", ""), by=p.get("taken_by", ""))
    return f"{text}: {p['note']}" if p.get("note") else text


def _dispute(p: Payload) -> str:
    if p.get("event") == "resolved":
        return _("dispute on {invoice} resolved by {by}: {resolution}", invoice=_invoices(p),
                 by=p.get("by", ""), resolution=p.get("resolution", ""))
    text = _("dispute on {invoice} opened by {by}: {reason}", invoice=_invoices(p),
             by=p.get("by", ""), reason=dispute_reason_label(str(p.get("reason", ""))))
    return f"{text} ({p['note']})" if p.get("note") else text


def _pause(p: Payload) -> str:
    if p.get("event") == "lifted":
        return _("pause lifted")
    return _("paused until {until} by {by}: {reason}", until=p.get("until", ""),
             by=p.get("by", ""), reason=p.get("reason", ""))


def _extension(p: Payload) -> str:
    return _("{invoice} now due {date} (was {previous}), granted by {by}: {reason}",
             invoice=_invoices(p), date=p.get("due_date", ""),
             previous=p.get("previous_due_date", ""), by=p.get("by", ""),
             reason=p.get("reason", ""))


def _plan(p: Payload) -> str:
    event = p.get("event")
    if event == "completed":
        return _("payment plan completed ({paid} paid)", paid=_amount(p, "paid"))
    if event == "defaulted":
        return _("payment plan defaulted: instalment of {date} unpaid", date=p.get("missed", ""))
    if event == "cancelled":
        return _("payment plan cancelled")
    return ngettext("payment plan of {total} in {n} instalment agreed with {by}",
                    "payment plan of {total} in {n} instalments agreed with {by}",
                    len(p.get("instalments") or []), total=_amount(p, "total"),
                    by=p.get("by", ""))


def _contact(p: Payload) -> str:
    if p.get("event") == "stopped":
        return _("contact stopped: {reason}", reason=p.get("reason") or "")
    return _("contact allowed again")


def _satisfaction(p: Payload) -> str:
    score = p.get("score")
    return _("answered \"{answer}\" (score {score})", answer=p.get("answer", ""),
             score="?" if score is None else score)


def _call(p: Payload) -> str:
    outcome = str(p.get("outcome", ""))
    kind = _("visit") if p.get("kind") == "visit" else _("call")
    text = _("{kind} on {invoices}: {outcome}", kind=kind, invoices=_invoices(p) or "-",
             outcome=outcome_label(outcome))
    if p.get("at"):
        text += " " + _("(call back at {at})", at=p["at"])
    return f"{text}: {p['note']}" if p.get("note") else text


def outcome_label(outcome: str) -> str:
    """A task outcome in the reader's language."""
    labels = {"reached": _("reached"), "no-answer": _("no answer"),
              "wrong-number": _("wrong number"), "promise": _("promise to pay"),
              "dispute": _("dispute"), "callback": _("call back")}
    return labels.get(outcome, outcome)


def _message(p: Payload) -> str:
    parts = [str(p.get("channel") or ""), str(p.get("step") or ""), _invoices(p)]
    head = " · ".join(x for x in parts if x)
    detail = p.get("subject") or p.get("status") or p.get("reason") or p.get("to") or ""
    return f"{head}: {detail}" if detail else head


def _posting(p: Payload) -> str:
    return _("{document} posted on {invoice}: {amount}", document=p.get("document", ""),
             invoice=p.get("invoice") or "-", amount=_amount(p))


def reader_locale(locale: str | None = None) -> str:
    """The Babel locale amounts are written in: `locale` (the organisation's, e.g. es_CL) when
    it is in the reader's language, else the reader's language itself."""
    lang = current_language()
    return locale if locale and normalise_language(locale) == lang else lang


def _minor_money(p: Payload, locale: str | None) -> str:
    """An amount stored in minor units (`amount`, `currency`), formatted for the reader."""
    value, currency = p.get("amount"), str(p.get("currency") or "")
    if not isinstance(value, int) or isinstance(value, bool):
        return _amount(p)
    try:
        return money(value, currency, reader_locale(locale))
    except ValueError:  # a currency cobranza does not know (UnknownCurrency): as stored
        return f"{value} {currency}".strip()


def match_method_label(method: str, confidence: object = None) -> str:
    """How a bank line came to be applied (`auto`, `confirmed`, `picked`, `split`, `manual`)."""
    if method == "auto":
        try:
            shown = str(Decimal(str(confidence)).quantize(Decimal("0.001")))
        except (InvalidOperation, ValueError):
            return _("matched automatically")
        return _("matched automatically with confidence {confidence}", confidence=shown)
    labels = {"confirmed": _("suggestion confirmed by a person"),
              "picked": _("another suggestion picked by a person"),
              "split": _("split among customers by a person"),
              "manual": _("assigned by a person")}
    return labels.get(method, method)


def _payment_matched(p: Payload, locale: str | None = None) -> str:
    invoices = [str(n) for n in p.get("invoices") or []]
    facts = {"amount": _minor_money(p, locale), "date": p.get("date", ""),
             "transaction": p.get("transaction", "")}
    if p.get("recorded"):
        # A bank line that brought a payment the ledger held already (a complement, the
        # accounts): linked to it, nothing added.
        text = _("{amount} received on {date} (bank transaction {transaction}) is the payment "
                 "of {invoices} recorded already; nothing added",
                 invoices=", ".join(invoices) or _("the customer's credit"), **facts)
    elif invoices:
        text = ngettext("{amount} received on {date} (bank transaction {transaction}) "
                        "applied to invoice {invoices}",
                        "{amount} received on {date} (bank transaction {transaction}) "
                        "applied to invoices {invoices}", len(invoices),
                        invoices=", ".join(invoices), **facts)
    else:
        text = _("{amount} received on {date} (bank transaction {transaction}) applied "
                 "on account", **facts)
    method = str(p.get("method") or "")
    return f"{text}; {match_method_label(method, p.get('confidence'))}" if method else text


def _payment_unmatched(p: Payload) -> str:
    if p.get("recorded"):
        return _("bank line {line} no longer stands for the payment recorded before it; the "
                 "invoices are as they were", line=p.get("line", "?"))
    return _("the match of bank line {line} was reversed; its invoices owe again what it paid",
             line=p.get("line", "?"))


def _generic(p: Payload) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(p.items())
                    if isinstance(v, str | int | float | bool) and len(str(v)) <= 60)


_SUMMARIES: dict[str, Callable[[Payload], str]] = {
    "promise": _promise, "dispute": _dispute, "pause": _pause, "extension": _extension,
    "payment_plan": _plan, "contact": _contact, "satisfaction": _satisfaction,
    "call_logged": _call, "posting": _posting, "payment_unmatched": _payment_unmatched,
}
_MESSAGE_KINDS = ("message_sent", "letter_written", "webhook_sent", "message_failed",
                  "message_bounced", "message_cancelled", "delivery", "action_planned")


def summary(kind: str, payload: Payload, *, locale: str | None = None) -> str:
    """A readable one-line summary of an entry; money in `locale` when it is in the reader's
    language (`reader_locale`)."""
    if kind == "payment_matched":
        return _payment_matched(payload, locale)
    if kind in _SUMMARIES:
        return _SUMMARIES[kind](payload)
    if kind in _MESSAGE_KINDS:
        return _message(payload)
    return _generic(payload)


def content(kind: str, payload: Payload) -> str | None:
    """The rendered content of a message entry (subject and text), shown with `--full`."""
    text = payload.get("text") or payload.get("body") or payload.get("content")
    subject = payload.get("subject")
    if not text and not subject:
        return None
    return "\n".join(str(x) for x in (subject, text) if x)


@dataclass(frozen=True, slots=True)
class TimelineLine:
    """One timeline entry ready to show: `at` in the organisation's time zone."""

    seq: int
    at: datetime
    kind: str
    actor: str
    summary: str
    payload: dict[str, Any]
    content: str | None

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of `cobranza timeline --format json` and the timeline endpoint."""
        return {"seq": self.seq, "at": self.at.isoformat(timespec="seconds"), "kind": self.kind,
                "actor": self.actor, "summary": self.summary, "payload": self.payload}


def lines(entries: Iterable[ActivityEntry], *, zone: str,
          locale: str | None = None) -> list[TimelineLine]:
    """Entries as timeline lines, in the order given; `locale` as in `summary`."""
    tz = ZoneInfo(zone)
    shown: list[TimelineLine] = []
    for entry in entries:
        payload = json.loads(entry.payload)
        shown.append(TimelineLine(entry.seq, entry.at.astimezone(tz), entry.kind, entry.actor,
                                  summary(entry.kind, payload, locale=locale), payload,
                                  content(entry.kind, payload)))
    return shown
