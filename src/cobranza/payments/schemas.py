"""JSON shapes of payments."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PaymentIn(BaseModel):
    """A payment, as in the canonical payments file."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    customer_id: str | None = None
    date: str | None = None
    currency: str | None = None
    amount: str | int | None = None
    invoice_numbers: list[str] | str | None = None
    reference: str | None = None
    method: str | None = None


class PaymentOut(BaseModel):
    """A payment as stored."""

    id: str
    customer_id: str
    date: str
    currency: str
    amount: str
    invoice_numbers: list[str]
    reference: str | None
    method: str | None
