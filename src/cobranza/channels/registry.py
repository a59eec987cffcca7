"""Which channels can send with the settings in force, and the adapter for each.

A channel whose settings are incomplete has no adapter: `adapter_for` raises NotConfigured with
the environment variables still to set, and the message stays queued with that reason.
"""

from __future__ import annotations

from collections.abc import Callable

from cobranza.channels.base import ChannelAdapter, NotConfigured
from cobranza.channels.email import EmailChannel
from cobranza.channels.twilio import TwilioChannel
from cobranza.channels.whatsapp_cloud import WhatsAppCloudChannel
from cobranza.config import Settings
from cobranza.i18n import _

CHANNELS = ("email", "sms", "whatsapp")
WHATSAPP_PROVIDERS = ("auto", "twilio", "cloud")


def _variables(settings: Settings, *fields: str) -> list[str]:
    """The environment variables of the `fields` that have no value."""
    return [f"COBRANZA_{name.upper()}" for name in fields if not getattr(settings, name)]


def _joined(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("{first} and {last}", first=", ".join(names[:-1]), last=names[-1])


def _email(settings: Settings) -> ChannelAdapter | str:
    missing = _variables(settings, "smtp_host", "mail_from")
    if settings.smtp_user and settings.smtp_password is None:
        missing.append("COBRANZA_SMTP_PASSWORD")
    if missing:
        return _("e-mail is not configured: set {variables}", variables=_joined(missing))
    return EmailChannel(settings)


def _sms(settings: Settings) -> ChannelAdapter | str:
    missing = _variables(settings, "twilio_account_sid", "twilio_auth_token", "twilio_from")
    if missing:
        return _("SMS is not configured: set {variables}", variables=_joined(missing))
    return TwilioChannel(settings, whatsapp=False)


def _whatsapp(settings: Settings) -> ChannelAdapter | str:
    provider = settings.whatsapp_provider.strip().lower()
    if provider not in WHATSAPP_PROVIDERS:
        return _("COBRANZA_WHATSAPP_PROVIDER is '{value}'; expected auto, twilio or cloud",
                 value=settings.whatsapp_provider)
    cloud = _variables(settings, "whatsapp_token", "whatsapp_phone_number_id")
    twilio = _variables(settings, "twilio_account_sid", "twilio_auth_token",
                        "twilio_whatsapp_from")
    if provider in ("auto", "cloud") and not cloud:
        return WhatsAppCloudChannel(settings)
    if provider in ("auto", "twilio") and not twilio:
        return TwilioChannel(settings, whatsapp=True)
    if provider == "auto":
        return _("WhatsApp is not configured: set {cloud} (WhatsApp Cloud API) or {twilio} "
                 "(Twilio)", cloud=_joined(cloud), twilio=_joined(twilio))
    return _("WhatsApp is not configured: set {variables}",
             variables=_joined(cloud if provider == "cloud" else twilio))


_RESOLVERS: dict[str, Callable[[Settings], ChannelAdapter | str]] = {
    "email": _email, "sms": _sms, "whatsapp": _whatsapp}


def adapter_for(channel: str, settings: Settings) -> ChannelAdapter:
    """The adapter that sends on `channel`, or NotConfigured naming what is missing."""
    resolve = _RESOLVERS.get(channel)
    if resolve is None:
        raise NotConfigured(_("there is no sending adapter for the channel '{channel}'; "
                              "expected email, sms or whatsapp", channel=channel))
    found = resolve(settings)
    if isinstance(found, str):
        raise NotConfigured(found)
    return found


def configured_channels(settings: Settings) -> dict[str, ChannelAdapter]:
    """The adapters of every channel whose settings are complete, by channel name."""
    adapters = {channel: resolve(settings) for channel, resolve in _RESOLVERS.items()}
    return {channel: found for channel, found in adapters.items() if not isinstance(found, str)}
