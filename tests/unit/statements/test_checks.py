"""Checks every statement passes: balances, currencies, decimals, dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cobranza.statements.checks import check_statement
from cobranza.statements.model import ParsedStatement, StatementLine


def statement(*amounts: str, currency: str = "MXN", opening: str | None = "100.00",
              closing: str | None = "150.00", line_currency: str | None = None
              ) -> ParsedStatement:
    lines = [StatementLine(booking_date=date(2026, 3, 2), amount=Decimal(a),
                           currency=line_currency or currency, line=10 + i)
             for i, a in enumerate(amounts)]
    return ParsedStatement(format="camt", account="MX00", currency=currency, lines=lines,
                           opening_balance=Decimal(opening) if opening else None,
                           closing_balance=Decimal(closing) if closing else None, line=3)


def test_balances_that_add_up_pass() -> None:
    assert check_statement(statement("80.00", "-30.00"), file="s") == []


def test_balances_that_do_not_add_up_say_by_how_much() -> None:
    [error] = check_statement(statement("80.00"), file="s")
    assert (error.file, error.line, error.field) == ("s", 3, "balance")
    assert "= 180.00" in error.message and "differ by -30.00 MXN" in error.message


def test_without_both_balances_there_is_nothing_to_add_up() -> None:
    assert check_statement(statement("80.00", closing=None), file="s") == []


def test_three_decimals_in_pesos_are_refused_where_they_are() -> None:
    error, closing = check_statement(statement("50.001", closing="150.001"), file="s")
    assert (error.line, error.field) == (10, "amount")
    assert closing.field == "closing balance"
    assert "more decimals than MXN allows (2)" in error.message


def test_trailing_zeros_are_not_extra_decimals() -> None:
    assert check_statement(statement("50.000", closing="150.00"), file="s") == []


def test_an_unknown_currency_is_refused_and_any_iso_currency_is_fine() -> None:
    [error] = check_statement(statement("50.00", currency="XYZ"), file="s")
    assert error.field == "currency" and "'XYZ' is not an ISO 4217" in error.message
    assert check_statement(statement("50.00", currency="CHF"), file="s") == []


def test_a_movement_in_another_currency_than_the_account_is_refused() -> None:
    [error] = check_statement(statement("50.00", line_currency="USD"), file="s")
    assert error.line == 10 and "a movement in USD on a MXN account" in error.message


def test_balances_without_any_date_are_refused() -> None:
    [error] = check_statement(statement(opening="1.00", closing="1.00"), file="s")
    assert error.field == "date"
    assert check_statement(statement(opening=None, closing=None), file="s") == []


def test_a_statement_without_an_account_asks_for_one() -> None:
    empty = statement("50.00")
    empty.account = ""
    assert "--account" in check_statement(empty, file="s")[0].message
