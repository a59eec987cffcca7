"""Checks every statement passes, whatever format it came in (shared/DOMAIN.md, Money).

They return errors as values, so one run reports every problem of a file at once.
"""

from __future__ import annotations

from decimal import Decimal

from cobranza.core.money import exponent, fits_currency, is_currency
from cobranza.i18n import _
from cobranza.statements.model import (
    ParsedStatement,
    StatedTotal,
    StatementError,
    StatementLine,
)

ACCOUNT_MAX = 64  # bank_statements.account


def check_statement(statement: ParsedStatement, *, file: str) -> list[StatementError]:
    """Everything wrong with one statement: currency, amounts, dates, balances."""
    errors: list[StatementError] = []
    if not statement.account.strip():
        errors.append(StatementError(file, statement.line, "account", _(
            "the statement names no account; give one with --account")))
    elif len(statement.account) > ACCOUNT_MAX:
        errors.append(StatementError(file, statement.line, "account", _(
            "'{value}' is longer than {n} characters", value=statement.account, n=ACCOUNT_MAX)))
    currency = statement.currency
    if currency is not None and not is_currency(currency):
        errors.append(_unknown_currency(file, statement.line, currency))
        currency = None
    for line in statement.lines:
        if currency is None and line.currency == statement.currency:
            continue  # the unknown currency was reported once, on the statement
        errors.extend(_check_line(line, statement_currency=currency, file=file))
    if statement.period_end is None and not statement.lines and (
            statement.opening_balance is not None or statement.closing_balance is not None):
        # Balances without a date say nothing checkable; an empty, dateless one is just skipped.
        errors.append(StatementError(file, statement.line, "date", _(
            "the statement states no period and has no movements; expected dates")))
    if currency is not None:
        for label, balance in (("opening balance", statement.opening_balance),
                               ("closing balance", statement.closing_balance)):
            if balance is not None and not fits_currency(balance, currency):
                errors.append(_too_precise(file, statement.line, label, balance, currency))
    if not errors:
        errors.extend(check_balance(statement, file=file))
        errors.extend(e for total in statement.totals
                      if (e := _check_total(statement, total, file=file)) is not None)
    return errors


def check_balance(statement: ParsedStatement, *, file: str) -> list[StatementError]:
    """Opening balance + movements = closing balance, where the statement states both."""
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is None or closing is None:
        return []
    movements = sum((line.amount for line in statement.lines), Decimal(0))
    expected = opening + movements
    if expected == closing:
        return []
    # Located at the closing balance: the figure the movements fail to reach.
    return [StatementError(file, statement.closing_line or statement.line,
                           statement.closing_field or "balance", _(
        "opening balance {opening} + movements {movements} = {expected}, but the closing "
        "balance is {closing}: they differ by {difference} {currency}",
        opening=opening, movements=movements, expected=expected, closing=closing,
        difference=closing - expected, currency=statement.currency or ""))]


def _check_total(statement: ParsedStatement, total: StatedTotal, *,
                 file: str) -> StatementError | None:
    """The movements on one side add up to the number and sum the bank states for it."""
    side = [line.amount for line in statement.lines
            if (line.amount > 0 if total.credit else line.amount < 0)]
    zero = sum(1 for line in statement.lines if line.amount == 0)  # either side: its mark is lost
    read = abs(sum(side, Decimal(0)))
    if read == total.amount and len(side) <= total.count <= len(side) + zero:
        return None
    kind = _("credit") if total.credit else _("debit")
    return StatementError(file, total.line, total.field, _(
        "the file states {count} {kind} entries of {stated} {currency}, but its {kind} "
        "movements are {n} of {read}: they differ by {difference} {currency}",
        count=total.count, kind=kind, stated=total.amount, n=len(side), read=read,
        difference=total.amount - read, currency=statement.currency or ""))


def _check_line(line: StatementLine, *, statement_currency: str | None,
                file: str) -> list[StatementError]:
    if not is_currency(line.currency):
        return [_unknown_currency(file, line.line, line.currency)]
    if statement_currency is not None and line.currency != statement_currency:
        return [StatementError(file, line.line, "currency", _(
            "a movement in {currency} on a {statement} account; expected {statement}",
            currency=line.currency, statement=statement_currency))]
    if not fits_currency(line.amount, line.currency):
        return [_too_precise(file, line.line, "amount", line.amount, line.currency)]
    return []


def _unknown_currency(file: str, line: int, code: str) -> StatementError:
    return StatementError(file, line, "currency", _(
        "'{value}' is not an ISO 4217 currency code; expected e.g. MXN, CLP, USD, EUR",
        value=code))


def _too_precise(file: str, line: int, field: str, amount: Decimal,
                 currency: str) -> StatementError:
    return StatementError(file, line, field, _(
        "{amount} has more decimals than {currency} allows ({n})", amount=amount,
        currency=currency, n=exponent(currency)))
