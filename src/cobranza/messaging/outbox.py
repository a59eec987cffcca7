"""The outbox state machine: claiming due actions, recording each send, retries, bounces, sweeps.

The daily run writes message, letter and webhook actions as `queued` rows in its own transaction
(the outbox pattern, CONVENTIONS.md). The worker moves them on, always in short transactions
that it commits itself (`cobranza.messaging.worker`); the functions here change rows in the
session they are given and never commit:

    queued --claim--> sending --send: accepted--> sent --delivery event--> delivered
                         |  \\--send: temporary--> queued (next_attempt_at = now + backoff)
                         |   \\-- after MAX_ATTEMPTS temporary failures --> failed
                         |    \\--send: bad address--> bounced (+ BadContact, + fallback action)
                         |     \\--send: refused--> failed
                         |      \\--no provider configured--> queued (+15 min, not an attempt)
                         \\--guard: paid, disputed, paused... --> cancelled | queued (deferred)
    sending --lease expired (sweep)--> queued  "recovered after an interrupted send"

Why a crash never loses a message: a row is `sending` (committed by `claim`) before anything
leaves, and it stays `sending` until the provider's answer is committed. A worker killed at any
point leaves it `sending`; once its lease expires `sweep` queues it again and it is sent again.

Where a duplicate remains possible, and why it is harmless: the one window is between the
provider accepting the message and our commit of `sent` (a kill, power loss or lost database
connection right then). The row is swept and sent a second time, but with the SAME idempotency
key, so the copy is the same message to the receiving side:
- e-mail carries `Message-ID: <key@cobranza>` (`cobranza.channels.email.message_id`); mail
  stores and clients treat two messages with one Message-ID as one;
- Twilio requests carry the key as `I-Twilio-Idempotency-Token`; Twilio does not document
  that its Messages API drops a repeat on it, so an SMS or WhatsApp caught in that window may
  reach the debtor twice (the timeline and the provider's id show it);
- WhatsApp Cloud carries the key in `biz_opaque_callback_data` (echoed in its status webhooks,
  not a deduplication either); webhooks carry
  `Idempotency-Key: key`; letters are written to a file named after the key, so a rewrite
  replaces the same file.
The worker sends one message at a time and commits its outcome before the next, so a kill can
leave at most one message in that window. `COBRANZA_FAULT=after_send` (worker.py) kills the
worker exactly there, and tests/e2e/test_worker_kill.py holds the count of copies to it.

Every outcome update is fenced on (`status = 'sending'`, `attempts` as claimed): a worker that
lost its lease to a sweep cannot overwrite what the row's new owner records.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from cobranza.channels.base import DeliveryEvent, Outcome, SendResult
from cobranza.i18n import _
from cobranza.models import BadContact, CollectionAction, Customer
from cobranza.timeline.log import Event, append

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE_SECONDS = 600
NOT_CONFIGURED_DELAY = timedelta(minutes=15)
BACKOFF_BASE = 60.0  # seconds before the second attempt
BACKOFF_CAP = 6 * 3600.0  # never wait more than 6 hours between attempts
MESSAGE_CHANNELS = ("email", "sms", "whatsapp")
SEND_CHANNELS = (*MESSAGE_CHANNELS, "letter")
FALLBACK_ORDER = ("email", "whatsapp", "sms")
_KEY_LENGTH = 64  # collection_actions.key


def sendable() -> ColumnElement[bool]:
    """Actions the worker sends: messages, letters and outgoing webhooks (not tasks, postings)."""
    return or_(CollectionAction.channel.in_(SEND_CHANNELS),
               and_(CollectionAction.channel == "none", CollectionAction.action == "webhook"))


def claim(session: Session, *, org_id: int | None, now: datetime, limit: int,
          lease_seconds: float, ids: Sequence[int] | None = None) -> list[int]:
    """Mark up to `limit` due actions `sending` under a lease, in one UPDATE; their ids.

    The caller commits before sending anything. On PostgreSQL the inner SELECT skips rows another
    worker holds locked, so two workers never claim one row; SQLite serialises writers.
    """
    due = (select(CollectionAction.id)
           .where(CollectionAction.status == "queued", CollectionAction.scheduled_at <= now,
                  or_(CollectionAction.next_attempt_at.is_(None),
                      CollectionAction.next_attempt_at <= now),
                  sendable())
           .order_by(CollectionAction.scheduled_at, CollectionAction.id).limit(limit))
    if org_id is not None:
        due = due.where(CollectionAction.org_id == org_id)
    if ids is not None:
        due = due.where(CollectionAction.id.in_(list(ids)))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = session.execute(
        update(CollectionAction).where(CollectionAction.id.in_(due.scalar_subquery()))
        .values(status="sending", lease_until=now + timedelta(seconds=lease_seconds),
                attempts=CollectionAction.attempts + 1, updated_at=now)
        .returning(CollectionAction.id).execution_options(synchronize_session=False))
    return sorted(claimed.scalars())


def sweep(session: Session, *, now: datetime, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Queue again what stayed `sending` past its lease (a worker died); how many.

    A message whose every attempt was interrupted (a worker that dies on it each time) is
    failed after `max_attempts` instead of being tried forever.
    """
    expired = (CollectionAction.status == "sending", CollectionAction.lease_until < now)
    given_up = session.execute(
        update(CollectionAction).where(*expired, CollectionAction.attempts >= max_attempts)
        .values(status="failed", lease_until=None, next_attempt_at=None, updated_at=now,
                reason=_("gave up after {n} interrupted attempts", n=max_attempts))
        .execution_options(synchronize_session=False))
    result = session.execute(
        update(CollectionAction).where(*expired)
        .values(status="queued", lease_until=None, next_attempt_at=None, updated_at=now,
                reason=_("recovered after an interrupted send"))
        .execution_options(synchronize_session=False))
    count = int(getattr(result, "rowcount", 0) or 0)
    failed = int(getattr(given_up, "rowcount", 0) or 0)
    if count or failed:
        log.warning("recovered %d actions left sending by an interrupted worker; %d failed",
                    count, failed)
    return count


def backoff(attempts: int, *, retry_after: float | None = None,
            rng: random.Random | None = None) -> timedelta:
    """How long to wait after `attempts` failed tries: exponential, jittered, capped.

    The jitter (50-100 % of the step) spreads retries of a batch that failed together; a
    provider's Retry-After is a floor.
    """
    step = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    seconds = step * (0.5 + 0.5 * (rng or random).random())
    if retry_after is not None:
        seconds = max(seconds, min(retry_after, BACKOFF_CAP))
    return timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class Content:
    """What was sent, for the timeline: the rendered subject and text, and where it went."""

    subject: str
    text: str
    to: str | None = None


def _fenced(session: Session, action: CollectionAction, **values: Any) -> bool:
    """Update the row only if it is still ours (sending, with the attempt we claimed)."""
    result = session.execute(
        update(CollectionAction)
        .where(CollectionAction.id == action.id, CollectionAction.status == "sending",
               CollectionAction.attempts == action.attempts)
        .values(**values).execution_options(synchronize_session=False))
    mine = int(getattr(result, "rowcount", 0) or 0) == 1
    if not mine:
        log.warning("action %s was taken over by another worker; outcome %s not recorded",
                    action.id, values.get("status"))
    return mine


def _event(action: CollectionAction, now: datetime, kind: str, **payload: Any) -> Event:
    base = {"action_id": action.id, "key": action.key, "step": action.step_code,
            "channel": action.channel, "invoices": json.loads(action.invoice_numbers or "[]")}
    return Event(action.customer_id, now, kind, "worker", {**base, **payload})


def record_result(session: Session, *, action: CollectionAction, result: SendResult,
                  now: datetime, content: Content | None = None,
                  max_attempts: int = MAX_ATTEMPTS, rng: random.Random | None = None) -> str:
    """Record one attempt's outcome on a claimed action; the status it ends in."""
    if result.outcome is Outcome.SENT:
        return _sent(session, action=action, result=result, now=now, content=content)
    reason = result.reason or _("the provider gave no reason")
    if result.outcome is Outcome.BOUNCED:
        bounce(session, action=action, reason=reason, now=now, status="bounced", fenced=True)
        return "bounced"
    if result.outcome is Outcome.RETRY and action.attempts < max_attempts:
        wait = backoff(action.attempts, retry_after=result.retry_after, rng=rng)
        _fenced(session, action, status="queued", reason=reason, lease_until=None,
                next_attempt_at=now + wait, updated_at=now)
        return "queued"
    if result.outcome is Outcome.RETRY:
        reason = _("gave up after {n} attempts: {reason}", n=action.attempts, reason=reason)
    record_failure(session, action=action, reason=reason, now=now)
    return "failed"


def _sent(session: Session, *, action: CollectionAction, result: SendResult, now: datetime,
          content: Content | None) -> str:
    values: dict[str, Any] = {"status": "sent", "sent_at": now, "provider_id": result.provider_id,
                              "reason": None, "lease_until": None, "next_attempt_at": None,
                              "updated_at": now}
    if content is not None and content.to:
        values["contact"] = content.to
    if _fenced(session, action, **values):
        kind = "letter_written" if action.channel == "letter" else (
            "webhook_sent" if action.action == "webhook" else "message_sent")
        payload: dict[str, Any] = {"provider_id": result.provider_id,
                                   "to": (content.to if content else None) or action.contact}
        if content is not None:
            payload |= {"subject": content.subject, "text": content.text}
        append(session, org_id=action.org_id, events=[_event(action, now, kind, **payload)])
    return "sent"


def record_failure(session: Session, *, action: CollectionAction, reason: str,
                   now: datetime) -> None:
    """A claimed action failed for good: `failed` with the reason, on the timeline."""
    if _fenced(session, action, status="failed", reason=reason, lease_until=None,
               next_attempt_at=None, updated_at=now):
        append(session, org_id=action.org_id,
               events=[_event(action, now, "message_failed", reason=reason)])


def record_not_configured(session: Session, *, action: CollectionAction, reason: str,
                          now: datetime) -> None:
    """No provider for the channel: stay queued with the reason; it is not counted as a try."""
    _fenced(session, action, status="queued", reason=reason, lease_until=None,
            next_attempt_at=now + NOT_CONFIGURED_DELAY, attempts=action.attempts - 1,
            updated_at=now)


def _fallback_key(key: str, channel: str) -> str:
    suffix = f":fb:{channel}"
    return (key + suffix) if len(key) + len(suffix) <= _KEY_LENGTH \
        else key[:_KEY_LENGTH - len(suffix)] + suffix


def fallback_channel(customer: Customer, *, bad: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The next channel the customer has that is not bad, with its address; else a letter.

    Order: the preferred channel, then e-mail, WhatsApp, SMS (issue 3, "Bounce and failure").
    """
    addresses = {"email": customer.email, "whatsapp": customer.whatsapp, "sms": customer.phone}
    order = [customer.preferred_channel or "", *FALLBACK_ORDER]
    for channel in dict.fromkeys(order):
        address = (addresses.get(channel) or "").strip()
        if address and (channel, address.lower()) not in bad:
            return channel, address
    return None


def _plan_fallback(session: Session, *, action: CollectionAction, now: datetime
                   ) -> CollectionAction | None:
    if action.channel == "letter":
        return None
    customer = session.get_one(Customer, action.customer_id)
    bad = {(channel, address.lower()) for channel, address in session.execute(
        select(BadContact.channel, BadContact.address)
        .where(BadContact.customer_id == action.customer_id))}
    found = fallback_channel(customer, bad=bad)
    channel, contact = found if found is not None else ("letter", None)
    key = _fallback_key(action.key, channel)
    if session.scalar(select(CollectionAction.id).where(
            CollectionAction.org_id == action.org_id, CollectionAction.key == key)) is not None:
        return None  # this fallback was planned already (the same bounce reported twice)
    fallback = CollectionAction(
        org_id=action.org_id, customer_id=action.customer_id, key=key,
        strategy_id=action.strategy_id, step_code=action.step_code, cycle=action.cycle,
        action="letter" if channel == "letter" else "message", channel=channel,
        tone=action.tone, template=action.template, invoice_numbers=action.invoice_numbers,
        amount=action.amount, currency=action.currency, scheduled_at=now, status="queued",
        reason=_("fallback after {channel} to {address} failed", channel=action.channel,
                 address=action.contact or "-"),
        contact=contact, attempts=0, fallback_of=action.id, run_at=action.run_at,
        created_at=now, updated_at=now)
    session.add(fallback)
    session.flush()
    return fallback


def bounce(session: Session, *, action: CollectionAction, reason: str, now: datetime,
           status: str = "bounced", fenced: bool = False) -> CollectionAction | None:
    """The address or number is bad: mark it, and plan the next channel; the fallback action."""
    values = {"status": status, "reason": reason, "lease_until": None, "next_attempt_at": None,
              "updated_at": now}
    if fenced:
        if not _fenced(session, action, **values):
            return None
    else:
        session.execute(update(CollectionAction).where(CollectionAction.id == action.id)
                        .values(**values).execution_options(synchronize_session=False))
    if action.contact:
        session.add(BadContact(org_id=action.org_id, customer_id=action.customer_id,
                               channel=action.channel, address=action.contact, reason=reason,
                               at=now))
        session.flush()
    fallback = _plan_fallback(session, action=action, now=now)
    append(session, org_id=action.org_id, events=[_event(
        action, now, "message_bounced", to=action.contact, reason=reason, status=status,
        fallback_channel=fallback.channel if fallback else None,
        fallback_action_id=fallback.id if fallback else None)])
    return fallback


def record_events(session: Session, *, org_id: int, channel: str,
                  events: Sequence[DeliveryEvent], now: datetime) -> int:
    """Apply a provider's delivery reports to the actions they name; how many matched."""
    ids = sorted({e.provider_id for e in events})
    if not ids:
        return 0
    actions = {a.provider_id: a for a in session.scalars(select(CollectionAction).where(
        CollectionAction.org_id == org_id, CollectionAction.channel == channel,
        CollectionAction.provider_id.in_(ids)))}
    timeline: list[Event] = []
    matched = 0
    for event in events:
        action = actions.get(event.provider_id)
        if action is None:
            continue
        matched += 1
        if event.status in ("bounced", "failed") and action.status in ("sent", "delivered"):
            bounce(session, action=action, now=now, status=event.status,
                   reason=event.reason or _("the provider reported the message {status}",
                                            status=event.status))
            action.status = event.status
            continue
        if event.status == "delivered" and action.status == "sent":
            session.execute(update(CollectionAction).where(
                CollectionAction.id == action.id, CollectionAction.status == "sent")
                .values(status="delivered", updated_at=now)
                .execution_options(synchronize_session=False))
            action.status = "delivered"
        timeline.append(_event(action, now, "delivery", status=event.status,
                               reason=event.reason, provider_id=event.provider_id))
    append(session, org_id=org_id, events=timeline)
    return matched
