"""Set-based writes below the ORM: many rows at once through the driver.

SQLAlchemy's "insertmanyvalues" (an INSERT with RETURNING per batch of rows) and the ORM's
unit of work process every value and row in Python, seconds for the tens of thousands of rows
a reconciliation or a daily run writes. Here each column's bind processor (the project's
types: UTC timestamps, day numbers, decimals as text) is applied to the values, and the rows go
to the driver in chunks; ids, when the caller needs them, are reserved first.

On SQLite a chunk is one statement over a JSON array (`json_each`) instead of an executemany.
SQLite spends more time on it (80,000 payments: 0.40 s against 0.24 s; a statement of many
rows, `VALUES (...), (...)`, takes 0.18 s), but binds one value and runs with Python's lock
released throughout, where binding each row's values holds the lock: writes handed to a thread
(`behind`) then run on another core without slowing the caller, who computes the next ones.
A reconciliation's caller is the slower side, so the lock counts for more than the database's
time (docs/benchmarks.md, sixth round).

On PostgreSQL a chunk is copied (`COPY ... FROM STDIN`, in the caller's transaction): an
executemany sends every row as its own statement, and the server's time for them made a
reconciliation's writes three times as long as on SQLite. An update copies its chunk into a
temporary table dropped at commit, then updates from it in one statement.
"""

from __future__ import annotations

import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from itertools import islice
from typing import Any, NamedTuple, cast

import orjson
from sqlalchemy import ColumnElement, Connection, Table
from sqlalchemy.exc import DBAPIError

CHUNK = 5_000
# JSON functions are built into SQLite from 3.38 (before, json_each may be missing); UPDATE
# ... FROM came in 3.33.
_JSON_SQLITE = sqlite3.sqlite_version_info >= (3, 38)
# A value orjson would write differently from how sqlite3 binds it (a datetime, a dataclass)
# or not at all (a decimal, an integer beyond 64 bits) sends its chunk by executemany.
_JSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_SWITCH = 0.0005  # seconds: Python's thread switch interval while writes run behind


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
        # The sequence looked up once: per row, the lookup took eight times nextval's time.
        rows = conn.exec_driver_sql(
            f"WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('{table.name}', 'id')"
            "::regclass AS id) SELECT nextval(s.id) FROM s, generate_series(1, %s)",
            (count,)).fetchall()
        return [int(r[0]) for r in rows]
    top = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}").scalar()
    return list(range(int(top or 0) + 1, int(top or 0) + 1 + count))


class Copy(NamedTuple):
    """Rows for PostgreSQL's COPY into `table`, in `columns` order."""

    table: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]]


# A statement ready for the driver: its SQL and parameters (one JSON text, or the rows for an
# executemany), or rows to copy.
Statement = tuple[str, Any] | Copy


def write(conn: Connection, table: str, columns: Sequence[str],
          values: Sequence[tuple[Any, ...]], *, as_json: bool = True,
          shared: Mapping[str, Any] | None = None) -> None:
    """Insert rows given as the driver takes them (tuples in `columns` order) in one go;
    `shared`: columns with one value for every row (`writing`)."""
    _execute(conn, writing(conn, table, columns, values, as_json=as_json, shared=shared))


def update(conn: Connection, table: str, columns: Sequence[str], key: str,
           values: Iterable[tuple[Any, ...]]) -> None:
    """Set `columns` of the rows whose `key` is the tuple's last value (integers, text, NULL),
    `CHUNK` rows a statement."""
    _execute(conn, updating(conn, table, columns, key, values))


def bound(conn: Connection, column: ColumnElement[Any], value: Any) -> Any:
    """`value` as the driver takes it for `column` (its type's bind processor applied): for
    the values a caller of `write` shares between rows, a timestamp or a date."""
    process = _processor(conn, column)
    return value if process is None or value is None else process(value)


def _processor(conn: Connection, column: ColumnElement[Any]) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)


def writing(conn: Connection, table: str, columns: Sequence[str],
            values: Sequence[tuple[Any, ...]], *, as_json: bool = True,
            shared: Mapping[str, Any] | None = None) -> Iterator[Statement]:
    """The statements of `write`, `CHUNK` rows each. `as_json=False` when a value may be a
    float: SQLite's reading of a number's text need not give back the float's exact bits.

    `shared` gives the columns whose value is the same for every row (the organisation, a
    batch's timestamp), as the driver takes it: on SQLite bound once a statement, not read
    out of each row's JSON (SQLite 3.40 parses a row's JSON again for every value it takes:
    80,000 payments with five such columns, 1.85 s -> 1.12 s).
    """
    extra = tuple(shared or {})
    fixed = tuple((shared or {}).values())
    copying = conn.dialect.name == "postgresql"
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        text = None if copying or not as_json else _json(conn, chunk)
        if text is not None:
            yield _insert_json(table, tuple(columns), extra), (*fixed, text)
            continue
        whole = [(*row, *fixed) for row in chunk] if extra else list(chunk)
        if copying:
            yield Copy(table, (*columns, *extra), whole)
        else:
            yield _insert_many(table, (*columns, *extra), mark(conn)), whole


def updating(conn: Connection, table: str, columns: Sequence[str], key: str,
             values: Iterable[tuple[Any, ...]]) -> Iterator[Statement]:
    """The statements of `update`, a chunk at a time (`values` may be made as they are
    written)."""
    rows = iter(values)
    if conn.dialect.name == "postgresql":
        yield from _updating_by_copy(table, tuple(columns), key, rows)
        return
    m = mark(conn)
    while chunk := list(islice(rows, CHUNK)):
        text = _json(conn, chunk)
        if text is not None:
            sets = ", ".join(f"{c} = json_extract(j.value, '$[{at}]')"
                             for at, c in enumerate(columns))
            yield (f"UPDATE {table} SET {sets} FROM json_each(?) AS j "
                   f"WHERE {table}.{key} = json_extract(j.value, '$[{len(columns)}]')", (text,))
        else:
            yield (f"UPDATE {table} SET {', '.join(f'{c} = {m}' for c in columns)} "
                   f"WHERE {key} = {m}", chunk)


def _updating_by_copy(table: str, columns: tuple[str, ...], key: str,
                      rows: Iterator[tuple[Any, ...]]) -> Iterator[Statement]:
    # The scratch table has the columns' types (CREATE TABLE AS ... WITH NO DATA) and lives
    # until the transaction ends; it is emptied after each chunk.
    scratch = f"bulk_{table}_{zlib.crc32(' '.join((*columns, key)).encode()):08x}"
    sets = ", ".join(f"{c} = s.{c}" for c in columns)
    yield (f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} ON COMMIT DROP AS "
           f"SELECT {', '.join(columns)}, {key} FROM {table} WITH NO DATA"), ()
    while chunk := list(islice(rows, CHUNK)):
        yield Copy(scratch, (*columns, key), chunk)
        yield f"UPDATE {table} SET {sets} FROM {scratch} AS s WHERE {table}.{key} = s.{key}", ()
        yield f"TRUNCATE {scratch}", ()


def _execute(conn: Connection, statements: Iterable[Statement]) -> None:
    for statement in statements:
        if isinstance(statement, Copy):
            _copy(conn, statement)
        else:
            conn.exec_driver_sql(*statement)


def _copy(conn: Connection, copy: Copy) -> None:
    sql = f"COPY {copy.table} ({', '.join(copy.columns)}) FROM STDIN"
    cursor = conn.connection.cursor()
    base = conn.dialect.loaded_dbapi.Error
    try:
        with cast(Any, cursor).copy(sql) as sink:
            for row in copy.rows:
                sink.write_row(row)
    except base as exc:
        # As SQLAlchemy raises a driver's error (IntegrityError for a duplicate key, say).
        raise DBAPIError.instance(sql, None, exc, base, dialect=conn.dialect) from exc
    finally:
        cursor.close()


def _json(conn: Connection, values: Sequence[tuple[Any, ...]]) -> str | None:
    """The rows as one JSON array for SQLite's `json_each`; None: not this way."""
    if not _JSON_SQLITE or conn.dialect.name != "sqlite":
        return None
    try:
        return orjson.dumps(values, option=_JSON_OPTIONS).decode()
    except TypeError:
        return None


@cache
def _insert_json(table: str, columns: tuple[str, ...], shared: tuple[str, ...] = ()) -> str:
    # The shared columns' markers come first in the statement, so their values are bound first.
    picks = ", ".join([*(f"json_extract(value, '$[{at}]')" for at in range(len(columns))),
                       *("?" for _ in shared)])
    return (f"INSERT INTO {table} ({', '.join((*columns, *shared))}) SELECT {picks} "
            "FROM json_each(?)")


@cache
def _insert_many(table: str, columns: tuple[str, ...], marker: str) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join([marker] * len(columns))})")


class Behind:
    """Writes carried out in the order given by one thread, while the caller goes on.

    Made by `behind`. The rows are made into statements in the caller's thread (the values
    bound, the JSON written); the thread only runs them, so it holds Python's lock least.
    Until it has waited, the caller must not use the connection itself: only hand it more
    writes, and steps to run once they are done (`after`).
    """

    def __init__(self, conn: Connection, *, threaded: bool) -> None:
        self.conn = conn
        self._pool = ThreadPoolExecutor(max_workers=1) if threaded else None
        self._pending: list[Future[None]] = []
        self._error: BaseException | None = None
        self._after: list[Callable[[], object]] = []

    def write(self, table: str, columns: Sequence[str], values: Sequence[tuple[Any, ...]], *,
              shared: Mapping[str, Any] | None = None) -> None:
        """`write`, later."""
        self._run(writing(self.conn, table, columns, values, shared=shared))

    def update(self, table: str, columns: Sequence[str], key: str,
               values: Iterable[tuple[Any, ...]]) -> None:
        """`update`, later."""
        self._run(updating(self.conn, table, columns, key, values))

    def after(self, step: Callable[[], object]) -> None:
        """Run `step` in the caller's thread once every write is done (on the way out of
        `behind`, in the order given): a step that reads what was written."""
        self._after.append(step)

    def _run(self, statements: Iterator[Statement]) -> None:
        # Each statement its own job: the thread runs the first while the next is made.
        for statement in statements:
            if self._error is not None:
                return  # a write failed: it is raised when the block ends
            if self._pool is None:
                _execute(self.conn, [statement])
            else:
                self._pending.append(self._pool.submit(self._guarded, statement))

    def _guarded(self, statement: Statement) -> None:
        if self._error is None:  # after a failure, nothing more is written
            try:
                _execute(self.conn, [statement])
            except BaseException as exc:
                self._error = exc
                raise

    def wait(self) -> None:
        """Return once every write is done; a write's error is raised here."""
        for future in self._pending:
            future.exception()
        self._pending.clear()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def close(self, *, failing: bool) -> None:
        """Wait for the writes, then run the steps after them (not when `failing`: the caller's
        error is what is raised, and the transaction is rolled back)."""
        try:
            self.wait()
        except BaseException:
            if not failing:
                raise
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)  # (interrupted while waiting)
        if not failing:
            for step in self._after:
                step()


@contextmanager
def behind(conn: Connection) -> Iterator[Behind]:
    """Writes handed to a thread until the block ends, which waits for them.

    Threaded where a write releases Python's lock for its whole length: SQLite with JSON
    (`write`), and PostgreSQL (psycopg waits for the server without the lock). Elsewhere the
    writes are carried out as they are handed over.
    """
    threaded = conn.dialect.name == "postgresql" or (conn.dialect.name == "sqlite"
                                                       and _JSON_SQLITE)
    writes = Behind(conn, threaded=threaded)
    switch = sys.getswitchinterval()
    if threaded:
        # The thread needs Python's lock only around each statement: it gets it within
        # _SWITCH of asking instead of the default 5 ms, which on a hundred statements left
        # the database idle a good part of its time.
        sys.setswitchinterval(min(switch, _SWITCH))
    try:
        try:
            yield writes
        except BaseException:
            writes.close(failing=True)
            raise
        writes.close(failing=False)
    finally:
        sys.setswitchinterval(switch)
