"""A small ledger imported through the CLI, and a factory for the outbox rows the run writes."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cobranza.config import Settings
from cobranza.db import make_engine, session_factory
from cobranza.messaging.worker import WorkerReport, run_once
from cobranza.models import ActivityEntry, CollectionAction, Customer, Invoice
from tests.smtp_server import SmtpServer
from tests.support import ok, write_csv

# The moment the worker runs in these tests (a Friday, 09:00 in Santiago).
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
RUN_AT = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)

CUSTOMERS = ("id,name,tax_id,email,phone,whatsapp,language,country,timezone,preferred_channel,"
             "segment,credit_limit")
INVOICES = ("number,customer_id,issue_date,due_date,currency,amount,terms,grace_days,"
            "late_interest_annual_pct,discount_pct,discount_days")
PAYMENTS = "id,customer_id,date,currency,amount,invoice_numbers,reference,method"


def build_ledger(tmp: Path, db_url: str) -> None:
    """Three Chilean customers: every channel, e-mail only, and no address at all."""
    ok(db_url, "init", "--country", "CL", "--name", "Ferretería Andes SpA")
    files = {
        "customers": write_csv(
            tmp / "customers.csv", CUSTOMERS,
            "C001,Comercial Uno SpA,76.086.428-5,pagos@uno.cl,+56911111111,+56922222222,es,CL,"
            "America/Santiago,email,pyme,",
            "C002,Dos Ltda,12.345.678-5,finanzas@dos.cl,,,en,CL,,email,pyme,",
            "C003,Tres SpA,,,,,es,CL,,,pyme,"),
        "invoices": write_csv(
            tmp / "invoices.csv", INVOICES,
            "F001,C001,2026-01-10,2026-02-09,CLP,120000,,,,,",
            "F002,C001,2026-02-01,2026-03-03,CLP,45500,,,,,",
            "F003,C002,2026-02-01,2026-03-03,CLP,80000,,,,,",
            "F004,C003,2026-02-01,2026-03-03,CLP,10000,,,,,"),
    }
    for kind, path in files.items():
        ok(db_url, "import", kind, str(path))


@pytest.fixture
def ledger_url(tmp_path: Path, db_url: str) -> str:
    """The small ledger on each engine."""
    build_ledger(tmp_path, db_url)
    return db_url


@pytest.fixture
def engine(ledger_url: str) -> Iterator[Engine]:
    """An engine on the ledger, disposed after the test."""
    found = make_engine(ledger_url)
    yield found
    found.dispose()


_keys = itertools.count(1)


def add_action(session: Session, *, customer: str, invoices: list[str], channel: str = "email",
               action: str = "message", template: str | None = "first_overdue",
               scheduled_at: datetime = RUN_AT, status: str = "queued",
               contact: str | None = None, step: str = "first_overdue", tone: str = "friendly",
               key: str | None = None, strategy_id: int | None = None) -> CollectionAction:
    """One outbox row as the daily run writes it (amount: the invoices' open total then)."""
    cust = session.scalars(select(Customer).where(Customer.code == customer)).one()
    docs = list(session.scalars(select(Invoice).where(Invoice.number.in_(invoices))))
    if contact is None:
        contact = {"email": cust.email, "sms": cust.phone,
                   "whatsapp": cust.whatsapp}.get(channel)
    row = CollectionAction(
        org_id=cust.org_id, customer_id=cust.id, key=key or f"k{next(_keys):04d}-{customer}",
        strategy_id=strategy_id, step_code=step, cycle=0, action=action, channel=channel,
        tone=tone, template=template, invoice_numbers=json.dumps(sorted(invoices)),
        amount=sum(d.amount for d in docs), currency="CLP", scheduled_at=scheduled_at,
        status=status, contact=contact, attempts=0, run_at=RUN_AT, created_at=RUN_AT,
        updated_at=RUN_AT)
    session.add(row)
    session.flush()
    return row


def add_actions(engine: Engine, *specs: dict[str, object]) -> list[int]:
    """Commit one action per spec (keyword arguments of `add_action`); their ids."""
    with session_factory(engine).begin() as session:
        return [add_action(session, **spec).id for spec in specs]  # type: ignore[arg-type]


def statuses(engine: Engine) -> dict[int, tuple[str, str | None]]:
    """Every action's (status, reason) by id."""
    with engine.connect() as conn:
        rows = conn.execute(select(CollectionAction.id, CollectionAction.status,
                                   CollectionAction.reason))
        return {i: (s, r) for i, s, r in rows}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free local port."""
    server = SmtpServer().start()
    yield server
    server.stop()


def smtp_settings(server: SmtpServer, tmp: Path, **extra: object) -> Settings:
    """Settings whose e-mail channel is the test server; letters go under `tmp`."""
    fields: dict[str, object] = {key.removeprefix("COBRANZA_").lower(): value
                                 for key, value in server.settings_env().items()}
    fields.update(letters_dir=str(tmp / "letters"), **extra)
    return Settings(**fields)  # type: ignore[arg-type]


def drain(url: str, settings: Settings, *, at: datetime = NOW, **options: object) -> WorkerReport:
    """One worker pass with the clock fixed at `at`."""
    return run_once(url, now_fn=lambda: at, settings=settings, **options)  # type: ignore[arg-type]


def timeline(engine: Engine) -> list[tuple[str, dict[str, object]]]:
    """Every timeline entry as (kind, payload), oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(ActivityEntry.kind, ActivityEntry.payload)
                            .order_by(ActivityEntry.id))
        return [(kind, json.loads(payload)) for kind, payload in rows]
