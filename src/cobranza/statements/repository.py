"""Every query of the statement import: known statements, known lines, set-based writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cobranza.models.bank import BankStatement, BankTransaction

CHUNK = 5_000  # rows per executemany
_IN_CHUNK = 1_000  # keys per IN (...) list: under every driver's parameter limit

_STATEMENTS: Table = BankStatement.__table__  # type: ignore[assignment]
_LINES: Table = BankTransaction.__table__  # type: ignore[assignment]


def find_statement(session: Session, *, org_id: int, digests: Sequence[str], account: str,
                   statement_ref: str | None) -> int | None:
    """The id of the same statement imported before, if any: stored under one of `digests`
    (`file_sha256`: the digest of what it says, or of its file's bytes, as older versions
    stored it), for the same account and reference."""
    ref = (_STATEMENTS.c.statement_ref.is_(None) if statement_ref is None
           else _STATEMENTS.c.statement_ref == statement_ref)
    query = select(_STATEMENTS.c.id).where(
        _STATEMENTS.c.org_id == org_id, _STATEMENTS.c.file_sha256.in_(list(digests)),
        _STATEMENTS.c.account == account, ref).limit(1)
    return session.execute(query).scalar_one_or_none()


def known_keys(session: Session, *, org_id: int, keys: Sequence[str]) -> set[str]:
    """Which of `keys` are already stored as bank transactions of the organisation."""
    found: set[str] = set()
    column = _LINES.c.dedupe_key
    for start in range(0, len(keys), _IN_CHUNK):
        part = keys[start:start + _IN_CHUNK]
        query = select(column).where(_LINES.c.org_id == org_id, column.in_(part))
        found.update(session.execute(query).scalars())
    return found


def batch_totals(session: Session, *, org_id: int, account: str,
                 batch_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """The currency and sum (minor units) of the stored parts of each of these bookings of the
    account, where their parts are in one currency."""
    found: dict[str, tuple[str, int]] = {}
    column = _LINES.c.batch_id
    for start in range(0, len(batch_ids), _IN_CHUNK):
        rows = session.execute(
            select(column, func.min(_LINES.c.currency), func.max(_LINES.c.currency),
                   func.sum(_LINES.c.amount))
            .where(_LINES.c.org_id == org_id, _LINES.c.account == account,
                   column.in_(batch_ids[start:start + _IN_CHUNK]))
            .group_by(column)).all()
        found.update({batch: (low, int(total)) for batch, low, high, total in rows
                      if low == high})
    return found


def amounts_by_id(session: Session, *, org_id: int, account: str,
                  transaction_ids: Sequence[str]) -> dict[str, set[tuple[int, date]]]:
    """The amounts (minor units) and booking dates stored under each of these bank ids of the
    account."""
    found: dict[str, set[tuple[int, date]]] = {}
    for start in range(0, len(transaction_ids), _IN_CHUNK):
        part = transaction_ids[start:start + _IN_CHUNK]
        query = select(_LINES.c.transaction_id, _LINES.c.amount, _LINES.c.booking_date).where(
            _LINES.c.org_id == org_id, _LINES.c.account == account,
            _LINES.c.transaction_id.in_(part))
        for transaction_id, amount, booked in session.execute(query):
            found.setdefault(transaction_id, set()).add((int(amount), booked))
    return found


def ids_by_keys(session: Session, *, org_id: int, keys: Sequence[str]) -> dict[str, str | None]:
    """The bank id (None where none) of the line stored under each of these keys."""
    found: dict[str, str | None] = {}
    column = _LINES.c.dedupe_key
    for start in range(0, len(keys), _IN_CHUNK):
        part = keys[start:start + _IN_CHUNK]
        query = select(column, _LINES.c.transaction_id).where(_LINES.c.org_id == org_id,
                                                               column.in_(part))
        found.update({key: transaction_id for key, transaction_id in session.execute(query)})
    return found


def add_statement(session: Session, values: dict[str, Any]) -> int:
    """Insert one statement row; its id."""
    result = session.execute(insert(_STATEMENTS).values(**values).returning(_STATEMENTS.c.id))
    return int(result.scalar_one())


def set_counts(session: Session, *, statement_id: int, new: int, known: int) -> None:
    """Record how many of the statement's lines were new and how many already known."""
    session.execute(update(_STATEMENTS).where(_STATEMENTS.c.id == statement_id)
                    .values(lines_new=new, lines_known=known))


def add_lines(session: Session, rows: Iterable[dict[str, Any]], *, created_at: datetime) -> None:
    """Insert bank transactions in chunks; a key stored meanwhile by another import is skipped."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append({**row, "created_at": created_at, "status": "new"})
        if len(batch) == CHUNK:
            _insert_ignore(session, batch)
            batch = []
    if batch:
        _insert_ignore(session, batch)


def _insert_ignore(session: Session, rows: list[dict[str, Any]]) -> None:
    # One executemany per chunk; ON CONFLICT DO NOTHING keeps two concurrent imports of
    # overlapping statements from failing on the (org_id, dedupe_key) constraint.
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(_LINES).on_conflict_do_nothing(
            index_elements=["org_id", "dedupe_key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(_LINES).on_conflict_do_nothing(
            index_elements=["org_id", "dedupe_key"])
    else:
        statement = insert(_LINES)
    session.execute(statement, rows)
