"""Aging of a whole ledger: ours against one hand-written SQL pass, and a per-invoice ORM loop.

    python -m bench.aging --invoices 1000000

Measured (best of `--runs`, interleaved with the baseline): `cobranza.reports.aging.compute` as
of BENCH_TODAY plus `to_json`, i.e. what `cobranza report aging --format json` costs minus
printing. Baseline: one SQL statement of our own over the same SQLite file with the plain
`sqlite3` module, returning the same figures per customer and currency (six buckets, total,
unapplied, exact accrued interest). The two are asserted equal before anything is printed.

The ORM loop is the way ERPNext's and Odoo's receivable reports are built: load the invoice
objects, query each one's allocations, compute open amount, bucket and interest in Python. It runs
on `--orm-invoices` invoices (whole customers, so its figures are checked against ours too) and
is extrapolated linearly to N.

Prints one JSON line on stdout; set-up and progress go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bench.common import best_of, ledger, log, sqlite_url, timed, warm
from bench.generate import BENCH_TODAY
from cobranza.core.aging import DEFAULT_EDGES
from cobranza.db import make_engine, session_factory
from cobranza.models import Allocation, CreditNote, Customer, Invoice, Organisation, Payment
from cobranza.models.base import day_number
from cobranza.reports.aging import AgingReport, compute, to_json

Figures = dict[tuple[str, str], tuple[int, ...]]  # (currency, customer code) -> figures


def main() -> None:
    """Parse the arguments, build or reuse the ledger, measure, check and print."""
    parser = argparse.ArgumentParser(prog="python -m bench.aging", description=__doc__)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orm-invoices", type=int, default=20_000)
    args = parser.parse_args()
    n = args.invoices
    with timed("set-up (cached ledger or imports)"):
        path = ledger(n)
    warm(path)
    engine = make_engine(sqlite_url(path))
    baseline_conn = sqlite3.connect(path)
    try:
        with session_factory(engine)() as session:
            org_id = session.scalars(select(Organisation.id).order_by(Organisation.id)).one()
        results: dict[str, Any] = {}

        def ours() -> float:
            start = time.perf_counter()
            with session_factory(engine)() as session:
                report = compute(session, org_id=org_id, as_of=BENCH_TODAY)
            document = to_json(report)
            seconds = time.perf_counter() - start
            results["ours"], results["json"] = report, document
            return seconds

        def baseline() -> float:
            start = time.perf_counter()
            rows = baseline_conn.execute(baseline_sql(org_id=org_id, as_of=BENCH_TODAY)).fetchall()
            seconds = time.perf_counter() - start
            results["baseline"] = rows
            return seconds

        seconds, baseline_seconds = best_of(args.runs, ours, baseline)
        expected = figures_of(results["ours"])
        if baseline_figures(results["baseline"]) != expected:
            raise AssertionError(describe_mismatch(expected, baseline_figures(results["baseline"])))
        json.dumps(results["json"])  # the report serialises as documented
        log(f"baseline == ours on {len(expected):,} (currency, customer) lines")
        orm_seconds, covered, checked = orm_loop(engine, org_id=org_id, limit=args.orm_invoices,
                                                 expected=expected)
        log(f"ORM loop: {covered:,} invoices in {orm_seconds:.2f} s; figures of {checked:,} "
            "customers equal ours")
    finally:
        baseline_conn.close()
        engine.dispose()
    per_invoice = orm_seconds / covered
    print(json.dumps({
        "bench": "aging", "n": n,
        "seconds": round(seconds, 3),
        "baseline_seconds": round(baseline_seconds, 3),
        "ratio": round(seconds / baseline_seconds, 2),
        "orm_loop_20000_seconds": round(per_invoice * 20_000, 2),
        "orm_loop_extrapolated_seconds": round(per_invoice * n, 1),
    }), flush=True)


# --- baseline: one SQL statement, plain sqlite3 -------------------------------------------------


def baseline_sql(*, org_id: int, as_of: date) -> str:
    """Every figure of the aging in one statement (shared/DOMAIN.md, aging and late interest).

    Written independently of `cobranza.reports.aging`, and tuned with EXPLAIN QUERY PLAN on the
    1,000,000-invoice ledger, where it is the fastest form we found:
    - whole tables are read in rowid order (NOT INDEXED): for one organisation an index on
      org_id only adds a random row lookup per row;
    - allocations are summed per invoice in the order of the (org_id, invoice_id) index, so
      the grouping needs no sort, and the invoices they join are read in id order;
    - what allocations applied (unapplied credit is received − applied) is summed per invoice
      in the same pass instead of a second scan of allocations; this holds because the replay
      only allocates to invoices of the payment's own customer and currency issued on or
      before the allocation's date (the equality with ours is asserted on every run).
    Interest: Σ_d P(d) = amount·(D − due) − Σ_a amount_a·(D − max(due, date_a)), the sum over
    days of the open principal, exact in integers; × rate / (100·10⁴·basis), half-up once.
    """
    d, org = day_number(as_of), int(org_id)
    low = [1, *[e + 1 for e in DEFAULT_EDGES]]
    buckets = ["SUM(CASE WHEN dpd <= 0 THEN open ELSE 0 END)"]
    buckets += [f"SUM(CASE WHEN dpd BETWEEN {lo} AND {hi} THEN open ELSE 0 END)"
                for lo, hi in zip(low, DEFAULT_EDGES, strict=False)]
    buckets.append(f"SUM(CASE WHEN dpd >= {low[-1]} THEN open ELSE 0 END)")
    named = ", ".join(f"{sql} AS b{i}" for i, sql in enumerate(buckets))
    zeros = ", ".join(["0"] * len(buckets))
    sums = ", ".join(f"SUM(l.b{i})" for i in range(len(buckets)))
    return f"""
WITH settled AS (
  SELECT a.invoice_id, SUM(a.amount) AS amount, MAX(a.date) AS last_date,
         SUM(a.amount * ({d} - MAX(a.date, i.due_date))) AS amount_days,
         SUM(CASE WHEN a.source_kind <> 'discount' THEN a.amount ELSE 0 END) AS applied
  FROM allocations a JOIN invoices i ON i.id = a.invoice_id
  WHERE a.org_id = {org} AND a.date <= {d}
  GROUP BY a.invoice_id
), posted AS (
  SELECT parent_id, SUM(amount) AS amount FROM invoices NOT INDEXED
  WHERE org_id = {org} AND kind = 'interest' AND issue_date <= {d} GROUP BY parent_id
), per_document AS (
  SELECT i.customer_id, i.currency, {d} - i.due_date AS dpd,
         i.amount - COALESCE(s.amount, 0) AS open, COALESCE(s.applied, 0) AS applied,
         CASE WHEN i.kind = 'invoice' AND i.late_interest_scaled > 0
                   AND {d} > i.due_date + i.grace_days
                   AND NOT (COALESCE(s.amount, 0) >= i.amount
                            AND s.last_date <= i.due_date + i.grace_days)
              THEN i.amount * ({d} - i.due_date) - COALESCE(s.amount_days, 0)
              ELSE 0 END AS principal_days,
         i.late_interest_scaled AS rate, 1000000 * i.day_basis AS k,
         COALESCE(p.amount, 0) AS posted
  FROM invoices i NOT INDEXED
  LEFT JOIN settled s ON s.invoice_id = i.id
  LEFT JOIN posted p ON p.parent_id = i.id
  WHERE i.org_id = {org} AND i.issue_date <= {d}
), lines AS (
  SELECT customer_id, currency, {named}, -SUM(applied) AS unapplied,
         SUM(MAX((principal_days / k) * rate
                 + (2 * (principal_days % k) * rate + k) / (2 * k) - posted, 0)) AS interest
  FROM per_document GROUP BY customer_id, currency
  UNION ALL
  SELECT customer_id, currency, {zeros}, SUM(amount), 0 FROM payments NOT INDEXED
  WHERE org_id = {org} AND date <= {d} GROUP BY customer_id, currency
  UNION ALL
  SELECT customer_id, currency, {zeros}, SUM(amount), 0 FROM credit_notes NOT INDEXED
  WHERE org_id = {org} AND date <= {d} GROUP BY customer_id, currency
)
SELECT c.code, l.currency, {sums}, SUM(l.unapplied), SUM(l.interest)
FROM lines l JOIN customers c ON c.id = l.customer_id
GROUP BY l.customer_id, l.currency
"""


def figures_of(report: AgingReport) -> Figures:
    """Our report as (currency, code) -> (buckets..., total, unapplied, accrued interest)."""
    return {(cur, line.customer_id): (*line.buckets, line.total, line.unapplied,
                                      line.accrued_interest)
            for cur, group in report.currencies.items() for line in group.customers}


def baseline_figures(rows: list[tuple[Any, ...]]) -> Figures:
    """The baseline's rows in the same shape, without lines that are all zero (as ours)."""
    out: Figures = {}
    for code, currency, *values in rows:
        buckets, unapplied, interest = values[:-2], values[-2], values[-1]
        figures = (*buckets, sum(buckets), unapplied, interest)
        if any(figures[-3:]):
            out[(currency, code)] = figures
    return out


def describe_mismatch(ours: Figures, theirs: Figures) -> str:
    """The first few lines where two sets of figures differ."""
    keys = sorted(set(ours) | set(theirs))
    diff = [f"{k}: ours {ours.get(k)} other {theirs.get(k)}" for k in keys
            if ours.get(k) != theirs.get(k)]
    return f"{len(diff)} lines differ:\n" + "\n".join(diff[:10])


# --- the per-invoice ORM loop ------------------------------------------------------------------


def orm_loop(engine: Engine, *, org_id: int, limit: int,
             expected: Figures) -> tuple[float, int, int]:
    """Time the object-by-object aging of about `limit` invoices (whole customers, in id order);
    return the seconds, the invoices covered and the customers whose figures equal ours."""
    with session_factory(engine)() as session:
        customers = _first_customers(session, org_id=org_id, limit=limit)
    start = time.perf_counter()
    with session_factory(engine)() as session:
        figures, covered = _orm_aging(session, org_id=org_id, customers=customers,
                                      as_of=BENCH_TODAY)
    seconds = time.perf_counter() - start
    codes = set(customers.values())
    wanted = {key: value for key, value in expected.items() if key[1] in codes}
    if figures != wanted:
        raise AssertionError("ORM loop vs ours: " + describe_mismatch(wanted, figures))
    return seconds, covered, len(figures)


def _first_customers(session: Session, *, org_id: int, limit: int) -> dict[int, str]:
    """Customers in id order until together they hold at least `limit` invoices."""
    counts = session.execute(
        select(Invoice.customer_id, Customer.code, func.count())
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.org_id == org_id).group_by(Invoice.customer_id, Customer.code)
        .order_by(Invoice.customer_id)).all()
    chosen: dict[int, str] = {}
    total = 0
    for customer_id, code, count in counts:
        if total >= limit:
            break
        chosen[customer_id] = code
        total += count
    return chosen


def _orm_aging(session: Session, *, org_id: int, customers: dict[int, str],
               as_of: date) -> tuple[Figures, int]:
    """Per invoice: its allocations by query, open amount, bucket and interest in Python."""
    invoices = session.scalars(
        select(Invoice).where(Invoice.org_id == org_id, Invoice.customer_id.in_(list(customers)),
                              Invoice.issue_date <= as_of)
        .order_by(Invoice.customer_id, Invoice.id)).all()
    posted: dict[int, int] = defaultdict(int)
    for inv in invoices:
        if inv.kind == "interest" and inv.parent_id is not None:
            posted[inv.parent_id] += inv.amount
    lines: dict[tuple[int, str], list[int]] = {}
    for inv in invoices:
        allocations = session.scalars(
            select(Allocation).where(Allocation.org_id == org_id, Allocation.invoice_id == inv.id,
                                     Allocation.date <= as_of)).all()
        line = lines.setdefault((inv.customer_id, inv.currency), [0] * 9)
        open_amount = inv.amount - sum(a.amount for a in allocations)
        line[_bucket((as_of - inv.due_date).days)] += open_amount
        if inv.kind == "invoice" and inv.late_interest_scaled > 0:
            line[8] += max(_interest(inv, allocations, as_of) - posted[inv.id], 0)
    for (customer_id, currency), line in lines.items():
        line[7] = _unapplied(session, org_id=org_id, customer_id=customer_id, currency=currency,
                             as_of=as_of)
        line[6] = sum(line[:6])
    figures = {(cur, customers[cust]): tuple(line) for (cust, cur), line in lines.items()
               if line[6] or line[7] or line[8]}
    return figures, len(invoices)


def _bucket(days_past_due: int) -> int:
    if days_past_due <= 0:
        return 0
    for i, edge in enumerate(DEFAULT_EDGES):
        if days_past_due <= edge:
            return i + 1
    return len(DEFAULT_EDGES) + 1


def _interest(inv: Invoice, allocations: list[Allocation], as_of: date) -> int:
    """DOMAIN.md read literally: open principal day by day, in constant stretches."""
    grace_end = inv.due_date + timedelta(days=inv.grace_days)
    settled, settled_on = 0, None
    for a in sorted(allocations, key=lambda a: a.date):
        settled += a.amount
        if settled >= inv.amount and settled_on is None:
            settled_on = a.date
    if as_of <= grace_end or (settled_on is not None and settled_on <= grace_end):
        return 0
    # P(d) is the principal open after the allocations dated before d, for due < d <= as_of.
    principal_days, open_amount, day = 0, inv.amount, inv.due_date
    for a in sorted(allocations, key=lambda a: a.date):
        if a.date >= as_of:
            break
        if a.date > day:
            principal_days += open_amount * (a.date - day).days
            day = a.date
        open_amount -= a.amount
    principal_days += open_amount * (as_of - day).days
    scale = 100 * 10_000 * inv.day_basis
    quotient, remainder = divmod(principal_days * inv.late_interest_scaled, scale)
    return quotient + (1 if 2 * remainder >= scale else 0)


def _unapplied(session: Session, *, org_id: int, customer_id: int, currency: str,
               as_of: date) -> int:
    received = 0
    for model in (Payment, CreditNote):
        received += session.scalar(
            select(func.coalesce(func.sum(model.amount), 0)).where(
                model.org_id == org_id, model.customer_id == customer_id,
                model.currency == currency,
                model.date <= as_of)) or 0
    applied = session.scalar(
        select(func.coalesce(func.sum(Allocation.amount), 0)).where(
            Allocation.org_id == org_id, Allocation.customer_id == customer_id,
            Allocation.currency == currency,
            Allocation.date <= as_of, Allocation.source_kind != "discount")) or 0
    return received - applied


if __name__ == "__main__":
    main()

