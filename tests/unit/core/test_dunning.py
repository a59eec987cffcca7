"""Which step an invoice takes on a run, and how a customer's steps become one action."""

from __future__ import annotations

from datetime import date, timedelta

from cobranza.core.dunning import InvoiceStep, Progress, consolidate, decide
from cobranza.core.strategy import Action, Anchor, Channel, Step, Strategy, Tone

DUE = date(2026, 3, 10)
LADDER = Strategy("default", "Default", steps=(
    Step("before_due", Action.MESSAGE, -7, tone=Tone.FRIENDLY),
    Step("due_today", Action.MESSAGE, 0, tone=Tone.FRIENDLY),
    Step("first_overdue", Action.MESSAGE, 3, tone=Tone.FRIENDLY),
    Step("second_reminder", Action.MESSAGE, 10, tone=Tone.FIRM),
    Step("call", Action.CALL, 15, tone=Tone.FIRM),
    Step("letter_1", Action.LETTER, 21, tone=Tone.FORMAL),
    Step("letter_2", Action.LETTER, 30, tone=Tone.FORMAL),
    Step("late_fee", Action.FEE, 30),
    Step("letter_3", Action.LETTER, 45, tone=Tone.FINAL),
    Step("agency", Action.AGENCY, 90, requires_previous=True),
))


def everyone(step: Step) -> bool:
    return True


def on(days_after_due: int, progress: dict[str, Progress] | None = None,
       **kw: object) -> tuple[str | None, list[str], list[str]]:
    decision = decide(strategy=LADDER, due_date=DUE, today=DUE + timedelta(days=days_after_due),
                      progress=progress or {}, eligible=everyone, **kw)  # type: ignore[arg-type]
    return (decision.chosen.code if decision.chosen else None,
            [s.code for s in decision.skipped], [s.code for s in decision.postings])


def done(*codes: str, performed: bool = True) -> dict[str, Progress]:
    return {code: Progress(DUE, performed) for code in codes}


def test_nothing_is_due_before_the_first_step() -> None:
    assert on(-8) == (None, [], [])


def test_each_step_falls_due_on_its_day() -> None:
    assert on(-7) == ("before_due", [], [])
    assert on(0, done("before_due")) == ("due_today", [], [])
    assert on(3, done("before_due", "due_today")) == ("first_overdue", [], [])


def test_a_step_already_taken_is_not_taken_again() -> None:
    assert on(-5, done("before_due")) == (None, [], [])


def test_catch_up_takes_only_the_latest_due_step_and_skips_the_rest() -> None:
    assert on(12) == ("second_reminder", ["before_due", "due_today", "first_overdue"], [])


def test_postings_due_are_done_once_beside_the_ladder() -> None:
    chosen, skipped, postings = on(31, done("before_due", "due_today", "first_overdue",
                                            "second_reminder", "call", "letter_1"))
    assert (chosen, skipped, postings) == ("letter_2", [], ["late_fee"])
    assert on(32, done("before_due", "due_today", "first_overdue", "second_reminder", "call",
                       "letter_1", "letter_2", "late_fee"))[2] == []


def test_the_agency_waits_until_the_final_notice_was_really_sent() -> None:
    taken = ("before_due", "due_today", "first_overdue", "second_reminder", "call",
             "letter_1", "letter_2", "late_fee")
    # Catch-up at day 95 with no final notice: the final notice goes first, never skipped.
    assert on(95, done(*taken))[0] == "letter_3"
    planned_not_sent = done(*taken) | done("letter_3", performed=False)
    assert on(96, planned_not_sent)[0] is None
    assert on(96, done(*taken, "letter_3"))[0] == "agency"


def test_a_broken_promise_makes_the_next_step_due_at_once() -> None:
    taken = done("before_due", "due_today", "first_overdue")
    assert on(5, taken)[0] is None
    assert on(5, taken, broken_promise=True)[0] == "second_reminder"


def test_steps_whose_conditions_fail_are_passed_over() -> None:
    decision = decide(strategy=LADDER, due_date=DUE, today=DUE + timedelta(days=16),
                      progress=done("before_due", "due_today", "first_overdue",
                                    "second_reminder"),
                      eligible=lambda s: s.action is not Action.CALL)
    assert decision.chosen is None


def test_a_step_anchored_on_the_previous_one_counts_from_when_it_was_done() -> None:
    chain = Strategy("chain", "Chain", steps=(
        Step("first", Action.MESSAGE, 0),
        Step("again", Action.MESSAGE, 5, anchor=Anchor.PREVIOUS),
    ))
    progress = {"first": Progress(DUE + timedelta(days=2), True)}
    early = decide(strategy=chain, due_date=DUE, today=DUE + timedelta(days=6),
                   progress=progress, eligible=everyone)
    late = decide(strategy=chain, due_date=DUE, today=DUE + timedelta(days=7),
                  progress=progress, eligible=everyone)
    assert early.chosen is None and late.chosen is not None and late.chosen.code == "again"


def test_month_end_anchor() -> None:
    eom = Strategy("eom", "EOM", steps=(Step("eom", Action.MESSAGE, 2, anchor=Anchor.MONTH_END),))
    before = decide(strategy=eom, due_date=DUE, today=date(2026, 4, 1), progress={},
                    eligible=everyone)
    after = decide(strategy=eom, due_date=DUE, today=date(2026, 4, 2), progress={},
                   eligible=everyone)
    assert before.chosen is None and after.chosen is not None


def item(number: str, step: Step, position: int, *, customer: int = 1, amount: int = 100,
         channel: Channel = Channel.EMAIL, currency: str = "CLP") -> InvoiceStep:
    return InvoiceStep(customer, number, 0, currency, amount, position, step, channel)


def test_one_customers_messages_of_a_day_become_one_at_the_firmest_step() -> None:
    steps = LADDER.steps
    actions = consolidate([item("F2", steps[0], 0), item("F1", steps[3], 3, amount=50),
                           item("F3", steps[1], 1, customer=2)])
    assert [(a.customer_id, a.step.code, a.invoice_numbers, a.amount) for a in actions] == [
        (1, "second_reminder", ["F1", "F2"], 150), (2, "due_today", ["F3"], 100)]


def test_currencies_and_channels_are_never_mixed_in_one_action() -> None:
    steps = LADDER.steps
    actions = consolidate([item("F1", steps[0], 0), item("U1", steps[0], 0, currency="USD"),
                           item("F2", steps[5], 5, channel=Channel.LETTER)])
    assert len(actions) == 3


def test_the_key_is_stable_and_changes_with_the_invoices_or_the_cycle() -> None:
    step = LADDER.steps[0]
    one = consolidate([item("F1", step, 0), item("F2", step, 0)])[0]
    again = consolidate([item("F2", step, 0), item("F1", step, 0)])[0]
    fewer = consolidate([item("F1", step, 0)])[0]
    next_cycle = consolidate([InvoiceStep(1, "F1", 1, "CLP", 100, 0, step, Channel.EMAIL)])[0]
    assert one.key() == again.key()
    assert len({one.key(), fewer.key(), next_cycle.key()}) == 3
