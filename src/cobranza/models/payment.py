"""Payments received from customers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, UTCDateTime
from cobranza.models.organisation import PK


class Payment(Base):
    """Money received; `invoice_numbers` (`;`-separated, in order) are its explicit targets."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        Index("ix_payments_org_id_customer_id", "org_id", "customer_id"),
        Index("ix_payments_org_id_match_id", "org_id", "match_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    code: Mapped[str] = mapped_column(String(64))
    date: Mapped[date] = mapped_column(Day())
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    invoice_numbers: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[str | None] = mapped_column(String(32))
    # A CFDI Pagos 2.0 complement: its UUID and the instalment (NumParcialidad) it pays.
    fiscal_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    installment: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The bank line's match that brought it: one the match made is deleted when it is
    # reversed; one recorded otherwise (a CFDI complement, the accounts) is let go of.
    match_id: Mapped[int | None] = mapped_column(ForeignKey("reconciliation_matches.id"),
                                                 nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
