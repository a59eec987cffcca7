"""The daily run: planning a day as `cobranza run --dry-run` does, against one hand-written SQL pass.

    python -m bench.run --invoices 1000000 --customers 200000

Measured (best of `--runs`, interleaved with the baseline): `book_for` plus `plan_run` on a fresh
session as of BENCH_TODAY at 07:00 in Santiago (a Wednesday), i.e. every action due for every
customer: each invoice's step, the catch-up, consolidation per customer and the contact rules'
`scheduled_at`. Peak memory of that planning alone is read in a child process of its own; the
real (writing) run is measured once, in another child, on a copy of the ledger.

Baseline: one SQL statement over the same SQLite file with the plain `sqlite3` module, selecting
the same due actions on this fresh ledger (no progress yet): the latest due ladder step of the
default strategy per invoice, the late fee at +30, grouped per customer, action kind, channel and
currency as cobranza consolidates them. It does not schedule. Its selection is asserted equal to
ours before anything is printed.

The per-document loop (`bench.run_orm`) is how ERPNext's and Invoice Ninja's reminder jobs work.
It runs on `--orm-invoices` invoices (whole customers, so its selection is checked against ours
too) and is extrapolated linearly to N.

Prints one JSON line per benchmark on stdout (planning, then the writing run); progress on stderr.
A writing run still going after `--write-timeout` seconds is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.orm import Session

from bench.common import (
    BENCH_NOW,
    best_of,
    checkpoint,
    copy_db,
    ledger,
    log,
    sqlite_url,
    timed,
    warm,
)
from bench.generate import BENCH_TODAY
from bench.imports import peak_rss_kb
from bench.run_orm import Ladder, Selected, orm_loop
from cobranza.config import Settings
from cobranza.core.strategy import Anchor, Conditions, Strategy
from cobranza.db import make_engine, session_factory, unit_of_work
from cobranza.dunning.planner import Plan, plan_run
from cobranza.dunning.repository import Reads
from cobranza.dunning.run import book_for, run
from cobranza.dunning.strategies import DEFAULT_CODE, ensure_default_strategy
from cobranza.models import Base, Organisation
from cobranza.models.base import day_number
from cobranza.organisations.service import current
from cobranza.rates.imports import write_rates

ROOT = Path(__file__).resolve().parent.parent
# A weekday morning before the Chilean contact window opens (08:00): as a cron job would run it.
AS_OF = datetime.combine(BENCH_TODAY, clock(7, 0), tzinfo=ZoneInfo("America/Santiago"))
# shared/DOMAIN.md's default strategy, in the order of its steps (position = index):
# (code, days from the due date, action). Checked against the seeded strategy on every run.
STEPS = (
    ("before_due", -7, "message"), ("due_today", 0, "message"), ("first_overdue", 3, "message"),
    ("second_reminder", 10, "message"), ("call", 15, "call"), ("letter_1", 21, "letter"),
    ("letter_2", 30, "letter"), ("late_fee", 30, "fee"), ("letter_3", 45, "letter"),
    ("agency", 90, "agency"),
)
# The UF of the as-of day, as the organisation would have imported it: the Chilean fee cap
# (shared/DOMAIN.md, late fees) needs it, else the run holds every fee back. Rounded values.
UF_RATES = pl.DataFrame({"code": ["UF", "UF"], "quote": ["CLP", "USD"],
                         "date": [BENCH_TODAY, BENCH_TODAY], "value": ["39727.74", "41.35"]})
PROMISE_GRACE_DAYS = 2  # an open promise protects its customer until its date plus this



def main(argv: list[str] | None = None) -> None:
    """Parse the arguments; run the benchmark, or (with --child) one measured run."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orm-invoices", type=int, default=20_000)
    parser.add_argument("--write-timeout", type=float, default=1_800,
                        help="seconds the writing run may take before it is stopped")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "LEDGER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, db = args.child
        print(json.dumps(_child(what, Path(db))), flush=True)
        return
    for line in bench(invoices=args.invoices, customers=args.customers, runs=args.runs,
                      orm_invoices=args.orm_invoices, write_timeout=args.write_timeout):
        print(json.dumps(line), flush=True)


def bench(*, invoices: int, customers: int, runs: int, orm_invoices: int,
          write_timeout: float) -> Iterator[dict[str, Any]]:
    """Measure and check; yield the planning's line, then the writing run's."""
    with timed("set-up (cached ledger or imports, default strategy)"):
        path = seeded_ledger(invoices, customers)
    check_schema(path)
    warm(path)
    seconds, baseline_seconds, expected, per_invoice = measure_planning(
        path, runs=runs, orm_invoices=orm_invoices)
    peak = _run_child("plan", path, timeout=None)
    assert peak is not None
    log(f"planning in a child process: {peak['seconds']:.2f} s, "
        f"peak {peak['maxrss_kb'] / 1024:.0f} MB")
    common = {"n": invoices, "customers": customers, "actions": len(expected)}
    yield {"bench": "run-plan", **common, "seconds": round(seconds, 3),
           "baseline_seconds": round(baseline_seconds, 3),
           "ratio": round(seconds / baseline_seconds, 2),
           "peak_rss_mb": round(peak["maxrss_kb"] / 1024),
           "orm_loop_20000_seconds": round(per_invoice * 20_000, 2),
           "orm_loop_extrapolated_seconds": round(per_invoice * invoices, 1)}
    written = _write_once(path, timeout=write_timeout)
    if written is None:
        yield {"bench": "run-write", **common, "seconds": None,
               "baseline_seconds": round(baseline_seconds, 3), "ratio": None,
               "timed_out_after_seconds": write_timeout}
        return
    yield {"bench": "run-write", **common, "seconds": round(written["seconds"], 3),
           "baseline_seconds": round(baseline_seconds, 3),
           "ratio": round(written["seconds"] / baseline_seconds, 2),
           "peak_rss_mb": round(written["maxrss_kb"] / 1024), "created": written["created"]}


def measure_planning(path: Path, *, runs: int,
                     orm_invoices: int) -> tuple[float, float, list[Selected], float]:
    """Best-of-`runs` seconds of ours and of the baseline, interleaved, their common selection
    (asserted equal), and the ORM loop's seconds per invoice (its selection checked too)."""
    engine = make_engine(sqlite_url(path))
    conn = sqlite3.connect(path)
    try:
        with session_factory(engine)() as session:
            org = current(session)
            gated = check_strategy(book_for(session, org_id=org.id).strategies.values())
        today = AS_OF.astimezone(ZoneInfo(org.timezone)).date()
        results: dict[str, Any] = {}

        def ours() -> float:
            # The previous run's plan is let go first: a run starts from the heap the CLI has,
            # not with another 200,000 actions for the cyclic collector to walk.
            results.pop("ours", None)
            start = time.perf_counter()
            with session_factory(engine)() as session:
                plan = _plan(session, org_id=org.id)
            seconds = time.perf_counter() - start
            results["ours"] = plan
            return seconds

        def baseline() -> float:
            start = time.perf_counter()
            rows = conn.execute(baseline_sql(org_id=org.id, today=today, gated=gated)).fetchall()
            seconds = time.perf_counter() - start
            results["baseline"] = rows
            return seconds

        seconds, baseline_seconds = best_of(runs, ours, baseline)
        plan: Plan = results["ours"]
        expected = selection_of(plan)
        found = baseline_selection(results["baseline"])
        if found != expected:
            raise AssertionError("baseline vs ours: " + describe_mismatch(expected, found))
        log(f"baseline == ours on {len(expected):,} actions "
            f"({sum(len(s[5]) for s in expected):,} invoice steps, "
            f"{len(plan.skipped):,} steps skipped by the catch-up)")
        orm_seconds, covered, chosen, loop = orm_loop(
            engine, org_id=org.id, today=today, limit=orm_invoices,
            ladder=Ladder(STEPS, gated, PROMISE_GRACE_DAYS))
        wanted = [s for s in expected if s[0] in chosen]
        if loop != wanted:
            raise AssertionError("ORM loop vs ours: " + describe_mismatch(wanted, loop))
        log(f"ORM loop: {covered:,} invoices in {orm_seconds:.2f} s; the actions of "
            f"{len(chosen):,} customers equal ours")
    finally:
        conn.close()
        engine.dispose()
    return seconds, baseline_seconds, expected, orm_seconds / covered


def seeded_ledger(invoices: int, customers: int) -> Path:
    """The cached ledger (payments replayed) plus the default strategy, as `run.db` beside it."""
    source = ledger(invoices, customers=customers)
    target = source.with_name("run.db")
    if target.exists():
        return target
    work = target.with_suffix(".building")
    with timed("set-up run.db (ledger.db plus the default strategy and the UF)"):
        copy_db(source, work)
        engine = make_engine(sqlite_url(work))
        try:
            with unit_of_work(engine) as session:
                org = current(session)
                ensure_default_strategy(session, org=org, now=BENCH_NOW)
                write_rates(session, org=org, frame=UF_RATES)
        finally:
            engine.dispose()
        checkpoint(work)
    work.rename(target)
    return target


def check_schema(path: Path) -> None:
    """Stop when the cached ledger lacks an index the models declare: it was built before a
    schema change, and would be measured without it."""
    with sqlite3.connect(path) as conn:
        found = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    missing = sorted({str(ix.name) for table in Base.metadata.tables.values()
                      for ix in table.indexes} - found)
    if missing:
        raise SystemExit(f"{path.parent} was built with an older schema (no {', '.join(missing)})"
                         f": delete its *.db files and run again")


def check_strategy(strategies: Iterable[Strategy]) -> frozenset[str]:
    """Check that the seeded default strategy is the one the baseline and the ORM loop encode
    (STEPS); return the codes of its steps that wait for the previous one to be done."""
    default = next(s for s in strategies if s.code == DEFAULT_CODE)
    seeded = [(s.code, s.offset_days, s.action.value) for s in default.steps]
    plain = all(s.anchor is Anchor.DUE and s.conditions == Conditions() for s in default.steps)
    if seeded != list(STEPS) or not plain:
        raise AssertionError(f"the default strategy changed: {seeded}")
    return frozenset(s.code for s in default.steps if s.requires_previous)


def _plan(session: Session, *, org_id: int) -> Plan:
    """What `cobranza run --dry-run` plans: the strategies, then the whole day's actions."""
    org = session.get(Organisation, org_id)
    assert org is not None
    return plan_run(Reads(session, org_id), org=org, book=book_for(session, org_id=org_id),
                    as_of=AS_OF)


def selection_of(plan: Plan) -> list[Selected]:
    """Our planned actions as comparable tuples, sorted."""
    return sorted((p.action.customer_id, p.action.step.action.value, p.action.channel.value,
                   p.action.currency, p.action.step.code, p.action.invoices, p.action.amount)
                  for p in plan.actions)


def describe_mismatch(ours: list[Selected], theirs: list[Selected]) -> str:
    """The first few actions that differ."""
    mine, other = set(ours), set(theirs)
    diff = sorted(mine - other)[:5] + sorted(other - mine)[:5]
    return (f"{len(mine - other)} only in ours, {len(other - mine)} only in the other:\n"
            + "\n".join(map(str, diff)))


# --- baseline: one SQL statement, plain sqlite3 -------------------------------------------------


def baseline_sql(*, org_id: int, today: date, gated: frozenset[str] = frozenset()) -> str:
    """The due actions of a ledger with no progress yet, consolidated, in one statement.

    Written from shared/DOMAIN.md and the issue, not from cobranza's queries. Per open invoice
    (not a fee or interest document, not disputed, not handed off, of a customer with no open
    promise, pause, current payment plan or do-not-contact): days past due against the latest
    extension's date; the latest ladder step due, up to the hand-off at +90 (a step in `gated`
    waits for the previous one to have been done, which on a fresh ledger none was: it is never
    taken); and the late fee at +30. Consolidated per customer, kind, channel and currency at the
    firmest step. Channels: the preferred message channel that has an address, else e-mail,
    else WhatsApp (to the phone when no WhatsApp number); a call needs a phone.

    Tuned with EXPLAIN QUERY PLAN on the 1,000,000-invoice ledger, the fastest form we found:
    whole tables read in rowid order (NOT INDEXED: for one organisation the org_id indexes
    only add a random row lookup per row); disputes and held customers as lists computed once;
    one GROUP BY per (customer, currency) with a column set per action kind, unpivoted at the
    end (a row per invoice step would be materialised and sorted twice).
    """
    d, org = day_number(today), int(org_id)
    lead = -min(offset for _code, offset, _action in STEPS)
    ladder = [(i, offset) for i, (code, offset, action) in enumerate(STEPS)
              if action != "fee" and code not in gated]
    pick = " ".join(f"WHEN dpd >= {offset} THEN {i}"
                    for i, offset in sorted(ladder, key=lambda p: -p[1]))
    # (kind, condition on a due row, the step it takes)
    groups = [(kind, f"step IN ({', '.join(str(i) for i, _o in ladder if STEPS[i][2] == kind)})",
               "step") for kind in dict.fromkeys(STEPS[i][2] for i, _o in ladder)]
    groups += [("fee", f"dpd >= {offset}", str(i))
               for i, (_c, offset, action) in enumerate(STEPS) if action == "fee"]
    columns = ",\n    ".join(
        f"MAX(CASE WHEN {cond} THEN {step} END) AS s{g}, "
        f"GROUP_CONCAT(CASE WHEN {cond} THEN item END) AS i{g}, "
        f"SUM(CASE WHEN {cond} THEN open END) AS a{g}"
        for g, (_kind, cond, step) in enumerate(groups))
    code = " ".join(f"WHEN {i} THEN '{c}'" for i, (c, _o, _a) in enumerate(STEPS))
    unpivot = "\nUNION ALL ".join(
        f"SELECT p.customer_id, '{kind}', {channel}, p.currency, CASE p.s{g} {code} END, "
        f"p.i{g}, p.a{g} FROM per_customer p "
        + ("JOIN customers c ON c.id = p.customer_id " if "c." in channel else "")
        + f"WHERE p.s{g} IS NOT NULL"
        for g, (kind, _cond, _step) in enumerate(groups)
        for channel in [_CHANNEL.get(kind, "'none'")])
    return f"""
WITH paid AS (
  SELECT invoice_id, SUM(amount) AS paid FROM allocations NOT INDEXED
  WHERE org_id = {org} AND date <= {d} GROUP BY invoice_id
), ext AS (
  SELECT invoice_id, MAX(new_due_date) AS due, COUNT(*) AS cycle FROM extensions
  WHERE org_id = {org} GROUP BY invoice_id
), held AS (
  SELECT customer_id FROM promises
  WHERE org_id = {org} AND status = 'open' AND promised_date + {PROMISE_GRACE_DAYS} >= {d}
  UNION SELECT customer_id FROM pauses WHERE org_id = {org} AND lifted_at IS NULL AND until >= {d}
  UNION SELECT customer_id FROM payment_plans WHERE org_id = {org} AND status = 'current'
  UNION SELECT id FROM customers WHERE org_id = {org} AND do_not_contact
), due AS (
  SELECT i.customer_id, i.currency, i.number || ' ' || COALESCE(e.cycle, 0) AS item,
         i.amount - COALESCE(p.paid, 0) AS open, {d} - COALESCE(e.due, i.due_date) AS dpd
  FROM invoices i NOT INDEXED
  LEFT JOIN paid p ON p.invoice_id = i.id
  LEFT JOIN ext e ON e.invoice_id = i.id
  WHERE i.org_id = {org} AND i.kind = 'invoice' AND i.handoff_id IS NULL
    AND i.issue_date <= {d} AND i.amount > COALESCE(p.paid, 0)
    AND COALESCE(e.due, i.due_date) <= {d + lead}
    AND i.customer_id NOT IN (SELECT customer_id FROM held)
    AND i.id NOT IN (SELECT invoice_id FROM disputes WHERE org_id = {org} AND resolved_at IS NULL)
), per_customer AS MATERIALIZED (
  SELECT customer_id, currency,
    {columns}
  FROM (SELECT *, CASE {pick} END AS step FROM due)
  GROUP BY customer_id, currency
)
{unpivot}
"""


# The channel an action of each kind goes by, from the customer row `c` (else none).
_CHANNEL = {
    "message": """CASE WHEN c.preferred_channel = 'email' AND c.email IS NOT NULL THEN 'email'
         WHEN c.preferred_channel = 'whatsapp' AND COALESCE(c.whatsapp, c.phone) IS NOT NULL
           THEN 'whatsapp'
         WHEN c.preferred_channel = 'sms' AND c.phone IS NOT NULL THEN 'sms'
         WHEN c.email IS NOT NULL THEN 'email'
         WHEN COALESCE(c.whatsapp, c.phone) IS NOT NULL THEN 'whatsapp'
         ELSE 'none' END""",
    "call": "CASE WHEN COALESCE(c.phone, c.whatsapp) IS NOT NULL THEN 'call' ELSE 'none' END",
    "letter": "'letter'",
}


def baseline_selection(rows: list[tuple[Any, ...]]) -> list[Selected]:
    """The baseline's rows in the shape of `selection_of` (invoices sorted, as ours)."""
    out: list[Selected] = []
    for customer_id, kind, channel, currency, step, covered, amount in rows:
        pairs = (item.split(" ") for item in covered.split(","))
        invoices = tuple(sorted((number, int(cycle)) for number, cycle in pairs))
        out.append((customer_id, kind, channel, currency, step, invoices, amount))
    return sorted(out)


# --- measured in child processes: peak memory of the planning; the writing run ----------------


def _write_once(path: Path, *, timeout: float) -> dict[str, Any] | None:
    """The real run once, on a fresh copy of the ledger (deleted afterwards); None if it was
    stopped after `timeout` seconds."""
    # A name of its own per process: two benchmarks at once must not share (and delete) it.
    copy = path.with_name(f"bench-run-write-{os.getpid()}.db")
    copy_db(path, copy)
    try:
        result = _run_child("write", copy, timeout=timeout)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if result is None:
        log(f"writing run: stopped after {timeout:.0f} s")
        return None
    log(f"writing run: {result['seconds']:.2f} s, {result['created']:,} actions written, "
        f"peak {result['maxrss_kb'] / 1024:.0f} MB")
    return result


def _run_child(what: str, db: Path, *, timeout: float | None) -> dict[str, Any] | None:
    try:
        done = subprocess.run([sys.executable, "-m", "bench.run", "--child", what, str(db)],
                              cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None  # subprocess.run has killed the child
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _child(what: str, db: Path) -> dict[str, Any]:
    """One planning (dry) or one writing run, committed; its seconds and this process's peak."""
    engine = make_engine(sqlite_url(db))
    try:
        with session_factory(engine)() as session:
            org_id = current(session).id
        start = time.perf_counter()
        if what == "plan":
            with session_factory(engine)() as session:
                created = len(_plan(session, org_id=org_id).actions)
        else:
            with TemporaryDirectory() as out, unit_of_work(engine) as session:
                org = session.get(Organisation, org_id)
                assert org is not None
                created = run(session, org=org, as_of=AS_OF, now=AS_OF.astimezone(UTC),
                              settings=Settings(handoff_dir=out)).created
        seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    return {"seconds": seconds, "maxrss_kb": peak_rss_kb(), "created": created}


if __name__ == "__main__":
    main()
