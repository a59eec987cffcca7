"""Just before sending, the worker checks again that the debtor may still be contacted."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, select, update

from cobranza.db import session_factory
from cobranza.messaging import outbox
from cobranza.messaging.guard import guard
from cobranza.models import (
    ActivityEntry,
    AgencyHandoff,
    CollectionAction,
    Customer,
    Dispute,
    Invoice,
    Pause,
    PaymentPlan,
    Promise,
)
from tests.integration.messaging.conftest import NOW, PAYMENTS, add_actions, statuses
from tests.support import ok, write_csv


def _guard(engine: Engine) -> tuple[list[int], dict[int, str]]:
    with session_factory(engine).begin() as session:
        ids = outbox.claim(session, org_id=None, now=NOW, limit=50, lease_seconds=600)
    with session_factory(engine).begin() as session:
        found = guard(session, ids=ids, now=NOW)
    return found.ready, found.cancelled


def _ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Customer.code, Customer.id)).tuples().all())


def test_a_payment_recorded_after_the_run_cancels_the_reminder(
        engine: Engine, ledger_url: str, tmp_path: Path) -> None:
    paid, partly = add_actions(engine, {"customer": "C002", "invoices": ["F003"]},
                               {"customer": "C001", "invoices": ["F001", "F002"]})
    ok(ledger_url, "import", "payments", str(write_csv(
        tmp_path / "p.csv", PAYMENTS, "P1,C002,2026-03-19,CLP,80000,F003,,transfer",
        "P2,C001,2026-03-19,CLP,120000,F001,,transfer")))
    ready, cancelled = _guard(engine)
    assert ready == [partly]  # F002 is still open: the reminder goes, about F002 only
    assert cancelled == {paid: "every invoice of this action is paid"}
    assert statuses(engine)[paid] == ("cancelled", "every invoice of this action is paid")
    with engine.connect() as conn:
        assert conn.scalar(select(ActivityEntry.kind)) == "message_cancelled"


def test_a_payment_dated_after_today_does_not_count_yet(
        engine: Engine, ledger_url: str, tmp_path: Path) -> None:
    [action] = add_actions(engine, {"customer": "C002", "invoices": ["F003"]})
    ok(ledger_url, "import", "payments", str(write_csv(
        tmp_path / "p.csv", PAYMENTS, "P1,C002,2026-03-25,CLP,80000,F003,,transfer")))
    assert _guard(engine) == ([action], {})


def test_disputes_and_hand_offs_cancel_with_their_reason(engine: Engine) -> None:
    ids = _ids(engine)
    disputed, handed = add_actions(
        engine, {"customer": "C002", "invoices": ["F003"]},
        {"customer": "C003", "invoices": ["F004"], "channel": "letter", "action": "letter"})
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        f003 = session.scalars(select(Invoice.id).where(Invoice.number == "F003")).one()
        session.add(Dispute(org_id=org_id, customer_id=ids["C002"], invoice_id=f003,
                            reason="wrong_amount", opened_by="ana", opened_at=NOW))
        handoff = AgencyHandoff(org_id=org_id, customer_id=ids["C003"], agency="Recupera",
                                commission_scaled=200_000, invoice_numbers='["F004"]',
                                amount=10000, currency="CLP", created_at=NOW)
        session.add(handoff)
        session.flush()
        session.execute(update(Invoice).where(Invoice.number == "F004")
                        .values(handoff_id=handoff.id))
    assert _guard(engine) == ([], {
        disputed: "the invoices of this action are paid or disputed",
        handed: "the invoices of this action were handed to a collection agency"})


def _stops(org_id: int, customer_id: int) -> list[tuple[object, str]]:
    return [
        (Pause(org_id=org_id, customer_id=customer_id, reason="en litigio",
               until=date(2026, 3, 31), created_by="ana", created_at=NOW),
         "collection is paused until 2026-03-31: en litigio"),
        (Promise(org_id=org_id, customer_id=customer_id, promised_date=date(2026, 3, 27),
                 amount=1, currency="CLP", taken_by="ana", status="open", paid_before=0,
                 created_at=NOW),
         "the customer promised to pay by 2026-03-27"),
        (PaymentPlan(org_id=org_id, customer_id=customer_id, currency="CLP", total=1,
                     instalments="[]", status="current", agreed_by="ana", created_at=NOW),
         "the customer is on a current payment plan"),
        (None, "the customer asked not to be contacted: cease letter of 2026-03-18")]


def test_a_pause_promise_plan_or_cease_request_cancels_every_channel(engine: Engine) -> None:
    ids = _ids(engine)
    actions = add_actions(
        engine, {"customer": "C001", "invoices": ["F001"]},
        {"customer": "C001", "invoices": ["F002"], "channel": "sms"},
        {"customer": "C001", "invoices": ["F001", "F002"], "channel": "letter",
         "action": "letter"})
    with session_factory(engine)() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
    assert org_id is not None
    for stop, reason in _stops(org_id, ids["C001"]):
        with session_factory(engine).begin() as session:
            for model in (Pause, Promise, PaymentPlan):
                session.execute(delete(model))
            if stop is None:
                session.execute(update(Customer).where(Customer.code == "C001").values(
                    do_not_contact=True, do_not_contact_reason="cease letter of 2026-03-18"))
            else:
                session.add(stop)
            session.execute(update(CollectionAction).values(status="queued"))
        assert _guard(engine) == ([], dict.fromkeys(actions, reason))


def test_a_lifted_or_ended_pause_and_a_kept_promise_do_not_stop_contact(engine: Engine) -> None:
    ids = _ids(engine)
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        session.add_all([
            Pause(org_id=org_id, customer_id=ids["C001"], reason="vacaciones",
                  until=date(2026, 3, 19), created_by="ana", created_at=NOW),
            Pause(org_id=org_id, customer_id=ids["C001"], reason="error", until=date(2026, 4, 30),
                  created_by="ana", created_at=NOW, lifted_at=NOW - timedelta(hours=1)),
            Promise(org_id=org_id, customer_id=ids["C001"], promised_date=date(2026, 3, 10),
                    amount=1, currency="CLP", taken_by="ana", status="kept", paid_before=0,
                    created_at=NOW)])
    assert _guard(engine) == ([action], {})


def test_a_webhook_is_not_contact_and_ignores_a_pause(engine: Engine) -> None:
    ids = _ids(engine)
    [hook] = add_actions(engine, {"customer": "C001", "invoices": ["F001"], "channel": "none",
                                  "action": "webhook"})
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        session.add(Pause(org_id=org_id, customer_id=ids["C001"], reason="x",
                          until=date(2026, 4, 30), created_by="ana", created_at=NOW))
    assert _guard(engine) == ([hook], {})


def test_a_message_due_when_the_contact_rules_forbid_it_is_deferred_with_the_rule(
        engine: Engine) -> None:
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    sunday = NOW + timedelta(days=2)  # Sunday 22 March, 09:00 in Santiago: no contact in Chile
    with session_factory(engine).begin() as session:
        ids = outbox.claim(session, org_id=None, now=sunday, limit=50, lease_seconds=600)
    with session_factory(engine).begin() as session:
        found = guard(session, ids=ids, now=sunday)
    assert found.ready == [] and list(found.deferred) == [action]
    with session_factory(engine)() as session:
        row = session.get_one(CollectionAction, action)
    assert (row.status, row.attempts) == ("queued", 0)
    assert row.scheduled_at > sunday and row.deferred_by == found.deferred[action][1]
    assert row.deferred_by and row.reason and row.deferred_by in row.reason
