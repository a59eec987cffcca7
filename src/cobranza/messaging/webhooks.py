"""Outgoing webhooks: a strategy step that POSTs the action to a URL of the organisation's.

The body is JSON: `{"action", "customer", "invoices", "amount", "currency", "step", "key"}`,
amounts as decimal strings (shared/DOMAIN.md, money). It is signed with
`X-Cobranza-Signature: sha256=<hex HMAC-SHA256 of the body>` under COBRANZA_WEBHOOK_SECRET and
carries `Idempotency-Key: <key>`, so a receiver can check where it came from and drop the copy
a crash between its answer and our commit may cause. The URL is the step's `params.url`.

Answers: 2xx sent; 429 and 5xx retried (honouring Retry-After); any other 4xx failed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from cobranza.channels.base import NotConfigured, Outcome, SendResult
from cobranza.channels.http import DEFAULT_TIMEOUT, retry_after, transport_failure
from cobranza.config import Settings
from cobranza.core.money import minor_to_str
from cobranza.i18n import _
from cobranza.messaging.guard import numbers_of
from cobranza.models import CollectionAction, Customer, StrategyStep

SIGNATURE_HEADER = "X-Cobranza-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """One webhook ready to POST: where, what, and the key it is sent under."""

    action_id: int
    key: str
    url: str | None
    body: bytes
    step: str


def body_of(action: CollectionAction, customer_code: str) -> bytes:
    """The JSON body, in one canonical form (so its signature is stable across resends)."""
    payload: dict[str, Any] = {
        "action": action.action, "customer": customer_code, "invoices": numbers_of(action),
        "amount": minor_to_str(action.amount, action.currency), "currency": action.currency,
        "step": action.step_code, "key": action.key}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def signature(body: bytes, secret: str) -> str:
    """The X-Cobranza-Signature value: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _url(params: str | None) -> str | None:
    try:
        found = json.loads(params or "{}")
    except json.JSONDecodeError:
        return None
    url = found.get("url") if isinstance(found, dict) else None
    return str(url) if url else None


def prepare(session: Session, *, action_ids: Sequence[int]) -> dict[int, WebhookRequest]:
    """The request of each webhook action, its URL read from the strategy step (one query)."""
    if not action_ids:
        return {}
    actions = list(session.scalars(select(CollectionAction).where(
        CollectionAction.id.in_(list(action_ids)))))
    steps = {(a.strategy_id, a.step_code) for a in actions if a.strategy_id is not None}
    urls = {(sid, code): _url(params) for sid, code, params in session.execute(
        select(StrategyStep.strategy_id, StrategyStep.code, StrategyStep.params)
        .where(tuple_(StrategyStep.strategy_id, StrategyStep.code).in_(sorted(steps))))
            } if steps else {}
    codes: dict[int, str] = dict(session.execute(select(Customer.id, Customer.code).where(
        Customer.id.in_({a.customer_id for a in actions}))).tuples().all())
    return {a.id: WebhookRequest(a.id, a.key, urls.get((a.strategy_id, a.step_code)),
                                 body_of(a, codes[a.customer_id]), a.step_code)
            for a in actions}


def post(request: WebhookRequest, *, settings: Settings,
         timeout: float = DEFAULT_TIMEOUT) -> SendResult:
    """POST once; the receiver's answer becomes the outcome. NotConfigured without a secret."""
    if settings.webhook_secret is None:
        raise NotConfigured(_("webhooks are not configured: set COBRANZA_WEBHOOK_SECRET"))
    if not request.url:
        return SendResult(Outcome.FAILED, reason=_(
            "the step {step} has no webhook URL; expected params: {{\"url\": \"https://...\"}}",
            step=request.step))
    headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: request.key,
               SIGNATURE_HEADER: signature(request.body,
                                           settings.webhook_secret.get_secret_value())}
    try:
        response = httpx.post(request.url, content=request.body, headers=headers,
                              timeout=timeout)
    except httpx.HTTPError as exc:
        return transport_failure(request.url, exc)
    if response.is_success:
        return SendResult(Outcome.SENT, provider_id=response.headers.get("X-Request-Id"))
    reason = _("the webhook {url} answered {status}", url=request.url,
               status=response.status_code)
    if response.status_code == 429 or response.status_code >= 500:
        return SendResult(Outcome.RETRY, reason=reason,
                          retry_after=retry_after(response.headers.get("Retry-After")))
    return SendResult(Outcome.FAILED, reason=reason)
