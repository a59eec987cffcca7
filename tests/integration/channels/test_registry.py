"""Which channels can send with the settings in force, and why the others cannot."""

from __future__ import annotations

from typing import Any

import pytest

from cobranza.channels.base import NotConfigured
from cobranza.channels.email import EmailChannel
from cobranza.channels.registry import adapter_for, configured_channels
from cobranza.channels.twilio import TwilioChannel
from cobranza.channels.whatsapp_cloud import WhatsAppCloudChannel
from cobranza.config import Settings
from cobranza.i18n import language

TWILIO: dict[str, Any] = {"twilio_account_sid": "AC1", "twilio_auth_token": "token"}
CLOUD: dict[str, Any] = {"whatsapp_token": "meta", "whatsapp_phone_number_id": "1065"}


def reason(channel: str, settings: Settings, lang: str = "en") -> str:
    with language(lang), pytest.raises(NotConfigured) as raised:
        adapter_for(channel, settings)
    return str(raised.value)


def test_nothing_configured_means_no_channel_and_reasons_naming_the_variables() -> None:
    settings = Settings()
    assert configured_channels(settings) == {}
    assert reason("email", settings) == ("e-mail is not configured: set COBRANZA_SMTP_HOST and "
                                         "COBRANZA_MAIL_FROM")
    assert reason("email", settings, "es") == ("el correo electrónico no está configurado: "
                                               "defina COBRANZA_SMTP_HOST y COBRANZA_MAIL_FROM")
    assert reason("sms", settings) == (
        "SMS is not configured: set COBRANZA_TWILIO_ACCOUNT_SID, COBRANZA_TWILIO_AUTH_TOKEN and "
        "COBRANZA_TWILIO_FROM")
    assert reason("whatsapp", settings) == (
        "WhatsApp is not configured: set COBRANZA_WHATSAPP_TOKEN and "
        "COBRANZA_WHATSAPP_PHONE_NUMBER_ID (WhatsApp Cloud API) or COBRANZA_TWILIO_ACCOUNT_SID, "
        "COBRANZA_TWILIO_AUTH_TOKEN and COBRANZA_TWILIO_WHATSAPP_FROM (Twilio)")


def test_a_user_without_a_password_is_incomplete() -> None:
    settings = Settings(smtp_host="127.0.0.1", mail_from="a@example.cl", smtp_user="robot")
    assert reason("email", settings) == ("e-mail is not configured: set "
                                         "COBRANZA_SMTP_PASSWORD")


def test_complete_settings_give_each_channel_its_adapter() -> None:
    settings = Settings(smtp_host="127.0.0.1", mail_from="a@example.cl", twilio_from="+1500",
                        **TWILIO, **CLOUD)
    channels = configured_channels(settings)
    assert set(channels) == {"email", "sms", "whatsapp"}
    assert isinstance(channels["email"], EmailChannel)
    assert isinstance(channels["sms"], TwilioChannel) and not channels["sms"].whatsapp
    assert isinstance(channels["whatsapp"], WhatsAppCloudChannel)


def test_whatsapp_auto_prefers_the_cloud_api_then_twilio() -> None:
    both = Settings(twilio_whatsapp_from="+1415", **TWILIO, **CLOUD)
    assert isinstance(adapter_for("whatsapp", both), WhatsAppCloudChannel)
    twilio_only = Settings(twilio_whatsapp_from="+1415", **TWILIO)
    found = adapter_for("whatsapp", twilio_only)
    assert isinstance(found, TwilioChannel) and found.whatsapp and found.name == "whatsapp"
    assert "sms" not in configured_channels(twilio_only)


def test_an_explicit_whatsapp_provider_is_used_or_its_variables_named() -> None:
    both: dict[str, Any] = {"twilio_whatsapp_from": "+1415", **TWILIO, **CLOUD}
    assert isinstance(adapter_for("whatsapp", Settings(whatsapp_provider="twilio", **both)),
                      TwilioChannel)
    assert reason("whatsapp", Settings(whatsapp_provider="cloud", **TWILIO)) == (
        "WhatsApp is not configured: set COBRANZA_WHATSAPP_TOKEN and "
        "COBRANZA_WHATSAPP_PHONE_NUMBER_ID")
    assert reason("whatsapp", Settings(whatsapp_provider="meta")) == (
        "COBRANZA_WHATSAPP_PROVIDER is 'meta'; expected auto, twilio or cloud")


def test_a_channel_without_a_sending_adapter() -> None:
    assert reason("letter", Settings()) == ("there is no sending adapter for the channel "
                                            "'letter'; expected email, sms or whatsapp")
