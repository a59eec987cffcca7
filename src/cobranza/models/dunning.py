"""What the daily run decides: actions (the outbox), each invoice's progress, collector tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, UTCDateTime
from cobranza.models.organisation import PK


class CollectionAction(Base):
    """One action for one customer: a message, letter, task, posting, hand-off, block or webhook.

    `key` is unique per organisation: a hash of the customer, the step, the invoices it covers and
    the dunning cycle, so the same run twice, or two overlapping runs, write nothing new. Rows with
    a message channel are the outbox the worker sends; `status` moves
    planned -> queued -> sending -> sent|delivered|bounced|failed, or cancelled/skipped/done.
    """

    __tablename__ = "collection_actions"
    __table_args__ = (
        UniqueConstraint("org_id", "key"),
        Index("ix_collection_actions_status_scheduled_at", "status", "scheduled_at"),
        Index("ix_collection_actions_org_id_customer_id", "org_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    key: Mapped[str] = mapped_column(String(64))
    strategy_id: Mapped[int | None] = mapped_column(ForeignKey("strategies.id"), nullable=True)
    step_code: Mapped[str] = mapped_column(String(64))
    cycle: Mapped[int] = mapped_column(Integer, default=0)
    action: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    tone: Mapped[str | None] = mapped_column(String(16))
    template: Mapped[str | None] = mapped_column(String(64))
    invoice_numbers: Mapped[str] = mapped_column(Text)  # JSON list, sorted
    amount: Mapped[int] = mapped_column(BigInteger)  # open amount covered, minor units
    currency: Mapped[str] = mapped_column(String(3))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deferred_by: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(320))  # address or number used
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    provider_id: Mapped[str | None] = mapped_column(String(200))
    fallback_of: Mapped[int | None] = mapped_column(ForeignKey("collection_actions.id"),
                                                    nullable=True)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the run's as-of
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DunningProgress(Base):
    """Where one invoice stands in its strategy: each step done or skipped, once per cycle."""

    __tablename__ = "dunning_progress"
    __table_args__ = (
        UniqueConstraint("invoice_id", "cycle", "step_code"),
        Index("ix_dunning_progress_org_id_invoice_id", "org_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    cycle: Mapped[int] = mapped_column(Integer)
    step_code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # done|skipped
    action_id: Mapped[int | None] = mapped_column(ForeignKey("collection_actions.id"),
                                                  nullable=True)
    day: Mapped[date] = mapped_column(Day())  # the run's local date


class CollectionTask(Base):
    """A call or visit for a collector, with its script and, once logged, its outcome."""

    __tablename__ = "collection_tasks"
    __table_args__ = (Index("ix_collection_tasks_org_id_status", "org_id", "status"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("collection_actions.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(8))  # call|visit
    collector: Mapped[str | None] = mapped_column(String(120))
    situation: Mapped[str] = mapped_column(String(32))  # first_call|broken_promise|large_amount
    script: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open|done|cancelled
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(120))
