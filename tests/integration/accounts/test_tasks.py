"""Collector tasks: the queue at the debtor's local time, and what each logged outcome does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.accounts import repository
from cobranza.accounts.errors import InvalidInput, NotFound
from cobranza.accounts.service import open_dispute
from cobranza.i18n import language
from cobranza.models import BadContact, CollectionAction, CollectionTask, Dispute, Promise
from cobranza.tasks.service import list_tasks, log_outcome
from tests.integration.accounts.helpers import NOW, counts, make_task, timeline_kinds, uow

TEN_AM_SANTIAGO = datetime(2026, 4, 2, 13, 0, tzinfo=UTC)  # 10:00 -03:00
NOON_MEXICO = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)  # 12:00 -06:00


def _action(session: Session, task: CollectionTask) -> CollectionAction:
    return session.execute(select(CollectionAction).where(
        CollectionAction.id == task.action_id)).scalar_one()


def test_the_queue_is_in_time_order_at_the_debtors_local_time(db: str) -> None:
    with uow(db) as (session, org):
        mx = make_task(session, org, "M001", invoices=["FM1"], scheduled_at=NOON_MEXICO,
                       currency="MXN", amount=16025, collector="luis", kind="visit")
        cl = make_task(session, org, "C001", invoices=["F001"], scheduled_at=TEN_AM_SANTIAGO)
        # C002 has no time zone of its own: the organisation's is used.
        c2 = make_task(session, org, "C002", invoices=["F004"],
                       scheduled_at=TEN_AM_SANTIAGO + timedelta(hours=1))
        tasks = list_tasks(session, org=org)
        assert [t.to_json() for t in tasks] == [
            {"id": cl.id, "customer_id": "C001", "kind": "call", "step": "call_15",
             "scheduled_at": "2026-04-02T10:00:00-03:00", "collector": "ana", "status": "open"},
            {"id": c2.id, "customer_id": "C002", "kind": "call", "step": "call_15",
             "scheduled_at": "2026-04-02T11:00:00-03:00", "collector": "ana", "status": "open"},
            {"id": mx.id, "customer_id": "M001", "kind": "visit", "step": "call_15",
             "scheduled_at": "2026-04-02T12:00:00-06:00", "collector": "luis",
             "status": "open"}]
        assert [t.id for t in list_tasks(session, org=org, collector="luis")] == [mx.id]
        log_outcome(session, org=org, now=NOW, actor="ana", task_id=cl.id, outcome="reached")
        assert [t.id for t in list_tasks(session, org=org)] == [c2.id, mx.id]
        assert [t.id for t in list_tasks(session, org=org, status="done")] == [cl.id]
        assert len(list_tasks(session, org=org, status="all")) == 3
        with language("en"), pytest.raises(InvalidInput, match="not a task status"):
            list_tasks(session, org=org, status="closed")


@pytest.mark.parametrize("outcome", ["reached", "no-answer"])
def test_a_plain_outcome_closes_the_task_and_its_action(db: str, outcome: str) -> None:
    with uow(db) as (session, org):
        task = make_task(session, org, "C001", invoices=["F001"], scheduled_at=TEN_AM_SANTIAGO)
        log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id, outcome=outcome,
                    note="  habló la secretaria ")
        assert (task.status, task.outcome, task.done_at, task.done_by, task.note) == (
            "done", outcome, NOW, "ana", "habló la secretaria")
        assert _action(session, task).status == "done"
        assert timeline_kinds(session, "C001") == [("call_logged", {
            "task_id": task.id, "kind": "call", "outcome": outcome,
            "note": "habló la secretaria", "invoices": ["F001"]})]
        with language("en"), pytest.raises(InvalidInput, match="already done"):
            log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id,
                        outcome="reached")


def test_a_promise_outcome_records_a_promise_in_the_tasks_currency(db: str) -> None:
    with uow(db) as (session, org):
        task = make_task(session, org, "M001", invoices=["FM1"], scheduled_at=NOON_MEXICO,
                         currency="MXN", amount=16025)
        log_outcome(session, org=org, now=NOW, actor="luis", task_id=task.id, outcome="promise",
                    promise_date=date(2026, 4, 8), amount=Decimal("160.25"), note="paga el 8")
        promise = session.execute(select(Promise)).scalar_one()
        assert (promise.currency, promise.amount, promise.promised_date, promise.taken_by,
                promise.note) == ("MXN", 16025, date(2026, 4, 8), "luis", "paga el 8")
        kinds = timeline_kinds(session, "M001")
        assert [k for k, _p in kinds] == ["promise", "call_logged"]
        assert kinds[1][1]["promise_id"] == promise.id and task.status == "done"


def test_a_promise_outcome_needs_a_valid_date_and_amount(db: str) -> None:
    with uow(db) as (session, org), language("en"):
        task = make_task(session, org, "C001", invoices=["F001"], scheduled_at=TEN_AM_SANTIAGO)
        before = counts(session)
        for kwargs, field, message in [
            ({"amount": Decimal(1000)}, "promise_date", "a promise needs its date"),
            ({"promise_date": date(2026, 4, 8)}, "amount", "a promise needs its amount"),
            ({"promise_date": date(2026, 3, 8), "amount": Decimal(1000)}, "promise_date",
             "2026-03-08 is in the past"),
            ({"promise_date": date(2026, 4, 8), "amount": Decimal("10.5")}, "amount",
             "more decimals than CLP allows"),
        ]:
            with pytest.raises(InvalidInput) as refused:
                log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id,
                            outcome="promise", **kwargs)
            assert refused.value.field == field and message in refused.value.message
            assert counts(session) == before and task.status == "open"


def test_a_dispute_outcome_disputes_the_tasks_invoices(db: str) -> None:
    with uow(db) as (session, org):
        task = make_task(session, org, "C001", invoices=["F001", "F002"],
                         scheduled_at=TEN_AM_SANTIAGO)
        with language("en"), pytest.raises(InvalidInput, match="a dispute needs its reason"):
            log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id,
                        outcome="dispute", note="no le llegó")
        open_dispute(session, org=org, now=NOW, actor="ana", invoice_number="F002",
                     reason="other")
        log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id, outcome="dispute",
                    reason="not_received", note="no le llegó la factura")
        disputes = {r.invoice_number: r.dispute for r in
                    repository.disputes(session, org_id=org.id)}
        # F002 already had an open dispute: it is left as it was.
        assert (disputes["F001"].reason, disputes["F001"].note) == (
            "not_received", "no le llegó la factura")
        assert disputes["F002"].reason == "other"
        assert timeline_kinds(session, "C001")[-1][1]["dispute_ids"] == [disputes["F001"].id]


def test_a_wrong_number_is_marked_bad(db: str) -> None:
    with uow(db) as (session, org):
        task = make_task(session, org, "C001", invoices=["F001"], scheduled_at=TEN_AM_SANTIAGO,
                         contact="+56 9 1234 5678")
        log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id,
                    outcome="wrong-number", note="contestó otra persona")
        bad = session.execute(select(BadContact)).scalar_one()
        assert (bad.channel, bad.address, bad.reason) == (
            "call", "+56 9 1234 5678", "contestó otra persona")
        # No number on file: the outcome is still logged.
        other = make_task(session, org, "C002", invoices=["F004"], scheduled_at=NOW, key="k2")
        log_outcome(session, org=org, now=NOW, actor="ana", task_id=other.id,
                    outcome="wrong-number")
        assert other.status == "done"
        assert len(session.execute(select(BadContact)).all()) == 1


def test_a_call_back_keeps_the_task_open_at_a_new_time(db: str) -> None:
    with uow(db) as (session, org), language("en"):
        task = make_task(session, org, "C001", invoices=["F001"], scheduled_at=TEN_AM_SANTIAGO)
        for at, message in [(None, "a call back needs the time to call"),
                            (NOW - timedelta(minutes=1), "is not in the future")]:
            with pytest.raises(InvalidInput, match=message):
                log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id,
                            outcome="callback", at=at)
        later = datetime(2026, 4, 3, 18, 30, tzinfo=UTC)
        log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id,
                    outcome="callback", at=later, note="llamar después de las 15")
        assert (task.status, task.outcome) == ("open", "callback")
        assert _action(session, task).scheduled_at == later
        assert list_tasks(session, org=org)[0].to_json()["scheduled_at"] == (
            "2026-04-03T15:30:00-03:00")
        assert timeline_kinds(session, "C001")[-1][1]["at"] == "2026-04-03T15:30:00-03:00"


def test_unknown_tasks_and_outcomes_are_refused(db: str) -> None:
    with uow(db) as (session, org), language("en"):
        task = make_task(session, org, "C001", invoices=["F001"], scheduled_at=TEN_AM_SANTIAGO)
        with pytest.raises(NotFound, match="unknown task 999"):
            log_outcome(session, org=org, now=NOW, actor="ana", task_id=999, outcome="reached")
        with pytest.raises(InvalidInput, match="'busy' is not an outcome"):
            log_outcome(session, org=org, now=NOW, actor="ana", task_id=task.id,
                        outcome="busy")
        assert session.execute(select(Dispute)).first() is None and task.status == "open"
