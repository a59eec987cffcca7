"""Writing ledger rows through the JSON API with exactly the checks of the file imports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from cobranza.importers.records import table_from_records
from cobranza.importers.run import Preparer, import_table
from cobranza.models import Organisation


class ImportSummary(BaseModel):
    """What a write did."""

    new: int
    updated: int
    unchanged: int
    warnings: list[str]


def write_records(session: Session, *, org: Organisation, kind: str,
                  records: Sequence[BaseModel], prepare: Preparer,
                  dry_run: bool = False) -> ImportSummary:
    """Check and write records; any invalid one rejects them all with a 422 listing every error."""
    rows: list[dict[str, Any]] = [r.model_dump(exclude_none=True) for r in records]
    table = table_from_records(kind, rows)
    outcome = import_table(session, kind=kind, table=table, org=org, now=datetime.now(UTC),
                           prepare=prepare, dry_run=dry_run)
    if outcome.errors:
        raise HTTPException(422, detail=[
            {"loc": ["body", e.line - 1, e.column], "line": e.line, "column": e.column,
             "msg": e.message, "type": "value_error"} for e in outcome.errors])
    return ImportSummary(new=outcome.new, updated=outcome.updated, unchanged=outcome.unchanged,
                         warnings=outcome.warnings)
