"""The customer's collection state: promises, disputes, pauses, extensions, hand-offs, contacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, UTCDateTime
from cobranza.models.organisation import PK


class Promise(Base):
    """A promise to pay an amount by a date, taken by someone; kept, broken or cancelled later."""

    __tablename__ = "promises"
    __table_args__ = (Index("ix_promises_org_id_customer_id", "org_id", "customer_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    promised_date: Mapped[date] = mapped_column(Day())
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    taken_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open|kept|broken|cancelled
    # What the customer had paid (in this currency) when the promise was taken.
    paid_before: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Dispute(Base):
    """A disputed invoice: collection of it stops until the dispute is resolved."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_org_id_invoice_id", "org_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    reason: Mapped[str] = mapped_column(String(32))  # not_received|wrong_amount|quality|...
    note: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution: Mapped[str | None] = mapped_column(Text)


class Pause(Base):
    """Collection paused for a customer, with a reason, until a date (inclusive)."""

    __tablename__ = "pauses"
    __table_args__ = (Index("ix_pauses_org_id_customer_id", "org_id", "customer_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[date] = mapped_column(Day())
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Extension(Base):
    """A new due date granted for an invoice; collection restarts from it (a new dunning cycle)."""

    __tablename__ = "extensions"
    __table_args__ = (Index("ix_extensions_org_id_invoice_id", "org_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    new_due_date: Mapped[date] = mapped_column(Day())
    granted_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PaymentPlan(Base):
    """A payment plan agreed with the customer; while current, reminders stop."""

    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = mapped_column(BigInteger)
    instalments: Mapped[str] = mapped_column(Text)  # JSON [[day, minor], ...]
    status: Mapped[str] = mapped_column(String(16))  # current|completed|defaulted|cancelled
    agreed_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SatisfactionAnswer(Base):
    """The customer's answer to the first overdue reminder's question about the service."""

    __tablename__ = "satisfaction_answers"

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("collection_actions.id"),
                                                  nullable=True)
    score: Mapped[int | None] = mapped_column(Integer)  # 1-5
    answer: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BadContact(Base):
    """An address or number that bounced or failed for good; the run stops using it."""

    __tablename__ = "bad_contacts"
    __table_args__ = (Index("ix_bad_contacts_org_id_customer_id", "org_id", "customer_id"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class AgencyHandoff(Base):
    """Invoices handed to an external collection agency; internal collection of them stops."""

    __tablename__ = "agency_handoffs"

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("collection_actions.id"),
                                                  nullable=True)
    agency: Mapped[str] = mapped_column(String(200))
    commission_scaled: Mapped[int] = mapped_column(Integer)  # % × 10,000; at most 50%
    invoice_numbers: Mapped[str] = mapped_column(Text)  # JSON list
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    files: Mapped[str | None] = mapped_column(Text)  # JSON list of written paths
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ActivityEntry(Base):
    """The customer's timeline: append-only, each entry hashing the previous one (seq - 1)."""

    __tablename__ = "activity_log"
    __table_args__ = (Index("uq_activity_log_customer_id_seq", "customer_id", "seq",
                            unique=True),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
