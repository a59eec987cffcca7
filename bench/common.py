"""What the benchmarks share: cached data sets, ledgers built through the real import use case.

Everything is cached under `bench/.data/<N>/` (git-ignored), or `bench/.data/<N>-<customers>/`
when a customer count is given (the daily run's data, see `write_bench_csvs`): the generated CSVs
and three SQLite ledgers, each a copy of the previous one plus one more import, so a benchmark can start
from the state it needs:

- `customers.db`: the organisation and its customers;
- `documents.db`: plus invoices and credit notes;
- `ledger.db`: plus payments, allocations replayed (what the aging reads).

A file is only ever renamed into place once complete, so an interrupted set-up is redone.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bench.generate import write_bench_csvs
from cobranza.customers.imports import prepare as prepare_customers
from cobranza.db import make_engine, migrate, unit_of_work
from cobranza.demo.generator import CSV_FILES
from cobranza.importers.run import ImportOutcome, Preparer, run_import
from cobranza.invoices.imports import prepare_credit_notes, prepare_invoices
from cobranza.organisations.service import current, ensure
from cobranza.payments.imports import prepare_payments

DATA = Path(__file__).resolve().parent / ".data"
# The imports' clock: fixed, the day after the benchmarks' "as of" date (BENCH_TODAY).
BENCH_NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PREPARERS: dict[str, Preparer] = {
    "customers": prepare_customers,
    "invoices": prepare_invoices,
    "credit-notes": prepare_credit_notes,
    "payments": prepare_payments,
}
# Ledger files and the imports that take the previous one to each of them.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("customers.db", ("customers",)),
    ("documents.db", ("invoices", "credit-notes")),
    ("ledger.db", ("payments",)),
)


def log(message: str) -> None:
    """Progress and set-up timings go to stderr; stdout carries only the result lines."""
    print(message, file=sys.stderr, flush=True)


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Log how long the block took (set-up steps, not measured figures)."""
    start = time.perf_counter()
    yield
    log(f"{what}: {time.perf_counter() - start:.1f} s")


def data_dir(invoices: int, customers: int | None = None) -> Path:
    """The cache directory of the data set with `invoices` invoices (and `customers`, if given)."""
    return DATA / (str(invoices) if customers is None else f"{invoices}-{customers}")


def csv_paths(invoices: int, customers: int | None = None) -> dict[str, Path]:
    """The generated CSVs of the data set, written once."""
    directory = data_dir(invoices, customers)
    done = directory / "csv.ok"
    if not done.exists():
        people = "" if customers is None else f" and {customers:,} customers"
        with timed(f"generate CSVs for {invoices:,} invoices{people}"):
            paths = write_bench_csvs(directory, invoices=invoices, customers=customers)
        done.write_text("ok\n")
        return paths
    return {kind: directory / name for kind, name in CSV_FILES.items()}


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def copy_db(source: Path, target: Path) -> None:
    """A fresh copy of a checkpointed ledger file (no -wal/-shm left beside the copy)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the main file, so the file alone is the whole ledger."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def import_files(path: Path, kinds: tuple[str, ...], paths: dict[str, Path]) -> None:
    """Import `kinds` into the ledger at `path`, each in its own unit of work (as the CLI does)."""
    engine = make_engine(sqlite_url(path))
    try:
        for kind in kinds:
            with timed(f"  import {kind}"), unit_of_work(engine) as session:
                outcome = import_one(session, kind, paths[kind])
            log(f"    {outcome.new:,} new, {len(outcome.warnings):,} warnings")
    finally:
        engine.dispose()


def import_one(session: Session, kind: str, path: Path) -> ImportOutcome:
    """One `run_import` of the first organisation; a failure is a generator bug: raise."""
    org = current(session)
    outcome = run_import(session, kind=kind, path=path, org=org, now=BENCH_NOW,
                         prepare=PREPARERS[kind], display_name=path.name)
    if not outcome.ok:
        raise RuntimeError("\n".join(str(e) for e in outcome.errors[:20]))
    return outcome


def ledger(invoices: int, stage: str = "ledger.db", customers: int | None = None) -> Path:
    """The cached ledger file `stage` of the data set, built (with the ones before it) if needed."""
    directory = data_dir(invoices, customers)
    paths = csv_paths(invoices, customers)
    previous: Path | None = None
    for name, kinds in STAGES:
        target = directory / name
        if not target.exists():
            _build(target, previous, kinds, paths)
        previous = target
        if name == stage:
            return target
    raise ValueError(f"unknown ledger stage {stage!r}")


def _build(target: Path, previous: Path | None, kinds: tuple[str, ...],
           paths: dict[str, Path]) -> None:
    work = target.with_suffix(".building")
    with timed(f"set-up {target.name} (through the import use case)"):
        if previous is None:
            _create(work)
        else:
            copy_db(previous, work)
        import_files(work, kinds, paths)
        checkpoint(work)
    work.rename(target)


def _create(path: Path) -> None:
    """A migrated ledger with the benchmark's organisation."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(sqlite_url(path))
    try:
        migrate(engine)
        with unit_of_work(engine) as session:
            ensure(session, now=BENCH_NOW, name="Bench SpA", country="CL", currency=None,
                   timezone=None, locale=None)
    finally:
        engine.dispose()


def warm(path: Path) -> None:
    """Read the file once, untimed, so the measured runs find it in the OS page cache.

    On the benchmark machine cold pages are reclaimed within minutes, and reading a 57 MB CSV
    from disk once took 6 s: that is the disk's time, not the code's.
    """
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def best_of(runs: int, *steps: Callable[[], float]) -> list[float]:
    """Run each step `runs` times, interleaved, and keep the best time of each."""
    best = [float("inf")] * len(steps)
    for _ in range(runs):
        for i, step in enumerate(steps):
            best[i] = min(best[i], step())
    return best
