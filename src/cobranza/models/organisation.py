"""The organisation (the creditor), its named payment terms and its API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, UTCDateTime

PK = BigInteger().with_variant(Integer, "sqlite")


class Organisation(Base):
    """A business that collects: country, base currency, time zone and locale."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    base_currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    # Legal maximum late-interest rate (annual %, scaled by 10,000) where the business sets one.
    max_interest_scaled: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Letterhead and how debtors pay (printed in every reminder and letter).
    tax_id: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    payment_instructions: Mapped[str | None] = mapped_column(Text)
    # The organisation's own business-day overrides: JSON {"closed": [days], "open": [days]}.
    calendar_overrides: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PaymentTerms(Base):
    """Named terms such as "30D" or "2/10 net 30", referenced by invoices."""

    __tablename__ = "payment_terms"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    net_days: Mapped[int] = mapped_column(Integer)
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    discount_pct_scaled: Mapped[int] = mapped_column(Integer, default=0)
    discount_days: Mapped[int] = mapped_column(Integer, default=0)
    late_interest_scaled: Mapped[int] = mapped_column(Integer, default=0)
    day_basis: Mapped[int] = mapped_column(Integer, default=365)


class ApiKey(Base):
    """A bearer key for the JSON API; only a hash of the secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
