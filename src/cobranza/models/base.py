"""Declarative base, naming convention and the column types money and dates are stored in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EPOCH = date(1970, 1, 1)


class Base(DeclarativeBase):
    """Base of every cobranza model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Day(TypeDecorator[date]):
    """A calendar date stored as whole days since 1970-01-01.

    Aging and interest subtract dates over millions of rows; integers make that arithmetic the
    same, exact and fast on SQLite and PostgreSQL (as integer minor units do for money).
    """

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> int | None:
        return None if value is None else (value - EPOCH).days

    def process_result_value(self, value: int | None, dialect: Dialect) -> date | None:
        return None if value is None else EPOCH + timedelta(days=value)


def day_number(value: date) -> int:
    """The stored form of a date (for hand-written SQL)."""
    return (value - EPOCH).days


def from_day_number(value: int) -> date:
    """Inverse of `day_number`."""
    return EPOCH + timedelta(days=value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp always stored and returned in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal kept as text (SQLite has no exact numeric type)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


Money = BigInteger  # integer minor units; the currency is a sibling column
