"""SMS and WhatsApp through Twilio's Messages REST API (httpx).

A message is a form POST to `/2010-04-01/Accounts/{sid}/Messages.json` with HTTP basic auth
(account sid, auth token). WhatsApp numbers carry the `whatsapp:` prefix. A WhatsApp message
whose `template_name` is a Content Template SID (`HX...`) is sent as that template with its
parameters as `ContentVariables` (`{"1": ..., "2": ...}`), as business-initiated WhatsApp
requires; otherwise the text is sent as the body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from urllib.parse import SplitResult, parse_qs, parse_qsl, urlsplit, urlunsplit

import httpx

from cobranza.channels.base import DeliveryEvent, Outcome, OutgoingMessage, SendResult
from cobranza.channels.http import (
    DEFAULT_TIMEOUT,
    MalformedWebhook,
    header,
    json_object,
    retry_after,
    transport_failure,
)
from cobranza.config import Settings
from cobranza.i18n import _

API_VERSION = "2010-04-01"
SIGNATURE_HEADER = "X-Twilio-Signature"
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
WHATSAPP_PREFIX = "whatsapp:"
# Error codes that say the number itself cannot receive: fall back to another channel.
# https://www.twilio.com/docs/api/errors
BAD_NUMBER_CODES = frozenset({
    21211,  # invalid 'To' phone number
    21214,  # 'To' phone number cannot be reached
    21217,  # phone number does not appear to be valid
    21265,  # 'To' number cannot be a short code
    21401,  # invalid phone number
    21407,  # this phone number type does not support SMS
    21421,  # phone number is invalid
    21610,  # the recipient replied STOP (unsubscribed)
    21612,  # the 'To' number is not reachable via this channel
    21614,  # 'To' number is not a valid mobile number
    63003,  # channel could not find the To address (not on WhatsApp)
    63024,  # invalid message recipient
    30003,  # unreachable destination handset
    30005,  # unknown destination handset
    30006,  # landline or unreachable carrier
})
_STATUS = {
    "accepted": "queued", "scheduled": "queued", "queued": "queued", "sending": "queued",
    "sent": "sent", "delivered": "delivered", "read": "read",
    "undelivered": "failed", "failed": "failed", "canceled": "failed",
}


class TwilioChannel:
    """SMS (`whatsapp=False`) or WhatsApp (`whatsapp=True`) through Twilio."""

    def __init__(self, settings: Settings, whatsapp: bool = False, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.settings = settings
        self.whatsapp = whatsapp
        self.name = "whatsapp" if whatsapp else "sms"
        self.timeout = timeout

    def _address(self, number: str) -> str:
        number = number.strip()
        if self.whatsapp and not number.startswith(WHATSAPP_PREFIX):
            return WHATSAPP_PREFIX + number
        return number

    def form(self, message: OutgoingMessage) -> dict[str, str]:
        """The form fields of the Messages request."""
        settings = self.settings
        sender = (settings.twilio_whatsapp_from if self.whatsapp else settings.twilio_from) or ""
        fields = {"To": self._address(message.to)}
        if sender.startswith("MG"):  # a Messaging Service picks the sender itself
            fields["MessagingServiceSid"] = sender
        else:
            fields["From"] = self._address(sender)
        if self.whatsapp and (message.template_name or "").startswith("HX"):
            fields["ContentSid"] = message.template_name or ""
            fields["ContentVariables"] = json.dumps(
                {str(n): value for n, value in enumerate(message.template_params, start=1)},
                ensure_ascii=False)
        else:
            fields["Body"] = message.text
        if settings.twilio_status_callback:
            fields["StatusCallback"] = settings.twilio_status_callback
        return fields

    def send(self, message: OutgoingMessage) -> SendResult:
        """POST the message once; Twilio's answer becomes the outcome."""
        settings = self.settings
        sid = settings.twilio_account_sid or ""
        token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else ""
        url = f"{settings.twilio_base_url.rstrip('/')}/{API_VERSION}/Accounts/{sid}/Messages.json"
        try:
            response = httpx.post(url, data=self.form(message), auth=(sid, token),
                                  headers={IDEMPOTENCY_HEADER: message.key},
                                  timeout=self.timeout)
        except httpx.HTTPError as exc:
            return transport_failure("Twilio", exc)
        return outcome(response)

    def parse_events(self, body: bytes, content_type: str) -> Sequence[DeliveryEvent]:
        """One event from a status callback (form fields MessageSid, MessageStatus, ErrorCode)."""
        try:
            fields = dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedWebhook(_("the status callback is not form-encoded: {error}",
                                     error=str(exc))) from exc
        sid, status = fields.get("MessageSid"), fields.get("MessageStatus", "").lower()
        if not sid or not status:
            raise MalformedWebhook(_("the status callback has no MessageSid or MessageStatus"))
        if status not in _STATUS:
            return []  # an inbound message's statuses (receiving, received) are not deliveries
        code = fields.get("ErrorCode") or None
        kind = _STATUS[status]
        if kind == "failed" and code and code.isdigit() and int(code) in BAD_NUMBER_CODES:
            kind = "bounced"
        reason = _("Twilio error {code}", code=code) if code and code != "0" else None
        return [DeliveryEvent(provider_id=sid, status=kind, reason=reason, raw=fields)]

    def verify_signature(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> bool:
        """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted form fields."""
        token = self.settings.twilio_auth_token
        signature = header(headers, SIGNATURE_HEADER)
        if token is None or not signature:
            return False
        return signature_matches(token.get_secret_value(), url, body, signature)


def outcome(response: httpx.Response) -> SendResult:
    """What Twilio's answer to a Messages POST means."""
    data = json_object(response)
    if response.is_success and isinstance(data.get("sid"), str):
        return SendResult(Outcome.SENT, provider_id=data["sid"])
    code = data.get("code")
    detail = str(data.get("message") or response.reason_phrase)
    if response.is_success:
        return SendResult(Outcome.FAILED, reason=_(
            "{provider} answered {status} without a message id", provider="Twilio",
            status=response.status_code))
    reason = _("{provider} answered {status} (error {code}): {message}", provider="Twilio",
               status=response.status_code, code=code if code is not None else "-", message=detail)
    if response.status_code == 429 or response.status_code >= 500:
        return SendResult(Outcome.RETRY, reason=reason,
                          retry_after=retry_after(response.headers.get("Retry-After")))
    if isinstance(code, int) and code in BAD_NUMBER_CODES:
        return SendResult(Outcome.BOUNCED, reason=reason)
    return SendResult(Outcome.FAILED, reason=reason)


def compute_signature(token: str, url: str, params: Sequence[tuple[str, str]]) -> str:
    """Twilio's algorithm: the URL, then each field name and value sorted by name, HMAC-SHA1."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_matches(token: str, url: str, body: bytes, signature: str) -> bool:
    """Check a webhook's signature as Twilio's own validator does (with and without the port)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    params: list[tuple[str, str]] = []
    if "bodySHA256" in query:  # a JSON webhook signs the URL and a hash of the body
        if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), query["bodySHA256"][0]):
            return False
    else:
        try:
            params = parse_qsl(body.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            return False
    candidates = {_without_port(parts), _with_port(parts)}
    return any(hmac.compare_digest(compute_signature(token, candidate, params), signature)
               for candidate in candidates)


def _without_port(parts: SplitResult) -> str:
    if parts.port is None:
        return urlunsplit(parts)
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0]))


def _with_port(parts: SplitResult) -> str:
    if parts.port is not None:
        return urlunsplit(parts)
    port = 443 if parts.scheme == "https" else 80
    return urlunsplit(parts._replace(netloc=f"{parts.netloc}:{port}"))
