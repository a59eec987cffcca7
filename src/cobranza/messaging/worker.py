"""The worker: sends everything due, one short transaction per step (`cobranza worker --once`).

    loop: sweep (commit) -> claim a batch (commit) -> guard (commit) -> compose (read only)
          -> for each action: send, then record its outcome (commit) -> until nothing is due
    then: rebuild the print batch of each run whose letters changed.

Nothing is sent before its claim is committed, and each outcome is committed before the next
message leaves, so a crash anywhere leaves at most one message in doubt (see outbox.py).

Fault injection for the crash tests: with `COBRANZA_FAULT=after_claim` the worker exits at once
(`os._exit(137)`, as a SIGKILL would leave it) right after committing its first claim; with
`COBRANZA_FAULT=after_send` it exits right after the first message the provider accepted, before
recording it: the one window where a resend can deliver a copy. Never set it in production.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cobranza.channels.base import (
    ChannelAdapter,
    NotConfigured,
    Outcome,
    OutgoingMessage,
    SendResult,
)
from cobranza.channels.registry import adapter_for
from cobranza.config import Settings
from cobranza.db import make_engine, session_factory
from cobranza.messaging import letters, webhooks
from cobranza.messaging.compose import ComposeError, LetterJob, compose
from cobranza.messaging.guard import guard
from cobranza.messaging.outbox import (
    LEASE_SECONDS,
    MAX_ATTEMPTS,
    Content,
    claim,
    record_failure,
    record_not_configured,
    record_result,
    sweep,
)
from cobranza.models import CollectionAction

log = logging.getLogger(__name__)
FAULT_ENV = "COBRANZA_FAULT"
FAULT_EXIT = 137  # what a shell reports for a process killed by SIGKILL
Item = OutgoingMessage | LetterJob | ComposeError | webhooks.WebhookRequest


@dataclass
class WorkerReport:
    """What one pass of the worker did, by outcome."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    bounced: int = 0
    cancelled: int = 0
    deferred: int = 0
    not_configured: int = 0
    recovered: int = 0  # rows a previous, interrupted worker left `sending`

    def count(self, status: str) -> None:
        """Count an action that ended a step in `status`."""
        field = {"sent": "sent", "queued": "retried", "failed": "failed",
                 "bounced": "bounced"}[status]
        setattr(self, field, getattr(self, field) + 1)

    def as_dict(self) -> dict[str, int]:
        """The counts as a JSON object."""
        return asdict(self)


@dataclass
class _Pass:
    """What one worker pass works with."""

    sessions: sessionmaker[Session]
    now_fn: Callable[[], datetime]
    settings: Settings
    max_attempts: int
    rng: random.Random
    report: WorkerReport
    adapters: dict[str, ChannelAdapter | NotConfigured]


def fault(point: str) -> None:
    """Exit at once, as a kill would, when COBRANZA_FAULT names this point (crash tests)."""
    if os.environ.get(FAULT_ENV) == point:
        log.warning("fault injection: exiting at %s", point)
        os._exit(FAULT_EXIT)


def run_once(db_url: str, *, now_fn: Callable[[], datetime], settings: Settings,
             batch: int = 50, lease_seconds: float = LEASE_SECONDS,
             max_attempts: int = MAX_ATTEMPTS, ids: Sequence[int] | None = None,
             org_id: int | None = None, rng: random.Random | None = None) -> WorkerReport:
    """Send everything due up to now (or only `ids`, if given) and return what happened."""
    engine = make_engine(db_url)
    work = _Pass(session_factory(engine), now_fn, settings, max_attempts,
                 rng or random.Random(), WorkerReport(), {})
    try:
        while True:
            with work.sessions.begin() as session:
                work.report.recovered += sweep(session, now=now_fn(),
                                               max_attempts=max_attempts)
            with work.sessions.begin() as session:
                claimed = claim(session, org_id=org_id, now=now_fn(), limit=batch,
                                lease_seconds=lease_seconds, ids=ids)
            if not claimed:
                break
            fault("after_claim")
            send_claimed(work, claimed)
        with work.sessions.begin() as session:
            letters.refresh_batches(session, settings=settings)
    finally:
        engine.dispose()
    return work.report


def send_claimed(work: _Pass, ids: Sequence[int]) -> None:
    """Check, compose, send and record a claimed batch, one action at a time."""
    with work.sessions.begin() as session:
        held = guard(session, ids=ids, now=work.now_fn())
    work.report.cancelled += len(held.cancelled)
    work.report.deferred += len(held.deferred)
    if not held.ready:
        return
    with work.sessions() as session:
        actions = list(session.scalars(select(CollectionAction).where(
            CollectionAction.id.in_(held.ready)).order_by(CollectionAction.id)))
        hooks = [a.id for a in actions if a.action == "webhook"]
        items: dict[int, Item] = dict(compose(
            session, action_ids=[a.id for a in actions if a.action != "webhook"],
            now=work.now_fn(), settings=work.settings))
        items.update(webhooks.prepare(session, action_ids=hooks))
    for action in actions:
        _deliver(work, action, items[action.id])


def _adapter(work: _Pass, channel: str) -> ChannelAdapter | NotConfigured:
    if channel not in work.adapters:
        try:
            work.adapters[channel] = adapter_for(channel, work.settings)
        except NotConfigured as exc:
            work.adapters[channel] = exc
    return work.adapters[channel]


def _deliver(work: _Pass, action: CollectionAction, item: Item) -> None:
    """Perform one action and commit its outcome before the next one starts."""
    if isinstance(item, ComposeError):
        with work.sessions.begin() as session:
            record_failure(session, action=action, reason=item.message, now=work.now_fn())
        work.report.failed += 1
        return
    if isinstance(item, LetterJob):
        path = letters.write_letter(item, settings=work.settings)
        _record(work, action, SendResult(Outcome.SENT),
                Content(item.rendered.subject, item.rendered.text, str(path)))
        return
    if isinstance(item, webhooks.WebhookRequest):
        try:
            result = webhooks.post(item, settings=work.settings)
        except NotConfigured as exc:
            _not_configured(work, action, str(exc))
            return
        _record(work, action, result, None)
        return
    adapter = _adapter(work, action.channel)
    if isinstance(adapter, NotConfigured):
        _not_configured(work, action, str(adapter))
        return
    result = adapter.send(item)
    if result.outcome is Outcome.SENT:
        fault("after_send")
    _record(work, action, result, Content(item.subject, item.text, item.to))


def _record(work: _Pass, action: CollectionAction, result: SendResult,
            content: Content | None) -> None:
    with work.sessions.begin() as session:
        status = record_result(session, action=action, result=result, now=work.now_fn(),
                               content=content, max_attempts=work.max_attempts, rng=work.rng)
    work.report.count(status)


def _not_configured(work: _Pass, action: CollectionAction, reason: str) -> None:
    with work.sessions.begin() as session:
        record_not_configured(session, action=action, reason=reason, now=work.now_fn())
    work.report.not_configured += 1
