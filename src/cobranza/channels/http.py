"""Plumbing the adapters share: webhook headers and signatures, provider answers over HTTP.

Providers' webhooks reach us as HTTP requests whatever the channel (an e-mail bounce relay too),
so the header lookup and the HMAC check live here once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from cobranza.channels.base import Outcome, SendResult
from cobranza.i18n import _

DEFAULT_TIMEOUT = 30.0  # seconds for a provider's HTTP API to answer


class MalformedWebhook(ValueError):
    """A webhook body that is not in the provider's format (the endpoint answers 400)."""


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header `name`, whatever the case of the keys in `headers`."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def hmac_hex_matches(secret: str | None, body: bytes, signature: str | None,
                     digest: Callable[[], Any] = hashlib.sha256) -> bool:
    """True when `signature` is the hex HMAC of `body` under `secret`; False without a secret."""
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    moment = now or datetime.now(UTC)
    return max(0.0, (when - moment).total_seconds())


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or an empty dict when the body is not one (a proxy's page)."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def load_json(body: bytes) -> Any:
    """A webhook's JSON body, or MalformedWebhook."""
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedWebhook(_("the webhook body is not JSON: {error}", error=str(exc))) from exc


def transport_failure(provider: str, exc: httpx.HTTPError) -> SendResult:
    """A network error or timeout talking to a provider: nothing was answered, so try again."""
    if isinstance(exc, httpx.TimeoutException):
        reason = _("{provider} did not answer in time", provider=provider)
    else:
        reason = _("could not reach {provider}: {error}", provider=provider,
                   error=str(exc) or type(exc).__name__)
    return SendResult(Outcome.RETRY, reason=reason)
