"""Writing a run idempotently: actions, progress and tasks with insert-or-ignore on unique keys.

Two runs of the same day, or two overlapping runs, meet on the unique constraints
(`collection_actions (org_id, key)`, `dunning_progress (invoice_id, cycle, step_code)`) and the
second writes nothing; on PostgreSQL a transaction-scoped advisory lock per organisation also
serialises whole runs, so they never interleave.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cobranza.models import CollectionAction

_CHUNK = 2_000


def insert_ignoring_duplicates(session: Session, table: Table, rows: Sequence[dict[str, Any]],
                               *, unique: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (unique) DO NOTHING, in chunks, on SQLite and PostgreSQL."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), _CHUNK):
        stmt = make(table).on_conflict_do_nothing(index_elements=list(unique))
        session.execute(stmt, list(rows[start:start + _CHUNK]))


def lock_organisation(session: Session, *, org_id: int) -> None:
    """Serialise runs of one organisation (PostgreSQL; SQLite serialises writers already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x636F62_0000 + org_id})


def action_ids(session: Session, *, org_id: int, keys: Sequence[str]) -> dict[str, int]:
    """The row ids of actions by key."""
    found: dict[str, int] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = list(keys[start:start + _CHUNK])
        found.update({key: rid for rid, key in session.execute(
            select(CollectionAction.id, CollectionAction.key).where(
                CollectionAction.org_id == org_id, CollectionAction.key.in_(chunk)))})
    return found
