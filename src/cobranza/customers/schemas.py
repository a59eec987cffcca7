"""JSON shapes of customers. Values are checked by the same rules as the imports."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CustomerIn(BaseModel):
    """A customer to create or update (`id` is the business's own customer id)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    name: str | None = None
    tax_id: str | None = None
    email: str | None = None
    phone: str | None = None
    whatsapp: str | None = None
    language: str | None = None
    country: str | None = None
    timezone: str | None = None
    preferred_channel: str | None = None
    preferred_payment_method: str | None = None
    contact_hours: str | None = None
    segment: str | None = None
    credit_limit: str | int | None = None
    collector: str | None = None


class CustomerOut(BaseModel):
    """A customer as stored."""

    id: str
    name: str
    tax_id: str | None
    email: str | None
    phone: str | None
    whatsapp: str | None
    language: str | None
    country: str | None
    timezone: str | None
    preferred_channel: str | None
    preferred_payment_method: str | None
    contact_hours: str | None
    segment: str | None
    credit_limit: str | None
    collector: str | None
