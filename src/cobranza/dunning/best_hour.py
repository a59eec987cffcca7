"""The hour to reach a debtor: the one place a learned model will replace.

Until one exists (issue "collection engine", item 3): the local hour at which this customer
answered before (a satisfaction reply, a call that reached them), else the most common such hour
in the customer's segment, else mid-morning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

from cobranza.core.contact import MID_MORNING


def _mode_hour(moments: Sequence[datetime], tz: ZoneInfo) -> int | None:
    if not moments:
        return None
    counts = Counter(m.astimezone(tz).hour for m in moments)
    # The most frequent hour; ties go to the earlier hour, so the choice is deterministic.
    return min(counts, key=lambda hour: (-counts[hour], hour))


def best_hours(*, customer_ids: Sequence[int], replies: Mapping[int, Sequence[datetime]],
               segment_of: Callable[[int], str | None],
               timezone_of: Callable[[int], ZoneInfo]) -> dict[int, time]:
    """The best local hour to contact each customer."""
    by_segment: dict[str | None, list[tuple[datetime, ZoneInfo]]] = {}
    for customer_id, moments in replies.items():
        tz = timezone_of(customer_id)
        by_segment.setdefault(segment_of(customer_id), []).extend((m, tz) for m in moments)
    segment_hour: dict[str | None, int | None] = {}
    for segment, pairs in by_segment.items():
        counts = Counter(m.astimezone(tz).hour for m, tz in pairs)
        segment_hour[segment] = min(counts, key=lambda h: (-counts[h], h)) if counts else None
    hours: dict[int, time] = {}
    for customer_id in customer_ids:
        own = _mode_hour(replies.get(customer_id, ()), timezone_of(customer_id))
        if own is None:
            segment = segment_of(customer_id)
            own = segment_hour.get(segment) if segment is not None else None
        hours[customer_id] = time(own) if own is not None else MID_MORNING
    return hours
