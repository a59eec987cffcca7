"""Invoices and posted late charges: the documents a customer owes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, DecimalText, UTCDateTime
from cobranza.models.organisation import PK


class Invoice(Base):
    """A receivable document. Terms are copied onto it when it is recorded, as agreed at sale."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("org_id", "number"),
        Index("ix_invoices_org_id_customer_id", "org_id", "customer_id"),
        # Posted fees and interest are found by the invoice they belong to.
        Index("ix_invoices_org_id_parent_id", "org_id", "parent_id"),
        Index("ix_invoices_org_id_fiscal_id", "org_id", "fiscal_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="invoice")  # invoice|fee|interest
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    issue_date: Mapped[date] = mapped_column(Day())
    due_date: Mapped[date] = mapped_column(Day())
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("payment_terms.id"), nullable=True)
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    discount_pct_scaled: Mapped[int] = mapped_column(Integer, default=0)
    discount_days: Mapped[int] = mapped_column(Integer, default=0)
    late_interest_scaled: Mapped[int] = mapped_column(Integer, default=0)
    day_basis: Mapped[int] = mapped_column(Integer, default=365)
    # Set when the invoice was handed to an external agency: internal collection stops.
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("agency_handoffs.id"),
                                                   nullable=True)
    # Electronic invoices: the CFDI UUID or the DTE key ("33-1234" with the issuer's RUT
    # implied), CFDI MetodoPago (PUE paid at once, PPD in instalments) and TipoCambio.
    fiscal_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fiscal_payment_method: Mapped[str | None] = mapped_column(String(8), nullable=True)
    exchange_rate: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InvoiceSubstitution(Base):
    """A CFDI the issuer cancelled at the SAT and reissued as `invoice_number` (CfdiRelacionados
    with TipoRelacion 04), remembered whether or not the cancelled one is in the ledger, so that
    importing it later does not make it owed, or credit or pay twice. The substitute is an
    invoice or a credit note, by its number, or a payment complement, by its UUID.

    Keyed by the cancelled fiscal id (a cancellation names one substitute), and the substitute
    by number, as credit notes name their invoice: files import in any order (DOMAIN.md).
    """

    __tablename__ = "invoice_substitutions"
    __table_args__ = (UniqueConstraint("org_id", "fiscal_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    fiscal_id: Mapped[str] = mapped_column(String(64))  # the cancelled CFDI's UUID
    invoice_number: Mapped[str] = mapped_column(String(64))  # the document substituting it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
