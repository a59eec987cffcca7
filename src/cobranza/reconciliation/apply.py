"""Turning a decided match into money on the ledger, and taking it back exactly.

A match creates one payment (dated the booking date, targeting its invoices in order: the
ledger's explicit targets settle them up to their open amounts, DOMAIN.md allocation) and, when
the bank's fee was deducted within tolerance, a write-off credit note for the shortfall naming the
last invoice. The early-payment discount needs nothing here: the replay grants it itself when
the payment brings an invoice down to its discount in time. Reversing deletes what the match
created and replays the customer, which restores every invoice to exactly what it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, cast

import orjson
from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.core.allocation import Credit, SourceKind
from cobranza.ledger.replay import Added, Extension, OpenItems, replay_customers, targets_of
from cobranza.models import CreditNote, Payment, ReconciliationMatch
from cobranza.models.base import from_day_number
from cobranza.reconciliation.repository import LineRow, execute_many, fetch
from cobranza.timeline import log
from cobranza.timeline.log import Event, append


class Application(NamedTuple):
    """One part of a bank line applied to one customer (a named tuple: a reconcile call makes
    one per applied line)."""

    line: LineRow
    customer_id: int
    amount: int
    invoice_numbers: tuple[str, ...]
    confidence: Decimal
    method: str  # auto | confirmed | picked | split | manual
    evidence: dict[str, object] | None = None  # how the matcher decided (None: a person)
    write_off: int = 0  # deducted bank fee written off against the last invoice


def apply_all(session: Session, *, org_id: int, applications: Sequence[Application],
              now: datetime, user: str | None, open_items: OpenItems | None = None,
              writes: bulk.Behind | None = None) -> None:
    """Write matches, payments and write-offs for every application, then allocate them.

    `open_items` gives a customer's open invoices in a currency as they stand before these
    payments (the reconciliation's, read for the matcher): customers whose new payments come
    after everything on their ledger are then allocated from those (`ledger.replay.Extension`)
    rather than replayed from their whole history.

    Everything is read first; the rows are then handed to `writes` (a thread writes them while
    the next are made, `bulk.behind`), and the customers replayed in full once they are all
    in the database. Without `writes`, all is written when this returns.
    """
    if not applications:
        return
    conn = session.connection()
    if writes is None:
        with bulk.behind(conn) as writes:
            apply_all(session, org_id=org_id, applications=applications, now=now, user=user,
                      open_items=open_items, writes=writes)
        return
    day = {a.line.booking_day: from_day_number(a.line.booking_day) for a in applications}
    extension = None if open_items is None else Extension(
        session, org_id=org_id,
        coming=[(a.customer_id, a.line.currency, day[a.line.booking_day]) for a in applications],
        open_items=open_items)
    match_ids = bulk.reserve_ids(conn, _MATCHES, len(applications))
    payment_ids = bulk.reserve_ids(conn, _PAYMENTS, len(applications))
    # A deducted fee is written off by a credit note naming the last invoice.
    owed = [(a, mid) for a, mid in zip(applications, match_ids, strict=True)
            if a.write_off and a.invoice_numbers]
    notes = {mid: (cn, Credit(SourceKind.CREDIT_NOTE, f"WO-BANK-{mid}", day[a.line.booking_day],
                              a.write_off, (a.invoice_numbers[-1],)))
             for (a, mid), cn in zip(owed, bulk.reserve_ids(conn, _CREDIT_NOTES, len(owed)),
                                     strict=True)}
    heads = log.heads(session, sorted({a.customer_id for a in applications}))
    # Nothing is read from here on until the writes are done.
    # The payment names its invoices as the replay will read them back (`targets_of`).
    payments = [Credit(SourceKind.PAYMENT, f"BANK-{a.line.id}-{mid}", day[a.line.booking_day],
                       a.amount, targets_of(";".join(a.invoice_numbers)))
                for a, mid in zip(applications, match_ids, strict=True)]
    # The rows as the driver takes them: the shared timestamp and the booking days bound once.
    stamp = bulk.bound(conn, _MATCHES.c.created_at, now)
    stored = {n: bulk.bound(conn, _PAYMENTS.c.date, on) for n, on in day.items()}
    # The match points to its write-off: the notes are written first.
    writes.write(_CREDIT_NOTES.name, _NOTE_COLUMNS, [
        (cn, a.customer_id, note.key, note.targets[0], stored[a.line.booking_day],
         a.line.currency, note.amount)
        for a, mid in owed for cn, note in [notes[mid]]],
        shared={"org_id": org_id, "created_at": stamp, "updated_at": stamp})
    writes.write(_MATCHES.name, _MATCH_COLUMNS, [
        (mid, a.line.id, a.customer_id, a.amount, a.line.currency,
         ";".join(a.invoice_numbers) or None, int(a.confidence * 1000), a.method,
         orjson.dumps(a.evidence or {}, option=orjson.OPT_SORT_KEYS).decode(),
         notes[mid][0] if mid in notes else None)
        for a, mid in zip(applications, match_ids, strict=True)],
        shared={"org_id": org_id, "created_at": stamp, "created_by": user})
    writes.write(_PAYMENTS.name, _PAYMENT_COLUMNS, [
        (pid, a.customer_id, p.key, stored[a.line.booking_day], a.line.currency,
         a.amount, ";".join(a.invoice_numbers) or None, a.line.transaction_id, mid)
        for a, mid, pid, p in zip(applications, match_ids, payment_ids, payments, strict=True)],
        shared={"org_id": org_id, "method": "bank", "created_at": stamp, "updated_at": stamp})
    iso = {n: on.isoformat() for n, on in day.items()}
    writes.write(log.TABLE.name, log.COLUMNS, log.chained(
        conn, heads=heads,
        events=[_event(a, now, user, iso[a.line.booking_day]) for a in applications]),
        shared={"org_id": org_id})
    if extension is None:
        replayed = {a.customer_id for a in applications}
    else:
        replayed = extension.allocate(writes=writes, added=[
            *(Added(a.customer_id, a.line.currency, p, pid)
              for a, p, pid in zip(applications, payments, payment_ids, strict=True)),
            *(Added(a.customer_id, a.line.currency, note, cn)
              for a, mid in owed for cn, note in [notes[mid]])])
    if replayed:
        writes.after(lambda: replay_customers(session, org_id=org_id,
                                              customer_ids=sorted(replayed)))


class Link(NamedTuple):
    """A bank line that brought a payment the ledger holds already (`recorded`)."""

    line: LineRow
    customer_id: int
    amount: int  # the payments' (the line's, or a person's part of it)
    payment_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    confidence: Decimal
    method: str  # auto, or a person's (confirmed | picked | manual | split)
    evidence: dict[str, object]


def link_all(session: Session, *, org_id: int, links: Sequence[Link], now: datetime,
             user: str | None) -> None:
    """Write a match for each line and point its payments to it, all written when this
    returns. Nothing is allocated: the money is on the ledger already, and stays as it is
    when the match is reversed."""
    if not links:
        return
    conn = session.connection()
    match_ids = bulk.reserve_ids(conn, _MATCHES, len(links))
    heads = log.heads(session, sorted({k.customer_id for k in links}))
    stamp = bulk.bound(conn, _MATCHES.c.created_at, now)
    events = [_event(Application(k.line, k.customer_id, k.amount, k.invoice_numbers,
                                 k.confidence, k.method), now, user,
                     from_day_number(k.line.booking_day).isoformat(), recorded=True)
              for k in links]
    with bulk.behind(conn) as writes:
        writes.write(_MATCHES.name, _MATCH_COLUMNS, [
            (mid, k.line.id, k.customer_id, k.amount, k.line.currency,
             ";".join(k.invoice_numbers) or None, int(k.confidence * 1000), k.method,
             orjson.dumps(k.evidence, option=orjson.OPT_SORT_KEYS).decode(), None)
            for k, mid in zip(links, match_ids, strict=True)],
            shared={"org_id": org_id, "created_at": stamp, "created_by": user})
        writes.update(_PAYMENTS.name, ("match_id",), "id", [
            (mid, pid) for k, mid in zip(links, match_ids, strict=True) for pid in k.payment_ids])
        writes.write(log.TABLE.name, log.COLUMNS, log.chained(conn, heads=heads, events=events),
                     shared={"org_id": org_id})


_MATCHES = cast(Table, ReconciliationMatch.__table__)
_PAYMENTS = cast(Table, Payment.__table__)
_CREDIT_NOTES = cast(Table, CreditNote.__table__)
# The columns of each row; the organisation and the timestamps are bound once (`bulk.writing`).
_NOTE_COLUMNS = ("id", "customer_id", "number", "invoice_number", "date", "currency", "amount")
_MATCH_COLUMNS = ("id", "transaction_id", "customer_id", "amount", "currency", "invoice_numbers",
                  "confidence", "method", "evidence", "write_off_id")
_PAYMENT_COLUMNS = ("id", "customer_id", "code", "date", "currency", "amount", "invoice_numbers",
                    "reference", "match_id")


def _event(a: Application, now: datetime, user: str | None, on: str,
           recorded: bool = False) -> Event:
    payload: dict[str, object] = {
        "transaction": a.line.transaction_id or str(a.line.id), "date": on, "amount": a.amount,
        "currency": a.line.currency, "invoices": list(a.invoice_numbers), "method": a.method,
        "confidence": str(a.confidence)}
    if recorded:
        payload["recorded"] = True  # the payment was on the ledger already: nothing added
    return Event(customer_id=a.customer_id, at=now, kind="payment_matched",
                 actor=user or "reconcile", payload=payload)


def reverse_line(session: Session, *, org_id: int, line_id: int, now: datetime,
                 user: str | None) -> int:
    """Undo every active match of a line; returns how many. The line goes back to review."""
    rows = fetch(session, "SELECT id, customer_id, write_off_id FROM reconciliation_matches "
                          "WHERE org_id = {m} AND transaction_id = {m} AND reversed_at IS NULL",
                 (org_id, line_id))
    if not rows:
        return 0
    match_ids = [r[0] for r in rows]
    # The payment a match made is the one under its code (`apply_all`). Any other on it was
    # recorded before the line (`link_all`) or took that one's place (a Pagos complement,
    # `einvoices.recorded`): let go of, and kept on the ledger.
    conn = session.connection()
    codes = [f"BANK-{line_id}-{mid}" for mid in match_ids]
    made = {mid for (mid,) in bulk.fetch(
        conn, "SELECT match_id FROM payments WHERE org_id = {m} AND code IN ({codes})",
        (org_id, *codes), codes=", ".join([bulk.mark(conn)] * len(codes)))}
    execute_many(session, "UPDATE payments SET match_id = NULL WHERE org_id = {m} "
                          "AND match_id = {m} AND code <> {m}",
                 [(org_id, mid, code) for mid, code in zip(match_ids, codes, strict=True)])
    # The customers whose money the line's matches made: the rest are as they were.
    money = {customer for mid, customer, write_off in rows
             if mid in made or write_off is not None}
    # The allocations go first (they name the payment and the write-off), found through the
    # customer's index: `allocations` has none on the payment or the credit note, and a
    # ledger's may hold millions of rows. The customer is replayed below.
    for mid, customer, write_off in rows:
        execute_many(session, "DELETE FROM allocations WHERE org_id = {m} AND customer_id = {m} "
                              "AND payment_id IN (SELECT id FROM payments "
                              "WHERE org_id = {m} AND match_id = {m})",
                     [(org_id, customer, org_id, mid)])
        execute_many(session, "DELETE FROM payments WHERE org_id = {m} AND match_id = {m}",
                     [(org_id, mid)])
        if write_off is not None:
            execute_many(session, "UPDATE reconciliation_matches SET write_off_id = NULL "
                                  "WHERE id = {m}", [(mid,)])
            execute_many(session, "DELETE FROM allocations WHERE org_id = {m} "
                                  "AND customer_id = {m} AND credit_note_id = {m}",
                         [(org_id, customer, write_off)])
            execute_many(session, "DELETE FROM credit_notes WHERE id = {m}", [(write_off,)])
    session.execute(update(ReconciliationMatch).where(ReconciliationMatch.id.in_(match_ids))
                    .values(reversed_at=now, reversed_by=user),
                    execution_options={"synchronize_session": False})
    replay_customers(session, org_id=org_id, customer_ids=sorted(money))
    append(session, org_id=org_id, events=[
        Event(customer_id=c, at=now, kind="payment_unmatched", actor=user or "reconcile",
              payload={"line": line_id} if c in money else {"line": line_id, "recorded": True})
        for c in sorted({r[1] for r in rows})])
    return len(match_ids)
