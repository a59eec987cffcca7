"""Small builders for the core's records, in the words of DOMAIN.md (days count from `D0`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from cobranza.core.allocation import Allocation, Credit, Document, DocumentKind, SourceKind

D0 = date(2024, 1, 1)


def day(n: int) -> date:
    """The date `n` days after D0."""
    return D0 + timedelta(days=n)


def discount_for(amount: int, pct: Decimal | str) -> int:
    """round(amount × pct / 100), half-up, as DOMAIN.md writes it."""
    exact = Decimal(amount) * Decimal(pct) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def invoice(key: str, *, issued: int = 0, due: int | None = None, amount: int = 1000,
            discount_pct: str | None = None, discount_days: int = 0) -> Document:
    """An invoice issued on day `issued`, due on day `due` (net 30 by default)."""
    return Document(
        key=key, issue_date=day(issued), due_date=day(issued + 30 if due is None else due),
        amount=amount, kind=DocumentKind.INVOICE,
        discount_amount=discount_for(amount, discount_pct) if discount_pct else 0,
        discount_until=day(issued + discount_days) if discount_pct else None)


def charge(key: str, *, parent: str, issued: int, due: int, amount: int,
           kind: DocumentKind = DocumentKind.FEE) -> Document:
    """A posted late fee or interest charge of invoice `parent`."""
    return Document(key=key, issue_date=day(issued), due_date=day(due), amount=amount, kind=kind,
                    parent=parent)


def payment(key: str, on: int, amount: int, *targets: str) -> Credit:
    """A payment received on day `on`, naming `targets` in order."""
    return Credit(SourceKind.PAYMENT, key, day(on), amount, tuple(targets))


def credit_note(key: str, on: int, amount: int, target: str | None = None) -> Credit:
    """A credit note dated day `on`, naming at most one invoice."""
    return Credit(SourceKind.CREDIT_NOTE, key, day(on), amount, (target,) if target else ())


def applied(allocations: Iterable[Allocation]) -> dict[tuple[str, str, str, date], int]:
    """Allocated amount per (source kind, source, document, date), summed."""
    total: Counter[tuple[str, str, str, date]] = Counter()
    for a in allocations:
        total[(a.source_kind.value, a.source_key, a.document_key, a.date)] += a.amount
    return dict(total)


def settled(allocations: Iterable[Allocation]) -> dict[str, int]:
    """Allocated amount per document, all dates and sources together."""
    total: Counter[str] = Counter()
    for a in allocations:
        total[a.document_key] += a.amount
    return dict(total)
