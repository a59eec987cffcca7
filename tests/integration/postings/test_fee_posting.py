"""Posting late fees on a real ledger, on SQLite and PostgreSQL (DOMAIN.md, "Late fees")."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cobranza.core.fees import FeeRule
from cobranza.i18n import language
from cobranza.models import ActivityEntry, Allocation, Extension, Invoice
from cobranza.postings.repository import insert_charges
from cobranza.postings.service import FeeRequest, InvalidPosting, post_fees
from tests.integration.postings.ledger import NOW, build, d, import_uf, unit
from tests.support import aging_json

D = Decimal
TEN_PCT = FeeRule(pct=D(10))


@pytest.fixture
def ledger(tmp_path: Path, db_url: str) -> str:
    build(tmp_path, db_url)
    return db_url


def fee(db: str, day: str, number: str, rule: FeeRule = TEN_PCT, step: str = "fee30",
        cycle: int = 0) -> tuple[str, str | None, D | None, bool, str | None]:
    """Post one fee and return (status, reason, amount, capped, explanation)."""
    with language("en"), unit(db) as (session, org, ids):
        outcome = post_fees(session, org=org, day=d(day), now=NOW, requests=[
            FeeRequest(ids[number], step, cycle, rule)])
    [result] = outcome.results
    return result.status, result.reason, result.amount, result.capped, result.explanation


def test_chile_blocks_the_fee_at_day_19_and_caps_it_by_uf_tranches_from_day_20(
        ledger: str, tmp_path: Path) -> None:
    # F100 is 19 days overdue on 2026-02-19 with 800,000 open (200,000 paid on 2026-02-10).
    status, reason, _, _, text = fee(ledger, "2026-02-19", "F100")
    assert (status, reason) == ("skipped", "cl.fee_before_day_20")
    assert text is not None and "19 days overdue" in text
    # Day 20, but no UF value known for that day: the cap cannot be computed, so no fee.
    import_uf(tmp_path, ledger, "2026-02-19,37000")
    assert fee(ledger, "2026-02-20", "F100")[:2] == ("skipped", "cl.uf_rate_missing")
    import_uf(tmp_path, ledger, "2026-02-20,37000")
    # 10% of 800,000 = 80,000; the cap: 9% × 370,000 (10 UF) + 6% × 430,000 = 59,100.
    assert fee(ledger, "2026-02-20", "F100")[:4] == ("posted", None, D(59_100), True)
    with unit(ledger) as (session, _org, ids):
        doc = session.scalars(select(Invoice).where(Invoice.kind == "fee")).one()
    assert (doc.number, doc.parent_id, doc.customer_id is not None) == (
        "F100-F-fee30-0", ids["F100"], True)
    assert (doc.issue_date, doc.due_date, doc.currency, doc.amount) == (
        d("2026-02-20"), d("2026-03-02"), "CLP", 59_100)
    assert doc.late_interest_scaled == 0 and doc.discount_pct_scaled == 0
    c001 = aging_json(ledger, "2026-02-20")["currencies"]["CLP"]["customers"][0]
    assert c001["customer_id"] == "C001" and c001["total"] == "859100"


def test_a_fee_is_posted_once_per_invoice_step_and_cycle(ledger: str, tmp_path: Path) -> None:
    import_uf(tmp_path, ledger, "2026-02-20,37000", "2026-02-21,37001")
    small = FeeRule(fixed=(("CLP", D(5_000)),))
    assert fee(ledger, "2026-02-20", "F200", small)[:3] == ("posted", None, D(5_000))
    again = fee(ledger, "2026-02-20", "F200", small)
    assert again[:2] == ("skipped", "already_posted")
    assert again[4] == "F200-F-fee30-0 was already posted"
    # Another day, same step and cycle: still the same document, not a second one.
    assert fee(ledger, "2026-02-21", "F200", small)[:2] == ("skipped", "already_posted")
    # The next cycle may post again, up to the cap: 9% of 100,000 less the 5,000 posted.
    assert fee(ledger, "2026-02-21", "F200", small, cycle=1)[:4] == (
        "posted", None, D(4_000), True)
    assert fee(ledger, "2026-02-21", "F200", small, step="fee45")[:2] == (
        "skipped", "cap_reached")
    with unit(ledger) as (session, _org, _ids):
        numbers = session.scalars(select(Invoice.number).where(Invoice.kind == "fee")
                                  .order_by(Invoice.number)).all()
        events = session.scalar(select(func.count()).select_from(ActivityEntry)
                                .where(ActivityEntry.kind == "posting"))
    assert numbers == ["F200-F-fee30-0", "F200-F-fee30-1"]
    assert events == 2


def test_the_database_refuses_a_second_copy_posted_concurrently(ledger: str) -> None:
    with unit(ledger) as (session, org, ids):
        row = {"org_id": org.id, "customer_id": session.get(Invoice, ids["F200"]).customer_id,
               "number": "F200-F-x-0", "kind": "fee", "parent_id": ids["F200"],
               "issue_date": d("2026-03-01"), "due_date": d("2026-03-11"), "currency": "CLP",
               "amount": 1000, "created_at": NOW, "updated_at": NOW}
        assert insert_charges(session, [row]) == {"F200-F-x-0"}
    # Another transaction that planned the same document before seeing the first one.
    with unit(ledger) as (session, _org, _ids):
        assert insert_charges(session, [row, {**row, "number": "F200-F-y-0"}]) == {"F200-F-y-0"}
    with unit(ledger) as (session, _org, _ids):
        assert session.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.number == "F200-F-x-0")) == 1


def test_a_payment_after_the_fee_settles_the_fee_before_the_principal(
        ledger: str, tmp_path: Path) -> None:
    import_uf(tmp_path, ledger, "2026-02-20,37000")
    fee(ledger, "2026-02-20", "F100")
    with unit(ledger) as (session, _org, ids):
        fee_id = session.scalar(select(Invoice.id).where(Invoice.kind == "fee"))
        settled = dict(session.execute(
            select(Allocation.invoice_id, func.sum(Allocation.amount))
            .group_by(Allocation.invoice_id)).tuples().all())
    # P002 (300,000 on 2026-02-25) pays the 59,100 fee first, then 240,900 of principal.
    assert settled == {fee_id: 59_100, ids["F100"]: 200_000 + 240_900}


def test_outside_chile_the_fee_is_uncapped_or_follows_the_local_rule(ledger: str) -> None:
    mexico = FeeRule(fixed=(("MXN", D("150.00")),), pct=D("2.5"))
    # Mexico: no cap and no minimum delay; 150 + 2.5% × 1,000.00
    assert fee(ledger, "2026-03-05", "FM1", mexico)[:4] == ("posted", None, D("175.00"), False)
    spain = FeeRule(fixed=(("EUR", D(60)),))
    # Spain: 40 EUR compensation per late invoice.
    assert fee(ledger, "2026-03-05", "FE1", spain)[:4] == ("posted", None, D("40.00"), True)
    # Not overdue yet: nothing to charge.
    assert fee(ledger, "2026-03-01", "FM1", mexico, step="early")[:2] == (
        "skipped", "nothing_overdue")


def test_a_malformed_request_is_refused_whole_and_writes_nothing(ledger: str) -> None:
    with language("en"), unit(ledger) as (session, org, ids), \
            pytest.raises(InvalidPosting) as raised:
        post_fees(session, org=org, day=d("2026-03-05"), now=NOW, requests=[
            FeeRequest(ids["FM1"], "ok", 0, FeeRule(pct=D(1))),
            FeeRequest(ids["FE1"], "bad", 0, FeeRule(pct=D(-1)), due_in_days=-3)])
    assert "request 2" in str(raised.value) and "request 1" not in str(raised.value)
    with unit(ledger) as (session, _org, _ids):
        assert session.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.kind == "fee")) == 0


def test_unknown_and_charge_documents_are_skipped_with_a_reason(ledger: str) -> None:
    with unit(ledger) as (session, org, ids):
        outcome = post_fees(session, org=org, day=d("2026-03-05"), now=NOW, requests=[
            FeeRequest(999_999, "fee30", 0, TEN_PCT),
            FeeRequest(ids["FM1"], "fee30", 0, TEN_PCT)])
        posted = outcome.posted[0].number
        assert posted is not None
        charge_id = session.scalar(select(Invoice.id).where(Invoice.number == posted))
        assert charge_id is not None
        again = post_fees(session, org=org, day=d("2026-03-05"), now=NOW,
                          requests=[FeeRequest(charge_id, "fee30", 0, TEN_PCT)])
    assert [r.reason for r in outcome.skipped] == ["unknown_invoice"]
    assert [r.reason for r in again.results] == ["not_an_invoice"]


def test_an_extension_moves_the_day_the_fee_may_be_charged(ledger: str, tmp_path: Path) -> None:
    import_uf(tmp_path, ledger, "2026-03-20,37000", "2026-04-04,37000")
    with unit(ledger) as (session, org, ids):
        f200 = session.get(Invoice, ids["F200"])
        assert f200 is not None
        session.add(Extension(org_id=org.id, customer_id=f200.customer_id, invoice_id=f200.id,
                              new_due_date=d("2026-03-15"), granted_by="ana",
                              reason="cliente pidió plazo", created_at=NOW))
    # 48 days after the original due date, but 5 after the extended one.
    status, reason, _, _, text = fee(ledger, "2026-03-20", "F200")
    assert (status, reason) == ("skipped", "cl.fee_before_day_20")
    assert text is not None and "5 days overdue" in text
    assert fee(ledger, "2026-04-04", "F200")[:3] == ("posted", None, D(9_000))
