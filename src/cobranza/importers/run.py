"""The import use case shared by every ledger file: read, check all, then write all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from cobranza.importers.tabular import RowError, Table, read_table
from cobranza.importers.upsert import WriteResult, changes_json, upsert
from cobranza.ledger.replay import replay_customers
from cobranza.models import ChangeRecord, ImportRun, Organisation
from cobranza.models.base import Base


@dataclass
class Prepared:
    """Rows of one file in storage form, ready to write, or the reasons they are not."""

    model: type[Base]
    key: str
    frame: pl.DataFrame
    columns: list[str]
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    replay: bool = True  # documents and payments change allocations; customers do not


Preparer = Callable[[Session, Table, Organisation], Prepared]


@dataclass
class ImportOutcome:
    """What an import did or would do (`dry_run`), or every error that stopped it."""

    kind: str
    file: str
    dry_run: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file had no error."""
        return not self.errors


def run_import(session: Session, *, kind: str, path: str | Path, org: Organisation,
               now: datetime, prepare: Preparer, mapping: Mapping[str, str] | None = None,
               dry_run: bool = False, display_name: str | None = None) -> ImportOutcome:
    """Import one file of `kind`; on any error nothing is written and the errors are returned."""
    shown = display_name or str(path)
    outcome = ImportOutcome(kind=kind, file=shown, dry_run=dry_run)
    table, errors = read_table(path, kind, mapping=mapping, display_name=shown)
    if table is None or errors:
        outcome.errors = sorted(errors, key=lambda e: (e.line, e.column))
        return outcome
    return import_table(session, kind=kind, table=table, org=org, now=now, prepare=prepare,
                        dry_run=dry_run)


def import_table(session: Session, *, kind: str, table: Table, org: Organisation,
                 now: datetime, prepare: Preparer, dry_run: bool = False) -> ImportOutcome:
    """Check and write rows already read into a Table (from a file or an API request)."""
    outcome = ImportOutcome(kind=kind, file=table.file, dry_run=dry_run)
    prepared = prepare(session, table, org)
    outcome.warnings = prepared.warnings
    if prepared.errors:
        outcome.errors = sorted(prepared.errors, key=lambda e: (e.line, e.column))
        return outcome
    result = write_prepared(session, kind=kind, file=table.file, prepared=prepared, org=org,
                            now=now, dry_run=dry_run)
    outcome.new, outcome.updated, outcome.unchanged = result.new, result.updated, result.unchanged
    if dry_run:
        return outcome
    if prepared.replay and result.customers:
        replay_customers(session, org_id=org.id, customer_ids=result.customers)
    session.flush()
    return outcome


def write_prepared(session: Session, *, kind: str, file: str, prepared: Prepared,
                   org: Organisation, now: datetime, dry_run: bool = False) -> WriteResult:
    """Upsert checked rows and record the run and every change; the caller replays allocations.

    Shared by `import_table` and by imports that write several tables in one unit of work
    (e-invoices: customers, invoices, credit notes, payments), which replay once at the end.
    """
    result = upsert(session, model=prepared.model, org_id=org.id, key=prepared.key,
                    frame=prepared.frame, columns=prepared.columns, now=now, dry_run=dry_run)
    if dry_run:
        return result
    run = ImportRun(org_id=org.id, kind=kind, file=file, new=result.new,
                    updated=result.updated, unchanged=result.unchanged, at=now)
    session.add(run)
    session.flush()
    session.add_all(ChangeRecord(org_id=org.id, import_run_id=run.id, entity=kind, key=key,
                                 changes=changes_json(diff), at=now)
                    for key, diff in result.changes)
    return result
