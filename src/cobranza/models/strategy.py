"""Collection strategies as data: strategies, their ordered steps and per-language templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, UTCDateTime
from cobranza.models.organisation import PK


class Strategy(Base):
    """An ordered list of steps (`cobranza.core.strategy.Strategy` is its pure form)."""

    __tablename__ = "strategies"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    segments: Mapped[str | None] = mapped_column(Text)  # JSON list: default for these segments
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StrategyStep(Base):
    """One step: when (offset from an anchor), for whom (conditions), what (action) and how."""

    __tablename__ = "strategy_steps"
    __table_args__ = (UniqueConstraint("strategy_id", "code"),
                      UniqueConstraint("strategy_id", "position"))

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    anchor: Mapped[str] = mapped_column(String(16))  # due|previous|month_end
    offset_days: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))
    tone: Mapped[str | None] = mapped_column(String(16))
    template: Mapped[str | None] = mapped_column(String(64))
    requires_previous: Mapped[bool] = mapped_column(Boolean, default=False)
    conditions: Mapped[str | None] = mapped_column(Text)  # JSON: segments, countries, min_overdue
    fee_fixed: Mapped[str | None] = mapped_column(Text)  # JSON {currency: decimal string}
    fee_pct: Mapped[str | None] = mapped_column(String(20))  # decimal string
    params: Mapped[str | None] = mapped_column(Text)  # JSON {name: value}


class MessageTemplate(Base):
    """A template's text in one language: subject, text, HTML and SMS parts (Jinja2 sources)."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("org_id", "code", "language"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    sms: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
