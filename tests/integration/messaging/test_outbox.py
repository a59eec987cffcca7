"""The outbox state machine on each engine: claim, sweep, outcomes, bounces, delivery events."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from cobranza.channels.base import DeliveryEvent, Outcome, SendResult
from cobranza.db import session_factory
from cobranza.messaging import outbox
from cobranza.models import ActivityEntry, BadContact, CollectionAction
from tests.integration.messaging.conftest import NOW, add_actions, statuses


def _claim(engine: Engine, limit: int = 50, lease: float = 600) -> list[int]:
    with session_factory(engine).begin() as session:
        return outbox.claim(session, org_id=None, now=NOW, limit=limit, lease_seconds=lease)


def _load(engine: Engine, action_id: int) -> CollectionAction:
    with session_factory(engine)() as session:
        return session.get_one(CollectionAction, action_id)


def _record(engine: Engine, action_id: int, result: SendResult,
            content: outbox.Content | None = None, max_attempts: int = 8) -> str:
    action = _load(engine, action_id)
    with session_factory(engine).begin() as session:
        return outbox.record_result(session, action=action, result=result, now=NOW,
                                    content=content, max_attempts=max_attempts,
                                    rng=random.Random(1))


def _timeline(engine: Engine) -> list[tuple[str, dict[str, object]]]:
    with engine.connect() as conn:
        rows = conn.execute(select(ActivityEntry.kind, ActivityEntry.payload)
                            .order_by(ActivityEntry.id))
        return [(kind, json.loads(payload)) for kind, payload in rows]


def test_claim_takes_only_due_sendable_rows_once(engine: Engine) -> None:
    due, letter, webhook = add_actions(
        engine, {"customer": "C001", "invoices": ["F001"]},
        {"customer": "C003", "invoices": ["F004"], "channel": "letter", "action": "letter"},
        {"customer": "C002", "invoices": ["F003"], "channel": "none", "action": "webhook"})
    add_actions(engine,
                {"customer": "C001", "invoices": ["F002"], "scheduled_at": NOW + timedelta(hours=1)},
                {"customer": "C001", "invoices": ["F001"], "channel": "call", "action": "call"},
                {"customer": "C002", "invoices": ["F003"], "channel": "none", "action": "fee"},
                {"customer": "C002", "invoices": ["F003"], "status": "sent"})
    assert _claim(engine, limit=2) == sorted([due, letter])
    assert _claim(engine) == [webhook]
    assert _claim(engine) == []
    row = _load(engine, due)
    assert (row.status, row.attempts, row.lease_until) == ("sending", 1, NOW + timedelta(minutes=10))


def test_a_retry_waits_for_its_next_attempt(engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    _claim(engine)
    _record(engine, action_id, SendResult(Outcome.RETRY, reason="451 try later"))
    row = _load(engine, action_id)
    assert row.status == "queued" and row.reason == "451 try later"
    assert row.next_attempt_at is not None and row.next_attempt_at > NOW
    assert _claim(engine) == []


@pytest.mark.postgres
def test_two_workers_never_claim_the_same_row_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; SKIP LOCKED is PostgreSQL's")
    ids = add_actions(engine, *({"customer": "C001", "invoices": ["F001"]} for _ in range(6)))
    sessions = session_factory(engine)
    with sessions() as first, sessions() as second:
        mine = outbox.claim(first, org_id=None, now=NOW, limit=4, lease_seconds=60)
        theirs = outbox.claim(second, org_id=None, now=NOW, limit=4, lease_seconds=60)
        first.commit()
        second.commit()
    assert len(mine) == 4 and len(theirs) == 2
    assert sorted(mine + theirs) == ids


def test_sweep_requeues_only_expired_leases(engine: Engine) -> None:
    stale, fresh = add_actions(engine, {"customer": "C001", "invoices": ["F001"]},
                               {"customer": "C002", "invoices": ["F003"]})
    with session_factory(engine).begin() as session:
        outbox.claim(session, org_id=None, now=NOW - timedelta(hours=1), limit=1,
                     lease_seconds=60, ids=[stale])
        outbox.claim(session, org_id=None, now=NOW, limit=1, lease_seconds=600, ids=[fresh])
    with session_factory(engine).begin() as session:
        assert outbox.sweep(session, now=NOW) == 1
    found = statuses(engine)
    assert found[stale] == ("queued", "recovered after an interrupted send")
    assert found[fresh][0] == "sending"
    assert _claim(engine) == [stale]
    assert _load(engine, stale).attempts == 2


def test_backoff_grows_is_capped_jittered_and_honours_retry_after() -> None:
    rng = random.Random(7)
    waits = [outbox.backoff(n, rng=rng).total_seconds() for n in range(1, 12)]
    for n, wait in enumerate(waits, start=1):
        step = min(outbox.BACKOFF_CAP, outbox.BACKOFF_BASE * 2 ** (n - 1))
        assert step / 2 <= wait <= step
    assert waits[-1] <= outbox.BACKOFF_CAP
    assert outbox.backoff(1, retry_after=900, rng=rng).total_seconds() == 900


def test_sent_records_the_provider_id_and_the_rendered_content(engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001", "F002"]})
    _claim(engine)
    status = _record(engine, action_id, SendResult(Outcome.SENT, provider_id="<m1@cobranza>"),
                     outbox.Content("Facturas vencidas", "Estimado cliente...", "pagos@uno.cl"))
    row = _load(engine, action_id)
    assert (status, row.status, row.provider_id, row.sent_at) == (
        "sent", "sent", "<m1@cobranza>", NOW)
    [(kind, payload)] = _timeline(engine)
    assert kind == "message_sent"
    assert payload["subject"] == "Facturas vencidas" and payload["invoices"] == ["F001", "F002"]


def test_temporary_failures_give_up_after_max_attempts(engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    outcomes = []
    for _attempt in range(3):
        with session_factory(engine).begin() as session:
            session.execute(CollectionAction.__table__.update().values(next_attempt_at=None))
        _claim(engine)
        outcomes.append(_record(engine, action_id, SendResult(Outcome.RETRY, reason="down"),
                                max_attempts=3))
    assert outcomes == ["queued", "queued", "failed"]
    assert statuses(engine)[action_id] == ("failed", "gave up after 3 attempts: down")
    assert _timeline(engine)[-1][0] == "message_failed"


def test_a_bounce_marks_the_address_bad_and_falls_back_to_the_next_channel(
        engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    _claim(engine)
    assert _record(engine, action_id, SendResult(Outcome.BOUNCED, reason="550 unknown")) \
        == "bounced"
    with session_factory(engine)() as session:
        bad = session.scalars(select(BadContact)).one()
        fallback = session.scalars(select(CollectionAction).where(
            CollectionAction.fallback_of == action_id)).one()
    assert (bad.channel, bad.address) == ("email", "pagos@uno.cl")
    # C001 prefers e-mail; then WhatsApp comes before SMS.
    assert (fallback.channel, fallback.contact, fallback.status) == (
        "whatsapp", "+56922222222", "queued")
    assert fallback.key == f"{_load(engine, action_id).key}:fb:whatsapp"
    assert fallback.invoice_numbers == '["F001"]'
    assert _timeline(engine)[-1][1]["fallback_channel"] == "whatsapp"


def test_a_customer_with_no_other_channel_falls_back_to_a_letter(engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C002", "invoices": ["F003"]})
    _claim(engine)
    _record(engine, action_id, SendResult(Outcome.BOUNCED, reason="550 unknown"))
    with session_factory(engine)() as session:
        fallback = session.scalars(select(CollectionAction).where(
            CollectionAction.fallback_of == action_id)).one()
    assert (fallback.channel, fallback.action, fallback.contact) == ("letter", "letter", None)


def test_a_permanent_refusal_fails_without_fallback(engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    _claim(engine)
    _record(engine, action_id, SendResult(Outcome.FAILED, reason="554 policy"))
    assert statuses(engine)[action_id] == ("failed", "554 policy")
    assert len(statuses(engine)) == 1


def test_no_provider_keeps_it_queued_without_spending_an_attempt(engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001"], "channel": "sms"})
    _claim(engine)
    with session_factory(engine).begin() as session:
        outbox.record_not_configured(session, action=_load(engine, action_id),
                                     reason="SMS is not configured", now=NOW)
    row = _load(engine, action_id)
    assert (row.status, row.reason, row.attempts) == ("queued", "SMS is not configured", 0)
    assert row.next_attempt_at == NOW + timedelta(minutes=15)


def test_an_outcome_from_a_worker_that_lost_its_lease_is_ignored(engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    _claim(engine, lease=0)
    stale = _load(engine, action_id)
    with session_factory(engine).begin() as session:
        outbox.sweep(session, now=NOW + timedelta(seconds=1))
    _claim(engine)  # a second worker owns it now (attempt 2)
    with session_factory(engine).begin() as session:
        outbox.record_result(session, action=stale, now=NOW,
                             result=SendResult(Outcome.FAILED, reason="late"))
    assert statuses(engine)[action_id][0] == "sending"


def test_delivery_events_update_by_provider_id(engine: Engine) -> None:
    delivered, bounced = add_actions(engine, {"customer": "C001", "invoices": ["F001"]},
                                     {"customer": "C002", "invoices": ["F003"]})
    _claim(engine)
    _record(engine, delivered, SendResult(Outcome.SENT, provider_id="<a@cobranza>"))
    _record(engine, bounced, SendResult(Outcome.SENT, provider_id="<b@cobranza>"))
    org_id = _load(engine, delivered).org_id
    events = [DeliveryEvent("<a@cobranza>", "delivered"),
              DeliveryEvent("<b@cobranza>", "bounced", reason="5.1.1 mailbox unknown"),
              DeliveryEvent("<unknown@cobranza>", "delivered")]
    with session_factory(engine).begin() as session:
        assert outbox.record_events(session, org_id=org_id, channel="email", events=events,
                                    now=NOW) == 2
    found = statuses(engine)
    assert found[delivered][0] == "delivered"
    assert found[bounced] == ("bounced", "5.1.1 mailbox unknown")
    assert [s for s, _r in found.values()].count("queued") == 1  # C002's fallback letter
    kinds = [kind for kind, _p in _timeline(engine)]
    assert kinds.count("delivery") == 1 and kinds.count("message_bounced") == 1
    # The same report again changes nothing more.
    with session_factory(engine).begin() as session:
        outbox.record_events(session, org_id=org_id, channel="email", events=events[1:2],
                             now=NOW)
    assert len(statuses(engine)) == 3


def test_a_message_interrupted_on_every_attempt_is_failed_not_retried_forever(
        engine: Engine) -> None:
    [action_id] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    at = NOW
    for _attempt in range(3):
        with session_factory(engine).begin() as session:
            outbox.sweep(session, now=at, max_attempts=3)
            outbox.claim(session, org_id=None, now=at, limit=5, lease_seconds=60)
        at += timedelta(minutes=5)  # the worker died: the lease runs out
    with session_factory(engine).begin() as session:
        assert outbox.sweep(session, now=at, max_attempts=3) == 0
    assert statuses(engine)[action_id] == ("failed", "gave up after 3 interrupted attempts")
