"""SMS and WhatsApp through a local server speaking Twilio's API, letters, and webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cobranza.db import session_factory
from cobranza.models import CollectionAction, Customer, Strategy, StrategyStep
from tests.fake_providers import FakeProviders, twilio_error
from tests.integration.messaging.conftest import (
    NOW,
    add_actions,
    drain,
    smtp_settings,
    statuses,
    timeline,
)
from tests.smtp_server import SmtpServer


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    """Twilio's and Meta's APIs on a local port."""
    with FakeProviders() as server:
        yield server


def _row(engine: Engine, action_id: int) -> CollectionAction:
    with session_factory(engine)() as session:
        return session.get_one(CollectionAction, action_id)


def test_twilio_429_and_500_are_retried_honouring_retry_after_with_one_key(
        engine: Engine, ledger_url: str, smtp: SmtpServer, fake: FakeProviders,
        tmp_path: Path) -> None:
    settings = smtp_settings(smtp, tmp_path, **fake.twilio_settings())
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"], "channel": "sms"})
    fake.answer(429, twilio_error(20429, "Too Many Requests", 429), {"Retry-After": "900"})
    assert drain(ledger_url, settings).retried == 1
    row = _row(engine, action)
    assert row.next_attempt_at == NOW + timedelta(seconds=900)  # the provider's wait, not ours
    assert row.reason is not None and "429" in row.reason
    fake.answer(500, twilio_error(20500, "Internal Server Error", 500))
    assert drain(ledger_url, settings, at=NOW + timedelta(seconds=900)).retried == 1
    later = NOW + timedelta(hours=7)
    assert drain(ledger_url, settings, at=later).sent == 1
    row = _row(engine, action)
    assert row.status == "sent" and row.provider_id is not None
    assert row.provider_id.startswith("SM") and row.attempts == 3
    assert [r.headers["i-twilio-idempotency-token"] for r in fake.requests] == [row.key] * 3
    assert fake.requests[-1].form["To"] == "+56911111111"
    assert "F001" in fake.requests[-1].form["Body"]


def test_a_bounced_email_falls_back_to_whatsapp_through_twilio(
        engine: Engine, ledger_url: str, smtp: SmtpServer, fake: FakeProviders,
        tmp_path: Path) -> None:
    settings = smtp_settings(smtp, tmp_path, **fake.twilio_settings())
    smtp.refuse("pagos@uno.cl")
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001", "F002"]})
    report = drain(ledger_url, settings)
    assert (report.bounced, report.sent) == (1, 1)
    [request] = fake.requests
    assert request.form["To"] == "whatsapp:+56922222222"
    found = statuses(engine)
    [fallback] = [i for i in found if i != action]
    assert (found[action][0], found[fallback]) == ("bounced", ("sent", None))
    assert request.headers["i-twilio-idempotency-token"] == _row(engine, fallback).key
    kinds = [kind for kind, _payload in timeline(engine)]
    assert kinds == ["message_bounced", "message_sent"]


def test_letters_are_filed_per_customer_and_merged_into_the_run_batch(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    settings = smtp_settings(smtp, tmp_path)
    uno, tres = add_actions(
        engine, {"customer": "C001", "invoices": ["F001", "F002"], "channel": "letter",
                 "action": "letter", "template": "letter_1", "key": "a1b2c3d4e5f6a7b8-letter"},
        {"customer": "C003", "invoices": ["F004"], "channel": "letter", "action": "letter",
         "template": "letter_3_final"})
    assert drain(ledger_url, settings).sent == 2
    folder = tmp_path / "letters" / "2026-03-20"  # the run's date in Santiago
    first = _row(engine, uno)
    assert first.status == "sent"
    assert first.contact == str(folder / "C001-a1b2c3d4e5f6.pdf")
    assert Path(first.contact).read_bytes().startswith(b"%PDF")
    assert Path(_row(engine, tres).contact or "").exists()
    batch = folder / "batch-20260320T0700.pdf"  # the run at 10:00 UTC, 07:00 in Santiago
    assert batch.read_bytes().startswith(b"%PDF")
    assert len(batch.read_bytes()) > len(Path(first.contact).read_bytes())
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        ["batch-20260320T0700.pdf", "C001-a1b2c3d4e5f6.pdf", Path(_row(engine, tres).contact
                                                                   or "").name])
    written = [p for kind, p in timeline(engine) if kind == "letter_written"]
    assert {p["to"] for p in written} == {first.contact, _row(engine, tres).contact}
    assert smtp.received == []


def _webhook_step(engine: Engine, url: str) -> int:
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        strategy = Strategy(org_id=org_id, code="erp", name="ERP", is_default=False,
                            created_at=NOW, updated_at=NOW)
        session.add(strategy)
        session.flush()
        session.add(StrategyStep(org_id=org_id, strategy_id=strategy.id, position=1,
                                 code="notify_erp", anchor="due", offset_days=5,
                                 action="webhook", channel="none",
                                 params=json.dumps({"url": url})))
        return strategy.id


def test_webhooks_are_signed_keyed_and_retried_then_sent(
        engine: Engine, ledger_url: str, smtp: SmtpServer, fake: FakeProviders,
        tmp_path: Path) -> None:
    strategy = _webhook_step(engine, fake.url + "/hooks/cobranza")
    settings = smtp_settings(smtp, tmp_path, webhook_secret="s3cret")
    [hook] = add_actions(engine, {"customer": "C001", "invoices": ["F001", "F002"],
                                  "channel": "none", "action": "webhook",
                                  "step": "notify_erp", "strategy_id": strategy})
    fake.answer(503, {"error": "busy"}, {"Retry-After": "120"})
    assert drain(ledger_url, settings).retried == 1
    assert _row(engine, hook).next_attempt_at == NOW + timedelta(seconds=120)
    fake.answer(204, {})
    assert drain(ledger_url, settings, at=NOW + timedelta(hours=1)).sent == 1
    first, second = fake.requests
    assert first.body == second.body and first.path == "/hooks/cobranza"
    body = json.loads(second.body)
    assert body == {"action": "webhook", "customer": "C001", "invoices": ["F001", "F002"],
                    "amount": "165500", "currency": "CLP", "step": "notify_erp",
                    "key": _row(engine, hook).key}
    expected = hmac.new(b"s3cret", second.body, hashlib.sha256).hexdigest()
    assert second.headers["x-cobranza-signature"] == f"sha256={expected}"
    assert second.headers["idempotency-key"] == _row(engine, hook).key
    assert statuses(engine)[hook] == ("sent", None)


def test_a_webhook_refused_with_a_4xx_fails_and_one_without_a_secret_waits(
        engine: Engine, ledger_url: str, smtp: SmtpServer, fake: FakeProviders,
        tmp_path: Path) -> None:
    strategy = _webhook_step(engine, fake.url + "/nowhere")
    [hook] = add_actions(engine, {"customer": "C001", "invoices": ["F001"], "channel": "none",
                                  "action": "webhook", "step": "notify_erp",
                                  "strategy_id": strategy})
    assert drain(ledger_url, smtp_settings(smtp, tmp_path)).not_configured == 1
    status, reason = statuses(engine)[hook]
    assert status == "queued" and reason is not None and "COBRANZA_WEBHOOK_SECRET" in reason
    settings = smtp_settings(smtp, tmp_path, webhook_secret="s3cret")
    assert drain(ledger_url, settings, at=NOW + timedelta(hours=1)).failed == 1
    assert statuses(engine)[hook][1] == f"the webhook {fake.url}/nowhere answered 404"


def test_whatsapp_cloud_gets_the_steps_approved_template_with_the_debtors_facts(
        engine: Engine, ledger_url: str, smtp: SmtpServer, fake: FakeProviders,
        tmp_path: Path) -> None:
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        strategy = Strategy(org_id=org_id, code="wa", name="WhatsApp", is_default=False,
                            created_at=NOW, updated_at=NOW)
        session.add(strategy)
        session.flush()
        session.add(StrategyStep(org_id=org_id, strategy_id=strategy.id, position=1,
                                 code="first_overdue", anchor="due", offset_days=3,
                                 action="message", channel="whatsapp",
                                 params=json.dumps({"whatsapp_template": "cobranza_vencida"})))
        strategy_id = strategy.id
    settings = smtp_settings(smtp, tmp_path, **fake.whatsapp_settings())
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001", "F002"],
                                    "channel": "whatsapp", "strategy_id": strategy_id})
    assert drain(ledger_url, settings).sent == 1
    [request] = fake.requests
    template = request.json["template"]
    assert (request.json["to"], template["name"], template["language"]) == (
        "+56922222222", "cobranza_vencida", {"code": "es"})
    assert [p["text"] for p in template["components"][0]["parameters"]] == [
        "Comercial Uno SpA", "$165.500", "2026-02-09", "Ferretería Andes SpA"]
    assert request.json["biz_opaque_callback_data"] == _row(engine, action).key
    assert (_row(engine, action).provider_id or "").startswith("wamid.")
