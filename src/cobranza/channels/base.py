"""The one small protocol every channel adapter follows, and the message it sends.

An adapter sends one rendered message with an idempotency key (the outbox row's unique key), parses
the provider's delivery events, and verifies the provider's webhook signatures. Adapters never touch
the database: the worker (`cobranza.messaging.worker`) claims outbox rows, calls `send`, and records
the outcome in the same place it claimed them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    """What a send attempt came to."""

    SENT = "sent"  # accepted by the server or provider
    RETRY = "retry"  # a temporary failure (down, slow, 429, 5xx): try again later
    BOUNCED = "bounced"  # permanent: the address or number is bad; fall back to another channel
    FAILED = "failed"  # permanent for another reason (refused, misconfigured)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (the statement PDF)."""

    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A rendered message for one debtor, ready for a channel."""

    key: str  # our idempotency key: unique per action; also the e-mail's Message-ID local part
    to: str  # e-mail address or E.164 phone number
    subject: str
    text: str
    html: str | None = None
    language: str = "es"
    attachments: tuple[Attachment, ...] = ()
    unsubscribe: str | None = None  # mailto: or https: URL for List-Unsubscribe
    # WhatsApp Cloud API approved template: name and its positional body parameters.
    template_name: str | None = None
    template_params: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one attempt, with the provider's id and a reason for anything but SENT."""

    outcome: Outcome
    provider_id: str | None = None
    reason: str | None = None
    retry_after: float | None = None  # seconds, when the provider said (Retry-After)


@dataclass(frozen=True, slots=True)
class DeliveryEvent:
    """A delivery report from a provider's webhook."""

    provider_id: str
    status: str  # delivered | bounced | failed | read | sent | queued
    reason: str | None = None
    raw: Mapping[str, str] = field(default_factory=dict)


class NotConfigured(RuntimeError):
    """The channel has no provider configured; the message stays queued with this reason."""


class ChannelAdapter(Protocol):
    """What the worker needs from a channel."""

    name: str  # email | sms | whatsapp

    def send(self, message: OutgoingMessage) -> SendResult:
        """Send once; never raise for a provider's answer, return it as a SendResult."""
        ...

    def parse_events(self, body: bytes, content_type: str) -> Sequence[DeliveryEvent]:
        """Delivery events from a provider's webhook request body."""
        ...

    def verify_signature(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> bool:
        """True when the webhook request was signed by the provider with our secret."""
        ...
