"""Composing what is sent: each claimed action's context, its rendered template, its attachment.

A batch of actions is composed with one query per table (customers, organisations, invoices
with their open amounts, letters already sent, agency steps, broken promises); only the
customer's statement PDF is built per customer, as its own document. Each action comes back
as a ready `OutgoingMessage` (e-mail, SMS, WhatsApp), a `LetterJob` (letters.py prints it), or a
`ComposeError` naming the template and the missing field: never a half-rendered message.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parseaddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cobranza.channels.base import Attachment, OutgoingMessage
from cobranza.channels.letter import legal_text_for
from cobranza.config import Settings
from cobranza.core.references import invoice_reference, printed
from cobranza.dunning.strategies import load_templates
from cobranza.i18n import DEFAULT_LANGUAGE, _, language, normalise_language
from cobranza.messaging.context import InvoiceLine, MessageContext
from cobranza.messaging.guard import InvoiceState, invoice_states, local_today, numbers_of
from cobranza.messaging.letterhead import Letterhead
from cobranza.messaging.templates import (
    RenderedMessage,
    Template,
    TemplateError,
    render,
)
from cobranza.models import CollectionAction, Customer, Organisation, Promise, StrategyStep
from cobranza.references.service import CustomerReferences, references_for
from cobranza.reports import statement
from cobranza.reports.render import money
from cobranza.reports.statement_pdf import statement_pdf


@dataclass(frozen=True, slots=True)
class ComposeError:
    """Why an action cannot be composed: the template and field, in the collector's words."""

    action_id: int
    message: str
    template: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class LetterJob:
    """A letter ready to print: its rendered text, context, letterhead and legal text."""

    action_id: int
    key: str
    customer_code: str
    run_at: datetime
    rendered: RenderedMessage
    ctx: MessageContext
    letterhead: Letterhead
    legal_text: str
    timezone: str  # the organisation's: letters are filed by the run's local date


Composed = OutgoingMessage | LetterJob | ComposeError


@dataclass
class _Batch:
    """What one organisation's actions of a batch share, loaded once."""

    org: Organisation
    now: datetime
    today: date  # the organisation's: open amounts are as of the end of this day
    customers: dict[int, Customer]
    invoices: dict[str, InvoiceState]
    letters_sent: dict[tuple[int, int], int]
    agencies: dict[int, str]  # strategy id -> the agency its hand-off step names
    step_params: dict[tuple[int, str], dict[str, object]]  # (strategy id, step code) -> params
    broken: dict[int, date]
    letterhead: Letterhead
    templates: dict[str, Template]
    statements: dict[tuple[int, str], bytes]
    references: dict[int, CustomerReferences]


def debtor_language(customer: Customer, org: Organisation) -> str:
    """The customer's language, else the organisation's locale language, else Spanish."""
    return (normalise_language(customer.language) or normalise_language(org.locale)
            or DEFAULT_LANGUAGE)


def unsubscribe_url(settings: Settings) -> str:
    """The opt-out link of every message: the configured URL, else a mailto to the sender."""
    if settings.unsubscribe_url:
        return settings.unsubscribe_url
    sender = parseaddr(settings.mail_from or "")[1]
    return f"mailto:{sender}?subject=unsubscribe" if sender else ""


def compose(session: Session, *, action_ids: Sequence[int], now: datetime,
            settings: Settings) -> dict[int, Composed]:
    """Build and render each action of a batch (messages and letters)."""
    actions = list(session.scalars(select(CollectionAction).where(
        CollectionAction.id.in_(list(action_ids))).order_by(CollectionAction.id)))
    out: dict[int, Composed] = {}
    for org in session.scalars(select(Organisation).where(
            Organisation.id.in_({a.org_id for a in actions}))):
        mine = [a for a in actions if a.org_id == org.id]
        batch = _load(session, org=org, actions=mine, now=now)
        for action in mine:
            out[action.id] = _compose_one(session, action=action, batch=batch,
                                          settings=settings)
    return out


def contexts(session: Session, *, org: Organisation, actions: list[CollectionAction],
             now: datetime, settings: Settings) -> dict[int, MessageContext]:
    """The template variables of each action that still has an open invoice (call scripts)."""
    batch = _load(session, org=org, actions=actions, now=now)
    found: dict[int, MessageContext] = {}
    for action in actions:
        customer = batch.customers[action.customer_id]
        ctx = context_for(action, batch=batch, customer=customer, settings=settings,
                          lang=debtor_language(customer, org))
        if ctx is not None:
            found[action.id] = ctx
    return found


def _load(session: Session, *, org: Organisation, actions: list[CollectionAction],
          now: datetime) -> _Batch:
    customer_ids = sorted({a.customer_id for a in actions})
    today = local_today(now, org.timezone)
    customers = {c.id: c for c in session.scalars(
        select(Customer).where(Customer.id.in_(customer_ids)))}
    invoices = invoice_states(session, org_id=org.id, as_of=today,
                              numbers=[n for a in actions for n in numbers_of(a)])
    letters = {(cid, cycle): int(n) for cid, cycle, n in session.execute(
        select(CollectionAction.customer_id, CollectionAction.cycle, func.count())
        .where(CollectionAction.org_id == org.id, CollectionAction.customer_id.in_(customer_ids),
               CollectionAction.channel == "letter",
               CollectionAction.status.in_(("sent", "delivered")))
        .group_by(CollectionAction.customer_id, CollectionAction.cycle))}
    strategy_ids = sorted({a.strategy_id for a in actions if a.strategy_id is not None})
    steps: dict[tuple[int, str], dict[str, object]] = {}
    agencies: dict[int, str] = {}
    for sid, code, action, params in session.execute(
            select(StrategyStep.strategy_id, StrategyStep.code, StrategyStep.action,
                   StrategyStep.params).where(StrategyStep.strategy_id.in_(strategy_ids))):
        found = json.loads(params or "{}")
        steps[(sid, code)] = found if isinstance(found, dict) else {}
        name = steps[(sid, code)].get("agency") or steps[(sid, code)].get("agency_name")
        if action == "agency" and name:
            agencies.setdefault(sid, str(name))
    broken = {cid: day for cid, day in session.execute(
        select(Promise.customer_id, func.max(Promise.promised_date))
        .where(Promise.org_id == org.id, Promise.customer_id.in_(customer_ids),
               Promise.status == "broken").group_by(Promise.customer_id))}
    return _Batch(org, now, today, customers, invoices, letters, agencies, steps, broken,
                  Letterhead.from_organisation(org),
                  load_templates(session, org_id=org.id,
                                 codes=sorted({a.template for a in actions if a.template})), {},
                  references_for(session, org_id=org.id, customer_ids=customer_ids))


def _lines(action: CollectionAction, batch: _Batch, today: date) -> list[InvoiceLine]:
    locale = batch.org.locale
    states = [batch.invoices[n] for n in numbers_of(action) if n in batch.invoices]
    live = sorted((s for s in states if s.live and s.currency == action.currency),
                  key=lambda s: (s.due_date, s.number))
    return [InvoiceLine(number=s.number, issue_date=s.issue_date, due_date=s.due_date,
                        amount=money(s.amount, s.currency, locale),
                        open_amount=money(s.open, s.currency, locale),
                        days_past_due=(today - s.due_date).days, currency=s.currency,
                        reference=printed(invoice_reference(s.id)))
            for s in live]


def context_for(action: CollectionAction, *, batch: _Batch, customer: Customer,
                settings: Settings, lang: str) -> MessageContext | None:
    """The template variables of one action, or None when none of its invoices is open."""
    org = batch.org
    today = local_today(batch.now, customer.timezone or org.timezone)  # the debtor's day
    lines = _lines(action, batch, today)
    if not lines:
        return None
    total = sum(batch.invoices[line.number].open for line in lines)
    with language(lang):
        how_to_pay = (org.payment_instructions or "").strip() or _(
            "Pay by bank transfer to {organisation}, quoting your customer number {customer}. "
            "If you have already paid, please let us know.", organisation=org.name,
            customer=customer.code)
    letters = batch.letters_sent.get((customer.id, action.cycle), 0)
    broken = batch.broken.get(customer.id)
    refs = batch.references.get(customer.id)
    return MessageContext(
        customer_name=customer.name, customer_id=customer.code, organisation_name=org.name,
        organisation_tax_id=org.tax_id or "", organisation_email=org.email or "",
        organisation_phone=org.phone or "", organisation_address=org.address or "",
        invoices=tuple(lines), total_open=money(total, action.currency, org.locale),
        currency=action.currency, earliest_due_date=min(line.due_date for line in lines),
        max_days_past_due=max(line.days_past_due for line in lines), how_to_pay=how_to_pay,
        tone=action.tone or "", step=action.step_code, language=lang, today=today,
        letter_number=letters + 1 if action.channel == "letter" else 0,
        agency_name=batch.agencies.get(action.strategy_id or 0, ""),
        broken_promise=broken is not None, promise_date=broken,
        unsubscribe=unsubscribe_url(settings),
        payment_reference=refs.payment_reference if refs else "",
        clabe=(refs.clabe or "") if refs else "")


def _compose_one(session: Session, *, action: CollectionAction, batch: _Batch,
                 settings: Settings) -> Composed:
    customer = batch.customers[action.customer_id]
    lang = debtor_language(customer, batch.org)
    ctx = context_for(action, batch=batch, customer=customer, settings=settings, lang=lang)
    if ctx is None:
        return ComposeError(action.id, _("none of the invoices of this action is still open"))
    code = action.template or ""
    template = batch.templates.get(code)
    if template is None or not template.languages:
        return ComposeError(action.id, _("unknown template '{code}'", code=code), code)
    try:
        rendered = render(template.parts_for(lang), ctx)
    except TemplateError as exc:
        return ComposeError(action.id, str(exc), exc.template, exc.field)
    if action.channel == "letter":
        return LetterJob(action.id, action.key, customer.code, action.run_at, rendered, ctx,
                         batch.letterhead,
                         legal_text_for(customer.country or batch.org.country, lang),
                         batch.org.timezone)
    to = (action.contact or _address(customer, action.channel)).strip()
    if not to:
        return ComposeError(action.id, _("the customer has no {channel} address",
                                         channel=action.channel))
    if action.channel == "email":
        return _email(session, action=action, batch=batch, customer=customer, to=to,
                      rendered=rendered, lang=lang, settings=settings)
    name, params = _whatsapp_template(action, ctx, batch)
    return OutgoingMessage(key=action.key, to=to, subject=rendered.subject,
                           text=rendered.sms or rendered.text, language=lang,
                           unsubscribe=ctx.unsubscribe or None, template_name=name,
                           template_params=params)


def _address(customer: Customer, channel: str) -> str:
    return {"email": customer.email, "sms": customer.phone,
            "whatsapp": customer.whatsapp}.get(channel) or ""


def _email(session: Session, *, action: CollectionAction, batch: _Batch, customer: Customer,
           to: str, rendered: RenderedMessage, lang: str, settings: Settings) -> OutgoingMessage:
    key = (customer.id, lang)
    if key not in batch.statements:
        found = statement.build(session, org=batch.org, customer_code=customer.code,
                                as_of=batch.today)
        batch.statements[key] = statement_pdf(found, letterhead=batch.letterhead,
                                              locale=batch.org.locale, language=lang)
    with language(lang):
        filename = _("statement-{customer}-{date}.pdf", customer=customer.code,
                     date=batch.today.isoformat())
    document = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{html.escape(rendered.subject)}</title></head>"
                f"<body>{rendered.html}</body></html>") if rendered.html else None
    return OutgoingMessage(key=action.key, to=to, subject=rendered.subject, text=rendered.text,
                           html=document, language=lang,
                           attachments=(Attachment(filename, batch.statements[key]),),
                           unsubscribe=unsubscribe_url(settings) or None)


def _whatsapp_template(action: CollectionAction, ctx: MessageContext,
                       batch: _Batch) -> tuple[str | None, tuple[str, ...]]:
    """WhatsApp's approved template, named by the step's `whatsapp_template` parameter.

    Its body parameters are, in order: customer name, total open, earliest due date,
    organisation name (the variables an approved collection template is written with).
    """
    if action.channel != "whatsapp" or action.strategy_id is None:
        return None, ()
    name = batch.step_params.get((action.strategy_id, action.step_code), {}).get(
        "whatsapp_template")
    if not name:
        return None, ()
    return str(name), (ctx.customer_name, ctx.total_open, ctx.earliest_due_date.isoformat(),
                       ctx.organisation_name)
