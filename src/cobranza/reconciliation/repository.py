"""Every query of reconciliation: whole sets in, read through the driver's cursor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.core.matching import OpenItem
from cobranza.db import MONEY_IN, serialise

CHUNK = 20_000


class LineRow(NamedTuple):
    """A bank line waiting to be reconciled, as stored (a named tuple: a reconcile call reads
    one per pending line, and a frozen dataclass costs six times as much to make)."""

    id: int
    statement_id: int
    account: str
    transaction_id: str | None
    booking_day: int
    amount: int
    currency: str
    counterparty_name: str | None
    counterparty_account: str | None
    counterparty_tax_id: str | None
    text: str  # remittance, end-to-end id and structured references, upper case
    status: str
    spei_reference: str | None = None  # the SPEI clave de rastreo or referencia numérica


class CustomerRow(NamedTuple):
    """What the matcher needs of a customer (a named tuple: one per customer of the ledger)."""

    id: int
    code: str
    name: str
    tax_key: str | None


def lock(session: Session, *, org_id: int) -> None:
    """Serialise the reconciliation of one organisation until the transaction ends, with its
    statements' imports (`db.serialise`).

    Two reconcile calls (or a call and a review decision) that both read a line as pending
    would both apply it.
    """
    serialise(session, org_id=org_id, kind=MONEY_IN)


def fetch(session: Session, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """All rows as the driver's tuples (`{m}` in `sql` stands for the parameter marker)."""
    return bulk.fetch(session.connection(), sql, params)


def execute_many(session: Session, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run `sql` for every row, in chunks, through the driver."""
    if not rows:
        return
    conn = session.connection()
    cursor = conn.connection.cursor()
    try:
        text = sql.format(m=bulk.mark(conn))
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(text, [tuple(r) for r in rows[start:start + CHUNK]])
    finally:
        cursor.close()


_LINES = """
SELECT id, statement_id, account, transaction_id, booking_date, amount, currency,
       counterparty_name, counterparty_account, counterparty_tax_id,
       COALESCE(remittance, '') || ' ' || COALESCE(end_to_end_id, '') || ' ' ||
       COALESCE(creditor_reference, '') || ' ' || COALESCE(spei_reference, ''), status,
       spei_reference
FROM bank_transactions WHERE org_id = {m} AND status IN ('new', 'review', 'unmatched')
ORDER BY id"""


def pending_lines(session: Session, *, org_id: int) -> list[LineRow]:
    """Lines not yet applied nor ignored, oldest first."""
    return [LineRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                    r[10].upper(), r[11], r[12])
            for r in fetch(session, _LINES, (org_id,))]


# Open amount = amount − allocations so far (DOMAIN.md: open amount); the early-payment
# discount is what the replay forgives when a payment brings the open amount down to it:
# round(amount × pct / 100) with pct in 1/10,000 % (DOMAIN.md, early-payment discount; the
# amounts are positive, so integer division of the half-added product rounds half up), until
# the issue day plus the discount days. The columns are OpenItem's, in its order. CAST: on
# PostgreSQL a SUM of bigints is numeric.
_OPEN = """
SELECT i.id, i.number, i.customer_id, CAST(i.amount - COALESCE(a.paid, 0) AS BIGINT),
       i.due_date, i.issue_date,
       CASE WHEN i.discount_pct_scaled > 0
            THEN (i.amount * i.discount_pct_scaled + 500000) / 1000000 ELSE 0 END,
       CASE WHEN i.discount_pct_scaled > 0 THEN i.issue_date + i.discount_days ELSE -1 END
FROM invoices i
LEFT JOIN (SELECT invoice_id, SUM(amount) AS paid FROM allocations WHERE org_id = {m}
           GROUP BY invoice_id) a ON a.invoice_id = i.id
WHERE i.org_id = {m} AND i.currency = {m} AND i.handoff_id IS NULL
  AND i.amount - COALESCE(a.paid, 0) > 0"""


def open_items(session: Session, *, org_id: int,
               currencies: set[str]) -> dict[str, list[OpenItem]]:
    """Open documents per currency (only the currencies the lines are in)."""
    return {c: list(map(OpenItem._make, fetch(session, _OPEN, (org_id, org_id, c))))
            for c in sorted(currencies)}


def customers(session: Session, *, org_id: int) -> list[CustomerRow]:
    """Every customer of the organisation (id, code, name, tax key)."""
    return [CustomerRow(*r) for r in fetch(
        session, "SELECT id, code, name, tax_key FROM customers WHERE org_id = {m}", (org_id,))]


def aliases(session: Session, *, org_id: int) -> list[tuple[str, str, int]]:
    """Learnt (kind, value, customer id) triples."""
    return fetch(session, "SELECT kind, value, customer_id FROM customer_aliases "
                          "WHERE org_id = {m}", (org_id,))


def clabes(session: Session, *, org_id: int) -> dict[str, int]:
    """Virtual CLABE -> customer id."""
    return dict(fetch(session, "SELECT value, customer_id FROM payment_references "
                               "WHERE org_id = {m} AND kind = 'clabe'", (org_id,)))


def invoice_owners(session: Session, *, org_id: int, ids: Sequence[int]) -> dict[int, int]:
    """Invoice id -> customer id (read by primary key)."""
    return _invoice_column(session, "customer_id", org_id=org_id, ids=ids)


def invoice_numbers(session: Session, *, org_id: int, ids: Sequence[int]) -> dict[int, str]:
    """Invoice id -> number."""
    return _invoice_column(session, "number", org_id=org_id, ids=ids)


def _invoice_column(session: Session, column: str, *, org_id: int,
                    ids: Sequence[int]) -> dict[int, Any]:
    # By primary key alone: with "org_id = ?" in the WHERE, SQLite's planner prefers the
    # (org_id, ...) indexes and scans the organisation's invoices once per chunk.
    out: dict[int, Any] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ", ".join(["{m}"] * len(chunk))
        out.update((id_, value) for id_, org, value in fetch(
            session, f"SELECT id, org_id, {column} FROM invoices WHERE id IN ({marks})", chunk)
            if org == org_id)
    return out


def reversed_lines(session: Session, *, org_id: int) -> set[int]:
    """The lines a person took a match back from, or took back their ignoring of (they are
    not applied again unasked)."""
    return {r[0] for r in fetch(session, "SELECT DISTINCT transaction_id FROM "
                                         "reconciliation_matches WHERE org_id = {m} "
                                         "AND reversed_at IS NOT NULL UNION "
                                         "SELECT id FROM bank_transactions WHERE org_id = {m} "
                                         "AND status IN ('new', 'review', 'unmatched') "
                                         "AND handled_at IS NOT NULL", (org_id, org_id))}


def invoices_named(session: Session, *, org_id: int,
                   numbers: Sequence[str]) -> list[tuple[str, int, str, int, int]]:
    """(number, customer id, currency, open amount, issue day number) of the invoices with
    these numbers."""
    if not numbers:
        return []
    marks = ", ".join(["{m}"] * len(numbers))
    return fetch(session, "SELECT i.number, i.customer_id, i.currency, CAST(i.amount - "
                          "COALESCE((SELECT SUM(a.amount) FROM allocations a WHERE a.org_id = "
                          "i.org_id AND a.invoice_id = i.id), 0) AS BIGINT), i.issue_date FROM invoices i "
                          f"WHERE i.org_id = {{m}} AND i.number IN ({marks})",
                 (org_id, *numbers))


def owed_by_named(session: Session, *, org_id: int, customer_id: int, numbers: Sequence[str],
                  day: int) -> int:
    """What the customer's invoices with these numbers owe together, their posted late charges
    included (a payment naming an invoice settles its charges first, DOMAIN.md allocation),
    counting only the documents issued by `day` (a day number)."""
    if not numbers:
        return 0
    marks = ", ".join(["{m}"] * len(numbers))
    [(owed,)] = fetch(session, "SELECT CAST(COALESCE(SUM(i.amount - COALESCE((SELECT SUM(a.amount) "
                               "FROM allocations a WHERE a.org_id = i.org_id AND a.invoice_id = "
                               "i.id), 0)), 0) AS BIGINT) FROM invoices i WHERE i.org_id = {m} "
                               "AND i.customer_id = {m} AND i.issue_date <= {m} AND ((i.kind = "
                               f"'invoice' AND i.number IN ({marks})) OR i.parent_id IN (SELECT "
                               "p.id FROM invoices p WHERE p.org_id = {m} AND p.customer_id = {m} "
                               f"AND p.number IN ({marks})))",
                      (org_id, customer_id, day, *numbers, org_id, customer_id, *numbers))
    return int(owed)


def landed(session: Session, *, org_id: int, customer_ids: Sequence[int],
           payment_ids: Sequence[int]) -> list[tuple[int, str, int]]:
    """(payment id, invoice number, amount) of what these payments settle, a late charge
    under its invoice's number, in the order the allocation made them (read through the
    customers' index: `allocations` has none on the payment)."""
    if not payment_ids:
        return []
    cs = ", ".join(["{m}"] * len(customer_ids))
    ps = ", ".join(["{m}"] * len(payment_ids))
    rows = fetch(session, "SELECT a.payment_id, COALESCE(p.number, i.number), a.amount "
                          "FROM allocations a JOIN invoices i ON i.id = a.invoice_id "
                          "LEFT JOIN invoices p ON p.id = i.parent_id "
                          f"WHERE a.org_id = {{m}} AND a.customer_id IN ({cs}) "
                          f"AND a.payment_id IN ({ps}) AND a.source_kind = 'payment' "
                          "ORDER BY a.id", (org_id, *customer_ids, *payment_ids))
    return [(payment, number, amount) for payment, number, amount in rows]


def line_payments(session: Session, *, org_id: int,
                  line_id: int) -> list[tuple[int, int, str]]:
    """(match id, payment id, payment code) of the line's active matches, oldest first."""
    return [(m, p, code) for m, p, code in fetch(
        session, "SELECT m.id, p.id, p.code FROM reconciliation_matches m JOIN payments p "
                 "ON p.match_id = m.id WHERE m.org_id = {m} AND m.transaction_id = {m} "
                 "AND m.reversed_at IS NULL ORDER BY m.id, p.id", (org_id, line_id))]
