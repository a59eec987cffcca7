"""Rows written through the driver: the project's column types applied, ids reserved."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from typing import cast

import pytest
from sqlalchemy import Connection, Table, event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.db import make_engine, migrate, unit_of_work
from cobranza.models import Customer, Payment
from cobranza.organisations.service import ensure

NOW = datetime(2026, 4, 1, 18, 0, tzinfo=UTC)


def test_bound_values_keep_their_types_and_ids_follow_what_the_orm_writes(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with unit_of_work(engine) as session:
        org = ensure(session, now=NOW, name="Bulk SA", country="MX", currency=None,
                     timezone=None, locale=None)
        customer = Customer(org_id=org.id, code="C1", name="Uno", country="MX",
                            do_not_contact=False, created_at=NOW, updated_at=NOW)
        session.add(customer)
        session.flush()
        table = cast(Table, Payment.__table__)
        conn = session.connection()
        ids = bulk.reserve_ids(conn, table, 3)
        assert len(set(ids)) == 3
        santiago = datetime(2026, 4, 1, 14, 0, tzinfo=timezone(timedelta(hours=-4)))
        # Each column's bind processor applied once (`bound`): dates as day numbers, any
        # time zone's timestamps in UTC.
        bulk.write(conn, table.name, ("id", "code", "date", "amount", "updated_at"), [
            (id_, f"P-{n}", bulk.bound(conn, table.c.date, date(2026, 3, n)), 1000 * n,
             bulk.bound(conn, table.c.updated_at,
                        santiago if n != 2 else NOW + timedelta(days=1)))
            for n, id_ in enumerate(ids, 1)],
            shared={"org_id": org.id, "customer_id": customer.id, "currency": "MXN",
                    "created_at": bulk.bound(conn, table.c.created_at, santiago)})
        # The ORM's next payment takes an id after the reserved ones, on both engines.
        later = Payment(org_id=org.id, customer_id=customer.id, code="P-ORM",
                        date=date(2026, 3, 9), currency="MXN", amount=1, created_at=NOW,
                        updated_at=NOW)
        session.add(later)
        session.flush()
        assert later.id > max(ids)
        rows = session.execute(select(Payment.code, Payment.date, Payment.created_at)
                               .where(Payment.id.in_(ids)).order_by(Payment.id)).all()
        updated = session.scalars(select(Payment.updated_at).where(Payment.id.in_(ids))
                                  .order_by(Payment.id)).all()
    engine.dispose()
    # Dates stored as day numbers and read back as dates; timestamps in UTC.
    assert [(code, day) for code, day, _at in rows] == [
        ("P-1", date(2026, 3, 1)), ("P-2", date(2026, 3, 2)), ("P-3", date(2026, 3, 3))]
    assert {at for _c, _d, at in rows} == {NOW}
    assert updated == [NOW, NOW + timedelta(days=1), NOW]


def _customers(conn: Connection) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.exec_driver_sql(
        "SELECT id, code, name, email FROM customers ORDER BY id").fetchall()]


_CUSTOMER = ("id", "org_id", "code", "name", "country", "do_not_contact", "created_at",
             "updated_at")


def _customer_rows(conn: Connection, org: int, ids: range | list[int],
                   name: str = "Uno") -> list[tuple[object, ...]]:
    """Customers as `bulk.write` takes them, in `_CUSTOMER` order."""
    at = bulk.bound(conn, cast(Table, Customer.__table__).c.created_at, NOW)
    return [(n, org, f"C{n}", name, "MX", False, at, at) for n in ids]


def _org(session: Session) -> int:
    return ensure(session, now=NOW, name="Bulk SA", country="MX", currency=None,
                  timezone=None, locale=None).id


def test_written_as_one_statement_or_many_the_rows_are_the_same(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    table = cast(Table, Customer.__table__)
    names = ["Ñandú y Cía", 'Comillas "dobles" \\ barra', "emoji 🧾", "línea\nnueva", ""]
    with unit_of_work(engine) as session:
        org = _org(session)
        conn = session.connection()
        at = bulk.bound(conn, table.c.created_at, NOW)
        columns = ("id", "org_id", "code", "name", "country", "email", "do_not_contact",
                   "created_at", "updated_at")
        bulk.write(conn, "customers", columns, [
            (10 + n, org, f"C{n}", name, "MX", None if n % 2 else f"c{n}@example.mx", n == 3,
             at, at) for n, name in enumerate(names)])
        stored = _customers(conn)
        # The same rows by executemany (where a value is not JSON's, a date say).
        bulk.write(conn, "customers", columns,
                   [(20 + n, org, f"D{n}", name, "MX", None, False, at, at)
                    for n, name in enumerate(names)], as_json=False)
        assert [(code, name) for _id, code, name, _mail in _customers(conn)[len(names):]] == [
            (f"D{n}", name) for n, name in enumerate(names)]
        assert session.scalars(select(Customer.created_at).where(Customer.id.in_((10, 20))
                                                                   )).all() == [NOW, NOW]
    engine.dispose()
    assert stored == [(10 + n, f"C{n}", name, None if n % 2 else f"c{n}@example.mx")
                      for n, name in enumerate(names)]


def test_update_sets_the_columns_of_the_rows_named_by_their_key(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with unit_of_work(engine) as session:
        org = _org(session)
        conn = session.connection()
        bulk.write(conn, "customers", _CUSTOMER, [(*row[:3], f"N{row[0]}", *row[4:])
                                                  for row in _customer_rows(conn, org, (1, 2, 3))])
        # The rows may be made as they are written (a generator), more than a chunk of them.
        bulk.update(conn, "customers", ("name", "email"), "id", (
            row for row in [("Uno 'bis'", "uno@example.mx", 1), ("Tres", None, 3),
                            *(("Nadie", None, 1000 + n) for n in range(bulk.CHUNK))]))
        assert _customers(conn) == [(1, "C1", "Uno 'bis'", "uno@example.mx"),
                                    (2, "C2", "N2", None), (3, "C3", "Tres", None)]
        # Again in the same transaction; text that a copy must escape.
        bulk.update(conn, "customers", ("name", "email"), "id",
                    [("Dos\tcon\\tab\ny línea", "\\N", 2)])
        assert _customers(conn)[1] == (2, "C2", "Dos\tcon\\tab\ny línea", "\\N")
    with unit_of_work(engine) as session:  # and in the next one
        bulk.update(session.connection(), "customers", ("name", "email"), "id",
                    [("Uno", None, 1)])
        assert _customers(session.connection())[0] == (1, "C1", "Uno", None)
    engine.dispose()


def test_writes_behind_run_in_order_off_the_callers_thread_then_the_steps_after(
        db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    threads: set[int] = set()
    event.listen(engine, "before_cursor_execute",
                 lambda *_args: threads.add(threading.get_ident()))
    seen: list[list[tuple[object, ...]]] = []
    with unit_of_work(engine) as session:
        org = _org(session)
        conn = session.connection()
        threads.clear()
        with bulk.behind(conn) as writes:
            writes.write("customers", _CUSTOMER, _customer_rows(conn, org, [1]))
            writes.update("customers", ("name",), "id", [("Uno después", 1)])
            writes.after(lambda: seen.append(_customers(conn)))
        assert seen == [[(1, "C1", "Uno después", None)]]
    engine.dispose()
    # The insert and the update ran on the writer's thread; the step after on the caller's.
    assert threads - {threading.get_ident()}


def test_a_failed_write_behind_is_raised_and_nothing_after_it_runs(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    after: list[str] = []
    with pytest.raises(IntegrityError), unit_of_work(engine) as session:
        org = _org(session)
        conn = session.connection()
        with bulk.behind(conn) as writes:
            writes.write("customers", _CUSTOMER, _customer_rows(conn, org, [1]))
            # The same id again, with another code.
            writes.write("customers", _CUSTOMER, [(1, org, "C9", *_customer_rows(
                conn, org, [1])[0][3:])])
            writes.write("customers", _CUSTOMER, _customer_rows(conn, org, [2]))
            writes.after(lambda: after.append("ran"))
    assert after == []
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
    engine.dispose()


def test_an_error_of_the_caller_waits_for_the_writes_and_is_the_one_raised(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    after: list[str] = []
    with pytest.raises(LookupError), unit_of_work(engine) as session:
        org = _org(session)
        with bulk.behind(session.connection()) as writes:
            writes.write("customers", _CUSTOMER,
                         _customer_rows(session.connection(), org, range(1, 20_001)))
            writes.after(lambda: after.append("ran"))
            raise LookupError("the caller's own error")
    assert after == []
    with unit_of_work(engine) as session:  # rolled back whole once the writes were done
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
    engine.dispose()


def test_python_switches_threads_sooner_while_writes_run_behind(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    before = sys.getswitchinterval()
    inside: list[float] = []
    with pytest.raises(LookupError), unit_of_work(engine) as session:
        with bulk.behind(session.connection()):
            inside.append(sys.getswitchinterval())
            raise LookupError("the caller's own error")
    engine.dispose()
    # The writer gets Python's lock back soon after each statement; the default is restored,
    # error or not.
    assert inside[0] < before
    assert sys.getswitchinterval() == before


def test_rows_given_at_once_are_written_a_chunk_a_statement(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with unit_of_work(engine) as session:
        org = _org(session)
        conn = session.connection()
        at = bulk.bound(conn, cast(Table, Customer.__table__).c.created_at, NOW)
        columns = ("id", "org_id", "code", "name", "country", "do_not_contact", "created_at",
                   "updated_at")
        rows = [(n, org, f"C{n}", "Uno", "MX", False, at, at) for n in range(1, bulk.CHUNK + 4)]
        # The writer starts on the first while the next is made.
        assert len(list(bulk.writing(conn, "customers", columns, rows))) == 2
        bulk.write(conn, "customers", columns, rows)
        assert session.scalar(select(func.count()).select_from(Customer)) == bulk.CHUNK + 3
        assert session.scalar(select(Customer.created_at).where(Customer.id == 1)) == NOW
    engine.dispose()


@pytest.mark.parametrize("as_json", [True, False])
def test_values_every_row_shares_are_given_once_and_written_in_every_row(
        db_url: str, as_json: bool) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with unit_of_work(engine) as session:
        org = _org(session)
        conn = session.connection()
        at = bulk.bound(conn, cast(Table, Customer.__table__).c.created_at, NOW)
        rows = [(n, f"C{n}", f"Cliente {n}") for n in range(1, bulk.CHUNK + 3)]
        bulk.write(conn, "customers", ("id", "code", "name"), rows, as_json=as_json,
                   shared={"org_id": org, "country": "MX", "do_not_contact": False,
                           "created_at": at, "updated_at": at})
        written = session.execute(select(Customer.id, Customer.org_id, Customer.code,
                                         Customer.name, Customer.country,
                                         Customer.created_at).order_by(Customer.id)).all()
    engine.dispose()
    assert [(i, c, n) for i, _o, c, n, _co, _at in written] == rows
    assert {(o, co, a) for _i, o, _c, _n, co, a in written} == {(org, "MX", NOW)}
