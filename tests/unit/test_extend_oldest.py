"""A reconciliation's new payments, allocated from the few open invoices their money reaches
(`ledger.replay.extend_oldest`), are allocated exactly as from all of the customer's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cobranza.core.allocation import Credit, SourceKind, extend
from cobranza.core.matching import OpenItem
from cobranza.ledger.replay import _document, extend_oldest
from cobranza.models.base import from_day_number

PAID_ON = 20_000  # day number of the new credits: after every invoice's issue


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[OpenItem], list[Credit]]:
    """Open invoices oldest first as the index lists them (due date, issue date, id), many
    sharing their dates (ties the allocation orders by number), some with a discount; and new
    credits naming some of them, often the same one twice, or none."""
    count = draw(st.integers(1, 40))
    rows = []
    for n in range(count):
        issue = PAID_ON - draw(st.sampled_from([1, 5, 5, 30, 30, 60]))
        due = issue + draw(st.sampled_from([0, 30, 30]))
        open_ = draw(st.sampled_from([100, 1_000, 5_000]) | st.integers(1, 20_000))
        discount = draw(st.sampled_from([0, 0, 0, open_ // 50]))
        # Numbers not in id order, so the two orders of a tie differ.
        number = f"F-{draw(st.integers(0, 10_000)):05d}-{n}"
        rows.append(OpenItem(n + 1, number, 1, open_, due, issue, discount,
                             issue + 10 if discount else -1))
    items = sorted(rows, key=lambda i: (i.due, i.issue, i.invoice_id))
    numbers = [i.number for i in items]
    credits = []
    for n in range(draw(st.integers(1, 4))):
        targets = tuple(draw(st.lists(st.sampled_from(numbers), max_size=2, unique=True)))
        owed = sum(i.open for i in items if i.number in targets)
        amount = draw(st.sampled_from([owed, owed * 2, None]) | st.none()) or draw(
            st.integers(1, 60_000))
        credits.append(Credit(draw(st.sampled_from([SourceKind.PAYMENT, SourceKind.PAYMENT,
                                                    SourceKind.CREDIT_NOTE])),
                              f"N-{n}", from_day_number(PAID_ON + draw(st.sampled_from([0, 3]))),
                              amount, targets))
    return items, credits


@given(ledger=ledgers())
@settings(max_examples=600, deadline=None)
def test_the_oldest_invoices_the_money_reaches_allocate_as_all_would(
        ledger: tuple[list[OpenItem], list[Credit]]) -> None:
    items, credits = ledger
    everything = extend(documents=[_document(i) for i in items],
                        open_amounts={i.number: i.open for i in items}, credits=credits)
    looked, made = extend_oldest(items, credits)
    assert made == everything
    assert {i.number for c in credits for i in items if i.number in c.targets} <= {
        i.number for i in looked}


def test_a_second_payment_of_a_paid_invoice_looks_at_the_oldest_others_only() -> None:
    # A customer of 500 open invoices pays invoice 1 twice: the second payment settles the
    # oldest others, and only as many as the payments' money could reach are looked at.
    items = [OpenItem(n, f"F-{n:04d}", 1, 1_000, PAID_ON - 600 + n, PAID_ON - 630 + n)
             for n in range(1, 501)]
    day = from_day_number(PAID_ON)
    credits = [Credit(SourceKind.PAYMENT, "P1", day, 1_000, ("F-0001",)),
               Credit(SourceKind.PAYMENT, "P2", day, 1_500, ("F-0001",))]
    looked, made = extend_oldest(items, credits)
    assert [i.number for i in looked] == ["F-0001", "F-0002", "F-0003", "F-0004"]
    assert [(a.source_key, a.document_key, a.amount) for a in made] == [
        ("P1", "F-0001", 1_000), ("P2", "F-0002", 1_000), ("P2", "F-0003", 500)]
