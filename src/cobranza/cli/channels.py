"""`cobranza channels test`: send a short test message through every channel that can reach an
address, so a collector sees at once which providers are set up and what they answer."""

from __future__ import annotations

import html
import re
import uuid
from typing import Annotated

import typer

from cobranza.channels.base import NotConfigured, Outcome, OutgoingMessage, SendResult
from cobranza.channels.registry import CHANNELS, adapter_for
from cobranza.cli.app import EXIT_INVALID, app, console, fail
from cobranza.config import Settings, load_settings
from cobranza.i18n import _, current_language

channels_app = typer.Typer(help="Check the e-mail, SMS and WhatsApp providers.",
                           no_args_is_help=True)
app.add_typer(channels_app, name="channels")

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+[1-9]\d{7,14}")
_PHONE_PUNCTUATION = re.compile(r"[\s().-]")


def reachable_channels(address: str) -> tuple[str, tuple[str, ...]] | None:
    """The normalised address and the channels that can reach it, or None for neither kind."""
    address = address.strip()
    if _EMAIL.fullmatch(address):
        return address, ("email",)
    phone = _PHONE_PUNCTUATION.sub("", address)
    if _PHONE.fullmatch(phone):
        return phone, ("sms", "whatsapp")
    return None


def probe_message(channel: str, address: str, *, template: str,
                 template_language: str) -> OutgoingMessage:
    """A short, translated test message for `channel`."""
    text = _("This is a test message from cobranza through the {channel} channel. "
             "No action is needed.", channel=channel)
    whatsapp = channel == "whatsapp"
    return OutgoingMessage(
        key=f"test-{uuid.uuid4().hex}", to=address, subject=_("cobranza test message"),
        text=text, html=f"<p>{html.escape(text)}</p>",
        language=template_language if whatsapp else current_language(),
        template_name=template if whatsapp else None)


def _line(channel: str, result: SendResult) -> str:
    labels = {Outcome.SENT: _("sent"), Outcome.RETRY: _("temporary failure, try again later"),
              Outcome.BOUNCED: _("bounced, the address cannot receive"),
              Outcome.FAILED: _("failed")}
    detail = result.provider_id if result.outcome is Outcome.SENT else result.reason
    return f"{channel}: {labels[result.outcome]}" + (f" ({detail})" if detail else "")


@channels_app.command("test")
def channels_test(
    address: Annotated[str, typer.Argument(
        metavar="EMAIL_OR_PHONE",
        help="An e-mail address, or a phone number in international format (+56912345678).")],
    whatsapp_template: Annotated[str, typer.Option(
        help="Approved template for the WhatsApp Cloud API (Meta's sample: hello_world).")]
        = "hello_world",
    whatsapp_language: Annotated[str, typer.Option(
        help="Language code of that template.")] = "en_US",
) -> None:
    """Send a test message through each configured channel that fits the address.

    Exit 0 when every attempted send succeeded, 1 otherwise, 2 for an address that is
    neither an e-mail address nor a phone number."""
    found = reachable_channels(address)
    if found is None:
        fail(_("'{value}' is neither an e-mail address nor a phone number in international "
               "format such as +56912345678", value=address), EXIT_INVALID)
    target, fitting = found
    settings = load_settings()
    results, unconfigured = _send_all(settings, target, fitting, whatsapp_template,
                                      whatsapp_language)
    for channel, result in results.items():
        console.print(_line(channel, result), highlight=False, markup=False, soft_wrap=True)
    if unconfigured:
        console.print(_("Not configured:"))
        for channel, reason in unconfigured.items():
            console.print(f"  {channel}: {reason}", highlight=False, markup=False, soft_wrap=True)
    if not results:
        console.print(_("No configured channel can reach {address}.", address=target),
                      highlight=False, markup=False, soft_wrap=True)
    if not results or any(r.outcome is not Outcome.SENT for r in results.values()):
        raise typer.Exit(1)


def _send_all(settings: Settings, address: str, fitting: tuple[str, ...], template: str,
              template_language: str) -> tuple[dict[str, SendResult], dict[str, str]]:
    results: dict[str, SendResult] = {}
    unconfigured: dict[str, str] = {}
    for channel in CHANNELS:
        try:
            adapter = adapter_for(channel, settings)
        except NotConfigured as exc:
            unconfigured[channel] = str(exc)
            continue
        if channel in fitting:
            results[channel] = adapter.send(probe_message(
                channel, address, template=template, template_language=template_language))
    return results, unconfigured
