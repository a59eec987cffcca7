"""`cobranza channels test`: a collector checks the providers with one command."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner, Result

import cobranza.cli.channels  # noqa: F401  (registers `channels`; the lead wires it in cli/__init__)
from cobranza.cli.app import app
from cobranza.i18n import set_language
from tests.fake_providers import FakeProviders, twilio_error
from tests.smtp_server import SmtpServer


@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    """`--lang` sets the language for the rest of the process: put it back."""
    yield
    set_language(None)


def run(*args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(app, ["--lang", lang, "channels", "test", *args],
                              catch_exceptions=False)


def use(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_an_email_address_gets_a_test_message_through_the_smtp_server(
        smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, smtp_server.settings_env())
    result = run("jose.munoz@example.cl")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("email: sent (<test-")
    assert "sms: SMS is not configured: set COBRANZA_TWILIO_ACCOUNT_SID" in result.output
    [received] = smtp_server.received
    assert received.rcpt_tos == ("jose.munoz@example.cl",)
    assert received.message["Subject"] == "cobranza test message"
    assert received.message["Content-Language"] == "en"


def test_the_test_message_is_in_spanish_for_a_spanish_speaker(
        smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, smtp_server.settings_env())
    result = run("jose.munoz@example.cl", lang="es")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("email: enviado (<test-")
    mail = smtp_server.received[0].message
    assert mail["Subject"] == "Mensaje de prueba de cobranza"
    body = mail.get_body(("plain",))
    assert body is not None and "por el canal email" in body.get_content()


def test_a_refused_address_is_reported_and_exits_1(
        smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, smtp_server.settings_env())
    smtp_server.refuse("nadie@example.cl")
    result = run("nadie@example.cl")
    assert result.exit_code == 1
    assert result.output.startswith("email: bounced, the address cannot receive (the mail "
                                    "server refused the address nadie@example.cl: 550")


def test_a_phone_number_is_tried_by_sms_and_whatsapp(
        fake_providers: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = {**fake_providers.twilio_settings(), **fake_providers.whatsapp_settings()}
    use(monkeypatch, {f"COBRANZA_{name.upper()}": value for name, value in settings.items()})
    result = run("+56 9 1234 5678")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("sms: sent (SM") and lines[1].startswith("whatsapp: sent (wamid.")
    assert "email: e-mail is not configured" in result.output
    sms, whatsapp = fake_providers.requests
    assert sms.form["To"] == "+56912345678"
    assert whatsapp.json["template"] == {"name": "hello_world", "language": {"code": "en_US"}}


def test_one_failing_channel_makes_the_exit_status_1(
        fake_providers: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, {f"COBRANZA_{name.upper()}": value
                      for name, value in fake_providers.twilio_settings().items()})
    fake_providers.answer(400, twilio_error(21211, "Invalid 'To' Phone Number"))
    result = run("+56912345678")
    assert result.exit_code == 1
    assert "sms: bounced, the address cannot receive" in result.output
    assert "whatsapp: sent (SM" in result.output  # Twilio's WhatsApp sender is configured too


def test_with_nothing_configured_every_reason_is_listed_and_the_exit_status_is_1() -> None:
    result = run("+56912345678")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Not configured:",
        "  email: e-mail is not configured: set COBRANZA_SMTP_HOST and COBRANZA_MAIL_FROM",
        "  sms: SMS is not configured: set COBRANZA_TWILIO_ACCOUNT_SID, "
        "COBRANZA_TWILIO_AUTH_TOKEN and COBRANZA_TWILIO_FROM",
        "  whatsapp: WhatsApp is not configured: set COBRANZA_WHATSAPP_TOKEN and "
        "COBRANZA_WHATSAPP_PHONE_NUMBER_ID (WhatsApp Cloud API) or COBRANZA_TWILIO_ACCOUNT_SID, "
        "COBRANZA_TWILIO_AUTH_TOKEN and COBRANZA_TWILIO_WHATSAPP_FROM (Twilio)",
        "No configured channel can reach +56912345678."]


@pytest.mark.parametrize("address", ["jose.munoz", "56912345678", "+56 9 12", "@example.cl"])
def test_an_address_that_is_neither_exits_2(address: str) -> None:
    result = CliRunner().invoke(app, ["--lang", "en", "channels", "test", address])
    assert result.exit_code == 2
    assert "neither an e-mail address nor a phone number" in result.output
