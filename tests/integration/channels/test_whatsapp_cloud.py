"""WhatsApp through Meta's Cloud API, against a local server that speaks the Graph API."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from cobranza.channels.base import Outcome, OutgoingMessage
from cobranza.channels.http import MalformedWebhook
from cobranza.channels.whatsapp_cloud import WhatsAppCloudChannel
from cobranza.config import Settings
from cobranza.i18n import language
from tests.fake_providers import PHONE_NUMBER_ID, WHATSAPP_TOKEN, FakeProviders, meta_error
from tests.smtp_server import free_port

NUMBER = "+56912345678"
APP_SECRET = "meta-app-secret"


def reminder(**changes: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "key": "outbox-9", "to": NUMBER, "subject": "", "text": "Recordatorio de pago",
        "template_name": "recordatorio_vencimiento", "template_params": ("José", "$1.234.567",
                                                                         "15-03-2026")}
    values.update(changes)
    return OutgoingMessage(**values)


def cloud(fake: FakeProviders, *, timeout: float = 30.0, **overrides: object
          ) -> WhatsAppCloudChannel:
    return WhatsAppCloudChannel(Settings(**{**fake.whatsapp_settings(), **overrides}),
                                timeout=timeout)


def test_a_template_message_is_posted_with_the_bearer_token(
        fake_providers: FakeProviders) -> None:
    result = cloud(fake_providers).send(reminder())
    [request] = fake_providers.requests
    assert request.path == f"/{PHONE_NUMBER_ID}/messages"
    assert request.headers["authorization"] == f"Bearer {WHATSAPP_TOKEN}"
    assert request.json == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": NUMBER,
        "type": "template", "biz_opaque_callback_data": "outbox-9",
        "template": {"name": "recordatorio_vencimiento", "language": {"code": "es"},
                     "components": [{"type": "body", "parameters": [
                         {"type": "text", "text": "José"},
                         {"type": "text", "text": "$1.234.567"},
                         {"type": "text", "text": "15-03-2026"}]}]}}
    assert result.outcome is Outcome.SENT
    assert result.provider_id is not None and result.provider_id.startswith("wamid.")


def test_a_template_without_parameters_has_no_components(fake_providers: FakeProviders) -> None:
    cloud(fake_providers).send(reminder(template_name="hello_world", language="en_US",
                                        template_params=()))
    template = fake_providers.requests[0].json["template"]
    assert template == {"name": "hello_world", "language": {"code": "en_US"}}


def test_a_message_without_an_approved_template_is_not_sent(
        fake_providers: FakeProviders) -> None:
    with language("en"):
        result = cloud(fake_providers).send(reminder(template_name=None))
    assert result.outcome is Outcome.FAILED
    assert result.reason == ("a WhatsApp message to a debtor needs an approved template; this "
                             "message has none")
    assert fake_providers.requests == []


@pytest.mark.parametrize(("status", "error", "headers", "retry_after"), [
    (429, meta_error(130429, "Rate limit hit"), {"Retry-After": "12"}, 12.0),
    (400, meta_error(131056, "(Business Account, Consumer Account) pair rate limit hit"), {},
     None),
    (400, meta_error(131048, "Spam rate limit hit"), {}, None),
    (400, meta_error(80007, "Rate limit issues"), {}, None),
    (403, meta_error(4, "(#4) Application request limit reached"), {}, None),
    (500, meta_error(1, "An unknown error occurred"), {}, None),
])
def test_rate_limits_and_server_errors_mean_retry(
        fake_providers: FakeProviders, status: int, error: dict[str, Any],
        headers: dict[str, str], retry_after: float | None) -> None:
    fake_providers.answer(status, error, headers)
    result = cloud(fake_providers).send(reminder())
    assert (result.outcome, result.retry_after) == (Outcome.RETRY, retry_after)


@pytest.mark.parametrize("error", [
    meta_error(131026, "Message undeliverable"),
    meta_error(131030, "Recipient phone number not in allowed list"),
    meta_error(100, "(#100) Invalid parameter", details="Parameter 'to' is invalid."),
])
def test_a_number_that_cannot_receive_is_a_bounce(
        fake_providers: FakeProviders, error: dict[str, Any]) -> None:
    fake_providers.answer(400, error)
    assert cloud(fake_providers).send(reminder()).outcome is Outcome.BOUNCED


def test_other_refusals_fail_with_meta_s_explanation(fake_providers: FakeProviders) -> None:
    fake_providers.answer(400, meta_error(132001, "Template name does not exist in the "
                                                  "translation", kind="OAuthException"))
    fake_providers.answer(400, meta_error(100, "(#100) Invalid parameter",
                                          details="components[0].parameters: too many"))
    with language("en"):
        missing = cloud(fake_providers).send(reminder())
        parameters = cloud(fake_providers).send(reminder())
        token = cloud(fake_providers, whatsapp_token="expired").send(reminder())
    assert missing.outcome is parameters.outcome is token.outcome is Outcome.FAILED
    assert missing.reason == ("WhatsApp Cloud API answered 400 (error 132001): Template name "
                              "does not exist in the translation")
    assert (parameters.reason or "").endswith("components[0].parameters: too many")
    assert "190" in (token.reason or "")


def test_meta_unreachable_or_too_slow_means_retry(fake_providers: FakeProviders) -> None:
    down = cloud(fake_providers, whatsapp_base_url=f"http://127.0.0.1:{free_port()}/v21.0")
    assert down.send(reminder()).outcome is Outcome.RETRY
    fake_providers.stall()
    with language("en"):
        slow = cloud(fake_providers, timeout=0.5).send(reminder())
    assert (slow.outcome, slow.reason) == (Outcome.RETRY,
                                           "WhatsApp Cloud API did not answer in time")


def webhook(*statuses: dict[str, Any]) -> bytes:
    """A status webhook as Meta posts it."""
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": PHONE_NUMBER_ID},
            "statuses": list(statuses)}}]}]}).encode()


def status(wamid: str, state: str, *errors: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": wamid, "status": state, "timestamp": "1750263773",
                             "recipient_id": "56912345678", "biz_opaque_callback_data": "outbox-9"}
    if errors:
        entry["errors"] = list(errors)
    return entry


def test_status_webhooks_become_delivery_events(fake_providers: FakeProviders) -> None:
    body = webhook(
        status("wamid.A", "sent"), status("wamid.A", "delivered"), status("wamid.A", "read"),
        status("wamid.B", "failed", {"code": 131026, "title": "Message undeliverable"}),
        status("wamid.C", "failed", {"code": 131049, "title": "Meta chose not to deliver"}))
    events = cloud(fake_providers).parse_events(body, "application/json")
    assert [(e.provider_id, e.status, e.reason) for e in events] == [
        ("wamid.A", "sent", None), ("wamid.A", "delivered", None), ("wamid.A", "read", None),
        ("wamid.B", "bounced", "131026: Message undeliverable"),
        ("wamid.C", "failed", "131049: Meta chose not to deliver")]
    assert events[0].raw["biz_opaque_callback_data"] == "outbox-9"


def test_incoming_messages_are_not_delivery_events(fake_providers: FakeProviders) -> None:
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messages": [
            {"from": "56912345678", "id": "wamid.IN", "type": "text",
             "text": {"body": "BAJA"}}]}}]}]}).encode()
    assert cloud(fake_providers).parse_events(body, "application/json") == []
    with pytest.raises(MalformedWebhook):
        cloud(fake_providers).parse_events(b'{"object": "page"}', "application/json")


def test_the_webhook_signature_is_the_hmac_of_the_body_with_the_app_secret(
        fake_providers: FakeProviders) -> None:
    body = webhook(status("wamid.A", "delivered"))
    digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    adapter = cloud(fake_providers)
    url = "https://cobranza.example.cl/webhooks/whatsapp"
    assert adapter.verify_signature(url=url, body=body,
                                    headers={"X-Hub-Signature-256": f"sha256={digest}"})
    assert not adapter.verify_signature(url=url, body=body + b"\n",
                                        headers={"x-hub-signature-256": f"sha256={digest}"})
    assert not adapter.verify_signature(url=url, body=body,
                                        headers={"X-Hub-Signature-256": digest})
    assert not cloud(fake_providers, whatsapp_app_secret=None).verify_signature(
        url=url, body=body, headers={"X-Hub-Signature-256": f"sha256={digest}"})
