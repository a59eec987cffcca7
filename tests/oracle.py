"""A slow, literal reference for allocation, aging and late interest, read off shared/DOMAIN.md.

It shares no logic with `cobranza.core`: only the record shapes (Document, Credit, Pin, Allocation
and their kinds) are imported, so the property tests can compare the two implementations.
Everything here is done the obvious way, on purpose:

- allocation walks the calendar one day at a time and keeps the books (what is open, what credit is
  unapplied) as it goes, with a snapshot at the end of every day;
- interest adds up one term per calendar day with exact rational arithmetic (`Fraction`), because a
  `Decimal` division by 365 is itself rounded; DOMAIN.md says intermediate sums are not rounded;
- rounding is half-up, once, at the very end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from cobranza.core.allocation import Allocation, Credit, Document, DocumentKind, Pin, SourceKind

ONE_DAY = timedelta(days=1)
DEFAULT_EDGES: tuple[int, ...] = (30, 60, 90, 120)


# --------------------------------------------------------------------------------------------
# Allocation: "Balances, allocation and credit" and "Early-payment discount"
# --------------------------------------------------------------------------------------------


@dataclass
class _Unapplied:
    """Credit a payment or credit note could not apply; it waits for later documents."""

    kind: SourceKind
    key: str
    left: int


@dataclass
class Ledger:
    """The oracle's replay of one customer in one currency."""

    documents: dict[str, Document]
    credits: list[Credit]
    allocations: list[Allocation]
    open_at_end_of: dict[date, dict[str, int]]  # documents issued by that day -> open amount
    unapplied_at_end_of: dict[date, int]

    def _snapshot_day(self, as_of: date) -> date | None:
        days = [d for d in self.open_at_end_of if d <= as_of]
        return max(days) if days else None

    def open_as_of(self, as_of: date) -> dict[str, int]:
        """Open amount of every document issued on or before `as_of`, at the end of that day."""
        day = self._snapshot_day(as_of)
        return {} if day is None else dict(self.open_at_end_of[day])

    def unapplied_as_of(self, as_of: date) -> int:
        """Credit received and not applied, at the end of `as_of`."""
        day = self._snapshot_day(as_of)
        return 0 if day is None else self.unapplied_at_end_of[day]


class _Books:
    """The running state of the day-by-day replay."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.docs: dict[str, Document] = {d.key: d for d in documents}
        self.open: dict[str, int] = {}  # only documents already issued
        self.waiting: list[_Unapplied] = []  # oldest credit first
        self.out: list[Allocation] = []

    # -- ordering ---------------------------------------------------------------------------

    def _invoice_of(self, key: str) -> Document:
        """The invoice a document belongs to: a posted charge belongs to its parent."""
        doc = self.docs[key]
        if doc.parent is not None and doc.parent in self.docs:
            return self.docs[doc.parent]
        return doc

    def settlement_order(self, keys: Iterable[str]) -> list[str]:
        """Open documents by due date, issue date, id; an invoice's charges just before it.

        DOMAIN.md: "auto-applied ... by due date ascending, then issue date, then document id.
        Within one invoice, its posted late charges settle before its principal."
        So an invoice and its charges form one group, placed by the invoice; the charges inside the
        group follow the general order (due date, issue date, id).
        """
        candidates = [k for k in keys if self.open.get(k, 0) > 0]
        invoices = {self._invoice_of(k).key: self._invoice_of(k) for k in candidates}
        ordered: list[str] = []
        for inv in sorted(invoices.values(), key=lambda d: (d.due_date, d.issue_date, d.key)):
            charges = [self.docs[k] for k in candidates
                       if k != inv.key and self._invoice_of(k).key == inv.key]
            charges.sort(key=lambda d: (d.due_date, d.issue_date, d.key))
            ordered.extend(c.key for c in charges)
            if inv.key in candidates:
                ordered.append(inv.key)
        return ordered

    # -- applying ---------------------------------------------------------------------------

    def apply(self, *, kind: SourceKind, key: str, doc_key: str, day: date, most: int,
              payment_on_its_date: bool) -> int:
        """Apply up to `most` to one issued document; return what was applied."""
        amount = min(most, self.open.get(doc_key, 0))
        if amount <= 0:
            return 0
        self.open[doc_key] -= amount
        self.out.append(Allocation(kind, key, doc_key, day, amount))
        doc = self.docs[doc_key]
        remainder = self.open[doc_key]
        # "Suppose what a payment applies to an invoice brings its open amount to at most
        # round(amount × discount_pct / 100), on or before issue_date + discount_days. Then the
        # invoice is settled in full; the remainder is a discount allowance dated with the payment."
        if (payment_on_its_date and doc.kind is DocumentKind.INVOICE
                and doc.discount_amount > 0 and doc.discount_until is not None
                and day <= doc.discount_until and 0 < remainder <= doc.discount_amount):
            self.out.append(Allocation(SourceKind.DISCOUNT, key, doc_key, day, remainder))
            self.open[doc_key] = 0
        return amount

    def receive(self, credit: Credit, pins: Sequence[Pin]) -> None:
        """A payment or credit note arriving on its date: pins, named invoices, then the rest."""
        earns = credit.kind is SourceKind.PAYMENT
        left = credit.amount

        def put(doc_key: str) -> None:
            nonlocal left
            left -= self.apply(kind=credit.kind, key=credit.key, doc_key=doc_key, day=credit.date,
                               most=left, payment_on_its_date=earns)

        for pin in pins:  # a user's manual allocation is respected before any rule
            if pin.document_key in self.open:
                left -= self.apply(kind=credit.kind, key=credit.key, doc_key=pin.document_key,
                                   day=credit.date, most=min(pin.amount, left),
                                   payment_on_its_date=earns)
        for target in credit.targets:  # named invoices, in the order named
            named = self.docs.get(target)
            if named is None or named.kind is not DocumentKind.INVOICE:
                continue
            group = [k for k in self.open if self._invoice_of(k).key == target]
            for doc_key in self.settlement_order(group):
                put(doc_key)
        for doc_key in self.settlement_order(list(self.open)):
            put(doc_key)
        if left > 0:
            self.waiting.append(_Unapplied(credit.kind, credit.key, left))

    def apply_waiting_credit(self, issued_today: Sequence[str], day: date) -> None:
        """Earlier unapplied credit settles the documents issued today, oldest credit first."""
        for credit in self.waiting:
            for doc_key in self.settlement_order(issued_today):
                credit.left -= self.apply(kind=credit.kind, key=credit.key, doc_key=doc_key,
                                          day=day, most=credit.left, payment_on_its_date=False)
        self.waiting = [c for c in self.waiting if c.left > 0]


def replay(*, documents: Iterable[Document], credits: Iterable[Credit],
           pins: Iterable[Pin] = ()) -> Ledger:
    """Replay one customer's documents, credit notes and payments one calendar day at a time."""
    documents = list(documents)
    credits = list(credits)
    pins = list(pins)
    books = _Books(documents)
    ledger = Ledger(documents=dict(books.docs), credits=credits, allocations=books.out,
                    open_at_end_of={}, unapplied_at_end_of={})
    days = [d.issue_date for d in documents] + [c.date for c in credits]
    if not days:
        return ledger
    day, last = min(days), max(days)
    while day <= last:
        # On one date: documents are issued first, then credit notes, then payments by id.
        issued = [d.key for d in documents if d.issue_date == day]
        for key in issued:
            books.open[key] = books.docs[key].amount
        if issued:
            books.apply_waiting_credit(issued, day)
        todays = [c for c in credits if c.date == day]
        notes = sorted((c for c in todays if c.kind is SourceKind.CREDIT_NOTE), key=lambda c: c.key)
        payments = sorted((c for c in todays if c.kind is SourceKind.PAYMENT), key=lambda c: c.key)
        for credit in notes + payments:
            # DOMAIN.md does not order one source's pins; by document id keeps the replay a
            # function of the data, whatever order the pins are loaded in.
            mine = [p for p in pins if p.source_kind is credit.kind and p.source_key == credit.key]
            books.receive(credit, sorted(mine, key=lambda p: (p.document_key, p.amount)))
        ledger.open_at_end_of[day] = dict(books.open)
        ledger.unapplied_at_end_of[day] = sum(c.left for c in books.waiting)
        day += ONE_DAY
    return ledger


# --------------------------------------------------------------------------------------------
# Late interest: "Late interest (interés moratorio)"
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterestRule:
    """An invoice's late-interest terms, as a person would write them."""

    annual_pct: Decimal = Decimal(0)
    day_basis: int = 365
    grace_days: int = 0


def round_half_up(value: Fraction) -> int:
    """Nearest integer, ties away from zero (the amounts here are never negative)."""
    floor = value.numerator // value.denominator
    return floor + 1 if value - floor >= Fraction(1, 2) else floor


def accrued_interest(*, invoice: Document, allocations: Iterable[Allocation], as_of: date,
                     rule: InterestRule, cap_pct: Decimal | None = None, posted: int = 0) -> int:
    """Interest accrued on `invoice`'s principal as of `as_of`, less interest already posted."""
    paid = [(a.date, a.amount) for a in allocations if a.document_key == invoice.key]
    rate = Fraction(rule.annual_pct)
    if cap_pct is not None and rate > Fraction(cap_pct):
        rate = Fraction(cap_pct)
    grace_end = invoice.due_date + timedelta(days=rule.grace_days)
    if as_of <= grace_end:
        return 0  # nothing has accrued while the grace lasts
    if invoice.amount - sum(v for d, v in paid if d <= grace_end) <= 0:
        return 0  # settled in full on or before due + grace
    total = Fraction(0)
    d = invoice.due_date + ONE_DAY
    while d <= as_of:
        principal = invoice.amount - sum(v for day, v in paid if day < d)
        total += principal * rate / 100 / rule.day_basis
        d += ONE_DAY
    return max(round_half_up(total) - posted, 0)


# --------------------------------------------------------------------------------------------
# Aging: "Days past due and aging"
# --------------------------------------------------------------------------------------------


def bucket_of(days_past_due: int, edges: Sequence[int] = DEFAULT_EDGES) -> int:
    """0 = current; then one bucket per edge (up to and including it); then the open-ended one."""
    if days_past_due <= 0:
        return 0
    bucket = 1
    for edge in edges:
        if days_past_due <= edge:
            return bucket
        bucket += 1
    return bucket


@dataclass
class Aging:
    """One customer's figures as of a day."""

    buckets: list[int]
    unapplied: int
    accrued_interest: int
    by_document: dict[str, int] = field(default_factory=dict)


def age(ledger: Ledger, *, as_of: date, rules: Mapping[str, InterestRule],
        edges: Sequence[int] = DEFAULT_EDGES, cap_pct: Decimal | None = None) -> Aging:
    """Aging as of the end of `as_of`, from the oracle's own replay."""
    opens = ledger.open_as_of(as_of)
    result = Aging(buckets=[0] * (len(edges) + 2), unapplied=ledger.unapplied_as_of(as_of),
                   accrued_interest=0, by_document=opens)
    for key, value in opens.items():
        doc = ledger.documents[key]
        result.buckets[bucket_of((as_of - doc.due_date).days, edges)] += value
        rule = rules.get(key)
        if doc.kind is not DocumentKind.INVOICE or rule is None:
            continue
        posted = sum(d.amount for d in ledger.documents.values()
                     if d.kind is DocumentKind.INTEREST and d.parent == key
                     and d.issue_date <= as_of)
        result.accrued_interest += accrued_interest(
            invoice=doc, allocations=ledger.allocations, as_of=as_of, rule=rule,
            cap_pct=cap_pct, posted=posted)
    return result
