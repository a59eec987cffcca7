"""Write validated rows set-based: insert the new, update the changed, count the unchanged.

Rows arrive as a polars frame already in storage form (integer minor units, dates as day
numbers, text). Existing rows are read once, compared by a join, and written with chunked
`executemany`; every changed field of an updated row is recorded in `change_records`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.models.base import Base

CHUNK = 50_000
_IN_LIST_LIMIT = 5_000


@dataclass
class WriteResult:
    """What a write did, and which customers' allocations must be replayed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    customers: set[int] = field(default_factory=set)
    changes: list[tuple[str, dict[str, list[Any]]]] = field(default_factory=list)


def _existing(conn: Connection, *, table: str, org_id: int, key: str, columns: Sequence[str],
              keys: list[str], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    cols = ", ".join(["id", key, *columns])
    sql = f"SELECT {cols} FROM {table} WHERE org_id = {int(org_id)}"
    rows: list[Any] = []
    if len(keys) > _IN_LIST_LIMIT:
        rows = list(conn.exec_driver_sql(sql).all())
    else:
        mark = bulk.mark(conn)
        for start in range(0, len(keys), 1000):
            part = keys[start:start + 1000]
            rows.extend(conn.exec_driver_sql(
                f"{sql} AND {key} IN ({', '.join([mark] * len(part))})", tuple(part)).all())
    full_schema: dict[str, pl.DataType] = {"id": pl.Int64(), **schema}
    return pl.DataFrame([tuple(r) for r in rows], schema=full_schema, orient="row")


def _stamp(model: type[Base], conn: Connection, now: datetime) -> Any:
    """`now` as the model's timestamp columns store it, computed once for every row."""
    if conn.dialect.name == "sqlite":
        # The text SQLAlchemy's SQLite DATETIME writes for ORM rows (UTC, no offset), so
        # imported and ORM-written rows compare and sort alike.
        return now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return now


def upsert(session: Session, *, model: type[Base], org_id: int, key: str, frame: pl.DataFrame,
           columns: Sequence[str], now: datetime, dry_run: bool = False) -> WriteResult:
    """Insert or update `frame` (key + columns, storage form) into `model`'s table."""
    conn = session.connection()
    table = str(model.__tablename__)
    schema = {name: frame.schema[name] for name in [key, *columns]}
    keys = frame[key].to_list()
    existing = _existing(conn, table=table, org_id=org_id, key=key, columns=columns, keys=keys,
                         schema=dict(schema))
    joined = frame.join(existing, on=key, how="left", suffix="_old")
    is_new = joined["id"].is_null()
    differs = pl.lit(False)
    for col in columns:
        differs = differs | pl.col(col).ne_missing(pl.col(f"{col}_old"))
    joined = joined.with_columns(_new=is_new, _changed=~is_new & differs)
    new_rows = joined.filter(pl.col("_new"))
    changed = joined.filter(pl.col("_changed"))
    result = WriteResult(new=new_rows.height, updated=changed.height,
                         unchanged=joined.height - new_rows.height - changed.height)
    if "customer_id" in columns:
        touched = pl.concat([new_rows["customer_id"], changed["customer_id"],
                             changed["customer_id_old"]])
        result.customers = set(touched.drop_nulls().to_list())
    result.changes = _change_log(changed, key=key, columns=columns)
    if dry_run:
        return result
    stamp = _stamp(model, conn, now)
    mark = bulk.mark(conn)
    names = ["org_id", *[key, *columns], "created_at", "updated_at"]
    insert = (f"INSERT INTO {table} ({', '.join(names)}) "
              f"VALUES ({', '.join([mark] * len(names))})")
    body = new_rows.select([key, *columns])
    for start in range(0, body.height, CHUNK):
        part = body.slice(start, CHUNK)
        conn.exec_driver_sql(insert, [(org_id, *row, stamp, stamp) for row in part.iter_rows()])
    if changed.height:
        sets = ", ".join(f"{col} = {mark}" for col in columns)
        update = f"UPDATE {table} SET {sets}, updated_at = {mark} WHERE id = {mark}"
        rows = changed.select([*columns, "id"]).iter_rows()
        conn.exec_driver_sql(update, [(*row[:-1], stamp, row[-1]) for row in rows])
    return result


def _change_log(changed: pl.DataFrame, *, key: str,
                columns: Sequence[str]) -> list[tuple[str, dict[str, list[Any]]]]:
    out: list[tuple[str, dict[str, list[Any]]]] = []
    for row in changed.iter_rows(named=True):
        diff = {col: [row[f"{col}_old"], row[col]] for col in columns
                if row[col] != row[f"{col}_old"]}
        out.append((str(row[key]), diff))
    return out


def changes_json(diff: dict[str, list[Any]]) -> str:
    """A change record's body: {"field": [old, new], ...}."""
    return json.dumps(diff, default=str, ensure_ascii=False, sort_keys=True)
