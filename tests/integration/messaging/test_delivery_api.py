"""Providers' delivery reports reach the outbox through signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cobranza.app import create_app
from cobranza.channels.email import message_id
from cobranza.channels.twilio import compute_signature
from cobranza.db import session_factory
from cobranza.messaging.api import router
from cobranza.models import CollectionAction
from tests.fake_providers import TWILIO_TOKEN, FakeProviders
from tests.integration.messaging.conftest import add_actions, drain, smtp_settings, statuses
from tests.smtp_server import SmtpServer

SECRET = "relay-secret"


@pytest.fixture
def client(ledger_url: str, smtp: SmtpServer, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, FakeProviders]]:
    """The API with the webhook router, and the settings of a real SMTP server and Twilio."""
    with FakeProviders() as fake:
        env = {**smtp.settings_env(), "COBRANZA_WEBHOOK_SECRET": SECRET,
               "COBRANZA_CONFIG": str(tmp_path / "none.toml"),
               **{f"COBRANZA_{k.upper()}": str(v) for k, v in fake.twilio_settings().items()}}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        app = create_app(ledger_url)
        app.include_router(router)
        with TestClient(app) as test_client:
            yield test_client, fake
        app.state.engine.dispose()


def test_a_signed_bounce_report_bounces_the_email_and_plans_a_fallback(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path,
        client: tuple[TestClient, FakeProviders]) -> None:
    api, _fake = client
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    drain(ledger_url, smtp_settings(smtp, tmp_path))
    key = _key(engine, action)
    body = json.dumps({"message_id": message_id(key), "status": "bounced",
                       "reason": "5.1.1 mailbox unknown"}).encode()
    forged = api.post("/webhooks/email", content=body, headers={
        "Content-Type": "application/json", "X-Cobranza-Signature": "0" * 64})
    assert forged.status_code == 401 and statuses(engine)[action][0] == "sent"
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = api.post("/webhooks/email", content=body, headers={
        "Content-Type": "application/json", "X-Cobranza-Signature": signature})
    assert answer.status_code == 200 and answer.json() == {"events": 1, "matched": 1}
    assert statuses(engine)[action] == ("bounced", "5.1.1 mailbox unknown")
    assert len(statuses(engine)) == 2  # the fallback to WhatsApp


def test_a_twilio_status_callback_marks_the_sms_delivered(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path,
        client: tuple[TestClient, FakeProviders]) -> None:
    api, fake = client
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"], "channel": "sms"})
    drain(ledger_url, smtp_settings(smtp, tmp_path, **fake.twilio_settings()))
    sid = _provider_id(engine, action)
    form = [("MessageSid", sid), ("MessageStatus", "delivered"), ("To", "+56911111111")]
    url = "http://testserver/webhooks/sms"
    answer = api.post("/webhooks/sms", content=urlencode(form), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": compute_signature(TWILIO_TOKEN, url, form)})
    assert answer.status_code == 200 and answer.json()["matched"] == 1
    assert statuses(engine)[action][0] == "delivered"


def test_malformed_reports_and_unknown_channels_are_refused(
        client: tuple[TestClient, FakeProviders]) -> None:
    api, _fake = client
    body = b"not json"
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    malformed = api.post("/webhooks/email", content=body, headers={
        "Content-Type": "application/json", "X-Cobranza-Signature": signature})
    assert malformed.status_code == 400 and "no es JSON" in malformed.json()["detail"]  # es: default
    assert api.post("/webhooks/fax", content=b"").status_code == 404


def _key(engine: Engine, action_id: int) -> str:
    with session_factory(engine)() as session:
        return session.get_one(CollectionAction, action_id).key


def _provider_id(engine: Engine, action_id: int) -> str:
    with session_factory(engine)() as session:
        found = session.get_one(CollectionAction, action_id).provider_id
    assert found is not None
    return found
