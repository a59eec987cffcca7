"""Days past due and aging (shared/DOMAIN.md, "Days past due and aging")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest

from cobranza.core.aging import (
    DEFAULT_EDGES,
    CustomerAging,
    InterestTerms,
    InvalidBuckets,
    age_customer,
    bucket_index,
    bucket_names,
    parse_edges,
)
from cobranza.core.allocation import Credit, Document, replay
from cobranza.core.terms import RATE_SCALE
from tests import oracle
from tests.unit.core.records import credit_note, day, invoice, payment


def test_default_buckets_are_current_then_30_day_steps_up_to_121_plus() -> None:
    assert DEFAULT_EDGES == (30, 60, 90, 120)
    assert bucket_names() == ["current", "1-30", "31-60", "61-90", "91-120", "121+"]


def test_configured_edges_name_their_buckets() -> None:
    assert bucket_names(parse_edges("30,60,90")) == ["current", "1-30", "31-60", "61-90", "91+"]
    assert bucket_names((15,)) == ["current", "1-15", "16+"]
    assert bucket_names((7, 14, 365)) == ["current", "1-7", "8-14", "15-365", "366+"]


@pytest.mark.parametrize(("days_past_due", "name"), [
    (-400, "current"), (-1, "current"), (0, "current"),
    (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"),
    (91, "91-120"), (120, "91-120"), (121, "121+"), (10_000, "121+"),
])
def test_a_document_falls_in_the_bucket_of_its_days_past_due(days_past_due: int,
                                                             name: str) -> None:
    assert bucket_names()[bucket_index(days_past_due)] == name
    assert bucket_index(days_past_due) == oracle.bucket_of(days_past_due)


@pytest.mark.parametrize(("days_past_due", "name"), [
    (0, "current"), (30, "1-30"), (90, "61-90"), (91, "91+"), (500, "91+"),
])
def test_bucket_index_with_configured_edges(days_past_due: int, name: str) -> None:
    edges = parse_edges("30,60,90")
    assert bucket_names(edges)[bucket_index(days_past_due, edges)] == name


@pytest.mark.parametrize(("text", "edges"), [
    ("30,60,90", (30, 60, 90)),
    ("30, 60, 90, 120", (30, 60, 90, 120)),
    ("45", (45,)),
    ("1,2,3", (1, 2, 3)),
])
def test_parse_edges_reads_increasing_whole_days(text: str, edges: tuple[int, ...]) -> None:
    assert parse_edges(text) == edges


@pytest.mark.parametrize("text", [
    "", " ", ",", "abc", "30,abc", "60,30", "30,30,60", "0,30", "-30,60", "30.5,60", "30;60",
])
def test_parse_edges_rejects_what_is_not_increasing_positive_whole_days(text: str) -> None:
    with pytest.raises(InvalidBuckets):
        parse_edges(text)


# -- point in time --------------------------------------------------------------------------


def aging(documents: Sequence[Document], credits: Sequence[Credit], on: int, *,
          interest: Mapping[str, InterestTerms] | None = None,
          edges: Sequence[int] = DEFAULT_EDGES, cap_scaled: int | None = None) -> CustomerAging:
    allocations = replay(documents=documents, credits=credits)
    return age_customer(documents=documents, credits=credits, allocations=allocations,
                        interest=interest or {}, as_of=day(on), edges=edges,
                        cap_scaled=cap_scaled)


DOCS = [invoice("F-1", issued=0, due=30, amount=1000),
        invoice("F-2", issued=40, due=70, amount=500)]
CREDITS = [payment("P-1", 50, 400), credit_note("NC-1", 130, 1500)]


@pytest.mark.parametrize(("on", "buckets", "unapplied"), [
    (-1, [0, 0, 0, 0, 0, 0], 0),  # before anything happened
    (0, [1000, 0, 0, 0, 0, 0], 0),
    (30, [1000, 0, 0, 0, 0, 0], 0),  # due today: still current
    (31, [0, 1000, 0, 0, 0, 0], 0),
    (40, [500, 1000, 0, 0, 0, 0], 0),
    (50, [500, 600, 0, 0, 0, 0], 0),  # the payment lands on day 50
    (71, [0, 500, 600, 0, 0, 0], 0),
    (100, [0, 500, 0, 600, 0, 0], 0),
    (129, [0, 0, 500, 0, 600, 0], 0),
    (130, [0, 0, 0, 0, 0, 0], 400),  # the credit note settles both; the rest is unapplied
    (151, [0, 0, 0, 0, 0, 0], 400),
])
def test_aging_as_of_a_past_day_shows_the_figures_as_they_stood_then(
        on: int, buckets: list[int], unapplied: int) -> None:
    result = aging(DOCS, CREDITS, on)
    assert result.buckets == buckets
    assert result.total == sum(buckets)
    assert result.unapplied == unapplied
    assert result.is_empty is (sum(buckets) == 0 and unapplied == 0)


def test_aging_uses_the_configured_edges() -> None:
    result = aging(DOCS, CREDITS, 129, edges=(30, 60, 90))
    assert result.buckets == [0, 0, 500, 0, 600]  # 59 and 99 days past due


def test_aging_lists_each_documents_open_amount() -> None:
    assert aging(DOCS, CREDITS, 50).by_document == {"F-1": 600, "F-2": 500}
    assert aging(DOCS, CREDITS, 10).by_document == {"F-1": 1000}


def test_accrued_interest_is_part_of_the_aging_as_of_d() -> None:
    docs = [invoice("F-1", issued=0, due=30, amount=1_000_000)]
    terms = {"F-1": InterestTerms(grace_days=0, rate_scaled=36 * RATE_SCALE, day_basis=360)}
    credits = [payment("P-1", 40, 1_000_000)]
    assert aging(docs, credits, 30, interest=terms).accrued_interest == 0
    assert aging(docs, credits, 35, interest=terms).accrued_interest == 5000
    assert aging(docs, credits, 90, interest=terms).accrued_interest == 10_000


def test_the_aging_reports_a_capped_rate() -> None:
    docs = [invoice("F-1", issued=0, due=30, amount=1_000_000)]
    terms = {"F-1": InterestTerms(grace_days=0, rate_scaled=50 * RATE_SCALE, day_basis=360)}
    capped = aging(docs, [], 40, interest=terms, cap_scaled=36 * RATE_SCALE)
    assert (capped.accrued_interest, capped.interest_capped) == (10_000, True)
    free = aging(docs, [], 40, interest=terms)
    assert (free.accrued_interest, free.interest_capped) == (13_889, False)


def test_the_oracle_ages_the_same_example() -> None:
    ledger = oracle.replay(documents=DOCS, credits=CREDITS)
    rules = {"F-1": oracle.InterestRule(annual_pct=Decimal(24), grace_days=3)}
    for on in (-1, 0, 31, 50, 71, 100, 130, 151):
        mine = oracle.age(ledger, as_of=day(on), rules=rules)
        core = aging(DOCS, CREDITS, on,
                     interest={"F-1": InterestTerms(grace_days=3, rate_scaled=240_000)})
        assert (mine.buckets, mine.unapplied, mine.accrued_interest) == (
            core.buckets, core.unapplied, core.accrued_interest)
