"""Delivery reports from the providers: `POST /webhooks/{channel}` (email, sms, whatsapp).

Providers cannot send our API keys, so these requests are authenticated by their own signature
instead (the channel adapter checks it: Twilio's `X-Twilio-Signature`, Meta's
`X-Hub-Signature-256`, and `X-Cobranza-Signature` for e-mail bounce relays). A request that is
not signed with the configured secret is refused (401) and changes nothing; a body the provider
would never send is refused (400). The events then update the outbox by provider id
(`outbox.record_events`): delivered, or bounced/failed with a fallback to the next channel.

Twilio signs the URL it was given; behind a proxy that differs from the URL we see, so when
COBRANZA_TWILIO_STATUS_CALLBACK is set, that URL is the one checked. With several organisations
in one database, `?org=<id>` names the one the webhook belongs to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status

from cobranza.channels.base import NotConfigured
from cobranza.channels.http import MalformedWebhook
from cobranza.channels.registry import CHANNELS, adapter_for
from cobranza.config import Settings, load_settings
from cobranza.deps import SessionDep
from cobranza.i18n import _
from cobranza.messaging.outbox import record_events
from cobranza.organisations.service import NoOrganisation, current

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _signed_url(request: Request, channel: str, settings: Settings) -> str:
    adapter_name = type(adapter_for(channel, settings)).__name__
    if adapter_name == "TwilioChannel" and settings.twilio_status_callback:
        return settings.twilio_status_callback
    return str(request.url)


@router.post("/{channel}", summary="A provider's delivery report (signed by the provider)")
async def delivery_report(channel: str, request: Request, session: SessionDep,
                          org: Annotated[int | None, Query()] = None) -> dict[str, Any]:
    """Verify the provider's signature, parse its events and update the messages they name."""
    if channel not in CHANNELS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _(
            "unknown channel '{channel}'; expected one of {expected}", channel=channel,
            expected=", ".join(CHANNELS)))
    settings = load_settings()
    try:
        adapter = adapter_for(channel, settings)
        url = _signed_url(request, channel, settings)
    except NotConfigured as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
    body = await request.body()
    if not adapter.verify_signature(url=url, body=body, headers=dict(request.headers)):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            _("the webhook's signature does not match the configured secret"))
    try:
        events = adapter.parse_events(body, request.headers.get("content-type", ""))
        organisation = current(session, org_id=org)
    except MalformedWebhook as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    except NoOrganisation as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _("unknown organisation")) from exc
    matched = record_events(session, org_id=organisation.id, channel=channel, events=events,
                            now=datetime.now(UTC))
    return {"events": len(events), "matched": matched}
