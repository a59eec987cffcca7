"""Two reconcile calls at once (a cron job and a user, two workers): each line is applied once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from cobranza.core.references import invoice_reference, printed
from cobranza.db import make_engine, unit_of_work
from cobranza.models import Payment, ReconciliationMatch
from cobranza.organisations.service import current
from cobranza.reconciliation.service import reconcile
from tests.integration.reconciliation.helpers import NOW, add_lines, invoice_id, seed_ledger


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    return seed_ledger(tmp_path, db_url)


def test_concurrent_calls_apply_each_line_once(db: str) -> None:
    refs = [printed(invoice_reference(invoice_id(db, n))) for n in ("A-1001", "A-1002")]
    add_lines(db, *({"amount": amount, "remittance": ref, "counterparty_name": "X"}
                    for amount, ref in zip((116000, 232050), refs, strict=True)),
              {"amount": 999999, "remittance": "FACTURA B-2001", "counterparty_name": "Y"})
    start = threading.Barrier(2)
    refused: list[BaseException] = []

    def call() -> None:
        engine = make_engine(db)
        try:
            start.wait()
            with unit_of_work(engine) as session:
                reconcile(session, org_id=current(session).id, now=NOW, auto=True)
        except OperationalError as error:  # SQLite: "database is locked" after the timeout
            refused.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine = make_engine(db)
    with unit_of_work(engine) as session:
        matches = session.scalar(select(func.count()).select_from(ReconciliationMatch))
        payments = session.scalar(select(func.count()).select_from(Payment))
    engine.dispose()
    assert (matches, payments) == (3, 3)
    assert len(refused) <= 1
