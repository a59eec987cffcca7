"""Promises to pay: what they record, what they refuse, and how the run finds them kept or broken
from payments imported as a user imports them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cobranza.accounts import repository
from cobranza.accounts.errors import InvalidInput, NotFound
from cobranza.accounts.service import evaluate_promises, promise_kept_rate, record_promise
from cobranza.i18n import language
from cobranza.models import Promise
from tests.integration.accounts.helpers import (
    NOW,
    counts,
    customer_id,
    import_payments,
    timeline_kinds,
    uow,
)
from tests.support import ok, write_csv


def _promise(db: str, code: str, day: str, amount: str, currency: str | None = None) -> int:
    with uow(db) as (session, org):
        return record_promise(session, org=org, now=NOW, actor="ana", customer_code=code,
                              promised_date=date.fromisoformat(day), amount=Decimal(amount),
                              currency=currency, note="llamada").id


def _evaluate(db: str, today: str) -> list[tuple[str, str, int]]:
    with uow(db) as (session, org):
        changes = evaluate_promises(session, org=org, now=NOW, today=date.fromisoformat(today))
        codes = repository.customer_codes(session, org_id=org.id,
                                          ids={c.customer_id for c in changes})
        return [(codes[c.customer_id], c.status, c.paid_since) for c in changes]


def test_a_promise_keeps_what_was_paid_before_and_goes_on_the_timeline(db: str) -> None:
    pid = _promise(db, "C001", "2026-04-10", "40000")
    with uow(db) as (session, org):
        promise = session.get(Promise, pid)
        assert promise is not None
        # C001 paid 49,000 (P001) and 60,000 (P002) before; only CLP is owed, so CLP is implied.
        assert (promise.status, promise.currency, promise.amount, promise.paid_before,
                promise.taken_by) == ("open", "CLP", 40000, 109000, "ana")
        assert timeline_kinds(session, "C001") == [("promise", {
            "event": "taken", "promise_id": pid, "date": "2026-04-10", "amount": "40000",
            "currency": "CLP", "taken_by": "ana", "note": "llamada"})]


REFUSALS = [  # customer, date, amount, currency -> field, message
    ("C001", "2026-03-31", "40000", None, "date", "2026-03-31 is in the past"),
    ("C001", "2026-04-10", "0", None, "amount", "'0' is not a positive amount"),
    ("C001", "2026-04-10", "-5", None, "amount", "'-5' is not a positive amount"),
    ("C001", "2026-04-10", "100.5", None, "amount", "more decimals than CLP allows"),
    ("M001", "2026-04-10", "100.505", None, "amount", "more decimals than MXN allows"),
    ("C001", "2026-04-10", "100", "XYZ", "currency", "unknown currency 'XYZ'"),
    ("C001", "2026-04-10", "100", "USD", "currency", "C001 has no open documents in USD"),
    ("C999", "2026-04-10", "100", None, "customer", "unknown customer 'C999'"),
]


def test_refused_promises_write_nothing(db: str) -> None:
    with uow(db) as (session, org), language("en"):
        before = counts(session)
        for code, day, amount, currency, field, message in REFUSALS:
            with pytest.raises(InvalidInput) as refused:
                record_promise(session, org=org, now=NOW, actor="ana", customer_code=code,
                               promised_date=date.fromisoformat(day), amount=Decimal(amount),
                               currency=currency)
            assert refused.value.field == field, message
            assert message in refused.value.message
            assert isinstance(refused.value, NotFound) == (field == "customer")
            assert counts(session) == before


def test_today_is_the_organisations_day_not_utc(db: str) -> None:
    # 02:00 UTC on 2 April is still 1 April in Santiago: a promise for 1 April is not past.
    late = NOW.replace(day=2, hour=2)
    with uow(db) as (session, org):
        promise = record_promise(session, org=org, now=late, actor="ana", customer_code="C001",
                                 promised_date=date(2026, 4, 1), amount=Decimal(1000))
        assert promise.status == "open"


def test_a_customer_owing_in_two_currencies_must_say_which(db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "usd.csv", "number,customer_id,issue_date,due_date,currency,amount",
                     "FU1,C001,2026-03-01,2026-03-31,USD,100.00")
    ok(db, "import", "invoices", str(path))
    with uow(db) as (session, org), language("en"), pytest.raises(InvalidInput) as refused:
        record_promise(session, org=org, now=NOW, actor="ana", customer_code="C001",
                       promised_date=date(2026, 4, 10), amount=Decimal(10))
    assert refused.value.field == "currency"
    assert refused.value.message == "C001 owes in CLP, USD; say which currency"
    assert _promise(db, "C001", "2026-04-10", "100.00", "usd") > 0


def test_kept_once_payments_since_reach_the_amount(db: str, tmp_path: Path) -> None:
    _promise(db, "C001", "2026-04-10", "40000")
    import_payments(tmp_path, db, "P010,C001,2026-04-08,CLP,25000,,,")
    assert _evaluate(db, "2026-04-08") == []  # 25,000 of 40,000, and the date has not passed
    import_payments(tmp_path, db, "P011,C001,2026-04-09,CLP,15000,,,")
    assert _evaluate(db, "2026-04-09") == [("C001", "kept", 40000)]
    assert _evaluate(db, "2026-04-20") == []  # resolved promises are not evaluated again
    with uow(db) as (session, _org):
        promise = session.query(Promise).one()
        assert promise.status == "kept" and promise.resolved_at == NOW
        assert timeline_kinds(session, "C001")[-1] == ("promise", {
            "event": "kept", "promise_id": promise.id, "date": "2026-04-10", "amount": "40000",
            "currency": "CLP", "paid_since": "40000"})


def test_broken_the_day_after_the_date_plus_the_tolerance(db: str, tmp_path: Path) -> None:
    _promise(db, "C002", "2026-04-05", "20000")
    import_payments(tmp_path, db, "P010,C002,2026-04-06,CLP,5000,,,")
    assert _evaluate(db, "2026-04-07") == []  # 5 April + 2 days of tolerance: still open
    with uow(db) as (session, org):
        assert repository.promised_customers(session, org_id=org.id,
                                             today=date(2026, 4, 7)) == {
            customer_id(session, "C002")}
        assert repository.promised_customers(session, org_id=org.id,
                                             today=date(2026, 4, 8)) == set()
    assert _evaluate(db, "2026-04-08") == [("C002", "broken", 5000)]
    with uow(db) as (session, _org):
        assert session.query(Promise).one().resolved_at == NOW


def test_money_that_came_in_after_the_deadline_does_not_keep_it(db: str,
                                                                tmp_path: Path) -> None:
    _promise(db, "C002", "2026-04-05", "20000")
    import_payments(tmp_path, db, "P010,C002,2026-04-09,CLP,20000,,,")
    assert _evaluate(db, "2026-04-10") == [("C002", "broken", 0)]


def test_a_credit_note_counts_like_a_payment(db: str, tmp_path: Path) -> None:
    _promise(db, "M001", "2026-04-05", "500.00")
    path = write_csv(tmp_path / "nc.csv", "number,customer_id,invoice_number,date,currency,amount",
                     "NC2,M001,FM2,2026-04-03,MXN,500.00")
    ok(db, "import", "credit-notes", str(path))
    assert _evaluate(db, "2026-04-03") == [("M001", "kept", 50000)]


def test_kept_rate_per_customer(db: str, tmp_path: Path) -> None:
    _promise(db, "C001", "2026-04-05", "10000")
    _promise(db, "C002", "2026-04-05", "5000")
    _promise(db, "C002", "2026-04-20", "5000")
    _promise(db, "M001", "2026-04-30", "100.00")  # still open: not in the rate
    import_payments(tmp_path, db, "P010,C001,2026-04-04,CLP,10000,,,")
    _evaluate(db, "2026-04-10")  # C001 kept, C002's first broken
    import_payments(tmp_path, db, "P011,C002,2026-04-15,CLP,5000,,,")
    _evaluate(db, "2026-04-15")  # C002's second kept by the 5,000 paid on the 15th
    with uow(db) as (session, org):
        assert promise_kept_rate(session, org_id=org.id) == {
            "C001": (1, 0, Decimal("1.0000")), "C002": (1, 1, Decimal("0.5000"))}


def test_promises_of_another_day_are_evaluated_together(db: str, tmp_path: Path) -> None:
    for code, day in (("C001", "2026-04-02"), ("C002", "2026-04-03")):
        _promise(db, code, day, "1000")
    import_payments(tmp_path, db, "P010,C002,2026-04-03,CLP,1000,,,")
    today = (date(2026, 4, 2) + timedelta(days=3)).isoformat()
    assert sorted(_evaluate(db, today)) == [("C001", "broken", 0), ("C002", "kept", 1000)]
