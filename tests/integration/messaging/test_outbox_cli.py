"""`cobranza outbox` and `cobranza worker` as a collector meets them, mistakes included."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine

import cobranza.cli.outbox  # noqa: F401  (registers `outbox` and `worker`)
from tests.integration.messaging.conftest import NOW, add_actions
from tests.support import cli, ok


def test_the_outbox_lists_messages_in_the_debtors_time_with_filters(
        engine: Engine, ledger_url: str) -> None:
    uno, dos, letter = add_actions(
        engine, {"customer": "C001", "invoices": ["F001"]},
        {"customer": "C002", "invoices": ["F003"], "channel": "sms", "status": "failed",
         "scheduled_at": NOW + timedelta(days=1)},
        {"customer": "C003", "invoices": ["F004"], "channel": "letter", "action": "letter"})
    add_actions(engine, {"customer": "C001", "invoices": ["F001"], "channel": "call",
                         "action": "call"})  # a collector's task, not the outbox's
    rows = json.loads(ok(ledger_url, "outbox", "--format", "json").stdout)
    assert [row["id"] for row in rows] == [uno, letter, dos]
    assert rows[2] == {"id": dos, "customer_id": "C002", "step": "first_overdue",
                       "channel": "sms", "scheduled_at": "2026-03-21T09:00:00-03:00",
                       "status": "failed", "reason": None}
    only = json.loads(ok(ledger_url, "outbox", "--status", "failed", "--format", "json").stdout)
    assert [row["id"] for row in only] == [dos]
    mine = json.loads(ok(ledger_url, "outbox", "--customer", "C003", "--format", "json").stdout)
    assert [row["id"] for row in mine] == [letter]
    table = ok(ledger_url, "outbox").stdout
    assert "C001" in table and "letter" in table and "call" not in table


def test_mistakes_are_refused_with_a_clear_error_in_the_users_language(
        engine: Engine, ledger_url: str) -> None:
    bad_status = cli(ledger_url, "outbox", "--status", "lost")
    assert bad_status.exit_code == 2
    assert "unknown status 'lost'; expected one of queued, sending, sent" in bad_status.stderr
    spanish = cli(ledger_url, "outbox", "--status", "perdido", lang="es")
    assert spanish.exit_code == 2 and "estado desconocido 'perdido'" in spanish.stderr
    unknown = cli(ledger_url, "outbox", "--customer", "C999")
    assert unknown.exit_code == 2 and "unknown customer 'C999'" in unknown.stderr
    when = cli(ledger_url, "worker", "--once", "--as-of", "mañana")
    assert when.exit_code == 2 and "'mañana' is not a date or time" in when.stderr
    assert "The outbox is empty." in ok(ledger_url, "outbox").stdout
