"""The daily run's reads: whole sets in a few SQL statements, never a query per customer.

Every value inlined into SQL is an int computed here; everything else is a bound parameter.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from cobranza.accounts.repository import suppressed_customers
from cobranza.core.dunning import Progress
from cobranza.models import CollectionAction, CollectionTask, Promise, SatisfactionAnswer
from cobranza.models.base import day_number, from_day_number

PERFORMED = ("sent", "delivered", "done")
LIVE = ("queued", "sending", "sent", "delivered", "done")
CONVERSATION = ("reached", "promise", "dispute")

# Open invoices near or past their effective due date, not disputed, not handed off; LEFT JOINed
# to the progress of their current dunning cycle. `+org_id` keeps SQLite from reading whole
# tables through the org_id index (a random lookup per row; see reports/aging.py), and open
# disputes are one list, not a correlated scan per invoice (measured in docs/benchmarks.md).
# Amounts are cast because PostgreSQL's SUM of a bigint is a numeric (a Decimal in Python).
_CANDIDATES = """
WITH alloc AS (
  SELECT invoice_id, SUM(amount) AS paid FROM allocations
  WHERE +org_id = {org} AND date <= {d} GROUP BY invoice_id
), ext AS (
  SELECT invoice_id, MAX(new_due_date) AS due, COUNT(*) AS n FROM extensions
  WHERE org_id = {org} GROUP BY invoice_id
), cand AS (
  SELECT i.id, i.customer_id, i.number, i.currency, COALESCE(e.due, i.due_date) AS due,
         COALESCE(e.n, 0) AS cycle, i.amount - COALESCE(a.paid, 0) AS open_amount
  FROM invoices i
  LEFT JOIN alloc a ON a.invoice_id = i.id
  LEFT JOIN ext e ON e.invoice_id = i.id
  WHERE +i.org_id = {org} AND i.kind = 'invoice' AND i.handoff_id IS NULL AND i.issue_date <= {d}
    AND i.amount - COALESCE(a.paid, 0) > 0
    AND COALESCE(e.due, i.due_date) <= {d} + {lead}
    AND i.id NOT IN (SELECT invoice_id FROM disputes
                     WHERE org_id = {org} AND resolved_at IS NULL)
)
SELECT c.id, c.customer_id, c.number, c.currency, c.due, CAST(c.cycle AS BIGINT),
       CAST(c.open_amount AS BIGINT), p.step_code, p.day, p.status, act.status
FROM cand c
LEFT JOIN dunning_progress p ON p.invoice_id = c.id AND p.cycle = c.cycle
LEFT JOIN collection_actions act ON act.id = p.action_id
ORDER BY c.id
"""

# What the run knows of a step already recorded for an invoice: (step code, day number, done).
StepRecord = tuple[str, int, bool]
# An invoice the run may act on, with the progress of its current cycle: (id, customer id,
# number, currency, effective due date as a day number, cycle, open amount, its step records
# sorted). A plain tuple of plain values: the run reads hundreds of thousands of them, and
# CPython's cyclic collector stops tracking such tuples (it traverses every tracked object on
# each full pass); only the distinct (due date, progress) cases become dates and `Progress`.
Candidate = tuple[int, int, str, str, int, int, int, tuple[StepRecord, ...]]


def progress_of(records: tuple[StepRecord, ...]) -> dict[str, Progress]:
    """The `Progress` per step code of an invoice's recorded steps."""
    return {code: Progress(from_day_number(day), done) for code, day, done in records}


def _raw_rows(session: Session, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a statement with no parameters, straight from the driver's cursor.

    The whole-ledger reads skip SQLAlchemy's Result and Row layers (a Python call per row);
    the caller's transaction is kept, since the cursor is the session's own connection's.
    """
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(10_000):
            yield from rows
    finally:
        cursor.close()


def candidates(session: Session, *, org_id: int, today: date, lead_days: int) -> list[Candidate]:
    """Open, undisputed, not handed-off invoices of reachable customers due by today + lead,
    in invoice id order.

    Customers with an active promise, a current plan, a pause or a do-not-contact are left out
    (`accounts.repository.suppressed_customers`: one query, a small set).
    """
    held = suppressed_customers(session, org_id=org_id, today=today)
    rows = _raw_rows(session, _CANDIDATES.format(org=int(org_id), d=day_number(today),
                                                 lead=int(lead_days)))
    found: list[Candidate] = []
    head: tuple[Any, ...] = ()  # the invoice whose progress rows are being read
    records: list[StepRecord] = []
    for row in rows:
        if row[1] in held:
            continue
        if head and row[0] != head[0]:
            found.append((*head, tuple(sorted(records))))
            head = ()
        step_code = row[7]
        if step_code is None:  # no progress: the only row of its invoice
            found.append((*row[:7], ()))
            continue
        if not head:
            head, records = row[:7], []
        action_status = row[10]
        records.append((step_code, row[8], action_status in PERFORMED
                         if action_status is not None else row[9] == "done"))
    if head:
        found.append((*head, tuple(sorted(records))))
    return found


class CustomerRow(NamedTuple):
    """What the run needs to know about a customer (a named tuple: read by the hundred thousand,
    and five times cheaper to build than a frozen dataclass)."""

    id: int
    code: str
    name: str
    segment: str | None
    country: str | None
    timezone: str | None
    contact_hours: str | None
    preferred_channel: str | None
    email: str | None
    phone: str | None
    whatsapp: str | None
    language: str | None
    collector: str | None


_CUSTOMERS = ("SELECT id, code, name, segment, country, timezone, contact_hours, "
              "preferred_channel, email, phone, whatsapp, language, collector FROM customers "
              "WHERE +org_id = {org} AND id IN ({ids})")  # by primary key, not the org's index
_IDS_PER_QUERY = 5_000


def customers(session: Session, *, org_id: int, ids: Collection[int]) -> dict[int, CustomerRow]:
    """The customers among `ids`, a few thousand ids per query (read by primary key)."""
    wanted = sorted(int(i) for i in ids)
    found: dict[int, CustomerRow] = {}
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        chunk = ",".join(map(str, wanted[start:start + _IDS_PER_QUERY]))
        for row in _raw_rows(session, _CUSTOMERS.format(org=int(org_id), ids=chunk)):
            found[row[0]] = CustomerRow(*row)
    return found


def bad_contacts(session: Session, *, org_id: int) -> set[tuple[int, str, str]]:
    """(customer id, channel, address) that bounced or failed for good."""
    rows = session.execute(text(
        "SELECT customer_id, channel, address FROM bad_contacts WHERE org_id = :org"),
        {"org": org_id})
    return {(r[0], r[1], r[2]) for r in rows}


def recent_contacts(session: Session, *, org_id: int,
                    since: datetime) -> list[tuple[int, str, datetime]]:
    """(customer id, channel, when) of contacts made or planned since `since` (and later)."""
    rows = session.execute(select(CollectionAction.customer_id, CollectionAction.channel,
                                  CollectionAction.sent_at, CollectionAction.scheduled_at)
                           .where(CollectionAction.org_id == org_id,
                                  CollectionAction.status.in_(LIVE),
                                  CollectionAction.scheduled_at >= since))
    return [(cid, channel, sent or planned) for cid, channel, sent, planned in rows]


def conversations(session: Session, *, org_id: int, since: datetime) -> list[tuple[int, datetime]]:
    """(customer id, when) of calls and visits that reached the debtor since `since`."""
    rows = session.execute(select(CollectionTask.customer_id, CollectionTask.done_at).where(
        CollectionTask.org_id == org_id, CollectionTask.outcome.in_(CONVERSATION),
        CollectionTask.done_at >= since))
    return [(cid, at) for cid, at in rows if at is not None]


def broken_promise_customers(session: Session, *, org_id: int) -> set[int]:
    """Customers whose latest broken promise is newer than their latest action."""
    last_action = (select(CollectionAction.customer_id,
                          func.max(CollectionAction.created_at).label("at"))
                   .where(CollectionAction.org_id == org_id)
                   .group_by(CollectionAction.customer_id).subquery())
    rows = session.execute(
        select(Promise.customer_id, Promise.resolved_at, last_action.c.at)
        .outerjoin(last_action, last_action.c.customer_id == Promise.customer_id)
        .where(Promise.org_id == org_id, Promise.status == "broken"))
    found = set()
    for customer_id, broken_at, last_at in rows:
        last = _utc(last_at)
        if broken_at is not None and (last is None or broken_at > last):
            found.add(customer_id)
    return found


def unreconciled_statements(session: Session, *, org_id: int) -> int:
    """Bank statements imported and not yet reconciled."""
    return int(session.execute(text(
        "SELECT COUNT(*) FROM bank_statements WHERE org_id = :org AND reconciled_at IS NULL"),
        {"org": org_id}).scalar_one())


def calendar_overrides(raw: str | None) -> tuple[set[date], set[date]]:
    """The organisation's closed and open days."""
    if not raw:
        return set(), set()
    data = json.loads(raw)
    return ({date.fromisoformat(d) for d in data.get("closed", [])},
            {date.fromisoformat(d) for d in data.get("open", [])})


def reply_hours(session: Session, *, org_id: int) -> dict[int, list[datetime]]:
    """When each customer answered before: satisfaction answers and calls that reached them."""
    found: dict[int, list[datetime]] = defaultdict(list)
    for customer_id, at in session.execute(select(
            SatisfactionAnswer.customer_id, SatisfactionAnswer.answered_at)
            .where(SatisfactionAnswer.org_id == org_id)):
        found[customer_id].append(at)
    for customer_id, at in session.execute(select(CollectionTask.customer_id,
                                                  CollectionTask.done_at).where(
            CollectionTask.org_id == org_id, CollectionTask.outcome.in_(CONVERSATION))):
        if at is not None:
            found[customer_id].append(at)
    return found


def _utc(value: datetime | str | None) -> datetime | None:
    """A MAX() over a timestamp column comes back untyped on SQLite (text)."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Reads:
    """The run's reads of one organisation's ledger."""

    session: Session
    org_id: int

    def candidates(self, *, today: date, lead_days: int) -> list[Candidate]:
        """See `candidates`."""
        return candidates(self.session, org_id=self.org_id, today=today, lead_days=lead_days)

    def customers(self, *, ids: Collection[int]) -> dict[int, CustomerRow]:
        """See `customers`."""
        return customers(self.session, org_id=self.org_id, ids=ids)

    def bad_contacts(self) -> set[tuple[int, str, str]]:
        """See `bad_contacts`."""
        return bad_contacts(self.session, org_id=self.org_id)

    def broken_promise_customers(self) -> set[int]:
        """See `broken_promise_customers`."""
        return broken_promise_customers(self.session, org_id=self.org_id)

    def unreconciled_statements(self) -> int:
        """See `unreconciled_statements`."""
        return unreconciled_statements(self.session, org_id=self.org_id)

    def recent_contacts(self, *, since: datetime) -> list[tuple[int, str, datetime]]:
        """See `recent_contacts`."""
        return recent_contacts(self.session, org_id=self.org_id, since=since)

    def conversations(self, *, since: datetime) -> list[tuple[int, datetime]]:
        """See `conversations`."""
        return conversations(self.session, org_id=self.org_id, since=since)

    def reply_hours(self) -> dict[int, list[datetime]]:
        """See `reply_hours`."""
        return reply_hours(self.session, org_id=self.org_id)
