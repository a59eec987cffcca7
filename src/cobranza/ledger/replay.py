"""Rebuild stored allocations from the pure replay (shared/DOMAIN.md, allocation).

Allocations are derived data: after any change to a customer's invoices, credit notes, payments
or pins, that customer's allocations are recomputed from scratch and rewritten, in the caller's
transaction. Loading and writing are set-based: customers are taken `_BATCH` at a time, each batch
loaded with one query per table and written with chunked executemany, so memory stays bounded by
a batch however large the ledger (a whole-ledger load of a million invoices took gigabytes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.core.allocation import Credit, Document, DocumentKind, Pin, SourceKind, replay
from cobranza.core.terms import discount_amount
from cobranza.models import Allocation
from cobranza.models.base import day_number, from_day_number

CHUNK = 50_000
_BATCH = 1_000  # customers loaded, replayed and written together (one IN list per query)

GroupKey = tuple[int, str]  # (customer row id, currency)
_KINDS = {kind.value: kind for kind in DocumentKind}
# Dates are read as stored (day numbers); a ledger has a few thousand distinct ones.
_day = cache(from_day_number)

_DOCUMENTS = """
SELECT i.id, i.customer_id, i.currency, i.number, i.kind, parent.number, i.issue_date,
       i.due_date, i.amount, i.discount_pct_scaled, i.discount_days
FROM invoices i LEFT JOIN invoices parent ON parent.id = i.parent_id
WHERE i.org_id = {m} AND i.customer_id IN ({ids})"""
_PAYMENTS = """
SELECT id, customer_id, currency, code, date, amount, invoice_numbers FROM payments
WHERE org_id = {m} AND customer_id IN ({ids})"""
_CREDIT_NOTES = """
SELECT id, customer_id, currency, number, date, amount, invoice_number FROM credit_notes
WHERE org_id = {m} AND customer_id IN ({ids})"""
_PINS = """
SELECT pa.customer_id, i.currency, i.number, p.code, cn.number, pa.amount
FROM pinned_allocations pa
JOIN invoices i ON i.id = pa.invoice_id
LEFT JOIN payments p ON p.id = pa.payment_id
LEFT JOIN credit_notes cn ON cn.id = pa.credit_note_id
WHERE pa.org_id = {m} AND pa.customer_id IN ({ids})"""
_INSERT = ("INSERT INTO allocations (org_id, customer_id, currency, invoice_id, source_kind, "
           "payment_id, credit_note_id, date, amount) VALUES ({marks})")


def replay_customers(session: Session, *, org_id: int,
                     customer_ids: Collection[int] | None = None) -> int:
    """Recompute and store the allocations of these customers (None: all). Returns rows written."""
    session.flush()  # rows are read below the ORM, so pending objects must be in the database
    conn = session.connection()
    if customer_ids is None:
        ids = [row[0] for row in bulk.fetch(
            conn, "SELECT id FROM customers WHERE org_id = {m} ORDER BY id", (int(org_id),))]
    else:
        ids = sorted(customer_ids)
    _delete_allocations(session, org_id=org_id, ids=None if customer_ids is None else ids)
    writer = _Writer(conn)
    for start in range(0, len(ids), _BATCH):
        _replay_batch(conn, writer, org_id=org_id, ids=ids[start:start + _BATCH])
    return writer.close()


def _for_customers(conn: Connection, sql: str, org_id: int, ids: Sequence[int]) -> list[Any]:
    return bulk.fetch(conn, sql, (int(org_id), *ids), ids=", ".join([bulk.mark(conn)] * len(ids)))


def _replay_batch(conn: Connection, writer: _Writer, *, org_id: int, ids: Sequence[int]) -> None:
    """Replay and write the allocations of one batch of customers."""
    credits, source_ids = _load_credits(conn, org_id=org_id, ids=ids)
    if not credits:
        return  # nothing to allocate with: no document of theirs needs loading
    with_credits = sorted({customer for customer, _ in credits})
    docs, doc_ids = _load_documents(conn, org_id=org_id, ids=with_credits)
    pins = _load_pins(conn, org_id=org_id, ids=with_credits)
    for key in sorted(docs.keys() & credits.keys()):
        cust, cur = key
        numbers = doc_ids[key]
        for a in replay(documents=docs[key], credits=credits[key], pins=pins.get(key, ())):
            funding = SourceKind.PAYMENT if a.source_kind is SourceKind.DISCOUNT else a.source_kind
            source = source_ids[(funding, a.source_key)]
            writer.add((org_id, cust, cur, numbers[a.document_key], a.source_kind.value,
                        source if funding is SourceKind.PAYMENT else None,
                        source if funding is SourceKind.CREDIT_NOTE else None,
                        day_number(a.date), a.amount))


def _load_credits(conn: Connection, *, org_id: int, ids: Sequence[int]) -> tuple[
        dict[GroupKey, list[Credit]], dict[tuple[SourceKind, str], int]]:
    credits: dict[GroupKey, list[Credit]] = defaultdict(list)
    source_ids: dict[tuple[SourceKind, str], int] = {}
    for rid, cust, cur, code, day, amount, targets in _for_customers(conn, _PAYMENTS, org_id,
                                                                      ids):
        named = tuple(t for t in (targets or "").split(";") if t)
        credits[(cust, cur)].append(Credit(SourceKind.PAYMENT, code, _day(day), amount, named))
        source_ids[(SourceKind.PAYMENT, code)] = rid
    for rid, cust, cur, number, day, amount, target in _for_customers(conn, _CREDIT_NOTES,
                                                                       org_id, ids):
        named = (target,) if target else ()
        credits[(cust, cur)].append(
            Credit(SourceKind.CREDIT_NOTE, number, _day(day), amount, named))
        source_ids[(SourceKind.CREDIT_NOTE, number)] = rid
    return credits, source_ids


def _load_documents(conn: Connection, *, org_id: int, ids: Sequence[int]) -> tuple[
        dict[GroupKey, list[Document]], dict[GroupKey, dict[str, int]]]:
    docs: dict[GroupKey, list[Document]] = defaultdict(list)
    doc_ids: dict[GroupKey, dict[str, int]] = defaultdict(dict)
    for row in _for_customers(conn, _DOCUMENTS, org_id, ids):
        (rid, cust, cur, number, kind, parent_no, issued, due, amount, disc_pct, disc_days) = row
        key = (cust, cur)
        docs[key].append(Document(
            key=number, issue_date=_day(issued), due_date=_day(due), amount=amount,
            kind=_KINDS[kind], parent=parent_no,
            discount_amount=discount_amount(amount=amount, discount_pct_scaled=disc_pct)
            if disc_pct else 0,
            discount_until=_day(issued + disc_days) if disc_pct else None))
        doc_ids[key][number] = rid
    return docs, doc_ids


def _load_pins(conn: Connection, *, org_id: int,
               ids: Sequence[int]) -> dict[GroupKey, list[Pin]]:
    pins: dict[GroupKey, list[Pin]] = defaultdict(list)
    for cust, cur, number, pay_code, cn_number, amount in _for_customers(conn, _PINS, org_id,
                                                                          ids):
        kind = SourceKind.PAYMENT if pay_code else SourceKind.CREDIT_NOTE
        pins[(cust, cur)].append(Pin(kind, pay_code or cn_number, number, amount))
    return pins


def _delete_allocations(session: Session, *, org_id: int, ids: Sequence[int] | None) -> None:
    if ids is None:
        session.execute(delete(Allocation).where(Allocation.org_id == org_id))
        return
    for start in range(0, len(ids), 1000):
        session.execute(delete(Allocation).where(
            Allocation.org_id == org_id,
            Allocation.customer_id.in_(ids[start:start + 1000])))


class _Writer:
    """Allocation rows inserted with executemany, `CHUNK` at a time across batches."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sql = _INSERT.format(marks=", ".join([bulk.mark(conn)] * 9))
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.conn.exec_driver_sql(self.sql, self.rows)
            self.written += len(self.rows)
            self.rows = []

    def close(self) -> int:
        """Write what is left; the number of rows written in all."""
        self._flush()
        return self.written
