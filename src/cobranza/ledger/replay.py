"""Rebuild stored allocations from the pure replay (shared/DOMAIN.md, allocation).

Allocations are derived data: after any change to a customer's invoices, credit notes, payments
or pins, that customer's allocations are recomputed from scratch and rewritten, in the caller's
transaction. Loading and writing are set-based (one query per table, chunked executemany).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from cobranza.core.allocation import Credit, Document, DocumentKind, Pin, SourceKind, replay
from cobranza.core.terms import discount_amount
from cobranza.models import Allocation, CreditNote, Invoice, Payment, PinnedAllocation
from cobranza.models.base import day_number

CHUNK = 50_000
# Above this many customers a whole-organisation load beats long IN lists.
_WHOLE_ORG = 2_000

GroupKey = tuple[int, str]  # (customer row id, currency)


def _scoped(stmt: Select[Any], column: Any, org_id: int, ids: Sequence[int] | None,
            org_column: Any) -> Iterator[Select[Any]]:
    stmt = stmt.where(org_column == org_id)
    if ids is None:
        yield stmt
        return
    for start in range(0, len(ids), 1000):
        yield stmt.where(column.in_(ids[start:start + 1000]))


def _load(session: Session, stmts: Iterable[Select[Any]]) -> list[Any]:
    rows: list[Any] = []
    for stmt in stmts:
        rows.extend(session.execute(stmt).all())
    return rows


def replay_customers(session: Session, *, org_id: int,
                     customer_ids: Collection[int] | None = None) -> int:
    """Recompute and store the allocations of these customers (None: all). Returns rows written."""
    ids = None if customer_ids is None or len(customer_ids) > _WHOLE_ORG else sorted(customer_ids)
    wanted = None if customer_ids is None else set(customer_ids)

    docs: dict[GroupKey, list[Document]] = defaultdict(list)
    doc_ids: dict[GroupKey, dict[str, int]] = defaultdict(dict)
    inv = Invoice.__table__.c
    parent = Invoice.__table__.alias("parent")
    stmt = select(inv.id, inv.customer_id, inv.currency, inv.number, inv.kind, parent.c.number,
                  inv.issue_date, inv.due_date, inv.amount, inv.discount_pct_scaled,
                  inv.discount_days).outerjoin(parent, parent.c.id == inv.parent_id)
    for row in _load(session, _scoped(stmt, inv.customer_id, org_id, ids, inv.org_id)):
        (rid, cust, cur, number, kind, parent_no, issued, due, amount, disc_pct, disc_days) = row
        if wanted is not None and cust not in wanted:
            continue
        key = (cust, cur)
        docs[key].append(Document(
            key=number, issue_date=issued, due_date=due, amount=amount,
            kind=DocumentKind(kind), parent=parent_no,
            discount_amount=discount_amount(amount=amount, discount_pct_scaled=disc_pct)
            if disc_pct else 0,
            discount_until=issued + timedelta(days=disc_days) if disc_pct else None))
        doc_ids[key][number] = rid

    credits: dict[GroupKey, list[Credit]] = defaultdict(list)
    source_ids: dict[tuple[SourceKind, str], int] = {}
    pay = Payment.__table__.c
    stmt = select(pay.id, pay.customer_id, pay.currency, pay.code, pay.date, pay.amount,
                  pay.invoice_numbers)
    for rid, cust, cur, code, day, amount, targets in _load(
            session, _scoped(stmt, pay.customer_id, org_id, ids, pay.org_id)):
        if wanted is not None and cust not in wanted:
            continue
        named = tuple(t for t in (targets or "").split(";") if t)
        credits[(cust, cur)].append(Credit(SourceKind.PAYMENT, code, day, amount, named))
        source_ids[(SourceKind.PAYMENT, code)] = rid
    cn = CreditNote.__table__.c
    stmt = select(cn.id, cn.customer_id, cn.currency, cn.number, cn.date, cn.amount,
                  cn.invoice_number)
    for rid, cust, cur, number, day, amount, target in _load(
            session, _scoped(stmt, cn.customer_id, org_id, ids, cn.org_id)):
        if wanted is not None and cust not in wanted:
            continue
        named = (target,) if target else ()
        credits[(cust, cur)].append(Credit(SourceKind.CREDIT_NOTE, number, day, amount, named))
        source_ids[(SourceKind.CREDIT_NOTE, number)] = rid

    pins = _load_pins(session, org_id=org_id, ids=ids, wanted=wanted)
    _delete_allocations(session, org_id=org_id, ids=ids, wanted=wanted)
    return _write(session, org_id=org_id, docs=docs, doc_ids=doc_ids, credits=credits,
                  pins=pins, source_ids=source_ids)


def _load_pins(session: Session, *, org_id: int, ids: Sequence[int] | None,
               wanted: set[int] | None) -> dict[GroupKey, list[Pin]]:
    pins: dict[GroupKey, list[Pin]] = defaultdict(list)
    pa = PinnedAllocation.__table__.c
    inv = Invoice.__table__.c
    pay = Payment.__table__.c
    cn = CreditNote.__table__.c
    stmt = (select(pa.customer_id, inv.currency, inv.number, pay.code, cn.number, pa.amount)
            .join(Invoice.__table__, inv.id == pa.invoice_id)
            .outerjoin(Payment.__table__, pay.id == pa.payment_id)
            .outerjoin(CreditNote.__table__, cn.id == pa.credit_note_id))
    for cust, cur, number, pay_code, cn_number, amount in _load(
            session, _scoped(stmt, pa.customer_id, org_id, ids, pa.org_id)):
        if wanted is not None and cust not in wanted:
            continue
        kind = SourceKind.PAYMENT if pay_code else SourceKind.CREDIT_NOTE
        pins[(cust, cur)].append(Pin(kind, pay_code or cn_number, number, amount))
    return pins


def _delete_allocations(session: Session, *, org_id: int, ids: Sequence[int] | None,
                        wanted: set[int] | None) -> None:
    if wanted is None:
        session.execute(delete(Allocation).where(Allocation.org_id == org_id))
        return
    targets = ids if ids is not None else sorted(wanted)
    for start in range(0, len(targets), 1000):
        session.execute(delete(Allocation).where(
            Allocation.org_id == org_id,
            Allocation.customer_id.in_(targets[start:start + 1000])))


def _write(session: Session, *, org_id: int, docs: dict[GroupKey, list[Document]],
           doc_ids: dict[GroupKey, dict[str, int]], credits: dict[GroupKey, list[Credit]],
           pins: dict[GroupKey, list[Pin]],
           source_ids: dict[tuple[SourceKind, str], int]) -> int:
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = ("INSERT INTO allocations (org_id, customer_id, currency, invoice_id, source_kind, "
           f"payment_id, credit_note_id, date, amount) VALUES ({', '.join([mark] * 9)})")
    batch: list[tuple[Any, ...]] = []
    written = 0
    for key in sorted(set(docs) | set(credits)):
        if not docs.get(key) or not credits.get(key):
            continue  # nothing to allocate, or nothing to allocate with
        cust, cur = key
        ids = doc_ids[key]
        for a in replay(documents=docs[key], credits=credits[key], pins=pins.get(key, ())):
            funding = SourceKind.PAYMENT if a.source_kind is SourceKind.DISCOUNT else a.source_kind
            source = source_ids[(funding, a.source_key)]
            batch.append((org_id, cust, cur, ids[a.document_key], a.source_kind.value,
                          source if funding is SourceKind.PAYMENT else None,
                          source if funding is SourceKind.CREDIT_NOTE else None,
                          day_number(a.date), a.amount))
        if len(batch) >= CHUNK:
            conn.exec_driver_sql(sql, batch)
            written += len(batch)
            batch = []
    if batch:
        conn.exec_driver_sql(sql, batch)
        written += len(batch)
    return written

