"""The worker sending e-mail to a real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

import cobranza.cli.outbox  # noqa: F401  (registers `outbox` and `worker`)
from cobranza.channels.email import message_id
from cobranza.db import session_factory
from cobranza.models import BadContact, CollectionAction, MessageTemplate
from tests.integration.messaging.conftest import (
    NOW,
    PAYMENTS,
    add_actions,
    drain,
    smtp_settings,
    statuses,
    timeline,
)
from tests.smtp_server import SmtpServer
from tests.support import ok, write_csv


def _keys(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(CollectionAction.id, CollectionAction.key)).tuples().all())


def test_worker_once_delivers_consolidated_emails_with_statement_and_headers(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in smtp.settings_env().items():
        monkeypatch.setenv(name, value)
    uno, dos = add_actions(engine, {"customer": "C001", "invoices": ["F001", "F002"]},
                           {"customer": "C002", "invoices": ["F003"]})
    out = ok(ledger_url, "worker", "--once", "--as-of", "2026-03-20T09:00:00-03:00").stdout
    assert "Sent 2," in out
    keys = _keys(engine)
    received = {r.message["Message-ID"]: r for r in smtp.received}
    assert sorted(received) == sorted([message_id(keys[uno]), message_id(keys[dos])])
    mail = received[message_id(keys[uno])]
    assert mail.rcpt_tos == ("pagos@uno.cl",)
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    for document in (text, html):  # one message listing both invoices, amounts as in Chile
        assert "F001" in document and "F002" in document and "$165.500" in document
    [statement] = list(mail.message.iter_attachments())
    assert statement.get_content_type() == "application/pdf"
    assert statement.get_content().startswith(b"%PDF")
    assert "mailto:cobranza@example.cl?subject=unsubscribe" in mail.message["List-Unsubscribe"]
    assert received[message_id(keys[dos])].message["Content-Language"] == "en"
    assert {s for s, _r in statuses(engine).values()} == {"sent"}
    sent = {p["action_id"]: p for kind, p in timeline(engine) if kind == "message_sent"}
    assert sent[uno]["subject"] == mail.message["Subject"]
    assert sent[uno]["text"] == text.strip()
    listing = json.loads(ok(ledger_url, "outbox", "--format", "json").stdout)
    assert [(row["customer_id"], row["status"]) for row in listing] == [
        ("C001", "sent"), ("C002", "sent")]
    assert listing[0]["scheduled_at"] == "2026-03-20T07:00:00-03:00"
    assert set(listing[0]) == {"id", "customer_id", "step", "channel", "scheduled_at", "status",
                               "reason"}


def test_a_server_that_is_down_is_retried_with_backoff_then_reported_failed(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    settings = smtp_settings(smtp, tmp_path)
    smtp.stop()
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    at, waits = NOW, []
    for _attempt in range(8):
        report = drain(ledger_url, settings, at=at)
        with session_factory(engine)() as session:
            row = session.get_one(CollectionAction, action)
        if row.status == "failed":
            break
        assert report.retried == 1 and row.status == "queued"
        assert row.next_attempt_at is not None
        waits.append(row.next_attempt_at - at)
        assert drain(ledger_url, settings, at=at + waits[-1] / 2).retried == 0  # not yet
        at = row.next_attempt_at
    assert len(waits) == 7 and waits[-1] > waits[0]  # seven waits, growing, then the eighth fails
    assert row.status == "failed" and row.reason is not None
    assert row.reason.startswith("gave up after 8 attempts: could not reach the mail server")
    failed = json.loads(ok(ledger_url, "outbox", "--status", "failed", "--format", "json").stdout)
    assert [(f["id"], f["reason"]) for f in failed] == [(action, row.reason)]
    assert timeline(engine)[-1][0] == "message_failed"


def test_a_451_is_retried_later_and_then_sent_once(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    settings = smtp_settings(smtp, tmp_path)
    [action] = add_actions(engine, {"customer": "C002", "invoices": ["F003"]})
    smtp.fail_temporarily(1)
    assert drain(ledger_url, settings).retried == 1
    status, reason = statuses(engine)[action]
    assert status == "queued" and reason is not None and "451" in reason
    assert drain(ledger_url, settings, at=NOW + timedelta(hours=1)).sent == 1
    assert len(smtp.received) == 1


def test_a_550_bounces_marks_the_address_bad_and_falls_back(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    settings = smtp_settings(smtp, tmp_path)
    smtp.refuse("pagos@uno.cl")
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    report = drain(ledger_url, settings)
    with session_factory(engine)() as session:
        bad = session.scalars(select(BadContact)).one()
        fallback = session.scalars(select(CollectionAction).where(
            CollectionAction.fallback_of == action)).one()
    assert (bad.channel, bad.address) == ("email", "pagos@uno.cl") and "550" in bad.reason
    assert (fallback.channel, fallback.status) == ("whatsapp", "queued")
    # The fallback is due at once, but no WhatsApp provider is configured: it waits, visibly,
    # instead of being dropped.
    assert (report.bounced, report.not_configured) == (1, 1)
    status, reason = statuses(engine)[fallback.id]
    assert status == "queued" and reason is not None
    assert reason.startswith("WhatsApp is not configured: set COBRANZA_WHATSAPP_TOKEN")
    assert smtp.received == []


def test_a_payment_recorded_between_run_and_send_cancels_and_nothing_is_sent(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    [action] = add_actions(engine, {"customer": "C002", "invoices": ["F003"]})
    ok(ledger_url, "import", "payments", str(write_csv(
        tmp_path / "p.csv", PAYMENTS, "P1,C002,2026-03-19,CLP,80000,F003,,transfer")))
    assert drain(ledger_url, smtp_settings(smtp, tmp_path)).cancelled == 1
    assert statuses(engine)[action] == ("cancelled", "every invoice of this action is paid")
    assert smtp.received == []


def test_a_template_naming_a_missing_field_fails_the_action_and_names_it(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(CollectionAction.org_id)).first() or 1
        session.add(MessageTemplate(org_id=org_id, code="broken", language="es",
                                    subject="Hola {{ customer_name }}",
                                    text="Su saldo: {{ customer_nickname }}", html="", sms="",
                                    updated_at=NOW))
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"],
                                    "template": "broken"})
    assert drain(ledger_url, smtp_settings(smtp, tmp_path)).failed == 1
    status, reason = statuses(engine)[action]
    assert status == "failed" and reason is not None
    assert "broken" in reason and "customer_nickname" in reason
    assert smtp.received == []
