"""E-mail over SMTP with the standard library (`smtplib`, `email.message.EmailMessage`).

Each message carries `Message-ID: <{key}@cobranza>` built from the outbox row's idempotency key,
so a resend after a crash is the same message and receiving mailboxes drop the copy.

Bounces reach `parse_events` in either of two forms:

- a JSON body (content type `application/json`), one object or a list of them, from a relay or
  an inbound-mail hook: `{"message_id": "<key@cobranza>", "status": "bounced", "reason": "..."}`;
  `status` is one of delivered, bounced, failed, read, sent, queued. The request is signed with
  the header `X-Cobranza-Signature`: the hex HMAC-SHA256 of the raw body with
  COBRANZA_WEBHOOK_SECRET.
- a delivery status notification (RFC 3464, `multipart/report; report-type=delivery-status`),
  either as the body with that content type or as a whole bounce e-mail (`message/rfc822`).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser, HeaderParser
from email.utils import format_datetime, parseaddr
from typing import Any

from cobranza.channels.base import DeliveryEvent, Outcome, OutgoingMessage, SendResult
from cobranza.channels.http import MalformedWebhook, header, hmac_hex_matches, load_json
from cobranza.config import Settings
from cobranza.i18n import _

SIGNATURE_HEADER = "X-Cobranza-Signature"
STATUSES = frozenset({"delivered", "bounced", "failed", "read", "sent", "queued"})
# RFC 5322 atext less "%" (our escape) and "." (which may not lead, trail or repeat): every other
# character of a key is escaped as %XX, so distinct keys give distinct Message-IDs.
_ATEXT_SAFE = frozenset("!#$&'*+-/=?^_`{|}~")


def message_id(key: str) -> str:
    """The stable Message-ID of the message whose idempotency key is `key`."""
    local = "".join(
        char if (char.isascii() and char.isalnum()) or char in _ATEXT_SAFE
        else "".join(f"%{byte:02X}" for byte in char.encode())
        for char in key)
    return f"<{local}@cobranza>"


def unsubscribe_urls(message: OutgoingMessage, settings: Settings) -> list[str]:
    """The List-Unsubscribe URLs: the message's (or the configured https one) and a mailto."""
    given = message.unsubscribe or settings.unsubscribe_url or ""
    urls = [url.strip().strip("<>") for url in given.split(",") if url.strip()]
    sender = parseaddr(settings.mail_from or "")[1]
    if sender and not any(url.startswith("mailto:") for url in urls):
        urls.append(f"mailto:{sender}?subject=unsubscribe")
    return urls


def build_message(message: OutgoingMessage, settings: Settings, *,
                  now: datetime) -> EmailMessage:
    """The MIME message: text and HTML alternatives, attachments, and the bulk-mail headers."""
    mail = EmailMessage()
    mail["From"] = settings.mail_from or ""
    mail["To"] = message.to
    if settings.mail_reply_to:
        mail["Reply-To"] = settings.mail_reply_to
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id(message.key)
    urls = unsubscribe_urls(message, settings)
    if urls:
        mail["List-Unsubscribe"] = ", ".join(f"<{url}>" for url in urls)
    if any(url.startswith("https://") for url in urls):
        # RFC 8058 one-click: mailbox providers POST to the https URL.
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to us
    mail.set_content(message.text)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _slash, subtype = attachment.mime_type.partition("/")
        mail.add_attachment(attachment.content, maintype=maintype,
                            subtype=subtype or "octet-stream", filename=attachment.filename)
    # Set last: turning the message multipart moves every Content-* header into the first part.
    mail["Content-Language"] = message.language
    return mail


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _answer(code: int, reply: bytes | str) -> SendResult:
    """A server's refusal outside RCPT: 4xx is temporary, 5xx permanent."""
    text = _text(reply)
    if code >= 500:
        return SendResult(Outcome.FAILED, reason=_(
            "the mail server refused the message: {code} {reply}", code=code, reply=text))
    return SendResult(Outcome.RETRY, reason=_(
        "the mail server asked to try again later: {code} {reply}", code=code, reply=text))


def _recipient_refused(exc: smtplib.SMTPRecipientsRefused) -> SendResult:
    address, (code, reply) = next(iter(exc.recipients.items()))
    if code >= 500:
        return SendResult(Outcome.BOUNCED, reason=_(
            "the mail server refused the address {address}: {code} {reply}",
            address=address, code=code, reply=_text(reply)))
    return _answer(code, reply)


def _failure(exc: Exception) -> SendResult:
    """What an exception from smtplib or the socket means for the message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _recipient_refused(exc)
    if isinstance(exc, smtplib.SMTPResponseException):  # sender, data, helo, auth, connect
        return _answer(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        # smtplib reports a read that timed out as a disconnection; the timeout is its context.
        if isinstance(exc.__context__, TimeoutError):
            return SendResult(Outcome.RETRY, reason=_("the mail server did not answer in time"))
        return SendResult(Outcome.RETRY, reason=_("the mail server closed the connection"))
    if isinstance(exc, smtplib.SMTPException):  # STARTTLS or AUTH not offered, ...
        return SendResult(Outcome.FAILED, reason=_(
            "the mail server cannot be used as configured: {error}", error=str(exc)))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SendResult(Outcome.FAILED, reason=_(
            "the mail server's TLS certificate is not valid: {error}", error=exc.verify_message))
    if isinstance(exc, TimeoutError):
        return SendResult(Outcome.RETRY, reason=_("the mail server did not answer in time"))
    return SendResult(Outcome.RETRY, reason=_(
        "could not reach the mail server: {error}", error=str(exc) or type(exc).__name__))


class EmailChannel:
    """E-mail through the organisation's SMTP server (COBRANZA_SMTP_*)."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: OutgoingMessage) -> SendResult:
        """Hand the message to the SMTP server once; the server's answer becomes the outcome."""
        mail = build_message(message, self.settings, now=datetime.now(UTC))
        sender = parseaddr(self.settings.mail_from or "")[1]
        try:
            smtp = self._connect(sender)
        except (smtplib.SMTPException, OSError) as exc:
            return _failure(exc)
        try:
            self._start_session(smtp)
            smtp.send_message(mail, from_addr=sender, to_addrs=[message.to])
        except (smtplib.SMTPException, OSError) as exc:
            return _failure(exc)
        finally:
            _close(smtp)
        return SendResult(Outcome.SENT, provider_id=str(mail["Message-ID"]))

    def _connect(self, sender: str) -> smtplib.SMTP:
        settings = self.settings
        host = settings.smtp_host or ""
        # EHLO with the sender's domain: getfqdn() would ask DNS and can stall for seconds.
        local = sender.rpartition("@")[2] or "localhost"
        if settings.smtp_ssl:
            return smtplib.SMTP_SSL(host, settings.smtp_port, local_hostname=local,
                                    timeout=settings.smtp_timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(host, settings.smtp_port, local_hostname=local,
                            timeout=settings.smtp_timeout)

    def _start_session(self, smtp: smtplib.SMTP) -> None:
        settings = self.settings
        smtp.ehlo()
        if settings.smtp_starttls and not settings.smtp_ssl:
            # starttls() refuses a server that does not offer it: never fall back to plain text.
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_user and settings.smtp_password is not None:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())

    def parse_events(self, body: bytes, content_type: str) -> Sequence[DeliveryEvent]:
        """Bounces from a signed JSON notification or a delivery status notification (DSN)."""
        if "json" in content_type.lower():
            return _json_events(load_json(body))
        return _dsn_events(body, content_type)

    def verify_signature(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> bool:
        """True when X-Cobranza-Signature is the HMAC-SHA256 of the body with the webhook secret."""
        secret = self.settings.webhook_secret
        return hmac_hex_matches(secret.get_secret_value() if secret else None, body,
                                header(headers, SIGNATURE_HEADER))


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT politely; a failure here must not turn an accepted message into a retry."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.quit()
    smtp.close()


def normalise_message_id(value: str) -> str:
    """`<id@host>` whether or not the sender kept the angle brackets."""
    value = value.strip()
    return value if value.startswith("<") else f"<{value}>"


def _json_events(data: Any) -> list[DeliveryEvent]:
    items = data if isinstance(data, list) else [data]
    events = []
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get("message_id"), str)
                and item.get("status") in STATUSES):
            raise MalformedWebhook(_(
                "each bounce notification needs a message_id and a status ({statuses})",
                statuses=", ".join(sorted(STATUSES))))
        reason = item.get("reason")
        events.append(DeliveryEvent(
            provider_id=normalise_message_id(item["message_id"]), status=item["status"],
            reason=str(reason) if reason else None,
            raw={key: str(value) for key, value in item.items()}))
    return events


def _dsn_events(body: bytes, content_type: str) -> list[DeliveryEvent]:
    raw = body
    if content_type.lower().startswith("multipart/"):
        raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    report = next((part for part in parsed.walk()
                   if part.get_content_type() == "multipart/report"
                   and part.get_param("report-type") == "delivery-status"), None)
    if report is None:
        raise MalformedWebhook(_("the body is neither a JSON bounce notification nor a "
                                 "delivery status notification"))
    original = _original_message_id(report)
    if original is None:
        return []  # a report about a message we cannot name: not ours to record
    return [event for fields in _recipient_fields(report)
            if (event := _dsn_event(original, fields)) is not None]


def _recipient_fields(report: Message) -> list[Message]:
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks = part.get_payload()
            # The first block is about the whole message; the others, one per recipient.
            if isinstance(blocks, list):
                return [block for block in blocks[1:] if isinstance(block, Message)]
            return []
    return []


def _original_message_id(report: Message) -> str | None:
    for part in report.walk():
        headers = _original_headers(part)
        if headers is not None and headers.get("Message-ID"):
            return normalise_message_id(str(headers["Message-ID"]))
    return None


def _original_headers(part: Message) -> Message | None:
    """The returned message's headers, from a message/rfc822 or text/rfc822-headers part."""
    kind = part.get_content_type()
    if kind == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0]
    elif kind == "text/rfc822-headers":
        return HeaderParser().parsestr(_decoded(part))
    return None


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    return payload.decode(errors="replace") if isinstance(payload, bytes) else ""


def _dsn_event(original: str, fields: Message) -> DeliveryEvent | None:
    """One recipient's block: Action failed with a 5.x.x Status is a bounce."""
    def field(name: str) -> str:  # unfolded, with runs of white space made one space
        return " ".join(str(fields.get(name, "")).split())

    action = field("Action").lower()
    status = field("Status").partition(" ")[0]
    recipient = field("Final-Recipient").partition(";")[2].strip()
    diagnostic = field("Diagnostic-Code").partition(";")[2].strip()
    raw = {"final_recipient": recipient, "action": action, "status": status,
           "diagnostic_code": diagnostic}
    if action == "delivered":
        return DeliveryEvent(provider_id=original, status="delivered", raw=raw)
    if action != "failed":
        return None  # delayed, relayed, expanded: still on its way
    return DeliveryEvent(provider_id=original,
                         status="bounced" if status.startswith("5") else "failed",
                         reason=diagnostic or status or None, raw=raw)
