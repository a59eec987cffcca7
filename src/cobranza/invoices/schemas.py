"""JSON shapes of invoices and credit notes; amounts are decimal strings (or integers)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class InvoiceIn(BaseModel):
    """An invoice to create or update, as in the canonical invoices file."""

    model_config = ConfigDict(extra="forbid")

    number: str | None = None
    customer_id: str | None = None
    issue_date: str | None = None
    due_date: str | None = None
    currency: str | None = None
    amount: str | int | None = None
    terms: str | None = None
    grace_days: str | int | None = None
    late_interest_annual_pct: str | int | None = None
    discount_pct: str | int | None = None
    discount_days: str | int | None = None


class InvoiceOut(BaseModel):
    """An invoice as stored, with its open amount today."""

    number: str
    customer_id: str
    kind: str
    issue_date: str
    due_date: str
    currency: str
    amount: str
    open: str
    grace_days: int
    late_interest_annual_pct: str
    discount_pct: str
    discount_days: int
    day_basis: int


class CreditNoteIn(BaseModel):
    """A credit note, as in the canonical credit-notes file."""

    model_config = ConfigDict(extra="forbid")

    number: str | None = None
    customer_id: str | None = None
    invoice_number: str | None = None
    date: str | None = None
    currency: str | None = None
    amount: str | int | None = None


class CreditNoteOut(BaseModel):
    """A credit note as stored."""

    number: str
    customer_id: str
    invoice_number: str | None
    date: str
    currency: str
    amount: str
