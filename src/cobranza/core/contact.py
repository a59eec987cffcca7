"""When a debtor may be contacted: hours, business days and the jurisdiction packs.

shared/DOMAIN.md, "Contact rules by jurisdiction": every message, call and visit is checked; an
action a rule blocks moves to the next allowed moment and the rule that moved it is recorded.

| pack | window (debtor's local time) | frequency |
|---|---|---|
| CL | Mon–Sat 08:00–20:00, no public holidays | calls+visits ≤ 1 per 7 days; written ≤ 2 per 7 days, ≥ 2 days apart |
| MX | 07:00–22:00 | — |
| US (Reg F) | 08:00–21:00 | calls ≤ 7 per 7 days; none within 7 days of a conversation |

On top of the pack, cobranza contacts only on the debtor's business days (Monday to Friday, no
bank or public holiday of the debtor's country, with the organisation's own overrides) and inside
the debtor's own contact hours. Pure: the calendar and the history are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cobranza.core.strategy import Channel

WRITTEN = frozenset({Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.LETTER})
VOICE = frozenset({Channel.CALL, Channel.VISIT})
MID_MORNING = time(10, 0)
_MAX_MOVES = 400  # a year of days: more means the rules can never be met


@dataclass(frozen=True, slots=True)
class Pack:
    """A jurisdiction's contact rules; None means the pack sets no such rule."""

    code: str
    weekdays: frozenset[int] = frozenset(range(7))  # Monday = 0
    start: time | None = None
    end: time | None = None  # exclusive
    no_holidays: bool = False
    written_per_7_days: int | None = None
    written_min_days_apart: int | None = None
    voice_per_7_days: int | None = None
    quiet_days_after_conversation: int | None = None


PACKS: dict[str, Pack] = {
    "CL": Pack("cl", weekdays=frozenset(range(6)), start=time(8), end=time(20), no_holidays=True,
               written_per_7_days=2, written_min_days_apart=2, voice_per_7_days=1),
    "MX": Pack("mx", start=time(7), end=time(22)),
    "US": Pack("us", start=time(8), end=time(21), voice_per_7_days=7,
               quiet_days_after_conversation=7),
}
NO_PACK = Pack("none")


def pack_for(country: str | None) -> Pack:
    """The contact rules of the debtor's jurisdiction (none where DOMAIN.md sets none)."""
    return PACKS.get((country or "").upper(), NO_PACK)


@dataclass(frozen=True, slots=True)
class Limits:
    """A strategy's own limits, stricter than the law (never looser: the pack still applies)."""

    written_per_7_days: int | None = None
    written_min_days_apart: int | None = None
    voice_per_7_days: int | None = None


@dataclass(frozen=True, slots=True)
class Debtor:
    """Where and when one debtor may be reached."""

    timezone: ZoneInfo
    pack: Pack
    is_holiday: Callable[[date], bool]
    hours: tuple[time, time] | None = None  # the debtor's own contact hours, end exclusive
    limits: Limits = field(default_factory=Limits)


@dataclass(slots=True)
class History:
    """The debtor's contacts (local dates) already made or planned, and recent conversations."""

    written: list[date] = field(default_factory=list)
    voice: list[date] = field(default_factory=list)
    conversations: list[date] = field(default_factory=list)

    def add(self, channel: Channel, day: date) -> None:
        """Count a contact planned on `day`."""
        if channel in WRITTEN:
            self.written.append(day)
        elif channel in VOICE:
            self.voice.append(day)


class NeverAllowed(ValueError):
    """The rules leave no moment to contact this debtor (e.g. contact hours outside the window)."""


def parse_hours(text: str | None) -> tuple[time, time] | None:
    """'09:00-18:00' -> (09:00, 18:00); None or '' -> None. Raises ValueError when malformed."""
    if not text or not text.strip():
        return None
    start, sep, end = text.strip().partition("-")
    if not sep:
        raise ValueError(text)
    first, last = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    if last <= first:
        raise ValueError(text)
    return first, last


def _too_many(days: Sequence[date], day: date, per_7_days: int | None) -> bool:
    """True when adding `day` would put more than `per_7_days` in some 7 consecutive days."""
    if per_7_days is None:
        return False
    for start in (day - timedelta(days=k) for k in range(7)):
        inside = sum(1 for d in days if start <= d <= start + timedelta(days=6))
        if inside + 1 > per_7_days:
            return True
    return False


def _too_close(days: Sequence[date], day: date, min_apart: int | None) -> bool:
    return min_apart is not None and any(abs((d - day).days) < min_apart for d in days)


def _day_rule(day: date, channel: Channel, debtor: Debtor, history: History) -> str | None:
    """The first rule that forbids contact by `channel` on local `day`, or None."""
    pack, limits = debtor.pack, debtor.limits
    if day.weekday() not in pack.weekdays:
        return f"{pack.code}.window"
    if debtor.is_holiday(day):
        return f"{pack.code}.holiday" if pack.no_holidays else "holiday"
    if day.weekday() >= 5:
        return "business_day"
    if channel in WRITTEN:
        if _too_close(history.written, day, pack.written_min_days_apart):
            return f"{pack.code}.written_spacing"
        if _too_many(history.written, day, pack.written_per_7_days):
            return f"{pack.code}.written_frequency"
        if (_too_close(history.written, day, limits.written_min_days_apart)
                or _too_many(history.written, day, limits.written_per_7_days)):
            return "strategy.limits"
    if channel in VOICE:
        if _too_many(history.voice, day, pack.voice_per_7_days):
            return f"{pack.code}.voice_frequency"
        quiet = pack.quiet_days_after_conversation
        if quiet and any(timedelta(0) <= day - d < timedelta(days=quiet)
                         for d in history.conversations):
            return f"{pack.code}.conversation"
        if _too_many(history.voice, day, limits.voice_per_7_days):
            return "strategy.limits"
    return None


def _window(debtor: Debtor) -> tuple[time, time, str, str]:
    """Today's allowed [start, end) and the rule named by each edge."""
    pack = debtor.pack
    start, start_rule = time(0), ""
    end, end_rule = time.max, ""
    if pack.start is not None and pack.end is not None:
        start, end = pack.start, pack.end
        start_rule = end_rule = f"{pack.code}.window"
    if debtor.hours is not None:
        own_start, own_end = debtor.hours
        if own_start > start:
            start, start_rule = own_start, "contact_hours"
        if own_end < end:
            end, end_rule = own_end, "contact_hours"
    if end <= start:
        raise NeverAllowed(f"{debtor.hours} outside {pack.code} window")
    return start, end, start_rule, end_rule


def schedule(target: datetime, *, channel: Channel, debtor: Debtor, history: History,
             hour: time | None = None) -> tuple[datetime, str | None]:
    """The first allowed moment at or after `target` (aware), and the first rule that moved it.

    A contact moved to a later day goes at the debtor's best `hour` there (or the window's
    opening). Channels that reach nobody (`none`) are never moved.
    """
    if channel not in WRITTEN and channel not in VOICE:
        return target, None
    tz = debtor.timezone
    start, end, start_rule, end_rule = _window(debtor)
    local = target.astimezone(tz)
    moved_by: str | None = None
    for _ in range(_MAX_MOVES):
        rule = _day_rule(local.date(), channel, debtor, history)
        if rule is None and local.time() >= end:
            rule = end_rule
        if rule is not None:
            moved_by = moved_by or rule
            nxt = local.date() + timedelta(days=1)
            opening = max(start, hour) if hour is not None and hour < end else start
            local = datetime.combine(nxt, opening, tzinfo=tz)
            continue
        if local.time() < start:
            moved_by = moved_by or start_rule
            local = datetime.combine(local.date(), start, tzinfo=tz)
        # Normalise through UTC so a wall time inside a DST gap lands on a real instant.
        return local.astimezone(UTC).astimezone(tz), moved_by
    raise NeverAllowed(f"no allowed day within {_MAX_MOVES} days")


def preferred_moment(*, today: date, hour: time, not_before: datetime, tz: ZoneInfo) -> datetime:
    """The debtor's best hour on `today` (local), or `not_before` when that hour has passed."""
    wanted = datetime.combine(today, hour, tzinfo=tz)
    return max(wanted, not_before.astimezone(tz))
