"""Allocations, derived by the replay, and the manual allocations users pin."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, UTCDateTime
from cobranza.models.organisation import PK


class Allocation(Base):
    """Part of a payment, credit note or discount allowance settling a document on a date.

    Rows are rewritten by the replay (`cobranza.ledger`) whenever a customer's data changes;
    they are never edited by hand: pin a manual allocation instead.
    """

    __tablename__ = "allocations"
    __table_args__ = (
        Index("ix_allocations_org_id_invoice_id", "org_id", "invoice_id"),
        Index("ix_allocations_org_id_customer_id", "org_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    source_kind: Mapped[str] = mapped_column(String(16))  # payment|credit_note|discount
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"),
                                                       nullable=True)
    date: Mapped[date] = mapped_column(Day())
    amount: Mapped[int] = mapped_column(BigInteger)


class PinnedAllocation(Base):
    """A manual allocation made by a user; the replay applies it before the automatic rules."""

    __tablename__ = "pinned_allocations"

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"),
                                                       nullable=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
