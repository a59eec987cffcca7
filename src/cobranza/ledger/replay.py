"""Rebuild stored allocations from the pure replay (shared/DOMAIN.md, allocation).

Allocations are derived data: after any change to a customer's invoices, credit notes, payments
or pins, that customer's allocations are recomputed from scratch and rewritten, in the caller's
transaction. Loading and writing are set-based: customers are taken `_BATCH` at a time, each batch
loaded with one query per table and written with chunked executemany, so memory stays bounded by
a batch however large the ledger (a whole-ledger load of a million invoices took gigabytes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from typing import Any

from sqlalchemy import Connection, delete
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.core.allocation import Allocation as Allocated
from cobranza.core.allocation import (
    Credit,
    Document,
    DocumentKind,
    Pin,
    SourceKind,
    extend,
    paid_whole,
    replay,
    spent_on_named,
)
from cobranza.core.matching import OpenItem
from cobranza.core.terms import discount_amount
from cobranza.models import Allocation
from cobranza.models.base import day_number, from_day_number

CHUNK = 50_000
_BATCH = 1_000  # customers loaded, replayed and written together (one IN list per query)

GroupKey = tuple[int, str]  # (customer row id, currency)
_KINDS = {kind.value: kind for kind in DocumentKind}
# Dates are read and written as stored (day numbers); a ledger has a few thousand distinct ones.
_day = cache(from_day_number)
_day_number = cache(day_number)

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
# The columns of an allocation's row; the organisation's is written beside them (`_Writer`).
_COLUMNS = ("customer_id", "currency", "invoice_id", "source_kind", "payment_id",
            "credit_note_id", "date", "amount")


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
    writer = _Writer(partial(bulk.write, conn), org_id)
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
        writer.add(key, doc_ids[key], source_ids,
                   replay(documents=docs[key], credits=credits[key], pins=pins.get(key, ())))


def targets_of(stored: str | None) -> tuple[str, ...]:
    """The invoices a payment names, as its `invoice_numbers` column stores them."""
    return tuple(t for t in (stored or "").split(";") if t)


def _load_credits(conn: Connection, *, org_id: int, ids: Sequence[int]) -> tuple[
        dict[GroupKey, list[Credit]], dict[tuple[SourceKind, str], int]]:
    credits: dict[GroupKey, list[Credit]] = defaultdict(list)
    source_ids: dict[tuple[SourceKind, str], int] = {}
    for rid, cust, cur, code, day, amount, targets in _for_customers(conn, _PAYMENTS, org_id,
                                                                      ids):
        credits[(cust, cur)].append(
            Credit(SourceKind.PAYMENT, code, _day(day), amount, targets_of(targets)))
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


@dataclass(frozen=True, slots=True)
class Added:
    """A payment or credit note just written, to allocate."""

    customer_id: int
    currency: str
    credit: Credit
    row_id: int  # the payment's or credit note's id


# Per customer and currency: the latest payment or credit note, and the latest document.
_LATEST = """
SELECT customer_id, currency, MAX({column}) FROM {table}
WHERE org_id = {m} AND customer_id IN ({ids}) GROUP BY customer_id, currency"""
# Customers with a posted charge (the only documents with a parent: the parent index answers)
# or a hand-off to an agency.
_SPECIAL = """
SELECT DISTINCT customer_id FROM invoices WHERE org_id = {m} AND parent_id IS NOT NULL
UNION SELECT DISTINCT customer_id FROM agency_handoffs WHERE org_id = {m}"""

# A customer's open items in a currency, as a caller read them (oldest first).
OpenItems = Callable[[int, str], Sequence[OpenItem]]


class Extension:
    """Allocating new credits by extending their customers' replay (`core.allocation.extend`)
    instead of replaying each one's whole history.

    Made before the credits are written, from the open items the caller read (`open_items`:
    a customer's open invoices in a currency). A customer and currency qualify when every new
    credit is dated after every credit they already have and none of their documents is
    issued after the first new credit (the conditions of `extend`), and none of their
    documents is a posted charge or handed to an agency (the reconciliation's open items leave
    those out). A customer without earlier credit has nothing settled, so their open items
    are all their documents and tell the latest issue; the others' documents are asked. The
    rest are replayed in full, as after any change to a ledger.
    """

    def __init__(self, session: Session, *, org_id: int,
                 coming: Iterable[tuple[int, str, date]], open_items: OpenItems) -> None:
        """`coming`: the customer, currency and date of each credit about to be written."""
        self.org_id = org_id
        self.open_items = open_items
        first: dict[GroupKey, int] = {}  # the first new credit's day (stored day number)
        for customer, currency, on in coming:
            day = day_number(on)
            first[(customer, currency)] = min(first.get((customer, currency), day), day)
        conn = session.connection()
        special = {row[0] for row in bulk.fetch(conn, _SPECIAL, (org_id, org_id))}
        ids = sorted({customer for customer, _ in first} - special)
        credited: set[GroupKey] = set()
        barred: set[GroupKey] = set()
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            for table in ("payments", "credit_notes"):
                sql = _LATEST.replace("{table}", table).replace("{column}", "date")
                for cust, cur, day in _for_customers(conn, sql, org_id, chunk):
                    credited.add((cust, cur))
                    if day >= first.get((cust, cur), day + 1):
                        barred.add((cust, cur))
        asked = sorted({cust for cust, cur in credited - barred if (cust, cur) in first})
        sql = _LATEST.replace("{table}", "invoices").replace("{column}", "issue_date")
        for start in range(0, len(asked), _BATCH):
            for cust, cur, issued in _for_customers(conn, sql, org_id,
                                                    asked[start:start + _BATCH]):
                if issued > first.get((cust, cur), issued):
                    barred.add((cust, cur))
        self.extendable = {
            (cust, cur) for (cust, cur), day in first.items()
            if cust not in special and (cust, cur) not in barred and (
                (cust, cur) in credited
                or max((i.issue for i in open_items(cust, cur)), default=day) <= day)}

    def allocate(self, *, added: Sequence[Added], writes: bulk.Behind) -> set[int]:
        """Allocate the credits, written (or handed to `writes` before these rows) where they
        qualify; returns the customers that must be replayed in full instead, once the
        credits are in the database."""
        groups: dict[GroupKey, list[Added]] = defaultdict(list)
        for a in added:
            groups[(a.customer_id, a.currency)].append(a)
        # A customer replayed in full is replayed in every currency.
        rest = {cust for cust, _cur in groups.keys() - self.extendable}
        writer = _Writer(writes.write, self.org_id)
        for key in sorted(k for k in groups.keys() & self.extendable if k[0] not in rest):
            items = self.open_items(*key)
            credits = [a.credit for a in groups[key]]
            sources = {(a.credit.kind, a.credit.key): a.row_id for a in groups[key]}
            # Most payments name the invoices they pay and are spent on them: the customer's
            # other open invoices are then not needed (`extend`); most of those settle what
            # they name whole (`paid_whole`: a customer here has no posted charge).
            named = {t for c in credits for t in c.targets}
            used: Sequence[OpenItem] = [i for i in items if i.number in named]
            opens = {i.number: i.open for i in used}
            made = paid_whole(credits, opens)
            if made is None and sum(c.amount for c in credits) > sum(opens.values()):
                # More money than the named invoices owe (two lines paying one invoice, say):
                # what is left goes to the oldest others, and no credit can be spent on
                # those it names alone.
                used, made = extend_oldest(items, credits)
            elif made is None:
                few = list(map(_document, used))
                made = extend(documents=few, open_amounts=opens, credits=credits)
                if not spent_on_named(credits, made, few):
                    used, made = extend_oldest(items, credits)
            writer.add(key, {i.number: i.invoice_id for i in used}, sources, made)
        writer.close()
        return rest


def extend_oldest(items: Sequence[OpenItem],
                  credits: Sequence[Credit]) -> tuple[Sequence[OpenItem], list[Allocated]]:
    """`extend` over a customer's open invoices `items` (no posted charges; oldest first: due
    date, then issue date), looking only at those the credits name and at as many of the
    others, oldest first, as their money may reach; returns the items looked at and the
    allocations.

    What a credit leaves after the invoices it names settles the others oldest first
    (DOMAIN.md, allocation; `extend` orders ties of due and issue date by number): while the
    last of those looked at is still open, none after it took anything, and the allocations
    are those of all of them. Otherwise, all of them. A customer of a thousand open invoices
    and a few payments, then, costs a few invoices' work, not a thousand.
    """
    named = {t for c in credits for t in c.targets}
    others = [i for i in items if i.number not in named]
    budget, room, cut = sum(c.amount for c in credits), 0, 0
    while cut < len(others) and room <= budget:
        room += max(others[cut].open - others[cut].discount, 0)  # (paid early, it takes less)
        cut += 1
    # Whole ties of due and issue date, which `extend` orders among themselves by number.
    while 0 < cut < len(others) and (others[cut].due, others[cut].issue) == (
            others[cut - 1].due, others[cut - 1].issue):
        cut += 1
    if cut < len(others):
        looked = [i for i in items if i.number in named] + others[:cut]
        made = extend(documents=list(map(_document, looked)),
                      open_amounts={i.number: i.open for i in looked}, credits=credits)
        tied = [i for i in others[:cut] if (i.due, i.issue) == (others[cut - 1].due,
                                                                 others[cut - 1].issue)]
        last = max(tied, key=lambda i: i.number)
        if sum(a.amount for a in made if a.document_key == last.number) < last.open:
            return looked, made
    return items, extend(documents=list(map(_document, items)),
                         open_amounts={i.number: i.open for i in items}, credits=credits)


def _document(item: OpenItem) -> Document:
    # Only the open amount and the discount terms matter to `extend`: the document's amount
    # is given as its open amount.
    return Document(key=item.number, issue_date=_day(item.issue), due_date=_day(item.due),
                    amount=item.open, discount_amount=item.discount,
                    discount_until=_day(item.discount_until) if item.discount else None)


class _Writer:
    """Allocation rows of organisation `org_id` handed to `write` (`bulk.write` on a
    connection, or `Behind.write`) `CHUNK` at a time across batches."""

    def __init__(self, write: Callable[..., object], org_id: int) -> None:
        self.write = write
        self.org_id = org_id
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, key: GroupKey, invoice_ids: Mapping[str, int],
            sources: Mapping[tuple[SourceKind, str], int], made: Iterable[Allocated]) -> None:
        """The rows of a customer's allocations `made`: `invoice_ids` gives each document's id,
        `sources` those of payments and credit notes (a discount allowance is funded by, and
        recorded against, its payment)."""
        customer, currency = key
        rows = self.rows
        for a in made:
            kind = a.source_kind
            if kind is SourceKind.CREDIT_NOTE:
                payment, note = None, sources[(kind, a.source_key)]
            else:
                payment, note = sources[(SourceKind.PAYMENT, a.source_key)], None
            rows.append((customer, currency, invoice_ids[a.document_key], kind.value, payment,
                         note, _day_number(a.date), a.amount))
        if len(rows) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.write("allocations", _COLUMNS, self.rows, shared={"org_id": self.org_id})
            self.written += len(self.rows)
            self.rows = []

    def close(self) -> int:
        """Write what is left; the number of rows written in all."""
        self._flush()
        return self.written
