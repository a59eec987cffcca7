"""Per-day values of indexation units (UF, UDI) and exchange rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, DecimalText
from cobranza.models.organisation import PK


class Rate(Base):
    """The value of one unit of `code` (UF, UDI, USD...) in `quote` currency on `date`."""

    __tablename__ = "rates"
    __table_args__ = (UniqueConstraint("org_id", "code", "quote", "date"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    quote: Mapped[str] = mapped_column(String(3))
    date: Mapped[date] = mapped_column(Day())
    value: Mapped[Decimal] = mapped_column(DecimalText())
