"""Set-based writes below the ORM: many rows at once through the driver's executemany.

SQLAlchemy's "insertmanyvalues" (an INSERT with RETURNING per batch of rows) and the ORM's
unit of work process every value and row in Python, seconds for the tens of thousands of rows
a reconciliation or a daily run writes. Here each column's bind processor (the project's
types: UTC timestamps, day numbers, decimals as text) is applied to the values, and the rows go
to the driver in chunks; ids, when the caller needs them, are reserved first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table

CHUNK = 5_000


def mark(conn: Connection) -> str:
    """The driver's parameter marker: "?" for sqlite3, "%s" for psycopg."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def fetch(conn: Connection, sql: str, params: Sequence[Any] = (), **parts: str) -> list[Any]:
    """All rows of `sql` as the driver's tuples, in the caller's transaction.

    `{m}` in `sql` stands for the parameter marker; `parts` fill other `{name}`s (an IN list
    of markers, say). SQLAlchemy's Row objects and type processing cost about 2 µs a row:
    seconds on the hundreds of thousands of rows a replay or a reconciliation reads.
    """
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql.format(m=mark(conn), **parts), tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """`count` new primary keys for `table`, to insert explicitly.

    PostgreSQL: taken from the table's sequence, safe whatever else runs. SQLite: the next
    numbers after the largest id, so the caller must hold the database's write lock (every
    writer of these tables takes it before reading, see reconciliation.repository.lock).
    """
    if count == 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, %s)", (count,)).fetchall()
        return [int(r[0]) for r in rows]
    top = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}").scalar()
    return list(range(int(top or 0) + 1, int(top or 0) + 1 + count))


def insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows (dictionaries with the same keys) in chunks; returns how many."""
    if not rows:
        return 0
    columns = list(rows[0])
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([mark(conn)] * len(columns))})")
    # Values are taken in C (itemgetter); only the columns whose type has a bind processor
    # (timestamps, dates, decimals as text) go through Python, value by value.
    processed = [(at, _remembering(process)) for at, name in enumerate(columns)
                 if (process := table.c[name].type.dialect_impl(conn.dialect)
                     .bind_processor(conn.dialect))]
    take = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    for start in range(0, len(rows), CHUNK):
        values = list(map(take, rows[start:start + CHUNK]))
        if processed:
            values = [_process(row, processed) for row in values]
        conn.exec_driver_sql(sql, values)
    return len(rows)


def _process(row: tuple[Any, ...],
             processed: list[tuple[int, Callable[[Any], Any]]]) -> tuple[Any, ...]:
    values = list(row)
    for at, process in processed:
        if values[at] is not None:
            values[at] = process(values[at])
    return tuple(values)


def _remembering(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process`, reusing its last result for the same object: a batch's rows share their
    timestamps and dates, and formatting one costs microseconds (identity, not equality:
    equal decimals may be written differently)."""
    last: list[Any] = [_NOTHING, None]

    def remembered(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]
    return remembered


_NOTHING = object()
