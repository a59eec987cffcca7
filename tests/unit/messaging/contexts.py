"""Realistic message contexts: a Chilean distributor writing to a customer about 1 or 3 invoices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cobranza.core.references import customer_reference, invoice_reference, printed
from cobranza.messaging.context import InvoiceLine, MessageContext

TODAY = date(2026, 3, 26)
HOW_TO_PAY = {
    "es": "Transferencia a Banco de Chile, cuenta corriente 123-45678-09, a nombre de "
          "Distribuidora Sur Ltda., RUT 76.123.456-0. Envíe el comprobante a pagos@sur.cl.",
    "en": "Bank transfer to Banco de Chile, current account 123-45678-09, in the name of "
          "Distribuidora Sur Ltda., tax id 76.123.456-0. Send the receipt to pagos@sur.cl.",
}
# (number, issue date, due date, amount, open amount)
INVOICES = (
    ("F-001040", date(2026, 1, 10), date(2026, 3, 5), "$1.234.567", "$1.000.000"),
    ("F-001041", date(2026, 1, 28), date(2026, 3, 8), "$2.380.000", "$2.380.000"),
    ("F-001042", date(2026, 2, 12), date(2026, 3, 14), "$595.000", "$595.000"),
)
TOTALS = {1: "$1.000.000", 3: "$3.975.000"}
INVOICE_IDS = (1040, 1041, 1042)
CUSTOMER_ID = 107
REFERENCES = tuple(printed(invoice_reference(i)) for i in INVOICE_IDS)
PAYMENT_REFERENCE = printed(customer_reference(CUSTOMER_ID))
CLABE = "002180012300001071"  # a Mexican customer's virtual CLABE: prefix 0021800123, id 107


def context(language: str = "es", *, invoices: int = 3, step: str = "letter_1",
            today: date = TODAY, **changes: object) -> MessageContext:
    """A context for `invoices` invoices (1 or 3) in `language`; `changes` override fields."""
    lines = tuple(InvoiceLine(number=n, issue_date=issued, due_date=due, amount=amount,
                              open_amount=open_amount, days_past_due=(today - due).days,
                              currency="CLP", reference=reference)
                  for (n, issued, due, amount, open_amount), reference
                  in zip(INVOICES[:invoices], REFERENCES, strict=False))
    ctx = MessageContext(
        customer_name="Comercial Andes SpA", customer_id="C-0107",
        organisation_name="Distribuidora Sur Ltda.", organisation_tax_id="76.123.456-0",
        organisation_email="cobranza@sur.cl", organisation_phone="+56 2 2345 6789",
        organisation_address="Av. Providencia 1234, of. 501, Providencia, Santiago",
        invoices=lines, total_open=TOTALS[invoices], currency="CLP",
        earliest_due_date=lines[0].due_date,
        max_days_past_due=max(line.days_past_due for line in lines),
        how_to_pay=HOW_TO_PAY[language], tone="formal", step=step, language=language,
        today=today, letter_number=1, agency_name="Recupera Cobranzas SpA",
        unsubscribe="https://cobranza.sur.cl/baja/7f3a9c2e41d8",
        payment_reference=PAYMENT_REFERENCE)
    return replace(ctx, **changes)
