"""The allocation replay (shared/DOMAIN.md, "Balances, allocation and credit").

Allocation is a deterministic function of one customer's documents, credit notes, payments and
pinned manual allocations in one currency. It is replayed in date order; on one date documents
are issued first, then earlier unapplied credit applies, then credit notes (by number), then
payments (by id). All amounts are integer minor units.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class DocumentKind(StrEnum):
    """What a receivable document is."""

    INVOICE = "invoice"
    FEE = "fee"  # posted late fee (gastos de cobranza)
    INTEREST = "interest"  # posted late interest charge


class SourceKind(StrEnum):
    """Where an allocation's value comes from."""

    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    DISCOUNT = "discount"  # early-payment discount allowance earned by a payment


@dataclass(frozen=True, slots=True)
class Document:
    """A receivable: an invoice or a posted late charge (whose `parent` is its invoice)."""

    key: str
    issue_date: date
    due_date: date
    amount: int
    kind: DocumentKind = DocumentKind.INVOICE
    parent: str | None = None
    discount_amount: int = 0  # round(amount × discount_pct / 100); 0 = no discount terms
    discount_until: date | None = None  # issue_date + discount_days


@dataclass(frozen=True, slots=True)
class Credit:
    """A payment or a credit note; `targets` are the invoices it names, in order."""

    kind: SourceKind
    key: str
    date: date
    amount: int
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pin:
    """A manual allocation made by a user; the replay applies it before any rule."""

    source_kind: SourceKind
    source_key: str
    document_key: str
    amount: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """`amount` of `source` settles `document` on `date`."""

    source_kind: SourceKind
    source_key: str
    document_key: str
    date: date
    amount: int


@dataclass(slots=True)
class _Open:
    doc: Document
    open: int
    order: tuple[date, date, str, int, date, date, str]


@dataclass(slots=True)
class _Pooled:
    kind: SourceKind
    key: str
    left: int


@dataclass(slots=True)
class _Replay:
    by_key: dict[str, _Open] = field(default_factory=dict)
    charges: dict[str, list[_Open]] = field(default_factory=dict)
    heap: list[tuple[tuple[date, date, str, int, date, date, str], str]] = field(
        default_factory=list)
    pool: list[_Pooled] = field(default_factory=list)  # unapplied credit, oldest first
    out: list[Allocation] = field(default_factory=list)


def _order(doc: Document,
           parents: dict[str, Document]) -> tuple[date, date, str, int, date, date, str]:
    # Due date, then issue date, then id; a charge sorts with its invoice, before its principal,
    # and an invoice's charges among themselves by the same rule.
    parent = parents.get(doc.parent) if doc.parent else None
    head = parent or doc
    rank = 0 if parent else 1
    return (head.due_date, head.issue_date, head.key, rank, doc.due_date, doc.issue_date,
            doc.key)


def replay(
    *,
    documents: Iterable[Document],
    credits: Iterable[Credit],
    pins: Sequence[Pin] = (),
) -> list[Allocation]:
    """All allocations of one customer in one currency, as DOMAIN.md defines them."""
    docs = sorted(documents, key=lambda d: (d.issue_date, d.key))
    parents = {d.key: d for d in docs if d.kind is DocumentKind.INVOICE}
    sources = sorted(credits, key=_credit_order)
    pins_by_source: dict[tuple[SourceKind, str], list[Pin]] = {}
    # Pins apply in a fixed order, so pins that together exceed their payment give the same
    # result however they were loaded (DOMAIN.md: any order gives the same allocations).
    for pin in sorted(pins, key=lambda p: (p.document_key, p.amount)):
        pins_by_source.setdefault((pin.source_kind, pin.source_key), []).append(pin)

    state = _Replay()
    dates = sorted({d.issue_date for d in docs} | {c.date for c in sources})
    di = si = 0
    for day in dates:
        issued = False
        while di < len(docs) and docs[di].issue_date == day:
            _issue(state, docs[di], _order(docs[di], parents))
            di += 1
            issued = True
        if issued and state.pool:
            _apply_pool(state, day)
        while si < len(sources) and sources[si].date == day:
            credit = sources[si]
            _apply_credit(state, credit, pins_by_source.get((credit.kind, credit.key), ()))
            si += 1
    return state.out


def extend(*, documents: Iterable[Document], open_amounts: Mapping[str, int],
           credits: Iterable[Credit]) -> list[Allocation]:
    """The allocations that new credits add to a customer's replay, without replaying it.

    `open_amounts` is what the replay so far left open of each document (amount − its
    allocations; a document not in it is settled), and `documents` holds at least the open
    ones and the invoices of open charges. The result is exactly what `replay` would add to
    the allocations it made without these credits, provided every new credit is dated after
    every credit already replayed, and no document is issued after the first new credit: the
    replay then reaches the first new credit in the state the allocations so far describe
    (an unapplied credit left over then settles only documents issued later, and there are
    none). Callers check that; the reconciliation relies on it to record a bank line's
    payment against a customer's open documents instead of their whole history.

    Documents the credits do not name may be left out when each credit is then spent whole on
    those it names (`spent_on_named`): a credit reaches a document it does not name only with
    what is left after those it names and their charges, so the others would take nothing.
    """
    docs = sorted(documents, key=lambda d: (d.issue_date, d.key))
    parents = {d.key: d for d in docs if d.kind is DocumentKind.INVOICE}
    state = _Replay()
    for doc in docs:
        left = open_amounts.get(doc.key, 0)
        if left > 0:
            _issue(state, doc, _order(doc, parents))
            state.by_key[doc.key].open = left
    for credit in sorted(credits, key=_credit_order):
        _apply_credit(state, credit, ())
    return state.out


def paid_whole(credits: Sequence[Credit],
               open_amounts: Mapping[str, int]) -> list[Allocation] | None:
    """What `extend` gives for credits each spent whole on the open invoices it names, on a
    ledger without posted charges; None when they are not such credits.

    Taken in `extend`'s order (date, credit notes first), each credit settles the invoices it
    names in order, as much of each as is open, and must be spent by them: what is left of a
    credit would reach invoices it does not name. A payment must leave each invoice it touches
    settled: one it leaves partly open might earn the early-payment discount, which only the
    replay knows. So a payment of exactly what its invoices owe, several such payments for
    other invoices, or a bank fee written off by a credit note on the payment's last invoice
    (the note comes first, the payment settles the rest).

    The reconciliation's commonest cases, without building the customer's replay
    (`ledger.replay.Extension`).
    """
    left: dict[str, int] = {}
    out: list[Allocation] = []
    for credit in sorted(credits, key=_credit_order):
        rest = credit.amount
        for target in credit.targets:
            owed = left.get(target, open_amounts.get(target, 0))
            take = min(rest, owed)
            if take <= 0:
                continue
            left[target] = owed - take
            rest -= take
            out.append(Allocation(credit.kind, credit.key, target, credit.date, take))
            if credit.kind is SourceKind.PAYMENT and owed > take:
                return None
        if rest or not credit.targets:
            return None
    return out


def _credit_order(credit: Credit) -> tuple[date, bool, str]:
    # Credits of a day in the order the replay applies them: credit notes, then payments.
    return (credit.date, credit.kind is SourceKind.PAYMENT, credit.key)


def spent_on_named(credits: Iterable[Credit], allocations: Iterable[Allocation],
                   documents: Iterable[Document]) -> bool:
    """True when each credit is spent whole on the documents it names or their charges
    (allowances aside): no other document took part of it."""
    parents = {d.key: d.parent for d in documents if d.parent}
    named = {(c.kind, c.key): set(c.targets) for c in credits}
    spent: dict[tuple[SourceKind, str], int] = {}
    for a in allocations:
        if a.source_kind is SourceKind.DISCOUNT:
            continue
        source = (a.source_kind, a.source_key)
        if not {a.document_key, parents.get(a.document_key)} & named[source]:
            return False
        spent[source] = spent.get(source, 0) + a.amount
    return all(spent.get((c.kind, c.key), 0) == c.amount for c in credits)


def _issue(state: _Replay, doc: Document,
           order: tuple[date, date, str, int, date, date, str]) -> None:
    entry = _Open(doc=doc, open=doc.amount, order=order)
    state.by_key[doc.key] = entry
    if doc.parent:
        charges = state.charges.setdefault(doc.parent, [])
        charges.append(entry)
        charges.sort(key=lambda e: e.order)
    heapq.heappush(state.heap, (order, doc.key))


def _take(state: _Replay, entry: _Open, credit: Credit | None, src: tuple[SourceKind, str],
          day: date, available: int) -> int:
    """Apply up to `available` to one document; return what was applied."""
    applied = min(available, entry.open)
    if applied <= 0:
        return 0
    entry.open -= applied
    state.out.append(Allocation(src[0], src[1], entry.doc.key, day, applied))
    doc = entry.doc
    # Early-payment discount: only what a payment applies on its own date earns it.
    if (
        credit is not None
        and credit.kind is SourceKind.PAYMENT
        and doc.discount_amount > 0
        and doc.discount_until is not None
        and day <= doc.discount_until
        and 0 < entry.open <= doc.discount_amount
    ):
        state.out.append(Allocation(SourceKind.DISCOUNT, credit.key, doc.key, day, entry.open))
        entry.open = 0
    return applied


def _settle_invoice(state: _Replay, key: str, credit: Credit | None, src: tuple[SourceKind, str],
                    day: date, available: int) -> int:
    """Apply to an invoice's posted charges first, then its principal."""
    used = 0
    for charge in state.charges.get(key, ()):
        used += _take(state, charge, credit, src, day, available - used)
    principal = state.by_key.get(key)
    if principal is not None and principal.doc.kind is DocumentKind.INVOICE:
        used += _take(state, principal, credit, src, day, available - used)
    return used


def _auto(state: _Replay, credit: Credit | None, src: tuple[SourceKind, str], day: date,
          available: int) -> int:
    """Apply to open documents by due date, issue date, id; settled ones leave the heap."""
    used = 0
    heap = state.heap
    while heap and used < available:
        _, key = heap[0]
        entry = state.by_key[key]
        if entry.open <= 0:
            heapq.heappop(heap)
            continue
        used += _take(state, entry, credit, src, day, available - used)
    return used


def _apply_credit(state: _Replay, credit: Credit, pins: Iterable[Pin]) -> None:
    src = (credit.kind, credit.key)
    day = credit.date
    used = 0
    for pin in pins:
        entry = state.by_key.get(pin.document_key)
        if entry is not None and entry.doc.issue_date <= day:
            used += _take(state, entry, credit, src, day, min(pin.amount, credit.amount - used))
    for target in credit.targets:
        used += _settle_invoice(state, target, credit, src, day, credit.amount - used)
    used += _auto(state, credit, src, day, credit.amount - used)
    if used < credit.amount:
        state.pool.append(_Pooled(credit.kind, credit.key, credit.amount - used))


def _apply_pool(state: _Replay, day: date) -> None:
    """Earlier unapplied credit settles documents on their issue date, oldest credit first."""
    for item in state.pool:
        item.left -= _auto(state, None, (item.kind, item.key), day, item.left)
    state.pool = [item for item in state.pool if item.left > 0]


def open_amounts(documents: Iterable[Document], allocations: Iterable[Allocation],
                 *, as_of: date) -> dict[str, int]:
    """Open amount of each document issued by `as_of`: amount − allocations dated ≤ as_of."""
    result = {d.key: d.amount for d in documents if d.issue_date <= as_of}
    for a in allocations:
        if a.date <= as_of and a.document_key in result:
            result[a.document_key] -= a.amount
    return result


def unapplied(credits: Iterable[Credit], allocations: Iterable[Allocation], *, as_of: date) -> int:
    """Credit received by `as_of` and not applied by then (discount allowances excluded)."""
    received = sum(c.amount for c in credits if c.date <= as_of)
    applied = sum(a.amount for a in allocations
                  if a.date <= as_of and a.source_kind is not SourceKind.DISCOUNT)
    return received - applied
