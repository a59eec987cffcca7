"""Use cases of the organisation: set up, named terms, API keys."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers
from babel.numbers import get_territory_currencies
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.money import is_currency
from cobranza.core.terms import DAY_BASES, Terms, rate_to_scaled
from cobranza.i18n import _
from cobranza.models import ApiKey, Organisation, PaymentTerms

COUNTRY_DEFAULTS = {
    "CL": ("CLP", "America/Santiago", "es_CL"),
    "MX": ("MXN", "America/Mexico_City", "es_MX"),
    "US": ("USD", "America/New_York", "en_US"),
    "ES": ("EUR", "Europe/Madrid", "es_ES"),
}


class SetupError(ValueError):
    """A setting the user gave is not valid; the message says which and what is expected."""


class NoOrganisation(LookupError):
    """The database has no organisation yet."""


def current(session: Session, *, org_id: int | None = None) -> Organisation:
    """The organisation commands act on: the one asked for, else the first one created."""
    stmt = select(Organisation).order_by(Organisation.id)
    if org_id is not None:
        stmt = stmt.where(Organisation.id == org_id)
    org = session.scalars(stmt.limit(1)).first()
    if org is None:
        raise NoOrganisation()
    return org


@dataclass(frozen=True)
class Letterhead:
    """How the organisation signs its reminders and letters, and how debtors pay it."""

    tax_id: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    payment_instructions: str | None = None


def ensure(session: Session, *, now: datetime, name: str | None, country: str | None,
           currency: str | None, timezone: str | None, locale: str | None,
           max_interest_pct: Decimal | None = None,
           letterhead: Letterhead | None = None) -> Organisation:
    """Create the organisation, or update the settings given explicitly (idempotent)."""
    org = session.scalars(select(Organisation).order_by(Organisation.id).limit(1)).first()
    code = (country or (org.country if org else "CL")).upper()
    if org is None:
        base, tz, loc = country_defaults(code, currency=currency, timezone=timezone)
        org = Organisation(name=name or _("My company"), country=code,
                           base_currency=(currency or base).upper(), timezone=timezone or tz,
                           locale=locale or loc, created_at=now)
        session.add(org)
    else:
        org.name = name or org.name
        org.country = code
        org.base_currency = (currency or org.base_currency).upper()
        org.timezone = timezone or org.timezone
        org.locale = locale or org.locale
    for attr, value in vars(letterhead or Letterhead()).items():
        if value is not None:
            setattr(org, attr, value.strip() or None)
    if max_interest_pct is not None:
        try:
            org.max_interest_scaled = rate_to_scaled(max_interest_pct) if max_interest_pct \
                else None
        except ValueError:
            raise SetupError(_("percentages take at most 4 decimal places")) from None
    _check(org)
    session.flush()
    return org


def country_defaults(code: str, *, currency: str | None = None,
                     timezone: str | None = None) -> tuple[str, str, str]:
    """A country's currency, time zone and locale: ours for the countries we know best, else
    the CLDR's (Babel): its legal tender, its time zone where all of its zones keep one
    clock, its most spoken official language. What the CLDR cannot say is asked for: a
    guessed currency would file a statement's money in the wrong one."""
    if code in COUNTRY_DEFAULTS:
        return COUNTRY_DEFAULTS[code]
    if len(code) != 2 or code not in Locale("en").territories:
        raise SetupError(_("unknown country '{value}'; expected an ISO 3166 code such as CL, "
                           "MX or US", value=code))
    tenders = get_territory_currencies(code, date.today(), tender=True)
    if not tenders and not currency:
        raise SetupError(_("country {country} has no currency of its own; give one with "
                           "--currency", country=code))
    zones = get_global("territory_zones").get(code, [])
    now = datetime.now(UTC)
    offsets = {ZoneInfo(zone).utcoffset(now) for zone in zones}
    if len(offsets) != 1 and not timezone:
        raise SetupError(_("country {country} has several time zones ({zones}); give the "
                           "organisation's with --timezone", country=code,
                           zones=", ".join(zones[:6]) + (", ..." if len(zones) > 6 else "")))
    return (tenders[0] if tenders else "", zones[0] if zones else "", _locale_of(code))


def _locale_of(code: str) -> str:
    """The country's most spoken official language, as a locale Babel knows ("de_DE")."""
    spoken = get_global("territory_languages").get(code, {})
    for language, info in sorted(spoken.items(),
                                 key=lambda kv: -(kv[1].get("population_percent") or 0)):
        if info.get("official_status") and f"{language}_{code}" in locale_identifiers():
            return f"{language}_{code}"
    return "en_US"


def _check(org: Organisation) -> None:
    if not is_currency(org.base_currency):
        raise SetupError(_("unknown currency '{value}'; expected an ISO 4217 code such as CLP, "
                           "MXN or USD", value=org.base_currency))
    try:
        ZoneInfo(org.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SetupError(_("unknown time zone '{value}'; expected an IANA name such as "
                           "America/Santiago", value=org.timezone)) from None
    if len(org.country) != 2 or not org.country.isalpha():
        raise SetupError(_("'{value}' is not a country; expected a two-letter ISO code such as "
                           "CL or MX", value=org.country))


@dataclass(frozen=True)
class TermsInput:
    """Named terms as a user gives them."""

    code: str
    name: str
    terms: Terms


def add_terms(session: Session, *, org: Organisation, data: TermsInput) -> PaymentTerms:
    """Create or replace the organisation's named terms `data.code`."""
    t = data.terms
    if t.net_days < 0 or t.grace_days < 0 or t.discount_days < 0:
        raise SetupError(_("days must be zero or more"))
    if not Decimal(0) <= t.discount_pct < Decimal(100):
        raise SetupError(_("the discount must be a percentage between 0 and 100"))
    if t.day_basis not in DAY_BASES:
        raise SetupError(_("the day basis must be 365 or 360"))
    try:
        discount = rate_to_scaled(t.discount_pct)
        interest = rate_to_scaled(t.late_interest_annual_pct)
    except ValueError:
        raise SetupError(_("percentages take at most 4 decimal places")) from None
    row = session.scalars(select(PaymentTerms).where(
        PaymentTerms.org_id == org.id, PaymentTerms.code == data.code)).first()
    if row is None:
        row = PaymentTerms(org_id=org.id, code=data.code)
        session.add(row)
    row.name = data.name
    row.net_days = t.net_days
    row.grace_days = t.grace_days
    row.discount_pct_scaled = discount
    row.discount_days = t.discount_days
    row.late_interest_scaled = interest
    row.day_basis = t.day_basis
    session.flush()
    return row


def list_terms(session: Session, *, org: Organisation) -> list[PaymentTerms]:
    """The organisation's named terms, by code."""
    return list(session.scalars(select(PaymentTerms).where(PaymentTerms.org_id == org.id)
                                .order_by(PaymentTerms.code)))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(session: Session, *, org: Organisation, name: str, now: datetime) -> str:
    """A new bearer key `cbz_<prefix>_<secret>`; only its hash is stored, so show it once."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(ApiKey(org_id=org.id, name=name, prefix=prefix, secret_hash=_hash(secret),
                       created_at=now))
    session.flush()
    return f"cbz_{prefix}_{secret}"


def organisation_for_key(session: Session, *, token: str) -> int | None:
    """The organisation id a bearer key belongs to, or None when it is unknown or revoked."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "cbz":
        return None
    key = session.scalars(select(ApiKey).where(ApiKey.prefix == parts[1])).first()
    if key is None or key.revoked_at is not None:
        return None
    return key.org_id if hmac.compare_digest(key.secret_hash, _hash(parts[2])) else None


def calendar_days(org: Organisation) -> dict[str, list[str]]:
    """The organisation's own closed and open days (ISO dates), sorted."""
    found = json.loads(org.calendar_overrides or "{}")
    return {kind: sorted(found.get(kind, [])) for kind in ("closed", "open")}


def set_calendar_day(org: Organisation, *, day: date, kind: str) -> None:
    """Mark `day` closed (nobody is contacted) or open (a holiday worked after all)."""
    days = calendar_days(org)
    other = "open" if kind == "closed" else "closed"
    days[other] = [d for d in days[other] if d != day.isoformat()]
    days[kind] = sorted({*days[kind], day.isoformat()})
    org.calendar_overrides = json.dumps(days)
