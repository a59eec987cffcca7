"""Rows written through the driver: the project's column types applied, ids reserved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import cast

from sqlalchemy import Table, select

from cobranza import bulk
from cobranza.db import make_engine, migrate, unit_of_work
from cobranza.models import Customer, Payment
from cobranza.organisations.service import ensure

NOW = datetime(2026, 4, 1, 18, 0, tzinfo=UTC)


def test_rows_keep_their_types_and_ids_follow_what_the_orm_writes(db_url: str) -> None:
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
        bulk.insert(conn, table, [{
            "id": id_, "org_id": org.id, "customer_id": customer.id, "code": f"P-{n}",
            "date": date(2026, 3, n), "currency": "MXN", "amount": 1000 * n,
            "created_at": santiago, "updated_at": santiago if n != 2 else NOW + timedelta(days=1)}
            for n, id_ in enumerate(ids, 1)])
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
    # A value shared by rows is formatted once; one that differs in between is not mistaken.
    assert updated == [NOW, NOW + timedelta(days=1), NOW]
