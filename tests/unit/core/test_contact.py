"""When a debtor may be contacted (shared/DOMAIN.md, contact rules by jurisdiction)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cobranza.core.contact import (
    Debtor,
    History,
    Limits,
    NeverAllowed,
    pack_for,
    parse_hours,
    preferred_moment,
    schedule,
)
from cobranza.core.strategy import Channel

SANTIAGO = ZoneInfo("America/Santiago")
MEXICO = ZoneInfo("America/Mexico_City")
CL_HOLIDAYS = {date(2026, 5, 21), date(2026, 9, 18), date(2026, 9, 19)}


def chile(hours: tuple[time, time] | None = None, limits: Limits | None = None) -> Debtor:
    return Debtor(timezone=SANTIAGO, pack=pack_for("CL"), is_holiday=CL_HOLIDAYS.__contains__,
                  hours=hours, limits=limits or Limits())


def at(day: date, hh: int, mm: int = 0, tz: ZoneInfo = SANTIAGO) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz)


MONDAY = date(2026, 3, 9)


def test_a_moment_inside_every_rule_is_not_moved() -> None:
    when, rule = schedule(at(MONDAY, 10), channel=Channel.EMAIL, debtor=chile(),
                          history=History())
    assert (when, rule) == (at(MONDAY, 10), None)


def test_after_eight_pm_in_chile_moves_to_the_next_business_morning() -> None:
    when, rule = schedule(at(MONDAY, 20, 30), channel=Channel.CALL, debtor=chile(),
                          history=History())
    assert when == at(MONDAY + timedelta(days=1), 8)
    assert rule == "cl.window"


def test_saturday_is_legal_in_chile_but_not_a_business_day() -> None:
    saturday = MONDAY + timedelta(days=5)
    when, rule = schedule(at(saturday, 21), channel=Channel.SMS, debtor=chile(),
                          history=History())
    assert when == at(MONDAY + timedelta(days=7), 8)
    assert rule == "business_day"


def test_sunday_is_outside_the_chilean_window() -> None:
    sunday = MONDAY + timedelta(days=6)
    when, rule = schedule(at(sunday, 11), channel=Channel.EMAIL, debtor=chile(),
                          history=History())
    assert when.date() == MONDAY + timedelta(days=7) and rule == "cl.window"


def test_a_public_holiday_moves_contact_to_the_next_business_day() -> None:
    navy_day = date(2026, 5, 21)  # a Thursday
    when, rule = schedule(at(navy_day, 10), channel=Channel.EMAIL, debtor=chile(),
                          history=History(), hour=time(10))
    assert when == at(date(2026, 5, 22), 10) and rule == "cl.holiday"


def test_the_debtors_own_hours_narrow_the_window() -> None:
    debtor = chile(hours=(time(14), time(17)))
    when, rule = schedule(at(MONDAY, 10), channel=Channel.WHATSAPP, debtor=debtor,
                          history=History())
    assert when == at(MONDAY, 14) and rule == "contact_hours"
    later, rule = schedule(at(MONDAY, 17, 5), channel=Channel.WHATSAPP, debtor=debtor,
                           history=History())
    assert later == at(MONDAY + timedelta(days=1), 14) and rule == "contact_hours"


def test_chile_allows_two_written_contacts_in_seven_days_two_days_apart() -> None:
    history = History(written=[MONDAY])
    when, rule = schedule(at(MONDAY + timedelta(days=1), 10), channel=Channel.EMAIL,
                          debtor=chile(), history=history)
    assert when.date() == MONDAY + timedelta(days=2) and rule == "cl.written_spacing"
    history.add(Channel.EMAIL, when.date())
    third, rule = schedule(at(MONDAY + timedelta(days=4), 10), channel=Channel.LETTER,
                           debtor=chile(), history=history)
    assert third.date() == MONDAY + timedelta(days=7) and rule == "cl.written_frequency"


def test_chile_allows_one_call_or_visit_in_seven_days() -> None:
    history = History(voice=[MONDAY])
    when, rule = schedule(at(MONDAY + timedelta(days=3), 10), channel=Channel.VISIT,
                          debtor=chile(), history=history)
    assert when.date() == MONDAY + timedelta(days=7) and rule == "cl.voice_frequency"


def test_a_strategy_may_be_stricter_than_the_law() -> None:
    debtor = chile(limits=Limits(written_per_7_days=1))
    when, rule = schedule(at(MONDAY + timedelta(days=3), 10), channel=Channel.EMAIL,
                          debtor=debtor, history=History(written=[MONDAY]))
    assert when.date() == MONDAY + timedelta(days=7) and rule == "strategy.limits"


def test_mexico_allows_seven_to_ten_pm_on_business_days() -> None:
    debtor = Debtor(timezone=MEXICO, pack=pack_for("MX"), is_holiday=lambda d: False)
    early, rule = schedule(at(MONDAY, 6, tz=MEXICO), channel=Channel.CALL, debtor=debtor,
                           history=History())
    assert early == at(MONDAY, 7, tz=MEXICO) and rule == "mx.window"
    late, _rule = schedule(at(MONDAY, 21, 30, tz=MEXICO), channel=Channel.CALL, debtor=debtor,
                           history=History())
    assert late == at(MONDAY, 21, 30, tz=MEXICO)


def test_postings_reach_nobody_and_are_never_moved() -> None:
    sunday_night = at(MONDAY + timedelta(days=6), 23)
    assert schedule(sunday_night, channel=Channel.NONE, debtor=chile(),
                    history=History()) == (sunday_night, None)


def test_contact_hours_outside_the_legal_window_can_never_be_met() -> None:
    with pytest.raises(NeverAllowed):
        schedule(at(MONDAY, 10), channel=Channel.EMAIL, debtor=chile(hours=(time(21), time(23))),
                 history=History())


def test_contact_hours_parse_and_refuse_nonsense() -> None:
    assert parse_hours("09:00-18:00") == (time(9), time(18))
    assert parse_hours(" ") is None
    for bad in ("18:00-09:00", "nine to five", "09:00"):
        with pytest.raises(ValueError):
            parse_hours(bad)


def test_the_best_hour_is_kept_unless_it_has_passed() -> None:
    run_at = at(MONDAY, 7)
    assert preferred_moment(today=MONDAY, hour=time(10), not_before=run_at,
                            tz=SANTIAGO) == at(MONDAY, 10)
    assert preferred_moment(today=MONDAY, hour=time(10), not_before=at(MONDAY, 15),
                            tz=SANTIAGO) == at(MONDAY, 15)


@settings(max_examples=300, deadline=None)
@given(start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
       past=st.lists(st.integers(min_value=-10, max_value=10), max_size=4),
       channel=st.sampled_from([Channel.EMAIL, Channel.SMS, Channel.LETTER, Channel.CALL]))
def test_whatever_the_start_chile_rules_hold_at_the_scheduled_moment(
        start: datetime, past: list[int], channel: Channel) -> None:
    target = start.replace(tzinfo=SANTIAGO)
    anchor = target.date()
    history = History()
    for offset in sorted(set(past)):
        history.add(channel, anchor + timedelta(days=offset))
    before = list(history.written if channel is not Channel.CALL else history.voice)
    when, _rule = schedule(target, channel=channel, debtor=chile(), history=history)
    local = when.astimezone(SANTIAGO)
    assert when >= target
    assert local.weekday() < 5 and local.date() not in CL_HOLIDAYS
    assert time(8) <= local.time() < time(20)
    day = local.date()
    if channel is Channel.CALL:
        assert all(abs((d - day).days) >= 7 for d in before)
    else:
        assert all(abs((d - day).days) >= 2 for d in before)
        for k in range(7):
            window = [d for d in [*before, day] if day - timedelta(days=k) <= d
                      <= day - timedelta(days=k) + timedelta(days=6)]
            assert len(window) <= 2
