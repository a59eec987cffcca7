"""Payment providers' and card issuers' CSV exports: each line's amount is what moved the
account (the net after fees, a card's charge as money out), and rows the provider lists without
booking them are no movements. Each excerpt keeps its provider's header row and cell formats."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from cobranza.i18n import language
from cobranza.statements.formats import csv as statement_csv
from cobranza.statements.model import StatementError


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


def _read(text: str, **kwargs: object) -> list[tuple[object, ...]]:
    """(booking date, amount, currency, transaction id) of each line of a one-statement file."""
    data = text.encode()
    assert statement_csv.identify(data)
    [statement] = statement_csv.extract_csv(data, file="p.csv", **kwargs)  # type: ignore[arg-type]
    return [(ln.booking_date, ln.amount, ln.currency, ln.transaction_id) for ln in statement.lines]


# American Express: "Card Member", "Extended Details", "Appears On Your Statement As" are its
# own headers; a charge is positive, a payment to the card negative.
AMEX = ("Date,Description,Card Member,Account #,Amount,Extended Details,"
        "Appears On Your Statement As,Address,City/State,Zip Code,Country,Reference,Category\n"
        "06/09/2026,AUTOPAY PAYMENT - THANK YOU,J DOE,-55004,-256.87,,,,,,,'3202616',\n"
        "05/24/2026,DUNKIN #365203 CUMMING GA,J DOE,-55004,1.70,,,,,,,'3202617',Restaurant\n")


def test_an_amex_charge_is_money_out_and_a_payment_money_in() -> None:
    assert [(day, amount) for day, amount, _code, _id in _read(AMEX, currency="USD")] == [
        (date(2026, 6, 9), Decimal("256.87")), (date(2026, 5, 24), Decimal("-1.70"))]


def test_amex_short_export_reads_as_a_banks_unless_mapped_as_a_charge() -> None:
    # Amex's shortest export is Date, Description, Amount: a bank's layout, so its sign is
    # read as a bank's unless the mapping says the amount is a card's charge.
    text = "Date,Description,Amount\n05/24/2026,DUNKIN,1.70\n05/25/2026,PAYMENT - THANK YOU,-100.00\n"
    assert [a for _d, a, _c, _i in _read(text, currency="USD")] == [
        Decimal("1.70"), Decimal("-100.00")]
    assert [a for _d, a, _c, _i in _read(text, currency="USD", mapping={"charge": "Amount"})] == [
        Decimal("-1.70"), Decimal("100.00")]


# PayPal's activity download (rows of OCA/bank-statement-import's fixture): a withdrawal to the
# bank stays Pending while its Balance already counts it; a currency conversion moves each
# currency's balance.
PAYPAL = ("Date,Time,TimeZone,Name,Type,Status,Currency,Gross,Fee,Net,Transaction ID,"
          "Reference Txn ID,Invoice Number,Balance\n"
          "29/12/2015,07:45:51,PST,PARTNER1,General Payment,Completed,USD,84,-4.25,79.75,TID1,,,"
          "79.75\n"
          "12/02/2016,13:30:31,PST,,User Initiated Currency Conversion,Completed,USD,-50,0,-50,"
          "TID2,TID3,,29.75\n"
          "12/02/2016,13:30:31,PST,,User Initiated Currency Conversion,Completed,EUR,43.34,0,"
          "43.34,TID3,TID2,,43.34\n"
          "25/07/2016,01:47:56,PDT,,General Withdrawal,Pending,EUR,-12431.37,0,-12431.37,TID11,,,"
          "-12388.03\n"
          "25/07/2016,01:47:56,PDT,,General Currency Conversion 4,Completed,EUR,12431.37,0,"
          "12431.37,TID13,TID11,,43.34\n")


def test_paypal_is_read_by_its_net_and_a_pending_row_its_balance_counts_is_booked() -> None:
    assert _read(PAYPAL) == [
        (date(2015, 12, 29), Decimal("79.75"), "USD", "TID1"),
        (date(2016, 2, 12), Decimal("-50"), "USD", "TID2"),
        (date(2016, 2, 12), Decimal("43.34"), "EUR", "TID3"),
        (date(2016, 7, 25), Decimal("-12431.37"), "EUR", "TID11"),
        (date(2016, 7, 25), Decimal("12431.37"), "EUR", "TID13")]


def test_a_pending_row_the_balance_does_not_count_is_not_booked() -> None:
    # The withdrawal's balance is the one before it: it has not moved the balance yet.
    lines = PAYPAL.splitlines()[:4] + [PAYPAL.splitlines()[4].replace("-12388.03", "43.34")]
    [statement] = statement_csv.extract_csv("\n".join(lines).encode(), file="p.csv")
    assert [ln.transaction_id for ln in statement.lines] == ["TID1", "TID2", "TID3"]
    assert statement.not_booked == 1


def test_pending_rows_that_break_the_balances_either_way_are_refused() -> None:
    lines = PAYPAL.splitlines()
    lines[4] = lines[4].replace("-12388.03", "43.34")
    with pytest.raises(StatementError, match=r"^p\.csv:6: Balance: the balance 43\.34 EUR"):
        statement_csv.extract_csv("\n".join(lines).encode(), file="p.csv")


# PayPal's default columns end in "Balance Impact": "Memo" for an authorization, which moves no
# money whatever its status (a real 2023 row, its e-mail addresses replaced).
PAYPAL_IMPACT = (
    '"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net",'
    '"From Email Address","To Email Address","Transaction ID","Reference Txn ID",'
    '"Invoice Number","Balance","Balance Impact"\n'
    '"01/03/2023","13:57:10","PST","Uber Technologies, Inc","General Authorization","Pending",'
    '"USD","-42.92","0.00","-42.92","payer@example.com","merchant@example.com",'
    '"91C639911G078574E","B-34X4798607464050W","2MwMW7bv4u0RhriNV6REgza0","0.00","Memo"\n'
    '"01/13/2023","09:00:00","PST","Cliente SA","Website Payment","Completed","USD","100.00",'
    '"-3.20","96.80","cliente@example.com","payer@example.com","5AB","","F-1001","96.80",'
    '"Credit"\n'
    '"01/14/2023","10:00:00","PST","Tienda","Express Checkout Payment","Completed","USD",'
    '"-20.00","0.00","-20.00","payer@example.com","tienda@example.com","6AB","","","76.80",'
    '"Debit"\n')


def test_a_paypal_memo_row_is_not_booked_and_the_invoice_number_is_the_reference() -> None:
    [statement] = statement_csv.extract_csv(PAYPAL_IMPACT.encode(), file="p.csv")
    assert [(ln.booking_date, ln.amount, ln.remittance) for ln in statement.lines] == [
        (date(2023, 1, 13), Decimal("96.80"), "F-1001"),
        (date(2023, 1, 14), Decimal("-20.00"), "")]
    assert statement.not_booked == 1


def test_a_row_without_a_balance_impact_is_refused_not_read_as_money_in() -> None:
    lines = PAYPAL_IMPACT.splitlines()
    lines[3] = lines[3].replace('"-20.00","0.00","-20.00"', '"20.00","0.00","20.00"').replace(
        '"Debit"', '""')
    with pytest.raises(StatementError, match=(
            r"^p\.csv:4: Balance Impact: missing value; expected a debit or credit mark")):
        statement_csv.extract_csv("\n".join(lines).encode(), file="p.csv")


# Stripe's balance history: "Amount" is the gross, "Net" what reached the balance (its id
# column, "balance_transaction_id" in the newer report, is no balance).
@pytest.mark.parametrize("text", [
    ("id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description\n"
     "txn_18bB5g2kdGSXuqwcVm1fYE09,refund,ch_18BnYG2kdGSXuqwcGJj4i9MG,-249.00,-7.52,-241.48,usd,"
     "2016-07-25 15:34,2016-07-25 15:34,REFUND FOR CHARGE\n"),
    ('"balance_transaction_id","created_utc","available_on_utc","currency","gross","fee","net",'
     '"reporting_category","description"\n'
     '"txn_18bB5g2kdGSXuqwcVm1fYE09","2016-07-25 15:34:00","2016-07-25 00:00:00","usd",'
     '"-249.00","-7.52","-241.48","refund","REFUND FOR CHARGE"\n'),
])
def test_stripe_is_read_by_its_net_never_its_gross(text: str) -> None:
    assert _read(text) == [
        (date(2016, 7, 25), Decimal("-241.48"), "USD", "txn_18bB5g2kdGSXuqwcVm1fYE09")]


def test_a_fee_beside_an_amount_and_no_net_is_taken_from_the_amount() -> None:
    # Revolut: the balance moves by the amount less the fee; a pending row is not booked.
    text = ("Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,"
            "Balance\n"
            "CARD_PAYMENT,Current,2024-01-30 18:22,2024-01-31 09:00,Cafe,-10.00,0.00,EUR,"
            "COMPLETED,490.00\n"
            "ATM,Current,2024-02-01 11:00,2024-02-01 11:00,Cash,-100.00,2.00,EUR,COMPLETED,"
            "388.00\n"
            "CARD_PAYMENT,Current,2024-02-02 12:00,,Hotel,-200.00,0.00,EUR,PENDING,\n")
    assert [a for _d, a, _c, _i in _read(text)] == [Decimal("-10.00"), Decimal("-102.00")]


def test_revolut_business_is_in_its_payment_currency_and_names_the_payee() -> None:
    # The account is in euros whatever the organisation's currency; "Orig currency" is what a
    # card payment abroad was charged in. Before, every line was filed in the base currency.
    text = ("Date started (UTC),Date completed (UTC),ID,Type,State,Description,Reference,Payer,"
            "Orig currency,Orig amount,Payment currency,Amount,Total amount,Fee,Fee currency,"
            "Balance,Account,Beneficiary IBAN\n"
            "2026-03-02,2026-03-02,tx-1,TRANSFER,COMPLETED,Money added from MUELLER GMBH,"
            "Rechnung 2026-0113,MUELLER GMBH,EUR,1000.00,EUR,1000.00,1000.00,0.00,EUR,6000.00,"
            "EUR Main,\n"
            "2026-03-04,2026-03-04,tx-2,TRANSFER,COMPLETED,To GLOBEX SARL,PO 5521,,EUR,-500.00,"
            "EUR,-500.00,-500.20,0.20,EUR,5499.80,EUR Main,FR7630006000011234567890189\n"
            "2026-03-05,2026-03-05,tx-3,CARD_PAYMENT,COMPLETED,Amazon Web Services,,,USD,-54.00,"
            "EUR,-49.80,-49.80,0.00,EUR,5450.00,EUR Main,\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="r.csv", default_currency="GBP")
    assert statement.account == "EUR Main"
    assert [(ln.amount, ln.currency, ln.counterparty_name, ln.counterparty_account)
            for ln in statement.lines] == [
        (Decimal("1000.00"), "EUR", "MUELLER GMBH", None),
        (Decimal("-500.20"), "EUR", None, "FR7630006000011234567890189"),
        (Decimal("-49.80"), "EUR", None, None)]


def test_wise_statement_amounts_already_include_their_fees() -> None:
    # "Total fees" is for information: the running balance moves by "Amount".
    text = ('"TransferWise ID",Date,Amount,Currency,Description,"Payment Reference",'
            '"Running Balance","Payer Name","Payee Name","Payee Account Number","Total fees"\n'
            'TRANSFER-1001,17-01-2024,-500.00,EUR,"Sent money to Jane Doe",,1400.00,,"Jane Doe",'
            '"PL12345678901234567890",2.50\n'
            'TRANSFER-1004,19-01-2024,1200.00,EUR,"Received money from ACME LTD","INV-1001",'
            '2600.00,"ACME LTD",,,0.00\n')
    [statement] = statement_csv.extract_csv(text.encode(), file="w.csv")
    assert [(ln.amount, ln.counterparty_name, ln.transaction_id) for ln in statement.lines] == [
        (Decimal("-500.00"), "Jane Doe", "TRANSFER-1001"),
        (Decimal("1200.00"), "ACME LTD", "TRANSFER-1004")]


def test_wise_transaction_history_is_refused_as_no_accounts_movements() -> None:
    # Each row has a source and a target side: which one moved the account depends on the
    # direction, and a conversion moves two balances.
    data = (b'ID,Status,Direction,"Created on","Finished on","Source fee amount",'
            b'"Source fee currency","Target fee amount","Target fee currency","Source name",'
            b'"Source amount (after fees)","Source currency","Target name",'
            b'"Target amount (after fees)","Target currency","Exchange rate",Reference,Batch\n'
            b'TRANSFER-1,COMPLETED,IN,"2026-06-01 10:00:00","2026-06-01 10:00:00",0,USD,,,ACME,'
            b'100,USD,Me,92.10,EUR,0.921,INV-1,\n')
    assert statement_csv.identify(data)
    with pytest.raises(StatementError, match=r"^w\.csv:1: the file lists transfers.*Wise"):
        statement_csv.extract_csv(data, file="w.csv", currency="EUR",
                                  mapping={"amount": "Source amount (after fees)"})


def test_a_list_of_card_payments_with_fees_and_no_net_is_refused() -> None:
    # Stripe's payments export: the gross charged in the customer's currency, the fee in the
    # account's ("Converted Currency"); no net, no balance. "Card Funding" is the card's type,
    # no direction of the movement.
    data = (b"id,Description,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,"
            b"Converted Amount Refunded,Fee,Tax,Converted Currency,Mode,Status,Card Funding\n"
            b"ch_1,F-1001,2026-03-02 10:00,100.00,0.00,eur,108.52,0.00,3.45,0.00,usd,Live,Paid,"
            b"credit\n"
            b"ch_2,F-1002,2026-03-03 10:00,50.00,0.00,eur,54.26,0.00,1.87,0.00,usd,Live,Paid,"
            b"debit\n")
    with pytest.raises(StatementError, match=(
            r"^s\.csv:2: Fee: a fee beside the amount, and no net or running balance")):
        statement_csv.extract_csv(data, file="s.csv")
    [statement] = statement_csv.extract_csv(data, file="s.csv", mapping={"amount": "Amount"})
    assert [(ln.amount, ln.currency) for ln in statement.lines] == [
        (Decimal("100.00"), "EUR"), (Decimal("50.00"), "EUR")]


# Mercado Pago's release report ("reporte de liberaciones"): the money in NET_CREDIT_AMOUNT and
# the money out in NET_DEBIT_AMOUNT, the opening balance as its first row's RECORD_TYPE, each
# section's subtotal and the total of them all (the opening balance included) below, and its
# dates in ISO 8601 with their offset.
MP_RELEASES = (
    "DATE,SOURCE_ID,EXTERNAL_REFERENCE,RECORD_TYPE,DESCRIPTION,NET_CREDIT_AMOUNT,"
    "NET_DEBIT_AMOUNT,GROSS_AMOUNT,MP_FEE_AMOUNT,INSTALLMENTS,PAYMENT_METHOD\n"
    "2026-03-01T00:00:00.000-03:00,,,initial_available_balance,,150000,0,150000,0,,\n"
    "2026-03-02T23:15:22.000-03:00,61234567890,F-1001,release,payment,95010,0,100000,-4990,1,visa\n"
    "2026-03-04T09:00:00.000-03:00,61234560001,,release,withdrawal,0,200000,-200000,0,,\n"
    "2026-03-05T16:30:00.000-03:00,61234567890,F-1001,release,refund,0,20000,-20000,0,,\n"
    ",,,subtotal,release,95010,220000,,,,\n"
    ",,,total,,{total},220000,,,,\n")


def test_mercado_pago_releases_are_credit_less_debit_and_its_balances_are_no_movements(
) -> None:
    text = MP_RELEASES.format(total="245010")
    [statement] = statement_csv.extract_csv(text.encode(), file="mp.csv", account="MP-CL",
                                            currency="CLP")
    assert [(ln.booking_date, ln.amount, ln.transaction_id) for ln in statement.lines] == [
        (date(2026, 3, 2), Decimal(95010), "61234567890"),
        (date(2026, 3, 4), Decimal(-200000), "61234560001"),
        (date(2026, 3, 5), Decimal(-20000), "61234567890")]
    # The date is the calendar day as written, never moved to UTC (23:15 at -03:00).
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal(150000), Decimal(25010))


def test_mercado_pago_releases_whose_total_does_not_follow_are_refused_by_how_much() -> None:
    from cobranza.statements.checks import check_statement

    text = MP_RELEASES.format(total="345010")
    [statement] = statement_csv.extract_csv(text.encode(), file="mp.csv", account="MP-CL",
                                            currency="CLP")
    [error] = check_statement(statement, file="mp.csv")
    assert (error.line, error.field) == (7, "NET_CREDIT_AMOUNT / NET_DEBIT_AMOUNT")
    assert "differ by 100000 CLP" in error.message


def test_mercado_pago_settlement_report_is_read_by_its_settlement_net_amount() -> None:
    text = ("EXTERNAL_REFERENCE,SOURCE_ID,TRANSACTION_TYPE,TRANSACTION_DATE,TRANSACTION_AMOUNT,"
            "FEE_AMOUNT,SETTLEMENT_NET_AMOUNT,SETTLEMENT_CURRENCY,DESCRIPTION\n"
            "F-1001,900001,SETTLEMENT,2026-03-05T10:12:00.000-03:00,148000.00,-10360.00,"
            "137640.00,CLP,Pago factura F-1001\n"
            "F-1001,900001,REFUND,2026-03-07,-20000.00,0.00,-20000.00,CLP,Devolucion\n")
    assert _read(text, account="MP-CL") == [
        (date(2026, 3, 5), Decimal(137640), "CLP", "900001"),
        (date(2026, 3, 7), Decimal(-20000), "CLP", "900001")]


def test_a_mercado_pago_section_whose_subtotal_its_movements_miss_is_refused() -> None:
    text = MP_RELEASES.format(total="245010").replace(",,,subtotal,release,95010,220000",
                                                      ",,,subtotal,release,95010,200000")
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(text.encode(), file="mp.csv", account="MP-CL", currency="CLP")
    assert (caught.value.line, caught.value.field) == (6, "NET_CREDIT_AMOUNT / NET_DEBIT_AMOUNT")
    assert caught.value.message == (
        "the subtotal of release is -104990 CLP, but its movements add up to -124990 CLP: "
        "they differ by 20000 CLP")
