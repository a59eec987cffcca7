"""Payment plans: recorded in date order, current while no instalment is more than the tolerance
late, completed once paid, defaulted otherwise; evaluated set-based with imported payments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cobranza.accounts import repository
from cobranza.accounts.errors import InvalidInput
from cobranza.accounts.evaluation import plan_status
from cobranza.accounts.service import evaluate_payment_plans, record_payment_plan
from cobranza.i18n import language
from cobranza.models import PaymentPlan
from cobranza.models.base import day_number
from tests.integration.accounts.helpers import NOW, counts, import_payments, timeline_kinds, uow

APRIL_10, APRIL_20 = date(2026, 4, 10), date(2026, 4, 20)


def _plan(db: str, code: str = "C002",
          instalments: tuple[tuple[date, str], ...] = ((APRIL_10, "10000"),
                                                       (APRIL_20, "10000"))) -> int:
    with uow(db) as (session, org):
        return record_payment_plan(session, org=org, now=NOW, actor="ana", customer_code=code,
                                   instalments=[(d, Decimal(a)) for d, a in instalments]).id


def _evaluate(db: str, today: date) -> list[tuple[str, int, date | None]]:
    with uow(db) as (session, org):
        return [(c.status, c.paid, c.missed) for c in
                evaluate_payment_plans(session, org=org, now=NOW, today=today)]


def test_a_plan_is_stored_with_its_total_and_stops_reminders(db: str) -> None:
    pid = _plan(db)
    with uow(db) as (session, org):
        plan = session.get(PaymentPlan, pid)
        assert plan is not None
        assert (plan.currency, plan.total, plan.status) == ("CLP", 20000, "current")
        assert repository.planned_customers(session, org_id=org.id) == {plan.customer_id}
        assert timeline_kinds(session, "C002")[-1][1]["instalments"] == [
            ["2026-04-10", "10000"], ["2026-04-20", "10000"]]


def test_plan_refusals_write_nothing(db: str) -> None:
    cases = [
        ((), "a plan needs at least one instalment"),
        (((date(2026, 3, 30), "100"),),
         "instalment 1: 2026-03-30 is in the past; expected today (2026-04-01) or later"),
        (((APRIL_10, "100"), (APRIL_10, "100")),
         "instalment 2: 2026-04-10 is not after the previous instalment's date"),
        (((APRIL_10, "100.5"),), "instalment 1: '100.5' has more decimals than CLP allows"),
        (((APRIL_10, "0"),), "instalment 1: '0' is not a positive amount"),
    ]
    with uow(db) as (session, org), language("en"):
        before = counts(session)
        for instalments, message in cases:
            with pytest.raises(InvalidInput) as refused:
                record_payment_plan(session, org=org, now=NOW, actor="ana",
                                    customer_code="C002",
                                    instalments=[(d, Decimal(a)) for d, a in instalments])
            assert (refused.value.field, refused.value.message) == ("instalments", message)
            assert counts(session) == before


def test_a_new_plan_replaces_the_current_one(db: str) -> None:
    first = _plan(db)
    second = _plan(db, instalments=((date(2026, 5, 1), "20000"),))
    with uow(db) as (session, _org):
        assert {p.id: p.status for p in session.query(PaymentPlan)} == {
            first: "cancelled", second: "current"}


def test_current_while_instalments_are_paid_then_completed(db: str, tmp_path: Path) -> None:
    _plan(db)
    # C002's 80,000 of 5 March was before the plan: it does not count toward it.
    import_payments(tmp_path, db, "P010,C002,2026-04-12,CLP,10000,,,")
    assert _evaluate(db, date(2026, 4, 15)) == []  # first paid within its tolerance
    import_payments(tmp_path, db, "P011,C002,2026-04-20,CLP,10000,,,")
    assert _evaluate(db, date(2026, 4, 21)) == [("completed", 20000, None)]
    with uow(db) as (session, org):
        assert repository.planned_customers(session, org_id=org.id) == set()


def test_defaulted_when_an_instalment_is_more_than_the_tolerance_late(db: str,
                                                                      tmp_path: Path) -> None:
    _plan(db)
    import_payments(tmp_path, db, "P010,C002,2026-04-10,CLP,10000,,,")
    assert _evaluate(db, APRIL_20 + timedelta(days=2)) == []  # 20 April + 2 days: not yet
    assert _evaluate(db, APRIL_20 + timedelta(days=3)) == [("defaulted", 10000, APRIL_20)]
    assert _evaluate(db, APRIL_20 + timedelta(days=4)) == []  # evaluated once
    with uow(db) as (session, _org):
        assert timeline_kinds(session, "C002")[-1][1]["event"] == "defaulted"


def test_plan_status_rules() -> None:
    d = day_number
    schedule = [(d(APRIL_10), 100), (d(APRIL_20), 100)]
    agreed = d(date(2026, 4, 1))

    def status(received: list[tuple[date, int]], today: date) -> tuple[str, int, int | None]:
        return plan_status(schedule=schedule, received=[(d(x), a) for x, a in received],
                           agreed_day=agreed, today_day=d(today), tolerance_days=2)

    assert status([], date(2026, 4, 12)) == ("current", 0, None)
    assert status([], date(2026, 4, 13)) == ("defaulted", 0, d(APRIL_10))
    # Paying late but within the tolerance keeps it current; early money counts for later.
    assert status([(date(2026, 4, 12), 100)], date(2026, 4, 13)) == ("current", 100, None)
    assert status([(date(2026, 4, 2), 150)], date(2026, 4, 23)) == (
        "defaulted", 150, d(APRIL_20))
    assert status([(date(2026, 3, 31), 200)], date(2026, 4, 5)) == ("current", 0, None)
    assert status([(date(2026, 4, 1), 200)], date(2026, 4, 5)) == ("completed", 200, None)
