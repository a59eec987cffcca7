"""Aging buckets and a point-in-time aging of one customer (shared/DOMAIN.md, "Days past due and aging").

The database computes the whole ledger's aging in one SQL pass (`cobranza.reports.aging`); this
pure version computes the same figures for one customer and is what the statement and the tests
use to check the SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from cobranza.core.allocation import (
    Allocation,
    Credit,
    Document,
    DocumentKind,
    open_amounts,
    unapplied,
)
from cobranza.core.interest import Accrual, accrue

DEFAULT_EDGES: tuple[int, ...] = (30, 60, 90, 120)


class InvalidBuckets(ValueError):
    """Bucket edges must be increasing positive whole days."""


def parse_edges(text: str) -> tuple[int, ...]:
    """'30,60,90' -> (30, 60, 90); raises InvalidBuckets with the reason."""
    try:
        edges = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise InvalidBuckets(text) from None
    if not edges or any(e <= 0 for e in edges) or list(edges) != sorted(set(edges)):
        raise InvalidBuckets(text)
    return edges


def bucket_ranges(edges: Sequence[int] = DEFAULT_EDGES) -> list[tuple[int | None, int | None]]:
    """Days-past-due range of each bucket, ends inclusive: [(None, 0), (1, 30), ..., (121, None)]."""
    ranges: list[tuple[int | None, int | None]] = [(None, 0)]
    low = 1
    for edge in edges:
        ranges.append((low, edge))
        low = edge + 1
    ranges.append((low, None))
    return ranges


def bucket_names(edges: Sequence[int] = DEFAULT_EDGES) -> list[str]:
    """['current', '1-30', '31-60', ..., '121+'] for the given edges."""
    return ["current" if low is None else f"{low}+" if high is None else f"{low}-{high}"
            for low, high in bucket_ranges(edges)]


def bucket_index(days_past_due: int, edges: Sequence[int] = DEFAULT_EDGES) -> int:
    """Index into `bucket_names(edges)`; a document with days past due ≤ 0 is current."""
    if days_past_due <= 0:
        return 0
    for i, edge in enumerate(edges):
        if days_past_due <= edge:
            return i + 1
    return len(edges) + 1


@dataclass(frozen=True, slots=True)
class InterestTerms:
    """What late interest needs to know about one invoice."""

    grace_days: int = 0
    rate_scaled: int = 0
    day_basis: int = 365


@dataclass(slots=True)
class CustomerAging:
    """One customer's aging in one currency, in minor units."""

    buckets: list[int]
    unapplied: int = 0
    accrued_interest: int = 0
    interest_capped: bool = False
    by_document: dict[str, int] = field(default_factory=dict)  # open amount per document
    interest_by_document: dict[str, Accrual] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Sum of the buckets."""
        return sum(self.buckets)

    @property
    def is_empty(self) -> bool:
        """Nothing open, no unapplied credit and no interest: left out of reports."""
        return self.total == 0 and self.unapplied == 0 and self.accrued_interest == 0


def age_customer(*, documents: Sequence[Document], credits: Sequence[Credit],
                 allocations: Sequence[Allocation], interest: Mapping[str, InterestTerms],
                 as_of: date, edges: Sequence[int] = DEFAULT_EDGES,
                 cap_scaled: int | None = None) -> CustomerAging:
    """The aging of one customer in one currency as of the end of `as_of`."""
    result = CustomerAging(buckets=[0] * (len(edges) + 2))
    opens = open_amounts(documents, allocations, as_of=as_of)
    by_doc: dict[str, list[tuple[date, int]]] = {}
    for a in allocations:
        by_doc.setdefault(a.document_key, []).append((a.date, a.amount))
    posted: dict[str, int] = {}
    for doc in documents:
        if doc.kind is DocumentKind.INTEREST and doc.parent and doc.issue_date <= as_of:
            posted[doc.parent] = posted.get(doc.parent, 0) + doc.amount
    for doc in documents:
        if doc.key not in opens:
            continue
        value = opens[doc.key]
        result.by_document[doc.key] = value
        if value:
            result.buckets[bucket_index((as_of - doc.due_date).days, edges)] += value
        terms = interest.get(doc.key)
        if doc.kind is DocumentKind.INVOICE and terms and terms.rate_scaled:
            accrual = accrue(amount=doc.amount, due_date=doc.due_date, grace_days=terms.grace_days,
                             rate_scaled=terms.rate_scaled, day_basis=terms.day_basis,
                             as_of=as_of, allocations=by_doc.get(doc.key, ()),
                             cap_scaled=cap_scaled, posted=posted.get(doc.key, 0))
            result.interest_by_document[doc.key] = accrual
            result.accrued_interest += accrual.amount
            result.interest_capped |= accrual.capped
    result.unapplied = unapplied(credits, allocations, as_of=as_of)
    return result

