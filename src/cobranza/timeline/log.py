"""Appending to the hash-chained activity log, set-based (one read and one insert per batch).

Each customer's entries form a chain: entry n stores the hash of entry n-1 and its own hash over
(customer, seq, at, kind, actor, canonical payload, previous hash). Editing, deleting or
reordering any entry breaks every hash after it, which `verify` reports. A unique index on
(customer_id, seq) makes two concurrent writers fail instead of forking a chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.models import ActivityEntry

GENESIS = "0" * 64
TABLE = cast(Table, ActivityEntry.__table__)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to a customer, for the timeline."""

    customer_id: int
    at: datetime
    kind: str  # action_planned|message_sent|delivery|call_logged|promise|dispute|pause|posting...
    actor: str  # "run", "worker", a collector's name, "api:<key name>"
    payload: Mapping[str, Any]


_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def canonical(payload: Mapping[str, Any]) -> str:
    """The JSON form that is hashed: sorted keys, no spaces, non-ASCII kept, what JSON has no
    type for (dates, decimals) as its str().

    orjson writes it (a reconciliation appends tens of thousands of entries), the standard
    library where orjson refuses (an integer beyond 64 bits). They write the same text but for
    a float's exponent (1e-7, 1e-07); the hash covers the payload as stored, so each need only
    be deterministic.
    """
    try:
        return orjson.dumps(payload, option=_CANONICAL, default=str).decode()
    except TypeError:
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          default=str)


def entry_hash(*, customer_id: int, seq: int, at: datetime, kind: str, actor: str,
               payload: str, prev_hash: str) -> str:
    """The hash an entry must carry."""
    material = "\x1f".join([str(customer_id), str(seq), _stamp(at), kind, actor, payload,
                            prev_hash])
    return hashlib.sha256(material.encode()).hexdigest()


@lru_cache(maxsize=1024)
def _stamp(at: datetime) -> str:
    # A batch's entries share their time: written out once.
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def heads(session: Session, customer_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """Each customer's last entry (seq, hash); a customer without one is left out."""
    found: dict[int, tuple[int, str]] = {}
    for start in range(0, len(customer_ids), _CHUNK):
        chunk = customer_ids[start:start + _CHUNK]
        last = (select(ActivityEntry.customer_id, func.max(ActivityEntry.seq).label("seq"))
                .where(ActivityEntry.customer_id.in_(chunk))
                .group_by(ActivityEntry.customer_id).subquery())
        rows = session.execute(
            select(ActivityEntry.customer_id, ActivityEntry.seq, ActivityEntry.hash)
            .join(last, (last.c.customer_id == ActivityEntry.customer_id)
                  & (last.c.seq == ActivityEntry.seq)))
        found.update({cid: (seq, digest) for cid, seq, digest in rows})
    return found


# The columns of `chained`'s rows, in order; the organisation's is written beside them.
COLUMNS = ("customer_id", "seq", "at", "kind", "actor", "payload", "prev_hash", "hash")


def chained(conn: Connection, *, events: Iterable[Event],
            heads: Mapping[int, tuple[int, str]]) -> list[tuple[Any, ...]]:
    """The rows that append `events` to their customers' chains, which end at `heads` (as
    `heads` reads them): tuples in `COLUMNS` order, as the driver of `conn` takes them
    (`bulk.write`, with the organisation `shared`)."""
    last = dict(heads)
    stored: dict[datetime, Any] = {}  # a batch's entries share their time: bound once
    rows: list[tuple[Any, ...]] = []
    for event in sorted(events, key=lambda e: (e.customer_id, e.at)):
        seq, prev = last.get(event.customer_id, (0, GENESIS))
        seq += 1
        payload = canonical(event.payload)
        digest = entry_hash(customer_id=event.customer_id, seq=seq, at=event.at,
                            kind=event.kind, actor=event.actor, payload=payload, prev_hash=prev)
        at = stored.get(event.at)
        if at is None:
            at = stored[event.at] = bulk.bound(conn, TABLE.c.at, event.at)
        rows.append((event.customer_id, seq, at, event.kind, event.actor, payload, prev, digest))
        last[event.customer_id] = (seq, digest)
    return rows


def append(session: Session, *, org_id: int, events: Iterable[Event]) -> int:
    """Append events to their customers' chains in the caller's transaction; returns how many."""
    batch = list(events)
    if not batch:
        return 0
    session.flush()
    conn = session.connection()
    rows = chained(conn, events=batch, heads=heads(session, sorted({e.customer_id
                                                                    for e in batch})))
    bulk.write(conn, TABLE.name, COLUMNS, rows, shared={"org_id": org_id})
    return len(rows)


@dataclass(frozen=True, slots=True)
class Break:
    """Where a chain stops verifying."""

    customer_id: int
    seq: int
    problem: str  # hash|link|gap


def verify(session: Session, *, org_id: int) -> list[Break]:
    """Every place where a customer's chain was changed, removed from or reordered."""
    breaks: list[Break] = []
    expected: dict[int, tuple[int, str]] = {}
    stmt = (select(ActivityEntry).where(ActivityEntry.org_id == org_id)
            .order_by(ActivityEntry.customer_id, ActivityEntry.seq)
            .execution_options(yield_per=5_000))
    for row in session.scalars(stmt):
        seq, prev = expected.get(row.customer_id, (0, GENESIS))
        if row.seq != seq + 1:
            breaks.append(Break(row.customer_id, row.seq, "gap"))
        elif row.prev_hash != prev:
            breaks.append(Break(row.customer_id, row.seq, "link"))
        elif row.hash != entry_hash(customer_id=row.customer_id, seq=row.seq, at=row.at,
                                    kind=row.kind, actor=row.actor, payload=row.payload,
                                    prev_hash=row.prev_hash):
            breaks.append(Break(row.customer_id, row.seq, "hash"))
        expected[row.customer_id] = (row.seq, row.hash)
    return breaks
