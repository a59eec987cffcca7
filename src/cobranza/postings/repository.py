"""Queries of the postings: invoice facts as of a day, principal allocations, UF values, inserts.

Every load takes a whole set of invoices (chunked IN lists): one query per chunk, never one per
invoice. Inserts are chunked executemany with ON CONFLICT DO NOTHING on (org_id, number), so two
runs posting the same document at once post it once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cobranza.core.fees import UF_CURRENCY
from cobranza.models import Invoice, Rate
from cobranza.models.base import day_number, from_day_number

CHUNK = 4_000  # ids per IN list (the facts query names it six times: < 32,766 on SQLite)
UF_CODES = ("UF", UF_CURRENCY)  # the rates import keeps the code as given: "UF" or "CLF"


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """An invoice as it stood at the end of a day, in minor units of its currency."""

    id: int
    customer_id: int
    number: str
    kind: str
    currency: str
    amount: int
    issue_date: date
    due_date: date  # as recorded: late interest runs from it, as in the aging
    effective_due: date  # the latest due date an extension granted, else `due_date`
    grace_days: int
    late_interest_scaled: int
    day_basis: int
    handoff_id: int | None
    country: str  # the jurisdiction: the customer's country, else the organisation's
    open_principal: int  # amount − allocations dated on or before the day
    fees_posted: int  # fee documents issued for it on or before the day
    interest_posted: int  # interest documents issued for it on or before the day
    charges_open: int  # what is still open of those fee and interest documents
    disputed: bool  # an open dispute names it


_FACTS = """
WITH alloc AS (
  SELECT a.invoice_id, SUM(a.amount) AS allocated FROM allocations a
  WHERE a.org_id = :org AND a.date <= :day AND a.invoice_id IN :ids GROUP BY a.invoice_id
), charges AS (
  SELECT parent_id, SUM(CASE WHEN kind = 'fee' THEN amount ELSE 0 END) AS fees,
         SUM(CASE WHEN kind = 'interest' THEN amount ELSE 0 END) AS interest,
         SUM(amount) AS charged
  FROM invoices
  WHERE org_id = :org AND issue_date <= :day AND parent_id IN :ids GROUP BY parent_id
), charges_paid AS (
  -- The charges first (CROSS JOIN fixes the order), then each one's allocations through
  -- ix_allocations_org_id_invoice_id: without a.org_id SQLite scanned every allocation once
  -- per charge, which stalled hand-offs at a million invoices (docs/benchmarks.md).
  SELECT c.parent_id, SUM(a.amount) AS allocated
  FROM invoices c CROSS JOIN allocations a
  WHERE c.org_id = :org AND c.issue_date <= :day AND c.parent_id IN :ids
    AND a.org_id = :org AND a.invoice_id = c.id AND a.date <= :day
  GROUP BY c.parent_id
), ext AS (
  SELECT invoice_id, MAX(new_due_date) AS due FROM extensions
  WHERE org_id = :org AND invoice_id IN :ids GROUP BY invoice_id
), disputed AS (
  SELECT DISTINCT invoice_id FROM disputes
  WHERE org_id = :org AND resolved_at IS NULL AND invoice_id IN :ids
)
SELECT i.id, i.customer_id, i.number, i.kind, i.currency, i.amount, i.issue_date, i.due_date,
       CASE WHEN e.due > i.due_date THEN e.due ELSE i.due_date END,
       i.grace_days, i.late_interest_scaled, i.day_basis, i.handoff_id,
       COALESCE(cu.country, o.country), i.amount - COALESCE(x.allocated, 0),
       COALESCE(ch.fees, 0), COALESCE(ch.interest, 0),
       COALESCE(ch.charged, 0) - COALESCE(cp.allocated, 0),
       CASE WHEN d.invoice_id IS NULL THEN 0 ELSE 1 END
FROM invoices i
JOIN customers cu ON cu.id = i.customer_id
JOIN organisations o ON o.id = i.org_id
LEFT JOIN alloc x ON x.invoice_id = i.id
LEFT JOIN charges ch ON ch.parent_id = i.id
LEFT JOIN charges_paid cp ON cp.parent_id = i.id
LEFT JOIN ext e ON e.invoice_id = i.id
LEFT JOIN disputed d ON d.invoice_id = i.id
WHERE +i.org_id = :org AND i.id IN :ids
"""

_ALLOCATIONS = """
SELECT invoice_id, date, amount FROM allocations
WHERE org_id = :org AND date <= :day AND invoice_id IN :ids
"""


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _rows(session: Session, sql: str, *, org_id: int, day: date,
          ids: Collection[int]) -> Iterator[Any]:
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    for chunk in _chunks(ids):
        yield from session.execute(stmt, {"org": org_id, "day": day_number(day), "ids": chunk})


def invoice_facts(session: Session, *, org_id: int, day: date,
                  invoice_ids: Collection[int]) -> dict[int, InvoiceFacts]:
    """The facts of these invoices (of any kind) at the end of `day`, keyed by id."""
    session.flush()
    out: dict[int, InvoiceFacts] = {}
    for row in _rows(session, _FACTS, org_id=org_id, day=day, ids=invoice_ids):
        (rid, cust, number, kind, cur, amount, issued, due, effective, grace, rate, basis,
         handoff, country, open_principal, fees, interest, charges_open, disputed) = row
        out[rid] = InvoiceFacts(
            rid, cust, number, kind, cur, int(amount), from_day_number(issued),
            from_day_number(due), from_day_number(effective), grace, rate, basis, handoff,
            country, int(open_principal), int(fees), int(interest), int(charges_open),
            bool(disputed))
    return out


def principal_allocations(session: Session, *, org_id: int, day: date,
                          invoice_ids: Collection[int]) -> dict[int, list[tuple[date, int]]]:
    """(date, amount) of every allocation settling these invoices, dated on or before `day`."""
    out: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for invoice_id, on, amount in _rows(session, _ALLOCATIONS, org_id=org_id, day=day,
                                        ids=invoice_ids):
        out[invoice_id].append((from_day_number(on), int(amount)))
    return out


def uf_value(session: Session, *, org_id: int, currency: str, on: date) -> Decimal | None:
    """One UF in `currency` on `on` exactly, from the organisation's rate table (code UF or CLF).

    The Chilean cap uses "the UF value of that day" (DOMAIN.md, late fees): an older value is not
    taken in its place.
    """
    found = {code: value for code, value in session.execute(
        select(Rate.code, Rate.value).where(Rate.org_id == org_id, Rate.code.in_(UF_CODES),
                                            Rate.quote == currency, Rate.date == on))}
    return next((found[code] for code in UF_CODES if code in found), None)


def charge_numbers(session: Session, *, org_id: int, parent_ids: Collection[int]) -> set[str]:
    """The numbers of the fee and interest documents posted on these invoices."""
    found: set[str] = set()
    for chunk in _chunks(parent_ids):
        found.update(session.scalars(select(Invoice.number).where(
            Invoice.org_id == org_id, Invoice.parent_id.in_(chunk))))
    return found


def insert_charges(session: Session, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Insert fee or interest documents, skipping numbers that exist; the numbers inserted."""
    if not rows:
        return set()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(Invoice).on_conflict_do_nothing(index_elements=["org_id", "number"])
            .returning(Invoice.number))
    inserted: set[str] = set()
    for start in range(0, len(rows), CHUNK):
        inserted.update(session.scalars(stmt, list(rows[start:start + CHUNK])))
    return inserted
