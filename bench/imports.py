"""Importing invoices and payments: our import use case against plain `sqlite3` inserts.

    python -m bench.imports --invoices 1000000

Measured: `run_import` of invoices.csv (N rows) into a fresh copy of a ledger that already holds
the customers, then of payments.csv (about 1.5 N rows) into a fresh copy of a ledger that holds
customers, invoices and credit notes; each including its commit, and for payments the replay of
every customer's allocations. Each measured import runs in a child process of its own, which
reports its time and its peak resident memory (VmHWM; see `peak_rss_kb`).

Baseline, in this process: the same rows already parsed into the exact tuples our import stores
(parsed beforehand, untimed) inserted with `executemany` of the plain `sqlite3` module into a
fresh copy of the same ledger (same schema, tables and indexes, as `migrate` created them; same
connection settings as cobranza's engine), plus commit. Best of `--runs`, interleaved.

Prints two JSON lines on stdout (invoices, then payments); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.common import (
    BENCH_NOW,
    PREPARERS,
    copy_db,
    csv_paths,
    import_one,
    ledger,
    log,
    sqlite_url,
    timed,
    warm,
)
from cobranza.db import make_engine, unit_of_work
from cobranza.importers.tabular import read_table
from cobranza.importers.upsert import _stamp as storage_stamp
from cobranza.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
# kind -> (bench label, ledger the import starts from)
CASES = {"invoices": ("imports", "customers.db"), "payments": ("imports-payments", "documents.db")}


def main() -> None:
    """Parse the arguments; run the benchmark, or (with --child) one measured import."""
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=sorted(CASES), help="measure one file only")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "LEDGER", "CSV"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db, csv = args.child
        print(json.dumps(_child(kind, Path(db), Path(csv))), flush=True)
        return
    for kind in CASES if args.only is None else (args.only,):
        print(json.dumps(bench(kind, invoices=args.invoices, runs=args.runs)), flush=True)


def bench(kind: str, *, invoices: int, runs: int) -> dict[str, Any]:
    """Best-of-`runs` seconds of ours and of the baseline for one file, and our peak memory."""
    label, stage = CASES[kind]
    with timed(f"set-up for {kind} (cached ledger or imports)"):
        start = ledger(invoices, stage)
        csv = csv_paths(invoices)[kind]
    ours_db, baseline_db = (start.with_name(f"bench-{kind}-{who}.db") for who in ("ours", "base"))
    with timed(f"parse {kind} into storage tuples for the baseline (untimed)"):
        table, insert, rows = storage_rows(kind, start, csv, baseline_db)
    best, best_baseline, peak_kb = float("inf"), float("inf"), 0
    for run in range(runs):
        copy_db(start, ours_db)
        warm(csv)
        measured = _run_child(kind, ours_db, csv)
        best, peak_kb = min(best, measured["seconds"]), max(peak_kb, measured["maxrss_kb"])
        copy_db(start, baseline_db)
        baseline = baseline_insert(baseline_db, insert, rows)
        best_baseline = min(best_baseline, baseline)
        log(f"{kind} run {run + 1}: ours {measured['seconds']:.2f} s "
            f"({measured['maxrss_kb'] / 1024:.0f} MB), baseline {baseline:.2f} s "
            f"({len(rows):,} rows into {table})")
        if run == 0:
            same_rows(ours_db, baseline_db, table)
    for db in (ours_db, baseline_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {"bench": label, "n": invoices, "seconds": round(best, 3),
            "baseline_seconds": round(best_baseline, 3), "ratio": round(best / best_baseline, 2),
            "peak_rss_mb": round(peak_kb / 1024)}


# --- ours, in a child process ----------------------------------------------------------------


def _run_child(kind: str, db: Path, csv: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", kind, str(db), str(csv)],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _child(kind: str, db: Path, csv: Path) -> dict[str, Any]:
    """One import through the use case, committed; its seconds and this process's peak RSS."""
    engine = make_engine(sqlite_url(db))
    try:
        start = time.perf_counter()
        with unit_of_work(engine) as session:
            import_one(session, kind, csv)
        seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    return {"seconds": seconds, "maxrss_kb": peak_rss_kb()}


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB, interpreter and libraries included.

    VmHWM of /proc/self/status, not ru_maxrss: Linux folds the forking parent's resident size
    into ru_maxrss at exec, so a child of this benchmark (which holds the baseline's million
    tuples) would report the parent's size (950 MB instead of 660 MB for the invoices).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- baseline: executemany of the stored tuples ------------------------------------------------


def storage_rows(kind: str, start: Path, csv: Path,
                 work: Path) -> tuple[str, str, list[tuple[Any, ...]]]:
    """The table, the INSERT and the exact tuples our import writes for `csv` (untimed)."""
    copy_db(start, work)
    engine = make_engine(sqlite_url(work))
    try:
        with unit_of_work(engine) as session:
            org = session.scalars(select(Organisation).order_by(Organisation.id)).first()
            assert org is not None
            table, errors = read_table(csv, kind)
            assert table is not None and not errors, errors[:5]
            prepared = PREPARERS[kind](session, table, org)
            assert not prepared.errors, prepared.errors[:5]
            stamp = storage_stamp(prepared.model, session.connection(), BENCH_NOW)
            body = prepared.frame.select([prepared.key, *prepared.columns])
            rows = [(org.id, *row, stamp, stamp) for row in body.iter_rows()]
            names = ["org_id", prepared.key, *prepared.columns, "created_at", "updated_at"]
            name = str(prepared.model.__tablename__)
    finally:
        engine.dispose()
    insert = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    return name, insert, rows


def baseline_insert(db: Path, insert: str, rows: list[tuple[Any, ...]]) -> float:
    """Seconds to insert `rows` and commit, on a connection set up as cobranza's engine does."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def same_rows(ours: Path, baseline: Path, table: str) -> None:
    """Assert both ledgers hold the same rows in `table` (ids and timestamps included)."""
    with sqlite3.connect(ours) as conn:
        conn.execute("ATTACH DATABASE ? AS baseline", (str(baseline),))
        counts = [conn.execute(f"SELECT COUNT(*) FROM (SELECT * FROM {a}.{table} "
                               f"EXCEPT SELECT * FROM {b}.{table})").fetchone()[0]
                  for a, b in (("main", "baseline"), ("baseline", "main"))]
        total = conn.execute(f"SELECT COUNT(*) FROM main.{table}").fetchone()[0]
    conn.close()
    if counts != [0, 0]:
        raise AssertionError(f"{table}: ours and the baseline stored different rows {counts}")
    log(f"{table}: the baseline stored the same {total:,} rows as ours")


if __name__ == "__main__":
    main()
