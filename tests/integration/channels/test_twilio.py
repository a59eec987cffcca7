"""SMS and WhatsApp through Twilio, against a local server that speaks Twilio's Messages API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr

from cobranza.channels.base import Outcome, OutgoingMessage
from cobranza.channels.http import MalformedWebhook
from cobranza.channels.twilio import TwilioChannel
from cobranza.config import Settings
from cobranza.i18n import language
from tests.fake_providers import TWILIO_SID, TWILIO_TOKEN, FakeProviders, twilio_error
from tests.smtp_server import free_port

MESSAGES_PATH = f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
NUMBER = "+56912345678"


def sms(key: str = "outbox-1", **changes: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "key": key, "to": NUMBER, "subject": "",
        "text": "Acme: su factura 1043 por $1.234.567 vence el 15-03. Responda BAJA para no "
                "recibir mensajes."}
    values.update(changes)
    return OutgoingMessage(**values)


def twilio(fake: FakeProviders, *, whatsapp: bool = False, timeout: float = 30.0,
           **overrides: object) -> TwilioChannel:
    values = {**fake.twilio_settings(),
              "twilio_status_callback": "https://cobranza.example.cl/webhooks/twilio"}
    values.update(overrides)
    return TwilioChannel(Settings(**values), whatsapp=whatsapp, timeout=timeout)


def test_an_sms_is_a_form_post_with_basic_auth_and_our_idempotency_key(
        fake_providers: FakeProviders) -> None:
    result = twilio(fake_providers).send(sms())
    [request] = fake_providers.requests
    assert request.path == MESSAGES_PATH
    expected_auth = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected_auth}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["i-twilio-idempotency-token"] == "outbox-1"
    assert request.form == {"To": NUMBER, "From": "+15005550006", "Body": sms().text,
                            "StatusCallback": "https://cobranza.example.cl/webhooks/twilio"}
    assert result.outcome is Outcome.SENT
    assert result.provider_id is not None and result.provider_id.startswith("SM")


def test_whatsapp_numbers_carry_the_whatsapp_prefix(fake_providers: FakeProviders) -> None:
    result = twilio(fake_providers, whatsapp=True).send(sms())
    form = fake_providers.requests[0].form
    assert (form["To"], form["From"]) == (f"whatsapp:{NUMBER}", "whatsapp:+14155238886")
    assert result.outcome is Outcome.SENT


def test_a_whatsapp_content_template_is_sent_with_its_variables(
        fake_providers: FakeProviders) -> None:
    template = "HX" + "a" * 32
    twilio(fake_providers, whatsapp=True).send(
        sms(template_name=template, template_params=("José", "$1.234.567")))
    form = fake_providers.requests[0].form
    assert form["ContentSid"] == template and "Body" not in form
    assert json.loads(form["ContentVariables"]) == {"1": "José", "2": "$1.234.567"}


def test_a_messaging_service_sends_instead_of_a_from_number(
        fake_providers: FakeProviders) -> None:
    twilio(fake_providers, twilio_from="MG" + "0" * 32).send(sms())
    form = fake_providers.requests[0].form
    assert form["MessagingServiceSid"] == "MG" + "0" * 32 and "From" not in form


def test_too_many_requests_means_retry_after_the_time_twilio_asks(
        fake_providers: FakeProviders) -> None:
    fake_providers.answer(429, twilio_error(20429, "Too Many Requests", 429),
                          {"Retry-After": "7"})
    with language("en"):
        result = twilio(fake_providers).send(sms())
    assert (result.outcome, result.retry_after) == (Outcome.RETRY, 7.0)
    assert result.reason == "Twilio answered 429 (error 20429): Too Many Requests"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_means_retry(fake_providers: FakeProviders, status: int) -> None:
    fake_providers.answer(status, {"message": "Service Unavailable"})
    result = twilio(fake_providers).send(sms())
    assert result.outcome is Outcome.RETRY and result.retry_after is None


@pytest.mark.parametrize(("code", "message"), [
    (21211, "The 'To' number +5691234 is not a valid phone number."),
    (21614, "'To' number is not a valid mobile number"),
    (21610, "Attempt to send to unsubscribed recipient"),
    (63003, "Channel could not find To address"),
])
def test_a_number_that_cannot_receive_is_a_bounce(fake_providers: FakeProviders, code: int,
                                                  message: str) -> None:
    fake_providers.answer(400, twilio_error(code, message))
    with language("en"):
        result = twilio(fake_providers).send(sms())
    assert result.outcome is Outcome.BOUNCED
    assert result.reason == f"Twilio answered 400 (error {code}): {message}"


def test_another_refusal_fails_without_bouncing_the_number(
        fake_providers: FakeProviders) -> None:
    fake_providers.answer(400, twilio_error(21617, "The concatenated message body exceeds the "
                                                   "1600 character limit."))
    assert twilio(fake_providers).send(sms()).outcome is Outcome.FAILED


def test_a_wrong_auth_token_fails(fake_providers: FakeProviders) -> None:
    with language("en"):
        result = twilio(fake_providers, twilio_auth_token="wrong").send(sms())
    assert result.outcome is Outcome.FAILED
    assert result.reason == "Twilio answered 401 (error 20003): Authenticate"


def test_twilio_unreachable_or_too_slow_means_retry(fake_providers: FakeProviders) -> None:
    down = twilio(fake_providers, twilio_base_url=f"http://127.0.0.1:{free_port()}")
    with language("en"):
        unreachable = down.send(sms())
        fake_providers.stall()
        slow = twilio(fake_providers, timeout=0.5).send(sms())
    assert unreachable.outcome is Outcome.RETRY
    assert (unreachable.reason or "").startswith("could not reach Twilio")
    assert (slow.outcome, slow.reason) == (Outcome.RETRY, "Twilio did not answer in time")


def callback(**fields: str) -> bytes:
    return urlencode({"AccountSid": TWILIO_SID, "From": "+15005550006", "To": NUMBER,
                      "ApiVersion": "2010-04-01", **fields}).encode()


@pytest.mark.parametrize(("fields", "status", "reason"), [
    ({"MessageStatus": "delivered"}, "delivered", None),
    ({"MessageStatus": "sent"}, "sent", None),
    ({"MessageStatus": "read"}, "read", None),
    ({"MessageStatus": "queued"}, "queued", None),
    ({"MessageStatus": "undelivered", "ErrorCode": "30003"}, "bounced", "Twilio error 30003"),
    ({"MessageStatus": "failed", "ErrorCode": "21610"}, "bounced", "Twilio error 21610"),
    ({"MessageStatus": "undelivered", "ErrorCode": "30007"}, "failed", "Twilio error 30007"),
])
def test_status_callbacks_become_delivery_events(
        fake_providers: FakeProviders, fields: dict[str, str], status: str,
        reason: str | None) -> None:
    body = callback(MessageSid="SM0123", SmsSid="SM0123", **fields)
    with language("en"):
        [event] = twilio(fake_providers).parse_events(body, "application/x-www-form-urlencoded")
    assert (event.provider_id, event.status, event.reason) == ("SM0123", status, reason)
    assert event.raw["To"] == NUMBER


def test_inbound_statuses_and_bodies_that_are_not_callbacks(
        fake_providers: FakeProviders) -> None:
    adapter = twilio(fake_providers)
    kind = "application/x-www-form-urlencoded"
    assert adapter.parse_events(callback(MessageSid="SM1", MessageStatus="received"), kind) == []
    with pytest.raises(MalformedWebhook):
        adapter.parse_events(callback(MessageStatus="delivered"), kind)
    with pytest.raises(MalformedWebhook):
        adapter.parse_events(b'{"MessageSid": "SM1"}', "application/json")


# Twilio's documented example (twilio-python tests/unit/test_request_validator.py).
DOC_TOKEN = "12345"
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
              "From": "+14158675309", "To": "+18005551212"}
DOC_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def expected_signature(token: str, url: str, params: dict[str, str]) -> str:
    """The documented algorithm, written out: URL + each name and value sorted by name."""
    data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
                            ).decode()


def documented() -> TwilioChannel:
    return TwilioChannel(Settings(twilio_auth_token=SecretStr(DOC_TOKEN)))


def test_twilio_signature_with_the_documented_example() -> None:
    assert expected_signature(DOC_TOKEN, DOC_URL, DOC_PARAMS) == DOC_SIGNATURE
    # The body's field order does not matter: names are sorted before signing.
    body = urlencode(dict(reversed(list(DOC_PARAMS.items())))).encode()
    headers = {"X-Twilio-Signature": DOC_SIGNATURE}
    assert documented().verify_signature(url=DOC_URL, body=body, headers=headers)
    # Behind a proxy the URL may carry the port Twilio did not sign, or lack one it did.
    assert documented().verify_signature(url=DOC_URL.replace(".com", ".com:1234"), body=body,
                                         headers=headers)
    with_port = expected_signature(DOC_TOKEN, DOC_URL.replace(".com", ".com:443"), DOC_PARAMS)
    assert documented().verify_signature(url=DOC_URL, body=body,
                                         headers={"x-twilio-signature": with_port})


def test_a_tampered_callback_or_a_missing_token_is_not_verified() -> None:
    body = urlencode({**DOC_PARAMS, "Digits": "9999"}).encode()
    headers = {"X-Twilio-Signature": DOC_SIGNATURE}
    assert not documented().verify_signature(url=DOC_URL, body=body, headers=headers)
    assert not documented().verify_signature(url=DOC_URL, body=urlencode(DOC_PARAMS).encode(),
                                             headers={})
    assert not TwilioChannel(Settings()).verify_signature(
        url=DOC_URL, body=urlencode(DOC_PARAMS).encode(), headers=headers)


def test_a_json_webhook_signs_the_url_with_the_body_hash() -> None:
    body = b'{"property": "value", "boolean": true}'
    url = DOC_URL + "&bodySHA256=" + hashlib.sha256(body).hexdigest()
    signature = expected_signature(DOC_TOKEN, url, {})
    headers = {"X-Twilio-Signature": signature}
    assert documented().verify_signature(url=url, body=body, headers=headers)
    assert not documented().verify_signature(url=url, body=body + b" ", headers=headers)
