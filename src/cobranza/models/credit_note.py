"""Credit notes (notas de crédito)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, UTCDateTime
from cobranza.models.organisation import PK


class CreditNote(Base):
    """Credit given to a customer; it settles `invoice_number` first when it names one.

    The invoice is kept by number, not by row id, so credit notes and invoices can be imported
    in any order (DOMAIN.md: the same data in any order gives the same allocations).
    """

    __tablename__ = "credit_notes"
    __table_args__ = (
        UniqueConstraint("org_id", "number"),
        Index("ix_credit_notes_org_id_customer_id", "org_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    number: Mapped[str] = mapped_column(String(64))
    invoice_number: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[date] = mapped_column(Day())
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    fiscal_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # CFDI UUID, DTE
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
