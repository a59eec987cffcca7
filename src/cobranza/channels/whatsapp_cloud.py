"""WhatsApp through Meta's WhatsApp Cloud API, with approved message templates (httpx).

Business-initiated WhatsApp messages must use a template the business has had approved, so a
message without `template_name` is refused here rather than by Meta. The idempotency key goes
in `biz_opaque_callback_data`, which Meta returns in the status webhooks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from cobranza.channels.base import DeliveryEvent, Outcome, OutgoingMessage, SendResult
from cobranza.channels.http import (
    DEFAULT_TIMEOUT,
    MalformedWebhook,
    header,
    hmac_hex_matches,
    json_object,
    load_json,
    retry_after,
    transport_failure,
)
from cobranza.config import Settings
from cobranza.i18n import _

PROVIDER = "WhatsApp Cloud API"
SIGNATURE_HEADER = "X-Hub-Signature-256"
# https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
RETRY_CODES = frozenset({
    2,  # API service temporarily unavailable
    4,  # application request limit reached
    80007,  # WhatsApp Business Account rate limit
    130429,  # Cloud API throughput reached
    131016,  # service unavailable
    131048,  # spam rate limit hit
    131056,  # too many messages to this recipient in a short time
})
BAD_NUMBER_CODES = frozenset({
    131026,  # message undeliverable: the number is not on WhatsApp
    131030,  # recipient not in the allowed list (test numbers)
})
INVALID_PARAMETER = 100
# Code 100 is any invalid parameter; only one naming the recipient (`to`) means a bad number.
_NAMES_RECIPIENT = re.compile(r"""['"`]to['"`]|\bparam(?:eter)?:?\s+to\b|\bto\s+param|recipient""",
                              re.IGNORECASE)
STATUSES = frozenset({"sent", "delivered", "read", "failed"})


class WhatsAppCloudChannel:
    """WhatsApp template messages through the Cloud API (COBRANZA_WHATSAPP_*)."""

    name = "whatsapp"

    def __init__(self, settings: Settings, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout

    def payload(self, message: OutgoingMessage) -> dict[str, Any]:
        """The JSON of a template message."""
        template: dict[str, Any] = {"name": message.template_name,
                                    "language": {"code": message.language}}
        if message.template_params:
            template["components"] = [{"type": "body", "parameters": [
                {"type": "text", "text": value} for value in message.template_params]}]
        return {"messaging_product": "whatsapp", "recipient_type": "individual",
                "to": message.to.strip().removeprefix("whatsapp:"), "type": "template",
                "template": template, "biz_opaque_callback_data": message.key}

    def send(self, message: OutgoingMessage) -> SendResult:
        """POST the template message once; Meta's answer becomes the outcome."""
        if not message.template_name:
            return SendResult(Outcome.FAILED, reason=_(
                "a WhatsApp message to a debtor needs an approved template; this message "
                "has none"))
        settings = self.settings
        token = settings.whatsapp_token.get_secret_value() if settings.whatsapp_token else ""
        base = settings.whatsapp_base_url.rstrip("/")
        url = f"{base}/{settings.whatsapp_phone_number_id}/messages"
        try:
            response = httpx.post(url, json=self.payload(message), timeout=self.timeout,
                                  headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            return transport_failure(PROVIDER, exc)
        return outcome(response)

    def parse_events(self, body: bytes, content_type: str) -> Sequence[DeliveryEvent]:
        """Events from a webhook: entry[].changes[].value.statuses[]."""
        data = load_json(body)
        if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
            raise MalformedWebhook(_("the WhatsApp webhook has no entry list"))
        events = []
        for entry in data["entry"]:
            for change in _items(entry, "changes"):
                for status in _items(change.get("value"), "statuses"):
                    if (event := _event(status)) is not None:
                        events.append(event)
        return events

    def verify_signature(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> bool:
        """X-Hub-Signature-256 is `sha256=` and the hex HMAC-SHA256 of the body (app secret)."""
        secret = self.settings.whatsapp_app_secret
        value = header(headers, SIGNATURE_HEADER) or ""
        scheme, _equals, signature = value.partition("=")
        if scheme.strip().lower() != "sha256":
            return False
        return hmac_hex_matches(secret.get_secret_value() if secret else None, body, signature)


def outcome(response: httpx.Response) -> SendResult:
    """What the Cloud API's answer to a message POST means."""
    data = json_object(response)
    if response.is_success:
        messages = _items(data, "messages")
        if messages and isinstance(messages[0].get("id"), str):
            return SendResult(Outcome.SENT, provider_id=messages[0]["id"])
        return SendResult(Outcome.FAILED, reason=_(
            "{provider} answered {status} without a message id", provider=PROVIDER,
            status=response.status_code))
    found = data.get("error")
    error: dict[str, Any] = found if isinstance(found, dict) else {}
    code = error.get("code")
    error_data = error.get("error_data")
    details = str(error_data.get("details") or "") if isinstance(error_data, dict) else ""
    message = " ".join(part for part in (str(error.get("message") or response.reason_phrase),
                                         details) if part)
    reason = _("{provider} answered {status} (error {code}): {message}", provider=PROVIDER,
               status=response.status_code, code=code if code is not None else "-",
               message=message)
    if response.status_code == 429 or response.status_code >= 500 or code in RETRY_CODES:
        return SendResult(Outcome.RETRY, reason=reason,
                          retry_after=retry_after(response.headers.get("Retry-After")))
    if code in BAD_NUMBER_CODES or (code == INVALID_PARAMETER and _NAMES_RECIPIENT.search(message)):
        return SendResult(Outcome.BOUNCED, reason=reason)
    return SendResult(Outcome.FAILED, reason=reason)


def _items(node: Any, name: str) -> list[dict[str, Any]]:
    """The objects in `node[name]`, skipping whatever is not one (inbound messages have none)."""
    found = node.get(name) if isinstance(node, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _event(status: dict[str, Any]) -> DeliveryEvent | None:
    """One entry of `statuses`: a failure for a number that cannot receive is a bounce."""
    if not isinstance(status.get("id"), str) or status.get("status") not in STATUSES:
        return None
    errors = _items(status, "errors")
    kind = status["status"]
    if kind == "failed" and any(error.get("code") in BAD_NUMBER_CODES for error in errors):
        kind = "bounced"
    reason = "; ".join(
        f"{error.get('code')}: {error.get('title') or error.get('message') or ''}".rstrip(": ")
        for error in errors) or None
    raw = {key: str(value) for key, value in status.items() if key != "errors"}
    return DeliveryEvent(provider_id=status["id"], status=kind, reason=reason, raw=raw)
