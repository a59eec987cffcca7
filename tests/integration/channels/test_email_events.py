"""Bounces of e-mail: a signed JSON notification or a delivery status notification (RFC 3464),
matched to the message we sent by its Message-ID."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest

from cobranza.channels.base import OutgoingMessage
from cobranza.channels.email import EmailChannel
from cobranza.channels.http import MalformedWebhook
from cobranza.config import Settings
from tests.smtp_server import SmtpServer

SECRET = "bounce-hook-secret"


def channel(**settings: Any) -> EmailChannel:
    return EmailChannel(Settings(mail_from="cobranza@example.cl", **settings))


def dsn(original_headers: str, *, action: str = "failed", status: str = "5.1.1",
        as_headers_part: bool = False) -> bytes:
    """A bounce as Postfix writes it, returning the original message or only its headers."""
    returned = (
        "Content-Type: text/rfc822-headers\n\n" + original_headers if as_headers_part
        else "Content-Type: message/rfc822\n\n" + original_headers + "\nEstimado José ...\n")
    return f"""\
From: MAILER-DAEMON@mx.example.cl (Mail Delivery System)
To: cobranza@example.cl
Subject: Undelivered Mail Returned to Sender
Message-Id: <20260315120001.ABC123@mx.example.cl>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.cl
X-Postfix-Queue-ID: ABC123
Arrival-Date: Sun, 15 Mar 2026 12:00:00 -0300 (-03)

Final-Recipient: rfc822; jose.munoz@example.cl
Original-Recipient: rfc822;jose.munoz@example.cl
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.cl
Diagnostic-Code: smtp; 550 {status} <jose.munoz@example.cl>: Recipient address
    rejected: User unknown in virtual mailbox table

--B0UND
{returned}
--B0UND--
""".replace("\n", "\r\n").encode()


ORIGINAL = ("From: Cobranza Demo <cobranza@example.cl>\nTo: jose.munoz@example.cl\n"
            "Subject: Recordatorio\nMessage-ID: <outbox-7@cobranza>\n")


def test_a_real_bounce_names_the_message_we_sent(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    adapter = EmailChannel(smtp_settings())
    sent = adapter.send(OutgoingMessage(key="outbox-7", to="jose.munoz@example.cl",
                                        subject="Recordatorio", text="Estimado José ..."))
    returned = smtp_server.received[0].data.decode().split("\r\n\r\n")[0] + "\r\n"
    [event] = adapter.parse_events(dsn(returned.replace("\r\n", "\n")), "message/rfc822")
    assert event.provider_id == sent.provider_id == "<outbox-7@cobranza>"
    assert event.status == "bounced"
    assert event.reason == ("550 5.1.1 <jose.munoz@example.cl>: Recipient address rejected: "
                            "User unknown in virtual mailbox table")
    assert event.raw["final_recipient"] == "jose.munoz@example.cl"


def test_a_report_posted_as_the_body_with_its_content_type() -> None:
    whole = dsn(ORIGINAL, as_headers_part=True)
    head, body = whole.split(b"\r\n\r\n", 1)
    content_type = next(line for line in head.decode().split("\r\n")
                        if line.startswith("Content-Type:")).split(": ", 1)[1]
    [event] = channel().parse_events(body, content_type)
    assert (event.provider_id, event.status) == ("<outbox-7@cobranza>", "bounced")


def test_a_temporary_failure_and_a_delay_are_not_bounces() -> None:
    [failed] = channel().parse_events(dsn(ORIGINAL, status="4.4.1"), "message/rfc822")
    assert failed.status == "failed"
    assert channel().parse_events(dsn(ORIGINAL, action="delayed", status="4.4.1"),
                                  "message/rfc822") == []


def test_a_json_notification_names_the_message_with_or_without_brackets() -> None:
    body = json.dumps([
        {"message_id": "outbox-7@cobranza", "status": "bounced", "reason": "550 5.1.1 unknown"},
        {"message_id": "<outbox-8@cobranza>", "status": "delivered"}]).encode()
    first, second = channel().parse_events(body, "application/json; charset=utf-8")
    assert (first.provider_id, first.status, first.reason) == (
        "<outbox-7@cobranza>", "bounced", "550 5.1.1 unknown")
    assert (second.provider_id, second.status, second.reason) == (
        "<outbox-8@cobranza>", "delivered", None)


@pytest.mark.parametrize(("body", "content_type"), [
    (b'{"message_id": "x@cobranza", "status": "lost"}', "application/json"),
    (b'{"status": "bounced"}', "application/json"),
    (b"not json", "application/json"),
    (b"Subject: hello\r\n\r\nnot a report\r\n", "message/rfc822"),
])
def test_a_body_in_neither_format_is_refused(body: bytes, content_type: str) -> None:
    with pytest.raises(MalformedWebhook):
        channel().parse_events(body, content_type)


def test_a_notification_signed_with_the_webhook_secret_is_verified() -> None:
    body = b'{"message_id": "<outbox-7@cobranza>", "status": "bounced"}'
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    adapter = channel(webhook_secret=SECRET)
    url = "https://cobranza.example.cl/webhooks/email"
    assert adapter.verify_signature(url=url, body=body,
                                    headers={"x-cobranza-signature": signature})
    assert not adapter.verify_signature(url=url, body=body + b" ",
                                        headers={"X-Cobranza-Signature": signature})
    assert not adapter.verify_signature(url=url, body=body, headers={})
    assert not channel().verify_signature(url=url, body=body,
                                          headers={"X-Cobranza-Signature": signature})
