"""Allocation rules, one behaviour per test (shared/DOMAIN.md, "Balances, allocation and credit"
and "Early-payment discount").

Every test runs against the core's replay and against the independent oracle (`tests/oracle.py`),
so the examples pin down both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from cobranza.core import allocation as core
from cobranza.core.allocation import Allocation, Credit, Document, DocumentKind, Pin, SourceKind
from tests import oracle
from tests.unit.core.records import (
    applied,
    charge,
    credit_note,
    day,
    invoice,
    payment,
    settled,
)

Replay = Callable[..., list[Allocation]]
PAY, CN, DISC = "payment", "credit_note", "discount"


def _core(documents: Sequence[Document], credits: Sequence[Credit],
          pins: Sequence[Pin] = ()) -> list[Allocation]:
    return core.replay(documents=documents, credits=credits, pins=pins)


def _oracle(documents: Sequence[Document], credits: Sequence[Credit],
            pins: Sequence[Pin] = ()) -> list[Allocation]:
    return oracle.replay(documents=documents, credits=credits, pins=pins).allocations


ENGINES = {"core": _core, "oracle": _oracle}


@pytest.fixture(params=sorted(ENGINES))
def replay(request: pytest.FixtureRequest) -> Replay:
    return ENGINES[request.param]


def open_on(documents: Sequence[Document], allocations: Sequence[Allocation],
            on: int) -> dict[str, int]:
    """Open amount as of day `on`: amount − allocations dated on or before it (DOMAIN.md)."""
    return {d.key: d.amount - sum(a.amount for a in allocations
                                  if a.document_key == d.key and a.date <= day(on))
            for d in documents if d.issue_date <= day(on)}


def unapplied_on(credits: Sequence[Credit], allocations: Sequence[Allocation], on: int) -> int:
    received = sum(c.amount for c in credits if c.date <= day(on))
    spent = sum(a.amount for a in allocations
                if a.date <= day(on) and a.source_kind is not SourceKind.DISCOUNT)
    return received - spent


# -- explicit targets and automatic order ---------------------------------------------------


def test_a_payment_settles_the_invoices_it_names_in_the_order_named(replay: Replay) -> None:
    docs = [invoice("F-1", due=10), invoice("F-2", due=20), invoice("F-3", due=30)]
    allocs = replay(docs, [payment("P-1", 5, 1500, "F-3", "F-2")])
    assert applied(allocs) == {(PAY, "P-1", "F-3", day(5)): 1000,
                               (PAY, "P-1", "F-2", day(5)): 500}


def test_a_named_invoice_takes_only_its_open_amount_and_the_rest_is_auto_applied(
        replay: Replay) -> None:
    docs = [invoice("F-1", due=10, amount=300), invoice("F-2", due=20, amount=1000)]
    allocs = replay(docs, [payment("P-1", 5, 1100, "F-2")])
    assert applied(allocs) == {(PAY, "P-1", "F-2", day(5)): 1000,
                               (PAY, "P-1", "F-1", day(5)): 100}


def test_auto_application_goes_by_due_date_then_issue_date_then_document_id(
        replay: Replay) -> None:
    docs = [
        invoice("F-9", issued=0, due=40, amount=100),
        invoice("F-5", issued=1, due=30, amount=100),  # same due date, issued later
        invoice("F-4", issued=0, due=30, amount=100),  # earliest due, earliest issue
        invoice("F-3", issued=1, due=30, amount=100),  # ties F-5 on dates; lower id
        invoice("F-1", issued=2, due=50, amount=100),
    ]
    allocs = replay(docs, [payment("P-1", 3, 350)])
    assert [(a.document_key, a.amount) for a in allocs] == [
        ("F-4", 100), ("F-3", 100), ("F-5", 100), ("F-9", 50)]


def test_a_payment_never_applies_to_a_document_issued_after_its_date(replay: Replay) -> None:
    docs = [invoice("F-1", issued=0, amount=400), invoice("F-2", issued=10, amount=1000)]
    allocs = replay(docs, [payment("P-1", 5, 1000, "F-2")])  # even when named
    assert [(a.document_key, a.date, a.amount) for a in allocs] == [
        ("F-1", day(5), 400), ("F-2", day(10), 600)]


# -- unapplied credit -------------------------------------------------------------------------


def test_unapplied_credit_settles_a_later_document_on_its_issue_date(replay: Replay) -> None:
    docs = [invoice("F-1", issued=0, amount=400), invoice("F-2", issued=10, amount=1000)]
    credits = [payment("P-1", 5, 1000)]
    allocs = replay(docs, credits)
    assert applied(allocs)[(PAY, "P-1", "F-2", day(10))] == 600
    assert unapplied_on(credits, allocs, 4) == 0
    assert unapplied_on(credits, allocs, 5) == 600
    assert unapplied_on(credits, allocs, 9) == 600
    assert unapplied_on(credits, allocs, 10) == 0
    assert open_on(docs, allocs, 10) == {"F-1": 0, "F-2": 400}


def test_unapplied_credit_is_used_oldest_credit_first(replay: Replay) -> None:
    docs = [invoice("F-1", issued=10, amount=500)]
    credits = [payment("P-2", 3, 400), payment("P-1", 4, 400), credit_note("NC-1", 4, 100)]
    allocs = replay(docs, credits)
    assert applied(allocs) == {(PAY, "P-2", "F-1", day(10)): 400,
                               (CN, "NC-1", "F-1", day(10)): 100}
    assert unapplied_on(credits, allocs, 10) == 400


def test_unapplied_credit_applies_before_that_days_credit_notes_and_payments(
        replay: Replay) -> None:
    docs = [invoice("F-1", issued=3, amount=1000)]
    credits = [payment("P-1", 0, 500), credit_note("NC-1", 3, 600), payment("P-0", 3, 50)]
    allocs = replay(docs, credits)
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(3)): 500,
                               (CN, "NC-1", "F-1", day(3)): 500}
    assert unapplied_on(credits, allocs, 3) == 150


# -- credit notes -----------------------------------------------------------------------------


def test_a_credit_note_settles_the_invoice_it_names_and_its_excess_applies_like_a_payment(
        replay: Replay) -> None:
    docs = [invoice("F-1", due=10, amount=300), invoice("F-2", due=20, amount=200),
            invoice("F-3", due=30, amount=500)]
    allocs = replay(docs, [credit_note("NC-1", 5, 800, "F-3")])
    assert applied(allocs) == {(CN, "NC-1", "F-3", day(5)): 500,
                               (CN, "NC-1", "F-1", day(5)): 300}


def test_a_credit_note_naming_no_invoice_applies_like_a_payment_without_targets(
        replay: Replay) -> None:
    docs = [invoice("F-2", due=20, amount=200), invoice("F-1", due=10, amount=300)]
    credits = [credit_note("NC-1", 5, 600)]
    allocs = replay(docs, credits)
    assert applied(allocs) == {(CN, "NC-1", "F-1", day(5)): 300,
                               (CN, "NC-1", "F-2", day(5)): 200}
    assert unapplied_on(credits, allocs, 5) == 100


# -- one date: documents, then credit notes, then payments by id ------------------------------


def test_on_one_date_documents_issue_first_then_credit_notes_then_payments_by_id(
        replay: Replay) -> None:
    docs = [invoice("F-1", issued=5, amount=1000)]
    credits = [payment("P-2", 5, 600), payment("P-10", 5, 600), credit_note("NC-9", 5, 300)]
    allocs = replay(docs, credits)
    # "P-10" < "P-2" as ids (string order).
    assert [(a.source_key, a.amount) for a in allocs] == [
        ("NC-9", 300), ("P-10", 600), ("P-2", 100)]
    assert unapplied_on(credits, allocs, 5) == 500


# -- early-payment discount ("2/10 net 30") --------------------------------------------------


def discounted(amount: int = 1000) -> Document:
    """2/10 net 30: round(amount × 2 / 100) off when paid by day 10."""
    return invoice("F-1", issued=0, due=30, amount=amount, discount_pct="2", discount_days=10)


def test_a_payment_within_the_discount_days_earns_the_discount(replay: Replay) -> None:
    docs = [discounted()]
    allocs = replay(docs, [payment("P-1", 10, 980)])
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(10)): 980,
                               (DISC, "P-1", "F-1", day(10)): 20}
    assert open_on(docs, allocs, 10) == {"F-1": 0}


def test_the_discount_is_earned_by_the_payment_that_brings_the_open_amount_down_to_it(
        replay: Replay) -> None:
    docs = [discounted()]
    allocs = replay(docs, [payment("P-1", 2, 500), payment("P-2", 6, 490)])
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(2)): 500,
                               (PAY, "P-2", "F-1", day(6)): 490,
                               (DISC, "P-2", "F-1", day(6)): 10}


def test_a_payment_leaving_more_than_the_discount_open_earns_nothing(replay: Replay) -> None:
    docs = [discounted()]
    allocs = replay(docs, [payment("P-1", 3, 979)])
    assert open_on(docs, allocs, 40) == {"F-1": 21}
    assert DISC not in {a.source_kind.value for a in allocs}


def test_a_named_invoice_earns_the_discount_too(replay: Replay) -> None:
    docs = [invoice("F-0", due=5, amount=100), discounted()]
    allocs = replay(docs, [payment("P-1", 4, 980, "F-1")])
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(4)): 980,
                               (DISC, "P-1", "F-1", day(4)): 20}
    assert open_on(docs, allocs, 4) == {"F-0": 100, "F-1": 0}


def test_a_payment_covering_the_whole_invoice_settles_it_at_face_value(replay: Replay) -> None:
    # A named invoice takes "up to its open amount", so nothing is left for a discount to cover.
    docs = [invoice("F-0", due=5, amount=100), discounted()]
    allocs = replay(docs, [payment("P-1", 4, 1080, "F-1")])
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(4)): 1000,
                               (PAY, "P-1", "F-0", day(4)): 80}


def test_no_discount_after_the_discount_days(replay: Replay) -> None:
    docs = [discounted()]
    allocs = replay(docs, [payment("P-1", 11, 980)])
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(11)): 980}
    assert open_on(docs, allocs, 11) == {"F-1": 20}


def test_a_credit_note_does_not_earn_the_discount(replay: Replay) -> None:
    docs = [discounted()]
    allocs = replay(docs, [credit_note("NC-1", 5, 980, "F-1")])
    assert open_on(docs, allocs, 5) == {"F-1": 20}


def test_credit_applied_later_does_not_earn_the_discount(replay: Replay) -> None:
    docs = [invoice("F-1", issued=3, due=33, amount=1000, discount_pct="2", discount_days=10)]
    allocs = replay(docs, [payment("P-1", 1, 980)])  # waits as unapplied credit until day 3
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(3)): 980}
    assert open_on(docs, allocs, 3) == {"F-1": 20}


def test_a_payment_settling_the_invoice_exactly_records_no_allowance(replay: Replay) -> None:
    allocs = replay([discounted()], [payment("P-1", 5, 1000)])
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(5)): 1000}


# -- pinned manual allocations --------------------------------------------------------------


def test_a_pinned_manual_allocation_is_respected_before_the_rules(replay: Replay) -> None:
    docs = [invoice("F-1", due=10, amount=1000), invoice("F-2", due=20, amount=1000)]
    pins = [Pin(SourceKind.PAYMENT, "P-1", "F-2", 400)]
    allocs = replay(docs, [payment("P-1", 5, 1000)], pins)
    assert applied(allocs) == {(PAY, "P-1", "F-2", day(5)): 400,
                               (PAY, "P-1", "F-1", day(5)): 600}


def test_a_pin_on_a_credit_note_comes_before_the_invoice_it_names(replay: Replay) -> None:
    docs = [invoice("F-1", due=10, amount=1000), invoice("F-2", due=20, amount=1000)]
    pins = [Pin(SourceKind.CREDIT_NOTE, "NC-1", "F-2", 700)]
    allocs = replay(docs, [credit_note("NC-1", 5, 1000, "F-1")], pins)
    assert applied(allocs) == {(CN, "NC-1", "F-2", day(5)): 700,
                               (CN, "NC-1", "F-1", day(5)): 300}


def test_a_pin_of_another_source_does_not_move_this_payment(replay: Replay) -> None:
    docs = [invoice("F-1", due=10, amount=1000), invoice("F-2", due=20, amount=1000)]
    pins = [Pin(SourceKind.PAYMENT, "P-9", "F-2", 400)]
    allocs = replay(docs, [payment("P-1", 5, 500)], pins)
    assert applied(allocs) == {(PAY, "P-1", "F-1", day(5)): 500}


# -- posted charges ---------------------------------------------------------------------------


def test_posted_charges_settle_before_their_invoices_principal(replay: Replay) -> None:
    docs = [invoice("F-1", issued=0, due=30, amount=1000),
            charge("G-1", parent="F-1", issued=60, due=75, amount=50),
            charge("I-1", parent="F-1", issued=61, due=76, amount=30,
                   kind=DocumentKind.INTEREST)]
    allocs = replay(docs, [payment("P-1", 70, 500)])
    assert [(a.document_key, a.amount) for a in allocs] == [
        ("G-1", 50), ("I-1", 30), ("F-1", 420)]


def test_naming_an_invoice_settles_its_charges_first(replay: Replay) -> None:
    docs = [invoice("F-0", issued=0, due=10, amount=1000),
            invoice("F-1", issued=0, due=30, amount=1000),
            charge("G-1", parent="F-1", issued=60, due=75, amount=50)]
    allocs = replay(docs, [payment("P-1", 70, 500, "F-1")])
    assert [(a.document_key, a.amount) for a in allocs] == [("G-1", 50), ("F-1", 450)]


def test_a_charge_is_settled_with_its_invoice_not_by_its_own_later_due_date(
        replay: Replay) -> None:
    docs = [invoice("F-1", issued=0, due=30, amount=100),
            invoice("F-2", issued=0, due=40, amount=100),
            charge("G-1", parent="F-1", issued=50, due=90, amount=10)]
    allocs = replay(docs, [payment("P-1", 60, 200)])
    assert [(a.document_key, a.amount) for a in allocs] == [
        ("G-1", 10), ("F-1", 100), ("F-2", 90)]


@pytest.mark.parametrize("engine", [
    "oracle",
    "core",
])
def test_an_invoices_charges_settle_among_themselves_by_due_date(engine: str) -> None:
    docs = [invoice("F-1", issued=0, due=30, amount=1000),
            charge("G-1", parent="F-1", issued=35, due=80, amount=50),
            charge("I-1", parent="F-1", issued=40, due=40, amount=30,
                   kind=DocumentKind.INTEREST)]
    allocs = ENGINES[engine](docs, [payment("P-1", 45, 40)])
    assert [(a.document_key, a.amount) for a in allocs] == [("I-1", 30), ("G-1", 10)]


# -- determinism ------------------------------------------------------------------------------


def test_the_same_data_in_another_order_gives_the_same_allocations(replay: Replay) -> None:
    docs = [invoice("F-1", issued=0, amount=700), invoice("F-2", issued=0, amount=300),
            invoice("F-3", issued=20, amount=900, discount_pct="2", discount_days=10)]
    credits = [payment("P-1", 5, 800), credit_note("NC-1", 5, 400, "F-2"),
               payment("P-2", 25, 500, "F-3")]
    pins = [Pin(SourceKind.PAYMENT, "P-1", "F-2", 100)]
    forward = replay(docs, credits, pins)
    backward = replay(docs[::-1], credits[::-1], pins)
    assert sorted(forward, key=repr) == sorted(backward, key=repr)


@pytest.mark.parametrize("engine", [
    "oracle",
    "core",
])
def test_pins_exceeding_their_payment_give_the_same_allocations_in_any_order(
        engine: str) -> None:
    docs = [invoice("F-1", due=10, amount=1000), invoice("F-2", due=20, amount=1000)]
    pins = [Pin(SourceKind.PAYMENT, "P-1", "F-1", 800), Pin(SourceKind.PAYMENT, "P-1", "F-2", 800)]
    credits = [payment("P-1", 5, 1000)]
    results = {tuple(sorted(applied(ENGINES[engine](docs, credits, order)).items()))
               for order in (pins, pins[::-1])}
    assert len(results) == 1


# -- open amounts and unapplied from the core's helpers ----------------------------------------


def test_open_amount_as_of_d_is_amount_minus_allocations_dated_on_or_before_d() -> None:
    docs = [invoice("F-1", issued=0, amount=1000), invoice("F-2", issued=20, amount=500)]
    credits = [payment("P-1", 5, 300), payment("P-2", 10, 1000)]
    allocs = core.replay(documents=docs, credits=credits)
    assert core.open_amounts(docs, allocs, as_of=day(4)) == {"F-1": 1000}
    assert core.open_amounts(docs, allocs, as_of=day(5)) == {"F-1": 700}
    assert core.open_amounts(docs, allocs, as_of=day(19)) == {"F-1": 0}
    assert core.open_amounts(docs, allocs, as_of=day(20)) == {"F-1": 0, "F-2": 200}
    assert core.unapplied(credits, allocs, as_of=day(10)) == 300
    assert core.unapplied(credits, allocs, as_of=day(20)) == 0
    assert settled(allocs) == {"F-1": 1000, "F-2": 300}
