"""The customer (deudor): who owes, how to reach them and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, UTCDateTime
from cobranza.models.organisation import PK


class Customer(Base):
    """A debtor of the organisation; `code` is the id the business knows it by."""

    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        Index("ix_customers_org_id_tax_key", "org_id", "tax_key"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    tax_id: Mapped[str | None] = mapped_column(String(32))
    tax_key: Mapped[str | None] = mapped_column(String(32))  # tax id without punctuation
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    whatsapp: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    preferred_payment_method: Mapped[str | None] = mapped_column(String(32))
    contact_hours: Mapped[str | None] = mapped_column(String(32))  # "09:00-18:00"
    segment: Mapped[str | None] = mapped_column(String(64))
    credit_limit: Mapped[int | None] = mapped_column(BigInteger)  # minor units, base currency
    collector: Mapped[str | None] = mapped_column(String(120))
    # Collection: an assigned strategy (else the segment's default), a cease request or
    # opt-out that stops contact outright (DOMAIN.md, contact rules), and a credit block.
    strategy_id: Mapped[int | None] = mapped_column(ForeignKey("strategies.id"), nullable=True)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    do_not_contact_reason: Mapped[str | None] = mapped_column(Text)
    credit_blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
