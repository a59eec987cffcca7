"""Allocation and aging invariants on random customers, and agreement with the oracle.

A customer here is realistic rather than adversarial: CLP amounts, dates within two years (many
falling on the same day), payments naming existing invoices, some credit notes, discount terms on
some invoices, posted charges, pins that fit their payment, and late-interest terms as a user would
set them (0 / 18 / 24.5 / 36 %, grace 0–10, basis 365 or 360).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cobranza.core.aging import InterestTerms, age_customer
from cobranza.core.allocation import (
    Allocation,
    Credit,
    Document,
    DocumentKind,
    Pin,
    SourceKind,
    extend,
    open_amounts,
    paid_whole,
    replay,
    spent_on_named,
    unapplied,
)
from cobranza.core.terms import RATE_SCALE
from tests import oracle
from tests.unit.core.records import applied, discount_for

BASE = date(2023, 1, 2)
HORIZON = 730  # days
SHORT = settings(max_examples=150, deadline=None)


@dataclass(frozen=True)
class Customer:
    """One customer's data in one currency, and the days to look at it."""

    documents: tuple[Document, ...]
    credits: tuple[Credit, ...]
    pins: tuple[Pin, ...]
    rules: dict[str, oracle.InterestRule]
    cap_pct: Decimal | None
    as_of: tuple[date, ...]
    edges: tuple[int, ...] = oracle.DEFAULT_EDGES


amounts = st.one_of(st.integers(1, 5_000_000),
                    st.sampled_from([1_000, 10_000, 49_990, 100_000, 123_457, 1_000_000]))


def _invoices(draw: st.DrawFn, when: st.SearchStrategy[date]) -> list[Document]:
    numbers = draw(st.lists(st.integers(1, 999), min_size=1, max_size=6, unique=True))
    invoices = []
    for number in numbers:
        issued = draw(when)
        amount = draw(amounts)
        terms = draw(st.sampled_from([None, None, ("2", 10), ("1.5", 5), ("5", 15), ("2.5", 30)]))
        invoices.append(Document(
            key=f"F-{number}", issue_date=issued, amount=amount, kind=DocumentKind.INVOICE,
            due_date=issued + timedelta(days=draw(st.sampled_from([0, 15, 30, 30, 45, 60, 90]))),
            discount_amount=discount_for(amount, terms[0]) if terms else 0,
            discount_until=issued + timedelta(days=terms[1]) if terms else None))
    return invoices


def _charges(draw: st.DrawFn, invoices: Sequence[Document]) -> list[Document]:
    # Posted fees and interest: issued after the invoice is due, due 15 days later (so an invoice's
    # charges in issue order are also in due-date order; see test_allocation for the other case).
    charges = []
    for inv in invoices:
        for n in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
            issued = inv.due_date + timedelta(days=draw(st.integers(1, 60)))
            charges.append(Document(
                key=f"G-{inv.key[2:]}-{n}", issue_date=issued, due_date=issued + timedelta(days=15),
                amount=draw(st.integers(1, inv.amount // 10 + 1)), parent=inv.key,
                kind=draw(st.sampled_from([DocumentKind.FEE, DocumentKind.INTEREST]))))
    return charges


def _payments(draw: st.DrawFn, invoices: Sequence[Document],
              when: st.SearchStrategy[date]) -> list[Credit]:
    keys = [d.key for d in invoices]
    payments = []
    for number in draw(st.lists(st.integers(1, 99), max_size=6, unique=True)):
        ref = draw(st.sampled_from(invoices))
        targets = draw(st.lists(st.sampled_from(keys), max_size=3, unique=True))
        if draw(st.integers(0, 2)) == 0:
            # Paying one invoice early, taking the discount (or trying to): names it first.
            amount = ref.amount - ref.discount_amount - draw(st.sampled_from([0, 0, 1, -1]))
            on = ref.issue_date + timedelta(days=draw(st.integers(0, 20)))
            targets = [ref.key] + [t for t in targets if t != ref.key]
        else:
            amount = draw(st.one_of(amounts, st.sampled_from([ref.amount, ref.amount // 2])))
            on = draw(when)
        payments.append(Credit(SourceKind.PAYMENT, f"P-{number}", on, max(amount, 1),
                               tuple(targets)))
    return payments


def _credit_notes(draw: st.DrawFn, invoices: Sequence[Document]) -> list[Credit]:
    notes = []
    for number in draw(st.lists(st.integers(1, 99), max_size=3, unique=True)):
        ref = draw(st.sampled_from(invoices))
        on = ref.issue_date + timedelta(days=draw(st.integers(0, 90)))
        amount = draw(st.integers(1, ref.amount * 2))
        named = (ref.key,) if draw(st.booleans()) else ()
        notes.append(Credit(SourceKind.CREDIT_NOTE, f"NC-{number}", on, amount, named))
    return notes


def _pins(draw: st.DrawFn, credits: Sequence[Credit], invoices: Sequence[Document]) -> list[Pin]:
    # A user pins at most what the payment or credit note holds, once per invoice.
    pins = []
    for credit in credits:
        if not draw(st.integers(0, 3)) == 0:
            continue
        left = credit.amount
        for key in draw(st.lists(st.sampled_from([d.key for d in invoices]), min_size=1,
                                 max_size=2, unique=True)):
            if left <= 0:
                break
            amount = draw(st.integers(1, left))
            pins.append(Pin(credit.kind, credit.key, key, amount))
            left -= amount
    return pins


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    anchors = draw(st.lists(st.integers(0, HORIZON), min_size=1, max_size=6, unique=True))
    when = st.builds(lambda a, d: BASE + timedelta(days=a + d), st.sampled_from(anchors),
                     st.sampled_from([0, 0, 0, 1, 3, 7, 20]))
    invoices = _invoices(draw, when)
    credits = _payments(draw, invoices, when) + _credit_notes(draw, invoices)
    rules = {inv.key: oracle.InterestRule(
        annual_pct=Decimal(draw(st.sampled_from(["0", "18", "24.5", "36"]))),
        day_basis=draw(st.sampled_from([365, 360])), grace_days=draw(st.integers(0, 10)))
        for inv in invoices}
    as_of = draw(st.lists(st.integers(-10, HORIZON + 300), min_size=1, max_size=4))
    return Customer(
        documents=tuple(invoices + _charges(draw, invoices)), credits=tuple(credits),
        pins=tuple(_pins(draw, credits, invoices)), rules=rules,
        cap_pct=draw(st.sampled_from([None, None, Decimal(30)])),
        as_of=tuple(BASE + timedelta(days=n) for n in as_of),
        edges=draw(st.sampled_from([oracle.DEFAULT_EDGES, (30, 60, 90), (15, 45, 365)])))


def core_replay(c: Customer, documents: Sequence[Document] | None = None,
                credits: Sequence[Credit] | None = None,
                pins: Sequence[Pin] | None = None) -> list[Allocation]:
    return replay(documents=c.documents if documents is None else documents,
                  credits=c.credits if credits is None else credits,
                  pins=c.pins if pins is None else pins)


# -- (a) nothing is over-applied --------------------------------------------------------------


@SHORT
@given(c=customers())
def test_allocations_never_exceed_a_document_or_a_payment_or_credit_note(c: Customer) -> None:
    allocations = core_replay(c)
    docs = {d.key: d for d in c.documents}
    credits = {(cr.kind, cr.key): cr for cr in c.credits}
    per_doc: Counter[str] = Counter()
    per_source: Counter[tuple[SourceKind, str]] = Counter()
    for a in allocations:
        assert a.amount > 0
        doc = docs[a.document_key]
        assert a.date >= doc.issue_date  # never applied to a document not yet issued
        per_doc[a.document_key] += a.amount
        if a.source_kind is SourceKind.DISCOUNT:
            source = credits[(SourceKind.PAYMENT, a.source_key)]
            assert doc.discount_until is not None and a.date <= doc.discount_until
            assert a.amount <= doc.discount_amount and a.date == source.date
        else:
            source = credits[(a.source_kind, a.source_key)]
            per_source[(a.source_kind, a.source_key)] += a.amount
        assert a.date >= source.date
    for key, total in per_doc.items():
        assert total <= docs[key].amount
    for source_key, total in per_source.items():
        assert total <= credits[source_key].amount


# -- (b) open + allocated = amount -----------------------------------------------------------


@SHORT
@given(c=customers())
def test_open_plus_allocated_is_the_amount_of_every_document(c: Customer) -> None:
    allocations = core_replay(c)
    for as_of in (*c.as_of, date(2100, 1, 1)):
        opens = open_amounts(c.documents, allocations, as_of=as_of)
        assert set(opens) == {d.key for d in c.documents if d.issue_date <= as_of}
        for doc in c.documents:
            if doc.key not in opens:
                continue
            allocated = sum(a.amount for a in allocations
                            if a.document_key == doc.key and a.date <= as_of)
            assert opens[doc.key] + allocated == doc.amount
            assert opens[doc.key] >= 0
        # Credit never waits while a document is open.
        if unapplied(c.credits, allocations, as_of=as_of) > 0:
            assert not any(opens.values())


# -- (c) the order of the input does not matter -----------------------------------------------


def _figures(c: Customer, allocations: list[Allocation]) -> tuple[object, ...]:
    return (Counter(allocations),
            tuple((tuple(sorted(open_amounts(c.documents, allocations, as_of=d).items())),
                   unapplied(c.credits, allocations, as_of=d)) for d in c.as_of))


@SHORT
@given(c=customers(), data=st.data())
def test_any_permutation_of_the_input_gives_the_same_result(c: Customer,
                                                            data: st.DataObject) -> None:
    documents = data.draw(st.permutations(c.documents))
    credits = data.draw(st.permutations(c.credits))
    pins = data.draw(st.permutations(c.pins))
    assert _figures(c, core_replay(c)) == _figures(c, core_replay(c, documents, credits, pins))


# -- (d) the core agrees with the oracle -----------------------------------------------------


@SHORT
@given(c=customers())
def test_the_core_and_the_oracle_agree_on_allocations_and_aging(c: Customer) -> None:
    allocations = core_replay(c)
    ledger = oracle.replay(documents=c.documents, credits=c.credits, pins=c.pins)
    assert applied(allocations) == applied(ledger.allocations)
    terms = {key: InterestTerms(grace_days=rule.grace_days, day_basis=rule.day_basis,
                                rate_scaled=int(rule.annual_pct * RATE_SCALE))
             for key, rule in c.rules.items()}
    cap_scaled = None if c.cap_pct is None else int(c.cap_pct * RATE_SCALE)
    for as_of in c.as_of:
        core = age_customer(documents=c.documents, credits=c.credits, allocations=allocations,
                            interest=terms, as_of=as_of, cap_scaled=cap_scaled, edges=c.edges)
        mine = oracle.age(ledger, as_of=as_of, rules=c.rules, cap_pct=c.cap_pct, edges=c.edges)
        assert core.by_document == mine.by_document, as_of
        assert core.buckets == mine.buckets, as_of
        assert core.unapplied == mine.unapplied, as_of
        assert core.accrued_interest == mine.accrued_interest, as_of


# -- (e) new credits extend a replay exactly ----------------------------------------------------

@given(c=customers(), data=st.data())
@settings(max_examples=400, deadline=None)  # one in ten or so is spent on named documents
def test_credits_after_everything_extend_the_replay_as_replaying_all_would(
        c: Customer, data: st.DataObject) -> None:
    # The day the new credits begin: after every document's issue (some on that very day).
    start = max(d.issue_date for d in c.documents) + timedelta(days=data.draw(
        st.sampled_from([0, 0, 1, 5])))
    old = [cr for cr in c.credits if cr.date < start]
    pins = [p for p in c.pins if any(cr.key == p.source_key for cr in old)]
    before = replay(documents=c.documents, credits=old, pins=pins)
    still_open = {d.key: d.amount for d in c.documents}
    for a in before:
        still_open[a.document_key] -= a.amount
    still_open = {k: v for k, v in still_open.items() if v}
    keys = [d.key for d in c.documents if d.kind is DocumentKind.INVOICE]
    new = []
    for n in range(data.draw(st.integers(1, 4))):
        targets = tuple(data.draw(st.lists(st.sampled_from(keys), min_size=data.draw(
            st.sampled_from([0, 1, 1, 1])), max_size=2, unique=True)))
        # Mostly what the named invoices still owe, as a bank line that names them pays.
        owed = sum(still_open.get(t, 0) for t in targets)
        amount = data.draw(st.sampled_from([owed, owed, owed, None])) or data.draw(amounts)
        new.append(Credit(data.draw(st.sampled_from([SourceKind.PAYMENT, SourceKind.CREDIT_NOTE])),
                          f"N-{n}", start + timedelta(days=data.draw(st.sampled_from([0, 0, 2]))),
                          amount, targets))
    added = extend(documents=c.documents, open_amounts=still_open, credits=new)
    assert before + added == replay(documents=c.documents, credits=old + new, pins=pins)
    # Given only the documents the new credits name (and their charges): the same, whenever
    # each credit is spent on those it names.
    named = {t for cr in new for t in cr.targets}
    few = [d for d in c.documents if d.key in named or d.parent in named]
    fewer = extend(documents=few, open_amounts=still_open, credits=new)
    if spent_on_named(new, fewer, few):
        assert fewer == added


@given(c=customers(), data=st.data())
@settings(max_examples=500, deadline=None)
def test_credits_spent_whole_on_the_invoices_they_name_are_settled_as_extend_would(
        c: Customer, data: st.DataObject) -> None:
    # A ledger without posted charges (the reconciliation's case), some of it already paid.
    invoices = [d for d in c.documents if d.kind is DocumentKind.INVOICE]
    start = max(d.issue_date for d in invoices) + timedelta(days=data.draw(
        st.sampled_from([0, 1, 5])))
    before = replay(documents=invoices, credits=[cr for cr in c.credits if cr.date < start])
    still_open = {d.key: d.amount for d in invoices}
    for a in before:
        still_open[a.document_key] -= a.amount
    still_open = {k: v for k, v in still_open.items() if v}
    keys = [d.key for d in invoices]
    new: list[Credit] = []
    exact = True  # every credit names open invoices of its own, each once, and pays them
    named: set[str] = set()
    for n in range(data.draw(st.integers(1, 3))):
        free = sorted(set(still_open) - named)
        if free and data.draw(st.booleans()):
            # Open invoices no other credit names, paid exactly (the commonest case).
            targets = tuple(data.draw(st.lists(st.sampled_from(free), min_size=1, max_size=3,
                                               unique=True)))
        else:
            # Invoices named (open, settled, twice, or by another credit too).
            targets = tuple(data.draw(st.lists(st.sampled_from(keys), max_size=3)))
        # Mostly what they still owe, or near it.
        owed = sum(still_open.get(t, 0) for t in targets)
        amount = data.draw(st.sampled_from([owed, owed, owed, owed + 1, owed - 1, 0]))
        kind = data.draw(st.sampled_from([SourceKind.PAYMENT, SourceKind.CREDIT_NOTE]))
        new.append(Credit(kind, f"N-{n}", start + timedelta(days=data.draw(
            st.sampled_from([0, 2]))), amount or data.draw(amounts), targets))
        exact = exact and bool(targets) and len(set(targets)) == len(targets) and all(
            t in still_open for t in targets) and new[-1].amount == owed and not (
            named & set(targets))
        named.update(targets)
    fee = data.draw(st.booleans()) and new[0].kind is SourceKind.PAYMENT and bool(new[0].targets)
    if fee:
        # A bank fee: a credit note writes off part of the payment's last invoice.
        last = new[0].targets[-1]
        cut = data.draw(st.integers(1, max(1, still_open.get(last, 1))))
        new[0] = Credit(SourceKind.PAYMENT, "N-0", new[0].date, new[0].amount - cut,
                        new[0].targets)
        new.append(Credit(SourceKind.CREDIT_NOTE, "WO-0", new[0].date, cut, (last,)))
    whole = paid_whole(new, still_open)
    if whole is not None:
        assert whole == extend(documents=invoices, open_amounts=still_open, credits=new)
    if exact and not fee:
        # Each credit pays exactly what its own invoices owe: it always answers.
        assert whole is not None
