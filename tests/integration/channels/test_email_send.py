"""Sending e-mail through a real SMTP server (aiosmtpd): the message a debtor receives, and what
each of the server's answers means for the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from cobranza.channels.base import Attachment, Outcome, OutgoingMessage
from cobranza.channels.email import EmailChannel
from cobranza.config import Settings
from cobranza.i18n import language
from tests.smtp_server import SmtpServer

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n\x00\xff\x10trailer\n%%EOF\n"
DEBTOR = "jose.munoz@example.cl"


def reminder(key: str = "outbox-1", **changes: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "key": key, "to": DEBTOR, "subject": "Recordatorio: factura Nº 1043 vence el 15-03",
        "text": "Estimado José: su factura Nº 1043 por $1.234.567 vence el 15-03-2026.",
        "html": "<p>Estimado José: su factura <b>Nº 1043</b> por $1.234.567 vence el "
                "15-03-2026.</p>",
        "attachments": (Attachment("estado-de-cuenta.pdf", PDF),),
        "unsubscribe": "https://cobranza.example.cl/baja/tok3n"}
    values.update(changes)
    return OutgoingMessage(**values)


def test_the_debtor_receives_text_and_html_alternatives_and_the_statement_pdf(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    message = reminder()
    result = EmailChannel(smtp_settings()).send(message)
    assert result.outcome is Outcome.SENT
    [received] = smtp_server.received
    mail = received.message
    assert mail.get_content_type() == "multipart/mixed"
    alternative = next(part for part in mail.iter_parts()
                       if part.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    text_part, html_part = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text_part is not None and html_part is not None
    assert text_part.get_content().rstrip("\n") == message.text
    assert html_part.get_content().rstrip("\n") == message.html
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "estado-de-cuenta.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


def test_headers_name_the_sender_the_language_and_how_to_unsubscribe(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    settings = smtp_settings(mail_reply_to="cobranzas@example.cl")
    result = EmailChannel(settings).send(reminder(language="es"))
    [received] = smtp_server.received
    mail = received.message
    assert received.mail_from == "cobranza@example.cl"
    assert received.rcpt_tos == (DEBTOR,)
    assert mail["From"] == "Cobranza Demo <cobranza@example.cl>"
    assert mail["To"] == DEBTOR
    assert mail["Reply-To"] == "cobranzas@example.cl"
    assert mail["Subject"] == "Recordatorio: factura Nº 1043 vence el 15-03"
    assert mail["Date"].datetime is not None
    assert mail["Message-ID"] == "<outbox-1@cobranza>" == result.provider_id
    assert mail["List-Unsubscribe"] == ("<https://cobranza.example.cl/baja/tok3n>, "
                                        "<mailto:cobranza@example.cl?subject=unsubscribe>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Content-Language"] == "es"
    assert mail["Auto-Submitted"] == "auto-generated"


def test_a_mailto_unsubscribe_alone_asks_for_no_one_click_post(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    EmailChannel(smtp_settings()).send(
        reminder(unsubscribe="mailto:bajas@example.cl", html=None, attachments=()))
    mail = smtp_server.received[0].message
    assert mail["List-Unsubscribe"] == "<mailto:bajas@example.cl>"
    assert mail["List-Unsubscribe-Post"] is None
    assert mail.get_content_type() == "text/plain"


def test_the_configured_unsubscribe_url_is_used_when_the_message_has_none(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    settings = smtp_settings(unsubscribe_url="https://cobranza.example.cl/baja")
    EmailChannel(settings).send(reminder(unsubscribe=None))
    mail = smtp_server.received[0].message
    assert mail["List-Unsubscribe"].startswith("<https://cobranza.example.cl/baja>, <mailto:")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_resend_is_the_same_message_so_mailboxes_drop_the_copy(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    channel = EmailChannel(smtp_settings())
    first = channel.send(reminder("action:42/email"))
    again = channel.send(reminder("action:42/email"))
    other = channel.send(reminder("action:43/email"))
    ids = [received.message["Message-ID"] for received in smtp_server.received]
    # ":" is not allowed in a Message-ID: the key is escaped, the same way every time.
    assert ids == ["<action%3A42/email@cobranza>", "<action%3A42/email@cobranza>",
                   "<action%3A43/email@cobranza>"]
    assert first.provider_id == again.provider_id != other.provider_id


def test_login_with_the_configured_credentials() -> None:
    with SmtpServer(credentials=("robot", "s3cret")) as server:
        settings = Settings(smtp_host=server.host, smtp_port=server.port, smtp_starttls=False,
                            mail_from="cobranza@example.cl", smtp_user="robot",
                            smtp_password=SecretStr("s3cret"))
        assert EmailChannel(settings).send(reminder()).outcome is Outcome.SENT
        assert server.received[0].login == "robot"


def test_wrong_or_missing_credentials_fail_without_retrying() -> None:
    with SmtpServer(credentials=("robot", "s3cret")) as server, language("en"):
        base: dict[str, Any] = {"smtp_host": server.host, "smtp_port": server.port, "smtp_starttls": False,
                "mail_from": "cobranza@example.cl"}
        wrong = EmailChannel(Settings(**base, smtp_user="robot", smtp_password=SecretStr("nope"))).send(
            reminder())
        anonymous = EmailChannel(Settings(**base)).send(reminder())
    assert wrong.outcome is Outcome.FAILED and "535" in (wrong.reason or "")
    assert anonymous.outcome is Outcome.FAILED and "530" in (anonymous.reason or "")
    assert server.received == []


def test_starttls_configured_on_a_server_without_it_sends_nothing_in_clear(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    with language("en"):
        result = EmailChannel(smtp_settings(smtp_starttls=True)).send(reminder())
    assert result.outcome is Outcome.FAILED
    assert "STARTTLS" in (result.reason or "")
    assert smtp_server.received == []


def test_a_server_that_is_down_means_retry(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    settings = smtp_settings()
    smtp_server.stop()
    with language("en"):
        result = EmailChannel(settings).send(reminder())
    assert result.outcome is Outcome.RETRY
    assert (result.reason or "").startswith("could not reach the mail server")
    smtp_server.start()
    assert EmailChannel(settings).send(reminder()).outcome is Outcome.SENT


def test_a_temporary_451_means_retry_and_the_retry_is_accepted(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    channel = EmailChannel(smtp_settings())
    smtp_server.fail_temporarily()
    with language("en"):
        first = channel.send(reminder())
    assert first.outcome is Outcome.RETRY
    assert first.reason == ("the mail server asked to try again later: "
                            "451 4.3.0 Temporary local problem, try again later")
    assert channel.send(reminder()).outcome is Outcome.SENT
    assert len(smtp_server.received) == 1


def test_a_refused_recipient_is_a_bounce(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    smtp_server.refuse(DEBTOR)
    with language("es"):
        result = EmailChannel(smtp_settings()).send(reminder())
    assert result.outcome is Outcome.BOUNCED
    assert result.reason == (f"el servidor de correo rechazó la dirección {DEBTOR}: 550 "
                             "5.1.1 Recipient address rejected: User unknown")
    assert smtp_server.received == []


def test_a_recipient_refused_for_now_is_a_retry(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    smtp_server.refuse(DEBTOR, "450 4.2.0 Greylisted, come back later")
    assert EmailChannel(smtp_settings()).send(reminder()).outcome is Outcome.RETRY


def test_a_message_rejected_after_data_fails_without_bouncing_the_address(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    smtp_server.reject_data("554 5.7.1 Message rejected as spam")
    result = EmailChannel(smtp_settings()).send(reminder())
    assert result.outcome is Outcome.FAILED
    assert "554 5.7.1" in (result.reason or "")


def test_a_server_slower_than_the_timeout_means_retry(
        smtp_server: SmtpServer, smtp_settings: Callable[..., Settings]) -> None:
    smtp_server.delay = 30.0  # the client gives up long before: the server is stopped after
    with language("en"):
        result = EmailChannel(smtp_settings(smtp_timeout=0.5)).send(reminder())
    assert result.outcome is Outcome.RETRY
    assert result.reason == "the mail server did not answer in time"
