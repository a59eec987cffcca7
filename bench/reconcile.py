"""Evaluation harness of the matcher on a labelled, realistic feed (see `bench.feed`).

    python -m bench.reconcile --lines 100000 --open-invoices 500000
    python -m bench.reconcile ... --db postgresql://postgres@127.0.0.1:5432/bench_reconcile

Builds a Mexican ledger of `--open-invoices` open invoices in a temporary SQLite file, a bank
statement of `--lines` lines labelled with the customer and invoices each pays, stores the lines
as the statement import does (a line the bank repeats, same transaction id, is stored once),
then times `reconcile(auto=True)` (matching, applying, replaying the allocations) and compares
what it did with the labels. With `--db`, the ledger and lines are copied into a new PostgreSQL
database and reconciled there.

Alongside, in the same process, the baseline: matching on the amount alone (a line is applied
when exactly one open invoice in the ledger has its amount), the industry's 30-40 % method.

Prints one JSON line: precision and recall of what was auto-applied at the invoice and the
customer level, the auto-match rate with and without a reference, the top-3 recall of the review
suggestions, lines per second, and the baseline's figures. `"compiled"` says whether the matcher
ran compiled (`COBRANZA_COMPILE=1` at install, setup.py) or as pure Python.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, cast

from sqlalchemy import make_url, text

from bench.common import log
from bench.feed import (
    CLABE_PREFIX,
    NUMBER_SHARE,
    REF_SHARE,
    THIRD_PARTY,
    TODAY,
    Customer,
    Invoice,
    Line,
    assign_clabes,
    make_customers,
    make_invoices,
    number_text,
    payer_name,
    references_for,
)
from cobranza.batching import usable_cpus
from cobranza.db import make_engine, migrate, unit_of_work
from cobranza.models import Base
from cobranza.models.base import day_number
from cobranza.organisations.service import ensure
from cobranza.reconciliation import matcher
from cobranza.reconciliation.matcher import Verdict
from cobranza.reconciliation.service import reconcile

NOW = datetime(2026, 4, 1, 18, 0, tzinfo=UTC)
STAMP = "2026-04-01 18:00:00.000000"


def build_ledger(path: Path, customers: list[Customer], invoices: list[Invoice]) -> None:
    """Organisation, customers, invoices and virtual CLABEs, written straight into SQLite."""
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with unit_of_work(engine) as session:
        ensure(session, now=NOW, name="Bench SA de CV", country="MX", currency=None,
               timezone=None, locale=None)
    engine.dispose()
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO customers (id, org_id, code, name, country, do_not_contact, created_at, "
        "updated_at) VALUES (?, 1, ?, ?, 'MX', 0, ?, ?)",
        [(i + 1, c.code, c.name, STAMP, STAMP) for i, c in enumerate(customers)])
    db.executemany(
        "INSERT INTO invoices (id, org_id, customer_id, number, kind, issue_date, due_date, "
        "currency, amount, grace_days, discount_pct_scaled, discount_days, "
        "late_interest_scaled, day_basis, created_at, updated_at) "
        "VALUES (?, 1, ?, ?, 'invoice', ?, ?, 'MXN', ?, 0, ?, ?, 0, 365, ?, ?)",
        [(i + 1, v.customer + 1, v.number, day_number(v.issue), day_number(v.due), v.amount,
          v.discount_pct * 10_000, 10 if v.discount_pct else 0, STAMP, STAMP)
         for i, v in enumerate(invoices)])
    db.executemany(
        "INSERT INTO payment_references (org_id, kind, value, customer_id, created_at) "
        "VALUES (1, 'clabe', ?, ?, ?)",
        [(c.clabe, i + 1, STAMP) for i, c in enumerate(customers) if c.clabe])
    db.commit()
    db.close()


def to_postgres(path: Path, url: str) -> None:
    """The SQLite ledger at `path` copied into a new PostgreSQL database at `url` (dropped
    first if it exists): migrated by the project, then every table's rows by COPY, and each
    id sequence moved past the copied ids."""
    target = make_url(url)
    server = make_engine(str(target.set(database="postgres")))
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = make_engine(url)
    migrate(engine)
    source = sqlite3.connect(path)
    with engine.begin() as conn:
        cursor = cast(Any, conn.connection.cursor())
        for table in reversed(Base.metadata.sorted_tables):
            cursor.execute(f"DELETE FROM {table.name}")  # the organisation's defaults
        for table in Base.metadata.sorted_tables:
            names = [c.name for c in table.columns]
            rows = source.execute(f"SELECT {', '.join(names)} FROM {table.name}").fetchall()
            if not rows:
                continue
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if "id" in names:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                               f"(SELECT max(id) FROM {table.name}))")
    source.close()
    engine.dispose()


def _amount(rng: random.Random, line: Line, chosen: list[Invoice]) -> int:
    total = sum(v.amount for v in chosen)
    roll = rng.random()
    if len(chosen) == 1 and chosen[0].discount_pct and roll < 0.6:
        line.tags.append("discount")
        line.day = min(chosen[0].issue + timedelta(days=rng.randint(1, 10)), TODAY)
        return total - (total * chosen[0].discount_pct + 50) // 100
    if roll < 0.1 and len(chosen) == 1:
        line.tags.append("partial")
        return rng.randint(total // 5, total * 4 // 5)
    if roll < 0.2:
        line.tags.append("fee")
        return total - max(1, min(rng.randint(1500, 5000), total // 100))
    return total


def _oldest_first(amount: int, own: list[int], invoices: list[Invoice]) -> tuple[int, ...]:
    out = []
    for i in own:
        if amount <= 0:
            break
        out.append(i)
        amount -= invoices[i].amount
    return tuple(out)


def payment_line(rng: random.Random, customers: list[Customer], invoices: list[Invoice],
                 by_customer: dict[int, list[int]], n: int) -> Line:
    """One customer's payment of one or more of its open invoices, labelled.

    `by_customer` holds each customer's invoices not yet paid by an earlier line: a business's
    customers pay an invoice once (the matcher sends a second payment of one to review,
    `matcher.one_claim_each`); what a line pays is taken out of it.
    """
    cust_ix = invoices[rng.randrange(len(invoices))].customer
    for _attempt in range(100):
        if by_customer.get(cust_ix):
            break
        cust_ix = invoices[rng.randrange(len(invoices))].customer
    else:  # most invoices paid already: any customer still owing
        cust_ix = next((c for c, own in by_customer.items() if own), cust_ix)
        if not by_customer.get(cust_ix):
            raise ValueError("more payments than open invoices: give more --open-invoices")
    own = sorted(by_customer[cust_ix], key=lambda i: invoices[i].due)
    k = 1 if rng.random() < 0.8 or len(own) == 1 else rng.randint(2, min(3, len(own)))
    chosen_ix = own[:k] if rng.random() < 0.5 else sorted(rng.sample(own, k))
    chosen = [invoices[i] for i in chosen_ix]
    line = Line(amount=0, day=TODAY - timedelta(days=rng.randint(0, 3)),
                transaction_id=f"BNK{n:09d}", label_customer=cust_ix,
                label_invoices=tuple(chosen_ix))
    line.amount = _amount(rng, line, chosen)
    cust = customers[cust_ix]
    name, how = payer_name(rng, cust.name)
    line.tags.append(how)
    if rng.random() < THIRD_PARTY:
        line.tags.append("third_party")
        name = f"{rng.choice(('INVERSIONES', 'GRUPO', 'CORPORATIVO'))} {rng.randint(1, 99)} SA"
    line.name = name
    if rng.random() < REF_SHARE:
        line.has_reference = True
        line.remittance = references_for(rng, line, [i + 1 for i in chosen_ix], cust,
                                         cust_ix + 1)
    elif rng.random() < NUMBER_SHARE:
        line.tags.append("number")
        line.remittance = " ".join(number_text(rng, v.number) for v in chosen)
    else:
        line.remittance = rng.choice(("PAGO", "TRANSFERENCIA SPEI", "PAGO PROVEEDOR", ""))
    if "partial" in line.tags and not {"number", "rf"} & set(line.tags):
        # A partial payment that names no invoice settles the oldest first (DOMAIN.md).
        line.label_invoices = _oldest_first(line.amount, own, invoices)
    paid = set(line.label_invoices)
    by_customer[cust_ix] = [i for i in by_customer[cust_ix] if i not in paid]
    return line


def noise_line(rng: random.Random, n: int) -> Line:
    """Money out, or a credit that is nobody's payment."""
    if rng.random() < 0.6:
        return Line(amount=-rng.randint(1_000, 2_000_000), day=TODAY, name="PROVEEDOR",
                    remittance=rng.choice(("COMISION", "PAGO NOMINA", "SPEI ENVIADO")),
                    transaction_id=f"BNK{n:09d}", tags=["debit"])
    return Line(amount=rng.randint(100, 500_000), day=TODAY,
                name=rng.choice(("BANCO MERCANTIL", "INTERESES GANADOS", "DEVOLUCION IVA SAT",
                                 "REEMBOLSO SEGURO")),
                remittance="ABONO", transaction_id=f"BNK{n:09d}", tags=["unrelated"])


def make_feed(rng: random.Random, customers: list[Customer], invoices: list[Invoice],
              n: int) -> list[Line]:
    """`n` lines: 88 % payments, 10 % noise, 2 % repeated by the bank."""
    by_customer: dict[int, list[int]] = {}
    for i, v in enumerate(invoices):
        by_customer.setdefault(v.customer, []).append(i)
    lines: list[Line] = []
    for k in range(n):
        roll = rng.random()
        if roll < 0.02 and lines:
            at = rng.randrange(len(lines))
            lines.append(Line(**{**lines[at].__dict__, "tags": ["duplicate"],
                                 "duplicate_of": at}))
        elif roll < 0.12:
            lines.append(noise_line(rng, k))
        else:
            lines.append(payment_line(rng, customers, invoices, by_customer, k))
    return lines


def store_feed(path: Path, lines: list[Line]) -> dict[int, Line]:
    """The statement and its lines; a repeated bank transaction id is stored once."""
    db = sqlite3.connect(path)
    db.execute("INSERT INTO bank_statements (id, org_id, account, file, period_end, imported_at,"
               " format, lines_new, lines_known) VALUES (1, 1, ?, 'feed', ?, ?, 'camt', 0, 0)",
               (CLABE_PREFIX + "00000000000", day_number(TODAY), STAMP))
    db.executemany(
        "INSERT OR IGNORE INTO bank_transactions (org_id, statement_id, account, dedupe_key, "
        "transaction_id, booking_date, amount, currency, counterparty_name, remittance, status,"
        " created_at) VALUES (1, 1, ?, ?, ?, ?, ?, 'MXN', ?, ?, 'new', ?)",
        [(ln.account or CLABE_PREFIX + "00000000000", ln.transaction_id, ln.transaction_id,
          day_number(ln.day), ln.amount, ln.name, ln.remittance, STAMP) for ln in lines])
    db.commit()
    ids = dict(db.execute("SELECT transaction_id, id FROM bank_transactions"))
    db.close()
    first: dict[str, Line] = {}
    for ln in lines:
        first.setdefault(ln.transaction_id, ln)
    return {ids[t]: ln for t, ln in first.items()}


def _invoices_ok(applied: tuple[int, ...], truth: set[int], amounts: dict[int, int]) -> int:
    """Applied invoices that are right. Invoices of one customer with equal amounts are
    interchangeable when the payer named neither: the ledger settles the oldest first
    (DOMAIN.md, allocation), so settling it in place of the other is right."""
    ok = [i for i in applied if i in truth]
    spare = Counter(amounts[i] for i in truth - set(ok))
    for i in applied:
        if i not in truth and spare[amounts[i]] > 0:
            spare[amounts[i]] -= 1
            ok.append(i)
    return len(ok)


def evaluate(verdicts: list[Verdict], labels: dict[int, Line],
             amounts: dict[int, int]) -> dict[str, object]:
    """Precision, recall, auto rates and top-3 recall against the labels."""
    c: Counter[str] = Counter()
    for v in verdicts:
        ln = labels[v.line.id]
        paying = ln.label_customer is not None
        truth_c = None if ln.label_customer is None else ln.label_customer + 1
        truth_i = {i + 1 for i in ln.label_invoices}
        ref = "ref" if ln.has_reference else "noref"
        c[f"pay_{ref}"] += paying
        c["label_pairs"] += len(truth_i)
        c["payments"] += paying
        if v.status == "applied":
            best = v.suggestions[0]
            c["applied"] += 1
            c["applied_customer_ok"] += best.customer_id == truth_c
            c[f"auto_{ref}"] += paying and best.customer_id == truth_c
            c["applied_pairs"] += len(best.invoice_ids)
            c["applied_pairs_ok"] += _invoices_ok(best.invoice_ids, truth_i, amounts)
        elif v.status == "review" and paying:
            c["review_payments"] += 1
            c["top3_ok"] += truth_c in {s.customer_id for s in v.suggestions[:3]}
    return {
        "auto_precision_customer": _ratio(c["applied_customer_ok"], c["applied"]),
        "auto_precision_invoice": _ratio(c["applied_pairs_ok"], c["applied_pairs"]),
        "auto_recall_customer": _ratio(c["applied_customer_ok"], c["payments"]),
        "auto_recall_invoice": _ratio(c["applied_pairs_ok"], c["label_pairs"]),
        "auto_rate_with_reference": _ratio(c["auto_ref"], c["pay_ref"]),
        "auto_rate_without_reference": _ratio(c["auto_noref"], c["pay_noref"]),
        "top3_recall": _ratio(c["top3_ok"], c["review_payments"]),
        "applied": c["applied"], "wrong_customer": c["applied"] - c["applied_customer_ok"],
        "review_payments": c["review_payments"],
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def amount_only(lines: dict[int, Line], invoices: list[Invoice]) -> dict[str, object]:
    """The baseline: apply a credit when exactly one open invoice has its amount."""
    start = time.perf_counter()
    by_amount: dict[int, list[int]] = {}
    for i, v in enumerate(invoices):
        by_amount.setdefault(v.amount, []).append(i)
    applied = ok = payments = 0
    for ln in lines.values():
        payments += ln.label_customer is not None
        hits = by_amount.get(ln.amount, []) if ln.amount > 0 else []
        if len(hits) == 1:
            applied += 1
            ok += invoices[hits[0]].customer == ln.label_customer
    seconds = time.perf_counter() - start
    return {"auto_rate": _ratio(ok, payments), "precision_customer": _ratio(ok, applied),
            "seconds": round(seconds, 3)}


def main(argv: list[str] | None = None) -> None:
    """Build, feed, reconcile, evaluate; one JSON line on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--open-invoices", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=11649)
    parser.add_argument("--db", help="a PostgreSQL URL to reconcile on (the database is "
                        "dropped and made again); default: a temporary SQLite file")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    customers = make_customers(rng, max(1, args.open_invoices // 5))
    assign_clabes(customers, list(range(1, len(customers) + 1)), 0.25, rng)
    invoices = make_invoices(rng, customers, args.open_invoices)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.db"
        t0 = time.perf_counter()
        build_ledger(path, customers, invoices)
        lines = make_feed(rng, customers, invoices, args.lines)
        labels = store_feed(path, lines)
        log(f"ledger and feed: {time.perf_counter() - t0:.1f} s; {len(labels)} lines stored "
            f"of {len(lines)} ({len(lines) - len(labels)} repeated by the bank)")
        if args.db:
            to_postgres(path, args.db)
            log(f"ledger copied into {make_url(args.db).render_as_string()}")
        baseline = amount_only(labels, invoices)
        engine = make_engine(args.db or f"sqlite:///{path}")
        start = time.perf_counter()
        with unit_of_work(engine) as session:
            outcome = reconcile(session, org_id=1, now=NOW, auto=True, workers=usable_cpus())
        seconds = time.perf_counter() - start
        engine.dispose()
    result = {"benchmark": "reconcile", "database": engine.dialect.name,
              # The matcher compiled by mypyc (COBRANZA_COMPILE=1 at install) or pure Python.
              "compiled": not matcher.__file__.endswith(".py"),
              "lines": args.lines, "open_invoices": args.open_invoices,
              "stored_lines": len(labels), "seconds": round(seconds, 2),
              "lines_per_second": round(len(labels) / seconds),
              "matching_lines_per_second": round(len(labels) / (
                  outcome.seconds["index"] + outcome.seconds["match"])),
              "stages_seconds": {k: round(v, 2) for k, v in outcome.seconds.items()},
              **evaluate(outcome.verdicts, labels,
                         {i + 1: v.amount for i, v in enumerate(invoices)}),
              "baseline_amount_only": baseline}
    # Against the amount-only baseline run alongside: how many more payments are applied
    # right, and how much longer it takes.
    ours, theirs = cast(float, result["auto_recall_customer"]), cast(float, baseline["auto_rate"])
    result["ratio"] = {"auto_rate": round(ours / max(theirs, 1e-9), 2),
                       "seconds": round(seconds / max(cast(float, baseline["seconds"]), 1e-3), 1)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
