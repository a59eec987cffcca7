"""Shared set-up of the account tests: the hand-computed ledger, a unit of work, row counts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cobranza.db import make_engine, unit_of_work
from cobranza.models import (
    ActivityEntry,
    BadContact,
    CollectionAction,
    CollectionTask,
    Customer,
    Dispute,
    Extension,
    Organisation,
    Pause,
    PaymentPlan,
    Promise,
    SatisfactionAnswer,
)
from cobranza.organisations.service import current
from tests.integration.test_ledger_scenario import PAYMENTS
from tests.support import ok, write_csv

# 12:00 in Santiago on Wednesday 2026-04-01 (UTC-3): the organisation's today is 2026-04-01.
NOW = datetime(2026, 4, 1, 15, 0, tzinfo=UTC)
STATE_TABLES = (Promise, Dispute, Pause, Extension, PaymentPlan, SatisfactionAnswer, BadContact,
                ActivityEntry)


@contextmanager
def uow(db: str) -> Iterator[tuple[Session, Organisation]]:
    """One committed unit of work on the ledger, with its organisation."""
    engine = make_engine(db)
    try:
        with unit_of_work(engine) as session:
            yield session, current(session)
    finally:
        engine.dispose()


def counts(session: Session) -> dict[str, int]:
    """Rows in every table the account use cases write (pending changes are flushed first)."""
    found = {model.__tablename__: session.execute(select(func.count()).select_from(model))
             .scalar_one() for model in STATE_TABLES}
    found["do_not_contact"] = session.execute(select(func.count()).select_from(Customer).where(
        Customer.do_not_contact.is_(True))).scalar_one()
    return found


def customer_id(session: Session, code: str) -> int:
    """The row id of a customer."""
    return session.execute(select(Customer.id).where(Customer.code == code)).scalar_one()


def import_payments(tmp: Path, db: str, *rows: str) -> None:
    """Record payments as a user does: `cobranza import payments FILE`."""
    path = write_csv(tmp / f"pagos_{uuid.uuid4().hex[:8]}.csv", PAYMENTS, *rows)
    ok(db, "import", "payments", str(path))


def make_task(session: Session, org: Organisation, code: str, *, invoices: list[str],
              scheduled_at: datetime, amount: int = 40000, currency: str = "CLP",
              kind: str = "call", collector: str | None = "ana", contact: str | None = None,
              key: str | None = None) -> CollectionTask:
    """A call or visit task as the daily run writes it: an action and its task."""
    cid = customer_id(session, code)
    action = CollectionAction(
        org_id=org.id, customer_id=cid, key=key or f"{code}-{scheduled_at.isoformat()}",
        step_code="call_15", cycle=0, action=kind, channel=kind, tone="firm",
        invoice_numbers=json.dumps(sorted(invoices)), amount=amount, currency=currency,
        scheduled_at=scheduled_at, status="planned", contact=contact, attempts=0,
        run_at=scheduled_at, created_at=scheduled_at, updated_at=scheduled_at)
    session.add(action)
    session.flush()
    task = CollectionTask(org_id=org.id, action_id=action.id, customer_id=cid, kind=kind,
                          collector=collector, situation="first_call",
                          script="Escuche al cliente; ofrezca una prórroga o un plan de pago.",
                          status="open")
    session.add(task)
    session.flush()
    return task


def timeline_kinds(session: Session, code: str) -> list[tuple[str, dict[str, object]]]:
    """A customer's timeline as (kind, payload) in order."""
    rows = session.execute(select(ActivityEntry.kind, ActivityEntry.payload)
                           .where(ActivityEntry.customer_id == customer_id(session, code))
                           .order_by(ActivityEntry.seq))
    return [(kind, json.loads(payload)) for kind, payload in rows]
