"""The running-balance check of the tabular readers (`formats.csv`): where every movement
states the account's balance after it, the balances must follow from the amounts."""

from __future__ import annotations

from collections import Counter
from datetime import date

import polars as pl

from cobranza.core.money import minor_to_str
from cobranza.i18n import _
from cobranza.importers.parsing import parse_amounts
from cobranza.importers.tabular import LINE, Table
from cobranza.statements.model import StatementError


class BalanceBreak(StatementError):
    """A movement whose balance does not follow from its amount and the other balances."""


def check_running_balance(table: Table, groups: list[tuple[str, str]],
                          codes: pl.Series, exponents: dict[str, int], amounts: list[int],
                          dates: list[date]) -> bool:
    """Check the balances (the statement's balance check, DOMAIN.md aside: the bank's own sums);
    True when they were checked, False when the file states none that can be.
    `groups` gives each row's account and currency: each has its own balances.

    Each movement's balance less its amount is the balance before it: another movement's
    balance or, once per group, the opening balance. That holds whatever the order of the rows
    (newest first, or the days newest first and each day's movements oldest first), and a
    misread amount, sign or decimal point breaks it: its balance before is no movement's
    balance. Without a stated opening balance, the first movement's amount is taken as
    written. A balance column that is partly empty (Itaú's "Saldo Diario", the balance at
    the end of each day only, on the day's last movement) is checked at every row that states
    one (`_stated_rows_follow`), and False returned: the rows between are not. One that is
    unreadable is let be. One that writes the day's closing balance on each of the day's
    movements is checked day by day (`_day_ends_follow`).
    """
    balances, unreadable = parse_amounts(table, "balance", codes, exponents=exponents,
                                         required=False, positive=False)
    if unreadable:
        return False
    if balances.null_count():
        _stated_rows_follow(table, groups, balances.to_list(), amounts, dates, codes)
        return False
    # Per account and currency (`groups`): (position, balance before, balance after).
    rows: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for at, (group, after, amount) in enumerate(zip(groups, balances.to_list(), amounts,
                                                     strict=True)):
        rows.setdefault(group, []).append((at, after - amount, after))
    for movements in rows.values():
        unmatched = Counter(before for _at, before, _after in movements)
        unmatched.subtract(after for _at, _before, after in movements)
        if sum(n for n in unmatched.values() if n > 0) <= 1:
            continue
        if _day_ends_follow(table, movements, dates, codes):
            continue
        # The opening balance is the balance before a movement of the first day; the others
        # left over are where the sums break: the latest of them is shown.
        loose = [at for at, before, _after in movements if unmatched[before] > 0]
        at = max(loose, key=lambda at: (dates[at], -at))
        line = table.frame[LINE][at]
        raise BalanceBreak(table.file, line, table.header("balance"), _(
            "the balance {balance} less the amount {amount} is {before}, the balance of no "
            "other movement: the balances do not follow from the amounts (an amount misread, "
            "or movements missing from the file)",
            balance=_money(balances[at], codes[at]), amount=_money(amounts[at], codes[at]),
            before=_money(balances[at] - amounts[at], codes[at])))
    return True


def _stated_rows_follow(table: Table, groups: list[tuple[str, str]],
                        balances: list[int | None], amounts: list[int], dates: list[date],
                        codes: pl.Series) -> None:
    """Raise at the first row whose stated balance is not the balance stated before it plus
    the movements since (rows with no balance carry on), per account and currency, oldest
    first. The first stated balance only anchors the walk: without an opening balance,
    nothing precedes it to check.

    A file listed newest first is walked by days, oldest first, whatever the order of each
    day's rows: a day's one stated balance is its closing balance; a day stating several, in
    an order the file does not say, anchors the walk again at none of them.
    """
    # (the row a balance is stated on, the rows it moves by, that balance, whether the walk
    # loses its anchor there)
    steps: list[tuple[int, list[int], int | None, bool]] = []
    if len(set(dates)) > 1 and all(a >= b for a, b in zip(dates, dates[1:], strict=False)):
        days: dict[tuple[date, tuple[str, str]], list[int]] = {}
        for at in range(len(amounts) - 1, -1, -1):
            days.setdefault((dates[at], groups[at]), []).append(at)
        for day in days.values():
            given = [at for at in day if balances[at] is not None]
            at = given[0] if given else day[0]
            steps.append((at, day, balances[at] if len(given) == 1 else None, len(given) > 1))
    else:
        steps = [(at, [at], balances[at], False) for at in range(len(amounts))]
    walked: dict[tuple[str, str], tuple[int, int]] = {}  # group: (balance, its row)
    for at, moved, stated, lost in steps:
        group = groups[at]
        if lost:
            walked.pop(group, None)
            continue
        if group in walked:
            previous, since = walked[group]
            walked[group] = (previous + sum(amounts[i] for i in moved), since)
        if stated is None:
            continue
        if group in walked and walked[group][0] != stated:
            expected, since = walked[group]
            raise BalanceBreak(table.file, table.frame[LINE][at], table.header("balance"), _(
                "the balance {balance} is not the {expected} that the balance stated on line "
                "{line} and the movements since make: they differ by {difference} (an amount "
                "misread, or movements missing from the file)",
                balance=_money(stated, codes[at]), expected=_money(expected, codes[at]),
                line=table.frame[LINE][since],
                difference=_money(stated - expected, codes[at])))
        walked[group] = (stated, at)


def _day_ends_follow(table: Table, movements: list[tuple[int, int, int]], dates: list[date],
                     codes: pl.Series) -> bool:
    """True when the balance column is the day's closing balance, written on each of the day's
    movements (one value a day, some day with several movements), and each day's closing
    balance is the day before's plus the day's movements; False when it is not such a column.
    Raises where a day's balance does not follow (the first movement of that day).
    """
    days: dict[date, list[tuple[int, int, int]]] = {}
    for movement in movements:
        days.setdefault(dates[movement[0]], []).append(movement)
    if any(len({after for _at, _before, after in day}) > 1 for day in days.values()):
        return False
    # Evidence that it is no running balance: a day of several movements that move the
    # balance, which a running balance would show moving (movements that cancel out, such as a
    # payout and its conversion, leave a running balance where it was and prove nothing).
    if not any(len(day) > 1 and sum(after - before for _at, before, after in day)
               for day in days.values()):
        return False
    previous: int | None = None
    for on in sorted(days):
        day = days[on]
        closing = day[0][2]
        moved = sum(after - before for _at, before, after in day)
        if previous is not None and previous + moved != closing:
            at = min(at for at, _before, _after in day)
            raise BalanceBreak(table.file, table.frame[LINE][at], table.header("balance"), _(
                "the balance at the end of {day} is {balance}, but the day before's {previous} "
                "and the day's movements, {moved}, make {expected}: the balances do not follow "
                "from the amounts (an amount misread, or movements missing from the file)",
                day=on.isoformat(), balance=_money(closing, codes[at]),
                previous=_money(previous, codes[at]), moved=_money(moved, codes[at]),
                expected=_money(previous + moved, codes[at])))
        previous = closing
    return True


def _money(minor: int, currency: str) -> str:
    return f"{minor_to_str(minor, currency)} {currency}"
