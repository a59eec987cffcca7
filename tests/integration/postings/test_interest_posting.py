"""Posting accrued late interest on a real ledger, on SQLite and PostgreSQL (DOMAIN.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cobranza.i18n import language
from cobranza.models import Invoice
from cobranza.postings.service import InterestRequest, PostingOutcome, post_interest
from tests.integration.postings.ledger import NOW, build, d, unit
from tests.support import aging_json


@pytest.fixture
def ledger(tmp_path: Path, db_url: str) -> str:
    build(tmp_path, db_url)
    return db_url


def c001(db: str, as_of: str) -> dict[str, Any]:
    line: dict[str, Any] = aging_json(db, as_of)["currencies"]["CLP"]["customers"][0]
    assert line["customer_id"] == "C001"
    return line


def interest(db: str, day: str, *numbers: str, step: str = "int60") -> PostingOutcome:
    with language("en"), unit(db) as (session, org, ids):
        return post_interest(session, org=org, day=d(day), now=NOW,
                             requests=[InterestRequest(ids[n], step, 0) for n in numbers])


def test_posted_interest_is_the_aging_accrual_and_is_not_counted_again(ledger: str) -> None:
    before_march, before_april = c001(ledger, "2026-03-31"), c001(ledger, "2026-04-30")
    day_before = c001(ledger, "2026-03-30")
    # 1,000,000 × 59 days − 200,000 × 49 − 300,000 × 34 = 39,000,000 principal-days;
    # × 24% / 365 = 25,643.8 -> 25,644
    assert before_march["accrued_interest"] == "25644"
    [posted] = interest(ledger, "2026-03-31", "F100").results
    assert (posted.status, posted.number, posted.amount) == (
        "posted", "F100-I-int60-0", Decimal(25_644))
    after_march, after_april = c001(ledger, "2026-03-31"), c001(ledger, "2026-04-30")
    assert after_march["accrued_interest"] == "0"
    # The charge is owed as its own document; interest keeps running on the principal only.
    assert int(after_march["total"]) == int(before_march["total"]) + 25_644
    assert int(after_april["accrued_interest"]) == int(before_april["accrued_interest"]) - 25_644
    # Aged as of a day before the posting, nothing changes.
    assert c001(ledger, "2026-03-30") == day_before


def test_interest_posting_is_idempotent_and_posts_nothing_when_none_accrued(
        ledger: str) -> None:
    interest(ledger, "2026-03-31", "F100")
    [again] = interest(ledger, "2026-03-31", "F100").results
    assert (again.status, again.reason) == ("skipped", "already_posted")
    # Another step the same day finds everything already posted.
    [other] = interest(ledger, "2026-03-31", "F100", step="int61").results
    assert (other.status, other.reason) == ("skipped", "no_interest")
    # F200 carries no interest rate.
    [none] = interest(ledger, "2026-03-31", "F200").results
    assert none.reason == "no_interest"
    assert none.explanation == (
        "no interest has accrued on F200 beyond what was posted, as of 2026-03-31")
    # A month later, a later step posts only April's interest.
    april = c001(ledger, "2026-04-30")["accrued_interest"]
    [more] = interest(ledger, "2026-04-30", "F100", step="int90").results
    assert more.amount == Decimal(april)
    with unit(ledger) as (session, _org, _ids):
        assert session.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.kind == "interest")) == 2
